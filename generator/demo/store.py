"""Stored demo results on disk: the cache, the frozen results, their manifests.

Layout (``KEY`` is the first 16 hex digits of a digest; the manifest holds it whole):

    <cache_dir>/<demo>/<KEY of the result digest>/   manifest.json, metrics.json,
                                                      figures.json, figures, tables.json
    <freeze_dir>/<demo>/<KEY of the source digest>/  the same, committed to the repository

A folder appears whole or not at all: a run writes into a staging folder next to it,
which is renamed into place once the manifest is written. A stored result is used only
when its manifest parses, names the digest asked for, and lists files that are all there
with their recorded sizes; otherwise it is reported and (in the cache) removed, so that
it is computed again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.demo.digest import sha256_hex
from generator.demo.directive import RunRequest
from generator.demo.results import (
    FIGURES_FILE,
    MANIFEST_FILE,
    METRICS_FILE,
    TABLES_FILE,
    DemoResult,
    Manifest,
    StoredFile,
    manifest_to_json,
    parse_manifest,
    parse_result,
)

KEY_LENGTH = 16
"""Hex digits of a digest in a folder name."""

Report = Callable[[str], None]
"""Where the store reports a stored result it cannot use (a logger's method)."""


@dataclass(frozen=True, kw_only=True)
class StoredResult:
    """A result on disk, checked and read.

    Attributes:
        folder: Its folder.
        manifest: Its manifest.
        result: Its metrics, figures and tables.
        frozen: Whether it is a frozen (committed) result.
    """

    folder: Path
    manifest: Manifest
    result: DemoResult
    frozen: bool = False


def key(digest: str) -> str:
    """A digest's folder name."""
    return digest[:KEY_LENGTH]


def file_records(folder: Path) -> dict[str, StoredFile]:
    """Checksum and size of every file under ``folder`` but the manifest (``/`` names)."""
    records: dict[str, StoredFile] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST_FILE:
            data = path.read_bytes()
            name = path.relative_to(folder).as_posix()
            records[name] = StoredFile(sha256=sha256_hex(data), size=len(data))
    return records


def read_result(folder: Path) -> DemoResult:
    """Read and check the result files of ``folder``.

    Raises:
        ValueError: A file is missing or does not follow the demo contract (French).
    """
    names = {path.name for path in folder.iterdir() if path.is_file()}
    for required in (METRICS_FILE, FIGURES_FILE):
        if required not in names:
            raise ValueError(f"{required} absent de la sortie")
    try:
        metrics = (folder / METRICS_FILE).read_text(encoding="utf-8")
        figures = (folder / FIGURES_FILE).read_text(encoding="utf-8")
        tables_path = folder / TABLES_FILE
        tables = tables_path.read_text(encoding="utf-8") if tables_path.is_file() else None
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"fichier de résultat illisible ({err})") from err
    return parse_result(metrics, figures, tables, files=names)


def _load(folder: Path, *, frozen: bool) -> StoredResult:
    """Read a stored result, checking its files against its manifest.

    Raises:
        ValueError: The manifest or a file is missing, unreadable or inconsistent.
    """
    path = folder / MANIFEST_FILE
    try:
        manifest = parse_manifest(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ValueError("manifest.json absent") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"manifest.json illisible ({err})") from err
    for name, record in manifest.files.items():
        try:
            size = (folder / name).stat().st_size
        except OSError as err:
            raise ValueError(f"fichier « {name} » du manifeste absent") from err
        if size != record.size:
            raise ValueError(f"fichier « {name} » modifié depuis le calcul (taille)")
    return StoredResult(folder=folder, manifest=manifest, result=read_result(folder), frozen=frozen)


def _discard(folder: Path) -> None:
    """Remove a folder, first moving it aside so that a half-removed one is never read."""
    trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}")
    try:
        folder.rename(trash)
    except OSError:
        trash = folder
    shutil.rmtree(trash, ignore_errors=True)


def lookup_cache(cache_dir: Path, name: str, digest: str, report: Report) -> StoredResult | None:
    """The cached result for a result digest, or ``None``.

    A cached result that cannot be used is reported and removed (it will be recomputed).
    """
    folder = cache_dir / name / key(digest)
    if not folder.is_dir():
        return None
    try:
        stored = _load(folder, frozen=False)
        if stored.manifest.digest != digest:
            raise ValueError("empreinte du manifeste différente")
    except ValueError as err:
        report(f"démo {name} : résultat en cache inutilisable ({folder} : {err}) ; recalcul")
        _discard(folder)
        return None
    return stored


