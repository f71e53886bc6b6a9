"""The pages' side of a site build, step by step, for a renderer's adapter.

The ``infolettre`` and ``search_accents`` plugins (``site_plugins/``) call only this
module of :mod:`generator.pages`: they turn MkDocs' objects into plain values (docs paths,
URLs, HTML, folders), call a method here at each step of the build, and turn the answer
back (generated files, log lines, errors). What is decided (which pages are generated and
where, what the Markdown converter must not see, what the feeds say and hold, which
excerpt a listing shows, how the search index is completed) is decided here, so another
renderer can drive the same steps.

A :class:`SiteBuild` lives as long as the renderer's process: under ``mkdocs serve`` one
build follows another, each starting with :meth:`SiteBuild.generate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError
from generator.pages import excerpts, feeds_out, plain_text, raw_html
from generator.pages.build_cache import PAGES_DIR, SitePages, site_pages
from generator.pages.links import UrlStyle
from generator.pages.search_accents import add_accent_free_field, merge_rebuilt
from generator.pages.search_entries import DEFAULT_MAX_CHARS, split_long_entries, without_pages
from generator.parallel import Background
from generator.themes import catalog

__all__ = [
    "DEFAULT_FEED_ITEMS",
    "EXCERPT_SEPARATOR",
    "SEARCH_ENTRY_CHARS",
    "SEARCH_INDEX",
    "GeneratedPage",
    "SearchIndex",
    "SiteBuild",
    "SiteSettings",
    "UrlStyle",
    "plain_text",
]

DEFAULT_FEED_ITEMS = feeds_out.DEFAULT_LIMIT
"""How many items each of the site's feeds keeps by default, the most recent."""
EXCERPT_SEPARATOR = excerpts.SEPARATOR
"""Where a post's excerpt ends, unless the blog says otherwise."""
SEARCH_ENTRY_CHARS = DEFAULT_MAX_CHARS
"""Length of a search entry's text above which it is cut (:class:`SearchIndex`)."""

SEARCH_INDEX = Path("search") / "search_index.json"
"""Where Material's ``search`` plugin writes its index, relative to the site folder."""


@dataclass(frozen=True, kw_only=True)
class SiteSettings:
    """What the site's configuration says that the pages and feeds depend on."""

    site_url: str = ""
    """The published address; without it, no feeds are written."""
    site_name: str = ""
    site_description: str = ""
    feeds: bool = True
    """Write the site's RSS and JSON feeds (the newsletter's and one per tag)."""
    feed_items: int = DEFAULT_FEED_ITEMS
    urls: UrlStyle = field(default_factory=UrlStyle)
    """How the renderer turns a page's path into its URL."""

    @property
    def feeds_on(self) -> bool:
        """Whether feeds are written: asked for, and the site has an address."""
        return self.feeds and bool(self.site_url)


@dataclass(frozen=True, kw_only=True)
class GeneratedPage:
    """A page for the renderer: its docs path, and its text or the file that holds it."""

    path: str
    in_nav: bool
    text: str | None = None
    """The page's text, when it is handed over from memory."""
    file: Path | None = None
    """The file holding the page, when it is read from disk."""


