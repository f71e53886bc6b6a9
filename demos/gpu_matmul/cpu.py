"""The product on the CPU with NumPy (whatever BLAS NumPy is linked against)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from .sweep import Row
from .timing import Policy, clock_timer, measure


def operands(n: int, dtype: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two ``n × n`` matrices of standard normal values, the same for a given seed."""
    rng = np.random.default_rng([seed, n])
    kind = np.dtype(dtype).type
    return (
        rng.standard_normal((n, n), dtype=kind),
        rng.standard_normal((n, n), dtype=kind),
    )


def measure_numpy(
    n: int,
    dtype: str,
    *,
    policy: Policy,
    seed: int,
    clock: Callable[[], float] = time.perf_counter,
) -> Row:
    """Time ``a @ b`` on the CPU, exactly as a user writes it.

    The result is discarded at each call, as in a plain loop: NumPy allocates it each
    time, which is part of what ``a @ b`` costs.
    """
    a, b = operands(n, dtype, seed)
    product = measure(clock_timer(lambda: a @ b, clock), policy)
    return Row(backend="numpy", dtype=dtype, n=n, product=product)


def plain_loop_seconds(
    n: int,
    dtype: str,
    *,
    loops: int,
    seed: int,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Seconds per ``a @ b`` in the plainest loop: one clock around ``loops`` products.

    No warm-up, no median: the cross-check a reader would write, to show that the
    harness does not make NumPy look slower than it is.
    """
    a, b = operands(n, dtype, seed)
    start = clock()
    for _ in range(loops):
        a @ b
    return (clock() - start) / loops
