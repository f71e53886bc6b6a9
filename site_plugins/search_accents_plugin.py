"""MkDocs plugin ``search_accents``: readers' search index, where searching without accents
finds accented words.

Material's search index (``search/search_index.json``) gets, for each entry, the entry's
accented words without their accents (:mod:`generator.pages.search_accents` says why Material
cannot do it itself); the pages of ``exclude`` (the code reference) are left out, and
entries longer than ``max_entry_chars`` are cut (:mod:`generator.pages.search_entries`).

Material indexes each page as it is written, by parsing its HTML: a second of work per
thousand pages. The plugin hands each page to a child process instead
(:class:`~generator.parallel.Worker`, piece ``index``), which indexes it with Material's
own code and makes its entries what readers' search gets (:func:`site.readers_entries`)
while MkDocs writes the next pages; the entries go back into Material's index, in the
pages' order, before Material writes it. A ``--dirty`` build indexes only the pages it
renders again: their entries then replace theirs in the last index
(:class:`site.SearchIndex`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from generator.errors import GeneratorError
from generator.pages import site
from generator.parallel import Worker
from site_plugins.partial_reloads import reload_partially

log = get_plugin_logger(__name__)

INDEX = site.SEARCH_INDEX
"""Where Material's ``search`` plugin writes its index, relative to ``site_dir``."""


class SearchAccentsConfig(base.Config):
    """Options of the ``search_accents`` plugin."""

    enabled = c.Type(bool, default=True)
    """Add the accent-free words to the search index."""
    exclude = c.ListOfItems(c.Type(str), default=[])
    """Locations (relative to the site root, ``reference/``) whose pages readers' search
    leaves out."""
    max_entry_chars = c.Type(int, default=site.SEARCH_ENTRY_CHARS)
    """Length of an entry's text above which it is cut into entries of that size."""


@dataclass(frozen=True, kw_only=True)
class _PageForIndex:
    """What Material's search index reads of a page, as it is when Material would read it."""

    meta: dict[str, Any]
    content: str
    toc: Any
    url: str
    title: Any


def _entries_of(index: Any, page: _PageForIndex) -> list[Any]:
    """The entries Material's ``index`` makes for ``page`` (the index is left empty)."""
    index.entries = []
    index.add_entry_from_context(page)
    entries: list[Any] = index.entries
    index.entries = []
    return entries


class _HandedIndex:
    """One build's pages indexed by a child process, and where their entries go.

    The child also makes each page's entries what readers' search gets
    (:func:`site.readers_entries`, with the plugin's ``exclude`` and ``max_entry_chars``
    as ``readers``): the index Material writes is complete.
    """

    def __init__(self, search: Any, readers: tuple[tuple[str, ...], int]) -> None:
        self.search = search
        self.exclude, self.max_chars = readers
        fresh = type(search.search_index)(**search.search_index.config)
        settings = dict(search.search_index.config)

        def index(page: _PageForIndex) -> list[Any]:
            return self._readers(_entries_of(fresh, page), settings)

        self.worker: Worker[_PageForIndex, list[Any]] = Worker(index, piece="index")
        self.slots: list[tuple[int, int] | int] = []
        """Per page in order: the range of its entries in Material's list, or the number of
        the page handed to the child."""
        self.handed = 0
        self._start = 0
        self._restore: tuple[bool, Any] | None = None

    def before(self, page: Page) -> None:
        """Just before Material indexes ``page``: hand it over, and tell Material to skip it."""
        self._start = len(self.search.search_index.entries)
        self._restore = None
        options = page.meta.get("search") or {}
        if not isinstance(options, dict) or options.get("exclude"):
            return
        self.worker.send(
            _PageForIndex(
                meta=dict(page.meta),
                content=str(page.content or ""),
                toc=page.toc,
                url=page.url,
                title=page.title,
            )
        )
        self._restore = ("search" in page.meta, page.meta.get("search"))
        page.meta["search"] = {**options, "exclude": True}

    def after(self, page: Page) -> None:
        """Just after: the page's own ``search`` options back, and its place kept."""
        if self._restore is None:
            self.slots.append((self._start, len(self.search.search_index.entries)))
            return
        present, options = self._restore
        if present:
            page.meta["search"] = options
        else:
            del page.meta["search"]
        self.slots.append(self.handed)
        self.handed += 1

    def _readers(self, entries: list[Any], settings: Any) -> list[Any]:
        return site.readers_entries(
            entries, settings, exclude=self.exclude, max_chars=self.max_chars
        )

    def finish(self) -> dict[str, Any]:
        """Material's index, every page's entries in the order they were written,
        complete as readers' search gets them; and that index.

        Raises:
            ValueError: Material's index is not shaped as this plugin knows it.
        """
        handed = self.worker.results()
        index = self.search.search_index
        merged: list[Any] = []
        for slot in self.slots:
            if isinstance(slot, tuple):  # a page Material indexed here
                merged.extend(self._readers(index.entries[slot[0] : slot[1]], index.config))
            else:
                merged.extend(handed[slot])
        index.entries = merged
        index.config = site.readers_config(index.config)
        return {"config": index.config, "docs": index.entries}


