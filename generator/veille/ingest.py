"""Update the feed archive from the feeds' offline snapshots or from the network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol, TextIO

from generator.content.loader import ARCHIVE_DIR
from generator.errors import FeedError
from generator.files import write_many
from generator.models import FeedConfig
from generator.parallel import in_child, map_forked
from generator.progress import Progress
from generator.veille.archive import MergeReport, item_to_text, merge, read_feed_archive
from generator.veille.archive_lock import locked, remove_leftovers
from generator.veille.feed_state import FeedState, load_state, save_state, state_path
from generator.veille.feedreader import ParsedFeed, read_feed
from generator.veille.http_fetch import FetchError, FetchResult, fetch_url


@dataclass(frozen=True, kw_only=True)
class FeedResult:
    """The outcome of ingesting one feed."""

    feed_id: str
    report: MergeReport | None = None
    error: str = ""
    not_modified: bool = False  # the server answered 304


def _malformed_error(feed: FeedConfig, parsed: ParsedFeed) -> str:
    """The error recorded for a malformed document (its new items are still added)."""
    reason = parsed.malformed if len(parsed.malformed) <= 200 else parsed.malformed[:199] + "…"
    return str(
        FeedError(
            feed.id,
            f"document mal formé ({reason}) : les articles déjà archivés sont gardés tels quels",
        )
    )


def ingest_snapshot(content_root: Path, feed: FeedConfig, *, now: datetime) -> FeedResult:
    """Read ``feed``'s snapshot and merge its items into the archive.

    A feed that cannot be read is reported and leaves its archive untouched; a
    malformed one is reported too, and only its new items are added.
    """
    if feed.snapshot is None:
        return FeedResult(feed_id=feed.id, error="pas d'instantané local (clé « snapshot »)")
    archive_root = content_root / ARCHIVE_DIR
    try:
        parsed = read_feed(feed.snapshot.read_bytes(), feed, now=now)
    except (FeedError, OSError) as err:
        return FeedResult(feed_id=feed.id, error=str(err))
    report = _merge_into_archive(archive_root, feed, parsed)
    error = _malformed_error(feed, parsed) if parsed.malformed else ""
    return FeedResult(feed_id=feed.id, report=report, error=error)


class Fetch(Protocol):
    """The signature of :func:`~generator.veille.http_fetch.fetch_url` that ingestion uses."""

    def __call__(
        self,
        url: str,
        *,
        feed_id: str,
        etag: str = ...,
        last_modified: str = ...,
        allow_private: bool = ...,
    ) -> FetchResult: ...


def _merge_into_archive(archive_root: Path, feed: FeedConfig, parsed: ParsedFeed) -> MergeReport:
    stored = read_feed_archive(archive_root, feed)
    changed, report = merge(stored, parsed.items, trusted=not parsed.malformed)
    # One flush to disk for the feed's batch, each file still replaced atomically.
    write_many({archive_root / feed.id / f"{item.slug}.md": item_to_text(item) for item in changed})
    return report


def ingest_online(
    content_root: Path,
    feed: FeedConfig,
    state: FeedState,
    *,
    now: datetime,
    fetch: Fetch = fetch_url,
) -> tuple[FeedResult, FeedState]:
    """Fetch ``feed.url`` (conditionally, from ``state``) and merge its items.

    A ``304 Not Modified`` leaves the archive as it is. A failure (HTTP error, refused
    address, deadline, download cut short, oversized, empty or unreadable document, no
    items) leaves the archive untouched and is recorded in the returned state, whose
    validators are then kept. A malformed document is recorded as an error too, but its
    new items are added (archived ones are not updated from it); the state keeps the
    previous validators, not this document's, so that the next run downloads it again.

    Args:
        content_root: The ``content/`` folder.
        feed: The subscription.
        state: What the last run remembered of this feed.
        now: Time of this run (first-seen date of new items, ``last_success``).
        fetch: The download function (tests pass a shorter timeout or size cap).

    Returns:
        The outcome, and the feed's new state.
    """
    archive_root = content_root / ARCHIVE_DIR
    status: int | None = None
    try:
        answer = fetch(
            feed.url,
            feed_id=feed.id,
            etag=state.etag,
            last_modified=state.last_modified,
            allow_private=feed.allow_private,
        )
        status = answer.status
        if answer.body is None:
            unchanged = len(list((archive_root / feed.id).glob("*.md")))
            result = FeedResult(
                feed_id=feed.id, report=MergeReport(unchanged=unchanged), not_modified=True
            )
            return result, replace(
                state,
                last_success=now,
                last_error="",
                last_status=status,
                etag=answer.etag or state.etag,
                last_modified=answer.last_modified or state.last_modified,
            )
        parsed = read_feed(answer.body, feed, now=now)
        if not parsed.items:
            raise FeedError(feed.id, "aucun article dans le flux")
    except FeedError as err:
        if isinstance(err, FetchError):
            status = err.status
        return FeedResult(feed_id=feed.id, error=str(err)), replace(
            state, last_error=str(err), last_status=status
        )
    report = _merge_into_archive(archive_root, feed, parsed)
    if parsed.malformed:
        error = _malformed_error(feed, parsed)
        return FeedResult(feed_id=feed.id, report=report, error=error), replace(
            state, last_error=error, last_status=status
        )
    return FeedResult(feed_id=feed.id, report=report), FeedState(
        last_success=now,
        last_error="",
        last_status=status,
        etag=answer.etag,
        last_modified=answer.last_modified,
    )


def ingest_feeds(
    content_root: Path,
    feeds: Sequence[FeedConfig],
    *,
    offline: bool,
    now: datetime,
    progress: TextIO | None = None,
    fetch: Fetch = fetch_url,
) -> list[FeedResult]:
    """Ingest every feed in turn, from its snapshot or online; one failure stops none.

    The archive's lock is taken first (:mod:`generator.veille.archive_lock`: another run
    holding it stops this one at once), then the temporary files a killed run left are
    removed. E-mail sources are left out, and online, feeds without a URL; the state file
    is read (a corrupt one stops everything, naming it) and written after each feed, so
    that an interrupted run keeps what it learnt.

    Raises:
        ArchiveBusyError: Another ingestion is running.
        ContentError: A corrupt state file or archived item.
    """
    with locked(content_root / ARCHIVE_DIR):
        removed = remove_leftovers(content_root / ARCHIVE_DIR)
        if removed and progress is not None:
            progress.write(
                f"{len(removed)} fichiers temporaires d'une ingestion interrompue supprimés\n"
            )
        return _ingest_locked(
            content_root, feeds, offline=offline, now=now, progress=progress, fetch=fetch
        )


def _ingest_locked(
    content_root: Path,
    feeds: Sequence[FeedConfig],
    *,
    offline: bool,
    now: datetime,
    progress: TextIO | None,
    fetch: Fetch,
) -> list[FeedResult]:
    path = state_path(content_root)
    states = {} if offline else load_state(path)
    # E-mail sources are filled by `import-email`: there is nothing to fetch or read.
    feeds = [feed for feed in feeds if feed.kind != "email"]
    if not offline:
        feeds = [feed for feed in feeds if feed.url]
    bar = Progress(len(feeds), progress) if progress is not None else None
    if offline:
        # Snapshots are read on all cores, a feed per process (each feed has its own
        # archive folder); the bar shows the feeds as they start in this process.
        def one(numbered: tuple[int, FeedConfig]) -> FeedResult:
            number, feed = numbered
            if bar is not None and not in_child():
                bar.step(number, feed.id)
            return ingest_snapshot(content_root, feed, now=now)

        read = map_forked(one, list(enumerate(feeds, start=1)), per_process=1)
        if bar is not None:
            bar.close()
        return read
    results: list[FeedResult] = []
    for index, feed in enumerate(feeds, start=1):
        if bar is not None:
            bar.step(index, feed.id)
        result, states[feed.id] = ingest_online(
            content_root, feed, states.get(feed.id, FeedState()), now=now, fetch=fetch
        )
        save_state(path, states)
        results.append(result)
    if bar is not None:
        bar.close()
    return results
