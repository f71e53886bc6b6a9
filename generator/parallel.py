"""Work spread over the machine's cores, when there is enough of it to pay for the start.

The work list is handed to the worker processes by ``fork``: children inherit it, so only
results travel back through pickling (the inputs, whole article texts, never do). Where
``fork`` is missing or unsafe (another thread is running, as under ``mkdocs serve``, whose
live-reload threads could hold a lock at the time of the fork; another system than Linux),
the work runs in this process, with the same results.

Besides :func:`map_forked` (a list of work shared out, the caller waiting for it),
:class:`Background` runs one call and :class:`Worker` takes items one at a time, each in a
child process, while this process goes on with the build; those children run at a lower
scheduling priority, so that the build itself never waits for a core.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

# One count of cores for the whole project (re-exported: callers use parallel.cpu_count).
from generator.machine import cpu_count as cpu_count

try:
    import fcntl
except ImportError:  # Windows has no fcntl
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_PROCESS = 250
"""Below this, a process costs more to start than it saves."""

# What the forked children inherit: set just before the fork, cleared just after.
_work: Sequence[Any] = ()
_function: Callable[[Any], Any] | None = None


OFF_VARIABLE = "INFOLETTRE_PARALLEL_OFF"
"""Environment variable naming, comma-separated, the :data:`PIECES` turned off (``all``:
every one): their work stays in this process, or is done again for every page
(``fragments``). That is how ``python -m generator bench-pieces`` measures what each one
saves. Unset, every piece is on."""

PIECES = {
    # Measured by bench-pieces on a 3,000-item build: without reading +1 %, without tagging
    # +10 %, without pages +17 % (three rounds each, the machine's noise about as large).
    # reading stays for the generator's stages: their read took 0.65 s, 0.94 s without it.
    "reading": "archived items and posts read on all cores",
    "tagging": "tagging on all cores",
    "pages": "posts' and items' pages made on all cores",
    "cache": "generator cache written by a child, pages handed from memory",
    "render": "pages' Markdown converted by a child, from the last page back",
    "csp": "pages' inline code read by a child as they are written",
    "index": "pages indexed for search, accent-free words included, by a child as they are written",
    "fragments": "theme navigation written once for the pages that share it (no process)",
}
"""The work a build does beside its main process, by name; and the one speed piece that
stays in it, measured the same way."""


def piece_on(piece: str | None) -> bool:
    """Whether ``piece`` may leave this process (see :data:`OFF_VARIABLE`)."""
    if piece is None:
        return True
    off = {name.strip() for name in os.environ.get(OFF_VARIABLE, "").split(",")}
    return piece not in off and "all" not in off


def can_fork(piece: str | None = None) -> bool:
    """Whether worker processes can be forked safely here: on Linux (macOS frameworks
    are not safe to use in a forked child), with no other thread running, and ``piece``
    not turned off (:data:`OFF_VARIABLE`)."""
    return (
        piece_on(piece)
        and sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not in_child()
    )


def processes_for(
    items: int,
    *,
    processes: int | None = None,
    per_process: int = MIN_ITEMS_PER_PROCESS,
    piece: str | None = None,
) -> int:
    """How many processes :func:`map_forked` uses for ``items`` items, each process
    taking at least ``per_process`` of them."""
    wanted = processes if processes is not None else cpu_count()
    if not can_fork(piece):
        return 1
    return max(1, min(wanted, items // max(1, per_process)))


class _Failed:
    """An exception raised in a child, carried back to be raised in the parent."""

    def __init__(self, error: BaseException) -> None:
        try:
            pickle.loads(pickle.dumps(error))
        except Exception:  # any exception that cannot travel as it is
            error = RuntimeError(f"{type(error).__name__}: {error}")
        self.error = error


def _run(bounds: tuple[int, int]) -> list[Any] | _Failed:
    assert _function is not None
    start, stop = bounds
    try:
        return [_function(item) for item in _work[start:stop]]
    except Exception as error:  # raised again in the parent
        return _Failed(error)


_in_map_child = False
"""Set in the children of :func:`map_forked`, which never fork again."""


def in_child() -> bool:
    """Whether this process is a child forked by this module (whose parent shows
    progress, and forks the workers)."""
    return _in_map_child or multiprocessing.parent_process() is not None


def _child(bounds: tuple[int, int], writer: int) -> None:
    """A child's whole life: its slice, pickled into ``writer``; never returns."""
    global _in_map_child
    _in_map_child = True
    code = 1
    try:
        outcome: list[Any] | _Failed = _run(bounds)
        try:
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # a result that cannot travel
            data = pickle.dumps(_Failed(error), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


def _collect(pid: int, reader: int) -> Any:
    """What the child ``pid`` wrote to ``reader``, once it has exited.

    Raises:
        RuntimeError: The child stopped without its results (killed, for instance).
    """
    with os.fdopen(reader, "rb") as source:
        data = source.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(
            "le processus de travail s'est arrêté sans résultat "
            f"(code {os.waitstatus_to_exitcode(status)})"
        )
    return pickle.loads(data)


PARENT_SHARE = 1.25
"""How much more work :func:`map_forked` gives this process than each child: a child
starts after its fork and ends by sending its results back, which this process then
reads and unpickles (with equal slices, this process waited 0.07 to 0.11 s for the child
of a 3,000-item tagging, reading or page generation, after its own 0.23 to 0.66 s)."""


def _slices(weights: Sequence[float], count: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each process's slice of items of these ``weights``, this
    process's first and larger (:data:`PARENT_SHARE`)."""
    shares = [PARENT_SHARE] + [1.0] * (count - 1)
    total = sum(weights)
    cuts = [0]
    done = 0.0
    wanted = 0.0
    for share in shares[:-1]:
        wanted += total * share / sum(shares)
        stop = cuts[-1]
        # Up to the item that brings the slice nearest to its share.
        while stop < len(weights) and abs(done + weights[stop] - wanted) <= abs(done - wanted):
            done += weights[stop]
            stop += 1
        cuts.append(stop)
    cuts.append(len(weights))
    return list(itertools.pairwise(cuts))


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects that exist now moved out of the collector's reach for the block, then
    given back to it (a freeze already in place, someone else's, is left as it is)."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@_frozen_heap()
def map_forked(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    processes: int | None = None,
    per_process: int = MIN_ITEMS_PER_PROCESS,
    pack: Callable[[R], Any] | None = None,
    unpack: Callable[[Any], R] | None = None,
    piece: str | None = None,
    weights: Sequence[float] | None = None,
) -> list[R]:
    """``[function(item) for item in items]``, in several processes when worth it.

    ``items`` are cut into one slice per process, each of at least ``per_process`` items
    (fewer items: one process). The first slice runs in this process while the others
    run in forked children, each writing its results into a pipe of its own (a bare
    ``fork``: a pool's start and its threads cost tens of milliseconds, as much as the
    work of a small site); an exception in any of them is raised here. Results coming
    back from a child go through ``pack`` there and ``unpack`` here: plain tuples pickle
    many times faster than named tuples or dataclasses. ``piece`` names the work
    (:data:`PIECES`). ``weights``: how much work each item is, when items differ (the
    slices are cut by weight rather than by count).

    Objects made before the call are left alone by the cyclic garbage collector until it
    returns (:func:`gc.freeze`, as Python's documentation advises before a ``fork``): a
    full collection no longer walks the whole content read so far, and walking it would
    copy, in each process, every memory page the children share with this one.

    Raises:
        RuntimeError: A child stopped without its results (killed, for instance).
    """
    global _work, _function
    count = processes_for(len(items), processes=processes, per_process=per_process, piece=piece)
    if count == 1:
        return [function(item) for item in items]
    bounds = _slices(weights if weights is not None else [1.0] * len(items), count)
    _work = items
    _function = function if pack is None else lambda item: pack(function(item))
    children: list[tuple[int, int]] = []
    try:
        for part in bounds[1:]:
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's coverage is not collected
                os.close(reader)
                _child(part, writer)
            os.close(writer)
            children.append((pid, reader))
        results: list[R] = [function(item) for item in items[: bounds[0][1]]]
        while children:
            pid, reader = children.pop(0)
            outcome = _collect(pid, reader)
            if isinstance(outcome, _Failed):
                raise outcome.error
            results.extend(outcome if unpack is None else map(unpack, outcome))
    finally:
        _work, _function = (), None
        for pid, reader in children:  # left behind by an error: stopped, then reaped
            os.close(reader)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    return results


BACKGROUND_NICENESS = 10
"""How much lower the scheduling priority of :class:`Background` and :class:`Worker`
children is: their work runs beside the build, which must not wait for a core."""


IDLE_NICENESS = 19
"""The lowest priority, for a :class:`Background` child whose work can wait for a core
no other process needs (the cache, read by the next build only)."""


def _lower_priority(niceness: int = BACKGROUND_NICENESS) -> None:
    if hasattr(os, "nice"):
        os.nice(niceness)


def _send(function: Callable[[], Any], sender: Any, niceness: int) -> None:
    _lower_priority(niceness)
    try:
        outcome: Any = function()
    except Exception as error:  # raised again in the parent
        outcome = _Failed(error)
    sender.send(outcome)
    sender.close()


class Background(Generic[R]):
    """A call running in a forked child while this process goes on; :meth:`result`
    waits for it. Where forking is unsafe (see :func:`can_fork`), the call is made by
    :meth:`result` itself, in this process. ``niceness``: how much lower the child's
    scheduling priority is."""

    def __init__(
        self,
        function: Callable[[], R],
        *,
        piece: str | None = None,
        niceness: int = BACKGROUND_NICENESS,
    ) -> None:
        self._function = function
        self._process: Any = None
        self._receiver: Any = None
        if can_fork(piece):
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            # A plain process, not a pool: a pool's threads would keep this process from
            # forking workers (can_fork) until it is closed.
            self._process = context.Process(
                target=_send, args=(function, sender, niceness), daemon=True
            )
            self._process.start()
            sender.close()

    @property
    def forked(self) -> bool:
        """Whether the call runs in a child."""
        return self._process is not None

    def result(self) -> R:
        """The call's result, once it is done (to be asked once); its exception is
        raised here.

        Raises:
            RuntimeError: The child stopped without a result (killed, for instance).
        """
        if self._process is None:
            return self._function()
        try:
            outcome = self._receiver.recv()
        except EOFError:
            self._process.join()
            code = self._process.exitcode
            self._process = None
            raise RuntimeError(
                f"le processus de travail s'est arrêté sans résultat (code {code})"
            ) from None
        finally:
            self._receiver.close()
        self._process.join()
        self._process = None
        if isinstance(outcome, _Failed):
            raise outcome.error
        result: R = outcome
        return result

    def cancel(self) -> None:
        """Stop the child, if it still runs (the call's work is lost)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._receiver.close()
            self._process = None


PIPE_BYTES = 1 << 20
"""The room asked for in the pipe to a :class:`Worker`'s child (Linux's default ceiling,
``/proc/sys/fs/pipe-max-size``): with the default 64 KiB, two or three pages filled it,
and this process waited for the child at nearly every page it handed over."""


def _widen(connection: Any) -> None:
    """Ask for :data:`PIPE_BYTES` of room in ``connection``'s pipe, where the system lets
    a process do so (Linux); the default room otherwise."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if set_size is None:
        return
    # Above a lowered ceiling, the pipe keeps its default room.
    with contextlib.suppress(OSError):
        fcntl.fcntl(connection.fileno(), set_size, PIPE_BYTES)


def _serve(function: Callable[[Any], Any], items: Any, results: Any) -> None:
    _lower_priority()
    done: list[Any] = []
    failed: _Failed | None = None
    while (message := items.recv()) is not None:
        if failed is None:  # after an error, the items are only drained
            try:
                done.append(function(message[0]))
            except Exception as error:  # raised again in the parent
                failed = _Failed(error)
    results.send(failed if failed is not None else done)
    results.close()


class Worker(Generic[T, R]):
    """Items handed one at a time to a forked child, which applies ``function`` to each
    while this process goes on; :meth:`results` waits for the last. Where forking is
    unsafe (see :func:`can_fork`), each item is done here as it is handed."""

    def __init__(self, function: Callable[[T], R], *, piece: str | None = None) -> None:
        self._function = function
        self._done: list[R] = []
        self._process: Any = None
        self._items: Any = None
        self._results: Any = None
        if can_fork(piece):
            context = multiprocessing.get_context("fork")
            items_out, self._items = context.Pipe(duplex=False)
            _widen(self._items)
            self._results, results_in = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_serve, args=(function, items_out, results_in), daemon=True
            )
            self._process.start()
            items_out.close()
            results_in.close()

    @property
    def forked(self) -> bool:
        """Whether the items go to a child."""
        return self._process is not None

    def send(self, item: T) -> None:
        """Hand ``item`` over (pickled to the child, which may make this wait a little
        when it is behind)."""
        if self._process is None:
            self._done.append(self._function(item))
        else:
            self._items.send((item,))

    def results(self) -> list[R]:
        """``function``'s results for the items, in the order they were handed (to be
        asked once); an exception raised for one of them is raised here.

        Raises:
            RuntimeError: The child stopped without its results (killed, for instance).
        """
        if self._process is None:
            return self._done
        process, self._process = self._process, None
        try:
            self._items.send(None)
            outcome = self._results.recv()
        except (EOFError, BrokenPipeError):
            process.join()
            raise RuntimeError(
                f"le processus de travail s'est arrêté sans résultat (code {process.exitcode})"
            ) from None
        finally:
            self._items.close()
            self._results.close()
        process.join()
        if isinstance(outcome, _Failed):
            raise outcome.error
        done: list[R] = outcome
        return done

    def cancel(self) -> None:
        """Stop the child, if it still runs (its work is lost)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._items.close()
            self._results.close()
            self._process = None
