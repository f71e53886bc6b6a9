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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import ahocorasick

from generator.content.dates import FRENCH_MONTHS
from generator.models import NEAR_CHARS, Hit, TagDecision, TagModel, TagRule, Taxonomy
from generator.themes import features
from generator.themes.features import LEAD_CHARS, ItemShape, TagStats

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
AMBIGUOUS_TERM = "nom ambigu hors contexte IA"
FAR_TERM = "loin de tout terme d'IA"
PASSING_TERM = "une seule mention, hors du titre et du chapeau"
PAST_TERM = "près d'une année passée"
DIGEST_TERM = "titre de revue ou de lettre"
DIGEST_VETO_TERM = "revue ou lettre : ses règles, comptées pour une revue, ne le donnent pas"
MODEL_FIELD = "modèle"
_CONTEXT = "context:"
_AI_CONTEXT = "context:*"
_DIGEST = "digest:*"
ENGLISH_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
"""Month names of English dates (``May 3``, ``3 May``): the dates an event names."""


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
_AI_ABBREVIATION = re.compile(r"A(?<!\wA)\.?I\b")
"""``AI`` or ``A.I`` as a word. Written ``\\bA\\.?I\\b`` it would mean the same, but a
pattern that opens with a literal lets the regex engine skip to each ``A``, several times
faster on a long text than trying a word boundary at every character."""
_ISSUE_TITLE = re.compile(r"\s*(?:#|n°|nº|no\.)\s*\d+\b", re.IGNORECASE)
"""A title that opens with an issue's number (``#12 - …``, ``N° 4``): a numbered issue of
a newsletter or a roundup, as the ``digest`` words of the title say."""
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
    ambiguous: frozenset[str] = frozenset()
    """Canonical terms that count only where the item has an AI context."""
    models: Mapping[str, TagModel] = field(default_factory=dict)
    near: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Canonical term → the tags for which it counts only near a context term."""
    anchors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Tag id → the canonical terms that make a context for its ``near_context`` terms."""
    past: frozenset[str] = frozenset()
    """Tags whose terms do not count next to a year before the item's publication."""


def _key(term: str) -> str:
    return singular(normalize(term)).strip()


def _date_keys(targets: Mapping[str, object]) -> dict[str, tuple[int, int]]:
    """Days of the month as the text may name them (``17 avril``, ``1er mai``, ``May 3``,
    ``3 May``), except where a term is spelled the same."""
    dates: dict[str, tuple[int, int]] = {}
    for day in range(1, 32):
        spellings = {str(day), f"{day:02d}"} | ({"1er"} if day == 1 else set())
        for name, month in FRENCH_MONTHS.items():
            folded_name = normalize(name).strip()
            for spelled in spellings:
                dates[f"{spelled} {folded_name}"] = (day, month)
        for name, month in ENGLISH_MONTHS.items():
            dates[f"{name} {day}"] = (day, month)
            dates[f"{day} {name}"] = (day, month)
    return {key: value for key, value in dates.items() if key not in targets}


