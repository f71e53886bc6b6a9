"""The matrix-product demo on a real GPU (skipped without CuPy or without a GPU)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from demos._support import backend
from demos.gpu_matmul import gpu
from demos.gpu_matmul.sweep import Row
from demos.gpu_matmul.timing import Policy

from .conftest import ROOT

cupy = pytest.importorskip(
    "cupy", reason="CuPy n'est pas installé : le chemin GPU ne peut être testé qu'avec un GPU"
)

SMALL = Policy(warmup=1, min_repeats=3, max_repeats=5, target_s=0.05, min_sample_s=0.002)


@pytest.fixture(scope="module")
def device() -> backend.Backend:
    chosen = backend.cupy_backend()
    if isinstance(chosen, str):
        pytest.skip(f"CuPy est installé mais sans GPU utilisable : {chosen}")
    return chosen


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_product_on_the_gpu_is_right_and_timed(device: backend.Backend, dtype: str) -> None:
    row = gpu.measure_cupy(256, dtype, cp=device.xp, policy=SMALL, seed=0)
    assert isinstance(row, Row)
    assert row.product.median > 0
    assert row.to_device is not None and row.to_device.median > 0
    assert row.to_host is not None and row.to_host.median > 0
    tolerance = 1e-2 if gpu.tf32_enabled(os.environ) else 1e-4
    assert row.max_rel_error is not None and row.max_rel_error < tolerance


def test_quick_run_on_the_gpu(device: backend.Backend, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "demos.gpu_matmul", "--out", str(out), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["gpu"]["available"] is True
    assert metrics["provenance"]["backend"] == "cupy"
    assert {m["backend"] for m in metrics["measurements"]} == {"numpy", "cupy"}
    assert metrics["speedups"]
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert "acceleration" in [f["id"] for f in figures]
