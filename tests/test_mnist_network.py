"""The numerics: gradients against finite differences, the fused training against
separate runs and against the course's own loop, and the MLP on synthetic digits."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from demos.mnist import layout
from demos.mnist import network as nw
from demos.mnist.bench import course_loop
from demos.mnist.synthetic import synthetic_digits

RNG = np.random.default_rng(1234)


def finite_difference(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of ``f`` with respect to every entry of ``array`` (in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        up = f()
        array[index] = saved - eps
        down = f()
        array[index] = saved
        grad[index] = (up - down) / (2 * eps)
    return grad


def sparse_problem(n: int = 23, d: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Inputs with zeros like MNIST's: pixel 0 never lit, pixel 1 lit once, others often."""
    x = RNG.random((n, d)) * (RNG.random((n, d)) < 0.6)
    x[:, 0] = 0
    x[:, 1] = 0
    x[5, 1] = 0.7
    x[:, 2] = np.where(np.arange(n) % 2 == 0, 0.5, 0.0)  # lit in every other image
    return x, RNG.integers(0, 10, n)


def dense_loss(x: np.ndarray, y: np.ndarray, w_t: np.ndarray, b: np.ndarray, name: str) -> float:
    """The course's loss, written directly from its formula."""
    return float(np.mean((nw.activate(np, name, x @ w_t.T + b) - y) ** 2))


def test_blocks_hold_every_image_once_with_only_lit_pixels() -> None:
    x, labels = sparse_problem()
    blocks = layout.plan_blocks(x, labels, rows=7, rare_below=0.2)
    assert [b.x.shape[0] for b in blocks] == [7, 7, 7, 2]
    rebuilt, rebuilt_labels = [], []
    for block in blocks:
        dense = np.zeros((block.x.shape[0], x.shape[1]))
        dense[:, block.cols] = block.x
        dense[: block.rare_x.shape[0], block.rare_cols] = block.rare_x
        rebuilt.append(dense)
        rebuilt_labels.append(block.y_t.argmax(axis=0))
        assert 0 not in block.cols and 0 not in block.rare_cols  # a pixel never lit
        # The images lighting a rare pixel come first in their block.
        lights = np.zeros(block.x.shape[0], dtype=bool)
        lights[: block.rare_x.shape[0]] = True
        assert not np.any(dense[~lights][:, block.rare_cols])
    together = np.concatenate(rebuilt)
    order = np.lexsort(together.T)
    expected = np.lexsort(x.T)
    np.testing.assert_array_equal(together[order], x[expected])
    np.testing.assert_array_equal(np.concatenate(rebuilt_labels)[order], labels[expected])
    assert any(1 in block.rare_cols for block in blocks)
    assert layout.multiplications(blocks, x.shape[1]) < 0.8


def test_images_are_sorted_by_label_then_width() -> None:
    lit = np.zeros((3, 16), dtype=bool)
    lit[0, [5, 6]] = True  # columns 1 and 2 of a 4 × 4 image: width 2
    lit[1, [0, 7]] = True  # columns 0 and 3: width 4
    assert layout.digit_widths(lit).tolist() == [2, 4, 0]
    x = lit.astype(float)
    blocks = layout.plan_blocks(x, np.array([1, 0, 1]), rows=None, rare_below=0.0)
    assert blocks[0].y_t.argmax(axis=0).tolist() == [0, 1, 1]
    assert blocks[0].x.shape == (3, 4)  # the four pixels lit somewhere


