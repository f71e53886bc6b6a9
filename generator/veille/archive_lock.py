"""One ingestion at a time in an archive, and the leftovers of a killed one cleared.

Two runs at once would each read ``state.json``, then write it back without the other's
feeds: the second run fails at once, naming the lock file, while the first holds it (an
advisory ``flock``, released by the system when its holder ends, killed or not: a stale
lock cannot block anyone). A run killed while writing leaves the temporary files of
:func:`generator.files.write_many` (``.<name>.<random>.tmp``): the next run removes them
once it holds the lock, so that it cannot remove a running writer's files.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import GeneratorError

LOCK_FILE = ".ingest.lock"
# tempfile.mkstemp(prefix=".<name>.", suffix=".tmp"): eight random letters, digits or "_".
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


class ArchiveBusyError(GeneratorError):
    """Another process holds the archive's lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path}: une autre ingestion est en cours (elle tient ce verrou) ; "
            "réessayer quand elle sera finie"
        )


@contextmanager
def locked(archive_root: Path) -> Iterator[Path]:
    """Hold ``archive_root``'s lock for the ``with`` block; yields the lock file's path.

    Raises:
        ArchiveBusyError: Another process holds it (no waiting).
    """
    archive_root.mkdir(parents=True, exist_ok=True)
    path = archive_root / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ArchiveBusyError(path) from None
        yield path
    finally:
        os.close(descriptor)  # releases the lock


def leftovers(archive_root: Path) -> list[Path]:
    """The temporary files of interrupted writes in the archive and its feed folders."""
    found = [*archive_root.glob(".*.tmp"), *archive_root.glob("*/.*.tmp")]
    return sorted(path for path in found if _LEFTOVER.match(path.name) and path.is_file())


def remove_leftovers(archive_root: Path) -> list[Path]:
    """Delete :func:`leftovers` (call it holding the lock); returns what was deleted."""
    removed = leftovers(archive_root)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
