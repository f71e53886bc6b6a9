"""``mkdocs serve`` hears of saved files from the system (site_plugins/serve_watcher.py).

The watcher is given MkDocs' own live-reload server and watchdog's real observers on
real folders; the last test runs ``mkdocs serve`` itself and edits a post.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from bench.site import free_port, wait_for_page
from site_plugins.serve_watcher import NativeWatcher, watch_natively

from .sites import copy_small_site

WAIT = 10.0
"""Seconds a change may take to be heard (a native observer takes milliseconds)."""


@pytest.fixture(autouse=True)
def _no_thread_left() -> Iterator[None]:
    """Each test leaves no thread behind (observers stopped, the system's watches given
    back): a build forks workers only when its process runs no other thread
    (:func:`generator.parallel.can_fork`), later tests in this process included."""
    yield
    started = time.perf_counter()
    while threading.active_count() > 1 and time.perf_counter() - started < WAIT:
        time.sleep(0.05)
    assert threading.enumerate() == [threading.main_thread()]


class _Heard(FileSystemEventHandler):
    """Keeps what it hears; ``wait`` blocks until something is heard or time runs out."""

    def __init__(self) -> None:
        self.events: list[FileSystemEvent] = []
        self._heard = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.events.append(event)
        self._heard.set()

    def wait(self, seconds: float) -> bool:
        return self._heard.wait(seconds)

    def clear(self) -> None:
        self.events.clear()
        self._heard.clear()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, _Heard, NativeWatcher, list[str]]]:
    """A folder with a file and a subfolder, watched by a started :class:`NativeWatcher`."""
    folder = tmp_path / "content"
    (folder / "post").mkdir(parents=True)
    (folder / "post" / "index.md").write_text("# Titre\n", encoding="utf-8")
    heard, warnings = _Heard(), []
    watcher = NativeWatcher(warnings.append)
    watcher.schedule(heard, str(folder), recursive=True)
    watcher.start()
    try:
        yield folder, heard, watcher, warnings
    finally:
        watcher.stop()
        watcher.join(WAIT)


def test_a_saved_file_is_heard_and_a_read_one_is_not(
    watched: tuple[Path, _Heard, NativeWatcher, list[str]],
) -> None:
    folder, heard, _, warnings = watched
    page = folder / "post" / "index.md"
    # Every build reads the watched files: a native observer reports the opening and
    # the closing, which must not start another build.
    for _ in range(3):
        page.read_bytes()
    assert not heard.wait(1.0), [str(event) for event in heard.events]
    page.write_text("# Titre modifié\n", encoding="utf-8")
    assert heard.wait(WAIT)
    assert any(event.src_path == str(page) for event in heard.events)
    assert warnings == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda folder: shutil.rmtree(folder / "post"), id="folder-deleted"),
        pytest.param(
            lambda folder: shutil.move(folder / "post", folder.parent / "elsewhere"),
            id="folder-moved-out",
        ),
        pytest.param(lambda folder: (folder / "new").mkdir(), id="folder-created"),
    ],
)
def test_a_folder_that_comes_or_goes_is_heard_as_a_files_change(
    watched: tuple[Path, _Heard, NativeWatcher, list[str]], change: Callable[[Path], object]
) -> None:
    # MkDocs' server ignores events of folders: a post's folder moved out of content/
    # would otherwise leave the site showing it.
    folder, heard, _, _ = watched
    change(folder)
    assert heard.wait(WAIT)
    assert any(not event.is_directory for event in heard.events)


def test_a_refusing_system_leaves_the_folders_polled_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    heard, warnings = _Heard(), []
    watcher = NativeWatcher(warnings.append)

    def refuse() -> None:
        # What inotify says when the user's limit of watches is reached.
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher._observer, "start", refuse)
    watch = watcher.schedule(heard, str(folder), recursive=True)
    watcher.start()
    try:
        assert len(warnings) == 1
        assert "inotify watch limit reached" in warnings[0]
        assert "sondés" in warnings[0]
        (folder / "page.md").write_text("texte\n", encoding="utf-8")
        assert heard.wait(WAIT)
        watcher.unschedule(watch)
    finally:
        watcher.stop()
        watcher.join(WAIT)


def test_mkdocs_server_watches_the_same_paths_with_the_native_observer(tmp_path: Path) -> None:
    docs, content, config = tmp_path / "docs", tmp_path / "content", tmp_path / "mkdocs.yml"
    docs.mkdir()
    content.mkdir()
    config.write_text("site_name: essai\n", encoding="utf-8")
    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=free_port(), root=str(tmp_path / "site")
    )
    server.watch(str(docs))
    server.watch(str(docs))
    server.watch(str(config))
    assert isinstance(server.observer, PollingObserver)
    assert watch_natively(server, lambda message: None) == ""
    assert isinstance(server.observer, NativeWatcher)
    # MkDocs watches the configuration's `watch` paths after the on_serve hooks.
    server.watch(str(content))
    assert server._watched_paths == {str(docs): 2, str(config): 1, str(content): 1}
    server.observer.start()
    try:
        (content / "page.md").write_text("texte\n", encoding="utf-8")
        started = time.perf_counter()
        # The server's handler asks its build loop for a rebuild.
        while time.perf_counter() - started < WAIT and not server._want_rebuild:
            time.sleep(0.02)
        assert server._want_rebuild
        server.unwatch(str(docs))
        server.unwatch(str(docs))
        assert str(docs) not in server._watched_paths
    finally:
        server.observer.stop()
        server.observer.join(WAIT)
        server.server_close()


def test_a_server_that_is_not_mkdocs_one_is_left_alone() -> None:
    class Other:
        observer = None

        def watch(self, path: str) -> None:
            raise AssertionError("not called")

    assert "inattendu" in watch_natively(Other(), lambda message: None)


@pytest.mark.slow
def test_mkdocs_serve_shows_an_edited_post_once_rebuilt_once(tmp_path: Path) -> None:
    """The real ``mkdocs serve``: an edit is served, and the build that follows it (which
    reads every watched file) does not start another."""
    project = copy_small_site(tmp_path / "site")
    post = project / "content" / "infolettre" / "infolettre_13" / "index.md"
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOLETTRE_DEMOS="false")
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/infolettre/infolettre_13/"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        child = subprocess.Popen(
            command, cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            wait_for_page(url, child, log, marker="<title>", timeout=300)
            marker = f"Paragraphe ajouté {time.time_ns()}"
            post.write_text(post.read_text("utf-8") + f"\n{marker}\n", encoding="utf-8")
            wait_for_page(url, child, log, marker=marker, timeout=120)
            # A rebuild started by the reload's own reads would begin within this time.
            time.sleep(2.0)
        finally:
            child.send_signal(signal.SIGINT)
            child.wait(timeout=60)
        log.seek(0)
        text = log.read()
    assert text.count("Detected file changes") == 1, text[-3000:]
    assert "sondés" not in text, text[-3000:]
