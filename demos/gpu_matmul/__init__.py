"""Matrix product on the CPU (NumPy) and, when there is one, on a GPU (CuPy).

Light on purpose: the build imports this module to read the constants below, so it
imports neither NumPy nor CuPy.
"""

from __future__ import annotations

TITLE = "Multiplication de matrices : CPU contre GPU"

DATA: dict[str, str] = {}

#: A full run measures the CPU within ``cpu_budget_s`` and the GPU within
#: ``gpu_budget_s``; the rest (matrix generation, figures) takes well under a minute.
TIMEOUT_S = 600

PARAMS: dict[str, object] = {
    "sizes": [64, 128, 256, 512, 1024, 2048, 4096, 8192],
    "quick_sizes": [64, 128, 256, 512],
    "dtypes": ["float32", "float64"],
    "backend": "auto",
    "cpu_budget_s": 90,
    "gpu_budget_s": 120,
    "warmup": 2,
    "min_repeats": 3,
    "max_repeats": 25,
    "target_s": 1.0,
    "check_n": 2048,
    "seed": 0,
}
