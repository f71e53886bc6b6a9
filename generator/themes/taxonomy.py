"""Load the tag vocabulary from ``content/taxonomy.yml``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.content import frontmatter
from generator.errors import ContentError
from generator.models import TagModel, TagRule, Taxonomy
from generator.themes.features import FEATURES

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED_TAGS = ("open-source-ai", "llm-news", "events")


def _terms(value: Any, path: Path, key: str) -> tuple[tuple[str, float], ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        value = {term: 1.0 for term in value}
    if not isinstance(value, dict):
        raise ContentError(path, "une table « terme: poids » est attendue", key=key)
    terms: list[tuple[str, float]] = []
    for term, weight in value.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool):
            raise ContentError(path, f"le poids de « {term} » doit être un nombre", key=key)
        terms.append((str(term), float(weight)))
    return tuple(terms)


def _words(value: Any, path: Path, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(path, "une liste de termes est attendue", key=key)
    return tuple(v.strip() for v in value)


def _flag(value: Any, path: Path, key: str) -> bool:
    if not isinstance(value, bool):
        raise ContentError(path, "true ou false est attendu", key=key)
    return value


def _number(value: Any, path: Path, key: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ContentError(path, "un nombre est attendu", key=key)
    return float(value)


def _models(value: Any, path: Path, known: set[str]) -> tuple[TagModel, ...]:
    """The ``model:`` block that ``python -m generator train-tags`` writes."""
    if value is None:
        return ()
    tags = value.get("tags") if isinstance(value, dict) else None
    if not isinstance(tags, dict):
        raise ContentError(path, "une table « tags: » est attendue", key="model")
    models: list[TagModel] = []
    for tag_id, raw in tags.items():
        where = f"model.tags.{tag_id}"
        if tag_id not in known:
            raise ContentError(path, f"thème « {tag_id} » hors vocabulaire", key=where)
        if not isinstance(raw, dict) or not isinstance(raw.get("weights"), dict):
            raise ContentError(path, "« bias » et « weights » sont attendus", key=where)
        weights = raw["weights"]
        unknown = sorted(set(map(str, weights)) - set(FEATURES))
        if unknown:
            raise ContentError(
                path, f"mesures inconnues : {', '.join(unknown)}", key=f"{where}.weights"
            )
        models.append(
            TagModel(
                tag_id=str(tag_id),
                bias=_number(raw.get("bias"), path, f"{where}.bias"),
                weights=tuple(
                    (name, _number(weights.get(name, 0.0), path, f"{where}.weights.{name}"))
                    for name in FEATURES
                ),
            )
        )
    return tuple(models)


def parse_taxonomy(text: str, path: Path) -> Taxonomy:
    """Parse the vocabulary file.

    Raises:
        ContentError: Invalid YAML, a tag without id/label/description, a bad id, a
            duplicate id, one of the required tags missing, or a ``model:`` block for an
            unknown tag or feature.
    """
    data = frontmatter.parse(text, path)
    raw_tags = data.get("tags")
    if not isinstance(raw_tags, list) or not raw_tags:
        raise ContentError(path, "une liste « tags: » non vide est attendue", key="tags")
    tags: list[TagRule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_tags):
        where = f"tags[{index}]"
        if not isinstance(raw, dict):
            raise ContentError(path, "chaque thème est un dictionnaire", key=where)
        tag_id = str(raw.get("id", ""))
        if not _ID.match(tag_id):
            raise ContentError(path, f"id « {tag_id} » invalide (minuscules et tirets)", key=where)
        if tag_id in seen:
            raise ContentError(path, f"id « {tag_id} » déclaré deux fois", key=where)
        seen.add(tag_id)
        for required in ("label", "description"):
            if not str(raw.get(required) or "").strip():
                raise ContentError(path, "clé absente", key=f"{where}.{required}")
        future = raw.get("future_date", 0.0)
        if not isinstance(future, (int, float)) or isinstance(future, bool):
            raise ContentError(path, "un poids numérique est attendu", key=f"{where}.future_date")
        threshold = raw.get("threshold", 2.0)
        if not isinstance(threshold, (int, float)) or isinstance(threshold, bool) or threshold <= 0:
            raise ContentError(
                path, "le seuil doit être un nombre positif", key=f"{where}.threshold"
            )
        tags.append(
            TagRule(
                id=tag_id,
                label=str(raw["label"]).strip(),
                description=str(raw["description"]).strip(),
                threshold=float(threshold),
                terms=_terms(raw.get("terms"), path, f"{where}.terms"),
                negative=_terms(raw.get("negative"), path, f"{where}.negative"),
                future_date_weight=float(future),
                requires=tuple(
                    term for term, _ in _terms(raw.get("requires"), path, f"{where}.requires")
                ),
                near_context=_words(raw.get("near_context"), path, f"{where}.near_context"),
                not_past=_flag(raw.get("not_past", False), path, f"{where}.not_past"),
                digest_factor=_number(
                    raw.get("digest_factor", 1.0), path, f"{where}.digest_factor"
                ),
            )
        )
    missing = [tag for tag in REQUIRED_TAGS if tag not in seen]
    if missing:
        raise ContentError(path, f"thèmes obligatoires absents : {', '.join(missing)}", key="tags")
    return Taxonomy(
        tags=tuple(tags),
        context=_words(data.get("context"), path, "context"),
        ambiguous=_words(data.get("ambiguous"), path, "ambiguous"),
        digest=_words(data.get("digest"), path, "digest"),
        models=_models(data.get("model"), path, seen),
    )
