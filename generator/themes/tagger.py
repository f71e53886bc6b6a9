"""Rule-based tagging: weighted terms, per-tag thresholds, explainable decisions.

Text is folded (case, accents, punctuation), apostrophes separate words (``l’IA`` →
``l ia``, so the term ``IA`` matches), and a final ``s``/``x`` is dropped from every word
of both text and terms, so ``modèles ouverts`` matches the term ``modèle ouvert``.
Terms match whole words.
The title weighs more than the summary, which weighs more than the body; an item's
categories count like its summary. A tag may also reward a date still to come in the
text (``le 17 avril`` in a post of March): the mark of an announced event.

All the terms of a vocabulary are compiled into one Aho–Corasick automaton
(pyahocorasick), so an item is scanned once per field, in C, whatever the size of the
vocabulary.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import ahocorasick

from generator.content.dates import FRENCH_MONTHS
from generator.models import Hit, TagDecision, Taxonomy

FIELD_WEIGHTS: Mapping[str, float] = {
    "title": 3.0,
    "summary": 2.0,
    "categories": 2.0,
    "body": 1.0,
}
BODY_REFERENCE_CHARS = 9000
"""Bodies longer than this (characters of folded text, about 1,500 words) weigh less per
term: in a 15,000-word course, scattered mentions of "rencontre" or "programme" are not
what the text is about."""
MAX_COUNT = 3
"""Occurrences counted per term and field: a word repeated ten times is not ten signals."""
FUTURE_DATE_TERM = "date à venir"
NO_CONTEXT_TERM = "contexte absent"
_CONTEXT = "context:"


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


def _fold_unencodable(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a character outside Latin-1 becomes the ASCII letters of its
    Unicode decomposition (``ő`` → ``o``), or a space (``⋅``, emoji, other scripts)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    folded = (
        unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii") or " "
        for char in error.object[error.start : error.end]
    )
    return "".join(folded), error.end


# Text is encoded to Latin-1 (a fast C codec) and one bytes.translate folds case and
# accents and turns punctuation into spaces, in C, several times faster than Unicode
# normalization. The characters of French text outside Latin-1 (’ « œ – …) are replaced
# first; the rare others (emoji, letters of other alphabets) go through the error handler.
_FOLD_ERRORS = "infolettre-tagger-fold"
codecs.register_error(_FOLD_ERRORS, _fold_unencodable)
_BEYOND_LATIN1 = (
    ("’", " "), ("‘", " "), ("“", " "), ("”", " "), ("„", " "), ("–", " "), ("—", " "),
    ("…", " "), ("•", " "), ("⋅", " "), ("\u202f", " "), ("\u2009", " "), ("\u200b", " "),
    ("€", " "), ("œ", "oe"), ("Œ", "OE"),
)  # fmt: skip
_LATIN1_WORDS = _fold_table("latin-1")
_LIGATURES = ((b"\xe6", b"ae"), (b"\xc6", b"AE"), (b"\xdf", b"ss"))
"""Latin-1 bytes of letters that NFKD keeps whole (æ Æ ß)."""
_HTML_TAG = re.compile(rb"<[^>]+>")
_ENTITY = re.compile(rb"&(?:[a-zA-Z]+|#\d+);")


def _fold(text: str) -> bytes:
    """Lower-case ASCII words of ``text``, framed by spaces; separators may be several
    spaces (punctuation and markup become spaces, in place)."""
    if not text.isascii():
        for old, new in _BEYOND_LATIN1:
            if old in text:
                text = text.replace(old, new)
    raw = text.encode("latin-1", _FOLD_ERRORS)
    for old_byte, new_bytes in _LIGATURES:
        if old_byte in raw:
            raw = raw.replace(old_byte, new_bytes)
    if b"<" in raw:
        raw = _HTML_TAG.sub(b" ", raw)
    if b"&" in raw:
        if b"&nbsp;" in raw:  # by far the most frequent: a plain replace is much cheaper
            raw = raw.replace(b"&nbsp;", b" ")
        if b"&" in raw:
            raw = _ENTITY.sub(b" ", raw)
    return b" " + raw.translate(_LATIN1_WORDS) + b" "


def normalize(text: str) -> str:
    """Fold ``text`` into single-space-separated lower-case ASCII words, framed by spaces."""
    return " " + " ".join(_fold(text).decode("ascii").split()) + " "


_PLURAL = re.compile(r"[sx] ")
_YEAR = re.compile(r" +(\d{4}) ")


def singular(normalized: str) -> str:
    """Drop a final ``s``/``x`` from every word of normalized text (a crude plural)."""
    return _PLURAL.sub(" ", normalized)


@dataclass(frozen=True)
class _Compiled:
    automaton: Any
    """Aho–Corasick automaton (pyahocorasick) over every spelling of every term, framed
    by spaces; value: (length of the spelling + 1, canonical term)."""
    targets: Mapping[str, tuple[tuple[str, str, float], ...]]
    """Canonical term → (tag id, term as written, signed weight)."""
    dates: Mapping[str, tuple[int, int]]
    """Key of a day and month in the automaton (``17 avril``, ``1er mai``) → (day, month)."""


@lru_cache(maxsize=16)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    targets: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for rule in taxonomy.tags:
        seen: set[str] = set()
        for terms, sign in ((rule.terms, 1.0), (rule.negative, -1.0)):
            for term, weight in terms:
                key = singular(normalize(term)).strip()
                if not key or key in seen:
                    continue  # "open source" and "open-source" are one term once folded
                seen.add(key)
                targets[key].append((rule.id, term, sign * weight))
        for term in rule.requires:
            key = singular(normalize(term)).strip()
            if key:
                targets[key].append((_CONTEXT + rule.id, term, 0.0))
    # Every spelling a term can take in the text (each word bare, +s or +x) is a key of
    # the automaton, so the text needs no plural pass before matching. Keys are framed by
    # spaces: terms match whole words.
    automaton = ahocorasick.Automaton()
    for key in targets:
        for spelling in itertools.product(*([w, w + "s", w + "x"] for w in key.split(" "))):
            framed = " " + " ".join(spelling) + " "
            automaton.add_word(framed, (len(framed) - 1, key))
    dates: dict[str, tuple[int, int]] = {}
    if any(rule.future_date_weight for rule in taxonomy.tags):
        # Days of the month are keys too (`` 17 avril ``), so that a date still to come
        # is looked for only where the text names one.
        for name, month in FRENCH_MONTHS.items():
            folded_name = normalize(name).strip()
            for day in range(1, 32):
                for spelled in {str(day), f"{day:02d}", "1er" if day == 1 else str(day)}:
                    key = f"{spelled} {folded_name}"
                    if key not in targets:
                        dates[key] = (day, month)
                        automaton.add_word(f" {key} ", (len(key) + 1, key))
    if len(automaton) == 0:
        return _Compiled(automaton=None, targets={}, dates={})
    automaton.make_automaton()
    return _Compiled(
        automaton=automaton, targets={k: tuple(v) for k, v in targets.items()}, dates=dates
    )


_LAST_COMPILED: list[tuple[Taxonomy, _Compiled]] = []
"""The vocabulary compiled last, found by identity: hashing a whole vocabulary for the
``lru_cache`` of :func:`_compile` at every item would cost more than some items' scan."""


