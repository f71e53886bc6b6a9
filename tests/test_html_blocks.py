"""Markdown inside raw HTML blocks renders as Hugo's Goldmark renders it, and third-party
embeds become links with a warning (generator/content/html_blocks.py)."""

from __future__ import annotations

import markdown

from generator.content.html_blocks import mark_markdown_blocks, replace_embeds
from generator.content.shortcodes import convert

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.superfences"]


def render(text: str) -> str:
    return markdown.markdown(convert(text)[0], extensions=EXTENSIONS)


def test_blank_line_after_the_tag_makes_its_content_markdown() -> None:
    text = '<div class="alert">\n\n**gras** et [lien](https://exemple.invalid)\n\n</div>\n'
    assert mark_markdown_blocks(text).splitlines()[0] == '<div class="alert" markdown="1">'
    html = render(text)
    assert "<strong>gras</strong>" in html
    assert '<a href="https://exemple.invalid">lien</a>' in html
    assert 'markdown="1"' not in html


def test_details_inside_an_alert_render() -> None:
    text = '<div class="alert">\n\n??? note "Titre"\n    Corps *important*\n\n</div>\n'
    html = render(text)
    assert '<details class="note">' in html
    assert "<em>important</em>" in html
    assert "???" not in html


def test_block_without_blank_line_stays_raw() -> None:
    text = '<div class="brut">\n*pas de Markdown*\n</div>\n'
    assert mark_markdown_blocks(text) == text
    assert "*pas de Markdown*" in render(text)


def test_existing_markdown_attribute_and_other_tags_are_left_alone() -> None:
    text = '<div markdown="span">\n\nx\n\n</div>\n<pre>\n\n*code*\n\n</pre>\n<table>\n\nx\n</table>'
    assert mark_markdown_blocks(text) == text


def test_indented_code_and_fenced_code_are_not_marked() -> None:
    text = "    <div>\n\n    code\n\n```html\n<div>\n\nraw\n</div>\n```\n"
    assert "markdown" not in convert(text)[0]


def test_line_count_is_kept() -> None:
    text = "<section>\n\na\n\n</section>\n<aside>\n\nb\n</aside>"
    marked = mark_markdown_blocks(text)
    assert marked.count("\n") == text.count("\n")
    assert marked.count('markdown="1"') == 2


def test_observable_iframe_becomes_a_link_to_the_notebook() -> None:
    text = (
        'Avant\n\n<iframe width="100%"\n  src="https://observablehq.com/embed/@a/b?cells=c">'
        "</iframe>\n\nAprès {{< unknown >}}\n"
    )
    replaced, warnings = replace_embeds(text)
    assert '<a href="https://observablehq.com/@a/b">' in replaced
    assert "<iframe" not in replaced
    assert replaced.count("\n") == text.count("\n")
    [warning] = warnings
    assert warning.line == 3
    assert "https://observablehq.com" in warning.message
    # Later warnings keep their line in the source.
    _, found = convert(text)
    assert [(w.name, w.line) for w in found] == [("embed", 3), ("unknown", 6)]


def test_remote_script_becomes_a_link_to_its_site_and_titles_are_used() -> None:
    text = (
        '<script src="//cdn.exemple.invalid/w.js"></script>\n'
        "<iframe src='https://video.exemple.invalid/v/1' title='Présentation &amp; démo'/>\n"
    )
    replaced, warnings = replace_embeds(text)
    assert '<a href="https://cdn.exemple.invalid/">Voir le contenu sur cdn.exemple.invalid</a>' in (
        replaced
    )
    assert "Présentation &amp; démo (sur video.exemple.invalid)" in replaced
    assert [w.line for w in warnings] == [1, 2]
    assert "<script> de https://cdn.exemple.invalid" in warnings[0].message


def test_local_and_inline_content_is_not_an_embed() -> None:
    text = '<iframe src="carte.html"></iframe>\n<script>var x = 1;</script>\n'
    assert replace_embeds(text) == (text, [])


def test_embed_link_escapes_its_url() -> None:
    text = '<iframe src="https://e.invalid/a?x=1&y=&quot;2&quot;"></iframe>'
    replaced, _ = replace_embeds(text)
    assert 'href="https://e.invalid/a?x=1&amp;y=&quot;2&quot;"' in replaced
