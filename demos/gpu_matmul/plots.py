"""The demo's figures: time and GFLOP/s against size, and GPU over CPU speed-up."""

from __future__ import annotations

from pathlib import Path

# The object-oriented API without pyplot: no global figure state, and a PNG is drawn
# by the Agg canvas whatever backend the environment asks for.
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import NullFormatter, NullLocator, ScalarFormatter

from demos._support.outputs import Figure

from .report import number
from .results import Results

_COLOURS = {
    ("numpy", "float32"): "#1f77b4",
    ("numpy", "float64"): "#17becf",
    ("cupy", "float32"): "#d62728",
    ("cupy", "float64"): "#ff7f0e",
}
_LABELS = {"numpy": "CPU (NumPy)", "cupy": "GPU (CuPy)"}
_DTYPES = ("float32", "float64")


def _axes() -> tuple[MplFigure, Axes]:
    fig = MplFigure(figsize=(7, 4.5))
    return fig, fig.subplots()


def _plain_numbers(ax: Axes) -> None:
    # "200" rather than "2 × 10²" on a logarithmic axis.
    ax.yaxis.set_major_formatter(ScalarFormatter())
    low, high = ax.get_ylim()
    # Label the minor ticks too when the axis spans little more than a decade (CPU
    # only); across several decades (CPU and GPU) they would overlap.
    ax.yaxis.set_minor_formatter(ScalarFormatter() if high / low < 30 else NullFormatter())


def _legend(ax: Axes) -> None:
    # Under the plot: inside it, the legend would hide some of the curves.
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)


def _save(fig: MplFigure, path: Path) -> None:
    fig.savefig(path, dpi=110, bbox_inches="tight")


def _size_axis(ax: Axes, results: Results) -> None:
    sizes = sorted({row.n for row in results.rows})
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("taille n des matrices (n × n)")
    ax.grid(True, which="both", alpha=0.3)


def _time_figure(results: Results, path: Path) -> None:
    fig, ax = _axes()
    for backend in ("numpy", "cupy"):
        for dtype in _DTYPES:
            rows = results.series(backend, dtype)
            if not rows:
                continue
            colour = _COLOURS[(backend, dtype)]
            ax.plot(
                [r.n for r in rows],
                [r.product.median for r in rows],
                marker="o",
                color=colour,
                label=f"{_LABELS[backend]}, {dtype}",
            )
            if backend == "cupy":
                ax.plot(
                    [r.n for r in rows],
                    [r.with_transfers_s for r in rows],
                    linestyle=":",
                    marker=".",
                    color=colour,
                    label=f"{_LABELS[backend]}, {dtype}, avec copies",
                )
    _size_axis(ax, results)
    ax.set_yscale("log")
    ax.set_ylabel("temps par produit (s, médiane)")
    ax.set_title("Temps d'un produit de matrices")
    _legend(ax)
    _save(fig, path)


def _gflops_figure(results: Results, path: Path) -> None:
    fig, ax = _axes()
    for backend in ("numpy", "cupy"):
        for dtype in _DTYPES:
            rows = results.series(backend, dtype)
            if not rows:
                continue
            ax.plot(
                [r.n for r in rows],
                [r.gflops for r in rows],
                marker="o",
                color=_COLOURS[(backend, dtype)],
                label=f"{_LABELS[backend]}, {dtype}",
            )
    for dtype, best in sorted(results.cpu_best().items()):
        ax.axhline(
            best,
            linestyle="--",
            linewidth=1,
            color=_COLOURS[("numpy", dtype)],
            label=f"meilleure mesure CPU {dtype} : {number(best, 0)} GFLOP/s",
        )
    if results.gpu_ran and results.peak is not None:
        for dtype, peak in sorted(results.peak.gflops.items()):
            if results.series("cupy", dtype):
                ax.axhline(
                    peak,
                    linestyle="-.",
                    linewidth=1,
                    color=_COLOURS[("cupy", dtype)],
                    label=f"pic nominal {results.peak.model} {dtype} : {number(peak, 0)} GFLOP/s",
                )
    _size_axis(ax, results)
    ax.set_yscale("log")
    ax.set_ylabel("GFLOP/s (2n³ / temps médian)")
    _plain_numbers(ax)
    ax.set_title("Débit de calcul et limites de référence")
    _legend(ax)
    _save(fig, path)


def _speedup_figure(results: Results, path: Path) -> None:
    fig, ax = _axes()
    speedups = results.speedups()
    for dtype in _DTYPES:
        points = sorted((s for s in speedups if s["dtype"] == dtype), key=lambda s: s["n"])
        if not points:
            continue
        colour = _COLOURS[("cupy", dtype)]
        sizes = [s["n"] for s in points]
        ax.plot(
            sizes,
            [s["product_only"] for s in points],
            marker="o",
            color=colour,
            label=f"{dtype}, produit seul",
        )
        ax.plot(
            sizes,
            [s["with_transfers"] for s in points],
            marker=".",
            linestyle=":",
            color=colour,
            label=f"{dtype}, avec copies hôte ↔ GPU",
        )
    ax.axhline(1.0, color="grey", linewidth=1, label="même vitesse")
    _size_axis(ax, results)
    ax.set_yscale("log")
    ax.set_ylabel("accélération (temps CPU / temps GPU)")
    _plain_numbers(ax)
    ax.set_title(f"GPU {results.gpu_name} contre CPU")
    _legend(ax)
    _save(fig, path)


def write_figures(results: Results, out: Path) -> list[Figure]:
    """Draw the figures into ``out`` and describe them for ``figures.json``.

    The speed-up figure exists only when both CPU and GPU measured a size: without a
    GPU there is nothing to compare, and no figure stands in for one.
    """
    out.mkdir(parents=True, exist_ok=True)
    where = "le CPU et le GPU" if results.gpu_ran else "le CPU seul (aucun GPU)"
    figures = []
    _time_figure(results, out / "temps.png")
    figures.append(
        Figure(
            id="temps",
            file="temps.png",
            caption=(
                f"Temps médian d'un produit de deux matrices n × n sur {where}, "
                "échelles logarithmiques."
                + (" En pointillés : avec les copies hôte ↔ GPU." if results.gpu_ran else "")
            ),
            alt=(
                "Courbes du temps par produit en fonction de la taille n, une par matériel "
                "et précision ; le temps croît à peu près comme n³."
            ),
        )
    )
    _gflops_figure(results, out / "gflops.png")
    figures.append(
        Figure(
            id="gflops",
            file="gflops.png",
            caption=(
                f"GFLOP/s (2n³ / temps) en fonction de n sur {where}. Lignes horizontales : "
                "meilleure mesure du CPU"
                + (", pic nominal du GPU" if results.gpu_ran and results.peak else "")
                + "."
            ),
            alt=(
                "Courbes du débit en GFLOP/s selon la taille n : faible pour les petites "
                "matrices, il monte puis plafonne près de la ligne de référence."
            ),
        )
    )
    if results.speedups():
        _speedup_figure(results, out / "acceleration.png")
        figures.append(
            Figure(
                id="acceleration",
                file="acceleration.png",
                caption=(
                    f"Accélération du GPU {results.gpu_name} sur le CPU selon n : produit "
                    "seul, puis en comptant les copies entre l'hôte et le GPU."
                ),
                alt=(
                    "Courbes du rapport temps CPU sur temps GPU selon n, avec et sans "
                    "les copies de données."
                ),
            )
        )
    return figures
