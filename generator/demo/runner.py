"""Running demos: digests, cache and freeze lookups, the subprocess, and installing results.

:func:`obtain` is the whole story for one :class:`~generator.demo.directive.RunRequest`:
a cached result with the same result digest is used as it is; else a frozen result with
the same source digest; else the demo runs in a subprocess (``python -m demos.NAME --out
DIR …``) with a time limit, in a temporary working folder, and its output is checked and
moved into the cache only if the run succeeded. A failed run raises
:class:`~generator.demo.errors.DemoRunError` with the tail of what the demo printed;
:func:`keep_last` finds the last good result of the same run for callers that allow it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from generator import machine
from generator.demo.digest import result_digest, source_digest
from generator.demo.directive import RunRequest
from generator.demo.errors import DemoError, DemoRunError
from generator.demo.results import Manifest
from generator.demo.sources import DemoLayout, DemoSpec, read_spec, source_files
from generator.demo.store import (
    Report,
    StoredResult,
    install_run,
    last_good,
    lookup_cache,
    lookup_freeze,
    staging_folder,
)

TAIL_LINES = 40
"""Lines of a failed demo's output quoted in the error."""

TAIL_CHARS = 4000
"""Characters of a failed demo's output quoted in the error, at most."""

PROGRESS_CHARS = 200
"""Characters of one line of a running demo's output shown as progress, at most."""

_BREAKS = re.compile(r"[\t\n\x80-\x9f\u2028\u2029]")
"""What would break a progress line or show as nothing: shown as a space."""

_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")

Status = Literal["cache", "ran", "frozen", "stale"]


@dataclass(frozen=True, kw_only=True)
class Machine:
    """What the digest knows of this machine."""

    versions: Mapping[str, str]
    device: str

    @classmethod
    def here(cls) -> Machine:
        """This machine (``generator.machine``)."""
        return cls(versions=machine.library_versions(), device=machine.device_description())


@dataclass(frozen=True, kw_only=True)
class DemoProject:
    """Where demos, their cache, frozen results and data are, and the time limit.

    Attributes:
        layout: Where the demos' code lives.
        cache_dir: The cache (``.cache/demos``).
        freeze_dir: The frozen results (``demos/_freeze``).
        data_dir: The data folder handed to demos as ``DEMO_DATA_DIR``.
        timeout_s: A time limit for every run, instead of each demo's ``TIMEOUT_S``.
        machine: This machine's versions and device.
    """

    layout: DemoLayout
    cache_dir: Path
    freeze_dir: Path
    data_dir: Path
    timeout_s: int | None = None
    machine: Machine = field(default_factory=Machine.here)


def project_at(
    root: Path,
    *,
    package: str = "demos",
    package_dir: str = ".",
    cache_dir: str = ".cache/demos",
    freeze_dir: str = "demos/_freeze",
    data_dir: str = ".cache/data",
    timeout_s: int | None = None,
    machine: Machine | None = None,
) -> DemoProject:
    """A project whose paths are relative to ``root`` (the folder of ``mkdocs.yml``).

    The ``generator`` package (and the project's ``demos`` package, when the demos come
    from another one) are local too: a demo importing them is traced and can run.
    """
    source_root = Path(__file__).resolve().parents[2]
    roots = {package: (root / package_dir).resolve()}
    for local in ("generator", "demos"):
        roots.setdefault(local, source_root)
    return DemoProject(
        layout=DemoLayout(package=package, roots=roots),
        cache_dir=(root / cache_dir).resolve(),
        freeze_dir=(root / freeze_dir).resolve(),
        data_dir=(root / data_dir).resolve(),
        timeout_s=timeout_s,
        machine=machine or Machine.here(),
    )


