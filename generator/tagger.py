"""Rule-based tagging: weighted terms, per-tag thresholds, explainable decisions.

Text is folded (case, accents), French elisions are split off (``l’IA`` → ``ia``), and
each term matches whole words, each optionally plural (``modèles ouverts`` matches the
term ``modèle ouvert``). The title weighs more than the summary, which weighs more than the body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .models import Hit, TagDecision, TagRule, Taxonomy
from .slugs import fold

FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "summary": 2.0, "body": 1.0}
MAX_COUNT = 3
"""Occurrences counted per term and field: a word repeated ten times is not ten signals."""

_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_NON_WORD = re.compile(r"[^a-z0-9+#]+")
_HTML_TAG = re.compile(r"<[^>]+>")


def normalize(text: str) -> str:
    """Fold ``text`` into space-separated lower-case words, elisions removed."""
    text = _HTML_TAG.sub(" ", text)
    text = _ELISION.sub(" ", text)
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


@lru_cache(maxsize=4096)
def _pattern(term: str) -> re.Pattern[str]:
    words = normalize(term).split()
    if not words:
        return re.compile(r"(?!x)x")
    # French plurals agree on every word: "modèles ouverts" matches "modèle ouvert".
    body = r"\s".join(re.escape(w) + r"(?:s|x)?" for w in words)
    return re.compile(r"(?<=\s)" + body + r"(?=\s)")


@dataclass(frozen=True, kw_only=True)
class Document:
    """The text fields of one item, as the tagger sees them."""

    title: str
    summary: str = ""
    body: str = ""


def score_tag(rule: TagRule, fields: Mapping[str, str]) -> tuple[float, tuple[Hit, ...]]:
    """Score one tag on normalized fields. Negative terms subtract."""
    hits: list[Hit] = []
    score = 0.0
    seen: set[str] = set()
    for terms, sign in ((rule.terms, 1.0), (rule.negative, -1.0)):
        for term, weight in terms:
            key = normalize(term)
            if key in seen:
                continue  # "open source" and "open-source" are one term once folded
            seen.add(key)
            pattern = _pattern(term)
            for field_name, text in fields.items():
                count = len(pattern.findall(text))
                if count:
                    counted = min(count, MAX_COUNT)
                    score += sign * weight * FIELD_WEIGHTS[field_name] * counted
                    hits.append(Hit(term=term, field=field_name, count=count, weight=sign * weight))
    return round(score, 3), tuple(hits)


def decide(
    taxonomy: Taxonomy,
    document: Document,
    *,
    forced: tuple[str, ...] = (),
    forbidden: tuple[str, ...] = (),
    source_tags: tuple[str, ...] = (),
) -> tuple[TagDecision, ...]:
    """Score every tag of the vocabulary on ``document``.

    Args:
        taxonomy: The vocabulary.
        document: The item's text.
        forced: Tags an editor forces (front matter ``force_tags``).
        forbidden: Tags an editor forbids (front matter ``forbid_tags``); they win.
        source_tags: Default tags of the item's source (``feeds.yml``), treated as forced.

    Returns:
        One decision per tag of the vocabulary, in its order.
    """
    fields = {
        "title": normalize(document.title),
        "summary": normalize(document.summary),
        "body": normalize(document.body),
    }
    decisions: list[TagDecision] = []
    for rule in taxonomy.tags:
        score, hits = score_tag(rule, fields)
        decisions.append(
            TagDecision(
                tag_id=rule.id,
                score=score,
                threshold=rule.threshold,
                hits=hits,
                forced=rule.id in forced or rule.id in source_tags,
                forbidden=rule.id in forbidden,
            )
        )
    return tuple(decisions)


def assigned(decisions: tuple[TagDecision, ...]) -> tuple[str, ...]:
    """The ids of the tags given, in vocabulary order."""
    return tuple(d.tag_id for d in decisions if d.assigned)
