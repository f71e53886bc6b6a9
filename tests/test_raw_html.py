"""HTML kept out of the Markdown conversion, and put back after it."""

from __future__ import annotations

from pathlib import Path

import markdown

from generator.pages import raw_html

ITEM = (
    "<p>Un <em>article</em> &amp; ses <a href='https://example.org/'>liens</a> "
    '<a href="x.md">x</a></p>'
)
OWN = '<p>Thèmes : <a href="../../../themes/events/">Événements</a></p>'


def test_set_aside_and_put_back_give_the_html_unchanged() -> None:
    page = f'# Titre\n\n<div class="x">\n{raw_html.wrap(ITEM)}\n</div>\n\nSuite.\n'
    markdown_text, blocks = raw_html.set_aside(page)
    assert blocks == [ITEM]
    assert ITEM not in markdown_text and raw_html.END not in markdown_text
    rendered = markdown_text.replace("# Titre", "<h1>Titre</h1>")
    assert raw_html.put_back(rendered, blocks) == page.replace("# Titre", "<h1>Titre</h1>").replace(
        raw_html.wrap(ITEM), ITEM
    )


def test_blocks_are_put_back_verbatim_their_links_untouched() -> None:
    page = f"# Titre\n\n{raw_html.wrap(OWN)}{raw_html.wrap(ITEM)}\n"
    markdown_text, blocks = raw_html.set_aside(page)
    # Parts written one after the other share a placeholder.
    assert blocks == [OWN + ITEM]
    html = raw_html.put_back(markdown.markdown(markdown_text), blocks)
    assert OWN + ITEM in html and "infolettre:" not in html


def test_markdown_without_both_markers_is_left_alone() -> None:
    for page in ("# Titre\n", f"{raw_html.START} début sans fin"):
        assert raw_html.set_aside(page) == (page, [])


def test_built_item_pages_hold_their_html_and_no_marker(built_project: Path) -> None:
    site = built_project / "site"
    items = sorted((site / "veille" / "framablog").glob("*/index.html"))
    assert len(items) == 7
    for path in items:
        html = path.read_text(encoding="utf-8")
        body = html.split('<div class="feed-item-content">', 1)[1].split("</div>", 1)[0]
        assert "<p>" in body, path
        assert "infolettre:" not in html, path
        # The themes' links lead to the themes' pages.
        assert 'href="../../../themes/' in html, path


def test_blocks_apart_get_a_placeholder_each() -> None:
    page = f"{raw_html.wrap('<b>1</b>')}\n\nTexte\n\n{raw_html.wrap('<i>2</i>')}\n"
    markdown_text, blocks = raw_html.set_aside(page)
    assert markdown_text == f"{raw_html.place(0)}\n\nTexte\n\n{raw_html.place(1)}\n"
    assert blocks == ["<b>1</b>", "<i>2</i>"]
    assert raw_html.put_back(markdown_text, blocks) == (
        page.replace(raw_html.START, "").replace(raw_html.END, "")
    )
