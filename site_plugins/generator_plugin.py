"""MkDocs plugin: run the generator during the build and inject its pages.

All the work is in :mod:`generator`; the hooks only resolve paths, call it, and hand
its pages to MkDocs as generated files. The pages are kept in a cache folder (only the
files whose bytes changed are written), which a build with no input changed reuses
(:mod:`generator.pages.build_cache`). Fresh pages go to MkDocs from memory while a child process
writes that folder, but posts, which Material's blog plugin reads from disk, and every
page of a ``--dirty`` build, which compares file dates, are written first.

The site's own feeds (:mod:`generator.pages.feeds_out`) say of each item what the generator
says of it (its feed entries, by docs path); the plugin only collects, in
``on_page_content``, the URL and HTML MkDocs made of those pages. Once all are converted
(``on_env``) the feeds are written in a child process while MkDocs renders the templates,
and ``on_post_build`` waits for it. Every page's ``<head>`` links them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from generator.errors import GeneratorError
from generator.pages import excerpts, feeds_out, plain_text, raw_html
from generator.pages.build_cache import site_pages
from generator.parallel import Background
from generator.themes import catalog

log = get_plugin_logger(__name__)


def _is_category(page: Page) -> bool:
    """Whether ``page`` is a category page of Material's blog."""
    kind = type(page)
    return kind.__name__ == "Category" and kind.__module__.startswith("material.plugins.blog")


