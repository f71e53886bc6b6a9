"""A demo's figures in the browser: an infolettre names a demo, the build runs it.

A copy of the project with demos on, where infolettre #13 holds the only ``demo``
directives, for the quick run of ``gpu_matmul`` (a few seconds on the CPU): the build runs
it, and the issue's page, served with the site's ``_headers`` (its Content-Security-
Policy), must show every image, the demo's figures included, with no console error.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.demo.directive import find_directives
from generator.demo.render import replace_directives

from .browser import broken_images, chromium, serving, visiting
from .conftest import ROOT, build_site, copy_site

DEMO = "gpu_matmul"
# Two directives sharing one run: its figures, then its table of timings.
DIRECTIVES = (
    f'{{{{< demo name="{DEMO}" figures="temps,gflops" quick="true" >}}}}\n\n'
    f'{{{{< demo name="{DEMO}" tables="timings" quick="true" >}}}}'
)
ISSUE = "infolettre/infolettre_13/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    project = copy_site(tmp_path_factory.mktemp("browser-demo") / "project")
    # The demos package, without frozen results: the build must run the demo.
    shutil.copytree(
        ROOT / "demos", project / "demos", ignore=shutil.ignore_patterns("__pycache__", "_freeze")
    )
    post = project / "content" / ISSUE / "index.md"
    # Only this test's quick run: the directives of other pages (full runs, minutes long)
    # are taken out of the copy.
    for page in (project / "content").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        found = find_directives(text, page=str(page))
        if found:
            page.write_text(replace_directives(text, found, lambda _: ""), encoding="utf-8")
    text = post.read_text(encoding="utf-8")
    post.write_text(f"{text.rstrip()}\n\n## Démonstration\n\n{DIRECTIVES}\n", encoding="utf-8")
    with serving(project / "site") as url, pytest.MonkeyPatch.context() as env:
        # conftest.py turns the demos off for every build; this one needs them.
        env.setenv("INFOLETTRE_DEMOS", "true")
        build_site(project, site_url=url)
        env.undo()
        yield project, url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_a_demo_figure_loads_in_the_page(browser: Browser, built: tuple[Path, str]) -> None:
    project, url = built
    # What the run wrote: the figures the page must show (demo contract: figures.json).
    listings = list((project / ".cache" / "demos").rglob("figures.json"))
    assert len(listings) == 1, listings
    figures = json.loads(listings[0].read_text(encoding="utf-8"))
    assert [f["id"] for f in figures] == ["temps", "gflops"]

    with visiting(browser, url) as visit:
        visit.open(ISSUE)
        demo = visit.page.locator("figure.demo-figure img")
        assert demo.count() == len(figures)
        assert broken_images(visit.page) == []
        widths = demo.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")
        assert all(width > 0 for width in widths), widths
        sources = demo.evaluate_all("imgs => imgs.map(img => img.getAttribute('src'))")
        assert [src.rsplit("/", 1)[-1] for src in sources] == [f["file"] for f in figures]
        captions = visit.page.locator("figure.demo-figure figcaption").all_inner_texts()
        for figure, caption in zip(figures, captions, strict=True):
            assert figure["caption"] in caption
        demo.first.scroll_into_view_if_needed()
        visit.assert_clean("demo-figure")
