"""A feed item's HTML kept out of the Markdown conversion, and put back after it. Pure.

An item's text is HTML already (sanitized by nh3 at ingestion). Written into its page as
a raw HTML block, it would go through Python-Markdown's HTML block parser (``md_in_html``)
only to come out unchanged: half the time of converting an item's page. The page holds it
between two markers; the plugin sets it aside before the conversion (:func:`set_aside`)
and puts it back in the rendered page (:func:`put_back`). nh3 removes HTML comments, so an
item's text cannot hold a marker.
"""

from __future__ import annotations

START = "<!-- infolettre:html -->"
END = "<!-- /infolettre:html -->"
PLACE = START
"""What stands in the Markdown, then in the rendered page, where the HTML goes."""


def wrap(html: str) -> str:
    """``html`` between the markers, as a page's Markdown holds it."""
    return f"{START}{html}{END}"


def set_aside(markdown: str) -> tuple[str, str | None]:
    """The Markdown with the HTML between the markers taken out, and that HTML.

    Returns:
        ``(markdown, None)`` when the markers are not both there.
    """
    start = markdown.find(START)
    end = markdown.find(END, start + len(START)) if start >= 0 else -1
    if end < 0:
        return markdown, None
    html = markdown[start + len(START) : end]
    return markdown[:start] + PLACE + markdown[end + len(END) :], html


def put_back(rendered: str, html: str) -> str:
    """The rendered page with ``html`` where :func:`set_aside` took it out."""
    return rendered.replace(PLACE, html, 1)
