"""Read ``content/`` from disk into a :class:`Content` value.

This module and :mod:`generator.veille.archive` are the only ones that read content files.
Layout::

    content/
      infolettre/<slug>/index.md   page bundles (images beside index.md), or index.qmd
      infolettre/<slug>.md         single-file pages (.qmd too)
      post/  event/  talk/         Hugo's other sections, the same ways
      authors/<id>/_index.md       Hugo's author profiles
      connaissances/<slug>.md      knowledge-base pages
      archive/<feed>/<item>.md     archived feed items
      feeds/<feed>.xml             offline snapshots of the feeds
      feeds.yml  taxonomy.yml  authors.yml
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from generator.content import frontmatter
from generator.content.kb import parse_kb_page
from generator.content.keys import unused_keys
from generator.content.posts import SECTIONS, parse_post
from generator.errors import ContentError
from generator.files import stat_key
from generator.models import (
    Asset,
    AuthorProfile,
    Content,
    FeedConfig,
    FeedItem,
    KbPage,
    Post,
    Taxonomy,
)
from generator.parallel import map_forked
from generator.themes.taxonomy import parse_taxonomy
from generator.veille.archive import read_archives
from generator.veille.feeds_config import parse_feeds

POSTS_DIR = "infolettre"
KB_DIR = "connaissances"
ARCHIVE_DIR = "archive"
AUTHORS_DIR = "authors"
KNOWN = frozenset(
    {*SECTIONS, KB_DIR, ARCHIVE_DIR, AUTHORS_DIR, "feeds", "static"}
    | {"feeds.yml", "taxonomy.yml", "authors.yml"}
)
"""What ``content/`` may hold; anything else is named in a warning (``static/`` is
published as it is)."""
PAGE_SUFFIXES = (".md", ".qmd")

_T = TypeVar("_T")
_MEMO: dict[tuple[str, Path], tuple[Hashable, Any]] = {}


def _memo(kind: str, path: Path, signature: Hashable, load: Callable[[], _T]) -> _T:
    """``load()``, or what it gave last time for ``(kind, path)`` with the same signature.

    The plugins of one build (and one ``mkdocs serve`` rebuild after another) read the
    same files: each is parsed once while its signature (sizes, modification times and
    inodes of what it is read from) stays the same. Only immutable values are kept.
    """
    key = (kind, path)
    cached = _MEMO.get(key)
    if cached is not None and cached[0] == signature:
        value: _T = cached[1]
        return value
    value = load()
    _MEMO[key] = (signature, value)
    return value


def _signature(paths: list[Path]) -> tuple[tuple[str, int, int, int], ...]:
    """What says that files changed: each one's path, size, modification time and inode."""
    found = []
    for path in paths:
        key = stat_key(path)
        if key is not None:
            found.append((str(path), *key))
    return tuple(found)


