"""Plain text printed by the theme's templates: escaped exactly once, however printed.

The templates are Material's own ways of printing a title (``{{ t }}``, ``|e``,
``|striptags``, ``|d(…)``, inside an attribute); the environment is set up as the
``infolettre`` plugin sets up MkDocs' (:func:`generator.pages.plain_text.install`). Also: the
generator's pages, rendered by Python-Markdown without MkDocs, with hostile items.
"""

from __future__ import annotations

import html
import shutil
from datetime import UTC, datetime

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment
from markupsafe import Markup, escape

from generator.content.loader import load_content
from generator.models import FeedItem
from generator.pages import plain_text, raw_html
from generator.pages.build import generate
from generator.veille.archive import item_to_text
from generator.veille.sanitize import clean_html

from . import hostile
from .conftest import ROOT

TEXT = st.one_of(hostile.hostile(), st.text(max_size=40))


def _env() -> Environment:
    env = Environment(autoescape=False)
    plain_text.install(env)
    return env


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_every_way_of_printing_escapes_once(text: str) -> None:
    env = _env()
    value = plain_text.PlainText(text)
    once = str(escape(text))
    assert env.from_string("{{ t }}").render(t=value) == once
    assert env.from_string("{{ t | e }}").render(t=value) == once
    assert env.from_string("{{ t | d('x', true) }}").render(t=value) == (once if text else "x")
    assert env.from_string('<meta content="{{ t }}">').render(t=value) == (
        f'<meta content="{once}">'
    )
    assert env.from_string("{{ t | striptags }}").render(t=value) == str(
        escape(" ".join(text.split()))
    )
    # str() keeps the mark (Material's tags plugin makes its tags with str(name)).
    assert isinstance(str(value), plain_text.PlainText)
    assert env.from_string("{{ t }}").render(t=str(value)) == once


def test_other_values_print_as_before() -> None:
    env = _env()
    assert env.from_string("{{ h }}").render(h="<b>gras</b>") == "<b>gras</b>"
    assert env.from_string("{{ h | striptags }}").render(h="<b>a</b> &lt;b&gt;") == "a <b>"
    assert env.from_string("{{ m }}").render(m=Markup("<i>x</i>")) == "<i>x</i>"


def test_marking_a_page_meta() -> None:
    meta: dict[str, object] = {
        "title": "a < b",
        "description": "c",
        "tags": ["<t>", 3],
        "date": "2024-01-01",
    }
    plain_text.mark(meta)
    assert isinstance(meta["title"], plain_text.PlainText)
    assert isinstance(meta["description"], plain_text.PlainText)
    assert isinstance(meta["tags"], list) and isinstance(meta["tags"][0], plain_text.PlainText)
    assert meta["tags"][1] == 3 and type(meta["date"]) is str
    # While Material's search reads them: escaped by str(); text again afterwards.
    plain_text.for_index(meta)
    assert str(meta["title"]) == "a &lt; b" and str(meta["tags"][0]) == "&lt;t&gt;"
    plain_text.after_index(meta)
    assert str(meta["title"]) == "a < b" and type(meta["title"]) is plain_text.PlainText


# --- the generator's pages, without MkDocs ------------------------------------------------


def _converted(text: str) -> str:
    """A generated page as the site converts it: HTML blocks set aside, Markdown
    converted with the site's extensions, blocks put back."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    body, blocks = raw_html.set_aside(body)
    converted = markdown.markdown(
        body, extensions=["attr_list", "md_in_html", "tables", "admonition", "toc"]
    )
    return raw_html.put_back(converted, blocks)


@settings(max_examples=25, deadline=None)
@given(items=st.lists(hostile.hostile_item(), min_size=1, max_size=3))
def test_generated_pages_hold_nothing_executable(
    tmp_path_factory: pytest.TempPathFactory, items: list[dict[str, str]]
) -> None:
    root = tmp_path_factory.mktemp("pages") / "content"
    (root / "archive" / "f").mkdir(parents=True)
    for name in ("taxonomy.yml", "authors.yml"):
        shutil.copy(ROOT / "content" / name, root / name)
    (root / "feeds.yml").write_text(
        "feeds:\n  - id: f\n    title: F\n    url: https://f.example/feed\n", encoding="utf-8"
    )
    for n, item in enumerate(items):
        feed_item = FeedItem(
            feed_id="f",
            slug=f"2024-01-0{n + 1}-article",
            guid=f"g{n}",
            title=item["title"],
            link="https://f.example/a",
            published=datetime(2024, 1, n + 1, tzinfo=UTC),
            content_html=clean_html(item["content"]),
            author=item["author"],
            summary=item["summary"],
            categories=(item["category"],),
        )
        (root / "archive" / "f" / f"{feed_item.slug}.md").write_text(
            item_to_text(feed_item), encoding="utf-8"
        )
    content = load_content(root)
    generated = generate(content, now=datetime(2025, 1, 1, tzinfo=UTC))
    titles = {" ".join(item["title"].split()) for item in items}
    seen = set()
    for page in generated.pages:
        if page.text is None:
            continue
        converted = _converted(page.text)
        assert hostile.executable(converted, where=page.path) == []
        # An item's title is its page's heading, exactly (no entity, no backslash).
        if page.path.startswith("veille/f/2024"):
            heading = converted.split("<h1", 1)[1].split(">", 1)[1].split("</h1>", 1)[0]
            seen.add(" ".join(html.unescape(heading).split()))
    assert seen == titles


def test_text_pickled_to_a_child_keeps_its_kind() -> None:
    """The search index is made in a child process: a title being indexed must arrive
    escaped by ``str()`` there too."""
    import pickle

    from generator.pages.plain_text import PlainText, _IndexText

    title = "<script>x()</script>"
    indexed = pickle.loads(pickle.dumps(_IndexText(title)))
    assert type(indexed) is _IndexText and str(indexed) == "&lt;script&gt;x()&lt;/script&gt;"
    plain = pickle.loads(pickle.dumps(PlainText(title)))
    assert type(plain) is PlainText and str(plain) == title
