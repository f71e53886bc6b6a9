"""The demo runner on the fixture demos: cache hits and misses, failures, time limit,
corrupt cache, keep_last and frozen results. Each run takes a fraction of a second."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.demo.directive import RunRequest, parse_params
from generator.demo.errors import DemoError, DemoRunError
from generator.demo.results import MANIFEST_FILE, parse_manifest
from generator.demo.runner import (
    PROGRESS_CHARS,
    DemoProject,
    Machine,
    keep_last,
    obtain,
    progress_line,
)
from generator.demo.store import freeze

from .demo_helpers import PACKAGE, make_project, runs

TINY = RunRequest(name="tiny")


@pytest.fixture
def project(tmp_path: Path) -> DemoProject:
    return make_project(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _obtain(project: DemoProject, request: RunRequest = TINY, **kwargs: object) -> str:
    messages: list[str] = []
    outcome = obtain(project, request, report=messages.append, **kwargs)  # type: ignore[arg-type]
    assert not messages, messages
    return outcome.status


def test_second_lookup_is_a_cache_hit(project: DemoProject, counter: Path) -> None:
    first = obtain(project, TINY, report=print)
    assert first.status == "ran" and first.seconds is not None
    second = obtain(project, TINY, report=print)
    assert second.status == "cache" and second.seconds is None
    assert len(runs(counter)) == 1
    assert second.stored.folder == first.stored.folder
    assert second.stored.result.metrics["area"] == 4.0
    assert second.stored.result.provenance.params == {"seed": 0, "side": 2, "label": "carré"}
    # The result went to <cache>/<demo>/<digest key>/ with its manifest; nothing else is left.
    entries = sorted(p.name for p in (project.cache_dir / "tiny").iterdir())
    assert entries == [first.stored.manifest.digest[:16]]
    manifest = parse_manifest((first.stored.folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert set(manifest.files) == {"figures.json", "metrics.json", "square.svg", "tables.json"}


@pytest.mark.parametrize(
    ("where", "old", "new"),
    [
        ("tiny/__main__.py", 'print("tiny : calcul', 'print("tiny : nouveau calcul'),
        ("tiny/helper.py", "return float(side) ** 2", "return float(side) * float(side)"),
        # A module outside the demo's folder that it imports.
        ("_shared.py", 'stroke="black"', 'stroke="blue"'),
        # A DATA checksum (the demo verifies its data files against them).
        ("tiny/__init__.py", "DATA: dict[str, str] = {}", 'DATA: dict[str, str] = {"a": "0" * 64}'),
    ],
)
def test_cache_miss_when_code_local_module_or_data_changes(
    project: DemoProject, counter: Path, where: str, old: str, new: str
) -> None:
    assert _obtain(project) == "ran"
    _edit(project.layout.package_dir / where, old, new)
    assert _obtain(project) == "ran"
    assert _obtain(project) == "cache"
    assert len(runs(counter)) == 2


def test_an_unrelated_module_changes_nothing(project: DemoProject, counter: Path) -> None:
    assert _obtain(project) == "ran"
    _edit(project.layout.package_dir / "unrelated.py", "VALUE = 1", "VALUE = 2")
    (project.layout.package_dir / "broken" / "__main__.py").write_text("# autre démo\n", "utf-8")
    assert _obtain(project) == "cache"
    assert len(runs(counter)) == 1


def test_params_and_quick_are_separate_runs(project: DemoProject, counter: Path) -> None:
    side3 = RunRequest(name="tiny", overrides=parse_params("side=3"))
    quick = RunRequest(name="tiny", quick=True)
    assert [_obtain(project, r) for r in (TINY, side3, quick)] == ["ran", "ran", "ran"]
    assert [_obtain(project, r) for r in (TINY, side3, quick)] == ["cache", "cache", "cache"]
    assert runs(counter) == [
        "tiny side=2 quick=False",
        "tiny side=3 quick=False",
        "tiny side=2 quick=True",
    ]
    # Giving a default's own value is the same computation: the same cached result.
    assert _obtain(project, RunRequest(name="tiny", overrides=parse_params("side=2"))) == "cache"


def test_other_versions_or_device_miss_the_cache(project: DemoProject, counter: Path) -> None:
    assert _obtain(project) == "ran"
    here = project.machine
    other_numpy = Machine(versions={**here.versions, "numpy": "0.0.1"}, device=here.device)
    other_device = Machine(versions=here.versions, device="CPU autre (64 cœurs)")
    for machine in (other_numpy, other_device):
        moved = make_project(project.layout.roots[PACKAGE].parent, machine=machine)
        assert _obtain(moved) == "ran"
    assert len(runs(counter)) == 3


def test_unknown_parameter_or_demo(project: DemoProject) -> None:
    with pytest.raises(DemoError, match=r"paramètre inconnu « nope » \(paramètres : label, seed"):
        obtain(project, RunRequest(name="tiny", overrides=parse_params("nope=1")), report=print)
    with pytest.raises(DemoError, match="démo inconnue"):
        obtain(project, RunRequest(name="absente"), report=print)


def test_failure_names_the_demo_and_quotes_the_tail_of_its_output(project: DemoProject) -> None:
    with pytest.raises(DemoRunError) as caught:
        obtain(project, RunRequest(name="broken"), report=print)
    error = caught.value
    message = str(error)
    assert message.startswith("démo « broken » : échec (code de sortie 3)")
    assert "ValueError: le calcul a divergé" in error.output_tail
    assert "\x1b" not in message  # terminal colour codes removed
    assert "ligne 60" in error.output_tail and "ligne 22" in error.output_tail
    assert "ligne 21" not in error.output_tail  # only the last 40 lines
    # Nothing half-written is left in the cache.
    assert list((project.cache_dir / "broken").iterdir()) == []


def test_a_hanging_demo_is_killed_at_its_time_limit(
    project: DemoProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child_file = tmp_path / "child.pid"
    monkeypatch.setenv("FIXTURE_DEMO_CHILD", str(child_file))
    started = time.monotonic()
    with pytest.raises(DemoRunError, match=r"démo « sleepy » : arrêtée après 1 s : délai dépassé"):
        obtain(project, RunRequest(name="sleepy"), report=print)  # TIMEOUT_S = 1
    assert time.monotonic() - started < 10
    # The process the demo started was killed with it (its whole process group).
    child = int(child_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{child}/stat").read_text(encoding="utf-8").split()[2]
        except FileNotFoundError:
            break
        if state == "Z":  # dead, waiting for its new parent to reap it
            break
        time.sleep(0.05)
    else:
        os.kill(child, 9)
        pytest.fail("the demo's child process survived its time limit")
    assert list((project.cache_dir / "sleepy").iterdir()) == []


def test_timeout_option_overrides_timeout_s(tmp_path: Path, project: DemoProject) -> None:
    quick_limit = make_project(project.layout.roots[PACKAGE].parent, timeout_s=1)
    assert quick_limit.timeout_s == 1
    # tiny declares 30 s; it finishes well within 1 s anyway.
    assert _obtain(quick_limit) == "ran"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("metrics", "sortie non conforme : metrics.json absent de la sortie"),
        ("figure", "sortie non conforme : figures.json, figure 1 : fichier « absent.png » absent"),
    ],
)
def test_output_that_breaks_the_contract_is_a_failure(
    project: DemoProject, missing: str, message: str
) -> None:
    request = RunRequest(name="incomplete", overrides=parse_params(f"missing={missing}"))
    with pytest.raises(DemoRunError, match=message):
        obtain(project, request, report=print)
    assert list((project.cache_dir / "incomplete").iterdir()) == []


def test_corrupt_manifest_is_reported_and_rebuilt(project: DemoProject, counter: Path) -> None:
    first = obtain(project, TINY, report=print)
    manifest = first.stored.folder / MANIFEST_FILE
    manifest.write_text('{"format": 1, "demo": ', encoding="utf-8")
    messages: list[str] = []
    again = obtain(project, TINY, report=messages.append)
    assert again.status == "ran"
    assert len(messages) == 1
    assert "résultat en cache inutilisable" in messages[0]
    assert "manifest.json n'est pas du JSON valide" in messages[0]
    assert (
        parse_manifest(manifest.read_text(encoding="utf-8")).digest == first.stored.manifest.digest
    )
    # A figure removed behind the cache's back: also recomputed.
    (first.stored.folder / "square.svg").unlink()
    messages.clear()
    assert obtain(project, TINY, report=messages.append).status == "ran"
    assert "fichier « square.svg » du manifeste absent" in messages[0]
    assert len(runs(counter)) == 3


def test_keep_last_returns_the_previous_good_result(project: DemoProject) -> None:
    good = obtain(project, TINY, report=print)
    _edit(
        project.layout.package_dir / "tiny" / "__main__.py",
        "    started = time.perf_counter()\n",
        '    raise SystemExit("boum : calcul impossible")\n',
    )
    with pytest.raises(DemoRunError) as caught:
        obtain(project, TINY, report=print)
    assert "boum : calcul impossible" in caught.value.output_tail
    kept = keep_last(project, caught.value, TINY, print)
    assert kept is not None
    assert kept.status == "stale"
    assert kept.stored.folder == good.stored.folder
    assert kept.failure is not None and "code de sortie 1" in kept.failure
    # No earlier result of another run is taken for this one.
    assert keep_last(project, caught.value, RunRequest(name="tiny", quick=True), print) is None


def test_frozen_result_stands_in_when_the_cache_is_empty(
    project: DemoProject, counter: Path
) -> None:
    ran = obtain(project, TINY, report=print)
    folder, removed = freeze(ran.stored, project.freeze_dir, now=ran.stored.manifest.ran_at)
    assert removed == []
    assert folder == project.freeze_dir / "tiny" / ran.stored.manifest.source_digest[:16]
    frozen_manifest = parse_manifest((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert frozen_manifest.frozen_at is not None
    # Another machine, with an empty cache: the frozen result is used, nothing runs.
    elsewhere = make_project(
        project.layout.roots[PACKAGE].parent,
        machine=Machine(versions={"python": "3.13.0"}, device="GPU NVIDIA H100"),
    )
    shutil.rmtree(project.cache_dir)
    outcome = obtain(elsewhere, TINY, report=print)
    assert outcome.status == "frozen"
    assert outcome.stored.frozen and outcome.stored.folder == folder
    assert outcome.stored.manifest.device == project.machine.device  # where it was measured
    assert len(runs(counter)) == 1
    # Frozen results may be turned off; and changed sources do not match a freeze.
    assert obtain(elsewhere, TINY, report=print, use_freeze=False).status == "ran"
    _edit(elsewhere.layout.package_dir / "tiny" / "helper.py", "** 2", "** 2.0")
    assert obtain(project, TINY, report=print).status == "ran"
    assert len(runs(counter)) == 3


def test_freezing_again_replaces_the_older_freeze_of_the_same_run(project: DemoProject) -> None:
    first = obtain(project, TINY, report=print)
    first_folder, _ = freeze(first.stored, project.freeze_dir, now=first.stored.manifest.ran_at)
    side3 = obtain(project, RunRequest(name="tiny", overrides=parse_params("side=3")), report=print)
    freeze(side3.stored, project.freeze_dir, now=side3.stored.manifest.ran_at)
    _edit(project.layout.package_dir / "tiny" / "helper.py", "** 2", "** 2.0")
    second = obtain(project, TINY, report=print)
    folder, removed = freeze(second.stored, project.freeze_dir, now=second.stored.manifest.ran_at)
    assert removed == [first_folder]
    assert sorted(p.name for p in (project.freeze_dir / "tiny").iterdir()) == sorted(
        [folder.name, side3.stored.manifest.source_digest[:16]]
    )


def test_a_run_is_told_as_it_goes(project: DemoProject, counter: Path) -> None:
    told: list[str] = []
    problems: list[str] = []
    outcome = obtain(project, TINY, report=problems.append, progress=told.append)
    assert outcome.status == "ran" and problems == []
    assert told == ["démo tiny : exécution…", "démo tiny › tiny : calcul de l'aire"]
    # A cached result is not a run: nothing to tell as it goes.
    told.clear()
    assert obtain(project, TINY, report=problems.append, progress=told.append).status == "cache"
    assert told == []
    assert len(runs(counter)) == 1


def test_a_failed_run_is_told_line_by_line_before_its_error(project: DemoProject) -> None:
    told: list[str] = []
    with pytest.raises(DemoRunError) as caught:
        obtain(project, RunRequest(name="broken"), report=print, progress=told.append)
    assert told[:3] == [
        "démo broken : exécution…",
        "démo broken › ligne 01",
        "démo broken › ligne 02",
    ]
    assert told[-1] == "démo broken › ValueError: le calcul a divergé"
    assert "ValueError: le calcul a divergé" in caught.value.output_tail


def test_progress_line_keeps_what_a_carriage_return_leaves_visible() -> None:
    assert progress_line(b"MNIST : 10 %\rMNIST : 20 %\r\n") == "MNIST : 20 %"
    assert progress_line(b"\x1b[1m\xc3\xa9poque 3/10\x1b[0m\n") == "époque 3/10"
    assert progress_line(b"   \n") == ""
    assert progress_line(b"\xff\xfe bytes\n") == "\ufffd\ufffd bytes"


@given(st.binary(max_size=600))
def test_progress_line_is_one_short_printable_line(raw: bytes) -> None:
    line = progress_line(raw)
    assert len(line) <= PROGRESS_CHARS
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in line)
    assert line == line.strip()
