"""A post's summary: its inline Markdown renders, and nothing else of it gets through
(generator/pages/summary.py)."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pages.summary import summary_html, summary_text


class Elements(HTMLParser):
    """Every tag and attribute of some HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


def elements(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_inline_markdown_renders() -> None:
    html = summary_html("Des **séries**, un [atelier](https://e.invalid/a) et `x < y`.")
    assert html == (
        'Des <strong>séries</strong>, un <a href="https://e.invalid/a">atelier</a> et '
        "<code>x &lt; y</code>."
    )
    assert summary_text("Des **séries** et `x < y`") == "Des séries et x < y"


def test_raw_html_and_unsafe_links_are_text() -> None:
    html = summary_html(
        "<script>alert(1)</script> [x](javascript:alert(1)) ![i](a.png){: onclick=y}"
    )
    assert elements(html).tags == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript" not in html


# Text made of what HTML, Markdown and attribute lists are written with.
_PIECES = st.sampled_from(
    [
        "<", ">", "&", '"', "'", "=", "/", "*", "_", "`", "[", "]", "(", ")", "{", "}", ":",
        "!", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:",
        "onclick=", "style=", "<a href='", "**", "](", "{: ", "http://e.invalid", "&amp;",
        "&lt;", "<b>", "\n", " ", "a", "é", "\\",
    ]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=30).map("".join)


@given(_TEXT)
@settings(max_examples=300, deadline=None)
def test_no_tag_or_attribute_from_the_summary_survives(text: str) -> None:
    found = elements(summary_html(text))
    assert set(found.tags) <= {"em", "strong", "code", "a"}
    for name, value in found.attributes:
        assert name == "href"
        assert value is not None
        assert not value.strip().lower().startswith(("javascript", "data", "vbscript"))


@given(_TEXT)
@settings(max_examples=200, deadline=None)
def test_plain_text_is_one_line_of_text(text: str) -> None:
    plain = summary_text(text)
    assert "\n" not in plain
    # The plain text never holds more of a tag than the summary did: it is text, which
    # the theme's templates escape in <head>.
    assert plain.count("<") <= text.count("<")
