"""What the tagger measures on an item for each tag: where and how much the tag's terms
are used, and the item's shape (dates, links, digest title).

A learned decision (:class:`generator.models.TagModel`) weighs these features: a term
in the title or the lead says more than the same term in the tenth paragraph; a term
that fills the text says more than one passing mention; a weekly digest names many
dates and links without being an event. The tag's own rules are one of the features:
their score, against their threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from generator.models import TagModel

LEAD_CHARS = 600
"""Characters at the start of the body (folded) that count as the lead, with the summary."""
SHORT_TEXT_CHARS = 1000
"""Shares (per 1,000 characters) of a shorter body are counted as for this length: in a
text of a few lines, one passing word would otherwise fill the text."""

FEATURES: tuple[str, ...] = (
    "rules",
    "title",
    "lead",
    "body",
    "share",
    "terms",
    "negative",
    "context",
    "future_date",
    "dates",
    "links",
    "digest",
)
"""The features, in the order of a model's weights."""

LABELS: Mapping[str, str] = {
    "rules": "score des règles / seuil",
    "title": "termes du titre",
    "lead": "termes du chapeau (résumé, catégories, début du texte)",
    "body": "termes du texte",
    "share": "part du texte (termes pour 1 000 caractères)",
    "terms": "termes différents",
    "negative": "termes contraires",
    "context": "contexte IA",
    "future_date": "date à venir",
    "dates": "dates citées",
    "links": "liens pour 1 000 caractères",
    "digest": "titre de revue ou de lettre",
}
"""How ``tags --explain`` names each feature."""


@dataclass(slots=True)
class TagStats:
    """Sums of the weights of one tag's terms, by place in the item."""

    title: float = 0.0
    lead: float = 0.0
    body: float = 0.0
    negative: float = 0.0
    terms: int = 0
    mentions: int = 0
    """Occurrences of the tag's terms (each term counted at most three times a field)."""


@dataclass(frozen=True, slots=True)
class ItemShape:
    """What the item is like, whatever the tag."""

    body_chars: int
    context: int
    """Occurrences of AI-context terms in the whole item."""
    future_date: bool
    dates: int
    """Days of the month named in the body (``17 avril``, ``May 3``)."""
    links: int
    """Links and addresses in the body."""
    digest: bool


class Measure(NamedTuple):
    """A tag's features on an item, and whether the item says more than a passing word."""

    values: tuple[float, ...]
    substantial: bool


def substantial(stats: TagStats) -> bool:
    """Whether the tag's terms are more than one passing mention: one in the title or the
    lead, or two in the body. A learned tag is never given on less."""
    return stats.title > 0 or stats.lead > 0 or stats.mentions >= 2


def values(stats: TagStats, shape: ItemShape, *, rules: float) -> tuple[float, ...]:
    """The features of one tag on one item, in the order of :data:`FEATURES`.

    ``rules`` is the tag's score by its rules divided by its threshold (1 where the rules
    alone would give the tag). Counts and sums go through ``log1p``: the tenth term adds
    less than the first.
    """
    per_thousand = 1000.0 / max(shape.body_chars, SHORT_TEXT_CHARS)
    return (
        rules,
        math.log1p(stats.title),
        math.log1p(stats.lead),
        math.log1p(stats.body),
        math.log1p(stats.body * per_thousand),
        math.log1p(stats.terms),
        math.log1p(stats.negative),
        math.log1p(shape.context),
        1.0 if shape.future_date else 0.0,
        math.log1p(shape.dates),
        math.log1p(shape.links * per_thousand),
        1.0 if shape.digest else 0.0,
    )


def logit(model: TagModel, features: Sequence[float]) -> float:
    """The model's score (log-odds): the tag is given when it is at least 0."""
    return model.bias + sum(w * x for (_, w), x in zip(model.weights, features, strict=True))


def contributions(model: TagModel, features: Sequence[float]) -> list[tuple[str, float, float]]:
    """(feature, value, weight × value) for each feature that moved the score."""
    return [
        (name, x, w * x) for (name, w), x in zip(model.weights, features, strict=True) if x and w
    ]
