"""Turning the measurements into ``metrics.json``, ``tables.json`` and the page's notes."""

from __future__ import annotations

from typing import Any

from demos._support.outputs import Table

from .peaks import SOURCE
from .results import Results
from .sweep import Row, Skip
from .timing import Measurement

_SHORT = {"float32": "f32", "float64": "f64"}

#: Slowest over fastest repetition above which a measurement is called unsteady.
UNSTEADY = 1.5
_DEVICE = {"numpy": "CPU (NumPy)", "cupy": "GPU (CuPy)"}


def number(value: float, decimals: int = 1) -> str:
    """``value`` written the French way: ``1 234,5``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")


def gpu_sentence(results: Results) -> str:
    """The sentence saying where the products ran, GPU or not (French)."""
    if results.gpu_ran:
        return (
            f"Produits calculés sur le CPU ({results.cpu_device}) avec NumPy et sur le GPU "
            f"{results.gpu_name} avec CuPy {results.cupy_version or '?'}."
        )
    return (
        f"Cette construction n'avait pas de GPU ({results.gpu_reason or 'aucun GPU'}) : "
        "seuls les résultats CPU (NumPy) sont présentés, aucun chiffre GPU."
    )


def _skip_notes(skips: list[Skip]) -> list[str]:
    # One sentence per device, precision and reason, listing the sizes it covers.
    grouped: dict[tuple[str, str, str], list[int]] = {}
    for skip in skips:
        grouped.setdefault((skip.backend, skip.dtype, skip.reason), []).append(skip.n)
    notes = []
    for (backend, dtype, reason), sizes in grouped.items():
        listed = ", ".join(str(n) for n in sorted(sizes))
        notes.append(f"Non mesuré sur le {_DEVICE[backend]} en {dtype}, n = {listed} : {reason}.")
    return notes


def notes(results: Results) -> list[str]:
    """The French sentences the page shows under the results."""
    found = [gpu_sentence(results)]
    blas = results.blas
    if blas:
        found.append(
            f"NumPy calcule avec {blas.get('name')} {blas.get('version') or ''} "
            f"sur {blas.get('threads')} fil(s) d'exécution "
            f"(source : {blas.get('source')})."
        )
    policy = results.policy
    found.append(
        "Chaque temps est la médiane de plusieurs répétitions (au moins "
        f"{policy.min_repeats}) après {policy.warmup} échauffement(s) non comptés ; "
        "CPU chronométré avec time.perf_counter, GPU avec des événements CUDA "
        "(copies entre hôte et GPU mesurées à part) ; GFLOP/s = 2n³ / temps."
    )
    found.extend(_skip_notes(results.skips))
    for device in ("cpu", "gpu"):
        allowed, used = results.budgets.get(f"{device}_s"), results.budgets.get(f"{device}_used_s")
        if allowed is not None and used is not None and used > allowed:
            found.append(
                f"Budget de temps du {device.upper()} dépassé ({number(used, 0)} s pour "
                f"{number(allowed, 0)} s prévues) : la dernière taille a pris plus longtemps "
                "que ne le laissait prévoir la précédente."
            )
    unsteady = [r for r in results.rows if r.spread > UNSTEADY]
    if unsteady:
        listed = " ; ".join(f"{_DEVICE[r.backend]} {r.dtype} n = {r.n}" for r in unsteady)
        found.append(
            f"Mesures dispersées (répétition la plus lente plus de {number(UNSTEADY)} fois "
            f"la plus rapide) : {listed}. La machine faisait sans doute autre chose en même "
            "temps ; la médiane en limite l'effet sans l'effacer."
        )
    if results.check is not None:
        check = results.check
        found.append(
            f"Contrôle : à n = {check.n} en {check.dtype}, la démo mesure "
            f"{number(check.demo_gflops)} GFLOP/s et une simple boucle a @ b "
            f"{number(check.plain_gflops)} GFLOP/s (rapport {number(check.ratio, 2)})."
        )
    if results.gpu_ran and results.peak is None:
        found.append(
            f"Pic nominal inconnu pour le GPU {results.gpu_name} : pas de ligne de référence GPU."
        )
    if results.gpu_ran and results.tf32:
        found.append(
            "CUPY_TF32=1 : les produits float32 du GPU peuvent passer par les cœurs "
            "tensoriels TF32, au-delà du pic FP32 nominal."
        )
    return found


def _measurement(m: Measurement) -> dict[str, Any]:
    return {
        "median_s": m.median,
        "min_s": min(m.samples),
        "max_s": max(m.samples),
        "repeats": m.repeats,
        "calls_per_repeat": m.calls,
        "warmup": m.warmup,
        "samples_s": list(m.samples),
    }


def _row(row: Row, reference: float | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "backend": row.backend,
        "dtype": row.dtype,
        "n": row.n,
        "gflops": row.gflops,
        "share_of_reference": None if reference is None else row.gflops / reference,
        "spread": row.spread,
        **_measurement(row.product),
    }
    if row.to_device is not None and row.to_host is not None:
        bytes_one = row.n * row.n * (4 if row.dtype == "float32" else 8)
        item["to_device"] = {
            **_measurement(row.to_device),
            "gbytes_per_s": 2 * bytes_one / row.to_device.median / 1e9,
        }
        item["to_host"] = {
            **_measurement(row.to_host),
            "gbytes_per_s": bytes_one / row.to_host.median / 1e9,
        }
        item["with_transfers_s"] = row.with_transfers_s
        item["max_rel_error"] = row.max_rel_error
    return item


def metrics(results: Results) -> dict[str, Any]:
    """The demo's metrics (``metrics.json`` without its provenance).

    Without a GPU, the ``gpu`` entry only says so and why: no GPU key holds a number.
    """
    found: dict[str, Any] = {"note_gpu": gpu_sentence(results)}
    found["cpu"] = {
        "device": results.cpu_device,
        "blas": results.blas,
        "threads": results.blas.get("threads"),
    }
    if results.gpu_ran:
        found["gpu"] = {
            "available": True,
            "name": results.gpu_name,
            "cupy": results.cupy_version,
            "tf32": results.tf32,
            "peak_model": None if results.peak is None else results.peak.model,
            "peak_gflops": None if results.peak is None else results.peak.gflops,
            "peak_source": SOURCE,
        }
    else:
        found["gpu"] = {"available": False, "reason": results.gpu_reason}
    policy = results.policy
    found["timing"] = {
        "warmup": policy.warmup,
        "min_repeats": policy.min_repeats,
        "max_repeats": policy.max_repeats,
        "target_s": policy.target_s,
        "min_sample_s": policy.min_sample_s,
        "statistic": "median",
        "cpu_clock": "time.perf_counter",
        "gpu_clock": "cupy.cuda.Event + synchronize",
        "flops": "2 n^3",
    }
    found["budget"] = dict(results.budgets)
    found["load_average"] = dict(results.load)
    for dtype, best in sorted(results.cpu_best().items()):
        found[f"cpu_best_gflops_{_SHORT[dtype]}"] = best
    for dtype, best in sorted(results.gpu_best().items()):
        found[f"gpu_best_gflops_{_SHORT[dtype]}"] = best
    if results.check is not None:
        check = results.check
        suffix = f"{_SHORT[check.dtype]}_{check.n}"
        found[f"plain_loop_gflops_{suffix}"] = check.plain_gflops
        found[f"demo_gflops_{suffix}"] = check.demo_gflops
        found[f"plain_loop_ratio_{suffix}"] = check.ratio
        found[f"plain_loop_within_20pct_{suffix}"] = check.within_20pct
        found[f"plain_loop_loops_{suffix}"] = check.loops
    found["measurements"] = [_row(row, results.reference(row)) for row in results.rows]
    found["skipped"] = [
        {"backend": s.backend, "dtype": s.dtype, "n": s.n, "reason": s.reason}
        for s in results.skips
    ]
    if results.gpu_ran:
        found["speedups"] = results.speedups()
    return found


def _ms(seconds: float) -> float:
    return float(f"{seconds * 1e3:.4g}")


def tables(results: Results) -> list[Table]:
    """``timings`` (every product), and ``gpu`` (transfers, speed-up) when a GPU ran."""
    rows = []
    for row in sorted(results.rows, key=lambda r: (r.backend, r.dtype, r.n)):
        reference = results.reference(row)
        rows.append(
            [
                row.n,
                row.dtype,
                _DEVICE[row.backend],
                _ms(row.product.median),
                round(row.gflops, 1),
                None if reference is None else round(100 * row.gflops / reference, 1),
                f"{row.product.repeats} × {row.product.calls}",
            ]
        )
    found = [
        Table(
            id="timings",
            caption=(
                "Produit de deux matrices n × n : temps médian, GFLOP/s (2n³ / temps) et "
                "part de la référence (meilleure mesure CPU, ou pic nominal du GPU)."
            ),
            columns=[
                "n",
                "précision",
                "calcul",
                "temps médian (ms)",
                "GFLOP/s",
                "% de la référence",
                "répétitions × appels",
            ],
            rows=rows,
        )
    ]
    if results.gpu_ran:
        speedups = {(s["dtype"], s["n"]): s for s in results.speedups()}
        gpu_rows = []
        for row in sorted(results.rows, key=lambda r: (r.dtype, r.n)):
            if row.backend != "cupy" or row.to_device is None or row.to_host is None:
                continue
            speedup = speedups.get((row.dtype, row.n))
            gpu_rows.append(
                [
                    row.n,
                    row.dtype,
                    _ms(row.to_device.median),
                    _ms(row.product.median),
                    _ms(row.to_host.median),
                    None if speedup is None else round(speedup["product_only"], 2),
                    None if speedup is None else round(speedup["with_transfers"], 2),
                ]
            )
        found.append(
            Table(
                id="gpu",
                caption=(
                    "GPU : copies hôte → GPU (les deux matrices), produit, copie GPU → hôte "
                    "(le résultat), et accélération sur le CPU sans puis avec les copies."
                ),
                columns=[
                    "n",
                    "précision",
                    "copie vers le GPU (ms)",
                    "produit (ms)",
                    "copie vers l'hôte (ms)",
                    "accélération (produit seul)",
                    "accélération (avec copies)",
                ],
                rows=gpu_rows,
            )
        )
    return found
