"""JSON Feed 1.0/1.1 (``generator.veille.jsonfeed``), read through ``parse_feed`` like any feed.

Every ``tests/fixtures/jsonfeed/<case>.json`` is checked against
``<case>.expected.json``, with the keys of ``tests/test_feedreader.py`` plus
``categories``, ``summaries`` and ``slugs`` (exact values for the first items).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.errors import FeedError
from generator.models import FeedConfig, FeedItem
from generator.veille.feedreader import parse_feed
from generator.veille.jsonfeed import parse_json_feed

from .conftest import FIXTURES
from .test_feedreader import FEED, KNOWN_KEYS, NOW, check_expected, check_invariants

JSONFEEDS = FIXTURES / "jsonfeed"
CASES = sorted(p for p in JSONFEEDS.glob("*.json") if not p.name.endswith(".expected.json"))
EXTRA_FIELDS = {"categories": "categories", "summaries": "summary", "slugs": "slug"}


def _expected(case: Path) -> dict[str, Any]:
    path = case.with_name(case.stem + ".expected.json")
    expected: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return expected


def _values(items: list[FeedItem], name: str) -> list[Any]:
    return [list(v) if isinstance(v, tuple) else v for v in (getattr(i, name) for i in items)]


def test_fixtures_are_complete() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert set(_expected(case)) <= KNOWN_KEYS | set(EXTRA_FIELDS), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_json_feed_fixture(case: Path) -> None:
    expected = _expected(case)
    data = case.read_bytes()
    if "error" in expected:
        with pytest.raises(FeedError, match=expected["error"]) as caught:
            parse_feed(data, FEED, now=NOW)
        assert caught.value.feed_id == FEED.id
        assert "exemple" in str(caught.value)
        return
    items = parse_feed(data, FEED, now=NOW)
    assert items == parse_json_feed(data, FEED, now=NOW)
    check_invariants(items)
    check_expected(items, expected)
    for key, name in EXTRA_FIELDS.items():
        if key in expected:
            assert _values(items, name)[: len(expected[key])] == expected[key]


def test_summary_mode_keeps_the_summary_only() -> None:
    feed = FeedConfig(id="exemple", title="Exemple", url=FEED.url, content="summary")
    items = parse_json_feed((JSONFEEDS / "v1_0.json").read_bytes(), feed, now=NOW)
    assert items[0].content_html == "<p>Deux bibliothèques, un jeu de données.</p>"


@pytest.mark.parametrize(
    "data",
    [b"[1, 2]", b'{"version": 1.1, "items": []}', b'{"items": []}', b"{\xff}"],
    ids=["array", "number-version", "no-version", "not-utf8"],
)
def test_not_a_json_feed(data: bytes) -> None:
    with pytest.raises(FeedError, match="JSON Feed"):
        parse_json_feed(data, FEED, now=NOW)


def test_xml_feeds_still_go_to_feedparser() -> None:
    data = (FIXTURES / "feeds" / "rss2_plain.xml").read_bytes()
    assert parse_feed(data, FEED, now=NOW)