@lru_cache(maxsize=16)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    targets: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for rule in taxonomy.tags:
        seen: set[str] = set()
        for terms, sign in ((rule.terms, 1.0), (rule.negative, -1.0)):
            for term, weight in terms:
                key = _key(term)
                if not key or key in seen:
                    continue  # "open source" and "open-source" are one term once folded
                seen.add(key)
                targets[key].append((rule.id, term, sign * weight))
        for term in rule.requires:
            key = _key(term)
            if key:
                targets[key].append((_CONTEXT + rule.id, term, 0.0))
    for special, words in ((_AI_CONTEXT, taxonomy.context), (_DIGEST, taxonomy.digest)):
        for term in words:
            key = _key(term)
            if key and all(t[0] != special for t in targets[key]):
                targets[key].append((special, term, 0.0))
    ambiguous = frozenset(k for k in map(_key, taxonomy.ambiguous) if k)
    near: dict[str, set[str]] = defaultdict(set)
    anchors: dict[str, frozenset[str]] = {}
    ai_context = {k for k in map(_key, taxonomy.context) if k}
    for rule in taxonomy.tags:
        for term in rule.near_context:
            near[_key(term)].add(rule.id)
        if rule.near_context:
            anchors[rule.id] = frozenset(ai_context | {k for k in map(_key, rule.requires) if k})
    # Every spelling a term can take in the text (each word bare, +s or +x) is a key of
    # the automaton, so the text needs no plural pass before matching. Keys are framed by
    # spaces: terms match whole words.
    automaton = ahocorasick.Automaton()
    for key in targets:
        for spelling in itertools.product(*([w, w + "s", w + "x"] for w in key.split(" "))):
            framed = " " + " ".join(spelling) + " "
            automaton.add_word(framed, (len(framed) - 1, key))
    dates: dict[str, tuple[int, int]] = {}
    if any(rule.future_date_weight for rule in taxonomy.tags) or taxonomy.models:
        # Days of the month are keys too (`` 17 avril ``), so that a date still to come
        # is looked for only where the text names one.
        dates = _date_keys(targets)
        for key in dates:
            automaton.add_word(f" {key} ", (len(key) + 1, key))
    if len(automaton) == 0:
        return _Compiled(automaton=None, targets={}, dates={})
    automaton.make_automaton()
    return _Compiled(
        automaton=automaton,
        targets={k: tuple(v) for k, v in targets.items()},
        dates=dates,
        ambiguous=ambiguous,
        models={m.tag_id: m for m in taxonomy.models},
        near={k: frozenset(v) for k, v in near.items()},
        anchors=anchors,
        past=frozenset(r.id for r in taxonomy.tags if r.not_past),
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


@dataclass(frozen=True, slots=True)
class _Reading:
    """What one pass over an item's fields found."""

    scores: dict[str, float]
    hits: dict[str, list[Hit]]
    stats: dict[str, TagStats]
    shape: ItemShape


def _read(compiled: _Compiled, document: Document) -> _Reading:
    """Scan every field of ``document`` once: terms' scores and hits by tag, where they
    stand, and the item's shape."""
    fields = (
        ("title", document.title),
        ("summary", document.summary),
        ("categories", " , ".join(document.categories)),
        ("body", document.body),
    )
    scores: dict[str, float] = defaultdict(float)
    hits: dict[str, list[Hit]] = defaultdict(list)
    stats: dict[str, TagStats] = defaultdict(TagStats)
    targets = compiled.targets
    ambiguous = compiled.ambiguous
    near = compiled.near
    # (field, weight of the field, term key, occurrences, of which in the lead): terms
    # that also name other things wait until the whole item is read for an AI context.
    pending: list[tuple[str, float, str, int, int]] = []
    future = False
    context = dates = links = body_chars = 0
    digest = False
    for field_name, raw in fields:
        if not raw:
            continue
        if field_name == "title" and _ISSUE_TITLE.match(raw):
            digest = True
        if "AI" in raw:
            # "AI" in capitals is the English abbreviation; folded, it would be French "ai".
            context += len(_AI_ABBREVIATION.findall(raw))
        folded = _fold(raw)
        field_weight = FIELD_WEIGHTS[field_name]
        text = folded.decode("ascii")
        if field_name == "body":
            body_chars = len(folded)
            links = raw.count("http") + raw.count("www.")
        found = _scan(compiled, text)
        if not found:
            continue
        counts = Counter(found.values())
        lead: Counter[str] | None = None
        if field_name == "body":
            field_weight *= body_scale(len(folded))
            named = compiled.dates.keys() & counts.keys()
            if named:
                dates = sum(counts[key] for key in named)
                if document.published:
                    future = has_future_date(text, named, compiled.dates, document.published)
            lead = Counter(key for start, key in found.items() if start < LEAD_CHARS)
        past: list[int] | None = None  # years before publication, looked for when needed
        starts: dict[str, list[int]] | None = None  # each term's starts, when needed
        anchored: dict[str, list[int]] = {}  # where each tag's anchors stand, when needed
        for key, count in counts.items():
            if key in ambiguous:
                pending.append((field_name, field_weight, key, count, lead[key] if lead else 0))
                continue
            for tag_id, term, weight in targets.get(key, ()):
                count_for_tag = count
                if weight > 0 and field_name != "title" and tag_id in compiled.past:
                    if past is None:
                        past = _past_years(text, document.published)
                    cited = 0
                    if past:  # each term's starts are needed only next to a year
                        if starts is None:
                            starts = _starts(found)
                        cited = _within(starts[key], past, NEAR_CHARS // 2)
                    if cited:
                        hits[tag_id].append(Hit(f"{term} ({PAST_TERM})", field_name, cited, 0.0))
                        count_for_tag -= cited
                        if not count_for_tag:
                            continue
                if tag_id == _AI_CONTEXT:
                    context += count
                elif tag_id == _DIGEST:
                    digest = digest or field_name == "title"
                elif field_name == "body" and tag_id in near.get(key, ()):
                    places = anchored.get(tag_id)
                    if places is None:
                        anchors = compiled.anchors[tag_id]
                        places = anchored[tag_id] = [at for at, k in found.items() if k in anchors]
                    close = 0
                    if places:
                        if starts is None:
                            starts = _starts(found)
                        close = _within(starts[key], places)
                    if close:
                        _count(scores, hits, stats, field_name, field_weight, tag_id, term,
                               weight, close, min(close, lead[key]) if lead else 0)  # fmt: skip
                    else:
                        hits[tag_id].append(
                            Hit(f"{term} ({FAR_TERM})", field_name, count_for_tag, 0.0)
                        )
                else:
                    _count(scores, hits, stats, field_name, field_weight, tag_id, term, weight,
                           count_for_tag, lead[key] if lead else 0)  # fmt: skip
    for field_name, field_weight, key, count, in_lead in pending:
        for tag_id, term, weight in targets.get(key, ()):
            if context:
                _count(scores, hits, stats, field_name, field_weight, tag_id, term, weight,
                       count, in_lead)  # fmt: skip
            elif not tag_id.startswith(_CONTEXT) and weight:
                hits[tag_id].append(Hit(f"{term} ({AMBIGUOUS_TERM})", field_name, count, 0.0))
    shape = ItemShape(
        body_chars=body_chars,
        context=context,
        future_date=future,
        dates=dates,
        links=links,
        digest=digest,
    )
    return _Reading(scores=scores, hits=hits, stats=stats, shape=shape)


_YEAR_WORD = re.compile(r" ((?:19|20)\d\d) ")


def _past_years(folded: str, published: datetime | None) -> list[int]:
    """Where ``folded`` names a year before the item's publication (``en 2001``)."""
    if published is None:
        return []
    return [m.start() for m in _YEAR_WORD.finditer(folded) if int(m.group(1)) < published.year]


def _within(starts: Sequence[int], places: Sequence[int], distance: int = NEAR_CHARS) -> int:
    """How many of ``starts`` (where a term stands in one field) are within ``distance``
    characters of one of ``places`` (where an AI term or a past year stands)."""
    if not places:
        return 0
    return sum(1 for start in starts if any(abs(start - place) <= distance for place in places))


def _starts(found: Mapping[int, str]) -> dict[str, list[int]]:
    """Where each term found in one field starts."""
    starts: dict[str, list[int]] = defaultdict(list)
    for start, key in found.items():
        starts[key].append(start)
    return starts


def _tag_stats(rule: TagRule, reading: _Reading) -> TagStats:
    """A tag's statistics, emptied of its terms where the tag requires a context that the
    item lacks."""
    stats = reading.stats.get(rule.id) or TagStats()
    if rule.requires and not reading.shape.context and not reading.hits.get(_CONTEXT + rule.id):
        return TagStats(negative=stats.negative)
    return stats


def measure(taxonomy: Taxonomy, document: Document) -> dict[str, features.Measure]:
    """The features of every tag of the vocabulary on ``document`` (what a model weighs,
    in the order of :data:`generator.themes.features.FEATURES`)."""
    reading = _read(_compiled(taxonomy), document)
    measures: dict[str, features.Measure] = {}
    for rule in taxonomy.tags:
        stats = _tag_stats(rule, reading)
        rules, _ = _rule_score(rule, reading)
        measures[rule.id] = features.Measure(
            features.values(stats, reading.shape, rules=rules / rule.threshold),
            features.substantial(stats) and not _digest_veto(rule, reading, rules),
        )
    return measures


def _digest_veto(rule: TagRule, reading: _Reading, rules: float) -> bool:
    """Whether a roundup mentions the tag without being about it: the item is a digest,
    the tag counts less in digests (``digest_factor``), and its rules, so counted, do not
    reach the threshold. A learned tag is not given then (an agenda at the end of a
    newsletter does not make the newsletter an event)."""
    return reading.shape.digest and rule.digest_factor < 1.0 and rules < rule.threshold


def _rule_score(rule: TagRule, reading: _Reading) -> tuple[float, list[Hit]]:
    """A tag's score by its rules (terms, required context, digest, date to come) and the
    hits that explain it."""
    tag_id = rule.id
    score = reading.scores.get(tag_id, 0.0)
    tag_hits = list(reading.hits.get(tag_id, ()))
    context_hits = reading.hits.get(_CONTEXT + tag_id) if rule.requires else None
    if context_hits:
        tag_hits.extend(Hit(h.term, h.field, h.occurrences, 0.0) for h in context_hits)
    elif rule.requires and not reading.shape.context:
        if score > 0:
            tag_hits.append(Hit(NO_CONTEXT_TERM, "tous", 0, -score))
        score = min(score, 0.0)
    if reading.shape.digest and rule.digest_factor != 1.0:
        # A roundup's terms are its links' topics: the tag needs more of them, and a
        # date still to come is one of many.
        tag_hits.append(Hit(DIGEST_TERM, "title", 1, round(score * (rule.digest_factor - 1), 3)))
        score *= rule.digest_factor
    elif reading.shape.future_date and rule.future_date_weight:
        score += rule.future_date_weight
        tag_hits.append(Hit(FUTURE_DATE_TERM, "body", 1, rule.future_date_weight))
    return score, tag_hits


def decide(
    taxonomy: Taxonomy,
    document: Document,
    *,
    forced: tuple[str, ...] = (),
    forbidden: tuple[str, ...] = (),
    source_tags: tuple[str, ...] = (),
) -> tuple[TagDecision, ...]:
    """Score every tag of the vocabulary on ``document``.

    A tag with a learned model (``model:`` of ``taxonomy.yml``) is given when the model's
    score is at least 0; the others when their terms' score reaches the tag's threshold.

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
    models = compiled.models
    reading = _read(compiled, document)
    decisions: list[TagDecision] = []
    for rule in taxonomy.tags:
        tag_id = rule.id
        score, tag_hits = _rule_score(rule, reading)
        threshold = rule.threshold
        model = models.get(tag_id)
        if model is not None:
            tag_stats = _tag_stats(rule, reading)
            rule_score = score
            values = features.values(tag_stats, reading.shape, rules=rule_score / threshold)
            score = features.logit(model, values)
            threshold = 0.0
            tag_hits.extend(
                Hit(f"{features.LABELS[name]} = {value:.2f}", MODEL_FIELD, 0, round(part, 3))
                for name, value, part in features.contributions(model, values)
            )
            tag_hits.append(Hit("constante", MODEL_FIELD, 0, model.bias))
            if score >= 0 and not features.substantial(tag_stats):
                tag_hits.append(Hit(PASSING_TERM, MODEL_FIELD, 0, round(-score - 0.01, 3)))
                score = -0.01
            elif score >= 0 and _digest_veto(rule, reading, rule_score):
                tag_hits.append(Hit(DIGEST_VETO_TERM, MODEL_FIELD, 0, round(-score - 0.01, 3)))
                score = -0.01
        decisions.append(
            TagDecision(
                tag_id=tag_id,
                score=round(score, 3) if score else 0.0,
                threshold=threshold,
                hits=tuple(tag_hits),
                forced=tag_id in forced or tag_id in source_tags,
                forbidden=tag_id in forbidden,
            )
        )
    return tuple(decisions)


def _count(
    scores: dict[str, float],
    hits: dict[str, list[Hit]],
    stats: dict[str, TagStats],
    field_name: str,
    field_weight: float,
    tag_id: str,
    term: str,
    weight: float,
    count: int,
    in_lead: int,
) -> None:
    """Add one term's occurrences in one field to a tag's score, hits and statistics."""
    counted = count if count < MAX_COUNT else MAX_COUNT
    scores[tag_id] += weight * field_weight * counted
    hits[tag_id].append(Hit(term, field_name, count, weight))
    if tag_id.startswith(_CONTEXT):
        return
    tag_stats = stats[tag_id]
    if weight < 0:
        tag_stats.negative -= weight * counted
        return
    tag_stats.terms += 1
    tag_stats.mentions += counted
    if field_name == "title":
        tag_stats.title += weight * counted
    elif field_name == "body":
        tag_stats.body += weight * counted
        if in_lead:
            tag_stats.lead += weight * (in_lead if in_lead < MAX_COUNT else MAX_COUNT)
    else:
        tag_stats.lead += weight * counted


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
