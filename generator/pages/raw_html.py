"""HTML kept out of the Markdown conversion, and put back after it. Pure.

Two kinds of HTML reach a generated page:

- a feed item's text, HTML already (sanitized by nh3 at ingestion): written as a raw HTML
  block it would go through Python-Markdown's HTML block parser only to come out
  unchanged;
- what the generator composes itself (bylines, listings, pagers): written as Markdown
  tables and links it cost more than ten times the conversion of an editor's page of the
  same length, for HTML the generator can write directly.

Each block sits between two markers in the page's Markdown. The plugin sets the blocks
aside before the conversion (:func:`set_aside`) and puts them back in the rendered page
(:func:`put_back`). In the generator's own blocks, links to other pages are written as in
Markdown (relative paths of ``.md`` files) and resolved when the blocks are put back,
through the renderer's file list; an item's text is put back verbatim (nh3 made its
links absolute, and removes HTML comments, so it cannot hold a marker).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

START = "<!-- infolettre:html -->"
"""Opens an item's HTML, put back as it is."""
LINKED_START = "<!-- infolettre:html liens -->"
"""Opens the generator's own HTML, whose ``.md`` links are resolved."""
END = "<!-- /infolettre:html -->"
_OPENING = "<!-- infolettre:html"

_PLACE = re.compile(r"<!-- infolettre:bloc (\d+) -->")
# A link to a page of the site, as the generator writes it: a relative path to a
# Markdown file, with an optional anchor (never a scheme, a root path or a query).
_PAGE_LINK = re.compile(r'href="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"#?]+\.md)(#[^"]*)?"')


class Part(NamedTuple):
    """HTML set aside from a page's Markdown."""

    html: str
    linked: bool
    """Its ``.md`` links are resolved when it is put back."""


Block = tuple[Part, ...]
"""Parts that followed one another in the Markdown, and share a placeholder."""


def place(number: int) -> str:
    """What stands in the Markdown, then in the rendered page, for block ``number``."""
    return f"<!-- infolettre:bloc {number} -->"


def wrap(html: str) -> str:
    """An item's ``html`` between the markers, as a page's Markdown holds it."""
    return f"{START}{html}{END}"


def wrap_linked(html: str) -> str:
    """The generator's own ``html`` between the markers; its ``.md`` links are resolved."""
    return f"{LINKED_START}{html}{END}"


def set_aside(markdown: str) -> tuple[str, list[Block]]:
    """The Markdown with each marked block replaced by a placeholder, and the blocks.

    Parts written one after the other make one block, with one placeholder: the
    conversion would put a line break between two placeholders.

    Returns:
        ``(markdown, [])`` when the page has no complete block.
    """
    blocks: list[Block] = []
    pieces: list[str] = []
    done = 0  # where the Markdown not yet copied to `pieces` starts
    # str.find rather than a regular expression: an item's text is thousands of characters.
    start = markdown.find(_OPENING)
    while start >= 0:
        parts: list[Part] = []
        end = start
        while True:
            if markdown.startswith(LINKED_START, end):
                linked, opened = True, end + len(LINKED_START)
            elif markdown.startswith(START, end):
                linked, opened = False, end + len(START)
            else:
                break
            close = markdown.find(END, opened)
            if close < 0:
                break
            parts.append(Part(markdown[opened:close], linked))
            end = close + len(END)
        if parts:
            pieces += [markdown[done:start], place(len(blocks))]
            blocks.append(tuple(parts))
            done = end
        start = markdown.find(_OPENING, max(end, start + 1))
    if not blocks:
        return markdown, []
    pieces.append(markdown[done:])
    return "".join(pieces), blocks


def resolve_links(html: str, resolve: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """``html`` with each ``href`` to a ``.md`` page replaced by ``resolve(path)``.

    Returns:
        The HTML, and the paths ``resolve`` did not know (their links are left as they are).
    """
    unknown: list[str] = []

    def link(match: re.Match[str]) -> str:
        url = resolve(match[1])
        if url is None:
            unknown.append(match[1])
            return match[0]
        return f'href="{url}{match[2] or ""}"'

    return _PAGE_LINK.sub(link, html), unknown


def put_back(
    rendered: str, blocks: list[Block], resolve: Callable[[str], str | None] | None = None
) -> tuple[str, list[str]]:
    """The rendered page with each block where :func:`set_aside` took it out.

    Args:
        rendered: The page's HTML, as the Markdown conversion made it.
        blocks: What :func:`set_aside` returned for the page.
        resolve: The URL of a ``.md`` path relative to the page, or ``None`` if no such
            page exists. Without it, links stay as the generator wrote them.

    Returns:
        The HTML, and the paths of the links that could not be resolved.
    """
    unknown: list[str] = []

    def back(match: re.Match[str]) -> str:
        number = int(match[1])
        if number >= len(blocks):
            return match[0]
        html = []
        for part in blocks[number]:
            if part.linked and resolve:
                resolved, missing = resolve_links(part.html, resolve)
                html.append(resolved)
                unknown.extend(missing)
            else:
                html.append(part.html)
        return "".join(html)

    if not blocks:
        return rendered, unknown
    return _PLACE.sub(back, rendered), unknown