class SiteBuild:
    """The generator's part of one build after another of the same site.

    Args:
        content_dir: The editors' ``content/`` folder.
        cache_dir: The generator's cache folder (pages under ``pages/``).
        dirty: The renderer builds only the pages whose file changed (MkDocs'
            ``--dirty``): pages go to disk first, and the feeds are not written.
        serving: The process lives on from one build to the next (``mkdocs serve``): its
            first build makes the pages in memory even when the cache could serve, so
            that each later build redoes only what changed; the later builds are partial
            (:mod:`generator.pages.reloads`), so the pages go to disk first.
    """

    def __init__(
        self, content_dir: Path, cache_dir: Path, *, dirty: bool = False, serving: bool = False
    ) -> None:
        self.content_dir = content_dir
        self.cache_dir = cache_dir
        self.dirty = dirty
        self.serving = serving
        self.settings = SiteSettings()
        self.built: SitePages | None = None
        self._generated: set[str] = set()
        self._blocks: dict[str, list[raw_html.Block]] = {}
        self._rendered: list[feeds_out.RenderedPage] = []
        self._cache_job: Background[int] | None = None
        self._feeds_written: int | None = None

    # ------------------------------------------------------------------ generation

    def generate(
        self,
        settings: SiteSettings,
        *,
        now: datetime,
        include_drafts: bool = False,
        exists: Iterable[str] = (),
        pages_folder: str = "docs",
    ) -> list[GeneratedPage]:
        """Start a build: the generator's pages, made afresh or reused from the cache.

        Args:
            settings: The site's settings for this build.
            now: The build time (posts dated later wait).
            include_drafts: Publish drafts and future posts too.
            exists: Docs paths the site already has (a generated page may not take one).
            pages_folder: The folder of those pages, for the message.

        Raises:
            GeneratorError: Content that cannot be used, or a generated page that
                would replace one of ``exists`` (the message names it).
        """
        self.settings = settings
        self._blocks, self._rendered = {}, []
        self._cache_job, self._feeds_written = None, None
        built = site_pages(
            self.content_dir,
            self.cache_dir,
            now=now,
            include_drafts=include_drafts,
            # Partial builds (`mkdocs serve`'s reloads too) tell changed pages by their
            # files' dates: the pages are on disk before MkDocs reads them.
            defer=not (self.dirty or self.serving),
            urls=settings.urls,
            reuse=not self.serving,
        )
        self.built = built
        self._cache_job = built.pending
        self._generated = {page.path for page in built.pages}
        taken = self._generated.intersection(exists)
        if taken:
            raise GeneratorError(
                f"« {min(taken)} » existe dans {pages_folder} et est aussi produit par "
                "le générateur : retirez l'un des deux"
            )
        pages_dir = self.cache_dir / PAGES_DIR
        return [
            GeneratedPage(path=page.path, in_nav=page.in_nav, text=built.texts[page.path])
            if page.path in built.texts
            else GeneratedPage(path=page.path, in_nav=page.in_nav, file=pages_dir / page.path)
            for page in built.pages
        ]

    def messages(self) -> tuple[str, tuple[str, ...]]:
        """Why the cache was not reused (empty when it was), and the content's warnings."""
        if self.built is None:
            return "", ()
        return self.built.note, self.built.warnings

    # ------------------------------------------------------------------ conversion

    def before_markdown(self, src_uri: str, markdown: str) -> str | None:
        """A page's Markdown for the converter: the HTML the generator wrote is set aside
        (:mod:`generator.pages.raw_html`), to be put back by :meth:`after_markdown`.
        ``None`` leaves the page as it is (editors' pages and posts)."""
        if src_uri not in self._generated or src_uri.startswith(catalog.POSTS_URI + "/"):
            return None
        markdown, blocks = raw_html.set_aside(markdown)
        if blocks:
            self._blocks[src_uri] = blocks
        return markdown

    def after_markdown(self, src_uri: str, html: str, *, url: str | None) -> str:
        """A page's HTML once converted, with its set-aside HTML put back; a page the
        feeds can hold (at its canonical ``url``) is kept for them."""
        blocks = self._blocks.pop(src_uri, None)
        if blocks:
            html = raw_html.put_back(html, blocks)
        built = self.built
        if (
            not self.dirty
            and self.settings.feeds_on
            and url
            and built is not None
            and src_uri in built.feed_entries
        ):
            self._rendered.append(feeds_out.RenderedPage(src_uri=src_uri, url=url, html=html))
        return html

    # ------------------------------------------------------------------ templates

    @staticmethod
    def post_excerpts(
        pages: Iterable[tuple[str, str]], separator: str = EXCERPT_SEPARATOR
    ) -> Iterator[tuple[str, str]]:
        """For every post among ``pages`` (docs path, Markdown) that has an excerpt, that
        excerpt's Markdown: all a listing of posts shows of them, once every page is
        converted."""
        prefix = catalog.POSTS_URI + "/"
        for src_uri, markdown in pages:
            if src_uri.startswith(prefix):
                short = excerpts.excerpt_markdown(markdown, separator)
                if short is not None:
                    yield src_uri, short

    def write_feeds(self, site_dir: Path) -> None:
        """Every page is converted: the feeds are written into ``site_dir``, unless the
        build is partial. (Writing them in a child beside MkDocs' templates saved
        nothing once a child converts the pages: bench-pieces, -1.5 % of a 3,000-item
        build.)"""
        if not self.settings.feeds_on or self.dirty:
            return
        settings = self.settings
        entries = self.built.feed_entries if self.built is not None else {}
        tags = self.built.tags if self.built is not None else ()
        specs = feeds_out.site_feeds(
            self._rendered,
            entries,
            site_url=settings.site_url,
            site_name=settings.site_name,
            site_description=settings.site_description or settings.site_name,
            tags=tags,
            limit=settings.feed_items,
        )
        # Hundreds of megabytes on a large site.
        self._rendered = []
        self._feeds_written = feeds_out.write_feeds(specs, site_dir, built=datetime.now(UTC))

    def head(self, src_uri: str) -> str:
        """What goes before a page's ``</head>``: the links to the site's feeds."""
        if not self.settings.feeds_on:
            return ""
        tags = self.built.tags if self.built is not None else ()
        return feeds_out.discovery_links(
            src_uri,
            site_url=self.settings.site_url,
            site_name=self.settings.site_name,
            tags=tags,
        )

    # ------------------------------------------------------------------ end

    def finish(self) -> list[tuple[str, str]]:
        """End the build: wait for the cache and the feeds.

        Returns:
            What to tell the person building, as (level, message): level ``debug``,
            ``info`` or ``warning``.
        """
        said: list[tuple[str, str]] = []
        cache_job, self._cache_job = self._cache_job, None
        if cache_job is not None:
            said.append(("debug", f"{cache_job.result()} pages écrites dans le cache"))
        feeds_written, self._feeds_written = self._feeds_written, None
        if not self.settings.feeds:
            return said
        if not self.settings.site_url:
            said.append(
                (
                    "warning",
                    "« site_url » absent de mkdocs.yml : les flux RSS et JSON ne sont pas écrits",
                )
            )
        elif self.dirty:
            # Only the changed pages were rendered: the feeds would miss the others.
            said.append(
                (
                    "info",
                    "construction partielle (rechargement, --dirty) : flux RSS et JSON "
                    "non mis à jour (mkdocs build les écrit)",
                )
            )
        elif feeds_written is not None:
            said.append(("debug", f"{feeds_written} flux écrits"))
        return said

    def cancel(self) -> None:
        """The build failed: stop what runs beside it. The cache's manifest is written
        last, so an interrupted cache is never reused."""
        if self._cache_job is not None:
            self._cache_job.cancel()
        self._cache_job = None


