"""MkDocs adapter: ``mkdocs serve``'s reloads as partial builds, made whole where a change
reaches other pages (:mod:`generator.pages.reloads` decides where).

MkDocs' serve command rebuilds the whole site on every save, unless it is given ``--dirty``;
:func:`reload_partially` makes its later builds partial, as ``--dirty`` does, after a
first build of every page. In a partial build MkDocs reads and renders only the pages
whose source is newer than their HTML; :class:`PartialBuild` makes it render again the
pages a change reaches, and read what those need: the listings of the blog (its home, an
archive's month, a category, an author) whose page shows a changed post or other posts
than before, with the posts they show (a listing shows their excerpts, made when a post
is read; Material writes the listings' sources afresh for every build, so the others are
dated back); every post when a post's title or place changed (a post links to its
neighbours by their titles); every page when the configuration, the theme's overrides,
the set of pages or a title of the navigation changed (the demos' plugin renders again
the pages that show a demo, whose result may change). The pages of the navigation are
read in every build (every page prints their titles). A page is rendered again by
removing its HTML, older than any source then. Posts and pages of the navigation take
their last conversion where their Markdown is the same.

A page that takes its last conversion does not log that conversion's warnings again (the
build that made it did); as with ``--dirty``, a page not read again logs nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from mkdocs.commands.build import _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.pages import reloads
from site_plugins.page_prerender import Conversion, Handed, conversion_of

_DIRTY_WARNING = "A 'dirty' build is being performed"
"""What MkDocs logs at the start of every partial build: a warning, which ``strict`` would
turn into a failure; the partial builds of ``mkdocs serve`` made here are not that build."""


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith(_DIRTY_WARNING)


def reload_partially(builder: Callable[..., Any]) -> bool:
    """Make the builds that ``mkdocs serve``'s ``builder`` runs from now on partial (the
    builds of ``mkdocs serve --dirty``). ``False`` when they cannot be (the builder is not
    MkDocs 1.6's, which keeps ``--dirty`` in its ``is_dirty`` variable): every reload
    then builds the whole site."""
    code = getattr(builder, "__code__", None)
    names: tuple[str, ...] = code.co_freevars if code is not None else ()
    cells = getattr(builder, "__closure__", None) or ()
    if "is_dirty" not in names or len(cells) != len(names):
        return False
    cell = cells[names.index("is_dirty")]
    if not isinstance(cell.cell_contents, bool):
        return False
    if not cell.cell_contents:
        cell.cell_contents = True
        logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
    return True


def of_blog(page: Page, name: str) -> bool:
    """Whether ``page`` is of Material's blog class ``name`` (``Post``, ``View``,
    ``Category``…), found by name: the blog's classes are not its API."""
    return any(
        kind.__name__ == name and kind.__module__.startswith("material.plugins.blog")
        for kind in type(page).__mro__
    )


def _uri(page: Any) -> str:
    file = getattr(page, "file", None)
    return str(file.src_uri) if isinstance(file, File) else ""


