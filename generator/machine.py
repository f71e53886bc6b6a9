"""What machine this is: CPU model, GPU (if any), library versions.

Used by the demo runner (a result's cache digest includes the device and the versions
of the libraries that compute it) and by the demos themselves (provenance shown under
every figure). Nothing here imports NumPy or CuPy: versions are read from the installed
distributions' metadata, and the GPU is asked for by ``nvidia-smi``, so that looking up
a cached result stays cheap.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

#: Distributions whose version can change a demo's result. CuPy ships under several
#: names (one per CUDA version); the first one installed is reported as ``cupy``.
CUPY_DISTRIBUTIONS = ("cupy", "cupy-cuda12x", "cupy-cuda11x", "cupy-cuda13x")


def parse_cpu_model(cpuinfo: str) -> str | None:
    """The CPU model named in the text of ``/proc/cpuinfo``, or ``None``.

    Args:
        cpuinfo: The file's text.

    Returns:
        The first ``model name`` (x86) or ``Model``/``Hardware`` (ARM) value.
    """
    for key in ("model name", "Model", "Hardware"):
        for line in cpuinfo.splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip() == key and value.strip():
                return " ".join(value.split())
    return None


@functools.cache
def cpu_model() -> str:
    """The CPU's model name, e.g. ``AMD EPYC 7B13``; the architecture if unknown."""
    try:
        model = parse_cpu_model(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        model = None
    return model or platform.processor() or platform.machine() or "CPU inconnu"


def cpu_count() -> int:
    """The number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.cache
def gpu_name() -> str | None:
    """The first NVIDIA GPU's name as ``nvidia-smi`` reports it, or ``None``.

    ``None`` when there is no ``nvidia-smi``, it fails, or it lists no GPU. This says a
    GPU is present, not that CuPy can use it: a demo checks that itself.
    """
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "--query-gpu=name", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return names[0] if done.returncode == 0 and names else None


def distribution_version(name: str) -> str | None:
    """The installed version of a distribution, or ``None`` if it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def library_versions() -> dict[str, str]:
    """Versions of Python and of the numeric libraries installed (absent ones left out).

    Returns:
        ``{"python": "3.11.9", "numpy": "2.1.3", "matplotlib": "3.9.2", "cupy": ...}``.
    """
    versions = {"python": platform.python_version()}
    for name in ("numpy", "matplotlib"):
        version = distribution_version(name)
        if version is not None:
            versions[name] = version
    for name in CUPY_DISTRIBUTIONS:
        version = distribution_version(name)
        if version is not None:
            versions["cupy"] = version
            break
    return versions


def cpu_description() -> str:
    """This machine's CPU, in words: ``"CPU AMD EPYC 7B13 (2 cœurs)"``."""
    return f"CPU {cpu_model()} ({cpu_count()} cœurs)"


def device_description() -> str:
    """One line naming the hardware a computation here runs on.

    Returns:
        e.g. ``"CPU AMD EPYC 7B13 (2 cœurs)"`` or
        ``"CPU AMD EPYC 7B13 (16 cœurs) + GPU NVIDIA H100 80GB HBM3"``.
    """
    cpu = cpu_description()
    gpu = gpu_name()
    return cpu if gpu is None else f"{cpu} + GPU {gpu}"
