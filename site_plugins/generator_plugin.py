"""MkDocs plugin: run the generator during the build and inject its pages.

All the work is in :mod:`generator`; the hooks only resolve paths, call it, and hand
its pages to MkDocs as generated files. Pages are written to a cache folder first
(only those whose bytes changed) because Material's blog plugin reads posts from disk;
a build with no input changed reuses them (:mod:`generator.build_cache`).

The site's own feeds (:mod:`generator.feeds_out`) are made the same way: each rendered
post, feed item and knowledge-base page is collected in ``on_page_content``, and the
feeds are written in ``on_post_build``; every page's ``<head>`` links them.
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
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator import catalog, excerpts, feeds_out, raw_html
from generator.build_cache import site_pages
from generator.errors import GeneratorError

log = get_plugin_logger(__name__)


class GeneratorConfig(base.Config):
    """Options of the ``infolettre`` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off (the site then has only what ``docs_dir`` holds)."""
    content_dir = c.Type(str, default="content")
    """The editors' content folder, relative to ``mkdocs.yml``."""
    cache_dir = c.Type(str, default=".cache/generator")
    """Where generated pages are written before MkDocs reads them, relative to ``mkdocs.yml``."""
    content_warnings = c.Choice(("warn", "info"), default="warn")
    """How problems in content that do not stop the build are logged (unknown shortcode,
    missing image, unknown author): ``warn`` makes ``--strict`` fail on them, ``info``
    reports them without failing."""
    drafts_on_serve = c.Type(bool, default=False)
    """Show drafts and future-dated posts in ``mkdocs serve`` (never in ``mkdocs build``)."""
    feeds = c.Type(bool, default=True)
    """Write the site's RSS and JSON feeds (the newsletter's, and one per tag)."""


class GeneratorPlugin(BasePlugin[GeneratorConfig]):
    """Inject the generator's pages into the MkDocs build."""

    def __init__(self) -> None:
        self.content_dir: Path | None = None
        self.pages_dir: Path | None = None
        self.serving = False
        self.dirty = False
        self.rendered: list[feeds_out.RenderedPage] = []
        """The items' pages as MkDocs rendered them, for the feeds."""
        self.feed_tags: list[feeds_out.TagInfo] = []
        self.feed_dates: dict[str, datetime] = {}
        self.raw_html: dict[str, str] = {}
        """Feed items' HTML set aside during their Markdown conversion, by page."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

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
            # Reused from the last build when no input changed (generator/build_cache.py).
            generated = site_pages(
                self.content_dir,
                self.pages_dir.parent,
                now=datetime.now(UTC),
                include_drafts=self.serving and self.config.drafts_on_serve,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        if generated.note:
            log.info(generated.note)
        report = log.warning if self.config.content_warnings == "warn" else log.info
        for warning in generated.warnings:
            report(warning)
        self.feed_tags = list(generated.tags)
        self.feed_dates = dict(generated.dates)
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

    def _feeds_on(self, config: MkDocsConfig) -> bool:
        return bool(self.config.enabled and self.config.feeds and config.site_url)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Each `mkdocs serve` rebuild collects the pages afresh.
        self.rendered = []
        self.raw_html = {}

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # A feed item's HTML skips the Markdown conversion (generator/raw_html.py).
        if feeds_out.page_kind(page.file.src_uri) is not feeds_out.Kind.FEED_ITEM:
            return None
        markdown, html = raw_html.set_aside(markdown)
        if html is not None:
            self.raw_html[page.file.src_uri] = html
        return markdown

    # First of the on_page_content hooks: the others see the page with its item's HTML.
    @event_priority(100)
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        src_uri = page.file.src_uri
        if src_uri in self.raw_html:
            html = raw_html.put_back(html, self.raw_html.pop(src_uri))
        # A --dirty build writes no feeds (on_post_build): nothing to collect.
        if self.dirty or not self._feeds_on(config) or not page.canonical_url:
            return html
        if feeds_out.page_kind(src_uri) is None:
            return html
        # Material's blog plugin resolves the authors of posts (display names).
        authors = tuple(str(a.name) for a in getattr(page, "authors", None) or () if a.name)
        self.rendered.append(
            feeds_out.RenderedPage(
                src_uri=src_uri,
                url=page.canonical_url,
                meta=page.meta,
                html=html,
                authors=authors,
                date_fallback=self.feed_dates.get(src_uri),
            )
        )
        return html

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        # Every page is rendered by now: a post's Markdown is only read again for its
        # excerpts on the blog's listings, which need its beginning alone.
        blog = config.plugins.get("material/blog")
        if not self.config.enabled or blog is None:
            return None
        separator = str(blog.config.get("post_excerpt_separator", excerpts.SEPARATOR))
        prefix = catalog.POSTS_URI + "/"
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.markdown is None or not file.src_uri.startswith(prefix):
                continue
            short = excerpts.excerpt_markdown(page.markdown, separator)
            if short is not None:
                page.markdown = short
        return None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self._feeds_on(config) or "</head>" not in output:
            return None
        head = feeds_out.discovery_links(
            page.file.src_uri,
            site_url=config.site_url or "",
            site_name=config.site_name,
            tags=self.feed_tags,
        )
        return output.replace("</head>", head + "</head>", 1)

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        # Nothing survives from one `mkdocs serve` rebuild to the next but the cache on disk.
        if not (self.config.enabled and self.config.feeds):
            return None
        if not config.site_url:
            log.warning(
                "« site_url » absent de mkdocs.yml : les flux RSS et JSON ne sont pas écrits"
            )
            return None
        if self.dirty:
            # Only the changed pages were rendered: the feeds would miss the others.
            log.info("construction partielle (--dirty) : flux RSS et JSON non mis à jour")
            return None
        # Each feed is written as soon as it is made: together they weigh hundreds of
        # megabytes on a site of thousands of items.
        specs = feeds_out.feed_specs(
            feeds_out.feed_pages(self.rendered),
            site_url=config.site_url,
            site_name=config.site_name,
            site_description=config.site_description or config.site_name,
            tags=self.feed_tags,
        )
        self.rendered = []  # hundreds of megabytes on a large site
        written = feeds_out.write_feeds(specs, Path(config.site_dir), built=datetime.now(UTC))
        log.debug("%d flux écrits", written)
        return None
