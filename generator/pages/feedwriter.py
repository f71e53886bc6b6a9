"""Write RSS 2.0 documents (WordPress form: ``dc:creator``, ``content:encoded``).

Used for the offline snapshots of the tools and for the site's own feeds
(:mod:`generator.pages.feeds_out`); the optional fields of :class:`Entry` only add elements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from jinja2 import Environment, PackageLoader, select_autoescape

from generator.veille.sanitize import strip_controls


@dataclass(frozen=True, kw_only=True)
class Channel:
    """The feed's own metadata."""

    title: str
    link: str
    self_url: str
    description: str
    """Plain text (escaped as HTML, like an item's)."""
    language: str = "fr-FR"


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One item of an output feed."""

    title: str
    link: str
    guid: str
    published: datetime | None
    """``None`` for an undated page: the item then has no ``pubDate``."""
    description: str
    """Plain text: written as HTML (escaped), as RSS readers read ``description``."""
    content_html: str
    author: str = ""
    categories: tuple[str, ...] = ()
    updated: datetime | None = None
    """Last modification, written as ``atom:updated`` (RFC 3339) when set."""


_ENV = Environment(
    loader=PackageLoader("generator", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=True,
)


def rfc822(value: datetime) -> str:
    """RFC 822 date as RSS wants it: ``Thu, 31 Oct 2024 05:10:00 +0100``."""
    return format_datetime(value)


def rfc3339(value: datetime) -> str:
    """RFC 3339 date (Atom, JSON Feed): ``2024-10-31T05:10:00+01:00``; naive means UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def text_element(text: str) -> str:
    """A plain-text RSS element's value, before XML escaping: control characters removed,
    ``<`` and ``>`` as HTML entities (``&`` is left alone: an entity decoded by a reader
    that takes the title for HTML is a character, never markup)."""
    return strip_controls(text).replace("<", "&lt;").replace(">", "&gt;")


def render_rss(
    channel: Channel, entries: Sequence[Entry], *, built: datetime, comment: str = ""
) -> str:
    """Render an RSS 2.0 document; every text is XML-escaped by the template.

    Titles, authors and categories are text, but readers (feedparser among them) take
    one that holds markup for HTML: their ``<`` and ``>`` are written as the entities
    ``&lt;`` and ``&gt;`` first (:func:`text_element`), so that a title ``a <b>`` shows as
    written and a title ``<script>`` never becomes an element; a ``description`` is HTML
    for RSS readers, so the plain-text descriptions are escaped as HTML first
    (``&amp;lt;`` in the XML): a summary ``<script>`` stays text.
    """
    items = [
        {
            "title": text_element(e.title),
            "link": e.link,
            "guid": e.guid,
            "author": text_element(e.author),
            "pub_date": rfc822(e.published) if e.published else "",
            "updated": rfc3339(e.updated) if e.updated else "",
            "categories": [text_element(c) for c in e.categories],
            "description": escape(strip_controls(e.description), quote=False),
            "content_html": strip_controls(e.content_html),
        }
        for e in entries
    ]
    return _ENV.get_template("rss.xml.j2").render(
        channel=replace(
            channel,
            title=text_element(channel.title),
            description=escape(channel.description, quote=False),
        ),
        items=items,
        comment=comment.replace("--", "—"),
        last_build=rfc822(built),
    )
