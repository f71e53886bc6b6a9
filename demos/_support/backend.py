"""Choosing the array module: CuPy on a GPU when one is usable, NumPy otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from generator import machine

NO_GPU_NOTE = "Aucun GPU utilisable sur cette machine : calcul sur le CPU avec NumPy."


@dataclass(frozen=True, kw_only=True)
class Backend:
    """The array module a demo computes with, and the hardware behind it.

    Attributes:
        xp: ``numpy`` or ``cupy``.
        name: ``"numpy"`` or ``"cupy"``.
        device: The hardware, in words (the GPU's name for CuPy).
        notes: Sentences the page shows (why the GPU was not used, for instance).
    """

    xp: ModuleType
    name: str
    device: str
    notes: tuple[str, ...] = ()

    @property
    def gpu(self) -> bool:
        """Whether arrays live on a GPU."""
        return self.name == "cupy"

    def to_numpy(self, array: object) -> np.ndarray:
        """A NumPy copy of ``array`` (a device-to-host transfer under CuPy)."""
        if self.gpu:
            return self.xp.asnumpy(array)  # type: ignore[no-any-return]
        return np.asarray(array)


def cupy_backend() -> Backend | str:
    """CuPy on the first GPU, or the reason it cannot be used (French)."""
    try:
        import cupy  # optional dependency, imported only when asked for
    except ImportError:
        return "CuPy n'est pas installé"
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
        if count < 1:
            return "aucun GPU CUDA visible"
        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        gpu = name.decode() if isinstance(name, bytes) else str(name)
    except Exception as err:  # CUDA raises its own error types, driver absent included
        return f"GPU inutilisable ({type(err).__name__}: {err})"
    return Backend(xp=cupy, name="cupy", device=f"GPU {gpu}")


def numpy_backend(*notes: str) -> Backend:
    """NumPy on this machine's CPU."""
    return Backend(xp=np, name="numpy", device=machine.cpu_description(), notes=notes)


def select(requested: str = "auto") -> Backend:
    """The backend for ``requested``: ``"auto"``, ``"numpy"`` or ``"cupy"``.

    ``"auto"`` takes CuPy when a GPU is usable and NumPy otherwise, with a note saying
    why. ``"cupy"`` on a machine without a usable GPU raises, naming the reason.

    Raises:
        RuntimeError: ``"cupy"`` was requested and cannot be used.
        ValueError: ``requested`` is not one of the three names.
    """
    if requested == "numpy":
        return numpy_backend()
    if requested not in ("auto", "cupy"):
        raise ValueError(f"backend inconnu « {requested} » (auto, numpy ou cupy)")
    chosen = cupy_backend()
    if isinstance(chosen, Backend):
        return chosen
    if requested == "cupy":
        raise RuntimeError(f"backend cupy demandé, mais {chosen}")
    return numpy_backend(f"{NO_GPU_NOTE} ({chosen}.)")
