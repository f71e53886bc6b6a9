"""One run of the demo: settings from the parameters, CPU sweep, GPU sweep, check."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from demos._support.backend import Backend

from . import blas, cpu, gpu
from .peaks import nominal_peak
from .results import Check, Results
from .sweep import Row, Skip, sweep
from .timing import Policy

DTYPES = ("float32", "float64")
BACKENDS = ("auto", "numpy", "cupy")

#: ``--quick``: a handful of fast repetitions, enough to exercise every step.
QUICK_POLICY = Policy(warmup=1, min_repeats=3, max_repeats=5, target_s=0.05, min_sample_s=0.002)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The demo's parameters, checked.

    Attributes:
        sizes: Matrix sizes, increasing.
        dtypes: Precisions measured.
        backend: ``"auto"``, ``"numpy"`` (CPU only) or ``"cupy"`` (GPU required).
        cpu_budget_s: Seconds the CPU sweep may take.
        gpu_budget_s: Seconds the GPU sweep may take.
        policy: Repetitions.
        check_n: Size of the plain-loop cross-check (float32, CPU).
        seed: Seed of the matrices.
    """

    sizes: tuple[int, ...]
    dtypes: tuple[str, ...]
    backend: str
    cpu_budget_s: float
    gpu_budget_s: float
    policy: Policy
    check_n: int
    seed: int


def _int(params: Mapping[str, Any], key: str, minimum: int) -> int:
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"paramètre {key} : entier >= {minimum} attendu, reçu {value!r}")
    return value


def _seconds(params: Mapping[str, Any], key: str) -> float:
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"paramètre {key} : durée positive attendue, reçu {value!r}")
    return float(value)


def _sizes(params: Mapping[str, Any], key: str) -> tuple[int, ...]:
    value = params[key]
    if not isinstance(value, list) or not value:
        raise ValueError(f"paramètre {key} : liste de tailles attendue, reçu {value!r}")
    for n in value:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"paramètre {key} : taille invalide {n!r} (entier >= 1)")
    return tuple(sorted(set(value)))


def settings(params: Mapping[str, Any], *, quick: bool) -> Settings:
    """Check the parameters (``PARAMS`` with ``--param`` overrides).

    Args:
        params: The parameters.
        quick: ``--quick``: the quick sizes and :data:`QUICK_POLICY`.

    Raises:
        ValueError: A parameter is invalid; the message names it (French).
    """
    dtypes = params["dtypes"]
    if not isinstance(dtypes, list) or not dtypes or any(d not in DTYPES for d in dtypes):
        raise ValueError(f"paramètre dtypes : liste parmi {', '.join(DTYPES)}, reçu {dtypes!r}")
    if params["backend"] not in BACKENDS:
        raise ValueError(
            f"paramètre backend : {', '.join(BACKENDS)} attendu, reçu {params['backend']!r}"
        )
    if quick:
        policy = QUICK_POLICY
    else:
        try:
            policy = Policy(
                warmup=_int(params, "warmup", 1),
                min_repeats=_int(params, "min_repeats", 1),
                max_repeats=_int(params, "max_repeats", 1),
                target_s=_seconds(params, "target_s"),
            )
        except ValueError as err:
            raise ValueError(f"paramètres de répétition : {err}") from err
    return Settings(
        sizes=_sizes(params, "quick_sizes" if quick else "sizes"),
        dtypes=tuple(d for d in DTYPES if d in dtypes),
        backend=str(params["backend"]),
        cpu_budget_s=_seconds(params, "cpu_budget_s"),
        gpu_budget_s=_seconds(params, "gpu_budget_s"),
        policy=policy,
        check_n=_int(params, "check_n", 1),
        seed=_int(params, "seed", 0),
    )


def _check(row: Row, config: Settings, clock: Callable[[], float]) -> Check:
    # As many products as the demo timed, with the same matrices, right after it.
    loops = max(3, row.product.repeats * row.product.calls)
    plain = cpu.plain_loop_seconds(row.n, row.dtype, loops=loops, seed=config.seed, clock=clock)
    return Check(n=row.n, dtype=row.dtype, demo_s=row.product.median, plain_s=plain, loops=loops)


def _told(where: str, n: int, dtype: str) -> None:
    """One line per measured size, as it goes (the site's build shows each)."""
    print(f"{where} : {n} × {n} {dtype} mesuré", flush=True)


def run(
    config: Settings,
    device: Backend | str,
    *,
    environ: Mapping[str, str],
    cpu_device: str,
    clock: Callable[[], float] = time.perf_counter,
    loadavg: Callable[[], tuple[float, float, float]] = os.getloadavg,
) -> Results:
    """Measure the CPU, then the GPU when there is one.

    Args:
        config: The checked parameters.
        device: The CuPy backend, or why there is no GPU (French).
        environ: The environment (BLAS threads, ``CUPY_TF32``).
        cpu_device: The CPU, in words.
        clock: Monotonic clock for the CPU timings and the budgets.
        loadavg: The system's load averages (recorded at the start and the end).

    Returns:
        What was measured.
    """
    checks: list[Check] = []
    load = {"start": list(loadavg())}

    def measure_cpu(n: int, dtype: str) -> Row:
        row = cpu.measure_numpy(n, dtype, policy=config.policy, seed=config.seed, clock=clock)
        if n == config.check_n and dtype == "float32":
            checks.append(_check(row, config, clock))
        _told("CPU", n, dtype)
        return row

    def measure_gpu(cp: Any, n: int, dtype: str) -> Row | Skip:
        row = gpu.measure_cupy(n, dtype, cp=cp, policy=config.policy, seed=config.seed)
        if isinstance(row, Row):
            _told("GPU", n, dtype)
        return row

    started = clock()
    rows, skips = sweep(
        config.sizes,
        config.dtypes,
        measure_cpu,
        backend="numpy",
        policy=config.policy,
        budget_s=config.cpu_budget_s,
        clock=clock,
    )
    if not checks:  # the check size is not among the sizes (--quick): measure it apart
        measure_cpu(config.check_n, "float32")
    budgets = {"cpu_s": config.cpu_budget_s, "cpu_used_s": clock() - started}
    described = blas.describe(environ)
    if isinstance(device, str):
        return Results(
            rows=rows,
            skips=skips,
            cpu_device=cpu_device,
            gpu_name=None,
            gpu_reason=device,
            blas=described,
            check=checks[0],
            policy=config.policy,
            budgets=budgets,
            load=load | {"end": list(loadavg())},
        )
    cp = device.xp
    name = gpu.device_name(cp)
    started = clock()
    gpu_rows, gpu_skips = sweep(
        config.sizes,
        config.dtypes,
        lambda n, dtype: measure_gpu(cp, n, dtype),
        backend="cupy",
        policy=config.policy,
        budget_s=config.gpu_budget_s,
        clock=clock,
    )
    budgets |= {"gpu_s": config.gpu_budget_s, "gpu_used_s": clock() - started}
    return Results(
        rows=rows + gpu_rows,
        skips=skips + gpu_skips,
        cpu_device=cpu_device,
        gpu_name=name,
        gpu_reason=None,
        cupy_version=str(getattr(cp, "__version__", "?")),
        peak=nominal_peak(name),
        tf32=gpu.tf32_enabled(environ),
        blas=described,
        check=checks[0],
        policy=config.policy,
        budgets=budgets,
        load=load | {"end": list(loadavg())},
    )
