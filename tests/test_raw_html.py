"""A feed item's HTML kept out of the Markdown conversion, and put back after it."""

from __future__ import annotations

from pathlib import Path

from generator import raw_html

ITEM = "<p>Un <em>article</em> &amp; ses <a href='https://example.org/'>liens</a></p>"


def test_set_aside_and_put_back_give_the_html_unchanged() -> None:
    page = f'# Titre\n\n<div class="x">\n{raw_html.wrap(ITEM)}\n</div>\n\nSuite.\n'
    markdown, html = raw_html.set_aside(page)
    assert html == ITEM
    assert ITEM not in markdown and raw_html.END not in markdown
    rendered = markdown.replace("# Titre", "<h1>Titre</h1>")
    assert raw_html.put_back(rendered, html) == page.replace("# Titre", "<h1>Titre</h1>").replace(
        raw_html.wrap(ITEM), ITEM
    )


def test_markdown_without_both_markers_is_left_alone() -> None:
    for page in ("# Titre\n", f"{raw_html.START} début sans fin"):
        assert raw_html.set_aside(page) == (page, None)


def test_built_item_pages_hold_their_html_and_no_marker(built_project: Path) -> None:
    site = built_project / "site"
    items = sorted((site / "veille" / "framablog").glob("*/index.html"))
    assert len(items) == 7
    for path in items:
        html = path.read_text(encoding="utf-8")
        body = html.split('<div class="feed-item-content">', 1)[1].split("</div>", 1)[0]
        assert "<p>" in body, path
        assert "infolettre:html" not in html, path
