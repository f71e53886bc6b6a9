"""HTML kept out of the Markdown conversion, and put back after it. Pure.

Two kinds of HTML reach a generated page:

- a feed item's text, HTML already (sanitized by nh3 at ingestion): written as a raw HTML
  block it would go through Python-Markdown's HTML block parser only to come out
  unchanged;
- what the generator composes itself (bylines, listings, pagers): written as Markdown
  tables and links it cost more than ten times the conversion of an editor's page of the
  same length, for HTML the generator can write directly.

Each block sits between two markers in the page's Markdown. The plugin sets the blocks
aside before the conversion (:func:`set_aside`) and puts them back, verbatim, in the
rendered page (:func:`put_back`). Their links are final already: the generator writes its
own as URLs (:mod:`generator.pages.links`), and nh3 made an item's absolute. A renderer
without the plugin reads the blocks as the HTML blocks of Markdown they are (the markers
are HTML comments; nh3 removes comments from an item's text, so it cannot hold one).
"""

from __future__ import annotations

import re

START = "<!-- infolettre:html -->"
"""Opens a block of HTML."""
END = "<!-- /infolettre:html -->"

_PLACE = re.compile(r"<!-- infolettre:bloc (\d+) -->")

Block = str
"""The HTML of marked parts that followed one another in the Markdown: one placeholder."""


def place(number: int) -> str:
    """What stands in the Markdown, then in the rendered page, for block ``number``."""
    return f"<!-- infolettre:bloc {number} -->"


def wrap(html: str) -> str:
    """``html`` between the markers, as a page's Markdown holds it."""
    return f"{START}{html}{END}"


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
    start = markdown.find(START)
    while start >= 0:
        parts: list[str] = []
        end = start
        while markdown.startswith(START, end):
            opened = end + len(START)
            close = markdown.find(END, opened)
            if close < 0:
                break
            parts.append(markdown[opened:close])
            end = close + len(END)
        if parts:
            pieces += [markdown[done:start], place(len(blocks))]
            blocks.append("".join(parts))
            done = end
        start = markdown.find(START, max(end, start + 1))
    if not blocks:
        return markdown, []
    pieces.append(markdown[done:])
    return "".join(pieces), blocks


def put_back(rendered: str, blocks: list[Block]) -> str:
    """The rendered page with each block where :func:`set_aside` took it out.

    Args:
        rendered: The page's HTML, as the Markdown conversion made it.
        blocks: What :func:`set_aside` returned for the page.
    """

    def back(match: re.Match[str]) -> str:
        number = int(match[1])
        return blocks[number] if number < len(blocks) else match[0]

    if not blocks:
        return rendered
    return _PLACE.sub(back, rendered)
