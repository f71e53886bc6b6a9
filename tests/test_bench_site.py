"""Smoke test of the site benchmark: a tiny size runs every stage and prints it.

The figures themselves are never checked (they depend on the machine); only that each
stage ran, that the edited page came back from ``mkdocs serve``, and that the report
says what the targets are.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.site import FEEDS, html_pages, parse_size

from .conftest import ROOT

STAGES = (
    "ingestion (instantanés)",
    "lecture du contenu",
    "étiquetage",
    "génération des pages",
    "mkdocs build (complet)",
    "mkdocs build (rien de changé)",
    "mkdocs build (une infolettre modifiée)",
    "MkDocs nu (",
    "mkdocs serve : première page",
    "mkdocs serve : rechargement",
    "mkdocs serve --dirty : première page",
    "mkdocs serve --dirty : rechargement",
)


@pytest.mark.slow
def test_a_tiny_benchmark_prints_every_stage() -> None:
    result = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "bench"),
            *("--items", "10", "--posts", "1", "--serve", "--rounds", "2"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = result.stdout
    assert "10 articles, 1 infolettres" in report
    for stage in STAGES:
        line = next((line for line in report.splitlines() if stage in line), None)
        assert line is not None, f"étape absente : {stage}\n{report}"
        assert re.search(r"\d+\.\d\d s", line), line
    assert re.search(r"pic \d+ Mio", report)
    # The bare site has as many HTML pages as the built one (images are not pages).
    pages = re.search(r"10 articles, 1 infolettres \((\d+) pages\)", report)
    bare = re.search(r"MkDocs nu \((\d+) pages\)", report)
    assert pages and bare and pages[1] == bare[1], report
    assert "ratio build complet / MkDocs nu" in report
    # Two runs each of the full and bare builds and of the generator's stages, their
    # medians reported.
    for stage in ("mkdocs build (complet)", "MkDocs nu", "lecture du contenu", "étiquetage"):
        line = next(line for line in report.splitlines() if stage in line)
        assert re.search(r"tours : \d+\.\d\d, \d+\.\d\d\)", line), line
    assert "étapes du générateur" in report
    for label in ("mkdocs serve", "mkdocs serve --dirty"):
        assert re.search(
            rf"rechargement sous {re.escape(label)} / build complet : \d+ %", report
        ), report


@pytest.mark.parametrize("text", ["1000", "1000x", "x50", "3x1", "ax2", "1000x-5"])
def test_sizes_are_checked(text: str) -> None:
    with pytest.raises(ValueError, match="taille invalide"):
        parse_size(text)


def test_size_parsing() -> None:
    assert parse_size("3000x200") == (3000, 200)
    assert parse_size(f"{FEEDS}x0") == (FEEDS, 0)


def test_only_html_files_count_as_pages(tmp_path: Path) -> None:
    for name in ("index.html", "a/index.html", "a/b/index.html", "a/image.png", "feed_rss.xml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert html_pages(tmp_path) == 3


def test_the_plugin_costs_tool_turns_off_each_plugin_of_the_real_configuration() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "plugin_costs", ROOT / "tools" / "plugin_costs.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert tool.variant(text, "all") == text
    for setting in tool.SETTINGS[1:]:
        changed = tool.variant(text, setting)
        if setting == "no-feeds":
            assert "      feeds: false\n" in changed
        else:
            assert len(changed) < len(text)
    assert (
        "mkdocstrings"
        not in tool.variant(text, "no-mkdocstrings").split("# The code reference")[-1]
    )
    with pytest.raises(ValueError, match="introuvable"):
        tool.variant("plugins:\n  - search\n", "no-tags")
