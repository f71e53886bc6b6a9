"""OPML 1.0/2.0 subscription lists, as feed readers (FreshRSS, Feedly…) export them.

Reading refuses any DOCTYPE or ENTITY declaration before the XML parser sees the bytes:
a subscription list needs none, and refusing them stops external entities (XXE) and
entity expansion bombs ("billion laughs").
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

import yaml

from generator.content.slugs import slugify
from generator.errors import GeneratorError
from generator.models import FeedConfig
from generator.veille.archive import identity
from generator.veille.net_guard import refused_host
from generator.veille.sanitize import MAX_TITLE, clean_text, safe_url

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(GeneratorError):
    """An OPML document cannot be read."""


def _check_safe(data: bytes) -> None:
    if b"\x00" in data[:4096]:
        # UTF-16/32 would hide declarations from the byte check below.
        raise OpmlError("OPML refusé : encodage UTF-8 (ou ASCII/Latin-1) attendu")
    if _DECLARATION.search(data):
        raise OpmlError("OPML refusé : déclaration DOCTYPE ou ENTITY interdite")


def parse_opml(data: bytes) -> list[dict[str, str]]:
    """The feed subscriptions of an OPML document, in document order.

    Every ``outline`` with an ``xmlUrl`` is a subscription, at any depth (Feedly and
    FreshRSS put them in category outlines, whose text becomes ``category``). Only
    http(s) feed URLs are kept; a URL listed twice is kept once.

    Returns:
        Dictionaries with ``title``, ``url``, ``site_url`` and ``category`` (strings,
        possibly empty except ``url``).

    Raises:
        OpmlError: A DOCTYPE/ENTITY declaration, malformed XML, or no ``opml`` root.
    """
    _check_safe(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise OpmlError(f"OPML illisible : {err}") from err
    if root.tag != "opml":
        raise OpmlError(f"OPML illisible : racine <{root.tag}>, <opml> attendu")
    body = root.find("body")
    feeds: list[dict[str, str]] = []
    seen: set[str] = set()

    def walk(element: ET.Element, category: str) -> None:
        for outline in element.findall("outline"):
            text = outline.get("title") or outline.get("text") or ""
            url = safe_url(outline.get("xmlUrl", ""))
            if url and url not in seen:
                seen.add(url)
                feeds.append(
                    {
                        "title": clean_text(text, limit=MAX_TITLE),
                        "url": url,
                        "site_url": safe_url(outline.get("htmlUrl", "")),
                        "category": category,
                    }
                )
            walk(outline, clean_text(text, limit=MAX_TITLE) if not url else category)

    if body is not None:
        walk(body, "")
    return feeds


def render_opml(
    feeds: Iterable[FeedConfig], *, title: str = "Veille", now: datetime | None = None
) -> str:
    """An OPML 2.0 document listing the feeds (those without URL, e-mail sources, left out)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    if now is not None:
        ET.SubElement(head, "dateCreated").text = format_datetime(now)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        if not feed.url:
            continue
        attributes = {"type": "rss", "text": feed.title, "title": feed.title, "xmlUrl": feed.url}
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def public_subscriptions(
    found: Iterable[dict[str, str]],
) -> tuple[list[dict[str, str]], list[tuple[str, str]]]:
    """Split the subscriptions ``found`` in an OPML file: those that may be added, and
    the URLs refused with the reason (a non-public address or ``localhost``: an
    intranet feed is declared by hand, with ``allow_private: true``). Pure."""
    kept: list[dict[str, str]] = []
    refused: list[tuple[str, str]] = []
    for sub in found:
        reason = refused_host(sub.get("url", ""))
        if reason:
            refused.append((sub.get("url", ""), reason))
        else:
            kept.append(sub)
    return kept, refused


def new_subscriptions(
    existing: Iterable[FeedConfig], found: Iterable[dict[str, str]]
) -> tuple[list[dict[str, str]], int]:
    """The ``feeds.yml`` entries to add for the subscriptions ``found`` in an OPML file.

    A feed whose URL is already followed (normalized as by the archive) is skipped. Ids
    are slugs of the titles (of the host when untitled), made unique with ``-2``….

    Returns:
        The entries (``id``, ``title``, ``url`` and ``site_url`` when known) and the
        number of subscriptions skipped.
    """
    existing = list(existing)
    urls = {identity(feed.url) for feed in existing if feed.url}
    ids = {feed.id for feed in existing}
    entries: list[dict[str, str]] = []
    skipped = 0
    for sub in found:
        url = safe_url(sub.get("url", ""))
        if not url or identity(url) in urls:
            skipped += 1
            continue
        urls.add(identity(url))
        title = sub.get("title") or urlsplit(url).netloc
        base = slugify(title, max_length=40)
        feed_id, number = base, 2
        while feed_id in ids:
            feed_id = f"{base}-{number}"
            number += 1
        ids.add(feed_id)
        entry = {"id": feed_id, "title": title, "url": url}
        if sub.get("site_url"):
            entry["site_url"] = sub["site_url"]
        entries.append(entry)
    return entries, skipped


_FEEDS_KEY = re.compile(r"^feeds:[ \t]*(?:#.*)?$", re.MULTILINE)
_EMPTY_FEEDS_KEY = re.compile(r"^feeds:[ \t]*\[\][ \t]*(?:#.*)?$", re.MULTILINE)
_ENTRY_INDENT = re.compile(r"^([ \t]*)- id:", re.MULTILINE)


def append_feed_entries(text: str, entries: list[dict[str, str]]) -> str:
    """``feeds.yml`` with ``entries`` appended as YAML text: comments and layout stay.

    The ``feeds`` list must be the file's last top-level key (as in the project's file);
    callers re-read the result to check it.
    """
    if not entries:
        return text
    if _EMPTY_FEEDS_KEY.search(text):
        text = _EMPTY_FEEDS_KEY.sub("feeds:", text, count=1)
    if text and not text.endswith("\n"):
        text += "\n"
    if not _FEEDS_KEY.search(text):
        text += "feeds:\n"
    match = _ENTRY_INDENT.search(text)
    indent = match.group(1) if match else "  "
    dumped = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000)
    return text + "".join(f"{indent}{line}\n" for line in dumped.splitlines())
