"""Plain text from HTML: the project's one reading of HTML as text. Pure.

Two shapes of the same reading, with the same blocks (:data:`BLOCKS`):

- :func:`html_to_text`, for the text part of an email, keeps what a reader needs:
  paragraphs, headings (underlined), lists, quotes, table rows, and every link as
  ``text <URL>`` (the URL alone when it is the text). Images become ``[image : alt]``;
  scripts, styles and the head are dropped. Paragraphs are wrapped at :data:`WIDTH`
  columns without breaking words or URLs.
- :func:`html_to_line`, for summaries, HTML titles and the archive's content keys: the
  words on one line, a space wherever a block or a line break separates them (never
  ``Premier.Second`` for ``<p>Premier.</p><p>Second</p>``), entities decoded, capped.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

import nh3

from generator.veille.sanitize import MAX_HTML, cap, strip_controls

WIDTH = 72
"""Line width of wrapped paragraphs (mail clients show 72 to 78 columns comfortably)."""

BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
"""Elements that end the text before them and start a new paragraph (or row, or cell)."""
_VOID = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SKIPPED = frozenset({"script", "style", "head", "template", "noscript"})
_UNDERLINE = {"h1": "=", "h2": "=", "h3": "-"}
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)


@dataclass
class _Block:
    """A paragraph being collected, with how its lines begin."""

    prefix: str = ""
    """Start of the first line (quote marks, list marker)."""
    indent: str = ""
    """Start of the following lines."""
    underline: str = ""
    preformatted: bool = False
    tight: bool = False
    """List items and table rows follow each other without a blank line."""
    parts: list[str] = field(default_factory=list)


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, int | None]] = []
        self.group = 0  # list items and rows of one outermost list or table stay together
        self.block = _Block()
        self.skip = 0
        self.hidden: list[str] = []  # open elements of a hidden subtree (display: none)
        self.pre = 0
        self.lists: list[list[int]] = []  # one counter per open list; [-1] for <ul>
        self.quotes = 0
        self.links: list[str | None] = []
        self.link_start: list[int] = []
        self.cells = 0

    # --- blocks -----------------------------------------------------------------------

    def _prefix(self) -> str:
        return "> " * self.quotes

    def _fresh(self, marker: str = "") -> _Block:
        quote = self._prefix()
        return _Block(prefix=quote + marker, indent=quote + " " * len(marker))

    def flush(self) -> None:
        block = self.block
        self.block = self._fresh()
        if block.preformatted:
            text = "".join(block.parts).strip("\n")
            if text:
                lines = [block.prefix + "    " + line for line in text.split("\n")]
                self.out.append(("\n".join(lines), None))
            return
        text = _SPACES.sub(" ", "".join(block.parts)).strip()
        if not text:
            return
        wrapped = textwrap.fill(
            text,
            width=WIDTH,
            initial_indent=block.prefix,
            subsequent_indent=block.indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        if block.underline:
            wrapped += "\n" + block.underline * min(len(text), WIDTH)
        self.out.append((wrapped, self.group if block.tight else None))

    def start_block(self, marker: str = "") -> None:
        pending = self.block
        self.flush()
        self.block = self._fresh(marker)
        # A paragraph opening a list item keeps the item's marker.
        if not marker and pending.prefix != pending.indent and not "".join(pending.parts).strip():
            self.block = _Block(prefix=pending.prefix, indent=pending.indent, tight=pending.tight)

    # --- parser events -----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if self.hidden or _HIDDEN.search(values.get("style", "")):
            # Hidden text (an email's preheader) is not for the reader.
            if tag not in _VOID:
                self.hidden.append(tag)
            return
        if tag in _SKIPPED:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self.block.parts.append("\n" if self.pre else " ")
            return
        if tag == "img":
            alt = " ".join(values.get("alt", "").split())
            self.block.parts.append(f"[image : {alt}]" if alt else "[image]")
            return
        if tag == "a":
            self.links.append(values.get("href") or None)
            self.link_start.append(len(self.block.parts))
            return
        if tag in ("ul", "ol"):
            self.flush()
            self.lists.append([0 if tag == "ol" else -1])
            return
        if tag == "blockquote":
            self.flush()
            self.quotes += 1
            self.block = self._fresh()
            return
        if tag == "li":
            depth = "  " * max(len(self.lists) - 1, 0)
            marker = "- "
            if self.lists and self.lists[-1][0] >= 0:
                self.lists[-1][0] += 1
                marker = f"{self.lists[-1][0]}. "
            self.start_block(depth + marker)
            self.block.tight = True
            return
        if tag == "pre":
            self.start_block()
            self.pre += 1
            self.block.preformatted = True
            return
        if tag == "hr":
            self.flush()
            self.out.append((self._prefix() + "-" * 20, None))
            return
        if tag in ("td", "th"):
            if self.cells:
                self.block.parts.append(" | ")
            self.cells += 1
            return
        if tag == "tr":
            self.start_block()
            self.block.tight = True
            self.cells = 0
            return
        if tag in BLOCKS:
            self.start_block()
            if tag in _UNDERLINE:
                self.block.underline = _UNDERLINE[tag]

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if tag in self.hidden:
                while self.hidden.pop() != tag:
                    pass
            return
        if tag in _SKIPPED:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "a" and self.links:
            href = self.links.pop()
            start = self.link_start.pop()
            text = _SPACES.sub(" ", "".join(self.block.parts[start:])).strip()
            shown = (href or "").removeprefix("mailto:")
            if shown and not shown.startswith("#") and shown != text:
                self.block.parts.append(f" <{shown}>" if text else shown)
            return
        if tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self.group += 1
            return
        if tag == "blockquote":
            self.flush()
            self.quotes = max(self.quotes - 1, 0)
            self.block = self._fresh()
            return
        if tag == "pre":
            self.flush()
            self.pre = max(self.pre - 1, 0)
            return
        if tag in ("td", "th"):
            return
        if tag == "table":
            self.group += 1
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip and not self.hidden:
            self.block.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML document or fragment.

    Args:
        html: The HTML.

    Returns:
        Paragraphs separated by one blank line, ending with a newline.
    """
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    writer.flush()
    pieces: list[str] = []
    previous: int | None = None
    for text, group in writer.out:
        if pieces:
            pieces.append("\n" if group is not None and group == previous else "\n\n")
        pieces.append(text)
        previous = group
    return "".join(pieces).strip("\n") + "\n"


