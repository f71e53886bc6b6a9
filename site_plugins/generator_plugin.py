"""MkDocs plugin: run the generator during the build and inject its pages.

All the work is in :mod:`generator`; the hooks only resolve paths, call it, and hand
its pages to MkDocs as generated files. Pages are written to a cache folder first
(only those whose bytes changed) because Material's blog plugin reads posts from disk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.errors import GeneratorError
from generator.loader import load_content
from generator.output import write_pages
from generator.pages import generate

log = get_plugin_logger(__name__)


class GeneratorConfig(base.Config):
    """Options of the ``infolettre`` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off (the site then has only what ``docs_dir`` holds)."""
    content_dir = c.Type(str, default="content")
    """The editors' content folder, relative to ``mkdocs.yml``."""
    cache_dir = c.Type(str, default=".cache/generator")
    """Where generated pages are written before MkDocs reads them, relative to ``mkdocs.yml``."""
    drafts_on_serve = c.Type(bool, default=False)
    """Show drafts and future-dated posts in ``mkdocs serve`` (never in ``mkdocs build``)."""


class GeneratorPlugin(BasePlugin[GeneratorConfig]):
    """Inject the generator's pages into the MkDocs build."""

    def __init__(self) -> None:
        self.content_dir: Path | None = None
        self.pages_dir: Path | None = None
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path).resolve().parent
        self.content_dir = (root / self.config.content_dir).resolve()
        self.pages_dir = (root / self.config.cache_dir / "pages").resolve()
        # `mkdocs serve` rebuilds when an editor saves a file under content/.
        if str(self.content_dir) not in config.watch:
            config.watch.append(str(self.content_dir))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.content_dir is None or self.pages_dir is None:
            return None
        try:
            generated = generate(
                load_content(self.content_dir),
                now=datetime.now(UTC),
                include_drafts=self.serving and self.config.drafts_on_serve,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        for warning in generated.warnings:
            log.warning(warning)
        write_pages(generated.pages, self.pages_dir)
        for page in generated.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"« {page.path} » existe dans {config.docs_dir} et est aussi produit par "
                    "le générateur : retirez l'un des deux"
                )
            files.append(
                File.generated(
                    config,
                    page.path,
                    abs_src_path=str(self.pages_dir / page.path),
                    inclusion=InclusionLevel.UNDEFINED
                    if page.in_nav
                    else InclusionLevel.NOT_IN_NAV,
                )
            )
        return files

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        # Nothing survives from one `mkdocs serve` rebuild to the next but the cache on disk.
        return None
