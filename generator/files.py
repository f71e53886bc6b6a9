"""Files written whole or not at all: the archive's items, the state, the cache, the pages.

Every write goes through a temporary file beside its target and a rename, so that a
reader (or a run killed mid-way) sees the old bytes or the new ones, never a mix; a
file that already holds its text is left alone, modification time included.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def stat_key(path: Path) -> tuple[int, int, int] | None:
    """What says that a file changed: its size, modification time and inode (``None``
    when it cannot be read)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def files_under(root: Path, suffix: str = "") -> list[str]:
    """The files under ``root`` whose name ends with ``suffix``, as POSIX paths relative
    to it, in the order ``sorted(root.rglob(...))`` gives (a folder's files by their
    parts), found by ``os.walk``: several times faster than ``rglob`` and ``is_file``
    for the thousands of files of a built site."""
    found: list[str] = []
    for folder, _, names in os.walk(root):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.extend(prefix + name for name in names if name.endswith(suffix))
    return sorted(found, key=lambda path: path.split("/"))


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Returns:
        ``True`` if the file changed, ``False`` if it already held ``text``.
    """
    return bool(write_many({path: text}))


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        # Size first: most changed files differ in length, and reading is dearer.
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def write_many(files: Mapping[Path, str], *, durable: bool = True) -> list[Path]:
    """Write each text to its path through a temporary file and a rename.

    Every file is replaced atomically (it holds its old bytes or its new ones, never a
    mix), files that already hold their text are left alone (their modification time
    too), and with ``durable`` the new bytes reach the disk before any rename, in one
    flush for the whole batch: one ``fsync`` per file cost seconds per thousand files.

    Args:
        files: Text by path.
        durable: Flush to disk before renaming (archives); a cache that is rebuilt
            from its sources does without.

    Returns:
        The paths whose file changed, in the order given.
    """
    pending: list[tuple[Path, str]] = []
    renamed = 0
    try:
        for path, text in files.items():
            data = text.encode("utf-8")
            if _unchanged(path, data):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            pending.append((path, temp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        if durable and pending:
            _flush_to_disk([temp for _, temp in pending])
        for path, temp in pending:
            os.replace(temp, path)
            renamed += 1
    except BaseException:
        for _, temp in pending[renamed:]:
            Path(temp).unlink(missing_ok=True)
        raise
    return [path for path, _ in pending]


def _flush_to_disk(paths: list[str]) -> None:
    sync = getattr(os, "sync", None)
    if sync is not None and len(paths) > 1:
        # One flush of every file system: a single journal commit instead of one per file.
        sync()
        return
    for path in paths:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
