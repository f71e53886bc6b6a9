"""Shared paths and helpers for the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the project's site sources (mkdocs.yml, docs/, content/) in ``tmp_path``."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", target / "docs")
    shutil.copytree(ROOT / "content", target / "content")
    return target
