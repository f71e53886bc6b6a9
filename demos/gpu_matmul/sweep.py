"""Measuring every size and precision on one device, within a time budget."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .timing import Measurement, Policy, expected_seconds, gflops


@dataclass(frozen=True, kw_only=True)
class Row:
    """One measured product ``n × n`` on one device.

    Attributes:
        backend: ``"numpy"`` (CPU) or ``"cupy"`` (GPU).
        dtype: ``"float32"`` or ``"float64"``.
        n: Matrix size.
        product: The product alone (no transfer).
        to_device: Copying both operands host → device (GPU only).
        to_host: Copying the result device → host (GPU only).
        max_rel_error: Largest relative error of a few result rows against a float64
            product on the CPU (GPU only: it shows the device did compute the product).
    """

    backend: str
    dtype: str
    n: int
    product: Measurement
    to_device: Measurement | None = None
    to_host: Measurement | None = None
    max_rel_error: float | None = None

    @property
    def gflops(self) -> float:
        """GFLOP/s of the product (median time)."""
        return gflops(self.n, self.product.median)

    @property
    def spread(self) -> float:
        """Slowest over fastest repetition of the product (1 = perfectly steady)."""
        return max(self.product.samples) / min(self.product.samples)

    @property
    def with_transfers_s(self) -> float:
        """Seconds for transfers in, product and transfer out (the product alone on CPU)."""
        extra = sum(m.median for m in (self.to_device, self.to_host) if m is not None)
        return self.product.median + extra


@dataclass(frozen=True, kw_only=True)
class Skip:
    """A size left unmeasured, and why (French, shown on the page)."""

    backend: str
    dtype: str
    n: int
    reason: str


#: Measures one size in one precision: a row, or a skip when it cannot run (memory).
MeasureOne = Callable[[int, str], Row | Skip]


def sweep(
    sizes: Sequence[int],
    dtypes: Sequence[str],
    measure_one: MeasureOne,
    *,
    backend: str,
    policy: Policy,
    budget_s: float,
    clock: Callable[[], float],
) -> tuple[list[Row], list[Skip]]:
    """Measure sizes in increasing order, each precision in turn, within ``budget_s``.

    Before each size, its cost is predicted from the previous size's time in the same
    precision (a product costs ``n³``) and the repetitions the policy will make; a
    size that would overrun what is left of the budget is skipped, with every larger
    size of that precision, and the reason is recorded.

    Args:
        sizes: Matrix sizes.
        dtypes: Precisions (``"float32"``, ``"float64"``).
        measure_one: Measures one ``(n, dtype)``.
        backend: Name recorded in the skips.
        policy: The repetition policy (for the cost prediction).
        budget_s: Seconds this sweep may take.
        clock: Monotonic clock in seconds.

    Returns:
        The measured rows and the skipped sizes, in measurement order.
    """
    start = clock()
    rows: list[Row] = []
    skips: list[Skip] = []
    last: dict[str, tuple[int, float]] = {}
    stopped: dict[str, str] = {}
    for n in sorted(set(sizes)):
        for dtype in dtypes:
            if dtype in stopped:
                skips.append(Skip(backend=backend, dtype=dtype, n=n, reason=stopped[dtype]))
                continue
            if dtype in last:
                n0, t0 = last[dtype]
                cost = expected_seconds(t0 * (n / n0) ** 3, policy)
                left = budget_s - (clock() - start)
                if cost > left:
                    stopped[dtype] = (
                        f"durée estimée à partir de n = {n0} au-delà du budget de "
                        f"{budget_s:g} s (environ {cost:.0f} s pour n = {n}, "
                        f"il restait {max(left, 0.0):.0f} s)"
                    )
                    skips.append(Skip(backend=backend, dtype=dtype, n=n, reason=stopped[dtype]))
                    continue
            outcome = measure_one(n, dtype)
            if isinstance(outcome, Skip):
                skips.append(outcome)
            else:
                rows.append(outcome)
                last[dtype] = (n, outcome.product.median)
    return rows, skips
