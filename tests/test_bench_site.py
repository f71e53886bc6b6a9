"""Smoke test of the site benchmark: a tiny size runs every stage and prints it.

The figures themselves are never checked (they depend on the machine); only that each
stage ran, that the edited page came back from ``mkdocs serve``, and that the report
says what the targets are.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from bench.site import FEEDS, SiteBench, Stage, html_pages, paired_ratio, parse_size, report

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
            *("--sizes", "10x1", "15x1", "--serve", "--rounds", "2"),
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
    # Both sizes are prepared, then each round builds every size in turn.
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    order = [line.split("]")[0] for line in progress if "tour 2/2" in line]
    assert order == ["[10 articles, 1 infolettres", "[15 articles, 1 infolettres"], progress
    first_round_done = max(i for i, line in enumerate(progress) if line.endswith("] site témoin…"))
    assert all("tour 2/2" not in line for line in progress[:first_round_done])
    assert re.search(r"croissance 10 → 15 articles : ×\d+\.\d\d", report), report
    for label in ("mkdocs serve", "mkdocs serve --dirty"):
        assert re.search(
            rf"rechargement sous {re.escape(label)} / build complet : \d+ %", report
        ), report


def _bench(items: int, full: list[float], bare: list[float]) -> SiteBench:
    """A size's figures as the bench gathers them (medians of the builds among the stages)."""
    bench = SiteBench(items=items, posts=1, pages=items + 2)
    names = ("lecture du contenu", "étiquetage", "génération des pages")
    bench.stages = [Stage(name=name, seconds=0.1) for name in names]
    bench.full = [Stage(name="", seconds=seconds) for seconds in full]
    bench.bare = [Stage(name="", seconds=seconds) for seconds in bare]
    bench.stages.append(Stage(name="mkdocs build (complet)", seconds=sorted(full)[1]))
    bench.stages.append(Stage(name=f"MkDocs nu ({items} pages)", seconds=sorted(bare)[1]))
    return bench


def test_ratios_pair_the_builds_of_one_round() -> None:
    # A slow phase of the machine over the second and third full builds and the third bare
    # one (figures of a real run): the medians' ratio is 1.53, each round's 1.15, 1.53, 1.15.
    full, bare = [25.60, 35.41, 35.53], [22.23, 23.10, 30.79]
    assert paired_ratio(full, bare) == pytest.approx(35.53 / 30.79)
    assert statistics.median(full) / statistics.median(bare) == pytest.approx(1.533, abs=1e-3)
    text = report([_bench(1000, [10.13, 11.04, 10.64], [7.5, 7.7, 7.8]), _bench(3000, full, bare)])
    ratios = re.findall(r"ratio build complet / MkDocs nu : (\d\.\d\d)", text)
    assert ratios == [f"{paired_ratio([10.13, 11.04, 10.64], [7.5, 7.7, 7.8]):.2f}", "1.15"]
    assert "tours : 1.15, 1.53, 1.15 ; rapport des médianes : 1.53" in text
    # The growth pairs the rounds too: 25.60 / 10.13, 35.41 / 11.04, 35.53 / 10.64.
    growth = statistics.median([25.60 / 10.13, 35.41 / 11.04, 35.53 / 10.64])
    assert f"croissance 1000 → 3000 articles : ×{growth:.2f}" in text


@pytest.mark.parametrize(("full", "bare"), [([], []), ([1.0], [1.0, 2.0])])
def test_paired_ratios_need_as_many_rounds_on_each_side(
    full: list[float], bare: list[float]
) -> None:
    with pytest.raises(ValueError, match="autant de tours"):
        paired_ratio(full, bare)


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
