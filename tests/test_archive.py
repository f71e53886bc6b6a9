"""The persistent archive: merging keeps every item, files are written atomically."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.content.slugs import distinct_slug
from generator.errors import ContentError
from generator.files import write_atomic
from generator.models import FeedConfig, FeedItem
from generator.veille.archive import (
    identity,
    item_from_text,
    item_to_text,
    merge,
    read_feed_archive,
)
from generator.veille.ingest import ingest_snapshot

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
    from generator.themes.catalog import listing_date

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

    monkeypatch.setattr("generator.files.os.replace", fail)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "après")
    assert target.read_text(encoding="utf-8") == "avant"
    assert [p.name for p in tmp_path.iterdir()] == ["item.md"]


# --- same day, same title: distinct files, stable forever ------------------------------


def _press_review(guid: str, text: str = "revue") -> FeedItem:
    """An item titled "Revue de presse" on 2024-01-01, as the feed reader names it."""
    return _item(
        1,
        guid=guid,
        link=guid,
        title="Revue de presse",
        slug="2024-01-01-revue-de-presse",
        content_html=f"<p>{text} {guid}</p>",
    )


def test_same_day_same_title_get_distinct_stable_files() -> None:
    a, b = _press_review("https://e.org/a"), _press_review("https://e.org/b")
    changed, report = merge([], [a, b])
    assert report.new == 2
    slugs = [item.slug for item in changed]
    assert slugs[0] == "2024-01-01-revue-de-presse"
    assert slugs[1] == f"2024-01-01-revue-de-presse-{distinct_slug('x', b.guid, {'x'})[2:]}"
    # Next run, the feed lists them in the other order: nothing moves.
    again, report = merge(changed, [b, a])
    assert again == [] and report.unchanged == 2


def test_a_newcomer_never_takes_a_stored_file() -> None:
    stored, _ = merge([], [_press_review("https://e.org/b")])
    changed, _ = merge(stored, [_press_review("https://e.org/a"), _press_review("https://e.org/b")])
    assert [item.slug for item in changed] == [
        distinct_slug(
            "2024-01-01-revue-de-presse", "https://e.org/a", {"2024-01-01-revue-de-presse"}
        )
    ]
    assert changed[0].slug != stored[0].slug


@given(
    st.lists(st.lists(st.integers(0, 9), max_size=8), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_files_stay_distinct_and_stable_over_runs(runs: list[list[int]], rng: Any) -> None:
    """Runs of a feed of items that all share a day and a title, in any order: every
    item gets one file, none shares it, and none ever changes file."""
    archive: dict[str, FeedItem] = {}  # file name → item
    file_of: dict[str, str] = {}  # guid → file name
    for run in runs:
        incoming = [_press_review(f"https://e.org/{n}") for n in dict.fromkeys(run)]
        rng.shuffle(incoming)
        changed, _ = merge(archive.values(), incoming)
        for item in changed:
            assert file_of.setdefault(item.guid, item.slug) == item.slug
            assert archive.get(item.slug, item).guid == item.guid  # no overwrite
            archive[item.slug] = item
    assert len(set(file_of.values())) == len(file_of)
    assert all(len(slug) <= 100 for slug in file_of.values())


# --- an update never throws half of an item's text away -------------------------------


LONG = "<p>" + "Un paragraphe complet de l'article. " * 20 + "</p>"


@pytest.mark.parametrize(
    ("new_html", "kept"),
    [
        ("", True),
        ("<p></p>", True),
        ("<p>Un paragraphe complet</p>", True),
        ("<p>" + "Un paragraphe complet de l'article. " * 9 + "</p>", True),
        ("<p>" + "Un paragraphe complet de l'article. " * 11 + "</p>", False),
        (LONG.replace("complet", "corrigé"), False),
    ],
)
def test_an_update_losing_more_than_half_the_text_is_refused(new_html: str, kept: bool) -> None:
    stored = _item(1, content_html=LONG)
    changed, report = merge([stored], [_item(1, content_html=new_html, title="Item 1 (maj)")])
    if kept:
        assert changed == [] and report.kept == (stored.slug,) and report.updated == 0
    else:
        assert [item.content_html for item in changed] == [new_html] and report.kept == ()


def test_an_untrusted_document_updates_nothing_and_adds_only_items_with_text() -> None:
    stored = [_item(1)]
    incoming = [_item(1, content_html="<p>texte 1 corrigé et plus long</p>"), _item(2),
                _item(3, content_html="<p> </p>")]  # fmt: skip
    changed, report = merge(stored, incoming, trusted=False)
    assert [item.slug for item in changed] == [_item(2).slug]
    assert report.kept == (_item(1).slug,) and (report.new, report.skipped) == (1, 1)


def test_a_cut_snapshot_updates_no_archived_item(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    snapshot = content / "flux.xml"
    data = (ROOT / "tests" / "fixtures" / "feeds" / "rss2_plain.xml").read_bytes()
    snapshot.write_bytes(data)
    feed = FeedConfig(id="f", title="F", url="https://example.org/feed/", snapshot=snapshot)
    assert ingest_snapshot(content, feed, now=T0).error == ""
    folder = content / "archive" / "f"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    # The same items, retitled, but the document stops before its end.
    snapshot.write_bytes(data.replace(b"<title>", b"<title>Nouveau : ")[: len(data) - 40])
    result = ingest_snapshot(content, feed, now=T1)
    assert "mal formé" in result.error and "« f »" in result.error
    assert result.report is not None and result.report.kept and result.report.updated == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
