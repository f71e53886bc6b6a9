"""Measure the tagger against hand-labelled items: precision, recall, F1 per tag."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.content import frontmatter
from generator.errors import ContentError
from generator.models import Taxonomy
from generator.themes import catalog
from generator.themes.catalog import Entry
from generator.themes.corpus import CorpusItem, labels
from generator.themes.tagger import Document, assigned, decide, normalize, singular


@dataclass(frozen=True, kw_only=True)
class GoldItem:
    """One labelled item: a content item by id, or an excerpt with its own text."""

    id: str
    tags: frozenset[str]
    title: str = ""
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class Score:
    """Counts and rates for one tag (or for a micro-average)."""

    tag: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def parse_gold(text: str, path: Path, taxonomy: Taxonomy) -> list[GoldItem]:
    """Read a gold file (``items:`` with ``id``, ``tags`` and, for excerpts, ``text``).

    Raises:
        ContentError: Bad YAML, a duplicate id, or a tag not in the vocabulary.
    """
    data = frontmatter.parse(text, path)
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ContentError(path, "une liste « items: » non vide est attendue", key="items")
    known = {t.id for t in taxonomy.tags}
    items: list[GoldItem] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        where = f"items[{index}]"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ContentError(path, "chaque élément a un « id »", key=where)
        item_id = str(raw["id"])
        if item_id in seen:
            raise ContentError(path, f"id « {item_id} » en double", key=where)
        seen.add(item_id)
        items.append(
            GoldItem(
                id=item_id,
                tags=labels(raw.get("tags") or [], path, f"{where}.tags", known),
                title=str(raw.get("title") or ""),
                text=str(raw.get("text") or ""),
            )
        )
    return items


def split_of(item_id: str) -> str:
    """``dev`` or ``test``, fixed by a hash of the id: rules are tuned on ``dev`` only."""
    digest = hashlib.sha256(item_id.encode("utf-8")).digest()
    return "dev" if digest[0] % 2 == 0 else "test"


def predict(
    taxonomy: Taxonomy, gold: Sequence[GoldItem], entries: Mapping[str, Entry]
) -> dict[str, frozenset[str]]:
    """The tagger's tags for every gold item (editor's forced tags are not used: the
    evaluation measures the rules alone).

    Raises:
        KeyError: A gold ``id`` that is neither an excerpt nor a content item.
    """
    predicted: dict[str, frozenset[str]] = {}
    for item in gold:
        if item.text:
            document = Document(title=item.title, body=item.text)
        else:
            document = catalog.document(entries[item.id])
        predicted[item.id] = frozenset(assigned(decide(taxonomy, document)))
    return predicted


def score(
    gold: Sequence[GoldItem], predicted: Mapping[str, frozenset[str]], tags: Iterable[str]
) -> list[Score]:
    """Per-tag scores, then the micro-average over those tags (named ``micro``)."""
    rows = []
    for tag in tags:
        tp = sum(1 for g in gold if tag in g.tags and tag in predicted[g.id])
        fp = sum(1 for g in gold if tag not in g.tags and tag in predicted[g.id])
        fn = sum(1 for g in gold if tag in g.tags and tag not in predicted[g.id])
        rows.append(Score(tag=tag, tp=tp, fp=fp, fn=fn))
    rows.append(
        Score(
            tag="micro",
            tp=sum(r.tp for r in rows),
            fp=sum(r.fp for r in rows),
            fn=sum(r.fn for r in rows),
        )
    )
    return rows


def table(rows: Sequence[Score]) -> str:
    """A plain-text table of scores."""
    lines = [f"{'thème':<24} {'préc.':>6} {'rappel':>6} {'F1':>6} {'VP':>4} {'FP':>4} {'FN':>4}"]
    for r in rows:
        rates = f"{r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f}"
        lines.append(f"{r.tag:<24} {rates} {r.tp:4d} {r.fp:4d} {r.fn:4d}")
    return "\n".join(lines)


BASELINE_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "open-source-ai": (
        "IA open source", "IA libre", "open source AI", "open-source AI", "open weight",
        "open weights", "modèle ouvert", "modèle open source", "open model", "open-source model",
        "LLM open source", "open-source LLM",
    ),
    "llm-news": (
        "LLM", "ChatGPT", "GPT", "grand modèle de langage", "modèle de langage",
        "large language model", "language model", "chatbot", "Claude", "Gemini", "Mistral",
        "Llama",
    ),
    "events": (
        "conférence", "conference", "meetup", "webinaire", "webinar", "atelier", "workshop",
        "événement", "event", "inscription", "registration", "hackathon", "rencontre",
    ),
}  # fmt: skip
"""The naive baseline: a tag for every item where one of its keywords appears (folded like
the tagger folds text: case, accents, plurals), whatever its place or number."""


def baseline(items: Sequence[CorpusItem]) -> dict[str, frozenset[str]]:
    """The naive keyword baseline's tags for ``items``."""
    keys = {
        tag: [singular(normalize(word)) for word in words]
        for tag, words in BASELINE_KEYWORDS.items()
    }
    predicted: dict[str, frozenset[str]] = {}
    for item in items:
        text = singular(normalize(f"{item.title} {item.text}"))
        predicted[item.id] = frozenset(
            tag for tag, words in keys.items() if any(word in text for word in words)
        )
    return predicted


def corpus_gold(items: Sequence[CorpusItem]) -> list[GoldItem]:
    """The corpus items as gold items (for :func:`score`)."""
    return [GoldItem(id=item.id, tags=item.tags) for item in items]


def predict_corpus(taxonomy: Taxonomy, items: Sequence[CorpusItem]) -> dict[str, frozenset[str]]:
    """The tagger's tags for the corpus items (the whole tagger: rules and models)."""
    return {item.id: frozenset(assigned(decide(taxonomy, item.document))) for item in items}
