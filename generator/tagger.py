"""Rule-based tagging: weighted terms, per-tag thresholds, explainable decisions.

Text is folded (case, accents, punctuation), apostrophes separate words (``l’IA`` →
``l ia``, so the term ``IA`` matches), and a final ``s``/``x`` is dropped from every word
of both text and terms, so ``modèles ouverts`` matches the term ``modèle ouvert``.
Terms match whole words.
The title weighs more than the summary, which weighs more than the body; an item's
categories count like its summary. A tag may also reward a date still to come in the
text (``le 17 avril`` in a post of March): the mark of an announced event.

All the terms of a vocabulary are compiled into one regular expression (a trie), so an
item is scanned once per field, whatever the size of the vocabulary.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .dates import FRENCH_MONTHS
from .models import Hit, TagDecision, Taxonomy

FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "summary": 2.0,
    "categories": 2.0,
    "body": 1.0,
}
BODY_REFERENCE_WORDS = 1500
"""Bodies longer than this weigh less per term: in a 15,000-word course, scattered
mentions of "rencontre" or "programme" are not what the text is about."""
MAX_COUNT = 3
"""Occurrences counted per term and field: a word repeated ten times is not ten signals."""
FUTURE_DATE_TERM = "date à venir"
NO_CONTEXT_TERM = "contexte absent"
_CONTEXT = "context:"
_MONTH = "month:"


# Characters that NFKD does not turn into ASCII but that carry letters or a boundary.
_BEFORE_FOLD = (
    ("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"), ("ß", "ss"),
    ("\u202f", " "), ("\u2009", " "),
)  # fmt: skip
_WORD_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789+#")


def _fold_table(encoding: str) -> bytes:
    """Byte → folded word byte (lower-case ASCII letter or digit) or a space."""
    table = bytearray(b" " * 256)
    for byte in range(256):
        try:
            char = bytes([byte]).decode(encoding)
        except UnicodeDecodeError:
            continue
        folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").lower()
        if len(folded) == 1 and folded[0] in _WORD_CHARS:
            table[byte] = folded[0]
    return bytes(table)


# Nearly all French text fits in Windows-1252 (accented letters, ’ « » …): encoded so,
# one bytes.translate folds case and accents and turns punctuation into spaces, in C,
# several times faster than Unicode normalization. Other text goes through NFKD.
_CP1252_WORDS = _fold_table("cp1252")
_ASCII_WORDS = _fold_table("ascii")
_HTML_TAG = re.compile(rb"<[^>]+>")
_ENTITY = re.compile(rb"&(?:[a-zA-Z]+|#\d+);")


def _words(text: str) -> bytes:
    for old, new in _BEFORE_FOLD:
        if old in text:
            text = text.replace(old, new)
    try:
        raw = text.encode("cp1252")
        table = _CP1252_WORDS
    except UnicodeEncodeError:
        # The apostrophe separates words ("l’IA"): NFKD would drop it.
        text = unicodedata.normalize("NFKD", text.replace("’", " "))
        raw = text.encode("ascii", "ignore")
        table = _ASCII_WORDS
    if b"<" in raw:
        raw = _HTML_TAG.sub(b" ", raw)
    if b"&" in raw:
        raw = _ENTITY.sub(b" ", raw)
    return b" " + b" ".join(raw.translate(table).split()) + b" "


def fold_fast(text: str) -> str:
    """Lower-case ASCII words of ``text``, accents stripped, separated by single spaces."""
    return _words(text).strip().decode("ascii")


_PLURAL = re.compile(r"[sx] ")
_DAY_MONTH = re.compile(
    r" (\d{1,2})(?:er)? ("
    + "|".join(sorted({m for m in FRENCH_MONTHS}, key=len, reverse=True))
    + r")(?: (\d{4}))? "
)


def normalize(text: str) -> str:
    """Fold ``text`` into single-space-separated lower-case ASCII words, framed by spaces."""
    return _words(text).decode("ascii")


def singular(normalized: str) -> str:
    """Drop a final ``s``/``x`` from every word of normalized text (a crude plural)."""
    return _PLURAL.sub(" ", normalized)


def _trie_regex(words: list[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(c) + render(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[bytes]
    targets: Mapping[bytes, tuple[tuple[str, str, float], ...]]
    """Canonical term → (tag id, term as written, signed weight)."""
    canonical: Mapping[bytes, bytes]
    """Spelling found in the text → canonical term (plurals folded)."""
    inner: Mapping[bytes, tuple[bytes, ...]]
    """Spelling → the canonical terms that start on one of its later words and end
    inside it (``grand modele de langage`` holds ``modele de langage``)."""


@lru_cache(maxsize=16)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    targets: dict[bytes, list[tuple[str, str, float]]] = defaultdict(list)
    for rule in taxonomy.tags:
        seen: set[bytes] = set()
        for terms, sign in ((rule.terms, 1.0), (rule.negative, -1.0)):
            for term, weight in terms:
                key = singular(normalize(term)).strip().encode("ascii")
                if not key or key in seen:
                    continue  # "open source" and "open-source" are one term once folded
                seen.add(key)
                targets[key].append((rule.id, term, sign * weight))
        for term in rule.requires:
            key = singular(normalize(term)).strip().encode("ascii")
            if key:
                targets[key].append((_CONTEXT + rule.id, term, 0.0))
    if any(rule.future_date_weight for rule in taxonomy.tags):
        # Month names are matched with the terms, so that the search for a date still to
        # come runs only on texts that name a month.
        for month in FRENCH_MONTHS:
            targets[singular(normalize(month)).strip().encode("ascii")].append((_MONTH, month, 0.0))
    if not targets:
        return _Compiled(pattern=re.compile(rb"(?!x)x"), targets={}, canonical={}, inner={})
    # Every spelling a term can take in the text (each word bare, +s or +x) is put in the
    # pattern, so the text needs no plural pass before matching.
    variants: dict[bytes, bytes] = {}
    for key in targets:
        for spelling in itertools.product(
            *([word, word + b"s", word + b"x"] for word in key.split(b" "))
        ):
            variants[b" ".join(spelling)] = key
    # At every word start the longest term wins. The pattern opens on a literal space, so
    # the regular expression engine jumps from space to space instead of trying the trie
    # at every character (twice as fast as a look-behind); a match consumes its words,
    # and the terms that start inside it are added from ``inner``.
    trie = _trie_regex(sorted(key.decode("ascii") for key in variants))
    pattern = re.compile((r" (" + trie + r")(?= )").encode("ascii"))
    inner: dict[bytes, tuple[bytes, ...]] = {}
    for variant in variants:
        words = variant.split(b" ")
        found = tuple(
            variants[b" ".join(words[start:end])]
            for start in range(1, len(words))
            for end in range(start + 1, len(words) + 1)
            if b" ".join(words[start:end]) in variants
        )
        if found:
            inner[variant] = found
    return _Compiled(
        pattern=pattern,
        targets={k: tuple(v) for k, v in targets.items()},
        canonical=variants,
        inner=inner,
    )


@dataclass(frozen=True, kw_only=True)
class Document:
    """The text fields of one item, as the tagger sees them."""

    title: str
    summary: str = ""
    body: str = ""
    categories: tuple[str, ...] = ()
    published: datetime | None = None


def body_scale(words: int) -> float:
    """Weight of the body's terms: 1 up to the reference length, then falling as the
    square root of the length (breadth of a long text is not topicality)."""
    if words <= BODY_REFERENCE_WORDS:
        return 1.0
    return float((BODY_REFERENCE_WORDS / words) ** 0.5)


def has_future_date(normalized_body: str, published: datetime) -> bool:
    """Whether the text names a day after its own publication (``le 17 avril``)."""
    for match in _DAY_MONTH.finditer(normalized_body):
        month = FRENCH_MONTHS.get(match.group(2))
        if month is None:
            continue
        year = int(match.group(3)) if match.group(3) else published.year
        try:
            named = datetime(year, month, int(match.group(1)), tzinfo=published.tzinfo)
        except ValueError:
            continue
        if named.date() > published.date():
            return True
    return False


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
    compiled = _compile(taxonomy)
    body = _words(document.body)
    fields = {
        "title": _words(document.title),
        "summary": _words(document.summary),
        "categories": _words(" , ".join(document.categories)),
        "body": body,
    }
    scores: dict[str, float] = defaultdict(float)
    hits: dict[str, list[Hit]] = defaultdict(list)
    targets = compiled.targets
    for field_name, text in fields.items():
        if len(text) < 3:
            continue
        field_weight = FIELD_WEIGHTS[field_name]
        if field_name == "body":
            field_weight *= body_scale(text.count(b" ") - 1)
        matches = compiled.pattern.findall(text)
        found = Counter(map(compiled.canonical.__getitem__, matches))
        if compiled.inner:
            for spelling in compiled.inner.keys() & set(matches):
                times = matches.count(spelling)
                for key in compiled.inner[spelling]:
                    found[key] += times
        for key, count in found.items():
            counted = count if count < MAX_COUNT else MAX_COUNT
            for tag_id, term, weight in targets[key]:
                scores[tag_id] += weight * field_weight * counted
                hits[tag_id].append(Hit(term, field_name, count, weight))
    future = (
        document.published is not None
        and _MONTH in hits
        and has_future_date(body.decode("ascii"), document.published)
    )
    decisions: list[TagDecision] = []
    for rule in taxonomy.tags:
        context = hits.get(_CONTEXT + rule.id)
        if context:
            hits[rule.id].extend(Hit(h.term, h.field, h.occurrences, 0.0) for h in context)
        if rule.requires and not context:
            if scores[rule.id] > 0:
                hits[rule.id].append(Hit(NO_CONTEXT_TERM, "tous", 0, -scores[rule.id]))
            scores[rule.id] = min(scores[rule.id], 0.0)
        if future and rule.future_date_weight:
            scores[rule.id] += rule.future_date_weight
            hits[rule.id].append(Hit(FUTURE_DATE_TERM, "body", 1, rule.future_date_weight))
        decisions.append(
            TagDecision(
                tag_id=rule.id,
                score=round(scores[rule.id], 3),
                threshold=rule.threshold,
                hits=tuple(hits[rule.id]),
                forced=rule.id in forced or rule.id in source_tags,
                forbidden=rule.id in forbidden,
            )
        )
    return tuple(decisions)


def assigned(decisions: tuple[TagDecision, ...]) -> tuple[str, ...]:
    """The ids of the tags given, in vocabulary order."""
    return tuple(d.tag_id for d in decisions if d.assigned)
