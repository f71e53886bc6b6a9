"""Dates shown to readers are days in Paris, not in UTC."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.dates import MONTH_NAMES, PARIS, format_french, paris_day
from generator.content.loader import load_content
from generator.pages.build import generate
from generator.themes import catalog

from .conftest import ROOT

LATE = datetime(2022, 9, 13, 23, 30, tzinfo=UTC)
"""Late on the 13th in UTC: the 14th in Paris (UTC+2 in September)."""
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_a_late_utc_instant_is_the_next_day_in_paris() -> None:
    assert format_french(LATE) == "14 septembre 2022"
    assert paris_day(LATE).isoformat() == "2022-09-14"
    assert format_french(datetime(2024, 12, 31, 23, 0, tzinfo=UTC)) == "1er janvier 2025"
    # A naive datetime is Paris time already.
    assert format_french(datetime(2022, 9, 13, 23, 30)) == "13 septembre 2022"


@settings(max_examples=300, deadline=None)
@given(
    instant=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ),
    offset=st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_any_instant_shows_its_paris_day_whatever_its_zone(instant: datetime, offset: int) -> None:
    shown = format_french(instant.astimezone(timezone(timedelta(minutes=offset))))
    day = instant.astimezone(PARIS)
    assert shown == f"{'1er' if day.day == 1 else day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _meta(text: str) -> dict[str, object]:
    loaded = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(loaded, dict)
    return loaded


def test_item_pages_and_listings_show_the_paris_day() -> None:
    content = load_content(ROOT / "content")
    item = replace(content.items[0], published=LATE, first_seen=NOW)
    generated = generate(replace(content, items=(item,)), now=NOW)
    pages = {page.path: page.text or "" for page in generated.pages}
    page = pages[catalog.item_page(item.feed_id, item.slug)]
    assert _meta(page)["date"] == "2022-09-14"
    assert "14 septembre 2022" in page and "13 septembre 2022" not in page
    listings = [
        text
        for path, text in pages.items()
        if item.slug in text and path != catalog.item_page(item.feed_id, item.slug)
    ]
    assert len(listings) >= 2  # the feed's page, the home page, the item's tags
    for text in listings:
        assert "14 septembre 2022" in text and "13 septembre 2022" not in text


def test_post_dates_are_given_to_material_in_paris_time() -> None:
    content = load_content(ROOT / "content")
    post = replace(content.posts[0], date=datetime(2023, 3, 20, 23, 30, tzinfo=UTC), lastmod=None)
    generated = generate(replace(content, posts=(post,)), now=NOW)
    page = next(p for p in generated.pages if p.path == catalog.post_page(post.slug))
    created = _meta(page.text or "")["date"]["created"]  # type: ignore[index]
    assert created == post.date and created.utcoffset() == timedelta(hours=1)
    assert created.date().isoformat() == "2023-03-21"
