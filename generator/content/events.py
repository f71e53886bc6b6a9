"""Wowchemy's events and talks: their front matter, their dates in French, their box.

Pure. An event page (``event/`` or ``talk/``) says when (``date``, ``date_end``,
``all_day``), where (``location``, ``address``) and at what (``event``, ``event_url``)
it took place; :func:`event_box` shows it on the page, :func:`event_line` in listings
and feeds.
"""

from __future__ import annotations

from datetime import datetime, time
from html import escape
from pathlib import Path
from typing import Any

from generator.content.dates import paris_time, parse_date
from generator.errors import ContentError
from generator.models import Address, EventInfo

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_ADDRESS_KEYS = ("street", "city", "region", "postcode", "country")


def _text(meta: dict[str, Any], key: str, path: Path) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list, bool)):
        raise ContentError(path, f"un texte est attendu, pas {type(value).__name__}", key=key)
    return str(value).strip()


def parse_address(value: Any, path: Path) -> Address | None:
    """Wowchemy's ``address``: a mapping (street, city, region, postcode, country), or
    one line of text (kept as the street)."""
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        return Address(street=value.strip())
    if not isinstance(value, dict):
        raise ContentError(
            path, "une adresse (street, city, postcode…) est attendue", key="address"
        )
    parts = {}
    for key in _ADDRESS_KEYS:
        part = value.get(key)
        if isinstance(part, (dict, list, bool)):
            raise ContentError(path, "un texte est attendu", key=f"address.{key}")
        parts[key] = "" if part is None else str(part).strip()
    return Address(**parts)


def parse_event(meta: dict[str, Any], path: Path) -> EventInfo:
    """The event's details from the front matter of an ``event/`` or ``talk/`` page.

    Raises:
        ContentError: A key of the wrong type, or an invalid ``date_end``.
    """
    end = meta.get("date_end")
    end_date = None
    if end not in (None, ""):
        try:
            end_date = parse_date(end)
        except ValueError as err:
            raise ContentError(path, f"date invalide : {err}", key="date_end") from err
    all_day = meta.get("all_day", False)
    if not isinstance(all_day, bool):
        raise ContentError(path, f"true ou false est attendu, pas « {all_day} »", key="all_day")
    return EventInfo(
        name=_text(meta, "event", path) or _text(meta, "event_short", path),
        url=_text(meta, "event_url", path),
        location=_text(meta, "location", path),
        address=parse_address(meta.get("address"), path),
        abstract=_text(meta, "abstract", path),
        end=end_date,
        all_day=all_day,
    )


def _day(value: datetime, *, month: bool = True, year: bool = True) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    parts = [day]
    if month:
        parts.append(MONTHS[value.month - 1])
    if year:
        parts.append(str(value.year))
    return " ".join(parts)


def _clock(value: datetime) -> str:
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def date_range(start: datetime, end: datetime | None = None, *, all_day: bool = False) -> str:
    """The dates of an event in French, in Paris time: ``12 mars 2024``, ``12 mars 2024,
    de 14 h à 17 h 30``, ``du 12 au 14 mars 2024``, ``du 30 mars au 2 avril 2024``…

    A time is shown only on a one-day event that is not ``all_day`` and does not start
    at midnight (a date without a time).
    """
    start = paris_time(start)
    end = paris_time(end) if end is not None else None
    if end is None or end <= start or end.date() == start.date():
        text = _day(start)
        if all_day or start.time() == time():
            return text
        if end is not None and end > start:
            return f"{text}, de {_clock(start)} à {_clock(end)}"
        return f"{text}, {_clock(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"du {_day(start, month=False, year=False)} au {_day(end)}"
    if start.year == end.year:
        return f"du {_day(start, year=False)} au {_day(end)}"
    return f"du {_day(start)} au {_day(end)}"


def place(info: EventInfo) -> str:
    """Where the event takes place, on one line: its location, then its address."""
    address = info.address.text() if info.address else ""
    parts = [info.location] + ([address] if address and address != info.location else [])
    return " — ".join(part for part in parts if part)


def event_line(start: datetime, info: EventInfo) -> str:
    """One line for listings and feeds: ``du 12 au 14 mars 2024 · Paris · Journées X``."""
    parts = [date_range(start, info.end, all_day=info.all_day), place(info), info.name]
    return " · ".join(part for part in parts if part)


def _safe_url(url: str) -> bool:
    return url.startswith(("https://", "http://", "/"))


def event_box(start: datetime, info: EventInfo) -> str:
    """The event's box on its page (HTML, an admonition of the theme): dates, place,
    and the event with its link."""
    rows = [("Date", escape(date_range(start, info.end, all_day=info.all_day)))]
    where = place(info)
    if where:
        rows.append(("Lieu", escape(where)))
    if info.name or info.url:
        name = escape(info.name or info.url)
        if info.url and _safe_url(info.url):
            name = f'<a href="{escape(info.url, quote=True)}">{name}</a>'
        rows.append(("Événement", name))
    body = "".join(f"<p><strong>{label} :</strong> {value}</p>\n" for label, value in rows)
    return (
        '<div class="admonition info infolettre-event">\n'
        '<p class="admonition-title">L\'événement</p>\n'
        f"{body}</div>"
    )