_LINE_BREAKS = frozenset(BLOCKS | {"br"})
"""Elements whose tags stand between words: the blocks, and line breaks."""
_SKIPPED_CONTENT = frozenset(_SKIPPED | {"title"})
"""Elements whose text is not read."""
_TAG = re.compile(r"<[^>]*>")
# A Cleaner (nh3 0.3 and later) converts its settings once, not at each call: a quarter of
# the time of a call on an article.
_LINE_CLEANER: Any = (
    nh3.Cleaner(tags=set(_LINE_BREAKS), attributes={}, clean_content_tags=set(_SKIPPED_CONTENT))
    if hasattr(nh3, "Cleaner")
    else None
)


def _line_tags(html: str) -> str:
    if _LINE_CLEANER is not None:
        return str(_LINE_CLEANER.clean(html))
    return str(
        nh3.clean(
            html, tags=set(_LINE_BREAKS), attributes={}, clean_content_tags=set(_SKIPPED_CONTENT)
        )
    )


def html_to_line(html: str, *, limit: int) -> str:
    """The words of an HTML fragment on one line, blocks and line breaks apart.

    ``<p>Premier.</p><p>Second</p><ul><li>un</li><li>deux</li></ul>`` gives
    ``Premier. Second un deux``; inline elements join what they hold to its neighbours
    (``<b>W</b>ord`` is ``Word``), as a browser shows it.

    Args:
        html: The HTML (a fragment or a document, sanitized or not).
        limit: The longest text returned; a longer one is cut and ends with ``…``.

    Returns:
        The text: entities decoded, control characters removed, whitespace collapsed,
        scripts, styles and images dropped.
    """
    # nh3 (html5ever, in Rust) parses the HTML the way a browser does and keeps only the
    # bare tags of blocks and line breaks; in its output every "<" starts a tag (text is
    # escaped), so each remaining tag can become a space. Faster than HTMLParser by far,
    # which matters for content_key: every archived item, at every ingestion. Control
    # characters are removed before; unescape() never makes one.
    kept = _line_tags(strip_controls(html)[:MAX_HTML])
    return cap(" ".join(unescape(_TAG.sub(" ", kept)).split()), limit)
