"""The persistent archive of feed items: one Markdown file per item under ``content/``.

Each file holds the item's metadata as front matter and its sanitized HTML as body, so
that editors can correct an item by hand and git shows its history. Items are never
deleted because they left their feed. Writes are atomic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from generator.content import frontmatter
from generator.content.posts import date_field, list_field, text_field
from generator.content.slugs import distinct_slug
from generator.content.yaml_dump import dump_front_matter
from generator.errors import ContentError
from generator.html_text import html_to_line
from generator.models import FeedConfig, FeedItem
from generator.parallel import map_forked
from generator.veille.sanitize import MAX_HTML

_TRACKING = ("utm_", "xtor", "fbclid", "gclid", "mc_")


def identity(value: str) -> str:
    """Normalize a GUID or link so that trivially different spellings compare equal.

    Scheme (http/https), host case, ``www.``, trailing slash, fragment and tracking
    parameters are ignored.
    """
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return value.strip()
    host = parts.netloc.lower().removeprefix("www.")
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING)]
    )
    return urlunsplit(("https", host, parts.path.rstrip("/") or "/", query, ""))


def item_to_text(item: FeedItem) -> str:
    """Serialize an item as front matter + HTML body."""
    meta: dict[str, Any] = {
        "title": item.title,
        "guid": item.guid,
        "link": item.link,
        "author": item.author,
        "published": item.published.isoformat(),
        "first_seen": (item.first_seen or item.published).isoformat(),
        "categories": list(item.categories),
        "summary": item.summary,
    }
    if item.forced_tags:
        meta["force_tags"] = list(item.forced_tags)
    if item.forbidden_tags:
        meta["forbid_tags"] = list(item.forbidden_tags)
    front = dump_front_matter(meta)
    return f"---\n{front}---\n\n{item.content_html}\n"


def item_from_text(text: str, path: Path, feed_id: str) -> FeedItem:
    """Read an archived item.

    Raises:
        ContentError: Broken front matter or a missing key, naming the file.
    """
    meta, body, _ = frontmatter.read(text, path)
    if not meta:
        raise ContentError(path, "en-tête YAML absent")
    published = date_field(meta, "published", path, required=True)
    assert published is not None
    return FeedItem(
        feed_id=feed_id,
        slug=path.stem,
        guid=text_field(meta, "guid", path, required=True),
        title=text_field(meta, "title", path, required=True),
        link=text_field(meta, "link", path),
        author=text_field(meta, "author", path),
        published=published,
        first_seen=date_field(meta, "first_seen", path, required=False),
        categories=list_field(meta, "categories", path),
        summary=text_field(meta, "summary", path),
        content_html=body.strip(),
        forced_tags=list_field(meta, "force_tags", path),
        forbidden_tags=list_field(meta, "forbid_tags", path),
    )


def feed_dir(archive_root: Path, feed_id: str) -> Path:
    """Folder of one feed's items."""
    return archive_root / feed_id


def _read_item(job: tuple[str, Path]) -> FeedItem:
    feed_id, path = job
    return item_from_text(frontmatter.decode(path.read_bytes(), path), path, feed_id)


_ITEM_FIELDS = tuple(f.name for f in fields(FeedItem))


def _pack_item(item: FeedItem) -> tuple[Any, ...]:
    """An item as a plain tuple, which pickles several times faster (between processes)."""
    return tuple(getattr(item, name) for name in _ITEM_FIELDS)


def _unpack_item(packed: tuple[Any, ...]) -> FeedItem:
    return FeedItem(**dict(zip(_ITEM_FIELDS, packed, strict=True)))


def read_archives(archive_root: Path, feeds: Iterable[FeedConfig]) -> list[FeedItem]:
    """Every archived item of ``feeds``, feed by feed in file-name order; on all cores
    for a large archive (parsing the items' front matter is most of a build's reading)."""
    jobs = [
        (feed.id, path)
        for feed in feeds
        if (folder := feed_dir(archive_root, feed.id)).is_dir()
        # By name: the files of one folder, in their paths' order, compared faster.
        for path in sorted(folder.glob("*.md"), key=lambda path: path.name)
    ]
    return map_forked(_read_item, jobs, pack=_pack_item, unpack=_unpack_item, piece="reading")


