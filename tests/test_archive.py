"""The persistent archive: merging keeps every item, files are written atomically."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.archive import (
    identity,
    item_from_text,
    item_to_text,
    merge,
    read_feed_archive,
    write_atomic,
)
from generator.errors import ContentError
from generator.ingest import ingest_snapshot
from generator.models import FeedConfig, FeedItem

from .conftest import ROOT

T0 = datetime(2024, 1, 1, tzinfo=UTC)
T1 = datetime(2024, 6, 1, tzinfo=UTC)


def _item(n: int, **changes: object) -> FeedItem:
    base = FeedItem(
        feed_id="f",
        slug=f"2024-01-0{n}-item-{n}",
        guid=f"http://example.org/{n}",
        title=f"Item {n}",
        link=f"http://example.org/{n}",
        published=T0,
        first_seen=T0,
        content_html=f"<p>texte {n}</p>",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://example.org/post/", "https://example.org/post"),
        ("https://WWW.Example.org/post", "https://example.org/post/"),
        ("https://example.org/p?utm_source=x&id=3", "https://example.org/p?id=3"),
        ("https://example.org/p#comments", "https://example.org/p"),
    ],
)
def test_identity_ignores_trivial_differences(a: str, b: str) -> None:
    assert identity(a) == identity(b)


def test_identity_keeps_real_differences() -> None:
    assert identity("https://example.org/p?id=3") != identity("https://example.org/p?id=4")
    assert identity("tag:example.org,2024:1") == "tag:example.org,2024:1"


def test_items_that_leave_the_feed_stay() -> None:
    stored = [_item(n) for n in range(1, 6)]
    changed, report = merge(stored, [_item(5), _item(6)])
    assert [i.slug for i in changed] == ["2024-01-06-item-6"]
    assert (report.new, report.updated, report.unchanged) == (1, 0, 1)


def test_guid_respelled_is_the_same_item() -> None:
    stored = [_item(1)]
    respelled = _item(1, guid="https://example.org/1/", slug="other-slug", first_seen=T1)
    changed, report = merge(stored, [respelled])
    assert changed == [] and report.unchanged == 1


def test_edited_title_updates_in_place_keeping_slug_and_first_seen() -> None:
    stored = [_item(1, forced_tags=("events",))]
    edited = _item(1, title="Item 1 (corrigé)", slug="new-slug", first_seen=T1)
    changed, report = merge(stored, [edited])
    assert report.updated == 1
    (item,) = changed
    assert item.title == "Item 1 (corrigé)"
    assert item.slug == "2024-01-01-item-1"
    assert item.first_seen == T0
    assert item.forced_tags == ("events",)


def test_missing_date_keeps_the_first_seen_date_across_runs() -> None:
    stored = [_item(1, published=T0, first_seen=T0)]
    # The feed still gives no date: the reader stamps it with the run's time.
    again = _item(1, published=T1, first_seen=T1)
    changed, _ = merge(stored, [again])
    assert changed == []


def test_item_round_trips_through_its_file(tmp_path: Path) -> None:
    item = _item(1, author="Framalang", categories=("a", "b"), summary="résumé : « x »")
    path = tmp_path / f"{item.slug}.md"
    path.write_text(item_to_text(item), encoding="utf-8")
    assert item_from_text(path.read_text(encoding="utf-8"), path, "f") == item


def test_corrupt_archive_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    feed = FeedConfig(id="f", title="F", url="https://example.org/feed")
    with pytest.raises(ContentError, match=r"broken\.md"):
        read_feed_archive(tmp_path, feed)


def test_write_atomic_reports_change_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    assert write_atomic(target, "un") is True
    assert write_atomic(target, "un") is False
    assert write_atomic(target, "deux") is True
    assert target.read_text(encoding="utf-8") == "deux"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]


def test_ingesting_the_snapshot_twice_changes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "feeds").mkdir(parents=True)
    snapshot = content / "feeds" / "framablog.xml"
    snapshot.write_bytes((ROOT / "content" / "feeds" / "framablog.xml").read_bytes())
    feed = FeedConfig(id="framablog", title="Framablog", url="https://framablog.org/feed/",
                      snapshot=snapshot)  # fmt: skip
    first = ingest_snapshot(content, feed, now=T1)
    assert first.report is not None and first.report.new == 7
    files = sorted((content / "archive" / "framablog").glob("*.md"))
    before = {p: p.read_bytes() for p in files}
    second = ingest_snapshot(content, feed, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert second.report is not None and second.report.unchanged == 7
    assert {p: p.read_bytes() for p in files} == before


def test_unreadable_snapshot_leaves_archive_untouched(tmp_path: Path) -> None:
    content = tmp_path / "content"
    archive = content / "archive" / "f"
    archive.mkdir(parents=True)
    kept = _item(1)
    (archive / f"{kept.slug}.md").write_text(item_to_text(kept), encoding="utf-8")
    snapshot = content / "empty.xml"
    snapshot.write_bytes(b"")
    feed = FeedConfig(id="f", title="F", url="https://example.org/feed", snapshot=snapshot)
    result = ingest_snapshot(content, feed, now=T1)
    assert "vide" in result.error
    assert read_feed_archive(content / "archive", feed) == [kept]


def test_same_title_and_text_under_new_urls_is_one_item() -> None:
    stored = [_item(1)]
    moved = _item(1, guid="https://new.example.org/a", link="https://new.example.org/a")
    changed, report = merge(stored, [moved])
    assert changed == [] and report.unchanged == 1


def test_future_date_is_listed_when_first_seen() -> None:
    from generator.catalog import listing_date

    future = _item(1, published=datetime(2099, 1, 1, tzinfo=UTC), first_seen=T1)
    assert listing_date(future) == T1
    assert listing_date(_item(2)) == T0


def test_interrupted_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "item.md"
    target.write_text("avant", encoding="utf-8")

    def fail(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("generator.archive.os.replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "après")
    assert target.read_text(encoding="utf-8") == "avant"
    assert [p.name for p in tmp_path.iterdir()] == ["item.md"]
