"""Arranging the training set so that each epoch multiplies only the pixels that are lit.

A MNIST image lights about one pixel in five, and a black pixel adds nothing to
``X @ W`` nor to ``Xᵀ @ δ``. Dense matrix products cannot skip single zeros, but they
can skip whole columns of a block of images:

- the images are sorted by label, then by the width of the drawn digit, so that a block
  of consecutive images lights similar pixels (the order of the images changes nothing
  to a full-batch gradient, which sums over all of them);
- each block of ``rows`` images keeps only the pixels lit in at least one of its images
  (about half of the multiplications are left, at 2,048 images per block);
- a pixel lit in at most a fraction ``rare_below`` of the block's images is multiplied
  only for the images that light it, which are put first in the block.

The products give the same numbers; only the order of the floating-point additions
changes. This is a CPU measure (a block stays in cache between its two products); on a
GPU a single block of all the images is used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import numpy as np

#: One-hot labels have this many classes.
CLASSES = 10

Array = Any


@dataclass(frozen=True, kw_only=True)
class Block:
    """Consecutive training images, with the pixels their products need.

    Attributes:
        cols: Pixels multiplied for every image of the block (indices).
        x: ``(rows, len(cols))`` those pixels' values.
        y_t: ``(10, rows)`` the images' one-hot labels, transposed.
        rare_cols: Pixels multiplied only for the block's first images (indices).
        rare_x: ``(r, len(rare_cols))`` those pixels' values for the first ``r`` images.
    """

    cols: Array
    x: Array
    y_t: Array
    rare_cols: Array
    rare_x: Array


def digit_widths(lit: np.ndarray) -> np.ndarray:
    """The width, in columns, of what each image lights (0 for a black image).

    Args:
        lit: ``(n, d)`` booleans; ``d`` a square (28 × 28) is read as a square image,
            anything else as a single row of pixels.
    """
    n, d = lit.shape
    side = math.isqrt(d)
    width = side if side * side == d else d
    columns: np.ndarray = np.any(lit.reshape(n, d // width, width), axis=1)
    first = columns.argmax(axis=1)
    last = width - 1 - columns[:, ::-1].argmax(axis=1)
    return np.where(np.any(columns, axis=1), last - first + 1, 0)


def plan_blocks(
    x: np.ndarray,
    labels: np.ndarray,
    *,
    rows: int | None,
    rare_below: float,
    sort: bool = True,
) -> list[Block]:
    """Cut the training set into blocks of images that keep only their lit pixels.

    Args:
        x: ``(n, d)`` inputs, on the host.
        labels: ``(n,)`` digits.
        rows: Images per block (``None``: one block of all images).
        rare_below: A pixel lit in at most this fraction of a block's images is
            multiplied only for those images (0: never).
        sort: Sort the images by label and digit width first.

    Returns:
        The blocks, on the host, covering every image once.
    """
    x = np.asarray(x)
    labels = np.asarray(labels)
    lit = x != 0
    order = (
        np.lexsort((digit_widths(lit), labels)) if sort else np.arange(len(labels), dtype=np.intp)
    )
    step = len(order) if rows is None else max(1, int(rows))
    blocks = []
    for start in range(0, len(order), step):
        members = order[start : start + step]
        block_lit = lit[members]
        share = block_lit.mean(axis=0)
        cols = np.flatnonzero(share > rare_below)
        rare_cols = np.flatnonzero((share > 0) & (share <= rare_below))
        lights_rare = block_lit[:, rare_cols].any(axis=1)
        # Images lighting a rare pixel first: the rare products cover a prefix of rows.
        members = np.concatenate([members[lights_rare], members[~lights_rare]])
        onehot = np.zeros((CLASSES, len(members)), dtype=x.dtype)
        onehot[labels[members], np.arange(len(members))] = 1
        blocks.append(
            Block(
                cols=cols,
                x=np.ascontiguousarray(x[np.ix_(members, cols)]),
                y_t=onehot,
                rare_cols=rare_cols,
                rare_x=np.ascontiguousarray(
                    x[np.ix_(members[: int(lights_rare.sum())], rare_cols)]
                ),
            )
        )
    return blocks


def to_device(xp: ModuleType, blocks: list[Block]) -> list[Block]:
    """The blocks with their arrays copied to ``xp``'s device."""
    if xp is np:
        return blocks
    return [
        replace(
            block,
            cols=xp.asarray(block.cols),
            x=xp.asarray(block.x),
            y_t=xp.asarray(block.y_t),
            rare_cols=xp.asarray(block.rare_cols),
            rare_x=xp.asarray(block.rare_x),
        )
        for block in blocks
    ]


def multiplications(blocks: list[Block], n_features: int) -> float:
    """The share of a dense pass's multiplications that the blocks keep (0 to 1)."""
    kept = sum(b.x.shape[0] * b.x.shape[1] + b.rare_x.shape[0] * b.rare_x.shape[1] for b in blocks)
    total = sum(b.x.shape[0] for b in blocks) * n_features
    return kept / total if total else 1.0
