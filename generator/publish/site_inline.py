"""The inline code of every page of a built site, read on all cores and remembered.

Python's HTML parser takes about 3 ms for one of Material's pages: seconds for a site of
thousands. A rebuild writes mostly the same bytes again, so what :func:`page_inline`
found is kept in a cache file by the digest of each page's bytes, along with the digest
of the code that found it; a page is parsed again only when its bytes (or that code)
changed. The cache is disposable: a missing or damaged file means parsing everything.

The cache also remembers each page's size, modification time and inode with its digest:
a ``--dirty`` build rewrites only the pages that changed, and a page whose file is the
one read last time is not read again. Only a file last written well before that reading
(:data:`SETTLED_NS`) is vouched for so: one written again within the same tick of the
file system's clock would keep its time.

During a build, :class:`PageScanner` reads the pages the cache does not know as they are
rendered, in a child process, so that the parsing overlaps MkDocs' own work.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.files import files_under, stat_key
from generator.parallel import Worker, map_forked
from generator.publish import netlify_headers
from generator.publish.netlify_headers import PageInline, pack_inline, page_inline, unpack_inline


def _code_digest() -> str:
    return hashlib.sha256(Path(netlify_headers.__file__).read_bytes()).hexdigest()


SETTLED_NS = 2_000_000_000
"""How long before a reading a file must have been written for its size, time and inode
to stand for its bytes at the next one (the coarsest clock of common file systems, FAT's,
counts in 2 s)."""


def _load(cache_file: Path | None, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the cache knows: inline code by digest, and ``[size, time, inode, digest]``
    by page path (:func:`~generator.files.stat_key` and the digest)."""
    if cache_file is None:
        return {}, {}
    try:
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict) or data.get("code") != code:
        return {}, {}
    pages, files = data.get("pages"), data.get("files")
    return (
        pages if isinstance(pages, dict) else {},
        files if isinstance(files, dict) else {},
    )


def _save(cache_file: Path, code: str, pages: Mapping[str, Any], files: Mapping[str, Any]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    partial = cache_file.with_name(cache_file.name + ".partial")
    partial.write_text(json.dumps({"code": code, "pages": pages, "files": files}), encoding="utf-8")
    os.replace(partial, cache_file)


def _digest(html: bytes) -> str:
    return hashlib.blake2b(html, digest_size=20).hexdigest()


def _scan(
    path: Path, known: Mapping[str, Any], seen: Any
) -> tuple[str, Any, tuple[int, int, int] | None]:
    """The page's digest, inline code (packed) and :func:`~generator.files.stat_key`,
    taken before its bytes are read (a change after it is seen at the next reading).
    ``seen`` is what the cache says of the file: its bytes are not read when its key and
    digest still hold."""
    stamp = stat_key(path)
    if stamp is not None and isinstance(seen, list) and len(seen) == 4 and tuple(seen[:3]) == stamp:
        packed = known.get(seen[3])
        if packed is not None:
            return str(seen[3]), packed, stamp
    html = path.read_bytes()
    digest = _digest(html)
    packed = known.get(digest)
    if packed is None:
        packed = pack_inline(page_inline(html.decode("utf-8")))
    return digest, packed, stamp


def scan_site(
    site_dir: Path,
    *,
    cache_file: Path | None = None,
    known: Mapping[str, Any] | None = None,
    seen: Mapping[str, Any] | None = None,
) -> list[tuple[str, PageInline]]:
    """``(path, inline code)`` of every HTML page under ``site_dir``, by path.

    Args:
        site_dir: The built site.
        cache_file: Where to remember what was found (``None``: parse every page).
        known: What is known already, by digest of the page's bytes (a
            :class:`PageScanner`'s cache and findings); ``None``: read ``cache_file``.
        seen: With ``known``, what the cache says of each page's file (``None``: nothing).
    """
    code = _code_digest()
    if known is None:
        known, seen = _load(cache_file, code)
    seen = seen or {}
    started = time.time_ns()
    paths = files_under(site_dir, ".html")
    scanned = map_forked(
        lambda path: _scan(site_dir / path, known, seen.get(path)), paths, piece="csp"
    )
    pages: list[tuple[str, PageInline]] = []
    keep: dict[str, Any] = {}
    stamps: dict[str, Any] = {}
    for path, (digest, packed, stamp) in zip(paths, scanned, strict=True):
        try:
            inline = unpack_inline(packed)
        except (ValueError, TypeError):  # a damaged entry of the cache
            inline = page_inline((site_dir / path).read_text(encoding="utf-8"))
            packed = pack_inline(inline)
        keep[digest] = packed
        if stamp is not None and stamp[1] < started - SETTLED_NS:
            stamps[path] = [*stamp, digest]
        pages.append((path, inline))
    if cache_file is not None:
        _save(cache_file, code, keep, stamps)
    return pages


BATCH = 32
"""Pages handed over to the child process at a time."""


def _read_written(paths: list[str], known: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """``(digest, inline code)`` of each page at ``paths`` that is there and whose bytes
    the cache does not know (:func:`scan_site` has the last word in any case)."""
    found = []
    for path in paths:
        try:
            html = Path(path).read_bytes()
        except OSError:
            continue
        digest = _digest(html)
        if digest not in known:
            found.append((digest, pack_inline(page_inline(html.decode("utf-8")))))
    return found


class PageScanner:
    """Pages read while the site is being built, in a child process.

    Each page is handed over (:meth:`add`) as it is rendered, by the path it is written
    to. Once it is written (when the next page is handed, or at the end), a child process
    reads it, unless the cache knows its bytes, while the build goes on
    (:class:`generator.parallel.Worker`). :meth:`finish` then scans the site with
    :func:`scan_site`, which checks each file's bytes against what was read: a page
    changed after it was read, or never handed (the 404 page), is read then.
    """

    def __init__(self, cache_file: Path | None = None) -> None:
        self.cache_file = cache_file
        self._known, self._seen = _load(cache_file, _code_digest())
        self._pending: list[str] = []
        self._worker: Worker[list[str], list[tuple[str, Any]]] | None = None

    def add(self, path: Path) -> None:
        """Hand over the page about to be written at ``path``."""
        self._pending.append(str(path))
        # The pages before it are written by now: handed over by batches (one message
        # per page cost more than the reading saved).
        if len(self._pending) > BATCH:
            self._send(self._pending[:-1])
            self._pending = self._pending[-1:]

    def _send(self, paths: list[str]) -> None:
        if self._worker is None:
            known = self._known
            self._worker = Worker(lambda written: _read_written(written, known), piece="csp")
        self._worker.send(paths)

    def finish(self, site_dir: Path) -> list[tuple[str, PageInline]]:
        """What :func:`scan_site` returns for ``site_dir``, with the pages handed over
        already read."""
        if self._pending:
            self._send(self._pending)
            self._pending = []
        worker, self._worker = self._worker, None
        # The cache read at the start, and what the child found: nothing read twice.
        known = dict(self._known)
        for batch in worker.results() if worker else ():
            known.update(batch)
        return scan_site(site_dir, cache_file=self.cache_file, known=known, seen=self._seen)

    def cancel(self) -> None:
        """Stop the child process (the build failed)."""
        self._pending = []
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
