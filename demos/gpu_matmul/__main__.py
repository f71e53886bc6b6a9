"""``python -m demos.gpu_matmul --out DIR [--quick] [--param KEY=VALUE ...]``."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from demos._support import backend
from demos._support.cli import parse_args
from demos._support.outputs import Provenance, write_results
from generator import machine

from . import PARAMS, report
from .plots import write_figures
from .run import run, settings


def gpu_or_reason(requested: str) -> backend.Backend | str:
    """The CuPy backend, or why the GPU is not used (French).

    Args:
        requested: ``"auto"``, ``"numpy"`` (CPU only) or ``"cupy"`` (GPU required).

    Raises:
        RuntimeError: ``"cupy"`` was requested and no GPU is usable.
    """
    if requested == "numpy":
        return "calcul GPU désactivé par le paramètre backend=numpy"
    chosen = backend.cupy_backend()
    if isinstance(chosen, str) and requested == "cupy":
        raise RuntimeError(f"backend cupy demandé, mais {chosen}")
    return chosen


def cpu_description() -> str:
    """The CPU alone, in words (not ``device_description``, which adds any GPU seen)."""
    return f"CPU {machine.cpu_model()} ({machine.cpu_count()} cœurs)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; return the exit status."""
    args = parse_args("gpu_matmul", PARAMS, argv)
    started = time.perf_counter()
    try:
        config = settings(args.params, quick=args.quick)
    except ValueError as err:
        print(f"gpu_matmul : {err}", file=sys.stderr)
        return 2
    try:
        device = gpu_or_reason(config.backend)
    except RuntimeError as err:
        print(f"gpu_matmul : {err}", file=sys.stderr)
        return 1
    cpu_device = cpu_description()
    results = run(config, device, environ=os.environ, cpu_device=cpu_device)
    figures = write_figures(results, args.out)
    write_results(
        args.out,
        metrics=report.metrics(results),
        provenance=Provenance(
            seed=config.seed,
            backend="cupy" if results.gpu_ran else "numpy",
            device=f"{cpu_device} + GPU {results.gpu_name}" if results.gpu_ran else cpu_device,
            params=args.params,
            quick=args.quick,
            seconds=time.perf_counter() - started,
            notes=report.notes(results),
        ),
        figures=figures,
        tables=report.tables(results),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
