"""The numerics: the course's single-layer network and a small MLP, for NumPy or CuPy.

Every function takes the array module ``xp`` (``numpy`` or ``cupy``) and uses only what
both offer, so the same code runs on the CPU or on a GPU. Random draws are made on the
host with NumPy and copied to the device: a seed gives the same start on both.

The course's network (784 → 10, mean squared error on one-hot labels, full-batch
gradient descent) is trained for several activations at once: their weight matrices
are stacked into one matrix of 10k outputs, so that each epoch goes through the
training images twice in all (the forward product, then the backward one) instead of
twice per activation. The outputs of one activation never mix with another's: the
result is the same as separate runs. The images come in blocks (see
:mod:`demos.mnist.layout`): each block's backward product follows its forward one while
the block is still in cache, and skips the pixels that the block leaves black.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from .layout import CLASSES, Block

#: An array of ``xp`` (NumPy or CuPy); the two share no static type.
Array = Any

ACTIVATIONS = ("identity", "relu", "sigmoid")


def synchronize(xp: ModuleType) -> None:
    """Wait for the device's queued work (timings), a no-op for NumPy."""
    cuda = getattr(xp, "cuda", None)
    if cuda is not None:
        cuda.get_current_stream().synchronize()


def to_host(xp: ModuleType, array: Array) -> np.ndarray:
    """A NumPy copy of ``array`` (a device-to-host transfer under CuPy)."""
    if xp is np:
        return np.asarray(array)
    return np.asarray(xp.asnumpy(array))


def inputs(xp: ModuleType, images: np.ndarray, dtype: Any = np.float32) -> Array:
    """Images ``(n, 28, 28)`` of bytes as rows of pixels in ``[0, 1]``, on the device."""
    flat = np.asarray(images).reshape(len(images), -1)
    return xp.asarray(flat, dtype=dtype) / dtype(255)


def one_hot(xp: ModuleType, labels: Array, dtype: Any = np.float32) -> Array:
    """Labels ``(n,)`` as rows of ``CLASSES`` zeros with a one at the label."""
    labels = xp.asarray(labels)
    out = xp.zeros((labels.shape[0], CLASSES), dtype=dtype)
    out[xp.arange(labels.shape[0]), labels] = 1
    return out


def sigmoid_(xp: ModuleType, z: Array) -> Array:
    """The logistic function ``1 / (1 + e⁻ᶻ)``, computed in place in ``z``.

    ``z`` is first clipped to ±80, where the function is 0 or 1 to float32 precision
    (1.8e-35 at -80): ``e⁻ᶻ`` then never overflows.
    """
    xp.clip(z, -80, 80, out=z)
    xp.negative(z, out=z)
    xp.exp(z, out=z)
    z += 1
    xp.reciprocal(z, out=z)
    return z


def sigmoid(xp: ModuleType, z: Array) -> Array:
    """The logistic function (a new array)."""
    return sigmoid_(xp, xp.array(z, copy=True))


def activate(xp: ModuleType, name: str, z: Array) -> Array:
    """``f(z)`` for the activation ``name`` (``identity``, ``relu`` or ``sigmoid``).

    Raises:
        ValueError: Unknown activation.
    """
    if name == "identity":
        return z
    if name == "relu":
        return xp.maximum(z, 0)
    if name == "sigmoid":
        return sigmoid(xp, z)
    raise ValueError(f"activation inconnue « {name} » ({', '.join(ACTIVATIONS)})")


def _activate_(xp: ModuleType, name: str, z: Array) -> Array | None:
    """Replace ``z`` by ``f(z)`` in place; return ``f'(z)`` (``None`` where it is 1).

    Raises:
        ValueError: Unknown activation.
    """
    if name == "identity":
        return None
    if name == "relu":
        slope = z > 0
        xp.maximum(z, 0, out=z)
        return slope
    if name == "sigmoid":
        sigmoid_(xp, z)
        return z * (1 - z)
    raise ValueError(f"activation inconnue « {name} » ({', '.join(ACTIVATIONS)})")


