"""Tiny synthetic MNIST-shaped files, for tests and smoke runs (never for the site).

Each digit class is a bright bar at its own place on a 28 × 28 grid, plus noise: a
network can learn it, so that a test can check that training works without the real
data. :func:`write_synthetic` writes the four IDX files and a digest file that the
``MNIST_SHA256_FILE`` variable can point to.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from .data import FILES, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, sha256_hex
from .idx import encode_idx


def synthetic_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images ``(n, 28, 28)`` of bytes and their labels (cycling 0–9).

    Class ``c`` lights a vertical bar two pixels wide at column ``4 + 2c`` (rows 6 to
    21), over faint noise in rows 4 to 23; the other rows stay black, like MNIST's border.
    """
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % 10).astype(np.uint8)
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    images[:, 4:24] = rng.integers(0, 40, size=(n, 20, 28))
    for i, label in enumerate(labels):
        col = 4 + 2 * int(label)
        images[i, 6:22, col : col + 2] = rng.integers(180, 256, size=(16, 2))
    return images, labels


def synthetic_contents(n_train: int, n_test: int, seed: int = 0) -> dict[str, bytes]:
    """The IDX bytes of a synthetic set, keyed by MNIST file name."""
    train_images, train_labels = synthetic_digits(n_train, seed)
    test_images, test_labels = synthetic_digits(n_test, seed + 1)
    return {
        TRAIN_IMAGES: encode_idx(train_images),
        TRAIN_LABELS: encode_idx(train_labels),
        TEST_IMAGES: encode_idx(test_images),
        TEST_LABELS: encode_idx(test_labels),
    }


def write_synthetic(
    folder: Path, n_train: int = 200, n_test: int = 50, *, seed: int = 0, gz: bool = False
) -> dict[str, str]:
    """Write a synthetic set into ``folder``, and ``sha256.json`` beside it.

    Args:
        folder: Where the four files go (created if missing).
        n_train: Training images.
        n_test: Test images.
        seed: Seeds the noise.
        gz: Write ``<name>.gz`` files instead of raw ones.

    Returns:
        File name → SHA-256 of its uncompressed content (also in ``sha256.json``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    contents = synthetic_contents(n_train, n_test, seed)
    for name in FILES:
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(contents[name], mtime=0))
        else:
            (folder / name).write_bytes(contents[name])
    digests = {name: sha256_hex(contents[name]) for name in FILES}
    (folder / "sha256.json").write_text(json.dumps(digests, indent=2), encoding="utf-8")
    return digests
