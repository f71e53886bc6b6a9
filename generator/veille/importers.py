"""Bring articles that arrive without a feed into the archive.

Two sources: a feed reader's text dump (:mod:`generator.veille.dump`) and a newsletter received
by e-mail (an ``.eml`` message, or its text pasted into a file). Both become
:class:`FeedItem` values written to ``content/archive/<source>/`` like any feed item, so
that re-importing the same input writes nothing.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from generator.content.dates import PARIS, paris_day, parse_french_date
from generator.content.loader import ARCHIVE_DIR
from generator.content.slugs import fold, item_slug
from generator.errors import GeneratorError
from generator.files import write_many
from generator.html_text import html_to_line
from generator.models import FeedConfig, FeedItem
from generator.veille.archive import MergeReport, identity, item_to_text, merge, read_feed_archive
from generator.veille.archive_lock import locked, remove_leftovers
from generator.veille.dump import DumpArticle
from generator.veille.sanitize import (
    MAX_AUTHOR,
    MAX_HTML,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_html,
    clean_text,
)

log = logging.getLogger("generator.import")


class ImportFileError(GeneratorError):
    """An input file cannot be imported."""


def normalized_title(title: str) -> str:
    """A title reduced for comparison: accents, case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(title)).split())


def _paragraphs_html(paragraphs: Iterable[str]) -> str:
    """Plain-text paragraphs as escaped ``<p>`` elements (line breaks kept as ``<br>``)."""
    parts = []
    for paragraph in paragraphs:
        lines = [html.escape(line.strip()) for line in paragraph.splitlines() if line.strip()]
        if lines:
            parts.append("<p>" + "<br>".join(lines) + "</p>")
    return "\n".join(parts)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- reader dumps ----------------------------------------------------------------------


def dump_guid(title: str, published: datetime) -> str:
    """Stable GUID of a dumped article: its normalized title and its date."""
    return "dump:" + _sha256(f"{normalized_title(title)}\n{published.isoformat()}")


def dump_items(
    articles: Iterable[DumpArticle], feed: FeedConfig, *, now: datetime
) -> list[FeedItem]:
    """Turn dumped articles into items of ``feed`` (no link: a dump has none). Pure."""
    items = []
    for article in articles:
        title = clean_text(article.title, limit=MAX_TITLE)
        content = clean_html(_paragraphs_html(article.paragraphs))
        items.append(
            FeedItem(
                feed_id=feed.id,
                slug=item_slug(article.published, title),
                guid=dump_guid(article.title, article.published),
                title=title,
                link="",
                published=article.published,
                first_seen=now,
                author=clean_text(article.author, limit=MAX_AUTHOR),
                summary=html_to_line(content, limit=MAX_SUMMARY),
                content_html=content,
            )
        )
    return items


def _day(value: datetime) -> date:
    return paris_day(value)


def drop_duplicates(
    stored: Iterable[FeedItem], incoming: Iterable[FeedItem]
) -> tuple[list[FeedItem], int]:
    """Drop the incoming items that are already archived under another GUID. Pure.

    An incoming item whose GUID is unknown is a duplicate when an archived item (or an
    earlier incoming one) has the same normalized title on the same day (Paris time):
    a feed's copy of an article and a dump's copy are one article. Items whose GUID is
    archived are kept, for :func:`generator.veille.archive.merge` to update.

    Returns:
        The items to merge, in order, and the number of duplicates dropped.
    """
    stored = list(stored)
    guids = {identity(item.guid) for item in stored}
    titles = {(normalized_title(item.title), _day(item.published)) for item in stored}
    kept: list[FeedItem] = []
    dropped = 0
    for item in incoming:
        key = (normalized_title(item.title), _day(item.published))
        if identity(item.guid) not in guids:
            if key in titles:
                dropped += 1
                continue
            guids.add(identity(item.guid))
        titles.add(key)
        kept.append(item)
    return kept, dropped


# --- e-mail newsletters ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Letter:
    """A newsletter read from a file, before it becomes an item."""

    title: str
    author: str
    published: datetime | None
    guid: str
    content_html: str


