"""Which pages readers' search holds, and entries of a readable size. Pure.

Material's search index has one entry per page, then one per heading. Two things made the
readers' search poor:

- the code reference (``reference/``, written for developers) held most entries of the
  index, and its functions came before the infolettres;
- an archived article without headings is a single entry of its whole text (20,000
  characters): the result panel showed all of it.

So the pages under some location prefixes are left out (:func:`without_pages`), and a long
entry is cut at the end of top-level blocks (paragraphs, lists, code blocks) into entries
of about ``max_chars`` characters (:func:`split_long_entries`). The first piece keeps the
entry's location; each following piece points to its first words with a text fragment
(``page/#:~:text=…``, or ``page/#section:~:text=…``): browsers that know text fragments
scroll to it, the others open the page (or its section) as before. Material needs the
locations to differ (they key its index), which the fragments give.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from typing import Any

DEFAULT_MAX_CHARS = 1500
"""Characters (of the index's HTML text) above which an entry is cut."""

FRAGMENT_WORDS = 6
"""Words of a piece's beginning in its text fragment."""

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})
_WORD = re.compile(r"\S+")
# Tags inside a line of text: removed without a space ("<em>code</em>," is "code,").
_INLINE = frozenset(
    {
        *("a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q"),
        *("s", "small", "span", "strong", "sub", "sup", "u", "var"),
    }
)


def _plain(text: str) -> str:
    """The text of the index's HTML as a reader sees it (tags and entities gone)."""

    def tag(match: re.Match[str]) -> str:
        return "" if match.group(2).lower() in _INLINE else " "

    return html.unescape(_TAG.sub(tag, text))


def _docs(index: Any) -> list[Any]:
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        raise ValueError("« docs » attendu")
    return docs


def without_pages(index: Any, prefixes: Iterable[str]) -> dict[str, Any]:
    """A copy of the index without the entries of the pages under ``prefixes``.

    Args:
        index: The parsed search index (``config`` and ``docs``).
        prefixes: Locations relative to the site root (``reference/``): a page whose
            location starts with one of them is left out, with its sections.

    Returns:
        The new index; ``index`` is not modified.

    Raises:
        ValueError: ``index`` has no list of ``docs``.
    """
    kept = tuple(prefix for prefix in prefixes if prefix)
    docs = _docs(index)
    if not kept:
        return {**index, "docs": list(docs)}
    return {
        **index,
        "docs": [
            doc
            for doc in docs
            if not (isinstance(doc, dict) and str(doc.get("location") or "").startswith(kept))
        ],
    }


def top_level_blocks(text: str) -> list[str]:
    """``text`` (the index's HTML) cut after each block element that closes at depth 0.

    An inline element (``<code>``, ``<a>``…) at depth 0 is part of a line of text, never
    a block's end: Material's index keeps no table tags, so a table's cells are such
    lines. Text outside any element goes with the block that follows it (or the last
    one). Joining the blocks gives ``text`` back.
    """
    blocks: list[str] = []
    depth = 0
    start = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            continue
        if not closing:
            depth += 1
            continue
        depth = max(depth - 1, 0)
        if depth == 0 and name not in _INLINE:
            blocks.append(text[start : match.end()])
            start = match.end()
    if start < len(text):
        if blocks and not text[start:].strip():
            blocks[-1] += text[start:]
        else:
            blocks.append(text[start:])
    return blocks


def _pieces(blocks: list[str], max_chars: int) -> Iterator[str]:
    """Consecutive blocks joined into pieces of at most ``max_chars`` characters (a
    single longer block stays whole)."""
    current = ""
    for block in blocks:
        if current and len(current) + len(block) > max_chars:
            yield current
            current = block.lstrip()
        else:
            current += block
    if current:
        yield current


def text_fragment(text: str, words: int = FRAGMENT_WORDS) -> str:
    """The text directive (``:~:text=…``) of the first ``words`` words of an HTML text;
    ``""`` when it has no word."""
    start = " ".join(_WORD.findall(_plain(text))[:words])
    if not start:
        return ""
    # "-", "," and "&" have a meaning in a text directive: encoded like the rest.
    return ":~:text=" + urllib.parse.quote(start, safe="").replace("-", "%2D")


def _located(location: str, fragment: str) -> str:
    return f"{location}{fragment}" if "#" in location else f"{location}#{fragment}"


def split_long_entries(index: Any, max_chars: int = DEFAULT_MAX_CHARS) -> dict[str, Any]:
    """A copy of the index whose entries longer than ``max_chars`` are cut into pieces.

    Each piece keeps the entry's title (and tags) and is made of whole top-level blocks.
    A piece whose location would repeat another entry's (same first words) stays with
    the piece before it.

    Args:
        index: The parsed search index (``config`` and ``docs``).
        max_chars: Length of the ``text`` above which an entry is cut, and the size of
            the pieces.

    Returns:
        The new index; ``index`` is not modified.

    Raises:
        ValueError: ``index`` has no list of ``docs``, or ``max_chars`` is not positive.
    """
    if max_chars <= 0:
        raise ValueError(f"taille des entrées : {max_chars} n'est pas positif")
    docs = _docs(index)
    locations = {str(doc.get("location")) for doc in docs if isinstance(doc, dict)}
    new_docs: list[Any] = []
    for doc in docs:
        text = doc.get("text") if isinstance(doc, dict) else None
        if not isinstance(text, str) or len(text) <= max_chars:
            new_docs.append(doc)
            continue
        location = str(doc.get("location") or "")
        pieces: list[dict[str, Any]] = []
        for piece in _pieces(top_level_blocks(text), max_chars):
            fragment = text_fragment(piece)
            where = _located(location, fragment) if pieces else location
            if pieces and (not fragment or where in locations):
                pieces[-1]["text"] += " " + piece
                continue
            locations.add(where)
            pieces.append({**doc, "location": where, "text": piece})
        new_docs.extend(pieces)
    return {**index, "docs": new_docs}