def _block_sums(
    xp: ModuleType, blocks: Sequence[Block], w_t: Array, b: Array, activations: Sequence[str]
) -> tuple[Array, Array, Array]:
    """Sums over ``blocks``: squared errors per output, ``Σ δᵀx`` and ``Σ δ`` (unscaled)."""
    k = len(activations)
    grad_w_t = xp.zeros_like(w_t)
    grad_b = xp.zeros_like(b)
    squares = xp.zeros_like(b)
    bias = b[:, None]
    for block in blocks:
        rows = block.x.shape[0]
        rare = block.rare_x.shape[0]
        # Forward: one (10k × rows) product for every network at once.
        z = w_t[:, block.cols] @ block.x.T
        if rare:
            z[:, :rare] += w_t[:, block.rare_cols] @ block.rare_x.T
        z += bias
        slopes = [
            _activate_(xp, name, z[j * CLASSES : (j + 1) * CLASSES])
            for j, name in enumerate(activations)
        ]
        # z now holds f(XW + b); the error f(XW + b) - Y, for each network.
        z.reshape(k, CLASSES, rows)[...] -= block.y_t[None]
        squares += xp.einsum("ij,ij->i", z, z)
        for j, slope in enumerate(slopes):
            if slope is not None:
                z[j * CLASSES : (j + 1) * CLASSES] *= slope
        # Backward, while the block is still in cache.
        grad_w_t[:, block.cols] += z @ block.x
        if rare:
            grad_w_t[:, block.rare_cols] += z[:, :rare] @ block.rare_x
        grad_b += z.sum(axis=1)
    return squares, grad_w_t, grad_b


def course_gradients(
    xp: ModuleType,
    blocks: Sequence[Block],
    w_t: Array,
    b: Array,
    activations: Sequence[str],
    *,
    pool: Executor | None = None,
    workers: int = 1,
) -> tuple[Array, Array, Array]:
    """Losses and gradients of the course's networks, side by side, over all the blocks.

    Rows ``10j`` to ``10j + 9`` of ``w_t`` (and of ``b``) are a network with the
    activation ``activations[j]``; its loss is the course's ``mean((f(XW + b) - Y)²)``
    over the images of all the blocks. Weights are stored transposed, one row per
    output, so that each activation's outputs are contiguous rows of a block's result.

    Args:
        xp: The array module.
        blocks: The training images (see :func:`demos.mnist.layout.plan_blocks`).
        w_t: Weights ``(10k, d)``, the transpose of the course's ``W``.
        b: Biases ``(10k,)``.
        activations: The ``k`` activations, in order.
        pool: Threads to share the blocks among (``None``: this thread does all).
        workers: How many shares (block ``i`` goes to share ``i mod workers``); the
            shares are added in order, so the result does not depend on the threads'
            timing.

    Returns:
        ``(losses, grad_w_t, grad_b)``: losses ``(k,)``, gradients shaped like ``w_t``, ``b``.
    """
    k = len(activations)
    n = sum(int(block.x.shape[0]) for block in blocks)
    if pool is not None and workers > 1:
        shares = [blocks[i::workers] for i in range(workers)]
        parts = list(pool.map(lambda share: _block_sums(xp, share, w_t, b, activations), shares))
    else:
        parts = [_block_sums(xp, blocks, w_t, b, activations)]
    squares, grad_w_t, grad_b = parts[0]
    for part in parts[1:]:
        squares += part[0]
        grad_w_t += part[1]
        grad_b += part[2]
    # The course's d_loss = 2 (p - y) / y.size, with y.size = n × 10 for each network.
    scale = 2.0 / (n * CLASSES)
    grad_w_t *= scale
    grad_b *= scale
    losses = squares.reshape(k, CLASSES).sum(axis=1) / (n * CLASSES)
    return losses, grad_w_t, grad_b


def course_outputs(
    xp: ModuleType, x: Array, w: Array, b: Array, activations: Sequence[str]
) -> list[Array]:
    """Each network's outputs ``f(XW + b)``, ``(n, 10)`` per activation (``w`` is ``(d, 10k)``)."""
    z = x @ w + b
    return [
        activate(xp, name, z[:, j * CLASSES : (j + 1) * CLASSES])
        for j, name in enumerate(activations)
    ]


def course_predict(
    xp: ModuleType, x: Array, w: Array, b: Array, activations: Sequence[str]
) -> Array:
    """Predicted digits ``(n, k)``: the largest output of each network.

    As in the course, the largest *activated* output wins (for ReLU, ties at 0 go to
    the first digit).
    """
    outputs = course_outputs(xp, x, w, b, activations)
    return xp.stack([xp.argmax(out, axis=1) for out in outputs], axis=1)


@dataclass(frozen=True, kw_only=True)
class CourseRun:
    """A trained set of course networks, on the host.

    Attributes:
        activations: One per block of 10 columns.
        weights: ``(d, 10k)`` final weights (the course's ``W`` of each network, side
            by side).
        bias: ``(10k,)`` final biases.
        losses: ``(epochs, k)`` loss at each epoch, before its update (the course's log).
        tracked: ``(epochs, k, t)`` the tracked weights at each epoch, before its update.
        tracked_pixels: The ``t`` pixel indices (0–783) tracked.
        tracked_digit: The output (digit) whose weights are tracked.
    """

    activations: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    losses: np.ndarray
    tracked: np.ndarray
    tracked_pixels: tuple[int, ...]
    tracked_digit: int


