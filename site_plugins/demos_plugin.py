"""MkDocs plugin ``demos``: run the build-time demos and put their results in the pages.

All the work is in :mod:`generator.demo` (the site's policy in
:mod:`generator.demo.site`); the hooks only resolve paths and call it:

- ``on_files`` finds the ``{{< demo … >}}`` directives in every page, obtains each
  distinct run once (from the cache, a frozen result, or by running the demo), and adds
  the figures to the site as generated files ``demos/<name>/<digest>/<file>``;
- ``on_page_markdown`` replaces each directive by the figures, metrics and tables, with
  their provenance.

Nothing is remembered from one ``mkdocs serve`` rebuild to the next but the cache on
disk. With ``enabled: false`` nothing runs and each directive shows a notice instead.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.demo.directive import ON_ERROR_CHOICES, DemoDirective, RunRequest, find_directives
from generator.demo.render import (
    Shown,
    render_directive,
    render_disabled,
    replace_directives,
)
from generator.demo.runner import DemoProject, Outcome, project_at
from generator.demo.site import obtain_for_pages, site_folder
from generator.errors import ContentError, GeneratorError

# Named for the plugin, so that its lines read "demos: démo mnist : en cache (…)".
log = get_plugin_logger("demos")

REQUIRED_EXTENSIONS = ("admonition", "md_in_html", "tables")
"""Markdown extensions the rendered directives use."""


class DemosConfig(base.Config):
    """Options of the ``demos`` plugin."""

    enabled = c.Type(bool, default=True)
    """Run the demos. When false, nothing runs and each directive shows a notice saying
    that the demonstration is not run in this build (``INFOLETTRE_DEMOS=false``)."""
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


def _extension_names(config: MkDocsConfig) -> set[str]:
    names = set()
    for extension in config.markdown_extensions:
        name = extension if isinstance(extension, str) else type(extension).__module__
        names.add(name.rsplit(".", 1)[-1])
    return names


class DemosPlugin(BasePlugin[DemosConfig]):
    """Run the demos named in the pages and show their results."""

    def __init__(self) -> None:
        self.project: DemoProject | None = None
        self.serving = False
        self.outcomes: dict[RunRequest, Outcome] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.project = None
        self.outcomes = {}
        if not self.config.enabled:
            return None
        missing = [e for e in REQUIRED_EXTENSIONS if e not in _extension_names(config)]
        if missing:
            raise PluginError(
                f"plugin demos : extensions Markdown requises absentes de mkdocs.yml : "
                f"{', '.join(missing)}"
            )
        self.project = project_at(
            Path(config.config_file_path).resolve().parent,
            package=self.config.package,
            package_dir=self.config.package_dir,
            cache_dir=self.config.cache_dir,
            freeze_dir=self.config.freeze_dir,
            data_dir=self.config.data_dir,
            timeout_s=self.config.timeout,
        )
        # `mkdocs serve` rebuilds when a demo's code changes.
        package_dir = self.project.layout.package_dir
        if package_dir.is_dir() and str(package_dir) not in config.watch:
            config.watch.append(str(package_dir))
        return config

    def _scan(self, files: Files) -> dict[RunRequest, list[tuple[str, DemoDirective]]]:
        """Every directive of the site's pages, grouped by run, in page order."""
        included = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        runs: dict[RunRequest, list[tuple[str, DemoDirective]]] = {}
        for file in files.documentation_pages(inclusion=included):
            try:
                text = file.content_string
            except (OSError, UnicodeDecodeError):
                continue  # MkDocs reports an unreadable page itself when it reads it
            # Fast check first: almost no page has a directive.
            if "{{" not in text or "demo" not in text:
                continue
            try:
                directives = find_directives(text, page=file.src_uri)
            except ContentError as err:
                raise PluginError(str(err)) from err
            for directive in directives:
                runs.setdefault(directive.request, []).append((file.src_uri, directive))
        return runs

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        runs = self._scan(files)
        if self.project is None:
            if runs:
                count = sum(len(uses) for uses in runs.values())
                log.info("démonstrations désactivées : %d directive(s) non exécutée(s)", count)
            return None
        added: set[str] = set()
        for request, uses in runs.items():
            try:
                outcome = obtain_for_pages(
                    self.project,
                    request,
                    uses,
                    on_error=self.config.on_error,
                    use_freeze=self.config.freeze,
                    report=log.info,
                )
            except GeneratorError as err:
                raise PluginError(str(err)) from err
            self.outcomes[request] = outcome
            folder = site_folder(outcome)
            for figure in outcome.stored.result.figures:
                uri = f"{folder}/{figure.file}"
                if uri in added:
                    continue
                if files.get_file_from_path(uri) is not None:
                    raise PluginError(f"« {uri} » existe déjà dans le site : retirez-le")
                abs_path = outcome.stored.folder / figure.file
                files.append(File.generated(config, uri, abs_src_path=str(abs_path)))
                added.add(uri)
        return files

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if "{{" not in markdown or "demo" not in markdown:
            return None
        src_uri = page.file.src_uri
        try:
            directives = find_directives(markdown, page=src_uri)
        except ContentError as err:
            raise PluginError(str(err)) from err
        if not directives:
            return None
        if self.project is None:
            return replace_directives(markdown, directives, render_disabled)
        page_dir = posixpath.dirname(src_uri) or "."
        noted: set[RunRequest] = set()  # a run's notes are shown once per page

        def render(directive: DemoDirective) -> str:
            outcome = self.outcomes.get(directive.request)
            if outcome is None:
                # Only a plugin that adds a directive after on_files gets here.
                raise PluginError(
                    f"{src_uri}: directive demo « {directive.request.label} » ajoutée après "
                    "la lecture des pages : non exécutée"
                )
            prefix = posixpath.relpath(site_folder(outcome), page_dir) + "/"
            shown = Shown(
                result=outcome.stored.result,
                link_prefix=prefix,
                status=outcome.status,
                failure=outcome.failure,
            )
            notes = directive.request not in noted
            noted.add(directive.request)
            return render_directive(directive, shown, notes=notes)

        return replace_directives(markdown, directives, render)

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        # Nothing survives from one `mkdocs serve` rebuild to the next but the cache on disk.
        self.outcomes = {}
