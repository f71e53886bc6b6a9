"""The inline scripts the site's own templates write: the CSP's allow-list.

Material's ``base.html`` writes a few inline scripts in every page; one of them holds the
path to the site's root (``new URL("../..", location)``), so they differ with the page's
depth. They are found by rendering the theme's templates for a page without content at
each depth that the built pages have (and the error pages, whose root is absolute), never
by reading what the pages contain: a script that came with the content is not in this set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.publish.site import inline_scripts

PROBE = "csp-gabarit"
"""Folder name of the content-free pages rendered (never written)."""


def _empty_page(config: MkDocsConfig, files: Files, depth: int) -> Page:
    src_uri = "/".join([PROBE] * depth + ["index.md"])
    file = File.generated(config, src_uri, content="")
    page = Page("", file, config)
    page.read_source(config)
    page.render(config, files)
    return page


def template_scripts(
    env: Any,
    config: MkDocsConfig,
    nav: Navigation,
    files: Files,
    depths: Iterable[int],
) -> set[str]:
    """The text of each inline script that the templates write, for pages at ``depths``
    and for the theme's error pages (``404.html``).

    Args:
        env: The theme's Jinja environment, as the build renders pages with it.
        config: The site's configuration.
        nav: The site's navigation.
        files: The site's files.
        depths: Depths of the built pages (:func:`generator.publish.site.depth_of`).
    """
    from mkdocs.commands.build import get_context  # the build's own context

    scripts: set[str] = set()
    for depth in sorted(set(depths)):
        page = _empty_page(config, files, depth)
        context = get_context(nav, files, config, page)
        html = env.get_template("main.html").render(context)
        scripts.update(inline_scripts(html))
    root = urlsplit(config.site_url or "/").path or "/"
    for name in config.theme.static_templates:
        if not str(name).endswith(".html"):
            continue
        context = get_context(nav, files, config, base_url=root)
        html = env.get_template(str(name)).render(context)
        scripts.update(inline_scripts(html))
    return scripts