class SearchIndex:
    """Material's search index for readers: without the pages they do not search (the
    code reference), long entries cut to a readable size
    (:mod:`generator.pages.search_entries`), completed with accent-free words
    (:mod:`generator.pages.search_accents`), and kept whole by a partial build.

    Args:
        dirty: The builds render only the pages whose file changed: the pages not
            rendered again keep the entries of the index already in the site folder.
    """

    def __init__(self, *, dirty: bool = False) -> None:
        self.dirty = dirty
        self._previous: Any = None

    def before_build(self, site_dir: Path) -> None:
        """Before the index is written again: a partial build keeps the current one."""
        self._previous = None
        path = site_dir / SEARCH_INDEX
        if self.dirty and path.is_file():
            self._previous = _read_index(path)

    def complete(
        self,
        site_dir: Path,
        *,
        exclude: tuple[str, ...] = (),
        max_chars: int = SEARCH_ENTRY_CHARS,
        fresh: Mapping[str, Any] | None = None,
    ) -> bool:
        """The index is written: complete it. ``False`` when the site has no index.

        Args:
            site_dir: The built site.
            exclude: Locations (``reference/``) whose pages are left out of the index.
            max_chars: Length of an entry's text above which it is cut.
            fresh: The index of the pages this build rendered, already complete
                (:func:`readers_entries`, page by page as they were indexed): Material
                wrote it, and only a partial build has more to do, putting it into the
                last index. Without it, the index Material wrote is read and completed.

        Raises:
            GeneratorError: The index cannot be read or is not Material's.
        """
        path = site_dir / SEARCH_INDEX
        previous, self._previous = self._previous, None
        if not path.is_file():
            return False
        if fresh is None:
            _fold_index(path, previous, exclude=exclude, max_chars=max_chars)
        elif previous is not None:
            try:
                # The settings as Material writes them: the keys of the last index.
                settings = fresh.get("config") or {}
                kept = previous.get("config") if isinstance(previous, dict) else None
                if isinstance(kept, dict) and isinstance(settings, Mapping):
                    shaped = {key: settings[key] for key in kept if key in settings}
                    fresh = {**fresh, "config": shaped}
                merged = merge_rebuilt(previous, fresh)
            except ValueError as err:
                raise GeneratorError(f"{path} : index de recherche illisible : {err}") from err
            path.write_text(json.dumps(merged, separators=(",", ":")), encoding="utf-8")
        return True


def readers_entries(
    entries: list[Any],
    config: Mapping[str, Any],
    *,
    exclude: tuple[str, ...] = (),
    max_chars: int = SEARCH_ENTRY_CHARS,
) -> list[Any]:
    """Material's entries of some pages as readers' search gets them: the same steps as
    :class:`SearchIndex` takes on the written index, taken page by page as the pages are
    indexed (each step only looks at one page's entries).

    Args:
        entries: Material's entries (``location``, ``title``, ``text``…).
        config: Material's index settings (``lang``, ``separator``, ``fields``…).
        exclude: Locations whose pages are left out.
        max_chars: Length of an entry's text above which it is cut.

    Raises:
        ValueError: ``config`` or an entry is not shaped like Material's.
    """
    index = {"config": dict(config), "docs": entries}
    readers = split_long_entries(without_pages(index, exclude), max_chars)
    docs: list[Any] = add_accent_free_field(readers)["docs"]
    return docs


def readers_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Material's index settings with the accent-free field declared
    (:func:`readers_entries` fills it)."""
    declared: dict[str, Any] = add_accent_free_field({"config": dict(config), "docs": []})["config"]
    return declared


def _read_index(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise GeneratorError(f"{path} : index de recherche illisible : {err}") from err


def _fold_index(
    path: Path, previous: Mapping[str, Any] | None, *, exclude: tuple[str, ...], max_chars: int
) -> None:
    """Complete the index at ``path`` for readers, in place (:class:`SearchIndex`); after
    a partial build, ``previous`` gives the pages not rendered again."""
    try:
        readers = without_pages(_read_index(path), exclude)
        folded = add_accent_free_field(split_long_entries(readers, max_chars))
        if previous is not None:
            folded = merge_rebuilt(previous, folded)
    except ValueError as err:
        raise GeneratorError(f"{path} : index de recherche illisible : {err}") from err
    path.write_text(json.dumps(folded, separators=(",", ":")), encoding="utf-8")
