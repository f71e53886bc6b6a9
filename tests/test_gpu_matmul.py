"""The matrix-product demo: timing harness, budget, peaks, BLAS, results, command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from demos._support import backend
from demos.gpu_matmul import DATA, PARAMS, TIMEOUT_S, TITLE, blas, cpu, peaks, report
from demos.gpu_matmul.__main__ import main
from demos.gpu_matmul.results import Check, Results
from demos.gpu_matmul.sweep import Row, Skip, sweep
from demos.gpu_matmul.timing import (
    Measurement,
    Policy,
    clock_timer,
    expected_seconds,
    gflops,
    measure,
    plan,
)

from .conftest import ROOT

# A policy that never groups calls, so each timed run is one call.
ONE_CALL = Policy(warmup=2, min_repeats=3, max_repeats=3, target_s=100.0, min_sample_s=1e-9)


class FakeClock:
    """A clock that moves only when the fake operation runs, by scripted durations."""

    def __init__(self, durations: list[float]) -> None:
        self.now = 100.0
        self._durations: Iterator[float] = iter(durations)
        self.calls = 0

    def __call__(self) -> float:
        return self.now

    def operation(self) -> None:
        self.calls += 1
        self.now += next(self._durations)


# --- timing harness ---------------------------------------------------------------


def test_clock_timer_times_calls_back_to_back() -> None:
    clock = FakeClock([0.5, 0.25, 0.25])
    timed = clock_timer(clock.operation, clock)
    assert timed(3) == pytest.approx(1.0)
    assert clock.calls == 3


def test_median_of_repetitions_with_warmup_not_counted() -> None:
    # Two slow warm-up calls (cold caches), then three measured ones.
    clock = FakeClock([9.0, 5.0, 0.1, 0.3, 0.2])
    result = measure(clock_timer(clock.operation, clock), ONE_CALL)
    assert result.samples == pytest.approx((0.1, 0.3, 0.2))
    assert result.median == pytest.approx(0.2)
    assert result.warmup == 2
    assert result.calls == 1
    assert clock.calls == 5


def test_one_warmup_for_a_slow_call() -> None:
    # A call longer than the target: a second warm-up would only burn the budget.
    policy = Policy(warmup=2, min_repeats=3, max_repeats=3, target_s=1.0, min_sample_s=1e-9)
    clock = FakeClock([3.0, 2.0, 2.5, 2.2])
    result = measure(clock_timer(clock.operation, clock), policy)
    assert result.warmup == 1
    assert result.samples == pytest.approx((2.0, 2.5, 2.2))
    assert expected_seconds(2.0, policy) == pytest.approx(2.0 * (1 + 3))
    assert expected_seconds(0.5, policy) == pytest.approx(0.5 * (2 + 3))


def test_median_is_not_the_mean() -> None:
    # One disturbed repetition (another process took the cores) does not move the median.
    clock = FakeClock([1.0, 1.0, 0.1, 0.1, 5.0])
    result = measure(clock_timer(clock.operation, clock), ONE_CALL)
    assert result.median == pytest.approx(0.1)


def test_fast_operation_is_calibrated_then_grouped() -> None:
    policy = Policy(warmup=1, min_repeats=2, max_repeats=4, target_s=1.0, min_sample_s=0.01)
    seen: list[int] = []

    def timed(calls: int) -> float:
        seen.append(calls)
        # A cold first call of 1 ms, then 10 µs per call.
        return 1e-3 if len(seen) == 1 else calls * 1e-5

    result = measure(timed, policy)
    # Warm-up (1 call), calibration group (10 calls from the cold estimate), then
    # repetitions of 1,000 calls (10 ms each) from the calibrated 10 µs.
    assert seen[:2] == [1, 10]
    assert result.calls == 1000
    assert seen[2:] == [1000] * 4
    assert result.median == pytest.approx(1e-5)


def test_repetitions_adapt_to_the_duration_of_a_call() -> None:
    policy = Policy(warmup=1, min_repeats=3, max_repeats=20, target_s=1.0, min_sample_s=0.005)
    assert plan(2.0, policy) == (1, 3)  # slow: the minimum
    assert plan(0.1, policy) == (1, 10)  # ten repetitions fill the target
    assert plan(1e-4, policy) == (50, 20)  # fast: grouped, the maximum
    assert expected_seconds(2.0, policy) == pytest.approx(2.0 * (1 + 3))


@pytest.mark.parametrize(
    "kwargs",
    [{"warmup": 0}, {"min_repeats": 0}, {"min_repeats": 5, "max_repeats": 4}, {"target_s": 0}],
)
def test_policy_rejects_nonsense(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Policy(**kwargs)


def test_gflops_is_two_n_cubed_over_time() -> None:
    assert gflops(1000, 2.0) == pytest.approx(1.0)
    assert gflops(2048, 0.1) == pytest.approx(2 * 2048**3 / 0.1 / 1e9)
    with pytest.raises(ValueError, match="n = 64"):
        gflops(64, 0.0)


def test_plain_loop_divides_by_the_loops() -> None:
    ticks = iter([10.0, 16.0])  # one reading before the loop, one after
    seconds = cpu.plain_loop_seconds(8, "float32", loops=3, seed=0, clock=lambda: next(ticks))
    assert seconds == pytest.approx(2.0)


def test_check_ratio_and_tolerance() -> None:
    check = Check(n=2048, dtype="float32", demo_s=0.1, plain_s=0.11, loops=10)
    assert check.ratio == pytest.approx(1.1)
    assert check.within_20pct
    assert not Check(n=2048, dtype="float32", demo_s=0.1, plain_s=0.13, loops=3).within_20pct


# --- sweep within a budget ----------------------------------------------------------


def _row(n: int, dtype: str, seconds: float, backend_name: str = "numpy") -> Row:
    return Row(
        backend=backend_name,
        dtype=dtype,
        n=n,
        product=Measurement(samples=(seconds,) * 3, calls=1, warmup=2),
    )


def test_sweep_skips_sizes_past_the_budget_and_says_why() -> None:
    policy = Policy(warmup=1, min_repeats=3, max_repeats=3, target_s=1e-3, min_sample_s=1e-9)
    clock = FakeClock([])
    per_call = {"float32": 1e-3, "float64": 2e-3}  # seconds at n = 100

    def measure_one(n: int, dtype: str) -> Row:
        seconds = per_call[dtype] * (n / 100) ** 3
        clock.now += expected_seconds(seconds, policy)
        return _row(n, dtype, seconds)

    rows, skips = sweep(
        [400, 100, 200, 800],
        ["float32", "float64"],
        measure_one,
        backend="numpy",
        policy=policy,
        budget_s=3.0,
        clock=clock,
    )
    # Costs (4 calls each): 100 → 4/8 ms, 200 → 32/64 ms, 400 → 0.26/0.51 s,
    # 800 → 2.05/4.1 s: float32 800 still fits, float64 800 does not.
    assert [(r.n, r.dtype) for r in rows] == [
        (100, "float32"),
        (100, "float64"),
        (200, "float32"),
        (200, "float64"),
        (400, "float32"),
        (400, "float64"),
        (800, "float32"),
    ]
    assert [(s.n, s.dtype) for s in skips] == [(800, "float64")]
    assert "budget de 3 s" in skips[0].reason
    assert "n = 400" in skips[0].reason


def test_sweep_keeps_skipping_larger_sizes_once_over_budget() -> None:
    clock = FakeClock([])

    def measure_one(n: int, dtype: str) -> Row:
        clock.now += 1.0
        return _row(n, dtype, 0.25 * (n / 10) ** 3)

    rows, skips = sweep(
        [10, 20, 40],
        ["float64"],
        measure_one,
        backend="numpy",
        policy=ONE_CALL,
        budget_s=2.0,
        clock=clock,
    )
    assert [r.n for r in rows] == [10]
    assert [s.n for s in skips] == [20, 40]


def test_sweep_records_what_the_device_refuses() -> None:
    def measure_one(n: int, dtype: str) -> Row | Skip:
        if n > 32:
            return Skip(backend="cupy", dtype=dtype, n=n, reason="mémoire du GPU insuffisante")
        return _row(n, dtype, 1e-6, "cupy")

    rows, skips = sweep(
        [16, 32, 64],
        ["float32"],
        measure_one,
        backend="cupy",
        policy=ONE_CALL,
        budget_s=60.0,
        clock=FakeClock([]),
    )
    assert [r.n for r in rows] == [16, 32]
    assert skips == [
        Skip(backend="cupy", dtype="float32", n=64, reason="mémoire du GPU insuffisante")
    ]


# --- nominal peaks, BLAS ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "model", "fp32", "fp64"),
    [
        ("NVIDIA H100 80GB HBM3", "H100 SXM", 67e3, 67e3),
        ("NVIDIA H100 PCIe", "H100 PCIe", 51e3, 51e3),
        ("NVIDIA H100 NVL", "H100 NVL", 60e3, 60e3),
        ("NVIDIA H200", "H200 SXM", 67e3, 67e3),
        ("NVIDIA H200 NVL", "H200 NVL", 60e3, 60e3),
        ("NVIDIA A100-SXM4-80GB", "A100", 19.5e3, 19.5e3),
        ("NVIDIA A100 80GB PCIe", "A100", 19.5e3, 19.5e3),
        ("NVIDIA L4", "L4", 30.3e3, None),
        ("Tesla T4", "T4", 8.1e3, None),
    ],
)
def test_nominal_peaks_by_gpu_name(name: str, model: str, fp32: float, fp64: float | None) -> None:
    peak = peaks.nominal_peak(name)
    assert peak is not None
    assert peak.model == model
    assert peak.gflops["float32"] == fp32
    assert peak.gflops.get("float64") == fp64


@pytest.mark.parametrize("name", ["NVIDIA L40S", "NVIDIA GeForce RTX 4090", "NVIDIA H100"])
def test_unknown_gpu_has_no_peak(name: str) -> None:
    assert peaks.nominal_peak(name) is None


def test_blas_from_threadpoolctl() -> None:
    info = [
        {"user_api": "openmp", "internal_api": "openmp", "num_threads": 8},
        {
            "user_api": "blas",
            "internal_api": "openblas",
            "version": "0.3.27",
            "num_threads": 2,
            "architecture": "Zen",
        },
    ]
    found = blas.from_threadpoolctl(info)
    assert found is not None
    assert found["source"] == "threadpoolctl"
    assert (found["name"], found["version"], found["threads"]) == ("openblas", "0.3.27", 2)
    assert blas.from_threadpoolctl(info[:1]) is None


def test_blas_threads_from_environment_or_cores() -> None:
    assert blas.thread_count({"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1"}, 8) == (
        1,
        "OPENBLAS_NUM_THREADS",
    )
    assert blas.thread_count({"OMP_NUM_THREADS": "3"}, 8) == (3, "OMP_NUM_THREADS")
    threads, source = blas.thread_count({"OMP_NUM_THREADS": "x"}, 8)
    assert threads == 8
    assert "cœurs" in source


def test_blas_from_numpy_build_configuration() -> None:
    config = {"Build Dependencies": {"blas": {"name": "scipy-openblas", "version": "0.3.31"}}}
    found = blas.from_show_config(config, {}, 2)
    assert found["source"] == 'numpy.show_config(mode="dicts")'
    assert (found["name"], found["version"], found["threads"]) == ("scipy-openblas", "0.3.31", 2)
    real = blas.describe({})
    assert real["name"] and real["threads"] >= 1


def test_french_numbers() -> None:
    assert report.number(1234.56) == "1 234,6"
    assert report.number(0.987, 2) == "0,99"


# --- the whole demo -----------------------------------------------------------------


def test_demo_constants_follow_the_contract() -> None:
    assert TITLE and DATA == {} and TIMEOUT_S > 0
    json.dumps(PARAMS)  # JSON-compatible defaults
    # The build imports the package to read these: it must not pull NumPy in.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, demos.gpu_matmul; print('numpy' in sys.modules, 'cupy' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["False", "False"]


def _numbers_under_gpu_keys(value: Any, inside: bool = False) -> list[Any]:
    # Every number (not bool) stored under a key that names the GPU, at any depth.
    found: list[Any] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _numbers_under_gpu_keys(item, inside or "gpu" in str(key).lower())
    elif isinstance(value, list):
        for item in value:
            found += _numbers_under_gpu_keys(item, inside)
    elif inside and isinstance(value, int | float) and not isinstance(value, bool):
        found.append(value)
    return found


def test_without_gpu_only_cpu_results_and_a_plain_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend, "cupy_backend", lambda: "aucun GPU CUDA visible")
    out = tmp_path / "out"
    status = main(
        [
            "--out",
            str(out),
            "--quick",
            "--param",
            "quick_sizes=[16, 32, 64]",
            "--param",
            "check_n=96",
        ]
    )
    assert status == 0
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    note = "Cette construction n'avait pas de GPU (aucun GPU CUDA visible)"
    assert metrics["note_gpu"].startswith(note)
    assert metrics["provenance"]["notes"][0].startswith(note)
    assert metrics["provenance"]["backend"] == "numpy"
    assert "GPU" not in metrics["provenance"]["device"]
    assert metrics["gpu"] == {"available": False, "reason": "aucun GPU CUDA visible"}
    assert {m["backend"] for m in metrics["measurements"]} == {"numpy"}
    assert sorted((m["n"], m["dtype"]) for m in metrics["measurements"]) == [
        (n, d) for n in (16, 32, 64) for d in ("float32", "float64")
    ]
    # The parameters (gpu_budget_s) are settings, not results: everything else is.
    assert _numbers_under_gpu_keys({k: v for k, v in metrics.items() if k != "provenance"}) == []
    assert "speedups" not in metrics
    assert metrics["plain_loop_loops_f32_96"] >= 3
    assert math.isfinite(metrics["plain_loop_ratio_f32_96"])
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in figures] == ["temps", "gflops"]
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in tables] == ["timings"]
    assert {row[2] for row in tables[0]["rows"]} == {"CPU (NumPy)"}


def test_quick_run_writes_metrics_figures_and_tables(tmp_path: Path) -> None:
    out = tmp_path / "résultats"
    done = subprocess.run(
        [sys.executable, "-m", "demos.gpu_matmul", "--out", str(out), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # Each size is told as it is measured (a site's build shows each line as it comes).
    assert "CPU : 64 × 64 float32 mesuré" in done.stdout.splitlines()
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    provenance = metrics["provenance"]
    assert provenance["quick"] is True
    assert provenance["seed"] == 0
    assert provenance["versions"]["numpy"] == np.__version__
    assert provenance["seconds"] > 0
    assert provenance["notes"]
    assert metrics["cpu"]["blas"]["source"] in ("threadpoolctl", 'numpy.show_config(mode="dicts")')
    assert metrics["cpu"]["threads"] >= 1
    assert metrics["timing"]["statistic"] == "median"
    assert len(metrics["load_average"]["start"]) == 3
    for key in ("plain_loop_gflops_f32_2048", "demo_gflops_f32_2048", "plain_loop_ratio_f32_2048"):
        assert metrics[key] > 0
    cpu_rows = [m for m in metrics["measurements"] if m["backend"] == "numpy"]
    assert sorted({m["n"] for m in cpu_rows}) == PARAMS["quick_sizes"]
    for row in cpu_rows:
        assert row["gflops"] == pytest.approx(gflops(row["n"], row["median_s"]))
        assert row["repeats"] >= 3
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    for figure in figures:
        assert (out / figure["file"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert figure["caption"] and figure["alt"]
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    assert tables[0]["id"] == "timings"
    assert len(tables[0]["rows"]) >= len(cpu_rows)


@pytest.mark.parametrize(
    ("param", "named"),
    [
        ("sizes=[64, -1]", "sizes"),
        ('dtypes=["float16"]', "dtypes"),
        ("cpu_budget_s=0", "cpu_budget_s"),
        ("backend=tpu", "backend"),
        ("min_repeats=30", "min_repeats"),
    ],
)
def test_bad_parameter_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], param: str, named: str
) -> None:
    assert main(["--out", str(tmp_path), "--param", param]) == 2
    assert named in capsys.readouterr().err
    assert not (tmp_path / "metrics.json").exists()


def test_unknown_parameter_exits_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--out", str(tmp_path), "--param", "epochs=3"])
    assert stop.value.code == 2


def test_cupy_required_without_gpu_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(backend, "cupy_backend", lambda: "CuPy n'est pas installé")
    assert main(["--out", str(tmp_path), "--param", "backend=cupy"]) == 1
    assert "CuPy n'est pas installé" in capsys.readouterr().err


def test_results_reference_lines() -> None:
    rows = [_row(64, "float32", 1e-4), _row(128, "float32", 4e-4)]
    results = Results(rows=rows, skips=[], cpu_device="CPU", gpu_name=None, gpu_reason="x")
    best = results.cpu_best()["float32"]
    assert best == pytest.approx(gflops(128, 4e-4))
    assert results.reference(rows[0]) == best
    assert results.gpu_best() == {} and results.speedups() == []


def test_unsteady_measurements_are_named_in_the_notes() -> None:
    steady = _row(64, "float32", 1e-4)
    unsteady = Row(
        backend="numpy",
        dtype="float64",
        n=128,
        product=Measurement(samples=(1e-3, 1e-3, 2e-3), calls=1, warmup=2),
    )
    results = Results(
        rows=[steady, unsteady], skips=[], cpu_device="CPU", gpu_name=None, gpu_reason="x"
    )
    flagged = [note for note in report.notes(results) if note.startswith("Mesures dispersées")]
    assert len(flagged) == 1
    assert "float64 n = 128" in flagged[0] and "float32" not in flagged[0]
    assert [m["spread"] for m in report.metrics(results)["measurements"]] == [1.0, 2.0]


def test_budget_overrun_is_said() -> None:
    results = Results(
        rows=[_row(64, "float32", 1e-4)],
        skips=[],
        cpu_device="CPU",
        gpu_name=None,
        gpu_reason="x",
        budgets={"cpu_s": 90.0, "cpu_used_s": 121.3},
    )
    assert "Budget de temps du CPU dépassé (121 s pour 90 s prévues)" in " ".join(
        report.notes(results)
    )
    within = Results(
        rows=results.rows,
        skips=[],
        cpu_device="CPU",
        gpu_name=None,
        gpu_reason="x",
        budgets={"cpu_s": 90.0, "cpu_used_s": 60.0},
    )
    assert not any("Budget" in note for note in report.notes(within))
