"""The demo's figures (matplotlib, Agg backend), labelled in French."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display at build time; must precede pyplot's import

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

DPI = 120

#: French names of the activations, and their colours (the same in every figure).
LABELS = {"identity": "Identité", "relu": "ReLU", "sigmoid": "Sigmoïde"}
COLOURS = {"identity": "#1f77b4", "relu": "#2ca02c", "sigmoid": "#d62728"}
MLP_COLOUR = "#9467bd"


def _comma_axis(ax: Axes) -> None:
    # Decimal commas on the value axis (the page is in French).
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}".replace(".", ",")))


def _save(fig: Figure, path: Path) -> None:
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)


def _french(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def loss_curves(
    path: Path,
    losses: Mapping[str, Sequence[float] | np.ndarray],
    course_points: Mapping[int, float],
) -> None:
    """(a) The loss at each epoch for each activation, with the course's logged values.

    Args:
        path: The PNG to write.
        losses: Activation → loss per epoch.
        course_points: Epoch → loss the course printed for the identity network.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for name, values in losses.items():
        ax.plot(np.arange(len(values)), values, color=COLOURS[name], lw=2, label=LABELS[name])
    epochs = max((len(v) for v in losses.values()), default=0)
    shown = {e: v for e, v in course_points.items() if e < epochs}
    if shown:
        ax.plot(
            list(shown),
            list(shown.values()),
            "o",
            mfc="white",
            mec="black",
            ms=6,
            label="Valeurs affichées dans le cours (identité)",
        )
    ax.set_xlabel("Époque (passage sur les données d'entraînement)")
    ax.set_ylabel("Perte : erreur quadratique moyenne")
    ax.set_title("Convergence de la fonction de perte selon l'activation")
    _comma_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend()
    _save(fig, path)


def accuracy_bars(
    path: Path,
    measured: Mapping[str, float],
    course: Mapping[str, float],
    mlp: float | None,
    sota: float,
) -> None:
    """(b) Test accuracy per activation, beside the course's values and the state of the art.

    Args:
        path: The PNG to write.
        measured: Activation → accuracy (percent) of this run.
        course: Activation → accuracy (percent) the course reports.
        mlp: The MLP's accuracy (percent), if it was trained.
        sota: The state of the art the course quotes (percent).
    """
    fig, ax = plt.subplots(figsize=(9.5, 5))
    names = list(measured)
    x = np.arange(len(names), dtype=float)
    width = 0.38
    bars_course = ax.bar(
        x - width / 2,
        [course[n] for n in names],
        width,
        color="#c7c7c7",
        edgecolor="black",
        label="Valeur du cours",
    )
    bars_run = ax.bar(
        x + width / 2,
        [measured[n] for n in names],
        width,
        color=[COLOURS[n] for n in names],
        edgecolor="black",
        label="Ce calcul",
    )
    extra_labels: list[str] = []
    position = float(len(names))
    extra_bars = []
    if mlp is not None:
        extra_bars.append(ax.bar(position, mlp, width * 1.4, color=MLP_COLOUR, edgecolor="black"))
        extra_labels.append("Réseau à une\ncouche cachée\n(ce calcul)")
        position += 1
    extra_bars.append(ax.bar(position, sota, width * 1.4, color="#444444", edgecolor="black"))
    extra_labels.append("État de l'art\n(cité par le cours)")
    for group in (bars_course, bars_run, *extra_bars):
        for bar in group:
            ax.annotate(
                f"{_french(bar.get_height())} %",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8.5,
            )
    ticks = [*x, *np.arange(len(names), len(names) + len(extra_labels))]
    ax.set_xticks(ticks, [LABELS[n] for n in names] + extra_labels)
    ax.set_ylim(0, 110)
    ax.set_ylabel("Taux de réussite sur les images de test (%)")
    ax.set_title("Précision sur le jeu de test selon l'activation")
    ax.axhline(sota, color="#444444", ls=":", lw=1)
    ax.legend(loc="upper left")
    _save(fig, path)


