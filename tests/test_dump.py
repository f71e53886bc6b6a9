"""The feed-reader dump parser, on the two real dumps the site's content came from."""

from __future__ import annotations

from datetime import datetime

import pytest

from generator.content.dates import PARIS
from generator.veille.dump import parse_dump

from .conftest import FIXTURES


def _read(name: str) -> str:
    return (FIXTURES / "dumps" / name).read_text(encoding="utf-8")


def test_first_dump_has_six_articles_with_authors_and_dates() -> None:
    articles = parse_dump(_read("framablog-1.txt"))
    assert [" ".join(a.title.split())[:25] for a in articles] == [  # NBSPs folded
        "L’IA Open Source existe-t",
        "eXo Platform 6.5",
        "Que veut dire « libre » (",
        "Berlin, March 2023 : Diar",
        "Berlin, mars 2023 : journ",
        "Publier le code source ne",
    ]
    assert [a.author for a in articles] == [
        "Framalang", "", "", "Framasoft", "Framasoft", "Framalang",
    ]  # fmt: skip
    assert articles[0].published == datetime(2024, 10, 31, 5, 10, tzinfo=PARIS)
    assert articles[0].line == 6


def test_second_dump_shares_one_article_with_the_first() -> None:
    first = {(a.title, a.published) for a in parse_dump(_read("framablog-1.txt"))}
    second = parse_dump(_read("framablog-2.txt"))
    assert len(second) == 3
    shared = [a.title for a in second if (a.title, a.published) in first]
    assert len(shared) == 1 and shared[0].startswith("Que veut dire")


def test_article_text_excludes_reader_chrome_and_next_title() -> None:
    articles = parse_dump(_read("framablog-2.txt"))
    last = articles[-1]
    assert "❌" not in last.paragraphs
    assert last.paragraphs[-1].startswith("Si cet article vous a plu")
    first = articles[0]
    assert articles[1].title not in first.paragraphs


@pytest.mark.parametrize("text", ["", "Vue normale\n\nrien ici\n"])
def test_text_without_articles_gives_nothing(text: str) -> None:
    assert parse_dump(text) == []
