"""The built site in headless Chromium, served on localhost the way Netlify serves it.

The project is copied and built once for the module (demos off), for the address it is
served at. Each test opens pages as a reader does, fails on any console error, uncaught
exception or failed load, and saves a screenshot under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from generator.content.loader import load_content
from generator.models import Content
from generator.themes import catalog

from .browser import Visit, broken_images, chromium, screenshot, search, serving, visiting
from .conftest import build_site, copy_site


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = copy_site(tmp_path_factory.mktemp("browser") / "project")
    with serving(project / "site") as url:
        build_site(project, site_url=url)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def visit(browser: Browser, site_url: str) -> Iterator[Visit]:
    with visiting(browser, site_url) as opened:
        yield opened


@functools.cache
def _published() -> tuple[Content, list[catalog.Entry], catalog.TagIndex]:
    """The content as the site publishes it (drafts and future posts left out)."""
    content = load_content(Path(__file__).resolve().parents[1] / "content")
    content = replace(content, posts=catalog.visible_posts(content, now=datetime.now(UTC)))
    entries = catalog.build_entries(content)
    return content, entries, catalog.tag_entries(content, entries)


def test_home_page_shows_the_latest_issue(visit: Visit) -> None:
    content, _, _ = _published()
    latest = content.posts[0]  # visible_posts: newest first
    visit.open("")
    link = visit.page.locator("h2#derniere-infolettre + h3 a").first
    assert link.inner_text().strip() == latest.title
    visit.page.get_by_role("link", name="Lire l'infolettre").click()
    visit.page.wait_for_load_state("load")
    assert visit.path().endswith(f"/infolettre/{latest.slug}/")
    assert visit.heading() == latest.title
    visit.assert_clean("accueil-derniere-infolettre")


OPEN_SOURCE_AI = "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/"


@pytest.mark.parametrize(
    ("query", "page", "in_body"),
    [
        ("modele", OPEN_SOURCE_AI, "modèles"),  # typed without accents
        ("écosystème", OPEN_SOURCE_AI, "l’écosystème"),  # only elided in the text
        ("ecosysteme", OPEN_SOURCE_AI, "l’écosystème"),  # both
    ],
)
def test_search_in_french_finds_an_article_by_a_word_of_its_body(
    visit: Visit, query: str, page: str, in_body: str
) -> None:
    visit.open(page)
    # The case carries its proof: the word is in the article's text, not in its title,
    # and an elided word appears only elided.
    word = in_body.split("’")[-1]
    title = visit.heading()
    body = visit.page.locator("article").first.inner_text()
    assert in_body in body and word not in title
    if "’" in in_body:
        assert body.count(word) == body.count(in_body)
    visit.open("")
    found = search(visit.page, query)
    assert urllib.parse.urlsplit(urllib.parse.urljoin(visit.base, page)).path in found, found
    accents = "" if query.isascii() else "-accents"
    visit.assert_clean(f"recherche-{query}{accents}")


def test_a_tag_page_lists_its_items(visit: Visit) -> None:
    content, entries, index = _published()
    tag = "open-source-ai"
    expected = [entry.title for entry in index.entries_with(tag, entries)]
    label = content.taxonomy.get(tag)
    assert expected and label is not None
    visit.open(f"themes/{tag}/")
    assert visit.heading() == label.label
    links = visit.page.locator("article table tbody td a")
    assert [text.strip() for text in links.all_inner_texts()] == expected
    screenshot(visit.page, f"theme-{tag}")
    links.first.click()
    visit.page.wait_for_load_state("load")
    assert visit.heading() == expected[0]
    # Console errors of tag pages: test_pages_load_without_errors_and_every_image_shows.


# A known defect, tolerated alone (any other problem on the page fails the test): Material
# fetches sitemap.xml beside the address of every <link rel="alternate"> (its language
# switcher), and the tag pages link their tag's feeds there.
@pytest.mark.parametrize(
    "page",
    [
        "",
        "infolettre/infolettre_13/",
        "veille/framablog/2024-01-15-des-ateliers-solarpunk-pour-imaginer-un-avenir-low-tech/",
        "connaissances/cours-chatbots/",
        "themes/",
        "themes/open-source-ai/",
        "abonnement/",
        "guide/infolettre/",
        "reference/themes/",
    ],
)
def test_pages_load_without_errors_and_every_image_shows(visit: Visit, page: str) -> None:
    visit.open(page)
    assert broken_images(visit.page) == []
    name = f"page-{page.strip('/').replace('/', '-') or 'accueil'}"
    visit.settle()
    visit.assert_clean(name)


def test_a_missing_page_gets_the_404_page_styled_at_any_depth(visit: Visit) -> None:
    missing = urllib.parse.urljoin(visit.base, "pas/une/page/")
    response = visit.page.goto(missing)
    assert response is not None and response.status == 404
    assert visit.heading() == "Page introuvable"
    # Styled: the theme's stylesheet loaded from the site root, not from /pas/une/page/.
    header = visit.page.locator("header.md-header")
    assert header.evaluate("el => getComputedStyle(el).position") in ("sticky", "fixed")
    screenshot(visit.page, "page-404")
    # Chromium reports the page's own 404; nothing else may fail.
    expected = {
        f"HTTP 404 : {missing}",
        f"console : Failed to load resource: the server responded with a status of 404 "
        f"(Not Found) ({missing})",
    }
    assert [p for p in visit.problems.all() if p not in expected] == []
