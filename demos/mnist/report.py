"""The demo's report: figures with their French captions and alternative texts, tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from demos._support.outputs import Figure, Table

from . import experiment, figures
from . import network as nw
from .experiment import Results, Settings


def pct(value: float, digits: int = 1) -> str:
    """``83,5 %``: a percentage written the French way."""
    return f"{value:.{digits}f}".replace(".", ",") + " %"


def number(value: float, digits: int = 4) -> str:
    """``0,0469``: a decimal number written the French way."""
    return f"{value:.{digits}f}".replace(".", ",")


def seconds(value: float) -> str:
    """``0,4 s`` under ten seconds, ``57 s`` above."""
    return f"{number(value, 1)} s" if value < 10 else f"{value:.0f} s"


def ranked(values: dict[str, float], labels: dict[str, str]) -> str:
    """``ReLU, identité puis sigmoïde``: names from the smallest value to the largest."""
    order = [labels[name] for name in sorted(values, key=values.__getitem__)]
    return ", ".join(order[:-1]) + " puis " + order[-1] if len(order) > 1 else "".join(order)


def count(n: int) -> str:
    """``60 000``: a count with French digit grouping (narrow no-break spaces)."""
    return f"{n:,}".replace(",", "\u202f")


def draw(out: Path, results: Results, config: Settings) -> list[Figure]:
    """Write the figures into ``out`` and describe them (display order).

    Args:
        out: The output folder (created if missing).
        results: The runs' results.
        config: The parameters used.

    Returns:
        The figures, with French captions and alternative texts.
    """
    out.mkdir(parents=True, exist_ok=True)
    course = results.course
    names = course.activations
    acc = {
        name: nw.accuracy(results.course_predictions[:, j], results.test_labels)
        for j, name in enumerate(names)
    }
    labels = {"identity": "identité", "relu": "ReLU", "sigmoid": "sigmoïde"}
    listed = ", ".join(f"{labels[n]} {pct(acc[n])}" for n in names)
    course_listed = ", ".join(f"{labels[n]} {pct(experiment.COURSE_ACCURACY[n])}" for n in names)
    epochs = len(course.losses)
    out_figures: list[Figure] = []

    losses = {name: course.losses[:, j] for j, name in enumerate(names)}
    figures.loss_curves(out / "loss.png", losses, experiment.COURSE_LOSS_IDENTITY)
    final = ", ".join(f"{labels[n]} {number(course.losses[-1, j])}" for j, n in enumerate(names))
    final_losses = {n: float(course.losses[-1, j]) for j, n in enumerate(names)}
    out_figures.append(
        Figure(
            id="loss",
            file="loss.png",
            caption=(
                f"Perte (erreur quadratique moyenne) au fil des {epochs} époques, selon "
                f"l'activation. Perte finale : {final}. Les cercles sont les valeurs "
                "qu'affiche le cours pour le réseau sans activation."
            ),
            alt=(
                "Courbes de la perte en fonction de l'époque pour les activations identité, "
                "ReLU et sigmoïde ; à la fin, de la plus basse à la plus haute : "
                f"{ranked(final_losses, labels)}."
            ),
        )
    )

    identity = names.index("identity")
    digit = course.tracked_digit
    matches = np.flatnonzero(results.test_labels == digit)
    image = results.test_images[matches[0] if len(matches) else 0]
    trajectories = course.tracked[:, identity, :]
    frozen = [
        chr(ord("A") + i)
        for i in range(trajectories.shape[1])
        if np.all(trajectories[:, i] == trajectories[0, i])
    ]
    if len(frozen) == 1:
        still = (
            f" Le pixel {frozen[0]}, noir dans toutes les images d'entraînement, ne reçoit "
            "aucun gradient : son poids ne bouge pas."
        )
    elif frozen:
        still = (
            f" Les pixels {', '.join(frozen)}, noirs dans toutes les images d'entraînement, "
            "ne reçoivent aucun gradient : leurs poids ne bougent pas."
        )
    else:
        still = ""
    figures.weight_trajectories(
        out / "weights.png", trajectories, course.tracked_pixels, digit, image
    )
    out_figures.append(
        Figure(
            id="weights",
            file="weights.png",
            caption=(
                f"Évolution de quelques poids du réseau sans activation, ceux qui relient "
                f"les pixels marqués en rouge à la sortie « {digit} », pendant les {epochs} "
                f"époques.{still}"
            ),
            alt=(
                f"À gauche, un chiffre {digit} avec des pixels encadrés de rouge ; à droite, "
                "les courbes de leurs poids en fonction de l'époque."
            ),
        )
    )

    mlp_acc = results.mlp.test_accuracy[-1] if results.mlp else None
    figures.accuracy_bars(
        out / "accuracy.png",
        acc,
        experiment.COURSE_ACCURACY,
        mlp_acc,
        experiment.SOTA_ACCURACY,
    )
    mlp_text = f" ; réseau à une couche cachée : {pct(mlp_acc, 2)}" if mlp_acc is not None else ""
    out_figures.append(
        Figure(
            id="accuracy",
            file="accuracy.png",
            caption=(
                f"Taux de réussite sur les {count(len(results.test_labels))} images de test : "
                f"{listed} (cours : {course_listed}){mlp_text}. L'état de l'art cité par le "
                f"cours est {pct(experiment.SOTA_ACCURACY)}."
            ),
            alt=(
                "Diagramme en barres du taux de réussite sur le test par activation, ce "
                f"calcul ({listed}) à côté des valeurs du cours ({course_listed}), puis "
                "le réseau à une couche cachée et l'état de l'art."
            ),
        )
    )

    figures.examples_grid(
        out / "examples.png",
        results.test_images,
        results.test_labels,
        results.course_predictions[:, identity],
    )
    out_figures.append(
        Figure(
            id="examples",
            file="examples.png",
            caption=(
                "Les cinq premières images de test bien classées et les cinq premières mal "
                "classées par le réseau sans activation, avec le chiffre prédit et le vrai."
            ),
            alt=(
                "Deux rangées de chiffres manuscrits : en haut des chiffres reconnus, en bas "
                "des chiffres pris pour un autre, chacun avec sa prédiction et sa vraie valeur."
            ),
        )
    )

    if results.mlp is not None:
        mlp = results.mlp
        figures.mlp_curves(
            out / "mlp.png",
            mlp.train_loss,
            mlp.test_loss,
            mlp.test_accuracy,
            reference=max(acc.values()),
            hidden=config.mlp_hidden,
        )
        out_figures.append(
            Figure(
                id="mlp",
                file="mlp.png",
                caption=(
                    f"Au-delà du cours : une couche cachée de {config.mlp_hidden} neurones "
                    "(ReLU), une sortie softmax avec l'entropie croisée, et l'optimiseur Adam "
                    f"par lots de {config.mlp_batch} images. Après {len(mlp.test_accuracy)} "
                    f"époques ({seconds(results.mlp_seconds)}) : {pct(mlp.test_accuracy[-1], 2)} "
                    "de réussite sur le test."
                ),
                alt=(
                    "À gauche, la perte d'entraînement et de test époque après époque ; à "
                    "droite, le taux de réussite sur le test après chaque époque, de "
                    f"{pct(mlp.test_accuracy[0], 2)} à {pct(mlp.test_accuracy[-1], 2)}, "
                    "à côté de celui du meilleur réseau du cours "
                    f"({pct(max(acc.values()))})."
                ),
            )
        )
    return out_figures


def tables(results: Results, metrics: dict[str, object]) -> list[Table]:
    """The accuracy comparison and the timings, as tables."""
    labels = {"identity": "Identité", "relu": "ReLU", "sigmoid": "Sigmoïde"}
    rows: list[list[object]] = [
        [
            f"Une couche, {labels[name]}",
            metrics[f"accuracy_{name}"],
            metrics[f"course_accuracy_{name}"],
            metrics[f"diff_accuracy_{name}"],
        ]
        for name in results.course.activations
    ]
    if results.mlp is not None:
        rows.append(["Une couche cachée (Adam)", metrics["accuracy_mlp"], None, None])
    rows.append(["État de l'art (cité par le cours)", None, experiment.SOTA_ACCURACY, None])
    epochs = len(results.course.losses)
    timing_rows: list[list[object]] = [
        [f"Les trois réseaux du cours ensemble ({epochs} époques)", metrics["train_seconds"]]
    ]
    if results.mlp is not None:
        timing_rows.append(
            [
                f"Réseau à une couche cachée ({len(results.mlp.test_accuracy)} époques)",
                metrics["mlp_train_seconds"],
            ]
        )
    return [
        Table(
            id="accuracy",
            caption="Taux de réussite sur le jeu de test (%), comparé aux valeurs du cours.",
            columns=["Réseau", "Ce calcul (%)", "Cours (%)", "Écart (points)"],
            rows=rows,
        ),
        Table(
            id="timings",
            caption="Durées d'entraînement (secondes, données déjà en mémoire).",
            columns=["Entraînement", "Secondes"],
            rows=timing_rows,
        ),
    ]
