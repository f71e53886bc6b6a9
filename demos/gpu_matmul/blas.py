"""Which BLAS library NumPy's products run on, and with how many threads.

``threadpoolctl``, when installed, asks the library loaded in this process (name,
version, threads it will use). Otherwise NumPy's build configuration
(``numpy.show_config(mode="dicts")``) names the BLAS it was built against, and the
thread count is what the usual environment variables set, else the cores this process
may use (OpenBLAS's and MKL's default). The result says which source it used.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from generator import machine

#: Environment variables that set a BLAS library's threads, by precedence.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def from_threadpoolctl(info: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The first BLAS in ``threadpoolctl.threadpool_info()``'s answer, or ``None``."""
    for entry in info:
        if entry.get("user_api") == "blas":
            return {
                "source": "threadpoolctl",
                "name": str(entry.get("internal_api", "?")),
                "version": entry.get("version"),
                "architecture": entry.get("architecture"),
                "threads": int(entry.get("num_threads", 0)) or None,
                "threads_source": "threadpoolctl",
            }
    return None


def thread_count(environ: Mapping[str, str], cores: int) -> tuple[int, str]:
    """Threads a BLAS library will use, and where that number comes from.

    Args:
        environ: The environment (``os.environ``).
        cores: Cores this process may use.

    Returns:
        ``(threads, source)``: the first positive integer among
        :data:`THREAD_VARIABLES`, else ``cores``.
    """
    for variable in THREAD_VARIABLES:
        value = environ.get(variable, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value), variable
    return cores, "nombre de cœurs utilisables (valeur par défaut d'OpenBLAS et de MKL)"


def from_show_config(
    config: Mapping[str, Any], environ: Mapping[str, str], cores: int
) -> dict[str, Any]:
    """The BLAS named in ``numpy.show_config(mode="dicts")``, threads from the environment."""
    blas = config.get("Build Dependencies", {}).get("blas", {})
    threads, threads_source = thread_count(environ, cores)
    return {
        "source": 'numpy.show_config(mode="dicts")',
        "name": str(blas.get("name", "inconnu")),
        "version": blas.get("version"),
        "architecture": blas.get("openblas configuration"),
        "threads": threads,
        "threads_source": threads_source,
    }


def describe(environ: Mapping[str, str]) -> dict[str, Any]:
    """The BLAS NumPy uses in this process, from the best source available.

    Args:
        environ: The environment (``os.environ``).

    Returns:
        ``{"source", "name", "version", "architecture", "threads", "threads_source"}``.
    """
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        threadpoolctl = None
    if threadpoolctl is not None:
        found = from_threadpoolctl(threadpoolctl.threadpool_info())
        if found is not None:
            return found
    config = np.show_config(mode="dicts")
    return from_show_config(config or {}, environ, machine.cpu_count())
