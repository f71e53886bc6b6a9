"""Update the feed archive from the feeds' offline snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .archive import MergeReport, item_to_text, merge, read_feed_archive, write_atomic
from .errors import FeedError
from .feedreader import parse_feed
from .loader import ARCHIVE_DIR
from .models import FeedConfig


@dataclass(frozen=True, kw_only=True)
class FeedResult:
    """The outcome of ingesting one feed."""

    feed_id: str
    report: MergeReport | None = None
    error: str = ""


def ingest_snapshot(content_root: Path, feed: FeedConfig, *, now: datetime) -> FeedResult:
    """Read ``feed``'s snapshot and merge its items into the archive.

    A feed that cannot be read is reported and leaves its archive untouched.
    """
    if feed.snapshot is None:
        return FeedResult(feed_id=feed.id, error="pas d'instantané local (clé « snapshot »)")
    archive_root = content_root / ARCHIVE_DIR
    try:
        incoming = parse_feed(feed.snapshot.read_bytes(), feed, now=now)
    except (FeedError, OSError) as err:
        return FeedResult(feed_id=feed.id, error=str(err))
    stored = read_feed_archive(archive_root, feed)
    changed, report = merge(stored, incoming)
    for item in changed:
        write_atomic(archive_root / feed.id / f"{item.slug}.md", item_to_text(item))
    return FeedResult(feed_id=feed.id, report=report)
