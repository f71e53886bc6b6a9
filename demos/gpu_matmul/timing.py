"""Timing an operation honestly: warm-up runs, then the median of several repetitions.

The harness knows nothing of NumPy or CuPy: it is handed a *timed* function that runs
the operation ``calls`` times and returns the seconds that took, measured however suits
the hardware (``time.perf_counter`` on the CPU, CUDA events on a GPU). That keeps it
testable with a fake clock.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

#: ``timed(calls)`` runs the operation ``calls`` times back to back and returns the
#: elapsed seconds for all of them.
Timed = Callable[[int], float]


@dataclass(frozen=True, kw_only=True)
class Policy:
    """How much to repeat a measurement.

    Attributes:
        warmup: Runs before the measured ones, not counted (first-call costs: BLAS
            thread start-up, cuBLAS handle creation, memory-pool growth, cold caches);
            a single one when a call takes ``target_s`` or more.
        min_repeats: Fewest measured repetitions, however slow one call is.
        max_repeats: Most measured repetitions, however fast one call is.
        target_s: Time aimed at for all the measured repetitions together, so that
            small sizes get many repetitions and large ones few.
        min_sample_s: A repetition shorter than this groups several calls (as
            ``timeit`` does), so that the timer's own cost stays negligible.
    """

    warmup: int = 2
    min_repeats: int = 3
    max_repeats: int = 25
    target_s: float = 1.0
    min_sample_s: float = 0.005

    def __post_init__(self) -> None:
        if self.warmup < 1:
            raise ValueError("il faut au moins un échauffement (warmup >= 1)")
        if not 1 <= self.min_repeats <= self.max_repeats:
            raise ValueError("répétitions : il faut 1 <= min_repeats <= max_repeats")
        if self.target_s <= 0 or self.min_sample_s <= 0:
            raise ValueError("target_s et min_sample_s doivent être positifs")


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """The measured repetitions of one operation.

    Attributes:
        samples: Seconds per call, one value per measured repetition.
        calls: Calls grouped in each repetition.
        warmup: Warm-up runs made before (not in ``samples``).
    """

    samples: tuple[float, ...]
    calls: int
    warmup: int

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.samples)

    @property
    def repeats(self) -> int:
        """Number of measured repetitions."""
        return len(self.samples)


def plan(call_s: float, policy: Policy) -> tuple[int, int]:
    """Calls per repetition and number of repetitions for an operation of ``call_s``.

    Args:
        call_s: Estimated seconds per call (from a warm-up run).
        policy: The repetition policy.

    Returns:
        ``(calls, repeats)``.
    """
    if call_s <= 0:
        # Below the clock's resolution: group as many calls as one repetition allows.
        return max(1, math.ceil(policy.min_sample_s * 1e6)), policy.max_repeats
    calls = max(1, math.ceil(policy.min_sample_s / call_s))
    repeats = math.ceil(policy.target_s / (call_s * calls))
    return calls, min(policy.max_repeats, max(policy.min_repeats, repeats))


def expected_seconds(call_s: float, policy: Policy) -> float:
    """How long :func:`measure` will take for an operation of ``call_s`` seconds."""
    calls, repeats = plan(call_s, policy)
    warmup = 1 if call_s >= policy.target_s else policy.warmup
    return call_s * (warmup + calls * repeats)


def measure(timed: Timed, policy: Policy) -> Measurement:
    """Warm up, then time repetitions of an operation.

    Warm-up stops after one run when that run alone takes ``target_s`` or more. The
    fastest warm-up run estimates one call's duration, which sets how many calls
    each repetition groups and how many repetitions there are (:func:`plan`). An
    operation faster than ``min_sample_s`` is timed once more as a group of calls
    before that (not counted either): a single cold call of a tiny product can take
    a hundred times longer than the next ones, and would leave too few calls grouped.

    Args:
        timed: Runs the operation ``calls`` times and returns the elapsed seconds.
        policy: The repetition policy.

    Returns:
        The measured repetitions (warm-up and calibration runs excluded).
    """
    warmups: list[float] = []
    while len(warmups) < policy.warmup:
        warmups.append(timed(1))
        if warmups[-1] >= policy.target_s:
            break  # one slow call: its first-call costs are lost in it, no need for more
    estimate = min(warmups)
    if estimate < policy.min_sample_s:
        group, _ = plan(estimate, policy)
        estimate = timed(group) / group
    calls, repeats = plan(estimate, policy)
    samples = tuple(timed(calls) / calls for _ in range(repeats))
    return Measurement(samples=samples, calls=calls, warmup=len(warmups))


def clock_timer(operation: Callable[[], object], clock: Callable[[], float]) -> Timed:
    """A :data:`Timed` for work that is finished when the call returns (CPU work).

    Args:
        operation: The operation; its result is discarded, as in ``a @ b`` in a loop.
        clock: A monotonic clock in seconds (``time.perf_counter``).
    """

    def timed(calls: int) -> float:
        start = clock()
        for _ in range(calls):
            operation()
        return clock() - start

    return timed


def perf_counter_timer(operation: Callable[[], object]) -> Timed:
    """:func:`clock_timer` with ``time.perf_counter``."""
    return clock_timer(operation, time.perf_counter)


def gflops(n: int, seconds: float) -> float:
    """GFLOP/s of an ``n × n`` by ``n × n`` product done in ``seconds``.

    The product costs ``n³`` multiplications and ``n²(n - 1)`` additions, counted as
    ``2n³`` floating-point operations by convention.

    Raises:
        ValueError: ``seconds`` is not positive.
    """
    if seconds <= 0:
        raise ValueError(f"durée non positive ({seconds} s) pour n = {n}")
    return 2.0 * n**3 / seconds / 1e9
