"""Parse feed bytes with feedparser into sanitized :class:`FeedItem` values.

feedparser is only ever given a byte stream: given a string, it may open a local file
or fetch a URL by itself. Its own HTML sanitizer and relative-link resolver are off
(two thirds of its time, and its sanitizer misses attacks): nh3 sanitizes every HTML
field, resolving relative links against the base feedparser reports for the field
(``xml:base``, else the feed's URL).
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from generator.content.dates import parse_french_date
from generator.content.slugs import item_slug
from generator.errors import FeedError
from generator.html_text import html_to_line
from generator.models import FeedConfig, FeedItem
from generator.veille.jsonfeed import parse_json_feed
from generator.veille.sanitize import (
    MAX_AUTHOR,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_html,
    clean_text,
    safe_url,
    sort_attributes,
)

log = logging.getLogger("generator.feeds")

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _text_field(entry: Any, key: str, limit: int) -> str:
    """A text field of the entry; HTML titles (Atom type="html") are reduced to text."""
    value = str(dict.get(entry, key) or "")
    detail = dict.get(entry, f"{key}_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        return html_to_line(value, limit=limit)
    return clean_text(value, limit=limit)


def _author(entry: Any) -> str:
    """The author's name; an Atom author's e-mail address is not published."""
    detail = dict.get(entry, "author_detail") or {}
    name = detail.get("name") or dict.get(entry, "author") or ""
    return clean_text(str(name), limit=MAX_AUTHOR)


def french_date_handler(text: str) -> time.struct_time | None:
    """feedparser date handler for French dates (``mar., 13 sept. 2022 16:41:30 +0000``).

    feedparser reads English and numeric dates only; it tries this handler before its
    own (:func:`generator.content.dates.parse_french_date` refuses English weekdays, so those go
    on to feedparser's RFC 822 reader).

    Returns:
        The instant in UTC, as feedparser's handlers give it; ``None`` when the text is
        not a French date.
    """
    try:
        return parse_french_date(text).astimezone(UTC).utctimetuple()
    except ValueError:
        return None


feedparser.registerDateHandler(french_date_handler)

_DATE_KEYS = ("published", "updated", "created")


def _entry_date(entry: Any, feed: FeedConfig) -> datetime | None:
    """The entry's date; ``None`` when it has none or none that can be read, in which
    case the item gets its first-seen date, and an unreadable date is logged."""
    # dict.get, not entry.get: FeedParserDict maps a missing "updated_parsed" onto
    # "published_parsed" with a DeprecationWarning.
    for key in _DATE_KEYS:
        value = dict.get(entry, f"{key}_parsed")
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    raw = next((str(dict.get(entry, key)) for key in _DATE_KEYS if dict.get(entry, key)), "")
    if raw.strip():
        log.warning(
            "flux « %s » : date illisible « %s » (article « %s ») : il prend la date où il a "
            "été vu pour la première fois",
            feed.id,
            clean_text(raw, limit=100),
            clean_text(str(dict.get(entry, "title") or dict.get(entry, "id") or ""), limit=100),
        )
    return None


def _summary(entry: Any, feed: FeedConfig) -> tuple[str, str]:
    """The entry's summary (HTML) and the base URL of its relative links."""
    detail = dict.get(entry, "summary_detail") or {}
    return str(entry.get("summary", "")).strip(), str(detail.get("base") or feed.url)


def _clean(html: str, base_url: str) -> str:
    # Attributes in feedparser's order: items archived before nh3 sanitized alone keep
    # their bytes when their feed is read again.
    return sort_attributes(clean_html(html, base_url=base_url))


def _entry_html(entry: Any, feed: FeedConfig) -> str:
    """The entry's full content, sanitized: its first content that is not empty once
    sanitized, else its summary."""
    for content in entry.get("content") or []:
        value = str(content.get("value") or "").strip()
        if not value:
            continue
        if content.get("type") == "text/plain":
            return clean_html("<p>" + clean_text(value, limit=MAX_SUMMARY * 50) + "</p>")
        cleaned = _clean(value, str(content.get("base") or feed.url))
        if cleaned:
            return cleaned
    return _clean(*_summary(entry, feed))


@dataclass(frozen=True, kw_only=True)
class ParsedFeed:
    """A feed document read: its items and, when the XML was malformed, why."""

    items: list[FeedItem]
    malformed: str = ""
    """feedparser's complaint about a malformed document ("bozo"); empty when well formed.

    A malformed document may have lost text (a download cut short, a broken tag):
    ingestion then adds its new items but updates no archived one."""


# A whole XML feed ends with its root element's closing tag (comments may follow).
_ROOT_END = re.compile(rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.I | re.S)


def _malformed(parsed: Any) -> str:
    """feedparser's reason for calling the document malformed; encoding notes do not count."""
    if not parsed.get("bozo"):
        return ""
    reason = parsed.get("bozo_exception")
    if isinstance(reason, feedparser.ThingsNobodyCaresAboutButMe):
        return ""  # a declared encoding overridden, a content type: the text is whole
    return str(reason or "XML mal formé")


def parse_feed(data: bytes, feed: FeedConfig, *, now: datetime) -> list[FeedItem]:
    """The items of a feed document: :func:`read_feed`'s, without its verdict."""
    return read_feed(data, feed, now=now).items


def _without_cut_character(data: bytes) -> bytes:
    """``data`` less the first bytes of a UTF-8 character a cut went through.

    A document cut inside a character is no longer valid UTF-8, and feedparser would then
    read all of it in another encoding (``l’article`` becoming ``lâ€™article``). Only
    an incomplete sequence at the very end is dropped: a whole document ends with markup,
    and one in another encoding fails earlier, so it is left as it is.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.end == len(data):
            return data[: err.start]
    return data


def read_feed(data: bytes, feed: FeedConfig, *, now: datetime) -> ParsedFeed:
    """Parse a feed document.

    Args:
        data: The bytes of the feed (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, or JSON Feed 1.0/1.1,
            read by :func:`generator.veille.jsonfeed.parse_json_feed`).
        feed: The subscription, for ids and relative links.
        now: Date given to items that carry none (their first-seen date).

    Returns:
        The items, sanitized, in feed order (a GUID repeated in the feed is kept once),
        and feedparser's reason if the XML is malformed. The last entry of a malformed
        document that stops before its closing root tag (cut short) is left out: its
        text may be cut.

    Raises:
        FeedError: The document is empty, or not a feed at all.
    """
    if not data.strip():
        raise FeedError(feed.id, "document vide")
    if data.strip().removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return ParsedFeed(items=parse_json_feed(data, feed, now=now))
    parsed = feedparser.parse(
        io.BytesIO(_without_cut_character(data)),
        # Without a content type feedparser assumes ISO-8859-1 for some text; with
        # application/xml and no charset it honours the XML declaration (RFC 3023).
        response_headers={"content-location": feed.url, "content-type": "application/xml"},
        # nh3 does both, faster and safer (clean_html below).
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if parsed.get("bozo") and parsed.entries:
        # Malformed but usable (feedparser's "bozo" model): keep the items, say so.
        log.warning("flux « %s » accepté malgré : %s", feed.id, parsed.get("bozo_exception"))
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "pas un flux RSS ou Atom"
        raise FeedError(feed.id, f"illisible : {reason}")
    malformed = _malformed(parsed)
    entries = list(parsed.entries)
    if malformed and entries and not _ROOT_END.search(data[-4096:]):
        # Cut short: the entry being read when the document stopped may miss its end.
        entries.pop()
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        title = _text_field(entry, "title", MAX_TITLE)
        link = safe_url(entry.get("link", ""))
        guid = clean_text(entry.get("id", "") or link, limit=MAX_TITLE)
        if not guid or guid in seen or not (title or link):
            continue
        seen.add(guid)
        published = _entry_date(entry, feed) or now
        summary_html, summary_base = _summary(entry, feed)
        content_html = (
            _clean(summary_html, summary_base)
            if feed.content == "summary"
            else _entry_html(entry, feed)
        )
        items.append(
            FeedItem(
                feed_id=feed.id,
                slug=item_slug(published, title or guid),
                guid=guid,
                title=title or link,
                link=link,
                published=published,
                first_seen=now,
                author=_author(entry),
                summary=html_to_line(summary_html, limit=MAX_SUMMARY),
                categories=tuple(
                    clean_text(t.get("term", ""), limit=MAX_AUTHOR)
                    for t in entry.get("tags", [])
                    if t.get("term")
                ),
                content_html=content_html,
            )
        )
    return ParsedFeed(items=items, malformed=malformed)
