"""The post corpus: every front-matter key and shortcode, built strictly by MkDocs.

The corpus lives in ``tests/fixtures/site/``; its ``mkdocs.yml`` is the project's own,
with content warnings reported at INFO level so that the expected warnings (unknown
shortcode, missing image, unknown author) are checked here without failing ``--strict``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, build_logged

DELIMITERS = ("{{<", "{{%", "%}}", ">}}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    project = tmp_path_factory.mktemp("corpus") / "project"
    # The project's docs/ first (the guide and code reference its nav names), the corpus over it.
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(FIXTURES / "site", project, dirs_exist_ok=True)
    config_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config_text = config_text.replace(
        "      content_dir: content\n",
        "      content_dir: content\n      content_warnings: info\n",
    )
    (project / "mkdocs.yml").write_text(config_text, encoding="utf-8")
    site, records = build_logged(project)
    return site, "\n".join(records)


def _page(site: Path, slug: str) -> str:
    return (site / "infolettre" / slug / "index.html").read_text(encoding="utf-8")


def test_no_shortcode_delimiter_in_any_built_page(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    for page in site.rglob("*.html"):
        if page.relative_to(site).parts[0] in ("guide", "reference"):
            continue  # the documentation shows the syntax on purpose
        text = page.read_text(encoding="utf-8")
        for delimiter in DELIMITERS:
            assert delimiter not in text, f"{delimiter} in {page.relative_to(site)}"


def test_every_front_matter_key(corpus: tuple[Path, str]) -> None:
    site, log = corpus
    html = _page(site, "infolettre_14")
    assert re.search(r"<h1[^>]*>Infolettre d(’|')avril, seconde quinzaine", html)
    assert "<em>Un sous-titre qui s" in html
    assert "Le résumé sert d" in html
    assert '<meta name="description" content="Le résumé sert d' in html
    assert 'src="couverture.png"' in html and "Légende de la couverture" in html
    assert "La rédaction" in html  # known author's profile
    assert "auteur-inconnu" in log and "authors" in log  # unknown author: a warning
    assert "Actualités" in html  # second category
    assert re.search(r'data-md-type="toc"\s+hidden', html)  # toc: false
    assert "2023" in html and "avril" in html  # French dates
    assert "ignorée" not in html  # unknown key ignored
    for asset in ("couverture.png", "schema.png", "photo.png", "notes.pdf"):
        assert (site / "infolettre" / "infolettre_14" / asset).is_file(), asset
    assert 'src="photo.png"' in html and 'href="notes.pdf"' in html


def test_previous_and_next_issue_links(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    html = _page(site, "infolettre_14")
    assert re.search(r'href="\.\./infolettre_12/"[^>]*>← Infolettre précédente \(#12\)', html)
    twelve = _page(site, "infolettre_12")
    assert re.search(r'href="\.\./infolettre_14/"[^>]*>Infolettre suivante \(#14\)', twelve)
    assert 'href="../infolettre_14/"' in twelve  # the Hugo-style link between bundles


def test_drafts_and_future_posts_are_not_published(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    assert not (site / "infolettre" / "brouillon").exists()
    assert not (site / "infolettre" / "futur").exists()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Un brouillon" not in text and "daté du futur" not in text, page


def test_unknown_shortcode_keeps_its_content_with_a_warning(corpus: tuple[Path, str]) -> None:
    site, log = corpus
    html = _page(site, "inconnu")
    assert "Contenu gardé du shortcode inconnu" in html
    assert re.search(r"inconnu/index\.md:\d+: shortcode inconnu « mystere »", log)


def test_missing_image_is_reported_by_name(corpus: tuple[Path, str]) -> None:
    _, log = corpus
    assert re.search(r"image-manquante/index\.md:\d+: image « absente\.png » introuvable", log)


def test_archive_lists_newest_first_with_excerpts(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    index = (site / "infolettre" / "index.html").read_text(encoding="utf-8")
    order = [index.find(t) for t in ("seconde quinzaine", "Infolettre de mars", "Encadrés Quarto")]
    assert -1 not in order and order == sorted(order)
    assert "Le résumé sert d" in index
    assert (site / "infolettre" / "archives" / "2023" / "04" / "index.html").is_file() or any(
        (site / "infolettre" / "archives").rglob("index.html")
    )
    assert (site / "infolettre" / "category" / "actualites" / "index.html").is_file()
    assert "min de lecture" in index  # reading time


def test_every_shortcode_renders(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    html = _page(site, "shortcodes")
    assert 'class="admonition note"' in html and 'class="admonition warning"' in html
    assert '<abbr title="Institut national de la statistique">Insee</abbr>' in html
    assert re.search(r"<figure[^>]*>\s*<img[^>]*src=\"graphique\.png\"", html)
    assert "<figcaption>Un graphique</figcaption>" in html
    assert 'href="rapport.pdf"' in html and 'target="_blank"' in html
    assert re.search(r"<video[^>]*controls[^>]*src=\"https://example\.org/video\.mp4\"", html)
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in html
    assert re.search(r"<details class=\"note\">\s*<summary>Cliquer pour voir</summary>", html)
    assert "note imbriquée" in html
    assert "twemoji" in html  # the icon, as Material's SVG emoji
    assert 'href="../infolettre_12/"' in html  # relref
    assert 'href="https://example.org/article"' in html
    assert 'href="https://gist.github.com/user123/abc123def456"' in html
    assert 'href="https://x.com/inseefr/status/1234567890"' in html
    assert "deux lignes" in html
    assert (site / "infolettre" / "shortcodes" / "graphique.png").is_file()


def test_quarto_callouts_become_admonitions(corpus: tuple[Path, str]) -> None:
    site, _ = corpus
    html = _page(site, "quarto")
    assert "Une note Quarto." in html and 'class="admonition note"' in html
    assert re.search(
        r'class="admonition warning"[^>]*>\s*<p class="admonition-title">Attention', html
    )
    assert re.search(r'class="admonition tip"[^>]*>\s*<p class="admonition-title">Astuce', html)
    assert 'class="admonition danger"' in html and "Important !" in html
    assert ":::" not in html