def read_feed_archive(archive_root: Path, feed: FeedConfig) -> list[FeedItem]:
    """Read every archived item of ``feed``, in file-name order."""
    return read_archives(archive_root, [feed])


@dataclass(frozen=True, kw_only=True)
class MergeReport:
    """What a merge did to one feed's archive."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: tuple[str, ...] = ()
    """Slugs of archived items left as they were although the feed changed them: the new
    version lost more than half of their text, or came from a malformed document."""
    skipped: int = 0
    """New items of a malformed document left out: they have no text."""


def content_key(item: FeedItem) -> str:
    """Digest of an item's title and text, ignoring markup, case and spacing."""
    text = html_to_line(item.content_html, limit=20_000)
    folded = " ".join(f"{item.title}\n{text}".lower().split())
    return "sha256:" + hashlib.sha256(folded.encode("utf-8")).hexdigest()


def text_length(item: FeedItem) -> int:
    """How many characters of text an item's body holds, markup and spacing aside."""
    return len(html_to_line(item.content_html, limit=MAX_HTML))


def loses_text(old: FeedItem, new: FeedItem) -> bool:
    """Whether ``new`` would lose more than half of ``old``'s text (or all of it). Pure."""
    before = text_length(old)
    return before > 0 and 2 * text_length(new) < before


def merge(
    stored: Iterable[FeedItem], incoming: Iterable[FeedItem], *, trusted: bool = True
) -> tuple[list[FeedItem], MergeReport]:
    """Merge freshly read items into the stored ones. Pure.

    An incoming item matching a stored one (same GUID or same link, normalized) updates
    it in place: its slug, first-seen date and editor's tag choices are kept, and a
    stored date is kept when the feed gives none. An update that would lose more than
    half of the stored text (a cut download, a feed that became summaries) is refused:
    the stored item stays as it is (``kept``). One with a new GUID and link but the
    same title and text as a stored item (a feed that changed its URLs) is that item and
    changes nothing. Stored items absent from the feed stay.

    A new item takes the file name of its day and title; if another item, stored or
    new in this batch, has it already, it takes that name followed by a short digest
    of its GUID: distinct items never share a file, and an item keeps its file forever.

    Args:
        stored: The archived items.
        incoming: The items just read.
        trusted: ``False`` for a malformed document: no stored item is updated, and new
            items without text are left out (``skipped``).

    Returns:
        The items to write (new or changed) and the counts.
    """
    by_key: dict[str, FeedItem] = {}
    by_content: dict[str, FeedItem] = {}
    taken: set[str] = set()
    for item in stored:
        by_key[identity(item.guid)] = item
        if item.link:
            by_key.setdefault(identity(item.link), item)
        by_content.setdefault(content_key(item), item)
        taken.add(item.slug)
    changed: list[FeedItem] = []
    kept: list[str] = []
    new = updated = unchanged = skipped = 0
    for item in incoming:
        old = by_key.get(identity(item.guid)) or (
            by_key.get(identity(item.link)) if item.link else None
        )
        if old is None:
            key = content_key(item)
            if key in by_content:
                unchanged += 1
                continue
            if not trusted and text_length(item) == 0:
                skipped += 1
                continue
            slug = distinct_slug(item.slug, item.guid, taken)
            taken.add(slug)
            item = replace(item, slug=slug)
            by_content[key] = item
            changed.append(item)
            by_key[identity(item.guid)] = item
            new += 1
            continue
        merged = replace(
            item,
            slug=old.slug,
            guid=old.guid,
            first_seen=old.first_seen or item.first_seen,
            published=item.published if item.published != item.first_seen else old.published,
            forced_tags=old.forced_tags,
            forbidden_tags=old.forbidden_tags,
        )
        if merged == old:
            unchanged += 1
        elif not trusted or loses_text(old, merged):
            kept.append(old.slug)
        else:
            changed.append(merged)
            updated += 1
    report = MergeReport(
        new=new, updated=updated, unchanged=unchanged, kept=tuple(kept), skipped=skipped
    )
    return changed, report