def _compiled(taxonomy: Taxonomy) -> _Compiled:
    if not _LAST_COMPILED or _LAST_COMPILED[0][0] is not taxonomy:
        _LAST_COMPILED[:] = [(taxonomy, _compile(taxonomy))]
    return _LAST_COMPILED[0][1]


def _scan(compiled: _Compiled, folded: str) -> dict[int, str]:
    """Start of each term found in ``folded`` → the term (canonical).

    At each word the longest term starting there wins (``grand modèle de langage``, not
    ``grand modèle``); terms starting on a later word count on their own (``modèle de
    langage`` inside it). The automaton reports matches by their end, so for one start a
    later match is a longer one.
    """
    if compiled.automaton is None:
        return {}
    return {end - span: key for end, (span, key) in compiled.automaton.iter(folded)}


@dataclass(frozen=True, kw_only=True)
class Document:
    """The text fields of one item, as the tagger sees them."""

    title: str
    summary: str = ""
    body: str = ""
    categories: tuple[str, ...] = ()
    published: datetime | None = None


def body_scale(length: int) -> float:
    """Weight of the body's terms: 1 up to the reference length, then falling as the
    square root of the length (breadth of a long text is not topicality)."""
    if length <= BODY_REFERENCE_CHARS:
        return 1.0
    return float((BODY_REFERENCE_CHARS / length) ** 0.5)