@dataclass(frozen=True, kw_only=True)
class Digests:
    """A run's effective parameters and digests."""

    params: Mapping[str, Any]
    source: str
    result: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What a build shows for one run.

    Attributes:
        request: The run.
        status: ``cache`` (reused), ``ran`` (computed now), ``frozen`` (a committed result
            for the same sources), ``stale`` (the new run failed; last good result kept).
        stored: The result shown.
        seconds: Wall time of the run made in this build, if one was.
        failure: Why the new run failed, for ``stale``.
    """

    request: RunRequest
    status: Status
    stored: StoredResult
    seconds: float | None = None
    failure: str | None = None


def effective_params(spec: DemoSpec, request: RunRequest) -> dict[str, Any]:
    """The demo's defaults with the request's overrides applied.

    Raises:
        DemoError: An override names a parameter the demo does not have.
    """
    overrides = request.override_values()
    unknown = sorted(set(overrides) - set(spec.params))
    if unknown:
        known = ", ".join(sorted(spec.params)) or "aucun"
        raise DemoError(
            spec.name, f"paramètre inconnu « {', '.join(unknown)} » (paramètres : {known})"
        )
    return {**spec.params, **overrides}


def digests(project: DemoProject, spec: DemoSpec, request: RunRequest) -> Digests:
    """Compute a run's digests from the files on disk.

    Raises:
        DemoError: An override is unknown or a source file cannot be read.
    """
    params = effective_params(spec, request)
    source = source_digest(
        name=spec.name,
        files=source_files(project.layout, spec.name),
        params=params,
        quick=request.quick,
        data=spec.data,
    )
    result = result_digest(
        source=source, versions=project.machine.versions, device=project.machine.device
    )
    return Digests(params=params, source=source, result=result)


def output_tail(path: Path) -> str:
    """The last lines of a run's output file, control characters removed."""
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - 16 * TAIL_CHARS))
            data = stream.read()
    except OSError:
        return ""
    text = _CONTROL.sub("", data.decode("utf-8", errors="replace"))
    tail = "\n".join(text.rstrip().splitlines()[-TAIL_LINES:])
    return tail[-TAIL_CHARS:]


def _environment(project: DemoProject) -> dict[str, str]:
    path = project.layout.python_path()
    inherited = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "MPLBACKEND": "Agg",
        "DEMO_DATA_DIR": str(project.data_dir),
        "PYTHONPATH": os.pathsep.join([*path, inherited] if inherited else path),
        # No __pycache__ written into the sources (mkdocs serve watches them).
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill a run and whatever it started (it leads its own process group)."""
    with contextlib.suppress(ProcessLookupError):  # already gone: nothing left to stop
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def progress_line(raw: bytes) -> str:
    """One line a running demo printed, as the build shows it: decoded, control
    characters removed (a carriage return keeps what follows it), shortened."""
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n").rsplit("\r", 1)[-1]
    text = _BREAKS.sub(" ", _CONTROL.sub("", text)).strip()
    if len(text) > PROGRESS_CHARS:
        text = text[: PROGRESS_CHARS - 1] + "…"
    return text


def _copy_output(
    source: IO[bytes] | None, sink: IO[bytes], progress: Callable[[str], None] | None
) -> None:
    """Copy a run's output into its log file line by line, telling each line."""
    if source is None:
        return
    with contextlib.suppress(OSError, ValueError):  # the pipe or the file closed under it
        for raw in iter(source.readline, b""):
            sink.write(raw)
            sink.flush()
            if progress is not None:
                line = progress_line(raw)
                if line:
                    progress(line)


