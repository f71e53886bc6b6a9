"""Work spread over processes: same results as in one process, errors come back."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.tags import synthetic_documents
from generator import parallel
from generator.content.loader import load_content, load_taxonomy
from generator.errors import ContentError
from generator.models import Content, Kind
from generator.themes.catalog import Entry, tag_entries
from generator.themes.tagger import decide, pack_decisions, unpack_decisions
from generator.veille.archive import item_to_text, read_archives, read_feed_archive

ITEMS = 3 * parallel.MIN_ITEMS_PER_PROCESS
CONTENT = Path(__file__).resolve().parents[1] / "content"


def _pid(_: int) -> int:
    return os.getpid()


def _fail_on_last(item: int) -> int:
    if item == ITEMS - 1:
        raise ValueError(f"élément {item}")
    return item


def test_work_is_spread_over_forked_processes_in_order() -> None:
    assert parallel.can_fork(), f"threads: {threading.enumerate()}"
    assert parallel.map_forked(lambda n: n * n, range(ITEMS), processes=2) == [
        n * n for n in range(ITEMS)
    ]
    pids = parallel.map_forked(_pid, range(ITEMS), processes=2)
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 2


_MADE_BEFORE: list[object] = []
"""An object the collector tracks, made before any work is shared out."""


def _tracked(obj: object) -> bool:
    return any(found is obj for found in gc.get_objects())


def _frozen_in_a_cycle(item: int) -> tuple[bool, bool] | None:
    """For the first item (this process's slice) and the last (a child's): whether the
    object made before was out of the collector's reach, and whether a cycle made now
    was still freed by it."""
    if item not in (0, ITEMS - 1):
        return None
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    return not _tracked(_MADE_BEFORE), gc.collect() > 0


@pytest.mark.parametrize("processes", [1, 2])
def test_what_exists_before_the_work_is_out_of_the_collector_s_reach_during_it(
    processes: int,
) -> None:
    assert gc.get_freeze_count() == 0
    outcomes = parallel.map_forked(_frozen_in_a_cycle, range(ITEMS), processes=processes)
    assert len(set(parallel.map_forked(_pid, range(ITEMS), processes=processes))) == processes
    # In this process and in the child: the object made before was frozen, while the
    # garbage of the work was still collected...
    assert [outcomes[0], outcomes[-1]] == [(True, True), (True, True)]
    # ...and everything is the collector's again afterwards.
    assert gc.get_freeze_count() == 0
    assert _tracked(_MADE_BEFORE)


def test_a_freeze_already_in_place_is_left_as_it_is() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        parallel.map_forked(_pid, range(ITEMS), processes=2)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_an_error_in_a_child_is_raised_here() -> None:
    with pytest.raises(ValueError, match=f"élément {ITEMS - 1}"):
        parallel.map_forked(_fail_on_last, range(ITEMS), processes=2)


def _content_error_on_last(item: int) -> int:
    if item == ITEMS - 1:
        raise ContentError(Path("content/x.md"), "date illisible", key="date", line=3)
    return item


class _Unpicklable(Exception):
    def __init__(self, handle: object) -> None:
        super().__init__("poignée")
        self.handle = handle


def _unpicklable_on_last(item: int) -> int:
    if item == ITEMS - 1:
        raise _Unpicklable(lambda: None)
    return item


def test_a_content_error_in_a_child_arrives_whole() -> None:
    with pytest.raises(ContentError) as caught:
        parallel.map_forked(_content_error_on_last, range(ITEMS), processes=2)
    error = caught.value
    assert (error.path, error.key, error.line) == (Path("content/x.md"), "date", 3)
    assert str(error) == "content/x.md:3 (clé « date »): date illisible"


def test_an_error_that_cannot_travel_arrives_described() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: poignée"):
        parallel.map_forked(_unpicklable_on_last, range(ITEMS), processes=2)


def test_small_work_or_a_running_thread_keeps_one_process() -> None:
    assert set(parallel.map_forked(_pid, range(10), processes=2)) == {os.getpid()}
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        assert set(parallel.map_forked(_pid, range(ITEMS), processes=2)) == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_packed_decisions_come_back_equal() -> None:
    taxonomy = load_taxonomy(CONTENT)
    (document,) = synthetic_documents(1, body_chars=3000)
    decisions = decide(taxonomy, document, forced=("events",))
    assert any(d.hits for d in decisions)
    assert unpack_decisions(pack_decisions(decisions)) == decisions


def test_tagging_in_two_processes_gives_the_same_decisions() -> None:
    taxonomy = load_taxonomy(CONTENT)
    content = Content(root=CONTENT, taxonomy=taxonomy)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    entries = [
        Entry(
            id=f"bench/{n}",
            kind=Kind.FEED_ITEM,
            title=document.title,
            date=start + timedelta(days=n),
            summary=document.summary,
            body=document.body + (" le 17 avril" if n % 3 == 0 else ""),
            source="bench",
            page=f"veille/bench/{n}.md",
            forbidden=("llm-news",) if n % 5 == 0 else (),
        )
        for n, document in enumerate(synthetic_documents(ITEMS, body_chars=1500))
    ]
    alone = tag_entries(content, entries, processes=1)
    spread = tag_entries(content, entries, processes=2)
    assert list(spread.decisions) == [entry.id for entry in entries]
    assert spread.decisions == alone.decisions
    assert any(spread.tags_of(entry.id) for entry in entries)


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    """Wait until ``path`` exists, at most ``timeout`` seconds (then fail)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} absent après {timeout} s")
        time.sleep(0.005)