def has_future_date(
    folded: str, named: Iterable[str], dates: Mapping[str, tuple[int, int]], published: datetime
) -> bool:
    """Whether the text names a day after its own publication (``le 17 avril``).

    Args:
        folded: The text folded by the tagger.
        named: The day-and-month keys found in it.
        dates: The day-and-month keys of the automaton.
        published: When the text was published (the year of a date that names none).
    """
    for key in named:
        day, month = dates[key]
        framed = f" {key} "
        at = folded.find(framed)
        while at >= 0:
            year = _YEAR.match(folded, at + len(framed) - 1)
            try:
                when = date(int(year.group(1)) if year else published.year, month, day)
            except ValueError:
                when = None  # 31 avril
            if when is not None and when > published.date():
                return True
            at = folded.find(framed, at + 1)
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
    compiled = _compiled(taxonomy)
    fields = (
        ("title", document.title),
        ("summary", document.summary),
        ("categories", " , ".join(document.categories)),
        ("body", document.body),
    )
    scores: dict[str, float] = defaultdict(float)
    hits: dict[str, list[Hit]] = defaultdict(list)
    targets = compiled.targets
    future = False
    for field_name, raw in fields:
        if not raw:
            continue
        folded = _fold(raw)
        field_weight = FIELD_WEIGHTS[field_name]
        text = folded.decode("ascii")
        found = _scan(compiled, text)
        if not found:
            continue
        counts = Counter(found.values())
        if field_name == "body":
            field_weight *= body_scale(len(folded))
            named = compiled.dates.keys() & counts.keys()
            if named and document.published:
                future = has_future_date(text, named, compiled.dates, document.published)
        for key, count in counts.items():
            counted = count if count < MAX_COUNT else MAX_COUNT
            for tag_id, term, weight in targets.get(key, ()):
                scores[tag_id] += weight * field_weight * counted
                hits[tag_id].append(Hit(term, field_name, count, weight))
    decisions: list[TagDecision] = []
    for rule in taxonomy.tags:
        tag_id = rule.id
        score = scores.get(tag_id, 0.0)
        tag_hits = hits.get(tag_id, [])
        context = hits.get(_CONTEXT + tag_id) if rule.requires else None
        if context:
            tag_hits.extend(Hit(h.term, h.field, h.occurrences, 0.0) for h in context)
        elif rule.requires:
            if score > 0:
                tag_hits.append(Hit(NO_CONTEXT_TERM, "tous", 0, -score))
            score = min(score, 0.0)
        if future and rule.future_date_weight:
            score += rule.future_date_weight
            tag_hits.append(Hit(FUTURE_DATE_TERM, "body", 1, rule.future_date_weight))
        decisions.append(
            TagDecision(
                tag_id=tag_id,
                score=round(score, 3) if score else 0.0,
                threshold=rule.threshold,
                hits=tuple(tag_hits),
                forced=tag_id in forced or tag_id in source_tags,
                forbidden=tag_id in forbidden,
            )
        )
    return tuple(decisions)


def assigned(decisions: tuple[TagDecision, ...]) -> tuple[str, ...]:
    """The ids of the tags given, in vocabulary order."""
    return tuple(d.tag_id for d in decisions if d.assigned)


def pack_decisions(decisions: tuple[TagDecision, ...]) -> tuple[Any, ...]:
    """Decisions as plain tuples, which pickle many times faster (between processes)."""
    return tuple((*d[:3], tuple(map(tuple, d.hits)), *d[4:]) for d in decisions)


def unpack_decisions(packed: tuple[Any, ...]) -> tuple[TagDecision, ...]:
    """The decisions :func:`pack_decisions` packed."""
    return tuple(
        TagDecision(tag_id, score, threshold, tuple(map(Hit._make, hits)), forced, forbidden)
        for tag_id, score, threshold, hits, forced, forbidden in packed
    )
