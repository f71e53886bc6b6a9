"""MkDocs plugin ``search_accents``: searching without accents finds accented words.

Material's search index (``search/search_index.json``) gets, for each entry, the entry's
accented words without their accents (:mod:`generator.pages.search_accents` says why Material
cannot do it itself). The hook only reads the file Material's ``search`` plugin wrote,
calls the generator, and writes it back, in a child process while the other post-build
hooks run; it waits for it after them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger

from generator.pages.search_accents import add_accent_free_field, merge_rebuilt
from generator.parallel import Background

log = get_plugin_logger(__name__)

INDEX = Path("search") / "search_index.json"
"""Where Material's ``search`` plugin writes its index, relative to ``site_dir``."""


class SearchAccentsConfig(base.Config):
    """Options of the ``search_accents`` plugin."""

    enabled = c.Type(bool, default=True)
    """Add the accent-free words to the search index."""


def _read_index(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PluginError(f"{path} : index de recherche illisible : {err}") from err


def fold_index(path: Path, previous: Any = None) -> None:
    """Add the accent-free words to the index at ``path``, in place; after a ``--dirty``
    build, the ``previous`` index gives the pages not rendered again.

    Raises:
        PluginError: The index cannot be read or is not Material's.
    """
    try:
        folded = add_accent_free_field(_read_index(path))
        if previous is not None:
            folded = merge_rebuilt(previous, folded)
    except ValueError as err:
        raise PluginError(f"{path} : index de recherche illisible : {err}") from err
    path.write_text(json.dumps(folded, separators=(",", ":")), encoding="utf-8")


class SearchAccentsPlugin(BasePlugin[SearchAccentsConfig]):
    """Add accent-free words to Material's search index after it is written."""

    def __init__(self) -> None:
        self.job: Background[None] | None = None
        """The index being folded, between the two post-build hooks."""
        self.dirty = False
        self.previous: Any = None
        """The site's index before a ``--dirty`` build (read before Material replaces it)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.dirty = dirty

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # A --dirty build indexes only the pages it renders again: the others keep the
        # entries of the index already in the site folder.
        self.previous = None
        path = Path(config.site_dir) / INDEX
        if self.config.enabled and self.dirty and path.is_file():
            self.previous = _read_index(path)

    # Below the default priority: Material's search plugin writes the index in its own
    # on_post_build, which must have run. The folding runs in a child process while the
    # other post-build hooks go on (generator/parallel.py), and is waited for last.
    @event_priority(-50)
    def _start(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        self.job = None
        if not self.config.enabled:
            return None
        path = Path(config.site_dir) / INDEX
        if not path.is_file():
            log.info("pas d'index de recherche (%s) : plugin search absent ou désactivé", INDEX)
            return None
        previous, self.previous = self.previous, None
        self.job = Background(lambda: fold_index(path, previous), piece="accents")
        if not self.job.forked:  # in this process, now
            self._finish(config=config)
        return None

    @event_priority(-200)
    def _finish(self, /, *, config: MkDocsConfig, **kwargs: Any) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.result()

    on_post_build = CombinedEvent(_start, _finish)

    def on_build_error(self, *, error: Exception) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None