class PartialBuild:
    """One build after another in one process: what each left, and what a partial one
    must render again. Kept by a plugin for the whole process."""

    def __init__(self) -> None:
        self.state: reloads.BuildState | None = None
        self._settings = ""
        self._pages: frozenset[str] = frozenset()
        self._nav: list[Page] = []
        self._nav_uris: set[str] = set()
        self._listings: dict[str, tuple[str, ...]] = {}
        """The posts each page of the blog's listings shows, by docs path."""
        self._shown: set[str] = set()
        """The posts shown by the listings this build renders again."""
        self._conversions: dict[str, bytes] = {}
        """The last conversion of each post and page of the navigation, by docs path
        (pickled): a partial build reads the pages of the navigation again, and the
        posts its listings show, and converts again only those whose Markdown changed."""

    def before_reading(
        self, config: MkDocsConfig, files: Files, nav_pages: Iterable[Page], *, partial: bool
    ) -> str:
        """Once the navigation is final, before MkDocs reads the pages: in a partial
        build, every page is rendered again when the configuration, the theme's
        overrides or the set of pages changed, and the blog's listings whose posts
        changed are. Returns why every page is (empty: it need not be)."""
        custom = config.theme.custom_dir
        self._settings = reloads.settings_digest(
            Path(config.config_file_path) if config.config_file_path else None,
            [Path(custom)] if custom else [],
        )
        pages = files.documentation_pages()
        self._pages = frozenset(file.src_uri for file in pages)
        self._nav = list(nav_pages)
        self._nav_uris = {_uri(page) for page in self._nav}
        listings = _listings(config, pages)
        before, self._listings = (
            self._listings,
            {
                _uri(view): tuple(_uri(post) for post in shown)
                for listing in listings
                for view, shown in listing
            },
        )
        self._shown = set()
        if not partial:
            return ""
        why = reloads.render_all(self.state, self._settings, self._pages)
        if why:
            # A conversion resolves links against the other pages, with the configuration.
            self._conversions.clear()
            for file in pages:
                render_again(file)
            return why
        views = [view for listing in listings for view, _ in listing]
        again = reloads.listings_again(
            before,
            (
                [(_uri(view), self._listings[_uri(view)]) for view, _ in listing]
                for listing in listings
            ),
            # Material writes its listings' sources afresh for every build: not a change.
            (file.src_uri for file in pages if not _made_by_blog(file) and file.is_modified()),
            (_uri(view) for view in views if os.path.isfile(view.file.abs_dest_path)),
        )
        for view in views:
            if _uri(view) in again:
                render_again(view.file)
                self._shown.update(self._listings[_uri(view)])
            else:
                _leave(view.file)
        return ""

    def hand(self, page: Page) -> None:
        """In a partial build, before MkDocs reads ``page``: a post or a page of the
        navigation converted by the last build takes that conversion, if its Markdown is
        the same."""
        if _uri(page) in self._conversions and "render" not in vars(page):
            page.render = Handed(page, self._kept)  # type: ignore[method-assign]

    def _kept(self, page: Page) -> Conversion | None:
        kept = self._conversions.get(_uri(page))
        return None if kept is None else cast(Conversion, pickle.loads(kept))

    def remember(self, page: Page) -> None:
        """``page`` is converted, its HTML not yet changed by the plugins: kept, if a post
        or a page of the navigation."""
        if of_blog(page, "Post") or _uri(page) in self._nav_uris:
            # Kept as bytes: the theme and the blog change the table of contents in place.
            conversion = conversion_of(page, str(page.markdown))
            self._conversions[_uri(page)] = pickle.dumps(conversion, pickle.HIGHEST_PROTOCOL)

    def after_reading(self, config: MkDocsConfig, files: Files, *, partial: bool) -> str:
        """Every page MkDocs reads is read: in a partial build, read the blog's posts and
        the pages of the navigation too, and have MkDocs render again the pages the
        changes reach. Returns what was rendered again beyond the changed pages, and why
        (empty: nothing)."""
        pages = [file.page for file in files.documentation_pages() if file.page is not None]
        posts = [page for page in pages if of_blog(page, "Post")]
        said = ""
        if partial:
            # Every page prints the navigation's titles, and a page that is not read has
            # none; the blog's listings show the excerpts of the posts, made when read.
            for page in self._nav:
                _read(page, config, files)
            for post in posts:
                if _uri(post) in self._shown:
                    _read(post, config, files)
        titles = {_uri(page): str(page.title) for page in self._nav if _was_read(page)}
        keys = {
            _uri(post): reloads.post_key(
                str(post.title), _uri(post.previous_page), _uri(post.next_page)
            )
            for post in posts
        }
        if partial:
            renamed = reloads.renamed(self.state, titles)
            again: list[Page] = []
            if renamed:
                said = f"titre de « {renamed[0]} » modifié : toutes les pages rendues à nouveau"
                again = pages
            elif reloads.posts_moved(self.state, keys):
                said = "titre ou ordre des billets modifié : billets rendus à nouveau"
                again = posts
            for page in again:
                _read(page, config, files)
                render_again(page.file)
        self.state = reloads.remembered(
            self.state, settings=self._settings, pages=self._pages, titles=titles, posts=keys
        )
        return said


Listing = list[tuple[Page, list[Page]]]
"""One listing of Material's blog (:data:`generator.pages.reloads.Listing`), as pages."""


def _listings(config: MkDocsConfig, pages: Iterable[File]) -> list[Listing]:
    """The blog's listings, as Material's blog cuts them into pages (all the listing's
    posts on each page, if the blog's way of cutting them is not found)."""
    blog = config.plugins.get("material/blog")
    paginated = getattr(blog, "_config_pagination", None)
    per_page = getattr(blog, "_config_pagination_per_page", None)
    listings: list[Listing] = []
    for file in pages:
        view: Any = file.page
        if view is None or not of_blog(view, "View"):
            continue
        family: list[Any] = list(getattr(view, "pages", None) or [view])
        if family[0] is not view:
            continue  # a later page of a listing: with the first
        posts: list[Page] = list(getattr(view, "posts", ()))
        if callable(paginated) and callable(per_page) and paginated(view):
            step = int(per_page(view))
            listing = [(page, posts[at * step : (at + 1) * step]) for at, page in enumerate(family)]
        else:
            listing = [(page, posts) for page in family]
        listings.append(listing)
    return listings


def _was_read(page: Page) -> bool:
    """Whether this build read and converted ``page`` (Material's blog reads its posts'
    Markdown before, for their dates: that is not it)."""
    return page.content is not None


def _read(page: Page, config: MkDocsConfig, files: Files) -> None:
    """Read ``page`` as MkDocs reads every page of a whole build (its plugins' hooks
    included), unless it was read already."""
    if not _was_read(page):
        _populate_page(page, config, files)


def _made_by_blog(file: File) -> bool:
    """Whether ``file`` is a listing's source that Material's blog wrote for this build."""
    return getattr(file, "generated_by", None) == "material/blog"


def _leave(file: File) -> None:
    """Make MkDocs' partial build leave ``file``'s page as the last build rendered it: a
    listing's source that Material's blog wrote afresh is dated back (an editor's file
    is left alone: MkDocs renders it only if it changed)."""
    if _made_by_blog(file) and file.abs_src_path is not None:
        os.utime(file.abs_src_path, ns=(0, 0))


def render_again(file: File) -> None:
    """Make MkDocs' partial build render ``file``'s page again (a page whose text comes
    from elsewhere too): its HTML is removed."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(file.abs_dest_path)
