"""What one run of the demo measured, and the figures derived from it (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .peaks import Peak
from .sweep import Row, Skip
from .timing import Policy, gflops


@dataclass(frozen=True, kw_only=True)
class Check:
    """The plain-loop cross-check: the demo's figure against ``a @ b`` in a bare loop.

    Attributes:
        n: Matrix size.
        dtype: Precision.
        demo_s: The demo's median seconds per product.
        plain_s: Seconds per product of the plain loop.
        loops: Products in the plain loop.
    """

    n: int
    dtype: str
    demo_s: float
    plain_s: float
    loops: int

    @property
    def demo_gflops(self) -> float:
        """GFLOP/s the demo reports."""
        return gflops(self.n, self.demo_s)

    @property
    def plain_gflops(self) -> float:
        """GFLOP/s of the plain loop."""
        return gflops(self.n, self.plain_s)

    @property
    def ratio(self) -> float:
        """Demo GFLOP/s over plain-loop GFLOP/s (1 = the same)."""
        return self.demo_gflops / self.plain_gflops

    @property
    def within_20pct(self) -> bool:
        """Whether the two agree within 20 %."""
        return 0.8 <= self.ratio <= 1.2


@dataclass(frozen=True, kw_only=True)
class Results:
    """Everything a run measured.

    Attributes:
        rows: Measured products, CPU rows first.
        skips: Sizes left unmeasured, with the reason.
        cpu_device: The CPU, in words.
        gpu_name: The GPU's name when the GPU ran, else ``None``.
        gpu_reason: Why no GPU ran (French), else ``None``.
        cupy_version: CuPy's version when the GPU ran.
        peak: The GPU's nominal peaks, if known.
        tf32: Whether float32 products on the GPU may use TF32 tensor cores.
        blas: The BLAS NumPy uses (:func:`demos.gpu_matmul.blas.describe`).
        check: The plain-loop cross-check.
        policy: The repetition policy used.
        budgets: Seconds allowed and used, per device.
        load: The system's load averages (1, 5, 15 min) at the start and end of the
            run: other work on the machine slows the products down.
    """

    rows: list[Row]
    skips: list[Skip]
    cpu_device: str
    gpu_name: str | None
    gpu_reason: str | None
    cupy_version: str | None = None
    peak: Peak | None = None
    tf32: bool = False
    blas: dict[str, Any] = field(default_factory=dict)
    check: Check | None = None
    policy: Policy = field(default_factory=Policy)
    budgets: dict[str, float] = field(default_factory=dict)
    load: dict[str, list[float]] = field(default_factory=dict)

    @property
    def gpu_ran(self) -> bool:
        """Whether any product ran on the GPU."""
        return any(row.backend == "cupy" for row in self.rows)

    def series(self, backend: str, dtype: str) -> list[Row]:
        """The rows of one backend and precision, by size."""
        chosen = [r for r in self.rows if r.backend == backend and r.dtype == dtype]
        return sorted(chosen, key=lambda r: r.n)

    def cpu_best(self) -> dict[str, float]:
        """The best GFLOP/s measured on the CPU, by precision."""
        best: dict[str, float] = {}
        for row in self.rows:
            if row.backend == "numpy":
                best[row.dtype] = max(best.get(row.dtype, 0.0), row.gflops)
        return best

    def gpu_best(self) -> dict[str, float]:
        """The best GFLOP/s measured on the GPU, by precision (empty without a GPU)."""
        best: dict[str, float] = {}
        for row in self.rows:
            if row.backend == "cupy":
                best[row.dtype] = max(best.get(row.dtype, 0.0), row.gflops)
        return best

    def reference(self, row: Row) -> float | None:
        """The GFLOP/s a row is compared with: CPU best, or the GPU's nominal peak."""
        if row.backend == "numpy":
            return self.cpu_best().get(row.dtype)
        if self.peak is None:
            return None
        return self.peak.gflops.get(row.dtype)

    def speedups(self) -> list[dict[str, Any]]:
        """GPU over CPU for each size and precision both measured."""
        cpu = {(r.dtype, r.n): r for r in self.rows if r.backend == "numpy"}
        found = []
        for row in self.rows:
            other = cpu.get((row.dtype, row.n))
            if row.backend != "cupy" or other is None:
                continue
            found.append(
                {
                    "dtype": row.dtype,
                    "n": row.n,
                    "product_only": other.product.median / row.product.median,
                    "with_transfers": other.product.median / row.with_transfers_s,
                }
            )
        return found
