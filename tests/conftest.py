"""Shared paths, helpers and built sites for the tests.

Sites are copied and built by :mod:`tests.sites` (re-exported here); the sites that
several modules only read are built once per session by the fixtures below.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .sites import (
    FIXTURES,
    ROOT,
    build_config,
    build_logged,
    build_site,
    collect_logs,
    copy_site,
    copy_small_site,
    run_mkdocs,
    site_config,
    small_config,
)

__all__ = [
    "FIXTURES",
    "ROOT",
    "build_config",
    "build_logged",
    "build_site",
    "collect_logs",
    "copy_site",
    "copy_small_site",
    "run_cli",
    "run_mkdocs",
    "site_config",
    "small_config",
]

# Builds of the real site in the tests (in this process or in a subprocess, which inherits
# the environment) never run the real, slow demos: mkdocs.yml reads this variable
# (`enabled: !ENV [INFOLETTRE_DEMOS, true]`). The demo runner's tests use their own sites.
os.environ["INFOLETTRE_DEMOS"] = "false"


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
    """A copy of the project's site sources in ``tmp_path``, for a test that changes it."""
    return copy_site(tmp_path / "project")


@pytest.fixture
def small_site_copy(tmp_path: Path) -> Path:
    """A copy of the small site (:func:`copy_small_site`) in ``tmp_path``, for a test that
    changes it."""
    return copy_small_site(tmp_path / "project")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's site sources, built once (strict) into ``site/``.

    Shared by the tests that only read the built site; do not modify it.
    """
    root = copy_site(tmp_path_factory.mktemp("built") / "project")
    build_site(root)
    return root


@pytest.fixture(scope="session")
def built_small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the small site (:func:`copy_small_site`), built once (strict) into ``site/``.

    Shared by the tests that only read the built site; do not modify it.
    """
    root = copy_small_site(tmp_path_factory.mktemp("built-small") / "project")
    build_site(root)
    return root


@pytest.fixture(autouse=True)
def _fresh_memos() -> None:
    """Each test starts without what an earlier test left in the generator's in-process
    memos (kept from one `mkdocs serve` rebuild to the next): a test that replaces a
    function sees it called."""
    from generator.pages import build, search_accents

    build._conversions.clear()
    build._item_texts.cache_clear()
    search_accents._folded_words.cache_clear()


@pytest.fixture
def counter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file where the fixture demos note each of their runs (one line a run)."""
    from .demo_helpers import COUNTER_VARIABLE

    path = tmp_path / "runs.txt"
    monkeypatch.setenv(COUNTER_VARIABLE, str(path))
    return path


MISSING_TAG_PAGE = "themes/nulle/index.md"


def link_items_to_a_missing_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every item page also link to a tag page the generator does not make
    (:data:`MISSING_TAG_PAGE`); the item pages kept in memory are made again."""
    from generator.pages import build as pages_build

    original = pages_build._tag_links

    def with_a_missing_tag(*args: Any) -> list[dict[str, str]]:
        found: list[dict[str, str]] = original(*args)
        page, link = args[1], args[3]
        return [*found, {"label": "?", "href": link(page, MISSING_TAG_PAGE)}]

    monkeypatch.setattr(pages_build, "_tag_links", with_a_missing_tag)
    pages_build._item_texts.cache_clear()
