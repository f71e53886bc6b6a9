"""Nominal peak GFLOP/s of common NVIDIA GPUs, by precision, for the reference lines.

Figures are the dense (no sparsity) values of NVIDIA's data sheets:
- H100 Tensor Core GPU data sheet: SXM FP32 67 TFLOPS, FP64 Tensor Core 67;
  PCIe FP32 51, FP64 Tensor Core 51; NVL FP32 60, FP64 Tensor Core 60.
- H200 Tensor Core GPU data sheet: SXM FP32 67, FP64 Tensor Core 67; NVL FP32 60,
  FP64 Tensor Core 60.
- A100 Tensor Core GPU data sheet (40 GB and 80 GB, PCIe and SXM): FP32 19.5,
  FP64 Tensor Core 19.5.
- L4 data sheet: FP32 30.3 (no FP64 figure given).
- T4 data sheet: FP32 8.1 (no FP64 figure given).

Which figure is the ceiling of a product: float64 uses the FP64 *Tensor Core* figure,
because cuBLAS runs DGEMM on those units on Ampere and Hopper. float32 uses the plain
FP32 figure: CuPy runs SGEMM without TF32 tensor cores unless ``CUPY_TF32=1`` is set
(then the FP32 figure is no longer the limit, and the demo says so). A precision the
data sheet does not give has no peak: no line is drawn rather than a guessed one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Where the figures come from, as the results cite it.
SOURCE = "fiches techniques NVIDIA (valeurs denses, sans parcimonie)"


@dataclass(frozen=True, kw_only=True)
class Peak:
    """Nominal peaks of one GPU model.

    Attributes:
        model: The model the figures belong to, e.g. ``H100 SXM``.
        gflops: GFLOP/s by precision (``"float32"``, ``"float64"``); a precision the
            data sheet does not give is absent.
    """

    model: str
    gflops: dict[str, float]


# Patterns are tried in order on the lower-cased CUDA device name, most specific first
# ("NVIDIA H100 80GB HBM3" is the SXM board, "NVIDIA H100 PCIe" the PCIe one).
_TABLE: tuple[tuple[str, Peak], ...] = (
    (r"h200\b.*\bnvl", Peak(model="H200 NVL", gflops={"float32": 60e3, "float64": 60e3})),
    (r"h200", Peak(model="H200 SXM", gflops={"float32": 67e3, "float64": 67e3})),
    (r"h100\b.*\bnvl", Peak(model="H100 NVL", gflops={"float32": 60e3, "float64": 60e3})),
    (r"h100\b.*\bpcie", Peak(model="H100 PCIe", gflops={"float32": 51e3, "float64": 51e3})),
    (r"h100\b.*\b(sxm|hbm3)", Peak(model="H100 SXM", gflops={"float32": 67e3, "float64": 67e3})),
    (r"a100\b", Peak(model="A100", gflops={"float32": 19.5e3, "float64": 19.5e3})),
    (r"\bl4\b", Peak(model="L4", gflops={"float32": 30.3e3})),
    (r"\bt4\b", Peak(model="T4", gflops={"float32": 8.1e3})),
)


def nominal_peak(gpu_name: str) -> Peak | None:
    """The nominal peaks of the GPU CUDA names ``gpu_name``, or ``None`` if unknown.

    Args:
        gpu_name: The device name, e.g. ``NVIDIA H100 80GB HBM3`` or ``Tesla T4``.
    """
    name = gpu_name.lower()
    for pattern, peak in _TABLE:
        if re.search(pattern, name):
            return peak
    return None
