"""End to end: the real content/ built by MkDocs with Material, strictly, into tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from .conftest import build_site

ITEM_SLUGS = [
    "2022-08-18-les-conseils-de-ray-bradbury-a-qui-veut-ecrire-open-culture",
    "2023-04-17-publier-le-code-source-ne-suffit-pas",
    "2023-06-20-berlin-mars-2023-journal-de-bord-de-la-premiere-visite-d",
    "2023-06-27-berlin-march-2023-diary-of-the-first-echo-network-study",
    "2023-07-31-que-veut-dire-libre-ou-open-source-pour-un-grand-modele-de",
    "2024-01-15-des-ateliers-solarpunk-pour-imaginer-un-avenir-low-tech",
    "2024-10-31-l-ia-open-source-existe-t-elle-vraiment",
]


@pytest.fixture(scope="module")
def built_site(built_project: Path) -> Path:
    """The project's site, built once for the session (read only)."""
    return built_project / "site"


def _html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def test_infolettre_13_is_published_with_its_callout_and_images(built_site: Path) -> None:
    html = _html(built_site, "infolettre/infolettre_13")
    assert "Infolettre Avril 2023, première quinzaine (#13)" in html
    assert re.search(r'class="admonition note"[^>]*>\s*<p class="admonition-title">', html)
    assert "framaforms.org/integration-reseau-des-data-scientists" in html
    for image in ("featured.jpg", "treso.webp"):
        assert f'src="{image}"' in html
        assert (built_site / "infolettre" / "infolettre_13" / image).is_file()


def test_no_shortcode_delimiter_reaches_any_page(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        if page.relative_to(built_site).parts[0] in ("guide", "reference"):
            continue  # the documentation shows the syntax on purpose
        text = page.read_text(encoding="utf-8")
        for delimiter in ("{{%", "{{<", "%}}", ">}}"):
            assert delimiter not in text, f"{delimiter} in {page}"


def test_one_page_per_distinct_framablog_article(built_site: Path) -> None:
    pages = sorted(p.name for p in (built_site / "veille" / "framablog").iterdir() if p.is_dir())
    assert pages == ITEM_SLUGS
    html = _html(built_site, f"veille/framablog/{ITEM_SLUGS[-1]}")
    assert "L’IA Open Source existe-t-elle vraiment" in html
    assert "Par Framalang" in html
    assert 'href="https://framablog.org/2024/10/31/lia-open-source-existe-t-elle-vraiment/"' in html
    assert "CC BY-SA 4.0" in html


def test_feed_items_stay_out_of_the_navigation(built_site: Path) -> None:
    html = _html(built_site, "connaissances/cours-chatbots")
    assert "veille/framablog/" not in html.replace('href="../../veille/"', "")


def test_knowledge_base_pages(built_site: Path) -> None:
    course = _html(built_site, "connaissances/cours-chatbots")
    assert "Technologies et perspectives sur les chatbots" in course
    assert "np.dot" in course
    letter = _html(built_site, "connaissances/lettre-ia-transformers-autogpt")
    assert "Segment Anything" in letter
    index = _html(built_site, "connaissances")
    assert "cours-chatbots/" in index and "lettre-ia-transformers-autogpt/" in index


@pytest.mark.parametrize(
    ("tag", "label", "present", "absent"),
    [
        (
            "open-source-ai",
            "IA open source",
            ["L’IA Open Source existe-t-elle vraiment", "Que veut dire"],
            ["Ray Bradbury", "Publier le code source"],
        ),
        (
            "llm-news",
            "Actualité des LLM",
            ["Lettre IA : Transformers", "Infolettre Avril 2023"],
            ["Ray Bradbury", "solarpunk"],
        ),
        (
            "events",
            "Événements",
            ["Des ateliers solarpunk"],
            # An infolettre announces the network's events among its news: a newsletter,
            # not an event (the labelling guide, tests/fixtures/tagging/corpus/GUIDE.md).
            [
                "Publier le code source",
                "L’IA Open Source existe-t-elle vraiment",
                "Infolettre Avril",
                # Writing advice that names a day to read in passing: not an event.
                "Ray Bradbury",
            ],
        ),
    ],
)
def test_tag_pages_list_the_right_items(
    built_site: Path, tag: str, label: str, present: list[str], absent: list[str]
) -> None:
    html = _html(built_site, f"themes/{tag}")
    assert re.search(f"<h1[^>]*>{re.escape(label)}<", html)
    for title in present:
        assert title in html, title
    for title in absent:
        assert title not in html, title


def test_home_page_shows_the_latest_infolettre(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "Dernière infolettre" in html
    assert 'href="infolettre/infolettre_13/"' in html


@pytest.mark.parametrize(
    ("broken", "match"),
    [
        ("unclosed", "jamais fermé"),
        ("bad-date", "date invalide"),
        ("tabs", "tabulation"),
    ],
)
def test_broken_front_matter_stops_the_build_naming_the_file(
    site_copy: Path, broken: str, match: str, caplog: pytest.LogCaptureFixture
) -> None:
    post = site_copy / "content" / "infolettre" / "infolettre_13" / "index.md"
    text = post.read_text(encoding="utf-8")
    if broken == "unclosed":
        text = text.replace("\n---\n", "\n", 1)
    elif broken == "bad-date":
        text = text.replace("date: '2023-03-20T00:00:00Z'", "date: 2024-02-30")
    else:
        text = text.replace("authors:\n  - linogaliana", "authors:\n\t- linogaliana")
    post.write_text(text, encoding="utf-8")
    with pytest.raises((PluginError, Abort)):
        build_site(site_copy)
    # MkDocs logs the plugin's error, then aborts.
    message = caplog.text
    assert "infolettre_13/index.md" in message
    assert re.search(match, message)
    assert not (site_copy / "site" / "infolettre" / "infolettre_13" / "index.html").exists()


def test_home_page_shows_featured_issues_and_feeds(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert "À la une" in html  # infolettre #13 has `featured: true`
    assert 'href="feed_rss.xml"' in html and 'href="feed.json"' in html
    assert (built_site / "feed_rss.xml").is_file()


def test_author_profile_and_reading_time(built_site: Path) -> None:
    profile = built_site / "infolettre" / "author" / "linogaliana" / "index.html"
    assert "Infolettre Avril 2023" in profile.read_text(encoding="utf-8")
    assert "min de lecture" in _html(built_site, "infolettre/infolettre_13")