def test_a_background_call_runs_in_a_child_while_this_process_goes_on(tmp_path: Path) -> None:
    started = tmp_path / "started"
    go_on = tmp_path / "go-on"

    def call() -> int:
        started.touch()
        _wait_for(go_on)  # only this process can let it finish
        return os.getpid()

    job = parallel.Background(call)
    assert job.forked
    _wait_for(started)
    # The child waits for this process: the call really runs beside it.
    go_on.touch()
    pid = job.result()
    assert pid != os.getpid()
    # No thread is left behind: workers can still be forked.
    assert parallel.can_fork()


def test_a_background_child_runs_at_the_priority_asked() -> None:
    if not parallel.can_fork():
        pytest.skip("no fork on this system: the call runs in this process")
    here = os.nice(0)
    usual = parallel.Background(lambda: os.nice(0)).result()
    idle = parallel.Background(lambda: os.nice(0), niceness=parallel.IDLE_NICENESS).result()
    # Niceness stops at 19, the lowest priority.
    assert usual == min(here + parallel.BACKGROUND_NICENESS, 19)
    assert idle == 19


def test_a_background_error_is_raised_by_result_and_cancel_stops_the_child() -> None:
    failing = parallel.Background(lambda: _fail_on_last(ITEMS - 1))
    with pytest.raises(ValueError, match="élément"):
        failing.result()
    waiting = parallel.Background(lambda: threading.Event().wait())
    waiting.cancel()
    assert not waiting.forked


def test_with_a_thread_running_the_background_call_waits_for_result() -> None:
    calls: list[int] = []
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = parallel.Background(lambda: calls.append(os.getpid()) or len(calls))
        assert not job.forked and calls == []
        assert job.result() == 1 and calls == [os.getpid()]
    finally:
        stop.set()
        thread.join()


def test_a_worker_reads_items_in_a_child_as_they_come() -> None:
    worker: parallel.Worker[int, tuple[int, int]] = parallel.Worker(lambda n: (n * n, os.getpid()))
    assert worker.forked
    for n in range(ITEMS):
        worker.send(n)
    results = worker.results()
    assert [square for square, _ in results] == [n * n for n in range(ITEMS)]
    assert {pid for _, pid in results} != {os.getpid()}
    assert parallel.can_fork()


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="la taille d'un tube ne se règle que sous Linux"
)
def test_a_worker_s_pipe_holds_many_pages() -> None:
    import fcntl

    # 64 KiB (the default) held two or three pages: the build waited for the child.
    worker: parallel.Worker[str, int] = parallel.Worker(len)
    assert fcntl.fcntl(worker._items.fileno(), fcntl.F_GETPIPE_SZ) == parallel.PIPE_BYTES
    page = "é" * 100_000
    for _ in range(4):
        worker.send(page)
    assert worker.results() == [len(page)] * 4


def test_a_worker_error_is_raised_by_results_and_cancel_stops_it() -> None:
    failing: parallel.Worker[int, int] = parallel.Worker(_fail_on_last)
    for n in range(ITEMS):
        failing.send(n)
    with pytest.raises(ValueError, match=f"élément {ITEMS - 1}"):
        failing.results()
    waiting: parallel.Worker[int, int] = parallel.Worker(_pid)
    waiting.cancel()
    assert not waiting.forked


