"""Shared paths and helpers for the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# Builds of the real site in the tests (in this process or in a subprocess, which inherits
# the environment) never run the real, slow demos: mkdocs.yml reads this variable
# (`enabled: !ENV [INFOLETTRE_DEMOS, true]`). The demo runner's tests use their own sites.
os.environ["INFOLETTRE_DEMOS"] = "false"


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


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's site sources, built once by MkDocs (strict) into ``site/``.

    Shared by the tests that only read the built site; do not modify it.
    """
    # Imported here: most test modules never build a site.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_site(tmp_path_factory.mktemp("built") / "project")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    return root
