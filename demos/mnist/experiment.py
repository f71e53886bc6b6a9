"""The demo's experiment: parameters, the runs, and the numbers they give.

``run`` trains the course's three networks together, then the MLP, and returns host
arrays and timings; ``metrics`` turns them into the flat numbers of ``metrics.json``.
Accuracies are percentages (0–100) everywhere, differences are in percentage points.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from demos._support.backend import Backend
from generator import machine

from . import layout
from . import network as nw
from .data import Mnist

#: What the course reports for the same recipe (784 → 10, MSE, 1,000 epochs, lr 0.01).
COURSE_ACCURACY = {"identity": 82.5, "relu": 84.1, "sigmoid": 63.0}
#: The identity network's loss as the course's log prints it, every 100 epochs.
COURSE_LOSS_IDENTITY = {
    0: 0.1175,
    100: 0.0708,
    200: 0.0606,
    300: 0.0557,
    400: 0.0528,
    500: 0.0509,
    600: 0.0495,
    700: 0.0484,
    800: 0.0476,
    900: 0.0469,
}
#: The state of the art the course quotes.
SOTA_ACCURACY = 99.7

#: Pixels (row, column) whose weights towards :data:`TRACKED_DIGIT` are followed: the
#: centre and a ring where a 0 is drawn, and a corner pixel that is black in every image.
TRACKED_PIXELS = ((14, 14), (7, 14), (21, 14), (14, 8), (14, 20), (2, 2))
TRACKED_DIGIT = 0

#: ``--quick`` caps these parameters (a few thousand images, a few epochs).
QUICK_CAPS = {"train_limit": 2000, "test_limit": 1000, "epochs": 50, "mlp_epochs": 2}

#: How the CPU cuts the training images for the course's epochs (see
#: :mod:`demos.mnist.layout`): images per block, and the share of a block's images
#: under which a pixel is multiplied only for the images that light it. A GPU takes
#: all the images as one block.
CPU_BLOCK_ROWS = 2048
CPU_RARE_BELOW = 0.02


def mlp_blas_limit(backend: Backend) -> contextlib.AbstractContextManager[object]:
    """On the CPU, one BLAS thread for the MLP's small products; nothing on a GPU.

    A 128-image batch makes products too small to share between cores: split anyway,
    each product waits for the slowest core, and an epoch took ten times longer
    (measured) whenever another program used a core.
    """
    if backend.gpu:
        return contextlib.nullcontext()
    # Imported here: only the CPU path needs it (no type information shipped).
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    return threadpool_limits(limits=1, user_api="blas")  # type: ignore[no-any-return]


def course_workers(backend: Backend) -> int:
    """Threads for the course's epochs: one per CPU core, one for a GPU."""
    return 1 if backend.gpu else machine.cpu_count()


def course_blocks(backend: Backend, x: np.ndarray, labels: np.ndarray) -> list[layout.Block]:
    """The training images cut into blocks for ``backend``, on its device."""
    if backend.gpu:
        blocks = layout.plan_blocks(x, labels, rows=None, rare_below=0.0, sort=False)
    else:
        blocks = layout.plan_blocks(x, labels, rows=CPU_BLOCK_ROWS, rare_below=CPU_RARE_BELOW)
    return layout.to_device(backend.xp, blocks)


