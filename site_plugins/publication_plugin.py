"""MkDocs plugin ``publication``: what the published site needs around its pages.

All the work is in :mod:`generator` (``subscription``, ``share_meta``,
``netlify_headers``, ``redirects``); the hooks only read settings and files and call it:

- ``on_config`` checks the ``extra.infolettre`` block of ``mkdocs.yml``, and puts the
  plugin's templates (a French ``404.html``) before the theme's;
- ``on_files`` adds the subscription page (``abonnement/``), built from the vocabulary
  and the followed sources, so that it lists every feed the site writes;
- ``on_post_page`` adds link-preview metadata (Open Graph, Twitter card) to each page;
- ``on_post_build`` writes Netlify's ``_headers`` (a Content-Security-Policy allowing by
  hash the inline scripts of the site's own templates, and only those: a page holding
  another inline script stops the build, named) and ``_redirects`` (the old Hugo
  addresses).

Nothing is remembered from one ``mkdocs serve`` rebuild to the next.
"""

from __future__ import annotations

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

from generator.content.loader import load_feeds, load_taxonomy
from generator.errors import GeneratorError
from generator.publish.netlify_headers import headers_from_inline
from generator.publish.redirects import redirects_file, site_redirects
from generator.publish.share_meta import page_share_info, with_share_tags
from generator.publish.site_config import PublicationSettings, publication_settings
from generator.publish.site_inline import PageScanner
from generator.publish.subscription import subscription_page

from .theme_scripts import depth_of, template_scripts

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
        self.content_dir: Path | None = None
        self.settings = PublicationSettings()
        self.scanner: PageScanner | None = None
        """Reads each rendered page's inline code, from the first page to the post-build."""
        self.env: Any = None
        self.nav: Navigation | None = None
        self.files: Files | None = None
        """What rendering the templates for a page without content needs (the CSP)."""

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> None:
        self.env, self.files = env, files

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.scanner = None

    def on_build_error(self, *, error: Exception) -> None:
        if self.scanner is not None:
            self.scanner.cancel()
            self.scanner = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.content_dir = self._content_dir(config)
        # The French 404 page: our templates come before the theme's, after a custom_dir
        # of the site's own (which keeps the last word).
        position = 1 if config.theme.custom_dir else 0
        if TEMPLATES not in config.theme.dirs:
            config.theme.dirs.insert(position, TEMPLATES)
        try:
            self.settings = publication_settings(config.extra, config.config_file_path)
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        if not self.settings.contact_email:
            log.info(
                "extra.infolettre.contact_email est vide : la page Abonnement annonce "
                "une adresse à venir"
            )
        return config

    def _content_dir(self, config: MkDocsConfig) -> Path:
        """One content folder for every plugin: the ``infolettre`` plugin's."""
        root = Path(config.config_file_path).resolve().parent
        generator = config.plugins.get("infolettre")
        shared = getattr(getattr(generator, "config", None), "content_dir", None)
        folder = (root / str(shared or "content")).resolve()
        own = self.config.content_dir
        if own is not None and (root / own).resolve() != folder:
            raise PluginError(
                f"publication.content_dir (« {own} ») diffère du dossier de contenu du "
                f"plugin infolettre (« {shared or 'content'} ») : un seul dossier de contenu "
                "pour tout le site ; retirez l'option de publication"
            )
        return folder

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.content_dir is None:
            return None
        try:
            taxonomy = load_taxonomy(self.content_dir)
            sources = load_feeds(self.content_dir)
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        page = subscription_page(
            taxonomy,
            sources,
            self.settings,
            site_url=config.site_url or "/",
            site_name=config.site_name,
        )
        if files.get_file_from_path(page.path) is not None:
            raise PluginError(
                f"« {page.path} » existe dans {config.docs_dir} et est aussi produit par le "
                "plugin publication : retirez l'un des deux"
            )
        files.append(File.generated(config, page.path, content=page.text or ""))
        return files

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        output = self._share_tags(output, page, config)
        # The page's inline code is read once it is written, beside the build
        # (generator/publish/site_inline.py).
        if self.config.netlify:
            if self.scanner is None:
                self.scanner = PageScanner(self._cache_file(config))
            self.scanner.add(Path(page.file.abs_dest_path))
        return output

    def _cache_file(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent / self.config.cache_dir / "inline.json"

    def _share_tags(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not (self.config.share_meta and config.site_url and page.canonical_url):
            return output
        info = page_share_info(
            page.meta,
            src_uri=page.file.src_uri,
            page_title=str(page.title or ""),
            is_homepage=page.is_homepage,
            url=page.canonical_url,
            site_url=config.site_url,
            site_name=config.site_name,
            site_description=config.site_description or "",
            default_image=self.settings.share_image,
        )
        return with_share_tags(output, info)

    def _template_scripts(self, config: MkDocsConfig, pages: list[tuple[str, Any]]) -> set[str]:
        """The inline scripts of the templates, at the depths of the built ``pages``."""
        if self.env is None or self.nav is None or self.files is None:
            raise PluginError("publication : gabarits indisponibles pour la politique CSP")
        try:
            return template_scripts(
                self.env, config, self.nav, self.files, (depth_of(path) for path, _ in pages)
            )
        except Exception as err:  # a template that cannot render without content
            raise PluginError(
                f"publication : rendu des gabarits pour la politique CSP impossible : {err}"
            ) from err

    # Last of all post-build hooks: the headers hash the inline scripts of every page, and
    # the redirects check their targets, including the feeds other plugins write here.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        if not (self.config.enabled and self.config.netlify) or self.content_dir is None:
            return None
        site_dir = Path(config.site_dir)
        scanner, self.scanner = self.scanner, None
        if scanner is None:
            scanner = PageScanner(self._cache_file(config))
        pages = scanner.finish(site_dir)
        headers = headers_from_inline(pages, self._template_scripts(config, pages))
        if headers.foreign:
            raise PluginError(
                "script en ligne que n'écrit aucun gabarit du site (la politique CSP le "
                "bloquerait ; du HTML du contenu qui passe pour du code ?) :\n  "
                + "\n  ".join(headers.foreign)
            )
        for problem in headers.problems:
            log.warning("code JavaScript en ligne que la politique CSP bloquerait : %s", problem)
        (site_dir / "_headers").write_text(headers.text, encoding="utf-8")

        try:
            redirects = site_redirects(self.content_dir, site_dir, now=datetime.now(UTC))
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        for skipped in redirects.skipped:
            log.info("redirection non écrite : %s", skipped)
        (site_dir / "_redirects").write_text(redirects_file(redirects), encoding="utf-8")
        log.debug(
            "_headers (%d empreintes de scripts) et _redirects (%d règles) écrits",
            len(headers.script_hashes),
            len(redirects.rules),
        )
        return None
