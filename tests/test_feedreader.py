"""Fixture-driven tests of the feed reader (``generator.veille.feedreader``) and its sanitizers.

Every ``tests/fixtures/feeds/<case>.xml`` is parsed with the real feedparser by
:func:`generator.veille.feedreader.parse_feed` and checked against
``tests/fixtures/feeds/<case>.expected.json``, an object whose keys are all optional:

``error``
    A regular expression: ``parse_feed`` must raise ``FeedError`` whose message matches
    it (``re.search``). Only ``max_seconds`` and ``xfail`` still apply.
``count``
    The exact number of items.
``titles``, ``links``, ``authors``, ``guids``, ``contents``
    The exact values of that field (``contents``: ``content_html``) for the first
    ``len(list)`` items, in feed order (fewer values than items checks a prefix: a
    truncated feed need not pin its tail).
``published``
    The same, as ISO 8601 datetimes compared in UTC; ``"now"`` stands for the ``now``
    given to ``parse_feed``.
``contains``
    ``{field: [substring, ...]}``: each substring occurs in that field of every item.
``absent``
    ``[substring, ...]``: no substring occurs, case-insensitively, in any text field
    (title, link, guid, author, summary, categories, content_html, slug) of any item.
``capped``
    ``[field, ...]``: on every item that field was cut at its limit (``MAX_TITLE``,
    ``MAX_AUTHOR`` or ``MAX_SUMMARY``): at most that long, at most 10 characters
    shorter (a blank at the cut is dropped) and ending with "…".
``max_seconds``
    Time budget for the parse (``time.perf_counter``); 5 seconds when absent.
``xfail``
    The reason a known generator bug makes the case fail: it is marked
    ``pytest.mark.xfail(strict=True)``, so fixing the bug makes it pass loudly.

Whatever the fixture, a successful parse must also hold the invariants of
:func:`check_invariants`: no control characters, fields within their limits, links
empty or absolute http(s), unique GUIDs, and ``content_html`` made only of allowed tags
and attributes, whose URLs are http(s), mailto or empty.

The feed subscription is always ``FeedConfig(url="https://example.org/feed/")``, the
base against which relative links are resolved.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import FrozenInstanceError, fields
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.errors import FeedError
from generator.html_text import html_to_line
from generator.models import FeedConfig, FeedItem
from generator.veille.feedreader import parse_feed, read_feed
from generator.veille.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    MAX_AUTHOR,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_html,
    clean_text,
    safe_url,
)

from .conftest import FIXTURES, ROOT

FEEDS = FIXTURES / "feeds"
CASES = sorted(FEEDS.glob("*.xml"))
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig(id="exemple", title="Exemple", url="https://example.org/feed/")
LIMITS = {"title": MAX_TITLE, "author": MAX_AUTHOR, "summary": MAX_SUMMARY}
EXACT_FIELDS = {
    "titles": "title",
    "links": "link",
    "authors": "author",
    "guids": "guid",
    "contents": "content_html",
}
KNOWN_KEYS = {
    "error",
    "count",
    *EXACT_FIELDS,
    "published",
    "contains",
    "absent",
    "capped",
    "max_seconds",
    "xfail",
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
URL_ATTRIBUTES = {"href", "src"}


def load_expected(case: Path) -> dict[str, Any]:
    """The expectations that sit beside a fixture."""
    expected_path = case.with_suffix(".expected.json")
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    return expected


def case_params() -> list[Any]:
    params = []
    for case in CASES:
        reason = load_expected(case).get("xfail")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=case.stem, marks=marks))
    return params


def text_fields(item: FeedItem) -> list[str]:
    return [
        item.title,
        item.link,
        item.guid,
        item.author,
        item.summary,
        item.content_html,
        item.slug,
        *item.categories,
    ]


class _TagCollector(HTMLParser):
    """Records the start tags, attributes and comments of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def check_html(html: str) -> None:
    """Only allowed tags and attributes; URLs http(s), mailto or empty."""
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    assert not collector.comments, html
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {html!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert name in allowed, f"{name}= on <{tag}> in {html!r}"
            if name in URL_ATTRIBUTES and value:
                # What a browser would see: entities decoded, blanks and controls ignored.
                url = re.sub(r"[\x00-\x20]", "", value)
                scheme = urlsplit(url).scheme.lower()
                assert scheme in {"http", "https", "mailto"}, f"{name}={value!r}"


def check_invariants(items: list[FeedItem]) -> None:
    """What holds for the items of any feed, however hostile."""
    assert items, "a feed that parses yields at least one item"
    guids = [item.guid for item in items]
    assert all(guids), guids
    assert len(set(guids)) == len(guids), guids
    for item in items:
        assert item.feed_id == FEED.id
        assert item.first_seen == NOW
        assert item.published.tzinfo is not None
        assert item.title
        for text in text_fields(item):
            assert not CONTROL.search(text), repr(text)
        for name, limit in LIMITS.items():
            assert len(getattr(item, name)) <= limit, name
        assert all(len(category) <= MAX_AUTHOR for category in item.categories)
        assert item.link == "" or (
            safe_url(item.link) == item.link and item.link.startswith(("http://", "https://"))
        ), item.link
        check_html(item.content_html)


def check_expected(items: list[FeedItem], expected: dict[str, Any]) -> None:
    """The fixture's own expectations (see the module docstring)."""
    if "count" in expected:
        assert len(items) == expected["count"], [item.title for item in items]
    for key, name in EXACT_FIELDS.items():
        if key in expected:
            wanted = expected[key]
            assert len(items) >= len(wanted)
            assert [getattr(item, name) for item in items[: len(wanted)]] == wanted
    if "published" in expected:
        wanted_dates = [
            NOW if value == "now" else datetime.fromisoformat(value)
            for value in expected["published"]
        ]
        assert len(items) >= len(wanted_dates)
        got = [item.published.astimezone(UTC) for item in items[: len(wanted_dates)]]
        assert got == wanted_dates
    for name, substrings in expected.get("contains", {}).items():
        for item in items:
            for substring in substrings:
                assert substring in getattr(item, name), (name, substring, getattr(item, name))
    for substring in expected.get("absent", []):
        for item in items:
            for text in text_fields(item):
                assert substring.lower() not in text.lower(), (substring, text)
    for name in expected.get("capped", []):
        for item in items:
            value = getattr(item, name)
            assert LIMITS[name] - 10 <= len(value) <= LIMITS[name], (name, len(value))
            assert value.endswith("…"), value[-20:]


def test_fixtures_are_complete() -> None:
    """Every fixture has its expectations, with known keys only, and vice versa."""
    assert len(CASES) >= 20
    for case in CASES:
        expected = load_expected(case)
        assert set(expected) <= KNOWN_KEYS, (case.name, set(expected) - KNOWN_KEYS)
    orphans = {
        path.name.removesuffix(".expected.json") for path in FEEDS.glob("*.expected.json")
    } - {case.stem for case in CASES}
    assert not orphans


@pytest.mark.parametrize("case", case_params())
def test_feed_fixture(case: Path) -> None:
    expected = load_expected(case)
    data = case.read_bytes()
    started = time.perf_counter()
    if "error" in expected:
        with pytest.raises(FeedError, match=expected["error"]) as caught:
            parse_feed(data, FEED, now=NOW)
        assert caught.value.feed_id == FEED.id
        items: list[FeedItem] = []
    else:
        items = parse_feed(data, FEED, now=NOW)
    elapsed = time.perf_counter() - started
    assert elapsed < expected.get("max_seconds", 5), f"{elapsed:.2f} s"
    if "error" in expected:
        return
    check_invariants(items)
    check_expected(items, expected)


def test_framablog_snapshot() -> None:
    """The real snapshot shipped with the site."""
    feed = FeedConfig(id="framablog", title="Framablog", url="https://framablog.org/feed/")
    data = (ROOT / "content" / "feeds" / "framablog.xml").read_bytes()
    items = parse_feed(data, feed, now=NOW)
    assert len(items) == 7
    for item in items:
        assert item.feed_id == "framablog"
        assert item.title
        assert item.link.startswith("https://framablog.org/"), item.link
        assert safe_url(item.link) == item.link
        assert item.published < NOW, "every item carries its own date"
        assert item.published.tzinfo is not None
        assert item.content_html.strip()
        check_html(item.content_html)
        assert not CONTROL.search(item.title + item.content_html)
    assert sum(1 for item in items if not item.author) == 1
    assert len({item.guid for item in items}) == 7
    assert len({item.slug for item in items}) == 7


@pytest.mark.parametrize(
    "data",
    [
        b"/etc/passwd",
        b"file:///etc/passwd",
        str(ROOT / "content" / "feeds" / "framablog.xml").encode(),
        (ROOT / "content" / "feeds" / "framablog.xml").as_uri().encode(),
    ],
    ids=["etc-passwd", "file-uri", "snapshot-path", "snapshot-uri"],
)
def test_bytes_are_never_taken_for_a_path(data: bytes) -> None:
    """feedparser opens paths and URLs given as strings; parse_feed must not let it."""
    with pytest.raises(FeedError) as caught:
        parse_feed(data, FEED, now=NOW)
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", b"\xef\xbb\xbf"])
def test_blank_documents(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data, FEED, now=NOW)


def test_summary_mode_uses_the_summary() -> None:
    """``content: summary`` publishes the feed's summary, not its full content."""
    feed = FeedConfig(id="exemple", title="Exemple", url=FEED.url, content="summary")
    items = parse_feed((FEEDS / "rss2_plain.xml").read_bytes(), feed, now=NOW)
    assert items[0].content_html.startswith("Résumé du <em>premier</em> billet")
    assert "Bonjour" not in items[0].content_html


def test_item_ids_and_frozen_values() -> None:
    items = parse_feed((FEEDS / "rss2_plain.xml").read_bytes(), FEED, now=NOW)
    assert [item.item_id for item in items] == [
        "exemple/2024-07-01-premier-billet-l-ete",
        "exemple/2024-06-15-second-billet",
    ]
    with pytest.raises(FrozenInstanceError):
        items[0].title = "autre"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        FEED.url = "https://evil.example/"  # type: ignore[misc]
    assert {f.name for f in fields(FeedItem)} >= {"guid", "title", "link", "content_html"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("  http://example.org/a  ", "http://example.org/a"),
        ("HTTPS://example.org/", "HTTPS://example.org/"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("java\x00script:alert(1)", ""),
        ("data:text/html,x", ""),
        ("file:///etc/passwd", ""),
        ("mailto:a@example.org", ""),
        ("/relative", ""),
        ("//example.org/x", ""),
        ("https://", ""),
        ("http://[::1", ""),
        ("", ""),
    ],
)
def test_safe_url(url: str, expected: str) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt&#58;alert(1)">x</a>',
        '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<img src="https://example.org/x.png" onerror="alert(1)">',
        "<script>alert(1)</script>",
        '<svg onload="alert(1)"></svg>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<iframe src="https://evil.example/"></iframe>',
        '<form action="https://evil.example/"><input></form>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_clean_html_removes_attacks(html: str) -> None:
    cleaned = clean_html(html)
    check_html(cleaned)
    for needle in ("alert", "javascript", "script", "evil.example", "style", "<!--"):
        assert needle not in cleaned.lower(), cleaned


def test_clean_html_keeps_content_and_adds_rel() -> None:
    cleaned = clean_html('<p>Un <a href="https://example.org/">lien</a>\x1b</p>')
    assert cleaned == (
        '<p>Un <a href="https://example.org/" rel="noopener noreferrer nofollow">lien</a></p>'
    )


def test_clean_text_strips_collapses_and_caps() -> None:
    assert clean_text(" a\x1b\x07b \n\t c ", limit=10) == "ab c"
    capped = clean_text("mot " * 100, limit=20)
    assert len(capped) <= 20
    assert capped.endswith("…")
    assert clean_text("<script>x</script>", limit=50) == "<script>x</script>"


def test_html_to_line() -> None:
    text = html_to_line("<p>A &amp; B <script>alert(1)</script><b>gras</b></p>", limit=100)
    assert text == "A & B gras"
    assert html_to_line("<p>" + "x" * 5000 + "</p>", limit=MAX_SUMMARY).endswith("…")


def test_latin1_declared_utf8_is_accepted_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = (FEEDS / "latin1_declared_utf8.xml").read_bytes()
    feed = FeedConfig(id="latin", title="Latin", url="https://example.org/feed/")
    with caplog.at_level(logging.WARNING, logger="generator.feeds"):
        items = parse_feed(data, feed, now=datetime(2024, 1, 1, tzinfo=UTC))
    assert items
    assert "flux « latin » accepté malgré" in caplog.text


# --- malformed documents (feedparser's "bozo") -------------------------------------------


def test_a_cut_document_is_malformed_and_its_cut_entry_left_out() -> None:
    parsed = read_feed((FEEDS / "truncated.xml").read_bytes(), FEED, now=NOW)
    assert "unclosed CDATA" in parsed.malformed
    assert [item.title for item in parsed.items] == ["Billet complet"]  # "Billet coupé" is cut


@pytest.mark.parametrize(
    ("name", "malformed"),
    [
        ("rss2_plain.xml", ""),
        ("atom10.xml", ""),
        ("latin1_declared_utf8.xml", ""),  # an encoding note: the text is whole
        ("utf8_no_declaration_nbsp.xml", "undefined entity"),
        ("control_chars.xml", "not well-formed"),
    ],
)
def test_malformed_verdict(name: str, malformed: str) -> None:
    parsed = read_feed((FEEDS / name).read_bytes(), FEED, now=NOW)
    assert parsed.items == parse_feed((FEEDS / name).read_bytes(), FEED, now=NOW)
    assert (malformed in parsed.malformed) if malformed else parsed.malformed == ""


def test_a_whole_but_malformed_document_keeps_its_last_entry() -> None:
    data = (FEEDS / "rss2_plain.xml").read_bytes()
    broken = data.replace(b"</title>", b"&nbsp;</title>", 2)
    parsed = read_feed(broken, FEED, now=NOW)
    assert parsed.malformed and len(parsed.items) == len(parse_feed(data, FEED, now=NOW))


@given(st.sampled_from(["rss2_plain.xml", "atom10.xml", "rss10_rdf.xml"]), st.integers(0, 10**6))
@settings(max_examples=150, deadline=None)
# Found by this test: a cut inside "’" made feedparser read the whole rest as cp1252.
@example(name="rss10_rdf.xml", cut=71474)
def test_a_document_cut_anywhere_never_yields_a_cut_item(name: str, cut: int) -> None:
    """Whatever byte the download stops at, the items read are those of the whole
    document (same text), never one whose text was cut."""
    data = (FEEDS / name).read_bytes()
    whole = {item.guid: item for item in parse_feed(data, FEED, now=NOW)}
    prefix = data[: cut % len(data)]
    try:
        parsed = read_feed(prefix, FEED, now=NOW)
    except FeedError:
        return
    for item in parsed.items:
        if parsed.malformed or prefix != data:
            assert item.guid in whole
            assert item.content_html == whole[item.guid].content_html
            assert item.title == whole[item.guid].title
