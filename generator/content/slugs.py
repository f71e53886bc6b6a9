"""Stable, readable slugs: accents folded, anything else turned into hyphens."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Container
from datetime import datetime

from generator.content.dates import PARIS

_SPECIAL = {"#": "sharp", "+": "plus", "&": "et", "@": "at"}


def fold(text: str) -> str:
    """Lower-case ``text`` and remove accents (``Événement`` → ``evenement``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str, *, max_length: int = 80) -> str:
    """Return a URL slug for ``text``.

    Symbols that carry meaning in tag names are spelled out, so ``C#``, ``C++`` and
    ``C`` get distinct slugs. A text with no usable character gets a short hash.
    """
    spelled = "".join(f"-{_SPECIAL[c]}-" if c in _SPECIAL else c for c in text)
    folded = fold(spelled).replace("’", "-").replace("'", "-")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    if not slug:
        slug = "x-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return slug


def item_slug(published: datetime, title: str) -> str:
    """File name of an archived item: its day (Paris time), then its title."""
    return f"{published.astimezone(PARIS):%Y-%m-%d}-{slugify(title, max_length=60)}"


def distinct_slug(slug: str, guid: str, taken: Container[str]) -> str:
    """``slug``, or if it is ``taken``, ``slug`` followed by a short digest of ``guid``
    (longer if need be): the same item always gets the same name. Pure."""
    if slug not in taken:
        return slug
    digest = hashlib.sha256(guid.encode("utf-8")).hexdigest()
    for size in (8, 16, 64):
        candidate = f"{slug}-{digest[:size]}"
        if candidate not in taken:
            return candidate
    number = 2
    while f"{slug}-{digest}-{number}" in taken:
        number += 1
    return f"{slug}-{digest}-{number}"
