"""MkDocs adapter: ``mkdocs serve`` told of saved files by the system rather than by polling.

MkDocs' live-reload server compares snapshots of the folders it watches every half second:
a save waits a quarter of a second on average before the rebuild starts, and every
snapshot stats each file of ``content/`` (thousands, with the feeds' archive) in the
serving process, beside the build. :func:`watch_natively` gives the server watchdog's
native observer instead (inotify, FSEvents, the Windows API), for the same paths, told
only of writes, creations, deletions and moves: a native observer also reports files
opened and read, which every build does.

Where the system cannot watch a folder (inotify's limit reached, a file system that
reports nothing), the server polls as before; ``serve_watcher: polling`` asks for that
too (a folder shared with a virtual machine or a container, whose changes the system
does not see).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

CHANGES: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent,
    FileModifiedEvent,
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
)
"""What a native observer reports to the server: not a file opened, nor one closed
unwritten (every build reads the watched files)."""

POLLING_INTERVAL = 0.5
"""Seconds between two snapshots when the server polls (MkDocs' own interval)."""


class _AsFileChange(FileSystemEventHandler):
    """Hands the server's handler a folder created, deleted or moved as a change of a
    file at its path: MkDocs' server ignores events of folders, which the polling observer
    follows with one event per file inside and a native one does not."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        self._handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            event = FileModifiedEvent(event.src_path)
        self._handler.dispatch(event)


class NativeWatcher:
    """What MkDocs' server asks of its observer, done by the system's native one; by a
    polling one if the system refuses when watching starts."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._observer: BaseObserver = Observer()
        self._warn = warn
        self._scheduled: dict[ObservedWatch, tuple[FileSystemEventHandler, str, bool]] = {}
        self._replaced: dict[ObservedWatch, ObservedWatch] = {}
        """The polling observer's watch for each native one, once it took over."""

    def schedule(
        self, handler: FileSystemEventHandler, path: str, *, recursive: bool = False
    ) -> ObservedWatch:
        """Watch ``path``: ``handler`` hears of its changes (see :data:`CHANGES`)."""
        watch = self._observer.schedule(
            _AsFileChange(handler), path, recursive=recursive, event_filter=list(CHANGES)
        )
        self._scheduled[watch] = (handler, path, recursive)
        return watch

    def unschedule(self, watch: ObservedWatch) -> None:
        self._scheduled.pop(watch, None)
        self._observer.unschedule(self._replaced.pop(watch, watch))

    def start(self) -> None:
        """Start watching (the system's watches are made now)."""
        try:
            self._observer.start()
        except OSError as err:
            # The watches made before the refusal are given back.
            self._observer.stop()
            self._warn(
                f"surveillance des fichiers par le système impossible ({err}) : "
                "dossiers sondés toutes les demi-secondes"
            )
            self._observer = PollingObserver(timeout=POLLING_INTERVAL)
            for watch, (handler, path, recursive) in self._scheduled.items():
                self._replaced[watch] = self._observer.schedule(handler, path, recursive=recursive)
            self._observer.start()

    def stop(self) -> None:
        self._observer.stop()

    def join(self, timeout: float | None = None) -> None:
        self._observer.join(timeout)

    def is_alive(self) -> bool:
        return self._observer.is_alive()


def watch_natively(server: Any, warn: Callable[[str], None]) -> str:
    """Have MkDocs' live-reload ``server``, not yet serving, watch what it watches with a
    :class:`NativeWatcher` (the paths it watches later go to it too). The paths are
    watched again through the server's own ``unwatch`` and ``watch``, which make the
    handler that rebuilds the site.

    Args:
        server: MkDocs' ``LiveReloadServer``, as an ``on_serve`` hook receives it.
        warn: Where to say that the system refused to watch, when watching starts.

    Returns:
        Why the server was left as it was (empty when it was not).
    """
    watched = getattr(server, "_watched_paths", None)
    observer = getattr(server, "observer", None)
    if (
        not isinstance(watched, dict)
        or not isinstance(observer, PollingObserver)
        or observer.is_alive()
        or not callable(getattr(server, "watch", None))
        or not callable(getattr(server, "unwatch", None))
    ):
        return "serveur de MkDocs inattendu : dossiers sondés toutes les demi-secondes"
    counts = {str(path): int(count) for path, count in watched.items()}
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = NativeWatcher(warn)
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return ""
