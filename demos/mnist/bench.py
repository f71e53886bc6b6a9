"""Timings on the real MNIST: ``python -m demos.mnist.bench [--epochs N] [--mlp-epochs M]``.

Prints the time of the course's three networks trained together, the time of the
course's loop as the course writes it (float32, one activation, same epochs) and their
ratio, and the time of the MLP. A measurement tool, not a test: its numbers depend on
the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from types import ModuleType

import numpy as np

from demos._support import backend as backends

from . import PARAMS, layout
from . import network as nw
from .data import load
from .experiment import course_blocks, course_workers, mlp_blas_limit

FRENCH = {"identity": "identité", "relu": "ReLU", "sigmoid": "sigmoïde"}


def course_loop(
    xp: ModuleType, x: nw.Array, y: nw.Array, w0: np.ndarray, epochs: int, lr: float
) -> tuple[nw.Array, list[float]]:
    """The course's ``train`` method for the identity network, as the course writes it.

    Only ``np`` became ``xp`` and the log became a list; the weights start from ``w0``.
    """
    weights = xp.array(w0, copy=True)  # the caller's w0 stays as it was
    bias = xp.zeros((1, 10), dtype=weights.dtype)
    loss_history = []
    for _epoch in range(epochs):
        # Forward pass
        z = xp.dot(x, weights) + bias
        predictions = z  # identity activation
        # Compute loss (assuming MSE for simplicity)
        loss = xp.mean((predictions - y) ** 2)
        loss_history.append(loss)
        # Backpropagation
        d_loss = 2 * (predictions - y) / y.size
        d_activation = xp.ones_like(z)
        d_z = d_loss * d_activation
        d_weights = xp.dot(x.T, d_z)
        d_bias = xp.sum(d_z, axis=0, keepdims=True)
        # Update parameters
        weights -= lr * d_weights
        bias -= lr * d_bias
    return weights, [float(v) for v in loss_history]


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float | str) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the timings and print them; 1 with a message if the data are missing."""
    parser = argparse.ArgumentParser(
        prog="python -m demos.mnist.bench", description="Durées d'entraînement sur MNIST"
    )
    parser.add_argument("--epochs", type=int, default=_int(PARAMS["epochs"]), help="époques")
    parser.add_argument(
        "--mlp-epochs", type=int, default=_int(PARAMS["mlp_epochs"]), help="époques du MLP"
    )
    parser.add_argument("--backend", default="numpy", choices=("auto", "numpy", "cupy"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        backend = backends.select(args.backend)
        data, _notes = load(stream=None)
    except (RuntimeError, ValueError) as err:  # DataError is a RuntimeError
        print(f"bench mnist : {err}", file=sys.stderr)
        return 1
    xp = backend.xp
    x = nw.inputs(xp, data.train_images)
    y = nw.one_hot(xp, data.train_labels)
    x_test = nw.inputs(xp, data.test_images)
    w0 = nw.initial_weights(args.seed, 0.01)
    lr = 0.01
    print(
        f"MNIST : {len(data.train_labels)} images d'entraînement, {len(data.test_labels)} de "
        f"test ; {args.epochs} époques ; {backend.device} ; {backend.name}",
        flush=True,
    )

    nw.synchronize(xp)
    start = time.perf_counter()
    blocks = course_blocks(backend, nw.inputs(np, data.train_images), data.train_labels)
    plan_s = time.perf_counter() - start
    fused = nw.train_course(
        xp,
        blocks,
        activations=nw.ACTIVATIONS,
        epochs=args.epochs,
        learning_rate=lr,
        w0=w0,
        workers=course_workers(backend),
    )
    fused_s = time.perf_counter() - start
    predicted = nw.to_host(
        xp,
        nw.course_predict(
            xp, x_test, xp.asarray(fused.weights), xp.asarray(fused.bias), nw.ACTIVATIONS
        ),
    )
    scores = ", ".join(
        f"{FRENCH[name]} {nw.accuracy(predicted[:, j], data.test_labels):.2f} %"
        for j, name in enumerate(nw.ACTIVATIONS)
    )
    share = layout.multiplications(blocks, data.train_images[0].size)
    print(
        f"Trois réseaux du cours ensemble : {fused_s:.2f} s, dont {plan_s:.2f} s de découpage "
        f"en blocs ({100 * share:.0f} % des multiplications d'un passage dense, "
        f"{course_workers(backend)} fil(s) de calcul) ; précision : {scores}",
        flush=True,
    )

    nw.synchronize(xp)
    start = time.perf_counter()
    weights, history = course_loop(xp, x, y, w0, args.epochs, lr)
    nw.synchronize(xp)
    plain_s = time.perf_counter() - start
    gap = float(np.max(np.abs(nw.to_host(xp, weights) - fused.weights[:, :10])))
    print(
        f"Boucle du cours telle qu'écrite, identité seule : {plain_s:.2f} s "
        f"(écart maximal des poids avec le calcul groupé : {gap:.1e})"
    )
    print(f"Rapport (boucle du cours, une activation / trois ensemble) : {plain_s / fused_s:.2f}")
    print(
        f"Perte identité, époque 0 → dernière : {history[0]:.4f} → {history[-1]:.4f} "
        f"(calcul groupé : {fused.losses[0, 0]:.4f} → {fused.losses[-1, 0]:.4f})",
        flush=True,
    )

    if args.mlp_epochs > 0:
        labels = xp.asarray(data.train_labels.astype(np.int64))
        labels_test = xp.asarray(data.test_labels.astype(np.int64))
        nw.synchronize(xp)
        start = time.perf_counter()
        with mlp_blas_limit(backend):
            mlp = nw.train_mlp(
                xp,
                x,
                labels,
                x_test,
                labels_test,
                hidden=_int(PARAMS["mlp_hidden"]),
                epochs=args.mlp_epochs,
                batch=_int(PARAMS["mlp_batch"]),
                learning_rate=float(str(PARAMS["mlp_learning_rate"])),
                seed=args.seed,
            )
        mlp_s = time.perf_counter() - start
        print(
            f"Réseau 784 → {PARAMS['mlp_hidden']} → 10 (Adam, {args.mlp_epochs} époque(s)) : "
            f"{mlp_s:.2f} s, {mlp.test_accuracy[-1]:.2f} % sur le test"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