def initial_weights(seed: int, std: float, n_in: int = 784, dtype: Any = np.float32) -> np.ndarray:
    """The course's start: weights ``(n_in, 10)`` drawn from N(0, std²) (biases start at 0)."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n_in, CLASSES)) * std).astype(dtype)


def train_course(
    xp: ModuleType,
    blocks: Sequence[Block],
    *,
    activations: Sequence[str],
    epochs: int,
    learning_rate: float,
    w0: np.ndarray,
    tracked_pixels: Sequence[int] = (),
    tracked_digit: int = 0,
    workers: int = 1,
    on_epoch: Callable[[int], None] | None = None,
) -> CourseRun:
    """Train one course network per activation, together, by full-batch gradient descent.

    Every network starts from the same weights ``w0`` and zero biases, so that they
    differ only by their activation.

    Args:
        xp: The array module.
        blocks: The training images, on the device (float32 for speed, float64 for checks).
        activations: The activations, one network each.
        epochs: Passes over the training set (one update each).
        learning_rate: The gradient step.
        w0: Initial weights ``(d, 10)`` (host array).
        tracked_pixels: Pixels whose weight towards ``tracked_digit`` is recorded.
        tracked_digit: The output whose weights are recorded.
        workers: Threads sharing the blocks of each epoch (the CPU's cores), each with
            a single-threaded BLAS; 1 for a GPU.
        on_epoch: Called with the number of epochs done after each one (progress).

    Returns:
        The final weights and the histories, on the host.
    """
    names = tuple(activations)
    k = len(names)
    dtype = blocks[0].x.dtype
    w_t = xp.asarray(np.tile(np.asarray(w0).T, (k, 1)), dtype=dtype)
    b = xp.zeros(k * CLASSES, dtype=dtype)
    losses = xp.zeros((epochs, k), dtype=dtype)
    outputs = xp.asarray(np.repeat(np.arange(k) * CLASSES + tracked_digit, len(tracked_pixels)))
    pixels = xp.asarray(np.tile(np.asarray(tracked_pixels, dtype=np.intp), k))
    tracked = xp.zeros((epochs, k * len(tracked_pixels)), dtype=dtype)
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1:
            # One BLAS thread per worker: the workers share the cores instead of each
            # product being split (and waiting) across them.
            # Imported here: only the CPU path needs it (no type information shipped).
            from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

            stack.enter_context(threadpool_limits(limits=1, user_api="blas"))
            pool = stack.enter_context(ThreadPoolExecutor(max_workers=workers))
        for epoch in range(epochs):
            # Histories stay on the device: no transfer, no synchronization per epoch.
            tracked[epoch] = w_t[outputs, pixels]
            losses[epoch], grad_w_t, grad_b = course_gradients(
                xp, blocks, w_t, b, names, pool=pool, workers=workers
            )
            grad_w_t *= learning_rate
            w_t -= grad_w_t
            b -= learning_rate * grad_b
            if on_epoch is not None:
                on_epoch(epoch + 1)
    return CourseRun(
        activations=names,
        weights=np.ascontiguousarray(to_host(xp, w_t).T),
        bias=to_host(xp, b),
        losses=to_host(xp, losses),
        tracked=to_host(xp, tracked).reshape(epochs, k, len(tracked_pixels)),
        tracked_pixels=tuple(int(p) for p in tracked_pixels),
        tracked_digit=tracked_digit,
    )


# --- Beyond the course: 784 → hidden → 10, ReLU, softmax cross-entropy, Adam ---------

Params = dict[str, Array]


def mlp_init(
    seed: int, hidden: int, n_in: int = 784, dtype: Any = np.float32
) -> dict[str, np.ndarray]:
    """He-initialized weights (suited to ReLU) and zero biases, on the host."""
    rng = np.random.default_rng(seed)
    return {
        "w1": (rng.standard_normal((n_in, hidden)) * np.sqrt(2.0 / n_in)).astype(dtype),
        "b1": np.zeros(hidden, dtype=dtype),
        "w2": (rng.standard_normal((hidden, CLASSES)) * np.sqrt(2.0 / hidden)).astype(dtype),
        "b2": np.zeros(CLASSES, dtype=dtype),
    }


def mlp_logits(xp: ModuleType, params: Params, x: Array) -> Array:
    """The MLP's scores before the softmax, ``(n, 10)``."""
    hidden = xp.maximum(x @ params["w1"] + params["b1"], 0)
    return hidden @ params["w2"] + params["b2"]


def log_softmax(xp: ModuleType, logits: Array) -> Array:
    """``log(softmax(logits))`` row by row, computed stably."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))


def cross_entropy(xp: ModuleType, logits: Array, labels: Array) -> Array:
    """The mean softmax cross-entropy (a 0-d array)."""
    logp = log_softmax(xp, logits)
    return -logp[xp.arange(labels.shape[0]), labels].mean()


def mlp_loss_and_grads(
    xp: ModuleType, params: Params, x: Array, labels: Array
) -> tuple[Array, Params]:
    """The mean cross-entropy on ``(x, labels)`` and its gradient for each parameter."""
    n = x.shape[0]
    pre = x @ params["w1"] + params["b1"]
    hidden = xp.maximum(pre, 0)
    logits = hidden @ params["w2"] + params["b2"]
    logp = log_softmax(xp, logits)
    rows = xp.arange(n)
    loss = -logp[rows, labels].mean()
    # d(mean CE)/d logits = (softmax - one_hot) / n
    d_logits = xp.exp(logp)
    d_logits[rows, labels] -= 1
    d_logits /= n
    d_hidden = d_logits @ params["w2"].T
    d_hidden *= pre > 0
    grads = {
        "w1": x.T @ d_hidden,
        "b1": d_hidden.sum(axis=0),
        "w2": hidden.T @ d_logits,
        "b2": d_logits.sum(axis=0),
    }
    return loss, grads


@dataclass(frozen=True, kw_only=True)
class MlpRun:
    """A trained MLP's history (per epoch) and final test predictions, on the host."""

    train_loss: list[float]
    test_loss: list[float]
    test_accuracy: list[float]  # percent
    predictions: np.ndarray


def train_mlp(
    xp: ModuleType,
    x: Array,
    labels: Array,
    x_test: Array,
    labels_test: Array,
    *,
    hidden: int,
    epochs: int,
    batch: int,
    learning_rate: float,
    seed: int,
    on_epoch: Callable[[int, float], None] | None = None,
) -> MlpRun:
    """Train the MLP with mini-batch Adam (β₁ 0.9, β₂ 0.999), shuffling each epoch.

    Args:
        xp: The array module.
        x: Training inputs ``(n, 784)``.
        labels: Training digits ``(n,)`` (integers, on the device).
        x_test: Test inputs.
        labels_test: Test digits.
        hidden: Width of the hidden layer.
        epochs: Passes over the training set.
        batch: Images per update.
        learning_rate: Adam's step.
        seed: Seeds the initial weights and the shuffles.
        on_epoch: Called after each epoch with the epochs done and the test accuracy
            (progress).

    Returns:
        Mean training loss, test loss and test accuracy (percent) after each epoch.
    """
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    params = {key: xp.asarray(v) for key, v in mlp_init(seed, hidden, x.shape[1]).items()}
    m = {key: xp.zeros_like(v) for key, v in params.items()}
    v = {key: xp.zeros_like(p) for key, p in params.items()}
    shuffle = np.random.default_rng(seed + 1)
    n = x.shape[0]
    step = 0
    train_loss: list[float] = []
    test_loss: list[float] = []
    test_accuracy: list[float] = []
    for epoch in range(epochs):
        order = xp.asarray(shuffle.permutation(n))
        total = xp.zeros((), dtype=x.dtype)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            loss, grads = mlp_loss_and_grads(xp, params, x[idx], labels[idx])
            total += loss * idx.shape[0]
            step += 1
            # Adam with bias correction folded into the step size.
            rate = float(learning_rate * np.sqrt(1 - beta2**step) / (1 - beta1**step))
            for key, grad in grads.items():
                m[key] *= beta1
                m[key] += (1 - beta1) * grad
                v[key] *= beta2
                v[key] += (1 - beta2) * (grad * grad)
                params[key] -= rate * m[key] / (xp.sqrt(v[key]) + eps)
        logits = mlp_logits(xp, params, x_test)
        train_loss.append(float(total) / n)
        test_loss.append(float(cross_entropy(xp, logits, labels_test)))
        correct = xp.count_nonzero(xp.argmax(logits, axis=1) == labels_test)
        test_accuracy.append(100.0 * float(correct) / labels_test.shape[0])
        if on_epoch is not None:
            on_epoch(epoch + 1, test_accuracy[-1])
    predictions = to_host(xp, xp.argmax(mlp_logits(xp, params, x_test), axis=1))
    return MlpRun(
        train_loss=train_loss,
        test_loss=test_loss,
        test_accuracy=test_accuracy,
        predictions=predictions,
    )


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """The share of correct predictions, in percent."""
    return 100.0 * float(np.mean(np.asarray(predicted) == np.asarray(labels)))
