"""French dates in feeds and e-mails are read, an unreadable date is reported.

Feeds go through the real feedparser (``parse_feed`` on feed bytes), with the French date
handler the reader registers; ``tests/fixtures/feeds/french_dates.xml`` holds examples
taken from real French feeds.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.dates import FRENCH_WEEKDAYS, MONTH_NAMES, PARIS, parse_french_date
from generator.models import FeedConfig
from generator.veille.dump import parse_dump
from generator.veille.feedreader import parse_feed
from generator.veille.importers import read_letter

from .conftest import FIXTURES

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig(id="exemple", title="Exemple", url="https://example.org/feed/")


def _rss(*dates: str | None) -> bytes:
    items = "".join(
        f"<item><title>Billet {n}</title><link>https://example.org/{n}</link>"
        + (f"<pubDate>{date}</pubDate>" if date is not None else "")
        + "</item>"
        for n, date in enumerate(dates)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>E</title>'
        f"<link>https://example.org/</link><description>d</description>{items}</channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mar., 13 sept. 2022 16:41:30 +0000", datetime(2022, 9, 13, 16, 41, 30, tzinfo=UTC)),
        ("13 septembre 2022", datetime(2022, 9, 13, tzinfo=PARIS)),
        ("mardi 13 septembre 2022 16:41", datetime(2022, 9, 13, 16, 41, tzinfo=PARIS)),
        ("MARDI 13 SEPTEMBRE 2022 À 16H41", datetime(2022, 9, 13, 16, 41, tzinfo=PARIS)),
        ("1er févr. 2023 à 9h30", datetime(2023, 2, 1, 9, 30, tzinfo=PARIS)),
        ("31 octobre 2024 à 05:10", datetime(2024, 10, 31, 5, 10, tzinfo=PARIS)),
        ("jeu 1 dec 22 08:00 GMT", datetime(2022, 12, 1, 8, tzinfo=UTC)),
        ("ven. 3 mars 2023 10:00 CET", datetime(2023, 3, 3, 9, tzinfo=UTC)),
        ("sam. 15 juil. 2023 10:00:00 +02:00", datetime(2023, 7, 15, 8, tzinfo=UTC)),
        ("13\u00a0sept.\u202f2022", datetime(2022, 9, 13, tzinfo=PARIS)),
    ],
)
def test_french_dates_are_parsed(text: str, expected: datetime) -> None:
    assert parse_french_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tue, 13 Sep 2022 16:41:30 +0000",  # English: feedparser's own readers
        "2022-09-13T16:41:30Z",
        "la semaine dernière",
        "31 avril 2024",
        "13 brumaire 2022",
        "13 sept. 2022 16:41 PST",
        "",
    ],
)
def test_what_is_not_a_french_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_french_date(text)


def test_the_reader_dump_dates_still_parse() -> None:
    dump = "Un titre\n31 octobre 2024 à 05:10\nLe texte.\n"
    (article,) = parse_dump(dump)
    assert article.published == datetime(2024, 10, 31, 5, 10, tzinfo=PARIS)


def test_french_feed_dates_are_read_from_real_bytes() -> None:
    data = (FIXTURES / "feeds" / "french_dates.xml").read_bytes()
    items = parse_feed(data, FEED, now=NOW)
    assert all(item.published != NOW for item in items)
    assert items[0].published == datetime(2022, 9, 13, 16, 41, 30, tzinfo=UTC)


def test_an_unreadable_date_is_reported_with_the_feed_and_the_raw_date(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="generator.feeds"):
        items = parse_feed(
            _rss("la semaine dernière", None, "Tue, 13 Sep 2022 16:41:30 GMT"), FEED, now=NOW
        )
    assert [item.published for item in items[:2]] == [NOW, NOW]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1, messages
    assert "« exemple »" in messages[0] and "« la semaine dernière »" in messages[0]
    assert "Billet 0" in messages[0]


def test_a_missing_date_stays_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="generator.feeds"):
        (item,) = parse_feed(_rss(None), FEED, now=NOW)
    assert item.published == NOW and not caplog.records


# --- the French way of writing any instant, read back through feedparser -------------

_ABBREVIATIONS = [
    "janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc",
]  # fmt: skip
_UNACCENTED = {"février": "fevrier", "août": "aout", "décembre": "decembre", "févr": "fevr"}
_ZONES: list[tuple[str, tzinfo]] = [
    ("", PARIS),
    (" +0000", UTC),
    (" GMT", UTC),
    (" UTC", UTC),
    (" +0200", timezone(timedelta(hours=2))),
    (" -05:00", timezone(timedelta(hours=-5))),
    (" +0530", timezone(timedelta(hours=5, minutes=30))),
]


@st.composite
def french_dates(draw: st.DrawFn) -> tuple[str, datetime]:
    """A date written the French way, and the instant it stands for."""
    local = draw(
        st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31))
    ).replace(microsecond=0)
    weekday = FRENCH_WEEKDAYS[local.weekday()]
    weekday = draw(st.sampled_from(["", weekday, weekday[:3], weekday[:3] + "."]))
    if weekday:
        weekday += draw(st.sampled_from([" ", ", "]))
    day = draw(st.sampled_from(["1er" if local.day == 1 else str(local.day), f"{local.day:02d}"]))
    short = _ABBREVIATIONS[local.month - 1]
    month = draw(st.sampled_from([MONTH_NAMES[local.month - 1], short + ".", short]))
    if draw(st.booleans()):
        month = _UNACCENTED.get(month.rstrip("."), month.rstrip(".")) + (
            "." if month.endswith(".") else ""
        )
    time_style = draw(st.sampled_from(["", "hm", "hms", "à h", "à :"]))
    clock = {
        "": "",
        "hm": f" {local:%H:%M}",
        "hms": f" {local:%H:%M:%S}",
        "à h": f" à {local.hour}h{local:%M}",
        "à :": f" à {local:%H:%M}",
    }[time_style]
    if time_style in ("", "hm", "à h", "à :"):
        local = local.replace(second=0)
    if not time_style:
        local = local.replace(hour=0, minute=0)
    zone_text, zone = draw(st.sampled_from(_ZONES))
    text = f"{weekday}{day} {month} {local.year}{clock}{zone_text}"
    if draw(st.booleans()):
        text = text.upper() if draw(st.booleans()) else text.capitalize()
    return text, local.replace(tzinfo=zone)


@settings(max_examples=300, deadline=None)
@given(french_dates())
def test_any_instant_written_the_french_way_is_read_back(case: tuple[str, datetime]) -> None:
    text, instant = case
    assert parse_french_date(text) == instant
    (item,) = parse_feed(_rss(text), FEED, now=NOW)
    assert item.published == instant, text


# --- JSON Feed and e-mail --------------------------------------------------------------


def _json_feed(*dates: str | None) -> bytes:
    items = [
        {"id": str(n), "url": f"https://example.org/{n}", "title": f"Billet {n}"}
        | ({"date_published": date} if date is not None else {})
        for n, date in enumerate(dates)
    ]
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "E", "items": items}
    return json.dumps(document).encode()


def test_json_feed_dates_in_french_are_read_and_unreadable_ones_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = _json_feed("mar., 13 sept. 2022 16:41:30 +0000", "bientôt", None)
    with caplog.at_level(logging.WARNING, logger="generator.feeds"):
        french, unreadable, missing = parse_feed(data, FEED, now=NOW)
    assert french.published == datetime(2022, 9, 13, 16, 41, 30, tzinfo=UTC)
    assert unreadable.published == missing.published == NOW
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "« exemple »" in messages[0] and "« bientôt »" in messages[0]


def _eml(tmp_path: Path, date: str) -> Path:
    path = tmp_path / "lettre.eml"
    path.write_bytes(
        (
            f"From: Lettre <l@example.org>\r\nSubject: La lettre\r\nDate: {date}\r\n"
            "Message-ID: <1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            "Bonjour.\r\n"
        ).encode()
    )
    return path


def test_email_date_headers_in_french_are_read(tmp_path: Path) -> None:
    letter = read_letter(_eml(tmp_path, "mar., 13 sept. 2022 16:41:30 +0200"))
    assert letter.published == datetime(2022, 9, 13, 14, 41, 30, tzinfo=UTC)


def test_an_unreadable_email_date_is_reported_with_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="generator.import"):
        letter = read_letter(_eml(tmp_path, "un beau matin"))
    assert letter.published is None
    (record,) = caplog.records
    assert "lettre.eml" in record.getMessage() and "« un beau matin »" in record.getMessage()
