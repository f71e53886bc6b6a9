"""Read the text a person copies from a feed reader's article view (FreshRSS "Vue normale").

Such a dump is a sequence of articles, each a title line, an optional ``Par : AUTHOR``
line, a French date line (``31 octobre 2024 à 05:10``), then the article's paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from generator.content.dates import parse_french_date

_DATE_LINE = re.compile(
    r"^\d{1,2}(?:er)? (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
    r"octobre|novembre|décembre) \d{4} à \d{1,2}:\d{2}$"
)
_AUTHOR_LINE = re.compile(r"^Par\s*:\s*(?P<author>.+)$")
# Reader chrome that is not article text.
_CHROME = ("❌",)


@dataclass(frozen=True, kw_only=True)
class DumpArticle:
    """One article found in a reader dump."""

    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]
    line: int
    """Line of the title in the dump (1-based)."""


def _previous_nonblank(lines: list[str], index: int) -> int:
    index -= 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    return index


def parse_dump(text: str) -> list[DumpArticle]:
    """Split a reader dump into articles. Pure.

    Returns:
        The articles in dump order; empty if no date line is found.
    """
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    starts: list[tuple[int, int, str]] = []  # (title index, date index, author)
    for index, line in enumerate(lines):
        if not _DATE_LINE.match(line.strip()):
            continue
        above = _previous_nonblank(lines, index)
        author = ""
        match = _AUTHOR_LINE.match(lines[above].strip()) if above >= 0 else None
        if match:
            author = match["author"].strip()
            above = _previous_nonblank(lines, above)
        if above < 0:
            continue
        starts.append((above, index, author))
    articles: list[DumpArticle] = []
    for number, (title_index, date_index, author) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        paragraphs = tuple(
            line.strip()
            for line in lines[date_index + 1 : end]
            if line.strip() and line.strip() not in _CHROME
        )
        articles.append(
            DumpArticle(
                title=lines[title_index].strip(),
                author=author,
                published=parse_french_date(lines[date_index].strip()),
                paragraphs=paragraphs,
                line=title_index + 1,
            )
        )
    return articles
