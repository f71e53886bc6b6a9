"""The GPU code path's control flow, driven by a stand-in for CuPy built on NumPy.

No GPU is involved and no number here is a GPU measurement: the stand-in runs the
products on the CPU and times its "events" with ``time.perf_counter``. What these tests
check is the order of operations (events around the work, synchronisation, transfers
timed apart from the product, memory freed after each size, sizes that do not fit
skipped) and that a run with a GPU yields GPU rows, speed-ups, the GPU table and the
speed-up figure. The real CuPy path is tested in ``test_gpu_matmul_cupy.py`` where a GPU
is present.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest

from demos._support.backend import Backend
from demos.gpu_matmul import gpu, plots, report
from demos.gpu_matmul.run import QUICK_POLICY, Settings, run
from demos.gpu_matmul.sweep import Row, Skip

from .test_gpu_matmul import _numbers_under_gpu_keys


class StandInOutOfMemory(Exception):
    """Plays ``cupy.cuda.memory.OutOfMemoryError``."""


def stand_in_cupy(
    *, name: str = "NVIDIA H100 80GB HBM3", free_bytes: int = 8 << 30, fail_matmul: bool = False
) -> tuple[ModuleType, list[str]]:
    """A module with the parts of CuPy's API the demo uses, and a log of what ran."""
    log: list[str] = []

    class Event:
        def __init__(self) -> None:
            self.at = 0.0

        def record(self, stream: Any = None) -> None:
            log.append("record")
            self.at = time.perf_counter()

        def synchronize(self) -> None:
            log.append("event.synchronize")

    class Stream:
        def __init__(self, non_blocking: bool = False) -> None:
            self.non_blocking = non_blocking

        def __enter__(self) -> Stream:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def synchronize(self) -> None:
            log.append("stream.synchronize")

    pool = SimpleNamespace(free_all_blocks=lambda: log.append("free_all_blocks"))

    def asarray(array: np.ndarray) -> np.ndarray:
        log.append("asarray")
        return np.array(array)

    def asnumpy(array: np.ndarray, stream: Any = None) -> np.ndarray:
        log.append("asnumpy")
        return np.array(array)

    def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        log.append("matmul")
        if fail_matmul:
            raise StandInOutOfMemory("out of memory allocating 1,024 bytes")
        return np.matmul(a, b)

    cp = ModuleType("cupy")
    cp.__version__ = "stand-in"
    cp.cuda = SimpleNamespace(  # type: ignore[attr-defined]
        Event=Event,
        Stream=Stream,
        get_elapsed_time=lambda start, end: (end.at - start.at) * 1e3,
        runtime=SimpleNamespace(
            memGetInfo=lambda: (free_bytes, free_bytes),
            getDeviceProperties=lambda index: {"name": name.encode()},
        ),
        memory=SimpleNamespace(OutOfMemoryError=StandInOutOfMemory),
    )
    cp.asarray = asarray  # type: ignore[attr-defined]
    cp.asnumpy = asnumpy  # type: ignore[attr-defined]
    cp.matmul = matmul  # type: ignore[attr-defined]
    cp.get_default_memory_pool = lambda: pool  # type: ignore[attr-defined]
    cp.get_default_pinned_memory_pool = lambda: pool  # type: ignore[attr-defined]
    return cp, log


def test_event_timer_records_around_the_work_and_waits() -> None:
    cp, log = stand_in_cupy()
    timed = gpu.event_timer(cp, None, lambda: log.append("work"))
    assert timed(3) >= 0
    assert log == ["record", "work", "work", "work", "record", "event.synchronize"]