_POSITIVE_INTS = ("epochs", "mlp_hidden", "mlp_batch")
_NONNEGATIVE_INTS = ("seed", "mlp_epochs", "train_limit", "test_limit")
_POSITIVE_FLOATS = ("learning_rate", "mlp_learning_rate")
_NONNEGATIVE_FLOATS = ("init_std",)
_STRINGS = ("backend", "data_dir")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Checked parameters (see ``demos.mnist.PARAMS``)."""

    seed: int
    epochs: int
    learning_rate: float
    init_std: float
    mlp_hidden: int
    mlp_epochs: int
    mlp_batch: int
    mlp_learning_rate: float
    train_limit: int
    test_limit: int
    backend: str
    data_dir: str


def settings(params: Mapping[str, Any], quick: bool) -> Settings:
    """Check the parameters' types and ranges, and apply the ``--quick`` caps.

    Raises:
        ValueError: A parameter of the wrong type or out of range (named, in French).
    """
    values = dict(params)
    for key in _POSITIVE_INTS + _NONNEGATIVE_INTS:
        value = values.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"paramètre « {key} » : entier attendu, reçu {value!r}")
        if value < (1 if key in _POSITIVE_INTS else 0):
            raise ValueError(f"paramètre « {key} » : valeur {value} hors limites")
    for key in _POSITIVE_FLOATS + _NONNEGATIVE_FLOATS:
        value = values.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"paramètre « {key} » : nombre attendu, reçu {value!r}")
        if not np.isfinite(value) or value < 0 or (value == 0 and key in _POSITIVE_FLOATS):
            raise ValueError(f"paramètre « {key} » : valeur {value} hors limites")
        values[key] = float(value)
    for key in _STRINGS:
        if not isinstance(values.get(key), str):
            raise ValueError(f"paramètre « {key} » : texte attendu, reçu {values.get(key)!r}")
    if quick:
        for key, cap in QUICK_CAPS.items():
            values[key] = (
                cap if values[key] == 0 and key.endswith("_limit") else min(values[key], cap)
            )
    return Settings(**{key: values[key] for key in Settings.__dataclass_fields__})


@dataclass(frozen=True, kw_only=True)
class Results:
    """Everything the figures and metrics need, on the host."""

    course: nw.CourseRun
    course_predictions: np.ndarray  # (m, k) digits predicted on the test set
    course_seconds: float
    course_share: float  # share of a dense pass's multiplications the blocks keep
    course_workers: int
    mlp: nw.MlpRun | None
    mlp_seconds: float
    train_size: int
    test_images: np.ndarray  # (m, 28, 28)
    test_labels: np.ndarray  # (m,)


def _subset(images: np.ndarray, labels: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    # The first `limit` images: a deterministic subset, the same on every backend.
    return (images[:limit], labels[:limit]) if limit else (images, labels)


PROGRESS_STEPS = 10
"""How many progress lines the course's training prints (one every tenth of its epochs)."""


def _say(text: str) -> None:
    # Read line by line by the site's build, which shows each as it comes.
    print(text, flush=True)


