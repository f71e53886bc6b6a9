"""Read Hugo/Wowchemy and Quarto pages (infolettres, articles, events): front matter
mapped onto :class:`Post`, following the table of :mod:`generator.content.keys`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content import frontmatter
from generator.content.dates import parse_date
from generator.content.events import parse_event
from generator.content.keys import key_lines, unused_keys
from generator.errors import ContentError
from generator.models import Asset, Post

SECTIONS = ("infolettre", "post", "event", "talk")
"""The Hugo sections read from ``content/``: the infolettres, then articles and events."""
EVENT_SECTIONS = ("event", "talk")


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


_NUMBER_IN_TITLE = re.compile(r"(?:#|\bn[°º]|\bnum[ée]ro)\s?(\d{1,4})\b", re.IGNORECASE)
_FEATURED = re.compile(r"^featured\.(?:jpe?g|png|webp|gif|svg)$", re.IGNORECASE)


def issue_number(meta: dict[str, Any], title: str, path: Path) -> int | None:
    """The issue number: front matter ``issue`` (or ``numero``), else ``#N``, ``n°N``,
    ``N° N`` or ``numéro N`` in the title."""
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
    """The cover image: Wowchemy's ``image:`` block, or Quarto's ``image:`` file name,
    else a ``featured.*`` file.

    Returns:
        ``(file name or "", caption, shown on the page)``.
    """
    names = {asset.name for asset in assets}
    image = meta.get("image")
    caption, in_page, filename = "", True, ""
    if isinstance(image, str):
        image = {"filename": image.removeprefix("./")}
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


def alias_paths(
    aliases: Sequence[str], path: Path, *, section: str = "infolettre"
) -> tuple[str, ...]:
    """Hugo's ``aliases`` as URL paths from the site root: ``/old/url/`` stays, a relative
    ``old-url`` is read in the page's section (``/infolettre/old-url/``).

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
        paths.append(alias if alias.startswith("/") else f"/{section}/{alias}")
    return tuple(paths)


_LINK_KEYS = (
    ("url_pdf", "PDF"),
    ("url_slides", "Présentation"),
    ("url_video", "Vidéo"),
    ("url_code", "Code"),
    ("url_dataset", "Données"),
    ("url_poster", "Poster"),
    ("url_project", "Projet"),
    ("url_source", "Source"),
)


def page_links(meta: dict[str, Any], path: Path) -> tuple[tuple[str, str], ...]:
    """Wowchemy's buttons: ``url_pdf``, ``url_slides``… and ``links`` (``name``, ``url``),
    as ``(label, URL)``; empty values are left out."""
    found = [(label, text_field(meta, key, path)) for key, label in _LINK_KEYS]
    links = meta.get("links") or []
    if not isinstance(links, list):
        raise ContentError(path, "une liste de liens (name, url) est attendue", key="links")
    for link in links:
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise ContentError(path, "chaque lien a un name et une url", key="links")
        found.append((str(link.get("name") or link["url"]).strip(), link["url"].strip()))
    return tuple((label, url) for label, url in found if url)


def _author_names(meta: dict[str, Any], path: Path) -> tuple[str, ...]:
    """``authors`` (Hugo), else Quarto's ``author``: a name, a list of names, or a list
    of mappings with a ``name``."""
    if "authors" in meta or "author" not in meta:
        return list_field(meta, "authors", path)
    value = meta["author"]
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if isinstance(item, dict):
            item = item.get("name")
            if isinstance(item, dict):  # Quarto's name: {given, family}
                item = " ".join(str(item.get(k) or "") for k in ("given", "family")).strip()
        if not isinstance(item, (str, int, float)) or not str(item).strip():
            raise ContentError(path, "un nom d'auteur est attendu", key="author")
        names.append(str(item).strip())
    return tuple(names)


def _lines_of(names: Sequence[str], front: str, key_line: int) -> tuple[int, ...]:
    """The line of each name in the list below its key (the key's line when the list is
    written inline)."""
    below: list[tuple[int, str]] = []
    for number, line in enumerate(front.split("\n")[key_line - 1 :], start=key_line + 1):
        if line[:1].strip() and not line.startswith(("-", "#")):  # the next key
            break
        below.append((number, line))
    return tuple(
        next((number for number, line in below if name in line), key_line) for name in names
    )


def parse_post(
    text: str,
    path: Path,
    *,
    slug: str,
    assets: Sequence[Asset] = (),
    section: str = "infolettre",
) -> Post:
    """Build a :class:`Post` from the text of a page (``index.md``, ``<slug>.md`` or
    Quarto's ``index.qmd``) of a section (:data:`SECTIONS`).

    Keys that are commented out are ignored; the others follow
    :data:`generator.content.keys.KEYS`, and an unknown one gives a warning.

    Raises:
        ContentError: Broken front matter or a key of the wrong type.
    """
    front, body, body_line = frontmatter.split(text, path)
    meta = frontmatter.parse(front, path) if front is not None else {}
    if not meta or front is None:
        raise ContentError(path, "en-tête YAML absent : un billet commence par « --- »")
    title = text_field(meta, "title", path, required=True)
    cover, caption, cover_in_page = cover_image(meta, assets, path)
    authors = _author_names(meta, path)
    lines = key_lines(front)
    author_key = lines.get("authors", lines.get("author", 1))
    event = parse_event(meta, path) if section in EVENT_SECTIONS else None
    summary = text_field(meta, "summary", path) or text_field(meta, "description", path)
    if event is not None and not summary:
        summary = event.abstract
    return Post(
        path=path,
        slug=slug,
        section=section,
        number=issue_number(meta, title, path) if section == "infolettre" else None,
        cover=cover,
        cover_caption=caption,
        cover_in_page=cover_in_page,
        body_line=body_line,
        title=title,
        subtitle=text_field(meta, "subtitle", path),
        summary=summary,
        date=date_field(meta, "date", path, required=True),  # type: ignore[arg-type]
        lastmod=date_field(meta, "lastmod", path, required=False)
        or date_field(meta, "date-modified", path, required=False),
        publish_date=date_field(meta, "publishDate", path, required=False),
        draft=bool_field(meta, "draft", path, default=False),
        featured=bool_field(meta, "featured", path, default=False),
        toc=bool_field(meta, "toc", path, default=True),
        authors=authors,
        author_lines=_lines_of(authors, front, author_key),
        tags=list_field(meta, "tags", path),
        categories=list_field(meta, "categories", path),
        forced_tags=list_field(meta, "force_tags", path),
        forbidden_tags=list_field(meta, "forbid_tags", path),
        aliases=alias_paths(list_field(meta, "aliases", path), path, section=section),
        event=event,
        links=page_links(meta, path),
        body=body,
        assets=tuple(assets),
        warnings=tuple(unused_keys(meta, front, path)),
    )