class _Count(c.Type[int]):
    """A whole number, at least 1 (``true`` is not one, though Python counts it as 1)."""

    def __init__(self, default: int) -> None:
        super().__init__(int, default=default)

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise base.ValidationError(
                f"un nombre entier supérieur ou égal à 1 est attendu, pas « {value!r} »"
            )
        return value


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
    feed_items = _Count(default=feeds_out.DEFAULT_LIMIT)
    """How many items each feed keeps, the most recent."""


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
        self.feed_entries: dict[str, feeds_out.FeedEntry] = {}
        """What the feeds say of each page that can be an item, by docs path."""
        self.cache_job: Background[int] | None = None
        """The generator's cache being written, from ``on_files`` to ``on_post_build``."""
        self.feeds_job: Background[int] | None = None
        """The feeds being written, from ``on_env`` to ``on_post_build``."""
        self.generated: set[str] = set()
        """The source paths of the generated pages."""
        self.raw_html: dict[str, list[raw_html.Block]] = {}
        """HTML set aside during the Markdown conversion of generated pages, by page."""

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
            # Reused from the last build when no input changed (generator/pages/build_cache.py).
            # Fresh pages are handed over from memory while the cache is written beside
            # the build; a --dirty build compares the cached files' dates, so they must be
            # there first.
            generated = site_pages(
                self.content_dir,
                self.pages_dir.parent,
                now=datetime.now(UTC),
                include_drafts=self.serving and self.config.drafts_on_serve,
                defer=not self.dirty,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        if generated.note:
            log.info(generated.note)
        report = log.warning if self.config.content_warnings == "warn" else log.info
        for warning in generated.warnings:
            report(warning)
        self.cache_job = generated.pending
        self.feed_tags = list(generated.tags)
        self.feed_entries = dict(generated.feed_entries)
        self.generated = {page.path for page in generated.pages}
        for page in generated.pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(
                    f"« {page.path} » existe dans {config.docs_dir} et est aussi produit par "
                    "le générateur : retirez l'un des deux"
                )
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            text = generated.texts.get(page.path)
            if text is not None:
                files.append(File.generated(config, page.path, content=text, inclusion=inclusion))
            else:
                files.append(
                    File.generated(
                        config,
                        page.path,
                        abs_src_path=str(self.pages_dir / page.path),
                        inclusion=inclusion,
                    )
                )
        return files

    def _feeds_on(self, config: MkDocsConfig) -> bool:
        return bool(self.config.enabled and self.config.feeds and config.site_url)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Each `mkdocs serve` rebuild collects the pages afresh.
        self.feeds_job = self.cache_job = None
        self.rendered = []
        self.raw_html = {}

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # Titles and summaries are text, escaped where the theme prints them
        # (generator/pages/plain_text.py): they come from feeds, e-mails and front matter.
        plain_text.mark(page.meta)
        name = getattr(page, "name", None)
        if _is_category(page) and isinstance(name, str):
            # Material's blog writes a category's page as "# <name>", its Markdown taken
            # from the editors' front matter as it is.
            page.meta["title"] = plain_text.PlainText(name)
            if markdown.strip() == f"# {name}":
                return plain_text.heading_markdown(name) + "\n"
        # The HTML of generated pages skips the Markdown conversion (generator/pages/raw_html.py);
        # an editor's post is converted whole.
        src_uri = page.file.src_uri
        if src_uri not in self.generated or src_uri.startswith(catalog.POSTS_URI + "/"):
            return None
        markdown, blocks = raw_html.set_aside(markdown)
        if blocks:
            self.raw_html[src_uri] = blocks
        return markdown

    # First of the on_page_content hooks: the others see the page with its HTML put back.
    @event_priority(100)
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # A page without a front-matter title takes its first heading's text (MkDocs
        # reads it decoded, "a < b"): text too, escaped where the theme prints it.
        from_heading = getattr(page, "_title_from_render", None)
        if isinstance(from_heading, str):
            page._title_from_render = plain_text.PlainText(from_heading)
        src_uri = page.file.src_uri
        blocks = self.raw_html.pop(src_uri, None)
        if blocks:
            html = raw_html.put_back(html, blocks)
        # A --dirty build writes no feeds (on_post_build): nothing to collect.
        if self.dirty or not self._feeds_on(config) or not page.canonical_url:
            return html
        if src_uri in self.feed_entries:
            self.rendered.append(
                feeds_out.RenderedPage(src_uri=src_uri, url=page.canonical_url, html=html)
            )
        return html

    # Around Material's search (priority 0), which indexes a page's title as HTML when
    # the page does not begin with a heading.
    @event_priority(50)
    def _before_index(self, context: Any, /, *, page: Page, **kwargs: Any) -> None:
        plain_text.for_index(page.meta)

    @event_priority(-90)
    def _after_index(self, context: Any, /, *, page: Page, **kwargs: Any) -> None:
        plain_text.after_index(page.meta)

    on_page_context = CombinedEvent(_before_index, _after_index)

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        # The theme prints titles and descriptions unescaped: text marked as such
        # (on_page_markdown) is escaped once (generator/pages/plain_text.py).
        plain_text.install(env)
        # Every page is rendered by now: a post's Markdown is only read again for its
        # excerpts on the blog's listings, which need its beginning alone.
        if not self.config.enabled:
            return None
        self._start_feeds(config)
        blog = config.plugins.get("material/blog")
        if blog is None:
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

    def _write_feeds(self, config: MkDocsConfig) -> int:
        # Each feed is written as soon as it is made: together they weigh hundreds of
        # megabytes on a site of thousands of items.
        specs = feeds_out.site_feeds(
            self.rendered,
            self.feed_entries,
            site_url=config.site_url or "",
            site_name=config.site_name,
            site_description=config.site_description or config.site_name,
            tags=self.feed_tags,
            limit=self.config.feed_items,
        )
        self.rendered = []  # hundreds of megabytes on a large site
        return feeds_out.write_feeds(specs, Path(config.site_dir), built=datetime.now(UTC))

    def _start_feeds(self, config: MkDocsConfig) -> None:
        # Every page is converted by now, and the feeds need nothing else: they are
        # written in a child process while MkDocs renders the pages' templates
        # (generator/parallel.py; in this process, at the end, under `mkdocs serve`).
        if self._feeds_on(config) and not self.dirty:
            self.feeds_job = Background(lambda: self._write_feeds(config), piece="feeds")
            if self.feeds_job.forked:
                self.rendered = []

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        # Nothing survives from one `mkdocs serve` rebuild to the next but the cache on disk.
        cache_job, self.cache_job = self.cache_job, None
        if cache_job is not None:
            log.debug("%d pages écrites dans le cache", cache_job.result())
        job, self.feeds_job = self.feeds_job, None
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
        if job is not None:
            log.debug("%d flux écrits", job.result())
        return None

    def on_build_error(self, *, error: Exception) -> None:
        # The cache's manifest is written last: an interrupted cache is never reused.
        for job in (self.feeds_job, self.cache_job):
            if job is not None:
                job.cancel()
        self.feeds_job = self.cache_job = None
