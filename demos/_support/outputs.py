"""Writing a demo's results: ``metrics.json``, ``figures.json``, ``tables.json``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator import machine


@dataclass(frozen=True, kw_only=True)
class Figure:
    """One figure of a demo, as ``figures.json`` lists it."""

    id: str
    file: str
    caption: str
    alt: str


@dataclass(frozen=True, kw_only=True)
class Table:
    """One table of numbers, as ``tables.json`` lists it."""

    id: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where, how and when a demo's results were computed (shown under each figure)."""

    seed: int | None
    backend: str
    device: str
    params: dict[str, Any]
    quick: bool
    seconds: float
    notes: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=machine.library_versions)
    finished: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def _finite(value: Any) -> Any:
    # JSON has no NaN or infinity: a metric that is not a number is written as null.
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def write_results(
    out: Path,
    *,
    metrics: Mapping[str, Any],
    provenance: Provenance,
    figures: Sequence[Figure] = (),
    tables: Sequence[Table] = (),
) -> None:
    """Write ``metrics.json`` (with its ``provenance``), ``figures.json`` and ``tables.json``.

    Args:
        out: The demo's output folder (created if missing).
        metrics: The demo's metrics; the key ``provenance`` is reserved.
        provenance: How the results were computed.
        figures: The figures written into ``out``, in display order.
        tables: Tables of numbers, if any.

    Raises:
        ValueError: If ``metrics`` uses the reserved key or a figure file is missing.
    """
    if "provenance" in metrics:
        raise ValueError("la clé « provenance » de metrics.json est réservée")
    out.mkdir(parents=True, exist_ok=True)
    for figure in figures:
        if not (out / figure.file).is_file():
            raise ValueError(f"figure absente : {out / figure.file}")
    document = {**_finite(dict(metrics)), "provenance": _finite(asdict(provenance))}
    _dump(out / "metrics.json", document)
    _dump(out / "figures.json", [asdict(f) for f in figures])
    if tables:
        _dump(out / "tables.json", [_finite(asdict(t)) for t in tables])


def _dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