def read_text(path: Path) -> str:
    """Read a content file as text (UTF-8, BOM and CRLF accepted), naming it on error."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ContentError(path, f"lecture impossible : {err.strerror}") from err
    return frontmatter.decode(data, path)


def load_posts(root: Path) -> list[Post]:
    """Read every infolettre under ``root/infolettre`` (parsed again only when one of
    its files changed, see :func:`_memo`)."""
    return list(load_section(root, POSTS_DIR)[0])


def load_section(root: Path, section: str) -> tuple[tuple[Post, ...], tuple[str, ...]]:
    """The pages of a Hugo section (``infolettre``, ``post``, ``event``, ``talk``), and a
    warning for each file or folder of it that is not read (see :func:`_read_section`)."""
    folder = root / section
    if not folder.is_dir():
        return (), ()
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return _memo(
        f"section:{section}",
        folder.resolve(),
        _signature(files),
        lambda: _read_section(folder, section),
    )


def _page_file(folder: Path) -> Path | None:
    for suffix in PAGE_SUFFIXES:
        if (folder / f"index{suffix}").is_file():
            return folder / f"index{suffix}"
    return None


POSTS_PER_PROCESS = 20
"""A page takes about half a millisecond to parse, a worker process a few to start."""


def _read_section(folder: Path, section: str) -> tuple[tuple[Post, ...], tuple[str, ...]]:
    """Read a section: page bundles (``<slug>/index.md``, else ``index.qmd``, files beside
    it published with it), single files (``<slug>.md``, ``<slug>.qmd``) and the section's
    own ``_index.md``. What is not read is named in a warning: a folder without a page, a
    file that is not one, a second page for the same address. The pages are parsed on all
    cores when there are many (:func:`~generator.parallel.map_forked`)."""
    # What the folder holds, in order: a warning, or a page to parse (its warnings follow).
    found: list[str | tuple[Path, str, tuple[Asset, ...]]] = []
    seen: dict[str, Path] = {}

    def add(page: Path, slug: str, assets: tuple[Asset, ...]) -> None:
        if slug in seen:
            found.append(f"{page}: ignoré, {seen[slug]} a déjà l'adresse « {slug} »")
            return
        seen[slug] = page
        found.append((page, slug, assets))

    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            page = _page_file(entry)
            if page is None:
                found.append(f"{entry}: dossier sans index.md ni index.qmd, ignoré")
                continue
            for other in sorted(entry.glob("index.*")):
                if other != page and other.suffix in PAGE_SUFFIXES:
                    found.append(f"{other}: ignoré, {page.name} est la page du dossier")
            assets = tuple(
                Asset(source=path.resolve(), name=path.relative_to(entry).as_posix())
                for path in sorted(entry.rglob("*"))
                if path.is_file()
                and not (path.parent == entry and path.stem == "index")
                and not path.name.startswith(".")
            )
            add(page, entry.name, assets)
        elif entry.name == "_index.md":
            found.extend(_section_page(entry))
        elif entry.suffix in PAGE_SUFFIXES:
            add(entry, entry.stem, ())
        else:
            found.append(f"{entry}: fichier ignoré (ni page .md ou .qmd, ni dans un dossier)")

    def parse(job: tuple[Path, str, tuple[Asset, ...]]) -> Post:
        page, slug, assets = job
        return parse_post(read_text(page), page, slug=slug, assets=assets, section=section)

    jobs = [item for item in found if not isinstance(item, str)]
    parsed = iter(map_forked(parse, jobs, per_process=POSTS_PER_PROCESS, piece="reading"))
    posts: list[Post] = []
    warnings: list[str] = []
    for item in found:
        if isinstance(item, str):
            warnings.append(item)
        else:
            post = next(parsed)
            posts.append(post)
            warnings.extend(post.warnings)
    return tuple(posts), tuple(warnings)


def _section_page(path: Path) -> list[str]:
    """Hugo's page of a section (``post/_index.md``): the site makes its own listing; its
    front matter is checked like a page's, and a text below it is named as not shown."""
    front, body, line = frontmatter.split(read_text(path), path)
    meta = frontmatter.parse(front, path) if front is not None else {}
    warnings = unused_keys(meta, front or "", path)
    if body.strip():
        warnings.append(
            f"{path}:{line}: texte de la page de section non repris (liste faite par le site)"
        )
    return warnings


def load_articles(root: Path) -> tuple[tuple[Post, ...], tuple[str, ...]]:
    """The pages of Hugo's ``post/``, ``event/`` and ``talk/`` sections, and the warnings
    of their reading."""
    articles: list[Post] = []
    warnings: list[str] = []
    for section in SECTIONS[1:]:
        found, notes = load_section(root, section)
        articles.extend(found)
        warnings.extend(notes)
    return tuple(articles), tuple(warnings)


def load_kb_pages(root: Path) -> list[KbPage]:
    """Read every knowledge-base page under ``root/connaissances``."""
    folder = root / KB_DIR
    if not folder.is_dir():
        return []
    return [
        parse_kb_page(read_text(path), path, slug=path.stem) for path in sorted(folder.glob("*.md"))
    ]


def load_authors(root: Path) -> dict[str, str]:
    """The authors declared in ``authors.yml`` (Material's blog format): id → display name
    (``name``; the id where there is none)."""
    path = root / "authors.yml"
    if not path.is_file():
        return {}
    data = frontmatter.parse(read_text(path), path)
    authors = data.get("authors") or {}
    if not isinstance(authors, dict):
        raise ContentError(path, "un dictionnaire d'auteurs est attendu", key="authors")
    names: dict[str, str] = {}
    for key, value in authors.items():
        name = value.get("name") if isinstance(value, dict) else None
        names[str(key)] = str(name) if name else str(key)
    return names


