"""MkDocs plugin: run the generator during the build and inject its pages.

All the work is in :mod:`generator.pages.site`; the hooks translate MkDocs' objects into
docs paths, URLs, HTML and folders, call one step of a
:class:`~generator.pages.site.SiteBuild` each, and hand the answer back to MkDocs
(generated files, log lines, errors). The titles and summaries of pages are text, which
the theme's Jinja environment escapes (:mod:`generator.pages.plain_text`, reached through
the same module).
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
from generator.pages import site
from site_plugins.compiled_templates import keep_compiled, keep_reference_compiled
from site_plugins.page_prerender import Prerender
from site_plugins.partial_reloads import PartialBuild, of_blog, reload_partially
from site_plugins.serve_watcher import watch_natively

log = get_plugin_logger(__name__)
plain_text = site.plain_text


def _url_style(config: MkDocsConfig) -> site.UrlStyle:
    """Where MkDocs publishes pages, and Material's blog its posts (``post_url_format``;
    without the blog, posts stay at their docs path)."""
    blog = config.plugins.get("material/blog")
    post_url_format = "" if blog is None else str(blog.config.get("post_url_format", ""))
    try:
        return site.UrlStyle(
            directory_urls=bool(config.use_directory_urls), post_url_format=post_url_format
        )
    except GeneratorError as err:
        raise PluginError(str(err)) from err


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
    feed_items = _Count(default=site.DEFAULT_FEED_ITEMS)
    """How many items each feed keeps, the most recent."""
    serve_watcher = c.Choice(("native", "polling"), default="native")
    """How ``mkdocs serve`` hears of saved files: from the system (``native``), or by
    comparing the folders every half second as MkDocs does (``polling``: for a folder
    shared with a virtual machine or a container, whose changes the system does not
    report)."""


class GeneratorPlugin(BasePlugin[GeneratorConfig]):
    """Inject the generator's pages into the MkDocs build."""

    def __init__(self) -> None:
        self.serving = False
        self.dirty = False
        self.build: site.SiteBuild | None = None
        """The generator's side of the build (kept from one `mkdocs serve` rebuild to the
        next; each starts afresh in on_files)."""
        self.prerender: Prerender | None = None
        """The child converting pages from the last one back, while MkDocs converts them
        from the first (:mod:`site_plugins.page_prerender`)."""
        self.partial = PartialBuild()
        """What each build left for the next, partial one (`mkdocs serve`'s reloads)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty
        self.partial = PartialBuild()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            self.build = None
            return None
        root = Path(config.config_file_path).resolve().parent
        content_dir = (root / self.config.content_dir).resolve()
        cache_dir = (root / self.config.cache_dir).resolve()
        self.build = site.SiteBuild(content_dir, cache_dir, dirty=self.dirty, serving=self.serving)
        # `mkdocs serve` rebuilds when an editor saves a file under content/.
        if str(content_dir) not in config.watch:
            config.watch.append(str(content_dir))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if self.build is None:
            return None
        settings = site.SiteSettings(
            site_url=config.site_url or "",
            site_name=config.site_name,
            site_description=config.site_description or "",
            feeds=self.config.feeds,
            feed_items=self.config.feed_items,
            urls=_url_style(config),
        )
        try:
            pages = self.build.generate(
                settings,
                now=datetime.now(UTC),
                include_drafts=self.serving and self.config.drafts_on_serve,
                exists=(file.src_uri for file in files),
                pages_folder=config.docs_dir,
            )
        except GeneratorError as err:
            raise PluginError(str(err)) from err
        note, warnings = self.build.messages()
        if note:
            log.info(note)
        report = log.warning if self.config.content_warnings == "warn" else log.info
        for warning in warnings:
            report(warning)
        for page in pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if page.text is not None:
                generated = File.generated(
                    config, page.path, content=page.text, inclusion=inclusion
                )
            else:
                generated = File.generated(
                    config, page.path, abs_src_path=str(page.file), inclusion=inclusion
                )
            files.append(generated)
        return files

    # Last of the on_nav hooks: the pages and their navigation are final.
    @event_priority(-100)
    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if not self.config.enabled:
            return None
        # MkDocs converts these, in this order (a --dirty build, those changed only).
        included = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        # What a partial build needs from the last one (nothing for a `mkdocs build`).
        if self.serving or self.dirty:
            why = self.partial.before_reading(config, files, nav.pages, partial=self.dirty)
            if why:
                log.info(f"{why} : toutes les pages rendues à nouveau")
        pages = files.documentation_pages(inclusion=included)
        if self.dirty:
            pages = [file for file in pages if file.is_modified()]
        keep_reference_compiled(config)
        self.prerender = Prerender.start(config, files, pages)
        return None

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page | None:
        if self.prerender is not None:
            self.prerender.hand(page)
        if self.serving and self.dirty:
            self.partial.hand(page)
        return None

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # Titles and summaries are text, escaped where the theme prints them: they come
        # from feeds, e-mails and front matter.
        plain_text.mark(page.meta)
        name = getattr(page, "name", None)
        if of_blog(page, "Category") and isinstance(name, str):
            # Material's blog writes a category's page as "# <name>", its Markdown taken
            # from the editors' front matter as it is.
            page.meta["title"] = plain_text.PlainText(name)
            if markdown.strip() == f"# {name}":
                return plain_text.heading_markdown(name) + "\n"
        if self.build is None:
            return None
        return self.build.before_markdown(page.file.src_uri, markdown)

    # First of the on_page_content hooks: the others see the page with its HTML put back.
    @event_priority(100)
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        # A page without a front-matter title takes its first heading's text (MkDocs
        # reads it decoded, "a < b"): text too, escaped where the theme prints it.
        if self.serving:
            self.partial.remember(page)
        from_heading = getattr(page, "_title_from_render", None)
        if isinstance(from_heading, str):
            page._title_from_render = plain_text.PlainText(from_heading)
        if self.build is None:
            return html
        return self.build.after_markdown(page.file.src_uri, html, url=page.canonical_url)

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
        # Every page is converted by now: the child converting them from the end stops.
        self._stop_prerender()
        if self.serving or self.dirty:
            said = self.partial.after_reading(config, files, partial=self.dirty)
            if said:
                log.info(said)
        # The theme prints titles and descriptions unescaped: text marked as such
        # (on_page_markdown) is escaped once.
        plain_text.install(env)
        keep_compiled(env)
        if self.build is None:
            return None
        self.build.write_feeds(Path(config.site_dir))
        blog = config.plugins.get("material/blog")
        if blog is None:
            return None
        # A post's Markdown is only read again for its excerpt on the blog's listings.
        separator = str(blog.config.get("post_excerpt_separator", site.EXCERPT_SEPARATOR))
        posts = {
            file.src_uri: file.page
            for file in files.documentation_pages()
            if file.page is not None and file.page.markdown is not None
        }
        pages = ((uri, str(page.markdown)) for uri, page in posts.items())
        for src_uri, short in self.build.post_excerpts(pages, separator):
            posts[src_uri].markdown = short
        return None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # The first build rendered every page; each reload renders the pages a change
        # reaches (site_plugins/partial_reloads.py), as soon as the system reports the
        # save (site_plugins/serve_watcher.py).
        if self.serving and reload_partially(builder):
            self.dirty = True
        if self.config.serve_watcher == "native":
            why = watch_natively(server, log.warning)
            if why:
                log.info(why)
        return server

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.build is None or "</head>" not in output:
            return None
        head = self.build.head(page.file.src_uri)
        return output.replace("</head>", head + "</head>", 1) if head else None

    def on_post_build(self, *, config: MkDocsConfig, **kwargs: Any) -> None:
        if self.build is None:
            return None
        for level, message in self.build.finish():
            getattr(log, level)(message)
        return None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_prerender()
        if self.build is not None:
            self.build.cancel()

    def _stop_prerender(self) -> None:
        if self.prerender is not None:
            self.prerender.stop()
            self.prerender = None