def _course_progress(epochs: int) -> Callable[[int], None]:
    """Print ``cours : époque N/TOTAL`` about :data:`PROGRESS_STEPS` times."""
    every = max(1, epochs // PROGRESS_STEPS)

    def told(done: int) -> None:
        if done % every == 0 or done == epochs:
            _say(f"cours : époque {done}/{epochs}")

    return told


def _mlp_progress(epochs: int) -> Callable[[int, float], None]:
    """Print ``MLP : époque N/TOTAL, précision …`` after each epoch."""

    def told(done: int, accuracy: float) -> None:
        shown = f"{accuracy:.2f}".replace(".", ",")
        _say(f"MLP : époque {done}/{epochs}, précision (test) {shown} %")

    return told


def run(config: Settings, backend: Backend, data: Mnist) -> Results:
    """Train the course's networks (all three activations together), then the MLP.

    Args:
        config: The checked parameters.
        backend: The array module and the device.
        data: The MNIST arrays.

    Returns:
        Host arrays and wall-clock seconds of each training (data already on the device).
    """
    xp = backend.xp
    train_images, train_labels = _subset(data.train_images, data.train_labels, config.train_limit)
    test_images, test_labels = _subset(data.test_images, data.test_labels, config.test_limit)
    x_host = nw.inputs(np, train_images)
    x_test = nw.inputs(xp, test_images)
    pixels = [row * 28 + col for row, col in TRACKED_PIXELS]
    w0 = nw.initial_weights(config.seed, config.init_std)
    nw.synchronize(xp)
    # The time counts the cutting into blocks: it is part of the method's cost.
    start = time.perf_counter()
    blocks = course_blocks(backend, x_host, train_labels)
    course = nw.train_course(
        xp,
        blocks,
        activations=nw.ACTIVATIONS,
        epochs=config.epochs,
        learning_rate=config.learning_rate,
        w0=w0,
        tracked_pixels=pixels,
        tracked_digit=TRACKED_DIGIT,
        workers=course_workers(backend),
        on_epoch=_course_progress(config.epochs),
    )
    course_seconds = time.perf_counter() - start
    predictions = nw.to_host(
        xp,
        nw.course_predict(
            xp, x_test, xp.asarray(course.weights), xp.asarray(course.bias), nw.ACTIVATIONS
        ),
    )
    mlp = None
    mlp_seconds = 0.0
    share = layout.multiplications(blocks, x_host.shape[1])
    del blocks
    if config.mlp_epochs:
        x = xp.asarray(x_host)
        labels = xp.asarray(train_labels.astype(np.int64))
        labels_test = xp.asarray(test_labels.astype(np.int64))
        nw.synchronize(xp)
        start = time.perf_counter()
        with mlp_blas_limit(backend):
            mlp = nw.train_mlp(
                xp,
                x,
                labels,
                x_test,
                labels_test,
                hidden=config.mlp_hidden,
                epochs=config.mlp_epochs,
                batch=config.mlp_batch,
                learning_rate=config.mlp_learning_rate,
                seed=config.seed,
                on_epoch=_mlp_progress(config.mlp_epochs),
            )
        mlp_seconds = time.perf_counter() - start
    return Results(
        course=course,
        course_predictions=predictions,
        course_seconds=course_seconds,
        course_share=share,
        course_workers=course_workers(backend),
        mlp=mlp,
        mlp_seconds=mlp_seconds,
        train_size=len(train_labels),
        test_images=test_images,
        test_labels=test_labels,
    )


def _round(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def metrics(results: Results) -> dict[str, Any]:
    """The numbers of ``metrics.json`` (accuracies in percent, differences in points)."""
    course = results.course
    out: dict[str, Any] = {"accuracy_unit": "%"}
    for j, name in enumerate(course.activations):
        value = nw.accuracy(results.course_predictions[:, j], results.test_labels)
        out[f"accuracy_{name}"] = _round(value, 2)
        out[f"course_accuracy_{name}"] = COURSE_ACCURACY[name]
        out[f"diff_accuracy_{name}"] = _round(value - COURSE_ACCURACY[name], 2)
    out["sota_accuracy"] = SOTA_ACCURACY
    identity = course.losses[:, course.activations.index("identity")]
    out["loss_identity_epoch0"] = _round(identity[0])
    out["loss_identity_final"] = _round(identity[-1])
    out["course_loss_identity_epoch0"] = COURSE_LOSS_IDENTITY[0]
    out["course_loss_identity_epoch900"] = COURSE_LOSS_IDENTITY[900]
    if len(identity) > 900:
        out["loss_identity_epoch900"] = _round(identity[900])
        out["diff_loss_identity_epoch900"] = _round(identity[900] - COURSE_LOSS_IDENTITY[900])
    out["diff_loss_identity_epoch0"] = _round(identity[0] - COURSE_LOSS_IDENTITY[0])
    for j, name in enumerate(course.activations):
        out[f"loss_{name}_final"] = _round(course.losses[-1, j])
    out["train_seconds"] = _round(results.course_seconds, 2)
    out["seconds_per_epoch"] = _round(results.course_seconds / len(identity), 5)
    out["multiplications_share"] = _round(results.course_share, 3)
    out["workers"] = results.course_workers
    out["epochs"] = len(identity)
    out["train_size"] = results.train_size
    out["test_size"] = len(results.test_labels)
    mlp = results.mlp
    out["accuracy_mlp"] = _round(mlp.test_accuracy[-1], 2) if mlp else None
    out["mlp_train_seconds"] = _round(results.mlp_seconds, 2) if mlp else None
    out["mlp_epochs"] = len(mlp.test_accuracy) if mlp else 0
    out["diff_accuracy_mlp_sota"] = (
        _round(mlp.test_accuracy[-1] - SOTA_ACCURACY, 2) if mlp else None
    )
    # Detailed measurements, for whoever wants to redraw the curves.
    out["loss_history"] = {
        name: [float(f"{v:.6g}") for v in course.losses[:, j]]
        for j, name in enumerate(course.activations)
    }
    if mlp:
        out["mlp_history"] = {
            "train_loss": [_round(v, 5) for v in mlp.train_loss],
            "test_loss": [_round(v, 5) for v in mlp.test_loss],
            "test_accuracy": [_round(v, 2) for v in mlp.test_accuracy],
        }
    return out
