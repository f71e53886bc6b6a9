"""Helpers for the demo runner's tests: copies of the fixture demos and of the fixture site.

The fixture demos (``tests/fixtures/demos/fixture_demos/``) run in milliseconds; ``tiny``
appends a line to the file named by ``FIXTURE_DEMO_COUNTER`` at each run, which is how
the tests count runs.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.demo.runner import DemoProject, Machine, project_at

from .conftest import FIXTURES

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


def copy_site(root: Path) -> Path:
    """Copy the fixture site into ``root`` (created), with the fixture demos in ``pkgs/``."""
    shutil.copytree(SITE, root)
    copy_demos(root / "pkgs")
    return root


@contextmanager
def collect_logs() -> Iterator[list[str]]:
    """The messages MkDocs and its plugins log (INFO and above) while the block runs."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def build_site(root: Path) -> tuple[Path, list[str]]:
    """Build the site in ``root`` strictly, as ``mkdocs build --strict`` does.

    Returns:
        The site folder and the log messages of the build.
    """
    site = root / "site"
    with collect_logs() as logs:
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    return site, logs


def demo_lines(logs: list[str]) -> list[str]:
    """The demo runner's log lines (one per demo run per build)."""
    prefix = "demos: "
    return [line.removeprefix(prefix) for line in logs if line.startswith(prefix + "démo ")]
