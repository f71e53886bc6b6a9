"""The product on an NVIDIA GPU with CuPy: transfers and product timed apart.

Timing on a GPU: a kernel launch returns before the work is done, so a host clock
around ``a @ b`` measures the launch, not the product. CUDA events recorded on the
stream before and after the work, then waited for, give the device's own elapsed
time. Transfers (host → device for the two operands, device → host for the result)
are measured separately from the product, since on a real workload data often stays
on the device from one product to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import numpy as np

from .cpu import operands
from .sweep import Row, Skip
from .timing import Measurement, Policy, Timed, measure

#: Matrices alive at once on the device while a size is measured: two operands, the
#: result, one result in flight during repetitions, two operand copies in flight while
#: the upload is timed.
MATRICES_ON_DEVICE = 6

#: Share of the free device memory a size may use (the rest: cuBLAS workspace, driver).
MEMORY_SHARE = 0.8

#: Result rows compared with a float64 product on the CPU.
CHECKED_ROWS = 3


def device_name(cp: ModuleType) -> str:
    """The name of GPU 0 as CUDA reports it, e.g. ``NVIDIA H100 80GB HBM3``."""
    name = cp.cuda.runtime.getDeviceProperties(0)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def tf32_enabled(environ: Mapping[str, str]) -> bool:
    """Whether CuPy may run float32 products on TF32 tensor cores (``CUPY_TF32=1``)."""
    return environ.get("CUPY_TF32", "0").strip() not in ("", "0")


def event_timer(cp: ModuleType, stream: Any, operation: Callable[[], object]) -> Timed:
    """A :data:`~demos.gpu_matmul.timing.Timed` measured with CUDA events on ``stream``.

    Args:
        cp: The ``cupy`` module.
        stream: The stream the operation is queued on.
        operation: Queues the work (returns before the device finishes it).
    """
    start = cp.cuda.Event()
    end = cp.cuda.Event()

    def timed(calls: int) -> float:
        start.record(stream)
        for _ in range(calls):
            operation()
        end.record(stream)
        end.synchronize()  # wait for the device, not just the launch
        return float(cp.cuda.get_elapsed_time(start, end)) / 1000.0

    return timed


def relative_error(a: np.ndarray, b: np.ndarray, result: np.ndarray) -> float:
    """Relative error of a few rows of ``result`` against ``a @ b`` in float64 on the CPU."""
    n = a.shape[0]
    rows = sorted({0, n // 2, n - 1})[:CHECKED_ROWS]
    reference = a[rows].astype(np.float64) @ b.astype(np.float64)
    scale = float(np.linalg.norm(reference)) or 1.0
    return float(np.linalg.norm(result[rows].astype(np.float64) - reference)) / scale


def free_device_memory(cp: ModuleType) -> None:
    """Return CuPy's cached blocks to the driver, so the next size starts clean."""
    cp.get_default_memory_pool().free_all_blocks()
    cp.get_default_pinned_memory_pool().free_all_blocks()


def _on_device(
    cp: ModuleType, stream: Any, a_host: np.ndarray, b_host: np.ndarray, policy: Policy
) -> tuple[Measurement, Measurement, Measurement, np.ndarray]:
    # Upload, product, download, each timed apart on ``stream``; returns the result.
    to_device = measure(
        event_timer(cp, stream, lambda: (cp.asarray(a_host), cp.asarray(b_host))), policy
    )
    a_dev = cp.asarray(a_host)
    b_dev = cp.asarray(b_host)
    product = measure(event_timer(cp, stream, lambda: cp.matmul(a_dev, b_dev)), policy)
    c_dev = cp.matmul(a_dev, b_dev)
    to_host = measure(event_timer(cp, stream, lambda: cp.asnumpy(c_dev, stream=stream)), policy)
    result = cp.asnumpy(c_dev, stream=stream)
    stream.synchronize()
    return to_device, product, to_host, result


def measure_cupy(n: int, dtype: str, *, cp: ModuleType, policy: Policy, seed: int) -> Row | Skip:
    """Time the transfers and ``a @ b`` on GPU 0 for one size and precision.

    Args:
        n: Matrix size.
        dtype: ``"float32"`` or ``"float64"``.
        cp: The ``cupy`` module.
        policy: The repetition policy (applied to each of the three measurements).
        seed: Seed of the operands (the same matrices as on the CPU).

    Returns:
        The row, or a skip when the size does not fit in the device's free memory.
    """
    free_device_memory(cp)
    free, _total = cp.cuda.runtime.memGetInfo()
    need = MATRICES_ON_DEVICE * n * n * np.dtype(dtype).itemsize
    if need > MEMORY_SHARE * free:
        return Skip(
            backend="cupy",
            dtype=dtype,
            n=n,
            reason=(
                f"mémoire du GPU insuffisante ({need / 2**30:.1f} Gio nécessaires, "
                f"{free / 2**30:.1f} Gio libres)"
            ),
        )
    a_host, b_host = operands(n, dtype, seed)
    stream = cp.cuda.Stream(non_blocking=True)
    try:
        with stream:
            to_device, product, to_host, result = _on_device(cp, stream, a_host, b_host, policy)
    except cp.cuda.memory.OutOfMemoryError as err:
        return Skip(backend="cupy", dtype=dtype, n=n, reason=f"mémoire du GPU épuisée ({err})")
    finally:
        # The device arrays died with _on_device's frame; give their blocks back.
        stream.synchronize()
        free_device_memory(cp)
    return Row(
        backend="cupy",
        dtype=dtype,
        n=n,
        product=product,
        to_device=to_device,
        to_host=to_host,
        max_rel_error=relative_error(a_host, b_host, result),
    )