def test_with_a_thread_running_a_worker_does_each_item_as_it_is_handed() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        worker: parallel.Worker[int, int] = parallel.Worker(_pid)
        assert not worker.forked
        worker.send(1)
        worker.send(2)
        assert worker.results() == [os.getpid(), os.getpid()]
    finally:
        stop.set()
        thread.join()


def test_the_archives_read_at_once_equal_each_feed_read_alone(tmp_path: Path) -> None:
    content = load_content(CONTENT)
    base = content.items[0]
    feed = content.feeds[0]
    items = [
        replace(base, slug=f"article-{n:04d}", guid=f"g{n}", title=f"Article {n} : l’été")
        for n in range(ITEMS)
    ]
    for item in items:
        path = tmp_path / feed.id / f"{item.slug}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(item_to_text(item), encoding="utf-8")
    read = read_archives(tmp_path, [feed])
    assert read == read_feed_archive(tmp_path, feed)
    assert [item.slug for item in read] == [item.slug for item in items]


def test_background_children_yield_the_cores_to_the_build() -> None:
    lower = min(19, os.nice(0) + parallel.BACKGROUND_NICENESS)  # 19: the lowest there is
    job = parallel.Background(lambda: os.nice(0))
    assert job.result() == lower
    worker: parallel.Worker[int, int] = parallel.Worker(lambda _: os.nice(0))
    worker.send(0)
    assert worker.results() == [lower]


def test_a_piece_turned_off_stays_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    items = list(range(3 * parallel.MIN_ITEMS_PER_PROCESS))
    monkeypatch.setenv(parallel.OFF_VARIABLE, "pages, csp")
    pids = parallel.map_forked(lambda _: os.getpid(), items, processes=2, piece="pages")
    assert set(pids) == {os.getpid()}
    assert not parallel.Background(os.getpid, piece="csp").forked
    assert not parallel.Worker(lambda item: item, piece="pages").forked
    if parallel.can_fork():
        # Another piece still uses the cores; "all" turns every one off.
        pids = parallel.map_forked(lambda _: os.getpid(), items, processes=2, piece="tagging")
        assert len(set(pids)) == 2
        job = parallel.Background(os.getpid, piece="cache")
        assert job.forked and job.result() != os.getpid()
    monkeypatch.setenv(parallel.OFF_VARIABLE, "all")
    assert not parallel.Background(os.getpid, piece="cache").forked
    assert parallel.piece_on(None)  # unnamed work is never turned off


def test_the_pieces_report_gives_medians_costs_and_verdicts() -> None:
    from bench.pieces import ALL_OFF, ALL_ON, Timings, report, settings

    assert settings()[0] == ALL_ON and settings()[-1] == ALL_OFF
    assert set(settings()[1:-1]) == set(parallel.PIECES)
    timings = [
        Timings(off=ALL_ON, seconds=[10.0, 30.0, 11.0]),
        Timings(off="cache", seconds=[12.0, 11.5, 40.0]),
        Timings(off="csp", seconds=[11.0, 11.2, 10.0]),
        Timings(off=ALL_OFF, seconds=[15.0, 16.0, 14.0]),
    ]
    lines = report(timings, items=3000, posts=200).splitlines()
    assert "médiane de 3 tours" in lines[0]
    rows = {line.split("  ")[1].strip(): line for line in lines[2:]}
    # Medians 11.0 (all on), 12.0 (+9.1 %: kept), 11.0 (+0.0 %: not worth it), 15.0.
    assert "11.0 s" in rows["tout en parallèle"] and "+0.0%" in rows["tout en parallèle"]
    assert "+9.1%" in rows["sans cache"] and rows["sans cache"].endswith("à garder")
    assert "11.5–40.0 s" in rows["sans cache"]
    assert "+0.0%" in rows["sans csp"] and rows["sans csp"].endswith("< 5%")
    assert "+36.4%" in rows["rien en parallèle"]


def test_pieces_can_be_measured_off_in_groups() -> None:
    from bench.pieces import ALL_OFF, ALL_ON, settings

    assert settings(["tagging, pages", "cache"]) == [ALL_ON, "tagging,pages", "cache", ALL_OFF]
    for wrong in (["nothing"], [","], ["cache,nothing"]):
        with pytest.raises(ValueError, match="pièces connues"):
            settings(wrong)
