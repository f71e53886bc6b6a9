"""Load the tag vocabulary from ``content/taxonomy.yml``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from generator.content import frontmatter
from generator.errors import ContentError
from generator.models import TagRule, Taxonomy

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


def parse_taxonomy(text: str, path: Path) -> Taxonomy:
    """Parse the vocabulary file.

    Raises:
        ContentError: Invalid YAML, a tag without id/label/description, a bad id, a
            duplicate id, or one of the required tags missing.
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
        if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
            raise ContentError(path, "le seuil doit être un nombre", key=f"{where}.threshold")
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
            )
        )
    missing = [tag for tag in REQUIRED_TAGS if tag not in seen]
    if missing:
        raise ContentError(path, f"thèmes obligatoires absents : {', '.join(missing)}", key="tags")
    return Taxonomy(tags=tuple(tags))