def _profile_text(meta: dict[str, Any], key: str) -> str:
    value = meta.get(key)
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def load_profiles(root: Path) -> tuple[dict[str, AuthorProfile], tuple[str, ...]]:
    """Every author: Hugo's profiles (``authors/<id>/_index.md``: name from ``title``,
    ``name`` or ``first_name`` and ``last_name``; ``role``, the first of
    ``organizations``, ``bio``), then those of ``authors.yml`` not among them (``name``,
    ``description`` as role). Returns them by id, with the warnings of their reading."""
    profiles: dict[str, AuthorProfile] = {}
    warnings: list[str] = []
    folder = root / AUTHORS_DIR
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith("."):
                continue
            page = entry / "_index.md"
            if not page.is_file():
                warnings.append(f"{entry}: ni profil authors/<id>/_index.md, ignoré")
                continue
            front, body, body_line = frontmatter.split(read_text(page), page)
            meta = frontmatter.parse(front, page) if front is not None else {}
            warnings.extend(unused_keys(meta, front or "", page))
            warnings.extend(
                f"{path}: fichier du profil non repris (seuls nom, rôle et biographie le sont)"
                for path in sorted(entry.rglob("*"))
                if path.is_file() and path != page and not path.name.startswith(".")
            )
            bio = _profile_text(meta, "bio")
            if bio and body.strip():
                warnings.append(
                    f"{page}:{body_line}: texte du profil non repris (bio en tient lieu)"
                )
            full = " ".join(
                _profile_text(meta, k) for k in ("first_name", "last_name") if meta.get(k)
            )
            name = _profile_text(meta, "title") or _profile_text(meta, "name") or full
            role = _profile_text(meta, "role")
            organizations = meta.get("organizations")
            if isinstance(organizations, list) and organizations:
                first = organizations[0]
                org = _profile_text(first, "name") if isinstance(first, dict) else str(first)
                role = ", ".join(part for part in (role, org) if part)
            profiles[entry.name] = AuthorProfile(
                id=entry.name,
                name=name or entry.name,
                role=role,
                bio=bio or " ".join(body.split()),
            )
    path = root / "authors.yml"
    if path.is_file():
        data = frontmatter.parse(read_text(path), path).get("authors") or {}
        for key, value in data.items() if isinstance(data, dict) else ():
            if str(key) in profiles:
                continue
            value = value if isinstance(value, dict) else {}
            profiles[str(key)] = AuthorProfile(
                id=str(key),
                name=_profile_text(value, "name") or str(key),
                role=_profile_text(value, "description"),
            )
    return profiles, tuple(warnings)


def unknown_entries(root: Path) -> tuple[str, ...]:
    """A warning for each file or folder of ``content/`` that no part of the site reads
    (:data:`KNOWN`)."""
    return tuple(
        f"{entry}: non lu, le site ne reprend pas cette partie du contenu"
        for entry in sorted(root.iterdir())
        if not entry.name.startswith(".") and entry.name not in KNOWN
    )


def load_taxonomy(root: Path) -> Taxonomy:
    """Read ``taxonomy.yml`` (once while it does not change, see :func:`_memo`)."""
    path = root / "taxonomy.yml"
    if not path.is_file():
        raise ContentError(path, "fichier du vocabulaire des thèmes introuvable")
    return _memo(
        "taxonomy",
        path.resolve(),
        _signature([path]),
        lambda: parse_taxonomy(read_text(path), path),
    )


def load_feeds(root: Path) -> tuple[FeedConfig, ...]:
    """Read ``feeds.yml`` (none when absent; once while it does not change and the
    snapshots it names are there, see :func:`_memo`)."""
    path = root / "feeds.yml"
    if not path.is_file():
        return ()
    signature = (_signature([path]), root.resolve())

    def parse() -> tuple[FeedConfig, ...]:
        return parse_feeds(read_text(path), path, content_root=root)

    feeds = _memo("feeds", path.resolve(), signature, parse)
    if all(feed.snapshot is None or feed.snapshot.is_file() for feed in feeds):
        return feeds
    return parse()  # a snapshot is gone: the error names it


def load_archives(root: Path, feeds: tuple[FeedConfig, ...]) -> tuple[FeedItem, ...]:
    """Every archived item of ``feeds`` (read again only when a file of the archive, or
    ``feeds.yml``, changed, see :func:`_memo`)."""
    folder = root / ARCHIVE_DIR
    if not folder.is_dir():
        return ()
    files = sorted(folder.glob("*/*.md"))
    signature = (_signature(files), tuple(feed.id for feed in feeds))
    return _memo(
        "archive",
        folder.resolve(),
        signature,
        lambda: tuple(read_archives(folder, feeds)),
    )


def load_content(root: Path) -> Content:
    """Read the whole content folder.

    Raises:
        ContentError: The first file that cannot be used, named in the message.
    """
    root = root.resolve()
    if not root.is_dir():
        raise ContentError(root, "dossier de contenu introuvable")
    feeds = load_feeds(root)
    items = load_archives(root, feeds)
    authors = load_authors(root)
    posts, post_warnings = load_section(root, POSTS_DIR)
    articles, article_warnings = load_articles(root)
    profiles, profile_warnings = load_profiles(root)
    return Content(
        root=root,
        posts=posts,
        articles=articles,
        profiles=profiles,
        warnings=(
            *unknown_entries(root),
            *post_warnings,
            *article_warnings,
            *profile_warnings,
        ),
        feeds=feeds,
        items=items,
        kb_pages=tuple(load_kb_pages(root)),
        taxonomy=load_taxonomy(root),
        authors=tuple(authors),
        author_names=authors,
    )
