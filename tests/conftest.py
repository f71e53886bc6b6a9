"""Shared paths and helpers for the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def copy_site(target: Path) -> Path:
    """Copy the project's site sources (mkdocs.yml, docs/, content/) into ``target``."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", target / "docs")
    shutil.copytree(ROOT / "content", target / "content")
    return target


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m generator ARGS`` as a user does, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the project's site sources in ``tmp_path``."""
    return copy_site(tmp_path / "project")
