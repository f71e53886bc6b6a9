"""A link's text is found by scanning to its closing bracket: same answers as
Python-Markdown's own table, on generated text, and the same HTML for whole documents."""

from __future__ import annotations

import time

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LINK_RE, LinkInlineProcessor

from generator.pages.link_brackets import _Scanner, link_text

_TEXT = st.text(alphabet="[]()ab !\\`*<>\n", max_size=60)
_EXTENSIONS = ["attr_list", "md_in_html", "toc", "abbr", "tables"]


def _python_markdown() -> LinkInlineProcessor:
    return LinkInlineProcessor(LINK_RE, markdown.Markdown())


@given(_TEXT, st.data())
def test_same_answer_as_python_markdown_at_every_index(text: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(text)))
    expected = _python_markdown().getText(text, index)
    found = link_text(text, index)
    # A bracket that closes is found by the scan; one that does not is left to the table.
    assert found == (expected if expected[2] else None)


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(
            [
                "[a](b)",
                "[",
                "]",
                " x ",
                "![i](j.png)",
                "[r][]",
                "\n\n",
                "`[`",
                "[[n]](m)",
                "\\[",
                "[*e*](f 't')",
            ]
        ),
        max_size=30,
    )
)
def test_documents_convert_to_the_same_html(parts: list[str]) -> None:
    text = "".join(parts) + "\n\n[r]: https://example.org/r\n"
    plain = markdown.markdown(text, extensions=_EXTENSIONS)
    scanned = markdown.markdown(text, extensions=[*_EXTENSIONS, "generator.pages.link_brackets"])
    assert scanned == plain


def test_every_link_processor_gets_it_and_the_class_keeps_its_own() -> None:
    md = markdown.Markdown(extensions=["generator.pages.link_brackets"])
    md.convert("[a](b)")
    links = [p for p in md.inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert {"link", "image_link", "reference", "image_reference"} <= {
        name for name in md.inlinePatterns._data if md.inlinePatterns[name] in links
    }
    assert all("getText" in vars(p) for p in links)
    # Another Markdown instance, without the extension, keeps Python-Markdown's method.
    other = markdown.Markdown()
    assert all("getText" not in vars(p) for p in other.inlinePatterns)


def test_a_run_of_unclosed_brackets_stays_linear() -> None:
    # Python-Markdown answers where a bracket never closes: 20,000 of them, and links.
    text = "[" * 20_000 + " [a](b)" * 50
    started = time.perf_counter()
    html = markdown.markdown(text, extensions=["generator.pages.link_brackets"])
    assert html.count('<a href="b">a</a>') == 50
    # Quadratic would be minutes; linear is well under a second here. A bound ten times
    # looser than that keeps a slow machine from failing it.
    assert time.perf_counter() - started < 20


@given(_TEXT, st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_a_processor_answers_as_python_markdown_whatever_the_order(
    text: str, indexes: list[int]
) -> None:
    scanner = _Scanner(_python_markdown().getText)
    for index in indexes:
        index = min(index, len(text))
        assert scanner(text, index) == _python_markdown().getText(text, index)
