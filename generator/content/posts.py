"""Read Hugo/Wowchemy infolettre posts: front matter mapped onto :class:`Post`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content import frontmatter
from generator.content.dates import parse_date
from generator.errors import ContentError
from generator.models import Asset, Post


def text_field(meta: dict[str, Any], key: str, path: Path, *, required: bool = False) -> str:
    """Return a text value of the front matter, checking its type."""
    value = meta.get(key)
    if value is None:
        if required:
            raise ContentError(path, "clé obligatoire absente", key=key)
        return ""
    if isinstance(value, (bool, dict, list)):
        raise ContentError(path, f"un texte est attendu, pas {type(value).__name__}", key=key)
    return str(value).strip()


def list_field(meta: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    """Return a list of strings; a single string is accepted as a one-item list."""
    value = meta.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ContentError(path, "une liste de textes est attendue", key=key)
    return tuple(str(v).strip() for v in value if str(v).strip())


def bool_field(meta: dict[str, Any], key: str, path: Path, *, default: bool) -> bool:
    """Return a boolean value of the front matter, checking its type."""
    value = meta.get(key, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ContentError(path, f"true ou false est attendu, pas « {value} »", key=key)
    return value


def date_field(meta: dict[str, Any], key: str, path: Path, *, required: bool) -> datetime | None:
    """Return a date value of the front matter, parsed and checked."""
    value = meta.get(key)
    if value is None or value == "":
        if required:
            raise ContentError(path, "clé obligatoire absente", key=key)
        return None
    try:
        return parse_date(value)
    except ValueError as err:
        raise ContentError(path, f"date invalide : {err}", key=key) from err


_NUMBER_IN_TITLE = re.compile(r"#\s?(\d{1,4})\b")
_FEATURED = re.compile(r"^featured\.(?:jpe?g|png|webp|gif|svg)$", re.IGNORECASE)


def issue_number(meta: dict[str, Any], title: str, path: Path) -> int | None:
    """The issue number: front matter ``issue`` (or ``numero``), else ``#N`` in the title."""
    for key in ("issue", "numero"):
        if key in meta and meta[key] is not None:
            value = meta[key]
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ContentError(path, "un numéro entier est attendu", key=key)
            try:
                return int(str(value).lstrip("#"))
            except ValueError as err:
                raise ContentError(path, f"« {value} » n'est pas un numéro", key=key) from err
    match = _NUMBER_IN_TITLE.search(title)
    return int(match.group(1)) if match else None


def cover_image(meta: dict[str, Any], assets: Sequence[Asset], path: Path) -> tuple[str, str, bool]:
    """The cover image: Wowchemy's ``image:`` block, else a ``featured.*`` file.

    Returns:
        ``(file name or "", caption, shown on the page)``.
    """
    names = {asset.name for asset in assets}
    image = meta.get("image")
    caption, in_page, filename = "", True, ""
    if image is not None:
        if not isinstance(image, dict):
            raise ContentError(
                path, "un dictionnaire est attendu (filename, caption…)", key="image"
            )
        caption = str(image.get("caption") or "").strip()
        in_page = not bool(image.get("preview_only", False))
        filename = str(image.get("filename") or "").strip()
        if filename and filename not in names:
            raise ContentError(
                path, f"image « {filename} » absente du dossier", key="image.filename"
            )
    if not filename:
        featured = sorted(name for name in names if _FEATURED.match(name))
        filename = featured[0] if featured else ""
    return filename, caption, in_page


_ALIAS = re.compile(r"^[^\s:?#\\]+$")


def alias_paths(aliases: Sequence[str], path: Path) -> tuple[str, ...]:
    """Hugo's ``aliases`` as URL paths from the site root: ``/old/url/`` stays, a relative
    ``old-url`` is read in the posts' section (``/infolettre/old-url/``).

    Raises:
        ContentError: An alias with a scheme, a query, spaces or backslashes.
    """
    paths = []
    for alias in aliases:
        if not _ALIAS.match(alias):
            raise ContentError(
                path,
                f"« {alias} » n'est pas un chemin d'adresse (/ancienne/adresse/)",
                key="aliases",
            )
        paths.append(alias if alias.startswith("/") else f"/infolettre/{alias}")
    return tuple(paths)


def parse_post(text: str, path: Path, *, slug: str, assets: Sequence[Asset] = ()) -> Post:
    """Build a :class:`Post` from the text of an ``index.md``.

    Keys that are commented out or unknown are ignored.

    Raises:
        ContentError: Broken front matter or a key of the wrong type.
    """
    meta, body, body_line = frontmatter.read(text, path)
    if not meta:
        raise ContentError(path, "en-tête YAML absent : un billet commence par « --- »")
    title = text_field(meta, "title", path, required=True)
    cover, caption, cover_in_page = cover_image(meta, assets, path)
    return Post(
        path=path,
        slug=slug,
        number=issue_number(meta, title, path),
        cover=cover,
        cover_caption=caption,
        cover_in_page=cover_in_page,
        body_line=body_line,
        title=title,
        subtitle=text_field(meta, "subtitle", path),
        summary=text_field(meta, "summary", path),
        date=date_field(meta, "date", path, required=True),  # type: ignore[arg-type]
        lastmod=date_field(meta, "lastmod", path, required=False),
        draft=bool_field(meta, "draft", path, default=False),
        featured=bool_field(meta, "featured", path, default=False),
        toc=bool_field(meta, "toc", path, default=True),
        authors=list_field(meta, "authors", path),
        tags=list_field(meta, "tags", path),
        categories=list_field(meta, "categories", path),
        forced_tags=list_field(meta, "force_tags", path),
        forbidden_tags=list_field(meta, "forbid_tags", path),
        aliases=alias_paths(list_field(meta, "aliases", path), path),
        body=body,
        assets=tuple(assets),
    )
