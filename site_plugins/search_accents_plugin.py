"""MkDocs plugin ``search_accents``: readers' search index, where searching without accents
finds accented words.

Material's search index (``search/search_index.json``) gets, for each entry, the entry's
accented words without their accents (:mod:`generator.pages.search_accents` says why Material
cannot do it itself); the pages of ``exclude`` (the code reference) are left out, and
entries longer than ``max_entry_chars`` are cut (:mod:`generator.pages.search_entries`).
The hook only reads the file Material's ``search`` plugin wrote, calls the generator, and
writes it back, in a child process while the other post-build hooks run; it waits for it
after them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from generator.errors import GeneratorError
from generator.pages import site

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


class SearchAccentsPlugin(BasePlugin[SearchAccentsConfig]):
    """Add accent-free words to Material's search index after it is written."""

    def __init__(self) -> None:
        self.index = site.SearchIndex()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # A --dirty build indexes only the pages it renders again: the others keep the
        # entries of the index already in the site folder.
        self.index = site.SearchIndex(dirty=dirty)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.config.enabled:
            self._call(self.index.before_build, Path(config.site_dir))

    # Below the default priority: Material's search plugin writes the index in its own
    # on_post_build, which must have run. The index is completed beside the other
    # post-build hooks, and waited for last.
    @event_priority(-50)
    def _start(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        started = self.config.enabled and self.index.start(
            Path(config.site_dir),
            exclude=tuple(self.config.exclude),
            max_chars=self.config.max_entry_chars,
        )
        if self.config.enabled and not started:
            log.info("pas d'index de recherche (%s) : plugin search absent ou désactivé", INDEX)

    @event_priority(-200)
    def _finish(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        self._call(self.index.finish)

    on_post_build = CombinedEvent(_start, _finish)

    def on_build_error(self, *, error: Exception) -> None:
        self.index.cancel()

    @staticmethod
    def _call(step: Any, *args: Any) -> None:
        try:
            step(*args)
        except GeneratorError as err:
            raise PluginError(str(err)) from err
