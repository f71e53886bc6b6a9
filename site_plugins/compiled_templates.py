"""MkDocs adapter: the theme's templates and the code reference's, compiled once per
machine (:mod:`generator.template_cache`).

MkDocs makes a new Jinja environment for each build, ``mkdocs serve``'s rebuilds too,
and mkdocstrings a new handler: each compiled its templates again (a third of a second
each for Material's 60 and mkdocstrings' 35). Jinja checks each template's source: an
edited one is compiled again.
"""

from __future__ import annotations

import logging

import jinja2
from mkdocs.config.defaults import MkDocsConfig

from generator import template_cache

log = logging.getLogger(__name__)


def keep_compiled(env: jinja2.Environment) -> None:
    """The theme's templates compiled once per machine (:mod:`generator.template_cache`):
    MkDocs makes a new environment for each build, ``mkdocs serve``'s rebuilds too, which
    compiled every template again (a third of a second). Jinja checks each one's source:
    an edited template is compiled again."""
    template_cache.keep_compiled(env, "theme")


def keep_reference_compiled(config: MkDocsConfig) -> None:
    """The templates of the code reference (mkdocstrings' default handler) compiled once
    per machine too (a third of a second). Before the pages are read: the handler,
    which mkdocstrings makes for the first page that needs it, is made now."""
    reference = config.plugins.get("mkdocstrings")
    get_handler = getattr(reference, "get_handler", None)
    name = getattr(getattr(reference, "config", None), "default_handler", None)
    if not getattr(reference, "plugin_enabled", False) or not callable(get_handler):
        return
    try:
        handler_env = getattr(get_handler(name), "env", None)
    except Exception as error:
        # A site without code blocks builds without the handler: the cache, not the
        # build, pays for one that cannot be made.
        log.debug("gabarits de la référence non gardés : %s", error)
        return
    if isinstance(handler_env, jinja2.Environment):
        template_cache.keep_compiled(handler_env, f"mkdocstrings-{name}")
