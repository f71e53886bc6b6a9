"""Read ``content/`` from disk into a :class:`Content` value.

This module and :mod:`generator.veille.archive` are the only ones that read content files.
Layout::

    content/
      infolettre/<slug>/index.md   page bundles (images beside index.md)
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
from generator.content.posts import parse_post
from generator.errors import ContentError
from generator.files import stat_key
from generator.models import Asset, Content, FeedConfig, FeedItem, KbPage, Post, Taxonomy
from generator.themes.taxonomy import parse_taxonomy
from generator.veille.archive import read_archives
from generator.veille.feeds_config import parse_feeds

POSTS_DIR = "infolettre"
KB_DIR = "connaissances"
ARCHIVE_DIR = "archive"

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
    """Read every page bundle under ``root/infolettre`` (parsed again only when one of
    its files changed, see :func:`_memo`)."""
    folder = root / POSTS_DIR
    if not folder.is_dir():
        return []
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return list(_memo("posts", folder.resolve(), _signature(files), lambda: _read_posts(folder)))


def _read_posts(folder: Path) -> tuple[Post, ...]:
    posts: list[Post] = []
    for index in sorted(folder.glob("*/index.md")):
        bundle = index.parent
        assets = tuple(
            Asset(source=path.resolve(), name=path.relative_to(bundle).as_posix())
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and path.name != "index.md" and not path.name.startswith(".")
        )
        posts.append(parse_post(read_text(index), index, slug=bundle.name, assets=assets))
    return tuple(posts)


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
    return Content(
        root=root,
        posts=tuple(load_posts(root)),
        feeds=feeds,
        items=items,
        kb_pages=tuple(load_kb_pages(root)),
        taxonomy=load_taxonomy(root),
        authors=tuple(authors),
        author_names=authors,
    )
