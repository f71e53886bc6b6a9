"""Parse the dates editors and feeds write, into timezone-aware datetimes."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
"""Dates written without a timezone are read as Paris time: the network is French."""

_DATE_RE = re.compile(
    r"""^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})
        (?:[Tt\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6})\d*)?)?)?
        \s*(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?$""",
    re.VERBOSE,
)

FRENCH_MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip

FRENCH_MONTH_ABBREVIATIONS = {
    "janv": 1, "jan": 1, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "mar": 3, "avr": 4,
    "juil": 7, "aoû": 8, "aou": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "déc": 12,
    "dec": 12,
}  # fmt: skip
"""Abbreviations of month names (with or without a final dot), beside the full names of
:data:`FRENCH_MONTHS`, which stand for themselves (``mars``, ``mai``, ``juin``, ``août``)."""
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_WEEKDAY_NAMES = frozenset(FRENCH_WEEKDAYS) | {name[:3] for name in FRENCH_WEEKDAYS}
_ZONES = {"z": 0, "ut": 0, "utc": 0, "gmt": 0, "cet": 60, "cest": 120}
"""Zone names, with their offset in minutes."""

_FRENCH_RE = re.compile(
    r"""^(?:(?P<weekday>[a-zéû]+)\.?,?\s+)?
        (?P<d>\d{1,2})(?:er)?\s+
        (?P<month>[a-zéû]+)\.?,?\s+
        (?P<y>\d{4}|\d{2})
        (?:,?\s+(?:à\s+)?(?P<H>\d{1,2})
            (?:\s*:\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2})(?:[.,]\d+)?)?|\s*h\s*(?P<HM>\d{2})?))?
        (?:\s*(?P<tz>[+-]\d{2}:?\d{2}|[a-z]+))?$""",
    re.VERBOSE,
)


def parse_date(value: object) -> datetime:
    """Parse a front-matter date into an aware datetime.

    Accepts ``date``/``datetime`` objects and ISO-like strings with or without a time
    and a timezone (``2023-03-20``, ``2024-01-05 10:00``, ``2023-03-20T00:00:00Z``,
    ``2023-03-20T10:00:00+02:00``). Naive values are read as Paris time.

    Args:
        value: The raw value from YAML.

    Returns:
        A timezone-aware datetime.

    Raises:
        ValueError: The value is not a date, or not a real day (``2024-02-30``).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=PARIS)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=PARIS)
    if not isinstance(value, str):
        raise ValueError(f"une date est attendue, pas {type(value).__name__}")
    text = value.strip()
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"« {text} » n'est pas une date (attendu : AAAA-MM-JJ[THH:MM[:SS]][Z])")
    parts = match.groupdict()
    fraction = (parts["f"] or "0").ljust(6, "0")
    # datetime() itself rejects impossible days such as 2024-02-30.
    result = datetime(
        int(parts["y"]),
        int(parts["m"]),
        int(parts["d"]),
        int(parts["H"] or 0),
        int(parts["M"] or 0),
        int(parts["S"] or 0),
        int(fraction),
    )
    tz = parts["tz"]
    if tz is None:
        return result.replace(tzinfo=PARIS)
    iso = result.isoformat() + ("+00:00" if tz in "Zz" else tz[:3] + ":" + tz[-2:])
    return datetime.fromisoformat(iso)


def parse_french_date(text: str) -> datetime:
    """Parse a date written in French, as feeds, e-mails and feed readers write them.

    The day, the month's name and the year are required; the weekday, the time and the
    zone are optional: ``31 octobre 2024 à 05:10``, ``13 septembre 2022``,
    ``mar., 13 sept. 2022 16:41:30 +0000``, ``mardi 13 septembre 2022 16:41``,
    ``1er févr. 2023 à 9h30``, ``jeu 1 dec 22 08:00 GMT``. Names may be abbreviated, with
    or without a dot, capitalized or not, accented or not; the weekday is not checked
    against the date. Without a zone the time is Paris time.

    Raises:
        ValueError: The text is not such a date, or not a real day (``31 avril 2024``).
    """
    folded = " ".join(unicodedata.normalize("NFC", text).lower().split())
    match = _FRENCH_RE.match(folded)
    if not match:
        raise ValueError(f"« {text} » n'est pas une date française")
    if match["weekday"] and match["weekday"] not in _WEEKDAY_NAMES:
        raise ValueError(f"jour inconnu : « {match['weekday']} »")
    name = match["month"]
    month = FRENCH_MONTHS.get(name) or FRENCH_MONTH_ABBREVIATIONS.get(name)
    if month is None:
        raise ValueError(f"mois inconnu : « {name} »")
    tz = match["tz"]
    zone: tzinfo = PARIS
    if tz is not None:
        if tz[0] in "+-":
            minutes = int(tz[1:3]) * 60 + int(tz[-2:])
            zone = timezone(timedelta(minutes=-minutes if tz[0] == "-" else minutes))
        elif tz in _ZONES:
            zone = timezone(timedelta(minutes=_ZONES[tz]))
        else:
            raise ValueError(f"fuseau inconnu : « {tz} »")
    year = int(match["y"])
    if len(match["y"]) == 2:
        year += 2000 if year < 70 else 1900
    try:
        # datetime() itself rejects impossible days and hours.
        return datetime(
            year,
            month,
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or match["HM"] or 0),
            int(match["S"] or 0),
            tzinfo=zone,
        )
    except ValueError as err:
        raise ValueError(f"« {text} » n'est pas une date réelle ({err})") from err


def format_french(value: datetime | date) -> str:
    """Format a date the French way, as a reader in Paris sees it: ``31 octobre 2024``.

    An aware datetime is first brought to Paris time (``2022-09-13T23:30:00Z`` is the
    14th); a naive one or a date is taken as it is.
    """
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = paris_time(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTH_NAMES[value.month - 1]} {value.year}"


def paris_day(value: datetime) -> date:
    """The day ``value`` falls on in Paris (a naive datetime is Paris time already)."""
    return paris_time(value).date()


def paris_time(value: datetime) -> datetime:
    """``value`` in Paris time (a naive datetime is Paris time already)."""
    return value.astimezone(PARIS) if value.tzinfo is not None else value.replace(tzinfo=PARIS)
