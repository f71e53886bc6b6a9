"""Accent-free words for the site's search index, so that ``modele`` finds ``modèles``. Pure.

Material for MkDocs searches with Lunr in the browser. Its French set-up keeps words as
written (the French stemmer is off by default), and it appends a wildcard to every word
typed (``modele`` → ``modele*``), which Lunr matches as a prefix of the indexed words,
without any normalization. A reader who types without accents, as most do, finds
nothing: ``modele*`` is not a prefix of ``modèles``.

Nothing in Material's options folds accents. So each entry of the index that holds
accented words gets one more field, :data:`FIELD`, listing those words without their
accents (``modeles reseaux evaluation``); the browser indexes it like the text, and never
shows it. Accented queries still match the text itself. Elided words are split at the
apostrophe (``l’évaluation`` → ``evaluation``), like the search separator of
``mkdocs.yml`` splits the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

FIELD = "folded"
"""Name of the added field in the index (``title``, ``text`` and ``tags`` are Material's)."""

_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
# Letters and digits, apostrophes and everything else being separators.
_WORD = re.compile(r"[^\W_]+")
# Letters that NFKD leaves as they are but that readers type otherwise.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """``word`` in lower case without accents or ligatures (``Œuvrés`` → ``oeuvres``)."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def accent_free_words(*texts: str) -> str:
    """The words of ``texts`` that change when folded, folded, once each, in order.

    HTML tags and entities are dropped first: the index's text holds some markup.

    Args:
        *texts: Text or HTML (an entry's title and text).

    Returns:
        The folded words separated by spaces; ``""`` when no word has an accent.
    """
    seen: dict[str, None] = {}
    for text in texts:
        for folded in _folded_words(text):
            seen.setdefault(folded, None)
    return " ".join(seen)


@lru_cache(maxsize=16384)
def _folded_words(text: str) -> tuple[str, ...]:
    """The words of one text that change when folded, folded, in order (once per text in
    a process: one ``mkdocs serve`` rebuild after another indexes the same pages)."""
    seen: dict[str, None] = {}
    plain = _ENTITY.sub(" ", _TAG.sub(" ", text))
    for word in _WORD.findall(plain):
        if word.isascii():
            continue  # most words: nothing to fold
        folded = fold_word(word)
        if folded != word.lower():
            seen.setdefault(folded, None)
    return tuple(seen)


def add_accent_free_field(index: Any) -> dict[str, Any]:
    """A copy of Material's search index with the :data:`FIELD` field added.

    Each entry (``docs``) whose title or text has accented words gets the field; the
    field is declared in ``config.fields`` with the text's boost, so the browser
    indexes it.

    Args:
        index: The parsed ``search/search_index.json``: an object with ``config`` and
            ``docs``.

    Returns:
        The new index; ``index`` itself is not modified.

    Raises:
        ValueError: ``index`` is not shaped like Material's search index.
    """
    config = index.get("config") if isinstance(index, dict) else None
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(config, dict) or not isinstance(docs, list):
        raise ValueError("« config » et « docs » attendus")
    fields = config.get("fields")
    if not isinstance(fields, dict):
        raise ValueError("« config.fields » attendu")
    text_field = fields.get("text")
    boost = text_field.get("boost", 1.0) if isinstance(text_field, dict) else 1.0
    new_docs = []
    for doc in docs:
        if not isinstance(doc, dict):
            raise ValueError("chaque entrée de « docs » est un objet")
        words = accent_free_words(str(doc.get("title") or ""), str(doc.get("text") or ""))
        new_docs.append({**doc, FIELD: words} if words else dict(doc))
    new_config = {**config, "fields": {**fields, FIELD: {"boost": boost}}}
    return {**index, "config": new_config, "docs": new_docs}


def _page_of(doc: Any) -> str:
    """The page an entry belongs to: its location without the ``#anchor``."""
    location = doc.get("location") if isinstance(doc, dict) else None
    return str(location or "").split("#", 1)[0]


def merge_rebuilt(previous: Any, fresh: Any) -> dict[str, Any]:
    """The whole index after a partial (``--dirty``) build.

    Material's search plugin indexes the pages the build rendered; a ``--dirty`` build
    renders only the changed ones, and its index would lose every other page. The
    entries of the rebuilt pages come from ``fresh``, in the place their page had;
    every other page keeps its entries from ``previous``; pages new to the site come last.

    Args:
        previous: The last complete index (parsed).
        fresh: The partial build's index (parsed): its ``config`` is kept.

    Returns:
        A new index; neither argument is modified.

    Raises:
        ValueError: An index not shaped like Material's.
    """
    old_docs = previous.get("docs") if isinstance(previous, dict) else None
    new_docs = fresh.get("docs") if isinstance(fresh, dict) else None
    if not isinstance(old_docs, list) or not isinstance(new_docs, list):
        raise ValueError("« docs » attendu dans les deux index")
    rebuilt: dict[str, list[Any]] = {}
    for doc in new_docs:
        rebuilt.setdefault(_page_of(doc), []).append(doc)
    merged: list[Any] = []
    placed: set[str] = set()
    for doc in old_docs:
        page = _page_of(doc)
        if page not in rebuilt:
            merged.append(doc)
        elif page not in placed:
            merged.extend(rebuilt[page])
            placed.add(page)
    merged.extend(doc for page, docs in rebuilt.items() if page not in placed for doc in docs)
    return {**fresh, "docs": merged}
