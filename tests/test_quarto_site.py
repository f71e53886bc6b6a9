"""Quarto infolettres built with MkDocs, strictly: each construct of
tests/fixtures/quarto/ renders as the reader expects.

The fixture's infolettres are ``index.qmd`` files, as a Quarto site has them, read as
they are (``image: file.png`` given as a plain string included).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .sites import FIXTURES, build_logged, copy_corpus_site

CONTENT = FIXTURES / "quarto" / "content"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = copy_corpus_site(tmp_path_factory.mktemp("quarto") / "project", CONTENT)
    site, records = build_logged(project)
    return site, "\n".join(records)


def _article(site: Path, slug: str) -> str:
    page = (site / "infolettre" / slug / "index.html").read_text(encoding="utf-8")
    return page[page.index("<h1") : page.index('<nav class="infolettre-pager"')]


def test_callouts_become_admonitions(built: tuple[Path, str]) -> None:
    html = _article(built[0], "infolettre_21")
    assert '<p class="admonition-title">À retenir</p>' in html
    assert '<details class="tip">\n<summary>Une astuce</summary>' in html


def test_columns_keep_their_content(built: tuple[Path, str]) -> None:
    html = _article(built[0], "infolettre_21")
    grid = html[html.index('<div class="grid">') :]
    assert grid.count('<div class="column">') == 2
    assert "La moyenne mobile lisse <strong>les pics</strong>." in grid
    assert "La saisonnalité se lit sur <em>douze mois</em>." in grid


def test_var_include_and_fa(built: tuple[Path, str]) -> None:
    html = _article(built[0], "infolettre_21")
    assert "préparé par le Réseau des statisticiens curieux" in html
    assert "Les inscriptions aux rencontres 2025 ouvrent lundi." in html
    # The included file, its own var resolved (a mail address, obfuscated by Markdown).
    assert "Cet encart est <strong>partagé</strong>" in html
    assert "{{" not in html
    assert html.count('<span class="twemoji"><svg') == 2


def test_markdown_inside_html_blocks(built: tuple[Path, str]) -> None:
    html = _article(built[0], "infolettre_21")
    alert = html[html.index('<div class="alert alert-info">') :]
    assert alert.startswith('<div class="alert alert-info">\n<details class="note">')
    assert '<a href="https://exemple.invalid/tutoriel">tutoriel</a>' in alert
    assert "???" not in html
    # No blank line after the tag: raw, as in Hugo.
    assert '<div class="brut">\n*pas de Markdown ici*\n</div>' in html


def test_math_is_left_for_the_local_katex(built: tuple[Path, str]) -> None:
    site = built[0]
    html = _article(site, "infolettre_21")
    assert '<span class="arithmatex">\\(\\sigma\\)</span>' in html
    assert '<div class="arithmatex">\\[\ny_t = \\mu' in html
    assert '<div class="arithmatex">\\[\n\\int_0^1 x' in _article(site, "infolettre_22")
    page = (site / "infolettre" / "infolettre_21" / "index.html").read_text(encoding="utf-8")
    assert '<script src="../../assets/katex/katex.min.js" defer></script>' in page
    assert '<script src="../../assets/javascripts/formules.js" defer></script>' in page
    assert (site / "assets" / "katex" / "fonts" / "KaTeX_Main-Regular.woff2").is_file()
    # No script from elsewhere: the CSP allows the site's own.
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", page)


def test_bare_urls_and_staticref(built: tuple[Path, str]) -> None:
    site = built[0]
    html = _article(site, "infolettre_21")
    assert (
        '<a href="https://exemple.invalid/ressources">https://exemple.invalid/ressources</a>'
        in (html)
    )
    assert '<a href="../../uploads/programme.pdf">programme des rencontres</a>' in html
    assert (site / "uploads" / "programme.pdf").read_bytes().startswith(b"%PDF")
    # Quarto's partials are not published.
    assert not list(site.rglob("_encart*"))


def test_embeds_become_links(built: tuple[Path, str]) -> None:
    site = built[0]
    html = _article(site, "infolettre_21")
    assert "<iframe" not in html
    assert (
        '<p class="contenu-externe"><a href="https://observablehq.com/@exemple/series-temporelles">'
        in html
    )
    assert (
        '<a href="https://cdn.exemple.invalid/">Voir le contenu sur cdn.exemple.invalid</a>' in html
    )
    second = _article(site, "infolettre_22")
    assert "Présentation des cartes (sur www.youtube-nocookie.com)" in second


def test_summary_markdown_renders_safely(built: tuple[Path, str]) -> None:
    site = built[0]
    html = _article(site, "infolettre_21")
    assert (
        "<p>Au programme : des <strong>séries temporelles</strong>, un "
        '<a href="https://exemple.invalid/atelier">atelier</a> et <code>statsmodels</code>.</p>'
    ) in html
    listing = (site / "infolettre" / "index.html").read_text(encoding="utf-8")
    assert "des <strong>séries temporelles</strong>" in listing
    page = (site / "infolettre" / "infolettre_22" / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert re.search(r'<meta name="description" content="Des cartes &lt;script&gt;', head)
    description = re.search(
        r'<meta name="description" content="([^"]*)"',
        (site / "infolettre" / "infolettre_21" / "index.html").read_text(encoding="utf-8"),
    )
    assert description is not None
    assert description[1] == ("Au programme : des séries temporelles, un atelier et statsmodels.")


def _line(site: Path, slug: str, needle: str) -> str:
    """``path:line:`` of the first line of the built infolettre ``slug`` holding ``needle``."""
    source = site.parent / "content" / "infolettre" / slug / "index.qmd"
    lines = source.read_text(encoding="utf-8").split("\n")
    number = next(index for index, line in enumerate(lines, 1) if needle in line)
    return f"{source}:{number}:"


def test_every_problem_is_reported_with_file_and_line(built: tuple[Path, str]) -> None:
    site, logs = built
    expected = [
        f"{_line(site, 'infolettre_21', '<iframe')} <iframe> de https://observablehq.com bloqué",
        f"{_line(site, 'infolettre_21', '<script')} <script> de https://cdn.exemple.invalid bloqué",
        f"{_line(site, 'infolettre_22', 'fa icone')} icône Font Awesome « icone-inventee » absente",
        f"{_line(site, 'infolettre_22', 'var inconnue')} variable Quarto « inconnue » absente",
        f"{_line(site, 'infolettre_22', 'include')} include « absent.md » introuvable",
        f"{_line(site, 'infolettre_22', '<iframe')} <iframe> de https://www.youtube-nocookie.com",
    ]
    for message in expected:
        assert message in logs, message
    reported = re.findall(r"infolettre_2\d/index\.qmd:\d+:", logs)
    assert len(reported) == len(expected)
