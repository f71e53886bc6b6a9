"""A post's ``summary``: inline Markdown, rendered safely.

The summary is untrusted text (an editor's front matter, a migrated site): its Markdown
(emphasis, code, links) is rendered, and nothing else gets through. Raw HTML in it is
text; the HTML that Python-Markdown produces is rebuilt from an allow-list of elements
(``em``, ``strong``, ``code``, ``a`` with an ``http(s)``, ``mailto`` or relative
``href``), every other tag and attribute dropped. The page's description (``<meta>``,
feeds) takes the plain text of the same rendering (:func:`summary_text`).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser

import markdown

_ALLOWED = frozenset({"em", "strong", "code", "a"})
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _safe_href(url: str) -> bool:
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = _SCHEME.match(cleaned)
    return bool(cleaned) and (match is None or match["scheme"].lower() in _SAFE_SCHEMES)


class _Rebuild(HTMLParser):
    """Keeps the allowed elements of Python-Markdown's output, and all text, escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED:
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not _safe_href(href):
                self.open.append("")
                return
            self.parts.append(f'<a href="{html.escape(href, quote=True)}">')
        else:
            self.parts.append(f"<{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _ALLOWED and self.open:
            closing = self.open.pop()
            if closing:
                self.parts.append(f"</{closing}>")

    def handle_data(self, data: str) -> None:
        if "code" in self.open:
            # A code span escapes the "&" of the entities written for raw HTML.
            data = html.unescape(data)
        self.parts.append(html.escape(data, quote=False))
        self.text.append(data)


_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")
"""One converter for every summary (``reset`` between two): building Python-Markdown's
parser costs more than converting a summary with it. Not for threads: pages are made by
one thread, or by forked processes that each have their own."""


@lru_cache(maxsize=8192)
def _rendered(text: str) -> tuple[str, str]:
    """The summary's allowed HTML and its plain text (a post's summary is asked for both,
    on several pages)."""
    source = " ".join(text.split())
    # Raw HTML in the summary is text: escaped before Python-Markdown reads it.
    escaped = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    parser = _Rebuild()
    parser.feed(_MARKDOWN.reset().convert(escaped))
    parser.close()
    parser.parts.extend(f"</{tag}>" for tag in reversed(parser.open) if tag)
    return "".join(parser.parts).strip(), " ".join("".join(parser.text).split())


def summary_html(text: str) -> str:
    """The inline HTML of a summary written in Markdown, with only allowed elements.

    Args:
        text: The summary, untrusted.

    Returns:
        HTML for inside a paragraph: text escaped, ``em``, ``strong``, ``code`` and safe
        links, no attribute but ``href``.
    """
    return _rendered(text)[0]


def summary_text(text: str) -> str:
    """The plain text of a summary written in Markdown (``**gras**`` → ``gras``), for
    the page's description."""
    return _rendered(text)[1]