class SearchAccentsPlugin(BasePlugin[SearchAccentsConfig]):
    """Add accent-free words to Material's search index after it is written."""

    def __init__(self) -> None:
        self.index = site.SearchIndex()
        self.dirty = False
        self.serving = False
        self.handed: _HandedIndex | None = None
        self.fresh: dict[str, Any] | None = None
        """The index Material writes, already what readers get (made page by page)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A --dirty build indexes only the pages it renders again: the others keep the
        # entries of the index already in the site folder.
        self.dirty = dirty
        self.serving = command == "serve"
        self.index = site.SearchIndex(dirty=dirty)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # `mkdocs serve`'s reloads are partial builds (site_plugins/partial_reloads.py).
        if self.serving and reload_partially(builder):
            self.dirty = True
            self.index = site.SearchIndex(dirty=True)
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.handed, self.fresh = None, None
        if self.config.enabled:
            self._call(self.index.before_build, Path(config.site_dir))

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> None:
        search = config.plugins.get("material/search")
        enabled = search is not None and search.config.get("enabled", True)
        index = getattr(search, "search_index", None)
        # Material's index, as this plugin knows it (entries made by its own method).
        if (
            self.config.enabled
            and enabled
            and callable(getattr(index, "add_entry_from_context", None))
        ):
            readers = (tuple(self.config.exclude), self.config.max_entry_chars)
            self.handed = _HandedIndex(search, readers)

    # Around Material's search (priority 0) and after the infolettre plugin's (50), which
    # makes the titles what the index must read.
    @event_priority(10)
    def _hand_over(self, context: Any, /, *, page: Page, **kwargs: Any) -> None:
        if self.handed is not None:
            self.handed.before(page)

    @event_priority(-10)
    def _take_back(self, context: Any, /, *, page: Page, **kwargs: Any) -> None:
        if self.handed is not None:
            self.handed.after(page)

    on_page_context = CombinedEvent(_hand_over, _take_back)

    # Before Material's search plugin writes the index (priority 0): the entries made in the
    # child process are put back.
    @event_priority(10)
    def _put_back(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        handed, self.handed = self.handed, None
        if handed is not None:
            try:
                self.fresh = handed.finish()
            except ValueError as err:
                raise PluginError(f"index de recherche de Material inattendu : {err}") from err

    # Below the default priority: Material's search plugin writes the index in its own
    # on_post_build, which must have run. A --dirty build's is put into the last index;
    # one not made page by page (no page handed over) is read back and completed.
    @event_priority(-50)
    def _complete(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        if not self.config.enabled:
            return
        fresh, self.fresh = self.fresh, None
        try:
            written = self.index.complete(
                Path(config.site_dir),
                exclude=tuple(self.config.exclude),
                max_chars=self.config.max_entry_chars,
                fresh=fresh,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        if not written:
            log.info("pas d'index de recherche (%s) : plugin search absent ou désactivé", INDEX)

    on_post_build = CombinedEvent(_put_back, _complete)

    def on_build_error(self, *, error: Exception) -> None:
        handed, self.handed = self.handed, None
        if handed is not None:
            handed.worker.cancel()

    @staticmethod
    def _call(step: Any, *args: Any) -> None:
        try:
            step(*args)
        except GeneratorError as err:
            raise PluginError(str(err)) from err
