"""Where each generated page is published, and the links the generator writes between them. Pure.

The generator's own HTML (bylines, listings, pagers: :mod:`generator.pages.raw_html`) skips
the Markdown conversion, so MkDocs does not rewrite its links: they are written as the
final URLs, relative to the page that holds them, exactly as MkDocs would write a link
to the page (``File.url_relative_to``). The pages holding them are indexes
(``a/b/index.md``, published at ``a/b/`` as ``a/b.md`` would be: see
:func:`generator.themes.catalog.tag_page`), so that the folder of their source is the
folder of their URL: a renderer that leaves these links as written (MkDocs) and one
that resolves them against the source's folder (Zensical) reach the same pages. The
generated tree then renders the same under the site's plugins, under plain MkDocs or
under Zensical.

Where a page is published:

- a page ``a/b.md`` at ``a/b/`` (``use_directory_urls: true``, MkDocs' default) or at
  ``a/b.html``; ``a/index.md`` at ``a/`` (or ``a/index.html``);
- an infolettre post at the address Material's blog gives it (its ``post_url_format``,
  ``{slug}`` on this site: ``infolettre/<slug>/``), or at its docs path
  (``infolettre/posts/<slug>/``) for a renderer without a blog plugin;
- any other file at its own path.
"""

from __future__ import annotations

import posixpath
import string
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from generator.errors import GeneratorError
from generator.themes import catalog

BLOG_DIR = posixpath.dirname(catalog.POSTS_URI)
"""The blog's folder (Material's ``blog_dir``), where its posts are published."""

_POST_FIELDS = frozenset({"slug"})


@dataclass(frozen=True, kw_only=True)
class UrlStyle:
    """How the renderer publishes pages: what the generator's links must follow.

    Raises:
        GeneratorError: A ``post_url_format`` with another placeholder than ``{slug}``.
    """

    directory_urls: bool = True
    """MkDocs' ``use_directory_urls``."""
    post_url_format: str = "{slug}"
    """Material's blog ``post_url_format``; empty: posts are published at their docs path
    (a renderer without the blog plugin)."""

    def __post_init__(self) -> None:
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(self.post_url_format) if f}
        except ValueError as err:
            raise GeneratorError(
                f"post_url_format « {self.post_url_format} » illisible : {err}"
            ) from err
        if fields - _POST_FIELDS:
            raise GeneratorError(
                f"post_url_format « {self.post_url_format} » : le générateur ne connaît que "
                "le champ {slug} (pas " + ", ".join(sorted(fields - _POST_FIELDS)) + ")"
            )


# Cached: a listing links each of its pages from each of its own, tens of thousands of
# links on a large site (the cache holds strings and settings only).
@lru_cache(maxsize=1 << 16)
def page_url(path: str, style: UrlStyle) -> str:
    """The URL of docs path ``path`` from the site's root, as MkDocs gives it (``File.url``)."""
    prefix = catalog.POSTS_URI + "/"
    if style.post_url_format and path.startswith(prefix) and path.endswith("/index.md"):
        slug = path[len(prefix) : -len("/index.md")]
        if "/" not in slug:
            # As Material's blog: the format, stripped of slashes, as a page of the blog.
            formatted = posixpath.normpath(style.post_url_format.format(slug=slug).strip("/"))
            path = f"{BLOG_DIR}/{formatted}.md"
    if not path.endswith(".md"):
        return quote(path)
    folder, filename = posixpath.split(path)
    name = filename[:-3]
    if name == "README":
        name = "index"
    if not style.directory_urls or name == "index":
        dest = posixpath.join(folder, f"{name}.html")
    else:
        dest = posixpath.join(folder, name, "index.html")
    if style.directory_urls and posixpath.basename(dest) == "index.html":
        dest = (posixpath.dirname(dest) or ".") + "/"
    return quote(dest)


@lru_cache(maxsize=1 << 16)
def _parts(url: str) -> tuple[str, ...]:
    normalized = posixpath.normpath("/" + url)[1:]
    return tuple(normalized.split("/")) if normalized else ()


def relative_url(url: str, other: str) -> str:
    """``url`` relative to ``other``, both from the site's root (MkDocs' ``get_relative_url``)."""
    folder, _, last = other.rpartition("/")
    if "." in last:
        other = folder
    start, target = _parts(other), _parts(url)
    common = 0
    for a, b in zip(start, target, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(start) - common) + list(target[common:])) or "."
    return relative + "/" if url.endswith("/") else relative


def page_link(from_page: str, to_page: str, style: UrlStyle) -> str:
    """The URL of ``to_page`` (a docs path, with an optional ``#anchor``) as page
    ``from_page`` links it."""
    path, hash_, anchor = to_page.partition("#")
    return relative_url(page_url(path, style), page_url(from_page, style)) + hash_ + anchor


def missing_targets(links: list[tuple[str, str]], pages: set[str]) -> list[str]:
    """A warning for each link whose target is not among ``pages``, naming the page
    that holds it.

    Args:
        links: ``(page, target)`` docs paths (the target without its anchor).
        pages: The docs paths of every page the site has.
    """
    return [
        f"{page} : lien vers « {target} », page introuvable"
        for page, target in dict.fromkeys(links)
        if target not in pages
    ]