def _split_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n")[:MAX_HTML]
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _header_date(header: object, origin: str) -> datetime | None:
    """The date of a ``Date`` header: RFC 5322, else French (``mar., 13 sept. 2022
    16:41:30 +0200``, as some mail programs write it); an unreadable one is logged."""
    parsed = getattr(header, "datetime", None)
    if isinstance(parsed, datetime):
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)
    raw = str(header).strip()
    if not raw:
        return None
    try:
        return parse_french_date(raw)
    except ValueError:
        log.warning(
            "%s : en-tête Date illisible « %s » : l'infolettre prend la date de l'importation "
            "(--date pour la donner)",
            origin,
            clean_text(raw, limit=100),
        )
        return None


def read_eml(data: bytes, *, origin: str = "message") -> Letter:
    """Read an RFC 5322 message: its HTML part, else its plain-text part.

    Args:
        data: The message's bytes.
        origin: What to call the message in a warning (its file's name).

    Raises:
        ImportFileError: The message has no text part.
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None or not isinstance(body, EmailMessage):
        raise ImportFileError("message sans partie text/html ni text/plain")
    text = str(body.get_content())
    if body.get_content_subtype() == "html":
        content = clean_html(text)
    else:
        content = clean_html(_paragraphs_html(_split_paragraphs(text)))
    author = ""
    sender = message.get("From")
    addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    if addresses:
        author = addresses[0].display_name
    date_header = message.get("Date")
    published = _header_date(date_header, origin) if date_header is not None else None
    message_id = str(message.get("Message-ID") or "").strip().strip("<>")
    guid = f"mid:{message_id}" if message_id else "email:" + hashlib.sha256(data).hexdigest()
    return Letter(
        title=str(message.get("Subject") or ""),
        author=author,
        published=published,
        guid=guid,
        content_html=content,
    )


def read_text_letter(text: str) -> Letter:
    """Read a newsletter pasted as plain text: its first line is its title."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.strip().split("\n", 1)
    title = lines[0].strip()
    rest = lines[1] if len(lines) > 1 else ""
    return Letter(
        title=title,
        author="",
        published=None,
        guid="email:" + _sha256(text.strip()),
        content_html=clean_html(_paragraphs_html(_split_paragraphs(rest))),
    )


def letter_item(
    letter: Letter,
    source: FeedConfig,
    *,
    now: datetime,
    title: str = "",
    published: datetime | None = None,
) -> FeedItem:
    """The archive item of a newsletter; without a date, the import time stands for it.

    Raises:
        ImportFileError: The letter has no title.
    """
    final_title = clean_text(title or letter.title, limit=MAX_TITLE)
    if not final_title:
        raise ImportFileError("infolettre sans titre (utiliser --title)")
    when = published or letter.published or now
    return FeedItem(
        feed_id=source.id,
        slug=item_slug(when, final_title),
        guid=clean_text(letter.guid, limit=MAX_TITLE),
        title=final_title,
        link="",
        published=when,
        first_seen=now,
        author=clean_text(letter.author, limit=MAX_AUTHOR),
        summary=html_to_line(letter.content_html, limit=MAX_SUMMARY),
        content_html=letter.content_html,
    )


def read_letter(path: Path) -> Letter:
    """Read a newsletter file: ``.eml`` as a message, anything else as UTF-8 text.

    Raises:
        ImportFileError: The file cannot be read or decoded.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ImportFileError(f"{path}: lecture impossible : {err.strerror}") from err
    if path.suffix.lower() == ".eml":
        return read_eml(data, origin=str(path))
    try:
        return read_text_letter(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ImportFileError(f"{path}: UTF-8 attendu ({err})") from err


# --- writing ---------------------------------------------------------------------------


def store(content_root: Path, feed: FeedConfig, incoming: list[FeedItem]) -> MergeReport:
    """Merge ``incoming`` into ``feed``'s archive and write what changed, atomically.

    Duplicates by title and day (:func:`drop_duplicates`) count as unchanged; the other
    items go through :func:`generator.veille.archive.merge`, which gives a new item whose file
    name is taken a name of its own. The archive's lock is held meanwhile, as by
    ``ingest`` (:mod:`generator.veille.archive_lock`), and a killed run's leftovers removed.

    Raises:
        ArchiveBusyError: An ingestion or another import is running.
    """
    archive_root = content_root / ARCHIVE_DIR
    with locked(archive_root):
        remove_leftovers(archive_root)
        stored = read_feed_archive(archive_root, feed)
        kept, dropped = drop_duplicates(stored, incoming)
        changed, report = merge(stored, kept)
        write_many(
            {archive_root / feed.id / f"{item.slug}.md": item_to_text(item) for item in changed}
        )
    return replace(report, unchanged=report.unchanged + dropped)