def weight_trajectories(
    path: Path,
    trajectories: np.ndarray,
    pixels: Sequence[int],
    digit: int,
    image: np.ndarray,
) -> None:
    """(c) A few weights during training, and where their pixels are.

    Args:
        path: The PNG to write.
        trajectories: ``(epochs, t)`` the weights at each epoch.
        pixels: The ``t`` pixel indices (0–783).
        digit: The output (digit) these weights feed.
        image: A ``28 × 28`` test image to draw the pixels on.
    """
    fig, (ax_img, ax) = plt.subplots(
        1, 2, figsize=(10.5, 4.4), gridspec_kw={"width_ratios": [1, 2.3]}, layout="constrained"
    )
    ax_img.imshow(image, cmap="gray_r")
    colours = plt.get_cmap("tab10")
    for i, pixel in enumerate(pixels):
        row, col = divmod(int(pixel), 28)
        colour = colours(i % 10)
        ax_img.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, ec="red", lw=2.0))
        ax_img.annotate(
            chr(ord("A") + i),
            (col, row),
            xytext=(col + 1.2, row - 0.8),
            color=colour,
            fontsize=11,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        ax.plot(
            trajectories[:, i],
            color=colour,
            lw=2,
            label=f"pixel {chr(ord('A') + i)} (ligne {row}, colonne {col})",
        )
    ax_img.set_title("Pixels suivis (carrés rouges)")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    ax.set_xlabel("Époque")
    ax.set_ylabel(f"Poids vers la sortie « {digit} »")
    ax.set_title(f"Évolution de quelques poids (réseau sans activation, sortie {digit})")
    _comma_axis(ax)
    ax.axhline(0, color="black", lw=0.8)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    _save(fig, path)


def examples_grid(
    path: Path,
    images: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    per_row: int = 5,
) -> None:
    """(d) The first correctly and incorrectly classified test digits.

    Args:
        path: The PNG to write.
        images: Test images ``(m, 28, 28)``.
        labels: Their true digits.
        predicted: The digits the network predicted.
        per_row: Images per row.
    """
    good = np.flatnonzero(predicted == labels)[:per_row]
    bad = np.flatnonzero(predicted != labels)[:per_row]
    fig, axes = plt.subplots(2, per_row, figsize=(1.9 * per_row, 4.9))
    for row, (indices, title, colour) in enumerate(
        ((good, "Bien classés", "#2ca02c"), (bad, "Mal classés", "#d62728"))
    ):
        for col in range(per_row):
            ax = axes[row, col]
            ax.set_xticks([])
            ax.set_yticks([])
            if col < len(indices):
                i = int(indices[col])
                ax.imshow(images[i], cmap="gray_r")
                ax.set_title(
                    f"Prédit : {int(predicted[i])}\nVrai : {int(labels[i])}",
                    fontsize=10,
                    color=colour,
                )
            else:
                ax.axis("off")
        axes[row, 0].set_ylabel(title, fontsize=11, color=colour)
        if not len(indices):
            axes[row, 0].text(0.5, 0.5, f"{title} : aucun", ha="center", va="center")
    fig.suptitle("Exemples de prédictions sur le jeu de test (réseau sans activation)")
    fig.tight_layout()
    _save(fig, path)


def mlp_curves(
    path: Path,
    train_loss: Sequence[float],
    test_loss: Sequence[float],
    test_accuracy: Sequence[float],
    reference: float | None = None,
    hidden: int = 128,
) -> None:
    """(e) The MLP's loss and test accuracy after each epoch.

    Args:
        path: The PNG to write.
        train_loss: Mean cross-entropy on the training set, per epoch.
        test_loss: Cross-entropy on the test set, per epoch.
        test_accuracy: Test accuracy (percent), per epoch.
        reference: An accuracy to draw as a line (the course's best single layer).
        hidden: The width of the hidden layer (for the title).
    """
    epochs = np.arange(1, len(train_loss) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, train_loss, "o-", color=MLP_COLOUR, label="entraînement")
    ax_loss.plot(epochs, test_loss, "s--", color="black", label="test")
    ax_loss.set_xlabel("Époque")
    ax_loss.set_ylabel("Perte : entropie croisée")
    ax_loss.set_title(f"Perte du réseau 784 → {hidden} → 10")
    _comma_axis(ax_loss)
    _comma_axis(ax_acc)
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_loss.grid(alpha=0.3)
    ax_loss.legend()
    ax_acc.plot(epochs, test_accuracy, "o-", color=MLP_COLOUR, label="réseau à une couche cachée")
    if reference is not None:
        ax_acc.axhline(
            reference,
            color=COLOURS["relu"],
            ls="--",
            label=f"meilleur réseau du cours, ce calcul ({_french(reference)} %)",
        )
    if len(test_accuracy):
        ax_acc.annotate(
            f"{_french(test_accuracy[-1], 2)} %",
            (epochs[-1], test_accuracy[-1]),
            xytext=(-6, -16),
            textcoords="offset points",
            ha="right",
        )
    ax_acc.set_xlabel("Époque")
    ax_acc.set_ylabel("Taux de réussite sur le test (%)")
    ax_acc.set_title("Précision après chaque époque")
    ax_acc.grid(alpha=0.3)
    ax_acc.legend(loc="lower right")
    fig.tight_layout()
    _save(fig, path)
