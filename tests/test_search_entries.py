"""Readers' search index: the code reference left out, long entries cut into pieces."""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.pages.search_entries import (
    split_long_entries,
    text_fragment,
    top_level_blocks,
    without_pages,
)


def _index(*docs: dict[str, Any]) -> dict[str, Any]:
    return {"config": {"fields": {"text": {"boost": 1.0}}}, "docs": list(docs)}


def test_pages_under_an_excluded_prefix_leave_the_index_with_their_sections() -> None:
    index = _index(
        {"location": "reference/", "title": "Référence", "text": ""},
        {"location": "reference/pages/#generator.pages.site", "title": "site", "text": ""},
        {"location": "infolettre/x/", "title": "X", "text": ""},
        {"location": "guide/reference-du-format/", "title": "Guide", "text": ""},
    )
    kept = without_pages(index, ["reference/"])
    assert [doc["location"] for doc in kept["docs"]] == [
        "infolettre/x/",
        "guide/reference-du-format/",
    ]
    assert len(index["docs"]) == 4  # not modified
    assert without_pages(index, [])["docs"] == index["docs"]


def test_a_long_page_without_headings_becomes_pieces_pointing_to_their_first_words() -> None:
    paragraphs = [f"<p>Paragraphe {n} : " + "mot " * 60 + "</p>" for n in range(12)]
    text = " ".join(paragraphs)
    index = _index({"location": "veille/a/", "title": "Article", "text": text, "tags": ["t"]})
    docs = split_long_entries(index, 1000)["docs"]
    assert len(docs) > 3
    assert docs[0]["location"] == "veille/a/"
    assert docs[1]["location"].startswith("veille/a/#:~:text=Paragraphe%20")
    assert all(doc["title"] == "Article" and doc["tags"] == ["t"] for doc in docs)
    assert all(len(doc["text"]) <= 1000 for doc in docs)
    # Every paragraph, whole, in one piece, in order.
    joined = " ".join(doc["text"] for doc in docs)
    assert re.findall(r"<p>.*?</p>", joined) == paragraphs


def test_a_long_section_keeps_its_anchor_before_the_text_fragment() -> None:
    text = " ".join(f"<p>Phrase {n} - avec, des &amp; signes {'x' * 50}</p>" for n in range(40))
    docs = split_long_entries(_index({"location": "p/#sec", "title": "S", "text": text}), 500)
    assert docs["docs"][1]["location"].startswith("p/#sec:~:text=Phrase%20")
    assert "%2D" in docs["docs"][1]["location"] and "%2C" in docs["docs"][1]["location"]
    assert "&" not in docs["docs"][1]["location"]


def test_a_list_is_never_cut_inside() -> None:
    items = "".join(f"<li>élément {n} " + "y" * 80 + "</li>" for n in range(30))
    text = f"<p>avant</p> <ul>{items}</ul> <p>après</p>"
    assert top_level_blocks(text) == ["<p>avant</p>", f" <ul>{items}</ul>", " <p>après</p>"]
    docs = split_long_entries(_index({"location": "p/", "title": "T", "text": text}), 200)
    assert any(doc["text"].strip() == f"<ul>{items}</ul>" for doc in docs["docs"])


def test_a_line_of_text_is_never_cut_after_an_inline_element() -> None:
    # A table, as Material's index writes it: cells as text, their inline tags kept.
    table = "Clé Rôle " + " ".join(f"<code>cle{n}</code> rôle {n}" for n in range(50))
    text = f"<p>avant</p> {table} <p>après</p>"
    assert top_level_blocks(text) == ["<p>avant</p>", f" {table} <p>après</p>"]


def test_short_entries_are_kept_as_they_are() -> None:
    index = _index({"location": "p/", "title": "T", "text": "<p>court</p>"})
    assert split_long_entries(index)["docs"] == index["docs"]


def test_text_fragment_percent_encodes_the_first_words() -> None:
    assert text_fragment("<p>L’IA &amp; le <em>code</em>, sans-fil: a b c</p>", 5) == (
        ":~:text=" + urllib.parse.quote("L’IA & le code,", safe="") + "%20sans%2Dfil%3A"
    )
    assert text_fragment("<p> </p>") == ""


_blocks = st.lists(
    st.builds(
        lambda tag, words: f"<{tag}>{html.escape(' '.join(words))}</{tag}>",
        st.sampled_from(["p", "pre", "blockquote"]),
        st.lists(st.text(min_size=1, max_size=12).filter(lambda w: w.strip()), max_size=30),
    ),
    max_size=40,
)


@given(blocks=_blocks, max_chars=st.integers(min_value=1, max_value=3000))
def test_pieces_keep_every_block_once_and_have_distinct_locations(
    blocks: list[str], max_chars: int
) -> None:
    text = " ".join(blocks)
    docs = split_long_entries(
        _index(
            {"location": "a/", "title": "A", "text": text},
            {"location": "b/", "title": "B", "text": "<p>b</p>"},
        ),
        max_chars,
    )["docs"]
    locations = [doc["location"] for doc in docs]
    assert len(set(locations)) == len(locations)
    assert locations[0] == "a/" and locations[-1] == "b/"
    assert all(loc.startswith("a/#:~:text=") for loc in locations[1:-1])
    pieces = [doc["text"] for doc in docs[:-1]]
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", text)
    for piece in pieces:
        assert piece.count("<") == 2 * len(re.findall(r"</", piece))  # whole blocks only
