"""Helpers for the demo runner's tests: copies of the fixture demos and of the fixture site.

The fixture demos (``tests/fixtures/demos/fixture_demos/``) run in milliseconds; ``tiny``
appends a line to the file named by ``FIXTURE_DEMO_COUNTER`` at each run, which is how
the tests count runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.demo.runner import DemoProject, Machine, project_at

from .sites import FIXTURES

PACKAGE = "fixture_demos"
DEMOS = FIXTURES / "demos" / PACKAGE
SITE = FIXTURES / "demo_site"
COUNTER_VARIABLE = "FIXTURE_DEMO_COUNTER"


def copy_demos(folder: Path) -> Path:
    """Copy the fixture demos package into ``folder``; returns the package's folder."""
    target = folder / PACKAGE
    shutil.copytree(DEMOS, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def make_project(
    root: Path, *, machine: Machine | None = None, timeout_s: int | None = None
) -> DemoProject:
    """A project in ``root`` with the fixture demos copied to ``root/pkgs``."""
    if not (root / "pkgs" / PACKAGE).is_dir():
        copy_demos(root / "pkgs")
    return project_at(
        root,
        package=PACKAGE,
        package_dir="pkgs",
        freeze_dir="frozen",
        timeout_s=timeout_s,
        machine=machine,
    )


def runs(counter: Path) -> list[str]:
    """The runs ``tiny`` recorded in the counter file."""
    if not counter.exists():
        return []
    return counter.read_text(encoding="utf-8").splitlines()


def copy_demo_site(root: Path) -> Path:
    """Copy the fixture site into ``root`` (created), with the fixture demos in ``pkgs/``."""
    shutil.copytree(SITE, root)
    copy_demos(root / "pkgs")
    return root


def demo_lines(logs: list[str]) -> list[str]:
    """The demo runner's log lines that say what each run gave (one per run per build),
    without its progress (see :func:`progress_lines`)."""
    prefix = "demos: "
    return [
        line.removeprefix(prefix)
        for line in logs
        if line.startswith(prefix + "démo ") and not progress_lines([line])
    ]


def progress_lines(logs: list[str]) -> list[str]:
    """The lines telling a run as it goes: its start, then each line the demo prints."""
    prefix = "demos: "
    return [
        line.removeprefix(prefix)
        for line in logs
        if line.startswith(prefix + "démo ") and (line.endswith(" : exécution…") or " › " in line)
    ]