def run(
    project: DemoProject,
    spec: DemoSpec,
    request: RunRequest,
    found: Digests,
    *,
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Run a demo now and store its result in the cache.

    Args:
        project: Where things are.
        spec: The demo's declarations.
        request: The run.
        found: Its digests (:func:`digests`).
        progress: Called with each line the demo prints, as it prints it.

    Returns:
        The ``ran`` outcome.

    Raises:
        DemoRunError: The demo exited with an error, ran out of time, or wrote output
            that does not follow the demo contract; with the tail of its output.
    """
    timeout = project.timeout_s or spec.timeout_s
    staging = staging_folder(project.cache_dir / spec.name, "run")
    out, work, log_path = staging / "out", staging / "work", staging / "output.log"
    work.mkdir()
    command = [
        sys.executable,
        "-m",
        f"{project.layout.package}.{spec.name}",
        "--out",
        str(out),
        *request.argv(),
    ]
    started = time.monotonic()
    try:
        with log_path.open("wb") as sink:
            process = subprocess.Popen(
                command,
                cwd=work,
                env=_environment(project),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            copier = threading.Thread(
                target=_copy_output, args=(process.stdout, sink, progress), daemon=True
            )
            copier.start()
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _stop(process)
                copier.join(timeout=5)
                raise DemoRunError(
                    request.label,
                    f"arrêtée après {timeout} s : délai dépassé (TIMEOUT_S de la démo, ou "
                    "option timeout du plugin)",
                    output_tail=output_tail(log_path),
                ) from None
            finally:
                if process.poll() is None:  # interrupted (Ctrl-C): leave nothing running
                    _stop(process)
                # The output ends with the run (a child left holding it is killed above
                # on a timeout; otherwise what it prints later is not waited for).
                copier.join(timeout=5)
                if process.stdout is not None:
                    process.stdout.close()
        seconds = time.monotonic() - started
        if code != 0:
            raise DemoRunError(
                request.label,
                f"échec (code de sortie {code}) après {seconds:.1f} s",
                output_tail=output_tail(log_path),
            )
        if not out.is_dir():
            raise DemoRunError(
                request.label,
                f"aucun dossier de sortie écrit ({out.name})",
                output_tail=output_tail(log_path),
            )
        manifest = Manifest(
            demo=spec.name,
            digest=found.result,
            source_digest=found.source,
            overrides=request.overrides,
            quick=request.quick,
            params=found.params,
            versions=project.machine.versions,
            device=project.machine.device,
            files={},
            ran_at=datetime.now(UTC).replace(microsecond=0),
            seconds=seconds,
        )
        try:
            stored = install_run(project.cache_dir, out, manifest)
        except ValueError as err:
            raise DemoRunError(
                request.label, f"sortie non conforme : {err}", output_tail=output_tail(log_path)
            ) from err
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Outcome(request=request, status="ran", stored=stored, seconds=seconds)


def obtain(
    project: DemoProject,
    request: RunRequest,
    *,
    report: Report,
    force: bool = False,
    use_freeze: bool = True,
    spec: DemoSpec | None = None,
    progress: Report | None = None,
) -> Outcome:
    """The result for a run: cached, frozen, or computed now.

    Args:
        project: Where things are.
        request: The run.
        report: Where unusable stored results are reported.
        force: Run even if a cached or frozen result exists.
        use_freeze: Whether a frozen result may stand in for a run.
        spec: The demo's declarations, if already read.
        progress: Where a run is told as it goes: when it starts (``démo NAME :
            exécution…``), then each line the demo prints (``démo NAME › LINE``).

    Returns:
        A ``cache``, ``frozen`` or ``ran`` outcome.

    Raises:
        DemoError: The demo is unknown or badly declared, or a parameter is unknown.
        DemoRunError: The run failed.
    """
    spec = spec or read_spec(project.layout, request.name)
    found = digests(project, spec, request)
    if not force:
        cached = lookup_cache(project.cache_dir, spec.name, found.result, report)
        if cached is not None:
            return Outcome(request=request, status="cache", stored=cached)
        if use_freeze:
            frozen = lookup_freeze(project.freeze_dir, spec.name, found.source, report)
            if frozen is not None:
                return Outcome(request=request, status="frozen", stored=frozen)
    if progress is None:
        return run(project, spec, request, found)
    tell = progress
    tell(f"démo {request.label} : exécution…")
    return run(
        project, spec, request, found, progress=lambda line: tell(f"démo {request.label} › {line}")
    )


def frozen(project: DemoProject, request: RunRequest, *, report: Report) -> Outcome | None:
    """The frozen result of a run's current sources, without ever running it.

    Returns:
        A ``frozen`` outcome, or ``None`` when no frozen result matches (or the demo is
        unknown or badly declared, which a build that runs demos reports).
    """
    try:
        spec = read_spec(project.layout, request.name)
        found = digests(project, spec, request)
    except DemoError:
        return None
    stored = lookup_freeze(project.freeze_dir, spec.name, found.source, report)
    if stored is None:
        return None
    return Outcome(request=request, status="frozen", stored=stored)


def keep_last(
    project: DemoProject, error: DemoRunError, request: RunRequest, report: Report
) -> Outcome | None:
    """The last good result of the same run after ``error``, as a ``stale`` outcome.

    Returns:
        ``None`` when there is no earlier result of this demo with these parameters.
    """
    stored = last_good(project.cache_dir, project.freeze_dir, request, report)
    if stored is None:
        return None
    return Outcome(request=request, status="stale", stored=stored, failure=error.reason)
