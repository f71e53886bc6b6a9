"""A demo's results and a stored result's manifest, read from JSON text (pure).

A run writes ``metrics.json`` (with its ``provenance``), ``figures.json`` and, if it has
tables, ``tables.json`` (see ``notes``: the demo contract). The runner checks them with
:func:`parse_result` before it keeps anything, and records each stored result in a
``manifest.json`` (:class:`Manifest`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

FIGURE_SUFFIXES = frozenset({".png", ".svg", ".jpg", ".jpeg", ".webp"})
"""The figure formats a page can show."""

MANIFEST_FORMAT = 1
"""Version of the manifest's layout; another value is treated as no manifest."""

METRICS_FILE = "metrics.json"
FIGURES_FILE = "figures.json"
TABLES_FILE = "tables.json"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True, kw_only=True)
class FigureInfo:
    """One figure of ``figures.json``."""

    id: str
    file: str
    caption: str
    alt: str


@dataclass(frozen=True, kw_only=True)
class TableInfo:
    """One table of ``tables.json``."""

    id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, kw_only=True)
class ProvenanceInfo:
    """The ``provenance`` of ``metrics.json``: what computed the results, when, how long."""

    seed: int | None
    backend: str
    device: str
    versions: Mapping[str, str]
    notes: tuple[str, ...]
    params: Mapping[str, Any]
    quick: bool
    seconds: float
    finished: datetime


@dataclass(frozen=True, kw_only=True)
class DemoResult:
    """Everything a run produced that a page can show."""

    metrics: Mapping[str, Any]
    provenance: ProvenanceInfo
    figures: tuple[FigureInfo, ...]
    tables: tuple[TableInfo, ...] = ()

    def figure(self, ident: str) -> FigureInfo | None:
        """The figure with this id, if any."""
        return next((f for f in self.figures if f.id == ident), None)

    def table(self, ident: str) -> TableInfo | None:
        """The table with this id, if any."""
        return next((t for t in self.tables if t.id == ident), None)


@dataclass(frozen=True, kw_only=True)
class StoredFile:
    """A file of a stored result, as its manifest records it."""

    sha256: str
    size: int


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """What a stored result is: the run it answers, where and when it was computed.

    Attributes:
        demo: The demo's name.
        digest: The result digest (source + versions + device).
        source_digest: The source digest (code + local modules + params + data).
        overrides: The run's overridden parameters, ``(key, canonical JSON)``.
        quick: Whether it is the quick version.
        params: The effective parameters.
        versions: Library versions of the machine that ran it.
        device: That machine's hardware.
        files: Each result file (name → checksum and size).
        ran_at: When the run finished (UTC).
        seconds: The run's wall time, process start included.
        frozen_at: When it was frozen, for a frozen result.
    """

    demo: str
    digest: str
    source_digest: str
    overrides: tuple[tuple[str, str], ...]
    quick: bool
    params: Mapping[str, Any]
    versions: Mapping[str, str]
    device: str
    files: Mapping[str, StoredFile]
    ran_at: datetime
    seconds: float
    frozen_at: datetime | None = None


def _object(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{what} n'est pas du JSON valide ({err})") from err


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} doit être une chaîne")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} doit être un nombre")
    return float(value)