@pytest.mark.parametrize("activation", nw.ACTIVATIONS)
def test_course_gradient_matches_finite_differences(activation: str) -> None:
    x, labels = sparse_problem()
    y = nw.one_hot(np, labels, dtype=np.float64)
    w_t = RNG.normal(0, 0.5, (10, x.shape[1]))
    b = RNG.normal(0, 0.5, 10)
    # No pre-activation at ReLU's kink, where the derivative is undefined.
    assert np.abs(x @ w_t.T + b).min() > 1e-4
    blocks = layout.plan_blocks(x, labels, rows=7, rare_below=0.2)

    def loss() -> float:
        return dense_loss(x, y, w_t, b, activation)

    losses, grad_w_t, grad_b = nw.course_gradients(np, blocks, w_t, b, (activation,))
    assert losses[0] == pytest.approx(loss(), rel=1e-12)
    np.testing.assert_allclose(grad_w_t, finite_difference(loss, w_t), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(grad_b, finite_difference(loss, b), rtol=1e-6, atol=1e-10)
    # A pixel black in every image gets no gradient: its weights never move.
    assert np.all(grad_w_t[:, 0] == 0)


def test_side_by_side_networks_are_independent() -> None:
    x, labels = sparse_problem(n=31)
    blocks = layout.plan_blocks(x, labels, rows=8, rare_below=0.2)
    w_t = RNG.normal(0, 0.5, (30, x.shape[1]))
    b = RNG.normal(0, 0.5, 30)
    losses, grad_w_t, grad_b = nw.course_gradients(np, blocks, w_t, b, nw.ACTIVATIONS)
    for j, name in enumerate(nw.ACTIVATIONS):
        rows = slice(10 * j, 10 * j + 10)
        alone = nw.course_gradients(np, blocks, w_t[rows], b[rows], (name,))
        assert losses[j] == pytest.approx(float(alone[0][0]), rel=1e-12)
        np.testing.assert_allclose(grad_w_t[rows], alone[1], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(grad_b[rows], alone[2], rtol=1e-12, atol=1e-15)


def course_reference_loop(
    x: np.ndarray, y: np.ndarray, w0: np.ndarray, activation: str, epochs: int, lr: float
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The course's training loop as the course writes it (its ``train`` method)."""
    functions = {
        "identity": (lambda z: z, lambda z: np.ones_like(z)),
        "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(z.dtype)),
        "sigmoid": (
            lambda z: 1 / (1 + np.exp(-z)),
            lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))),
        ),
    }
    act, act_derivative = functions[activation]
    weights, bias = w0.copy(), np.zeros((1, 10))
    history = []
    for _epoch in range(epochs):
        z = np.dot(x, weights) + bias
        predictions = act(z)
        history.append(float(np.mean((predictions - y) ** 2)))
        d_loss = 2 * (predictions - y) / y.size
        d_z = d_loss * act_derivative(z)
        weights -= lr * np.dot(x.T, d_z)
        bias -= lr * np.sum(d_z, axis=0, keepdims=True)
    return weights, bias[0], history


