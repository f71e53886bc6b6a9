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

from pathlib import Path

from generator.content import frontmatter
from generator.content.kb import parse_kb_page
from generator.content.posts import parse_post
from generator.errors import ContentError
from generator.models import Asset, Content, KbPage, Post, Taxonomy
from generator.themes.taxonomy import parse_taxonomy
from generator.veille.archive import read_archives
from generator.veille.feeds_config import parse_feeds

POSTS_DIR = "infolettre"
KB_DIR = "connaissances"
ARCHIVE_DIR = "archive"


def read_text(path: Path) -> str:
    """Read a content file as text (UTF-8, BOM and CRLF accepted), naming it on error."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ContentError(path, f"lecture impossible : {err.strerror}") from err
    return frontmatter.decode(data, path)


def load_posts(root: Path) -> list[Post]:
    """Read every page bundle under ``root/infolettre``."""
    posts: list[Post] = []
    folder = root / POSTS_DIR
    if not folder.is_dir():
        return posts
    for index in sorted(folder.glob("*/index.md")):
        bundle = index.parent
        assets = tuple(
            Asset(source=path.resolve(), name=path.relative_to(bundle).as_posix())
            for path in sorted(bundle.rglob("*"))
            if path.is_file() and path.name != "index.md" and not path.name.startswith(".")
        )
        posts.append(parse_post(read_text(index), index, slug=bundle.name, assets=assets))
    return posts


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
    """Read ``taxonomy.yml``."""
    path = root / "taxonomy.yml"
    if not path.is_file():
        raise ContentError(path, "fichier du vocabulaire des thèmes introuvable")
    return parse_taxonomy(read_text(path), path)


def load_content(root: Path) -> Content:
    """Read the whole content folder.

    Raises:
        ContentError: The first file that cannot be used, named in the message.
    """
    root = root.resolve()
    if not root.is_dir():
        raise ContentError(root, "dossier de contenu introuvable")
    feeds_path = root / "feeds.yml"
    feeds = (
        parse_feeds(read_text(feeds_path), feeds_path, content_root=root)
        if feeds_path.is_file()
        else ()
    )
    items = read_archives(root / ARCHIVE_DIR, feeds)
    authors = load_authors(root)
    return Content(
        root=root,
        posts=tuple(load_posts(root)),
        feeds=feeds,
        items=tuple(items),
        kb_pages=tuple(load_kb_pages(root)),
        taxonomy=load_taxonomy(root),
        authors=tuple(authors),
        author_names=authors,
    )
