"""``python -m generator ingest`` killed (SIGKILL) at random points, again and again, on
a 2,000-item feed: once a run completes, the archive is byte for byte the one a clean
run writes, and no temporary file is left.

The kill times are drawn from a seeded generator (reproducible), over the length of a
clean run. The feed has pairs of items published the same day under the same title, so
that a run killed between two writes must still give each its file of a clean run.
``SOURCE_DATE_EPOCH`` fixes the date of every run (first-seen dates, ``state.json``).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .netserver import Entry, RawServer, ok, rss, running

SEED = 15
KILLS = 20
ITEMS = 2000
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1730534400"}  # 2024-11-02T08:00:00Z


def _entries() -> list[Entry]:
    # Items 1 and 2, 11 and 12…: same day, both "Revue de presse".
    return [
        Entry(n, title="Revue de presse" if n % 10 in (1, 2) else "", day=(n + 1) // 2)
        for n in range(1, ITEMS + 1)
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with running() as srv:
        srv.routes["/feed"] = ok(rss(_entries()))
        yield srv


def _content(root: Path, server: RawServer) -> Path:
    content = root / "content"
    content.mkdir(parents=True)
    (content / "feeds.yml").write_text(
        f"feeds:\n  - id: f\n    title: F\n    url: {server.url('/feed')}\n"
        "    allow_private: true\n",
        encoding="utf-8",
    )
    return content


def _start(content: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "ingest", "--content", str(content)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, killed whole
    )


def _archive(content: Path) -> dict[str, bytes]:
    """Every file under ``archive/`` (lock file aside), by relative path."""
    root = content / "archive"
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".ingest.lock"
    }


def _temporary(content: Path) -> list[Path]:
    return sorted((content / "archive").rglob("*.tmp"))


@pytest.mark.slow
def test_killed_ingestions_end_as_a_clean_run(tmp_path: Path, server: RawServer) -> None:
    clean = _content(tmp_path / "clean", server)
    started = time.monotonic()
    run = _start(clean)
    assert run.wait(timeout=120) == 0
    length = time.monotonic() - started
    expected = _archive(clean)
    assert len(expected) == ITEMS + 1  # the items and state.json
    names = [name for name in expected if name.startswith("f/2024-10-02-revue-de-presse")]
    assert len(names) == 2  # items 1 and 2: one file each

    crashed = _content(tmp_path / "crashed", server)
    draw = random.Random(SEED)
    killed = partial = finished = 0
    for _attempt in range(3 * KILLS):
        if killed == KILLS:
            break
        run = _start(crashed)
        time.sleep(draw.uniform(0.2 * length, length))  # past the interpreter's start
        os.killpg(run.pid, signal.SIGKILL)
        if run.wait(timeout=60) != -signal.SIGKILL:
            # It ended before the kill: a run that completes after the earlier kills
            # must leave a clean run's archive. Start over, so later kills hit writes.
            assert run.returncode == 0
            assert _temporary(crashed) == [] and _archive(crashed) == expected
            finished += 1
            shutil.rmtree(crashed / "archive")
            continue
        killed += 1
        partial += bool(_temporary(crashed)) or 0 < len(_archive(crashed)) < len(expected)
    assert killed == KILLS
    # Some kills came in the middle of the writes (about a third of them, here; one is
    # asked, the kill times being only as precise as the machine's scheduling).
    assert partial >= 1, partial

    run = _start(crashed)
    assert run.wait(timeout=120) == 0
    assert _temporary(crashed) == []
    assert _archive(crashed) == expected
