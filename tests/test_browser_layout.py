"""What a reader sees on a phone and on a desktop: no page wider than the window, and a
search that finds the infolettres (not the code reference).

The project is copied and built once for the module (demos off) and served on localhost;
one Chromium opens every page of the built site at each width. Screenshots go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.content.loader import load_content
from generator.themes import catalog

from .browser import Visit, chromium, screenshot, search, serving, visiting
from .conftest import ROOT, build_site, copy_site

WIDTHS = (390, 1280)
"""A phone's window and a desktop's, in CSS pixels."""

REFERENCE = "reference/"
"""Where the code reference is published, relative to the site root."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The project's site, built for the address it is served at: (folder, URL)."""
    project = copy_site(tmp_path_factory.mktemp("layout") / "project")
    with serving(project / "site") as url:
        build_site(project, site_url=url)
        yield project / "site", url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _pages(site: Path) -> list[str]:
    """The address of every HTML page of the built site, relative to its root."""
    paths = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths


def _at_width(browser: Browser, base: str, width: int) -> Iterator[Visit]:
    with visiting(browser, base) as visit:
        visit.page.set_viewport_size({"width": width, "height": 900})
        yield visit


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_window(
    browser: Browser, built: tuple[Path, str], width: int
) -> None:
    site, base = built
    pages = _pages(site)
    # The case carries its proof: the course page holds a line of text far wider than
    # any window, which scrolled the page sideways before.
    course = (site / "connaissances" / "cours-chatbots" / "index.html").read_text("utf-8")
    assert "connaissances/cours-chatbots/" in pages and "<pre>" in course
    too_wide = []
    for visit in _at_width(browser, base, width):
        for page in pages:
            visit.open(page)
            scroll, window = visit.page.evaluate(
                "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
            )
            assert window == width
            if scroll > window:
                too_wide.append(f"{page or '/'} : {scroll} px")
        visit.open("connaissances/cours-chatbots/")
        # The widest line of the course, wrapped now, then the footer and its French credit.
        visit.page.locator("article pre:not(:has(code))").first.scroll_into_view_if_needed()
        visit.page.wait_for_timeout(300)  # the header's title changes when scrolled
        screenshot(visit.page, f"largeur-{width}-cours-chatbots")
        footer = visit.page.locator(".md-copyright")
        assert " ".join(footer.inner_text().split()) == "Site construit avec Material for MkDocs"
        footer.scroll_into_view_if_needed()
        visit.page.wait_for_timeout(300)
        screenshot(visit.page, f"largeur-{width}-pied-de-page")
    assert too_wide == [], f"pages plus larges que la fenêtre de {width} px : {too_wide}"


def _infolettres() -> list[tuple[str, str]]:
    """(title, address) of each infolettre the site publishes."""
    content = load_content(ROOT / "content")
    posts = catalog.visible_posts(content, now=datetime.now(UTC))
    content = replace(content, posts=posts)
    return [(post.title, f"infolettre/{post.slug}/") for post in content.posts]


def test_the_search_index_holds_no_code_reference_and_no_page_sized_entry(
    built: tuple[Path, str],
) -> None:
    site, _ = built
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert (site / REFERENCE / "index.html").is_file()  # published, not searched
    assert [loc for loc in locations if loc.startswith(REFERENCE)] == []
    # The archived articles have no headings: several entries each, none of the whole text.
    article = "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/"
    assert sum(loc.split("#")[0] == article for loc in locations) > 3
    assert max(len(doc["text"]) for doc in index["docs"]) < 3000


@pytest.mark.parametrize("width", WIDTHS)
def test_searching_an_infolettre_title_finds_it_first(
    browser: Browser, built: tuple[Path, str], width: int
) -> None:
    _, base = built
    infolettres = _infolettres()
    assert infolettres
    for visit in _at_width(browser, base, width):
        for title, address in infolettres:
            visit.open("")
            found = search(visit.page, title)
            expected = urllib.parse.urlsplit(urllib.parse.urljoin(base, address)).path
            assert found and found[0] == expected, found
            assert [path for path in found if REFERENCE in path] == []
        screenshot(visit.page, f"largeur-{width}-recherche-infolettre")
