"""MkDocs plugin ``publication``: what the published site needs around its pages.

All the work is in :mod:`generator.publish` (the site's policy in
:mod:`generator.publish.site`, whose :class:`~generator.publish.site.Publication` holds
one build's state); the hooks only translate MkDocs' objects and call it:

- ``on_config`` checks the ``extra.infolettre`` block of ``mkdocs.yml`` and the content
  folder (the ``infolettre`` plugin's), and puts the plugin's templates (a French
  ``404.html``) before the theme's;
- ``on_files`` adds the subscription page (``abonnement/``), built from the vocabulary
  and the followed sources, so that it lists every feed the site writes;
- ``on_post_page`` adds link-preview metadata (Open Graph, Twitter card) to each page;
- ``on_post_build`` writes Netlify's ``_headers`` (a Content-Security-Policy allowing by
  hash the inline scripts of the site's own templates, which
  :mod:`site_plugins.theme_scripts` renders) and ``_redirects`` (the old Hugo addresses).

Nothing is remembered from one ``mkdocs serve`` rebuild to the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.errors import GeneratorError
from generator.publish.site import PageFacts, Publication, open_publication

from . import theme_fragments
from .theme_scripts import template_scripts

log = get_plugin_logger(__name__)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
"""Theme templates of the plugin: ``404.html``."""


class PublicationConfig(base.Config):
    """Options of the ``publication`` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off: no subscription page, preview metadata or Netlify files."""
    content_dir = c.Optional(c.Type(str))
    """The editors' content folder, relative to ``mkdocs.yml``: by default the
    ``infolettre`` plugin's (``content`` without it); set to another folder, an error."""
    share_meta = c.Type(bool, default=True)
    """Add Open Graph and Twitter card metadata to every page (needs ``site_url``)."""
    netlify = c.Type(bool, default=True)
    """Write Netlify's ``_headers`` and ``_redirects`` into the site folder."""
    cache_dir = c.Type(str, default=".cache/publication")
    """Where the inline code found in each page is remembered between builds, relative
    to ``mkdocs.yml``."""


class PublicationPlugin(BasePlugin[PublicationConfig]):
    """Subscription page, link previews, and Netlify's headers and redirects."""

    def __init__(self) -> None:
        self.site: Publication | None = None
        """One build's publication; ``None`` when the plugin is off."""
        self.env: Any = None
        self.nav: Navigation | None = None
        self.files: Files | None = None
        """What rendering the templates for a page without content needs (the CSP)."""

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> None:
        self.env, self.files = env, files
        if self.site is not None:
            theme_fragments.install(env)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.site is not None:
            self.site.start_build()

    def on_build_error(self, *, error: Exception) -> None:
        if self.site is not None:
            self.site.cancel()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.site = None
        if not self.config.enabled:
            return None
        generator = config.plugins.get("infolettre")
        try:
            self.site = open_publication(
                Path(config.config_file_path),
                config.extra,
                shared_content_dir=getattr(getattr(generator, "config", None), "content_dir", None),
                own_content_dir=self.config.content_dir,
                cache_dir=self.config.cache_dir,
                share_meta=self.config.share_meta,
                netlify=self.config.netlify,
                site_url=config.site_url,
                site_name=config.site_name,
                site_description=config.site_description or "",
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        # The French 404 page: our templates come before the theme's, after a custom_dir
        # of the site's own (which keeps the last word).
        position = 1 if config.theme.custom_dir else 0
        if TEMPLATES not in config.theme.dirs:
            config.theme.dirs.insert(position, TEMPLATES)
        for notice in self.site.notices:
            log.info(notice)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.site is None:
            return None
        try:
            page = self.site.subscription(existing=files.src_uris, docs_dir=config.docs_dir)
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        files.append(File.generated(config, page.path, content=page.text or ""))
        return files

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.site is None:
            return None
        facts = PageFacts(
            meta=page.meta,
            src_uri=page.file.src_uri,
            title=str(page.title or ""),
            is_homepage=page.is_homepage,
            url=page.canonical_url,
            dest=Path(page.file.abs_dest_path),
        )
        return self.site.post_page(output, facts)

    def _template_scripts(self, config: MkDocsConfig, depths: Iterable[int]) -> set[str]:
        """The inline scripts of the templates, for pages at ``depths``."""
        if self.env is None or self.nav is None or self.files is None:
            raise PluginError("publication : gabarits indisponibles pour la politique CSP")
        try:
            return template_scripts(self.env, config, self.nav, self.files, depths)
        except Exception as err:  # a template that cannot render without content
            raise PluginError(
                f"publication : rendu des gabarits pour la politique CSP impossible : {err}"
            ) from err

    # Last of all post-build hooks: the headers hash the inline scripts of every page, and
    # the redirects check their targets, including the feeds other plugins write here.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        if self.site is None:
            return
        try:
            written = self.site.finish(
                Path(config.site_dir),
                template_scripts=lambda depths: self._template_scripts(config, depths),
                now=datetime.now(UTC),
                warn=log.warning,
                inform=log.info,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        if written is not None:
            log.debug(written.summary)