def test_fused_training_equals_separate_runs_and_the_course_loop() -> None:
    images, labels = synthetic_digits(40, seed=3)
    x = nw.inputs(np, images, dtype=np.float64)
    y = nw.one_hot(np, labels, dtype=np.float64)
    w0 = nw.initial_weights(7, 0.01, dtype=np.float64)
    blocks = layout.plan_blocks(x, labels, rows=16, rare_below=0.1)
    # The synthetic images leave 8 of their 28 rows black: those pixels are skipped.
    assert layout.multiplications(blocks, 784) == pytest.approx(20 / 28, abs=0.01)
    pixels = (0, 300, 410)
    fused = nw.train_course(
        np,
        blocks,
        activations=nw.ACTIVATIONS,
        epochs=25,
        learning_rate=0.5,
        w0=w0,
        tracked_pixels=pixels,
        tracked_digit=3,
    )
    assert fused.losses.shape == (25, 3)
    assert fused.tracked.shape == (25, 3, 3)
    for j, name in enumerate(nw.ACTIVATIONS):
        cols = slice(10 * j, 10 * j + 10)
        alone = nw.train_course(
            np, blocks, activations=(name,), epochs=25, learning_rate=0.5, w0=w0
        )
        np.testing.assert_allclose(fused.weights[:, cols], alone.weights, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(fused.bias[cols], alone.bias, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(fused.losses[:, j], alone.losses[:, 0], rtol=1e-10)
        weights, bias, history = course_reference_loop(x, y, w0, name, 25, 0.5)
        np.testing.assert_allclose(fused.weights[:, cols], weights, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(fused.bias[cols], bias, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(fused.losses[:, j], history, rtol=1e-10)
        # The tracked weights are the weights before each epoch's update.
        assert fused.tracked[0, j].tolist() == w0[list(pixels), 3].tolist()
        before_last, _, _ = course_reference_loop(x, y, w0, name, 24, 0.5)
        np.testing.assert_allclose(fused.tracked[24, j], before_last[list(pixels), 3], rtol=1e-10)
    # Pixel 0 is black in every synthetic image: its weight never moves.
    assert np.all(fused.tracked[:, :, 0] == w0[0, 3])
    # Training lowers every network's loss.
    assert np.all(fused.losses[-1] < fused.losses[0])


def test_worker_threads_give_the_same_training() -> None:
    images, labels = synthetic_digits(60, seed=4)
    x = nw.inputs(np, images, dtype=np.float64)
    blocks = layout.plan_blocks(x, labels, rows=8, rare_below=0.1)
    w0 = nw.initial_weights(2, 0.01, dtype=np.float64)
    runs = [
        nw.train_course(
            np,
            blocks,
            activations=nw.ACTIVATIONS,
            epochs=10,
            learning_rate=0.5,
            w0=w0,
            workers=workers,
        )
        for workers in (1, 3)
    ]
    np.testing.assert_allclose(runs[1].weights, runs[0].weights, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(runs[1].losses, runs[0].losses, rtol=1e-12)


def test_the_bench_course_loop_is_the_course_recipe() -> None:
    images, labels = synthetic_digits(30, seed=5)
    x = nw.inputs(np, images, dtype=np.float64)
    y = nw.one_hot(np, labels, dtype=np.float64)
    w0 = nw.initial_weights(1, 0.01, dtype=np.float64)
    weights, history = course_loop(np, x, y, w0, 12, 0.5)
    expected, _, expected_history = course_reference_loop(x, y, w0, "identity", 12, 0.5)
    np.testing.assert_allclose(weights, expected, rtol=1e-12)
    np.testing.assert_allclose(history, expected_history, rtol=1e-12)


def test_sigmoid_is_stable_for_large_inputs() -> None:
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0], dtype=np.float32)
    s = nw.sigmoid(np, z)  # an overflow warning would fail the test (filterwarnings)
    np.testing.assert_allclose(s, [0, 9.357623e-14, 0.5, 1, 1], rtol=1e-6, atol=1e-30)
    assert s.dtype == np.float32


def test_unknown_activation() -> None:
    with pytest.raises(ValueError, match="activation inconnue « tanh »"):
        nw.activate(np, "tanh", np.zeros(2))


def test_predictions_are_the_largest_activated_output() -> None:
    x = np.eye(3)
    w = np.zeros((3, 20))
    w[0, 2], w[1, 17], w[2, 5] = 1.0, 1.0, -1.0
    predicted = nw.course_predict(np, x, w, np.zeros(20), ("identity", "relu"))
    # Image 2: identity's outputs are all 0 but one at -1 (argmax 0); ReLU's all 0.
    assert predicted.tolist() == [[2, 0], [0, 7], [0, 0]]


def test_mlp_gradient_matches_finite_differences() -> None:
    x = RNG.random((6, 5))
    labels = np.array([0, 3, 9, 3, 1, 7])
    params = {key: value.astype(np.float64) for key, value in nw.mlp_init(3, 4, 5).items()}
    params["b1"] += RNG.normal(0, 0.3, 4)
    params["b2"] += RNG.normal(0, 0.3, 10)
    assert np.abs(x @ params["w1"] + params["b1"]).min() > 1e-4

    def loss() -> float:
        return float(nw.mlp_loss_and_grads(np, params, x, labels)[0])

    value, grads = nw.mlp_loss_and_grads(np, params, x, labels)
    assert float(value) == pytest.approx(
        float(nw.cross_entropy(np, nw.mlp_logits(np, params, x), labels))
    )
    for key in ("w1", "b1", "w2", "b2"):
        np.testing.assert_allclose(
            grads[key], finite_difference(loss, params[key]), rtol=1e-6, atol=1e-9, err_msg=key
        )


def test_mlp_learns_synthetic_digits() -> None:
    images, labels = synthetic_digits(300, seed=0)
    test_images, test_labels = synthetic_digits(100, seed=1)
    run = nw.train_mlp(
        np,
        nw.inputs(np, images),
        labels.astype(np.int64),
        nw.inputs(np, test_images),
        test_labels.astype(np.int64),
        hidden=16,
        epochs=4,
        batch=32,
        learning_rate=0.01,
        seed=0,
    )
    assert len(run.train_loss) == len(run.test_accuracy) == 4
    assert run.train_loss[-1] < run.train_loss[0]
    assert run.test_accuracy[-1] >= 95.0
    assert nw.accuracy(run.predictions, test_labels) == run.test_accuracy[-1]
