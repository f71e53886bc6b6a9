"""MkDocs plugin ``demos``: run the build-time demos and put their results in the pages.

All the work is in :mod:`generator.demo` (the site's policy in
:mod:`generator.demo.site`, whose :class:`~generator.demo.site.DemoSite` holds one
build's state); the hooks only translate MkDocs' objects and call it:

- ``on_files`` hands it every page's text; it finds the ``{{< demo … >}}`` directives,
  obtains each distinct run once (from the cache, a frozen result, or by running the
  demo), and names the figures the plugin adds as generated files
  ``demos/<name>/<digest>/<file>``;
- ``on_page_markdown`` hands it each page, whose directives it replaces by the figures,
  metrics and tables, with their provenance.

Nothing is remembered from one ``mkdocs serve`` rebuild to the next but the cache on
disk. With ``enabled: false`` nothing runs: each directive shows its frozen result, or a
notice when none matches. Each run is told on the build's log (INFO) as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.demo.site import ON_ERROR_CHOICES, DemoSite, open_site
from generator.errors import GeneratorError
from site_plugins.partial_reloads import reload_partially, render_again

# Named for the plugin, so that its lines read "demos: démo mnist : en cache (…)".
log = get_plugin_logger("demos")


class DemosConfig(base.Config):
    """Options of the ``demos`` plugin."""

    enabled = c.Type(bool, default=True)
    """Run the demos. When false (``INFOLETTRE_DEMOS=false``), nothing runs: each directive
    shows the frozen result of its demo's current sources, or a notice saying that the
    demonstration is not run in this build and its results are not frozen for this
    version."""
    cache_dir = c.Type(str, default=".cache/demos")
    """Where results are cached, relative to ``mkdocs.yml``."""
    freeze_dir = c.Type(str, default="demos/_freeze")
    """Where frozen results are committed, relative to ``mkdocs.yml``."""
    freeze = c.Type(bool, default=True)
    """Use a frozen result whose sources match when the cache has none (instead of running)."""
    timeout = c.Optional(c.Type(int))
    """Time limit in seconds for every run, instead of each demo's ``TIMEOUT_S``."""
    on_error = c.Choice(ON_ERROR_CHOICES, default="stop")
    """When a run fails: ``stop`` the build, or ``keep_last``: show the last good result of
    the same demo and parameters, under a warning. A directive may set ``on_error`` too."""
    package = c.Type(str, default="demos")
    """The Python package holding the demos (``python -m <package>.<name>``)."""
    package_dir = c.Type(str, default=".")
    """The folder holding that package, relative to ``mkdocs.yml`` (put on ``PYTHONPATH``)."""
    data_dir = c.Type(str, default=".cache/data")
    """The demos' data folder (``DEMO_DATA_DIR``), relative to ``mkdocs.yml``."""


def _extension_names(config: MkDocsConfig) -> list[str]:
    """The short names of the site's Markdown extensions (``tables``)."""
    names = []
    for extension in config.markdown_extensions:
        name = extension if isinstance(extension, str) else type(extension).__module__
        names.append(name.rsplit(".", 1)[-1])
    return names


def _page_texts(
    files: Files, inclusion: Callable[[InclusionLevel], bool]
) -> Iterator[tuple[str, str]]:
    """``(src_uri, Markdown)`` of each page MkDocs builds."""
    for file in files.documentation_pages(inclusion=inclusion):
        try:
            yield file.src_uri, file.content_string
        except (OSError, UnicodeDecodeError):
            continue  # MkDocs reports an unreadable page itself when it reads it


class DemosPlugin(BasePlugin[DemosConfig]):
    """Run the demos named in the pages and show their results."""

    def __init__(self) -> None:
        self.site = DemoSite(None)
        self.serving = False
        self.partial = False
        """The builds render only the pages whose file changed (`--dirty`, and the
        reloads of `mkdocs serve`): a page showing a demo is rendered again each time."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.partial = dirty

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # `mkdocs serve`'s reloads are partial builds (site_plugins/partial_reloads.py).
        if self.serving and reload_partially(builder):
            self.partial = True
        return server

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        try:
            self.site = open_site(
                Path(config.config_file_path).resolve().parent,
                enabled=self.config.enabled,
                extensions=_extension_names(config),
                package=self.config.package,
                package_dir=self.config.package_dir,
                cache_dir=self.config.cache_dir,
                freeze_dir=self.config.freeze_dir,
                data_dir=self.config.data_dir,
                timeout_s=self.config.timeout,
                on_error=self.config.on_error,
                use_freeze=self.config.freeze,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        # `mkdocs serve` rebuilds when a demo's code changes.
        watch = self.site.watch_dir
        if watch is not None and str(watch) not in config.watch:
            config.watch.append(str(watch))
        return config if self.config.enabled else None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        included = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        try:
            figures = self.site.collect(
                _page_texts(files, included), existing=files.src_uris, report=log.info
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        for figure in figures:
            files.append(File.generated(config, figure.uri, abs_src_path=str(figure.source)))
        if self.partial:
            # A demo's code edited changes its pages, not their files.
            for src_uri in sorted(self.site.pages):
                page = files.get_file_from_path(src_uri)
                if page is not None:
                    render_again(page)
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        try:
            return self.site.render_page(markdown, page.file.src_uri)
        except GeneratorError as err:
            raise PluginError(str(err)) from err

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        self.site.forget()
