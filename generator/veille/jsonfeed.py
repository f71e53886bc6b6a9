"""Read JSON Feed 1.0 and 1.1 documents (https://jsonfeed.org), which feedparser cannot.

The items are sanitized exactly as :func:`generator.veille.feedreader.parse_feed` does it.
"""

from __future__ import annotations

import html
import json
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from generator.content.dates import parse_french_date
from generator.content.slugs import item_slug
from generator.errors import FeedError
from generator.html_text import html_to_line
from generator.models import FeedConfig, FeedItem
from generator.veille.sanitize import (
    MAX_AUTHOR,
    MAX_HTML,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_html,
    clean_text,
    safe_url,
)

log = logging.getLogger("generator.feeds")

VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


def _str(value: object) -> str:
    """A JSON scalar as text; objects and lists are ignored."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _date(value: object) -> datetime | None:
    """A date in UTC: RFC 3339 as the format says, else RFC 822 or French (some feeds
    write those); ``None`` when absent or unreadable."""
    text = _str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            try:
                parsed = parse_french_date(text)
            except ValueError:
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _item_date(item: dict[str, Any], feed: FeedConfig) -> datetime | None:
    """The item's ``date_published``, else its ``date_modified``; an unreadable one is
    logged (the item then gets its first-seen date, like an item without a date)."""
    raw_dates = [item.get(key) for key in ("date_published", "date_modified")]
    for raw in raw_dates:
        parsed = _date(raw)
        if parsed is not None:
            return parsed
    unreadable = next((_str(raw) for raw in raw_dates if _str(raw).strip()), "")
    if unreadable:
        log.warning(
            "flux « %s » : date illisible « %s » (article « %s ») : il prend la date où il a "
            "été vu pour la première fois",
            feed.id,
            clean_text(unreadable, limit=100),
            clean_text(_str(item.get("title")) or _str(item.get("id")), limit=100),
        )
    return None


def _author(item: dict[str, Any], document: dict[str, Any]) -> str:
    """The first author's name: ``authors`` (1.1), else ``author`` (1.0), else the feed's."""
    for source in (item, document):
        candidates: list[object] = []
        authors = source.get("authors")
        if isinstance(authors, list):
            candidates.extend(authors)
        candidates.append(source.get("author"))
        for author in candidates:
            if isinstance(author, dict):
                name = clean_text(_str(author.get("name")), limit=MAX_AUTHOR)
                if name:
                    return name
    return ""


def _link(value: object, base: str) -> str:
    text = _str(value).strip()
    return safe_url(urljoin(base, text)) if text else ""


def _content(item: dict[str, Any]) -> str:
    content_html = _str(item.get("content_html"))
    if content_html.strip():
        return content_html
    content_text = _str(item.get("content_text"))[:MAX_HTML]
    paragraphs = [p.strip() for p in content_text.replace("\r\n", "\n").split("\n\n")]
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def parse_json_feed(data: bytes, feed: FeedConfig, *, now: datetime) -> list[FeedItem]:
    """Parse a JSON Feed document.

    Args:
        data: The bytes of the feed (UTF-8, with or without BOM).
        feed: The subscription, for ids and relative links.
        now: Date given to items that carry none (their first-seen date).

    Returns:
        The items, sanitized, in feed order; an id repeated in the feed is kept once.

    Raises:
        FeedError: Invalid JSON, not an object, a ``version`` other than 1 or 1.1,
            or ``items`` that is not a list.
    """
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as err:
        raise FeedError(feed.id, f"JSON Feed illisible : {err}") from err
    if not isinstance(document, dict):
        raise FeedError(feed.id, "JSON Feed illisible : un objet est attendu")
    version = _str(document.get("version")).strip().rstrip("/")
    if version not in VERSIONS:
        raise FeedError(feed.id, f"JSON Feed : version « {version[:80]} » inconnue")
    raw_items = document.get("items", [])
    if not isinstance(raw_items, list):
        raise FeedError(feed.id, "JSON Feed : « items » doit être une liste")
    base = safe_url(_str(document.get("feed_url"))) or feed.url
    items: list[FeedItem] = []
    seen: set[str] = set()
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        title = clean_text(_str(raw.get("title")), limit=MAX_TITLE)
        link = _link(raw.get("url"), base) or _link(raw.get("external_url"), base)
        guid = clean_text(_str(raw.get("id")) or link, limit=MAX_TITLE)
        if not guid or guid in seen or not (title or link):
            continue
        seen.add(guid)
        published = _item_date(raw, feed) or now
        content = _content(raw)
        summary_source = _str(raw.get("summary")) or content
        if feed.content == "summary" and _str(raw.get("summary")).strip():
            content = f"<p>{html.escape(_str(raw.get('summary')))}</p>"
        tags = raw.get("tags")
        display_title = title or link
        items.append(
            FeedItem(
                feed_id=feed.id,
                slug=item_slug(published, title or guid),
                guid=guid,
                title=display_title,
                link=link,
                published=published,
                first_seen=now,
                author=_author(raw, document),
                summary=html_to_line(summary_source, limit=MAX_SUMMARY),
                categories=tuple(
                    clean_text(tag, limit=MAX_AUTHOR)
                    for tag in (tags if isinstance(tags, list) else [])
                    if isinstance(tag, str) and tag.strip()
                ),
                content_html=clean_html(content, base_url=link or base),
            )
        )
    return items