def lookup_freeze(
    freeze_dir: Path, name: str, source_digest: str, report: Report
) -> StoredResult | None:
    """The frozen result for a source digest, or ``None`` (a broken one is reported, kept)."""
    folder = freeze_dir / name / key(source_digest)
    if not folder.is_dir():
        return None
    try:
        stored = _load(folder, frozen=True)
        if stored.manifest.source_digest != source_digest:
            raise ValueError("empreinte des sources différente")
    except ValueError as err:
        report(f"démo {name} : résultat figé inutilisable ({folder} : {err}) ; ignoré")
        return None
    return stored


def _entries(base: Path, name: str, *, frozen: bool, report: Report) -> Iterator[StoredResult]:
    folder = base / name
    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        try:
            yield _load(entry, frozen=frozen)
        except ValueError as err:
            report(f"démo {name} : résultat inutilisable ignoré ({entry} : {err})")


def stored_results(
    cache_dir: Path, freeze_dir: Path, name: str, report: Report
) -> list[StoredResult]:
    """Every usable stored result of a demo, cached then frozen, newest first."""
    results = [
        *_entries(cache_dir, name, frozen=False, report=report),
        *_entries(freeze_dir, name, frozen=True, report=report),
    ]
    return sorted(results, key=lambda stored: stored.manifest.ran_at, reverse=True)


def same_run(manifest: Manifest, request: RunRequest) -> bool:
    """Whether a stored result answers the same demo, parameters and quick flag."""
    return (
        manifest.demo == request.name
        and manifest.overrides == request.overrides
        and manifest.quick == request.quick
    )


def last_good(
    cache_dir: Path, freeze_dir: Path, request: RunRequest, report: Report
) -> StoredResult | None:
    """The newest stored result of the same run, whatever code produced it."""
    for stored in stored_results(cache_dir, freeze_dir, request.name, report):
        if same_run(stored.manifest, request):
            return stored
    return None


def staging_folder(parent: Path, prefix: str) -> Path:
    """A new empty folder inside ``parent`` (created), to be renamed into place later."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{prefix}-", dir=parent))


def _install(staging: Path, target: Path, manifest: Manifest, *, frozen: bool) -> StoredResult:
    """Write the manifest into ``staging`` and rename it to ``target``.

    Raises:
        ValueError: The staged files do not make a usable result.
    """
    (staging / MANIFEST_FILE).write_text(manifest_to_json(manifest), encoding="utf-8")
    result = read_result(staging)
    if target.exists():
        _discard(target)
    try:
        staging.rename(target)
    except OSError:
        if not (target / MANIFEST_FILE).is_file():
            raise
        # Another build installed the same result meanwhile: keep theirs.
        shutil.rmtree(staging, ignore_errors=True)
        return _load(target, frozen=frozen)
    return StoredResult(folder=target, manifest=manifest, result=result, frozen=frozen)


def install_run(cache_dir: Path, staging_out: Path, manifest: Manifest) -> StoredResult:
    """Move a successful run's output folder into the cache, with its manifest.

    Args:
        cache_dir: The cache folder.
        staging_out: The run's output folder, on the same file system as the cache.
        manifest: The manifest to write (its ``files`` are recomputed here).

    Returns:
        The stored result.
    """
    manifest = replace(manifest, files=file_records(staging_out))
    target = cache_dir / manifest.demo / key(manifest.digest)
    return _install(staging_out, target, manifest, frozen=False)


def freeze(stored: StoredResult, freeze_dir: Path, *, now: datetime) -> tuple[Path, list[Path]]:
    """Copy a stored result into the freeze folder, replacing older freezes of that run.

    Args:
        stored: The result to freeze.
        freeze_dir: The freeze folder (committed to the repository).
        now: The freezing time.

    Returns:
        The frozen result's folder, and the folders of older freezes of the same demo,
        parameters and quick flag that were removed.
    """
    manifest = replace(stored.manifest, frozen_at=now.astimezone(UTC))
    parent = freeze_dir / manifest.demo
    staging = staging_folder(parent, "freeze")
    try:
        for path in stored.folder.rglob("*"):
            if path.is_file() and path.name != MANIFEST_FILE:
                target = staging / path.relative_to(stored.folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        manifest = replace(manifest, files=file_records(staging))
        frozen = _install(staging, parent / key(manifest.source_digest), manifest, frozen=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    removed: list[Path] = []
    for entry in sorted(parent.iterdir()):
        if entry == frozen.folder or not entry.is_dir() or entry.name.startswith("."):
            continue
        try:
            other = parse_manifest((entry / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours to judge: left as it is
        request = RunRequest(name=other.demo, overrides=other.overrides, quick=other.quick)
        if same_run(manifest, request):
            _discard(entry)
            removed.append(entry)
    return frozen.folder, removed