def parse_time(value: Any, what: str) -> datetime:
    """An ISO 8601 date and time; a naive one is taken as UTC.

    Raises:
        ValueError: ``value`` is not such a string (message names ``what``).
    """
    try:
        parsed = datetime.fromisoformat(_text(value, what))
    except ValueError as err:
        raise ValueError(f"{what} n'est pas une date ISO 8601 ({value!r})") from err
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_provenance(value: Any) -> ProvenanceInfo:
    """The ``provenance`` object of ``metrics.json``.

    Raises:
        ValueError: A key is missing or of the wrong type (French message naming it).
    """
    if not isinstance(value, dict):
        raise ValueError("metrics.json : « provenance » manquante ou qui n'est pas un objet")
    missing = [
        key
        for key in ("seed", "backend", "device", "versions", "params", "seconds", "finished")
        if key not in value
    ]
    if missing:
        raise ValueError(f"metrics.json : provenance sans {', '.join(missing)}")
    seed = value["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValueError("metrics.json : provenance.seed doit être un entier ou null")
    versions = value["versions"]
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        raise ValueError("metrics.json : provenance.versions doit associer noms et versions")
    notes = value.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ValueError("metrics.json : provenance.notes doit être une liste de phrases")
    params = value["params"]
    if not isinstance(params, dict):
        raise ValueError("metrics.json : provenance.params doit être un objet")
    return ProvenanceInfo(
        seed=seed,
        backend=_text(value["backend"], "metrics.json : provenance.backend"),
        device=_text(value["device"], "metrics.json : provenance.device"),
        versions=dict(versions),
        notes=tuple(notes),
        params=params,
        quick=bool(value.get("quick", False)),
        seconds=_number(value["seconds"], "metrics.json : provenance.seconds"),
        finished=parse_time(value["finished"], "metrics.json : provenance.finished"),
    )


def _figure(value: Any, index: int, files: set[str]) -> FigureInfo:
    where = f"figures.json, figure {index + 1}"
    if not isinstance(value, dict):
        raise ValueError(f"{where} : un objet est attendu")
    fields = {key: _text(value.get(key), f"{where}, « {key} »") for key in ("id", "file")}
    name = fields["file"]
    path = PurePosixPath(name)
    # Only a plain file name of the output folder: no path may lead out of it.
    if path.name != name or name.startswith(".") or "\\" in name:
        raise ValueError(f"{where} : « {name} » n'est pas un simple nom de fichier")
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ValueError(f"{where} : format non affichable « {name} » (PNG ou SVG)")
    if name not in files:
        raise ValueError(f"{where} : fichier « {name} » absent de la sortie")
    return FigureInfo(
        id=fields["id"],
        file=name,
        caption=str(value.get("caption") or ""),
        alt=str(value.get("alt") or value.get("caption") or fields["id"]),
    )


def _table(value: Any, index: int) -> TableInfo:
    where = f"tables.json, table {index + 1}"
    if not isinstance(value, dict):
        raise ValueError(f"{where} : un objet est attendu")
    ident = _text(value.get("id"), f"{where}, « id »")
    columns = value.get("columns")
    rows = value.get("rows")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValueError(f"{where} : « columns » doit être une liste de noms")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ValueError(f"{where} : « rows » doit être une liste de lignes")
    for number, row in enumerate(rows, start=1):
        if len(row) != len(columns):
            raise ValueError(
                f"{where} : la ligne {number} a {len(row)} cellules pour {len(columns)} colonnes"
            )
    return TableInfo(
        id=ident,
        caption=str(value.get("caption") or ""),
        columns=tuple(columns),
        rows=tuple(tuple(row) for row in rows),
    )


def parse_result(
    metrics_text: str, figures_text: str, tables_text: str | None, *, files: set[str]
) -> DemoResult:
    """Check and read a run's result files.

    Args:
        metrics_text: The text of ``metrics.json``.
        figures_text: The text of ``figures.json``.
        tables_text: The text of ``tables.json``, or ``None`` when there is none.
        files: The names of the files in the output folder.

    Returns:
        The result.

    Raises:
        ValueError: A file is not what the demo contract says (French message naming
            the file and the entry).
    """
    metrics = _object(metrics_text, METRICS_FILE)
    if not isinstance(metrics, dict):
        raise ValueError("metrics.json doit être un objet JSON")
    provenance = parse_provenance(metrics.get("provenance"))
    figures = _object(figures_text, FIGURES_FILE)
    if not isinstance(figures, list):
        raise ValueError("figures.json doit être une liste")
    parsed_figures = tuple(_figure(value, index, files) for index, value in enumerate(figures))
    ids = [figure.id for figure in parsed_figures]
    if len(set(ids)) != len(ids):
        raise ValueError("figures.json : deux figures ont le même « id »")
    tables: tuple[TableInfo, ...] = ()
    if tables_text is not None:
        raw_tables = _object(tables_text, TABLES_FILE)
        if not isinstance(raw_tables, list):
            raise ValueError("tables.json doit être une liste")
        tables = tuple(_table(value, index) for index, value in enumerate(raw_tables))
    return DemoResult(
        metrics={key: value for key, value in metrics.items() if key != "provenance"},
        provenance=provenance,
        figures=parsed_figures,
        tables=tables,
    )


def manifest_to_json(manifest: Manifest) -> str:
    """The text of ``manifest.json``."""
    document: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "demo": manifest.demo,
        "digest": manifest.digest,
        "source_digest": manifest.source_digest,
        "overrides": {key: value for key, value in manifest.overrides},
        "quick": manifest.quick,
        "params": dict(manifest.params),
        "versions": dict(manifest.versions),
        "device": manifest.device,
        "files": {
            name: {"sha256": item.sha256, "size": item.size}
            for name, item in sorted(manifest.files.items())
        },
        "ran_at": manifest.ran_at.isoformat(timespec="seconds"),
        "seconds": round(manifest.seconds, 3),
        "frozen_at": manifest.frozen_at.isoformat(timespec="seconds")
        if manifest.frozen_at
        else None,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def parse_manifest(text: str) -> Manifest:
    """Read ``manifest.json``.

    Raises:
        ValueError: The text is not a manifest of this format (French message).
    """
    document = _object(text, MANIFEST_FILE)
    if not isinstance(document, dict):
        raise ValueError("manifest.json doit être un objet")
    if document.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"manifest.json : format {document.get('format')!r} inconnu")
    try:
        overrides = document["overrides"]
        files = document["files"]
        if not isinstance(overrides, dict) or not isinstance(files, dict):
            raise ValueError("manifest.json : « overrides » et « files » doivent être des objets")
        frozen = document.get("frozen_at")
        return Manifest(
            demo=_text(document["demo"], "manifest.json : demo"),
            digest=_text(document["digest"], "manifest.json : digest"),
            source_digest=_text(document["source_digest"], "manifest.json : source_digest"),
            overrides=tuple(sorted((str(k), str(v)) for k, v in overrides.items())),
            quick=bool(document["quick"]),
            params=dict(document["params"]),
            versions={str(k): str(v) for k, v in dict(document["versions"]).items()},
            device=_text(document["device"], "manifest.json : device"),
            files={
                str(name): StoredFile(
                    sha256=_text(item["sha256"], f"manifest.json : files.{name}"),
                    size=int(item["size"]),
                )
                for name, item in files.items()
            },
            ran_at=parse_time(document["ran_at"], "manifest.json : ran_at"),
            seconds=_number(document["seconds"], "manifest.json : seconds"),
            frozen_at=parse_time(frozen, "manifest.json : frozen_at") if frozen else None,
        )
    except KeyError as err:
        raise ValueError(f"manifest.json : clé {err} manquante") from err
    except (TypeError, AttributeError) as err:
        raise ValueError(f"manifest.json : valeur de type inattendu ({err})") from err
