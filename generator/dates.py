"""Parse the dates editors and feeds write, into timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, time
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

_FRENCH_RE = re.compile(
    r"^(?P<d>\d{1,2})(?:er)?\s+(?P<month>[a-zéû]+)\s+(?P<y>\d{4})"
    r"(?:\s+à\s+(?P<H>\d{1,2})[:h](?P<M>\d{2}))?$",
    re.IGNORECASE,
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
    """Parse a feed reader's French date line such as ``31 octobre 2024 à 05:10``.

    Raises:
        ValueError: The text is not such a date.
    """
    match = _FRENCH_RE.match(text.strip())
    if not match:
        raise ValueError(f"« {text} » n'est pas une date française")
    month = FRENCH_MONTHS.get(match["month"].lower())
    if month is None:
        raise ValueError(f"mois inconnu : « {match['month']} »")
    return datetime(
        int(match["y"]),
        month,
        int(match["d"]),
        int(match["H"] or 0),
        int(match["M"] or 0),
        tzinfo=PARIS,
    )


def format_french(value: datetime) -> str:
    """Format a date the French way: ``31 octobre 2024``."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTH_NAMES[value.month - 1]} {value.year}"
