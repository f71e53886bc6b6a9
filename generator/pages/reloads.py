"""What a partial build renders again, beside the pages whose source changed. Pure.

``mkdocs serve`` rebuilds the whole site on every save: seconds per thousand pages, most
of them spent rendering the theme's templates of pages that did not change. A partial
build (MkDocs' ``--dirty``, and each reload of ``mkdocs serve`` here) renders again only
the pages whose source file is newer than their HTML. Alone, that leaves pages stale:

- the blog's listings (its home, archive, category and author pages) show the posts'
  excerpts, and a post that is not read again has none: a category page listed no post
  (Material writes the listings' sources afresh for every build, so MkDocs renders them
  every time);
- every page prints the navigation: a page of the navigation that changes its title, or a
  page added or removed, changes every page;
- the configuration file and the theme's overrides shape every page.

:class:`BuildState` is what one build leaves for the next; :func:`render_all` and
:func:`renamed` say when the next partial build must render every page again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import files_under, stat_key


@dataclass(frozen=True, kw_only=True)
class BuildState:
    """What the last build rendered: enough to tell which pages a change reaches."""

    settings: str
    """:func:`settings_digest` of the build."""
    pages: frozenset[str]
    """The docs path of every page."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """The title of every page of the navigation, by docs path."""
    posts: Mapping[str, str] = field(default_factory=dict)
    """Every post of the blog, by docs path: its title and its neighbours' docs paths
    (:func:`post_key`; a post's page links to the previous and the next one)."""


def settings_digest(config_file: Path | None, theme_dirs: Iterable[Path]) -> str:
    """What says that the configuration or the theme's overrides changed: the bytes of
    the configuration file, and the size, date and inode of every file of ``theme_dirs``
    (the site's own ``custom_dir``, not the installed theme's thousands of files)."""
    digest = hashlib.blake2b(digest_size=16)
    if config_file is not None:
        try:
            digest.update(config_file.read_bytes())
        except OSError:
            digest.update(b"\0unreadable")
    for folder in theme_dirs:
        digest.update(b"\0" + str(folder).encode("utf-8", "surrogateescape"))
        for name in files_under(folder):
            digest.update(f"\0{name}\0{stat_key(folder / name)}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def render_all(before: BuildState | None, settings: str, pages: Iterable[str]) -> str:
    """Why a partial build must render every page again (empty when it need not).

    Args:
        before: What the last build of this process left (``None``: no build before it,
            as a ``mkdocs build --dirty`` into a folder built by another process; MkDocs'
            own comparison of dates then stands alone).
        settings: :func:`settings_digest` now.
        pages: The docs path of every page now.
    """
    if before is None:
        return ""
    if settings != before.settings:
        return "configuration ou thème modifié"
    now = frozenset(pages)
    if now != before.pages:
        added, removed = len(now - before.pages), len(before.pages - now)
        return f"pages ajoutées ({added}) ou retirées ({removed})"
    return ""


def renamed(before: BuildState | None, titles: Mapping[str, str]) -> list[str]:
    """The pages of the navigation, among ``titles`` (docs path → title, of the pages read
    again), whose title is not the one the last build printed in every page's navigation."""
    if before is None:
        return []
    return sorted(path for path, title in titles.items() if before.titles.get(path) != title)


def post_key(title: str, previous: str, following: str) -> str:
    """What a post's page shows of the blog: its title and its neighbours' docs paths."""
    return "\0".join((title, previous, following))


def posts_moved(before: BuildState | None, posts: Mapping[str, str]) -> bool:
    """Whether a post (docs path → :func:`post_key`) changed its title or its place: its
    neighbours' pages link to it by its title."""
    return before is not None and dict(posts) != dict(before.posts)


def remembered(
    before: BuildState | None,
    *,
    settings: str,
    pages: frozenset[str],
    titles: Mapping[str, str],
    posts: Mapping[str, str],
) -> BuildState:
    """What this build leaves for the next: the titles read now over those of before
    (a page not read again kept its title)."""
    kept = {
        path: title for path, title in (before.titles if before else {}).items() if path in pages
    }
    kept.update(titles)
    return BuildState(settings=settings, pages=pages, titles=kept, posts=dict(posts))


Listing = Sequence[tuple[str, tuple[str, ...]]]
"""One listing of the blog (its home, an archive's month, a category, an author): each of
its pages, the listing's own first, by docs path, with the posts that page shows."""


def listings_again(
    before: Mapping[str, tuple[str, ...]],
    listings: Iterable[Listing],
    changed: Iterable[str],
    rendered: Iterable[str],
) -> set[str]:
    """The pages of the blog's listings that a partial build renders again: a page that
    shows a changed post, or other posts than the last build's page (``before``: posts
    by docs path), or that is not rendered (``rendered``: the pages whose HTML is there),
    or whose own source changed; with the listing's first page, whose title the others
    take when they are rendered."""
    changed, rendered = set(changed), set(rendered)
    again: set[str] = set()
    for listing in listings:
        pages = {
            path
            for path, shown in listing
            if path not in rendered
            or path in changed
            or before.get(path) != shown
            or not changed.isdisjoint(shown)
        }
        if pages:
            pages.add(listing[0][0])
        again |= pages
    return again