def test_transfers_timed_apart_from_the_product_and_memory_freed() -> None:
    cp, log = stand_in_cupy()
    row = gpu.measure_cupy(48, "float32", cp=cp, policy=QUICK_POLICY, seed=0)
    assert isinstance(row, Row)
    assert row.backend == "cupy"
    assert row.to_device is not None and row.to_host is not None
    assert row.with_transfers_s == pytest.approx(
        row.product.median + row.to_device.median + row.to_host.median
    )
    assert row.max_rel_error is not None and row.max_rel_error < 1e-5
    # Memory is released before measuring and again after.
    assert log[:2] == ["free_all_blocks", "free_all_blocks"]
    assert log[-3:] == ["stream.synchronize", "free_all_blocks", "free_all_blocks"]
    # Uploads come first, then products, then downloads: never mixed in one timing.
    first_matmul, last_matmul = log.index("matmul"), len(log) - log[::-1].index("matmul")
    assert "asnumpy" not in log[:first_matmul]
    assert "asarray" not in log[first_matmul:last_matmul]


def test_size_that_does_not_fit_is_skipped_with_a_note() -> None:
    cp, log = stand_in_cupy(free_bytes=1 << 20)
    skip = gpu.measure_cupy(1024, "float64", cp=cp, policy=QUICK_POLICY, seed=0)
    assert isinstance(skip, Skip)
    assert "mémoire du GPU insuffisante" in skip.reason
    assert "matmul" not in log


def test_out_of_memory_during_the_run_is_a_skip_and_memory_is_freed() -> None:
    cp, log = stand_in_cupy(fail_matmul=True)
    skip = gpu.measure_cupy(32, "float32", cp=cp, policy=QUICK_POLICY, seed=0)
    assert isinstance(skip, Skip)
    assert "mémoire du GPU épuisée" in skip.reason
    assert log[-1] == "free_all_blocks"


def test_tf32_switch_is_read_from_the_environment() -> None:
    assert not gpu.tf32_enabled({})
    assert not gpu.tf32_enabled({"CUPY_TF32": "0"})
    assert gpu.tf32_enabled({"CUPY_TF32": "1"})


def _settings() -> Settings:
    return Settings(
        sizes=(16, 32),
        dtypes=("float32", "float64"),
        backend="auto",
        cpu_budget_s=30.0,
        gpu_budget_s=30.0,
        policy=QUICK_POLICY,
        check_n=32,
        seed=0,
    )


def test_run_with_a_gpu_reports_gpu_rows_speedups_and_peaks(tmp_path: Path) -> None:
    cp, _log = stand_in_cupy()
    device = Backend(xp=cp, name="cupy", device="GPU NVIDIA H100 80GB HBM3")
    results = run(_settings(), device, environ={}, cpu_device="CPU test (2 cœurs)")
    assert results.gpu_ran and results.gpu_name == "NVIDIA H100 80GB HBM3"
    assert results.peak is not None and results.peak.model == "H100 SXM"
    assert {(r.backend, r.dtype, r.n) for r in results.rows} == {
        (b, d, n) for b in ("numpy", "cupy") for d in ("float32", "float64") for n in (16, 32)
    }
    metrics = report.metrics(results)
    assert metrics["gpu"]["available"] is True
    assert metrics["gpu"]["peak_gflops"] == {"float32": 67e3, "float64": 67e3}
    assert len(metrics["speedups"]) == 4
    assert _numbers_under_gpu_keys(metrics)  # the helper does find GPU numbers
    assert metrics["note_gpu"].startswith("Produits calculés sur le CPU")
    tables = report.tables(results)
    assert [t.id for t in tables] == ["timings", "gpu"]
    assert len(tables[1].rows) == 4
    figures = plots.write_figures(results, tmp_path)
    assert [f.id for f in figures] == ["temps", "gflops", "acceleration"]
    json.dumps(metrics)


def test_unknown_gpu_gets_no_peak_line_and_says_so() -> None:
    cp, _log = stand_in_cupy(name="NVIDIA GeForce RTX 4090")
    device = Backend(xp=cp, name="cupy", device="GPU NVIDIA GeForce RTX 4090")
    results = run(_settings(), device, environ={"CUPY_TF32": "1"}, cpu_device="CPU")
    assert results.peak is None
    assert all(results.reference(r) is None for r in results.rows if r.backend == "cupy")
    notes = report.notes(results)
    assert any("Pic nominal inconnu" in note for note in notes)
    assert any("CUPY_TF32=1" in note for note in notes)
    assert report.metrics(results)["gpu"]["peak_gflops"] is None
