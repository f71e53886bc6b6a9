"""Compiled templates kept between processes: Jinja's bytecode cache, made harmless.

Every build compiles its templates again: the generator's (tens of milliseconds), the
theme's and the code reference's (mkdocstrings), a third of a second each on this
machine. Jinja can keep their compiled code in a folder of the system's temporary
directory that only this user may read (``_jinja2-cache-<uid>``), checked against each
template's source and Python's version. Two things are added here: a template's file is
named after the settings its environment has when it is loaded (other delimiters or
escaping, and a handler that changes them after making its environment, as
mkdocstrings' does, never read it), and a folder that cannot be made, read or written
costs the cache, never the build.
"""

from __future__ import annotations

import hashlib
import logging

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

log = logging.getLogger(__name__)


class _QuietCache(FileSystemBytecodeCache):
    """A bytecode cache keyed by the environment's settings too, whose failures leave the
    template to be compiled as usual."""

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # Jinja's own, with the settings of the environment now, which compiles next.
        key = f"{self.get_cache_key(name, filename)}-{_settings_digest(environment)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError as error:
            log.debug("cache des gabarits illisible : %s", error)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as error:
            log.debug("cache des gabarits non écrit : %s", error)


def _settings(environment: Environment) -> str:
    """What shapes the compiled code of ``environment``'s templates, as text."""
    return repr(
        (
            jinja2.__version__,
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.autoescape,
            environment.optimized,
            sorted(environment.extensions),
            environment.undefined.__name__,
        )
    )


def _settings_digest(environment: Environment) -> str:
    return hashlib.sha256(_settings(environment).encode()).hexdigest()[:16]


def keep_compiled(environment: Environment, name: str) -> None:
    """Give ``environment`` (called ``name`` in the cache files' names) a bytecode cache,
    unless the system's temporary directory offers no safe folder for one."""
    try:
        environment.bytecode_cache = _QuietCache(pattern=f"infolettre-{name}-%s.cache")
    except (OSError, RuntimeError) as error:  # Jinja's check of the folder
        log.debug("pas de cache des gabarits : %s", error)
