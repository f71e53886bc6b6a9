"""Hostile feeds, e-mails and front matter: nothing of them runs in the site or its feeds.

Every field of every item (title, summary, content, author, categories, link, enclosure,
the feed's title) is drawn by :mod:`tests.hostile` in RSS, Atom, JSON Feed and ``.eml``;
the items go through ingestion (``ingest --offline``, ``import-email``) and a strict
MkDocs build of a small site, whose pages and feeds are then read. The build must not
fail, nothing executable may come from the input, and the titles must still be shown as
their characters (escaped once, readable).

A build takes seconds: the site-level property draws few examples of many items each;
properties on the generator's pages and feeds, without MkDocs, draw many.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator.cli import main as cli_main
from generator.feeds_out import FeedInfo, FeedPage, json_feed_document, rss_document
from generator.models import Kind
from generator.pages import md

from . import hostile
from .conftest import ROOT
from .small_site import copy_small_site

_ITEMS = st.lists(hostile.hostile_item(), min_size=2, max_size=4)


def _front_matter(meta: dict[str, Any], body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + body


def write_site(project: Path, items: list[dict[str, str]], feed_title: str) -> None:
    """A small site whose every feed, e-mail and front-matter text is hostile."""
    copy_small_site(project, with_content=False)
    content = project / "content"
    (content / "feeds").mkdir(parents=True)
    for name in ("taxonomy.yml", "authors.yml"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "feeds" / "rss.xml").write_bytes(hostile.rss(items, feed_title))
    (content / "feeds" / "atom.xml").write_bytes(hostile.atom(items, feed_title))
    (content / "feeds" / "json.json").write_bytes(hostile.json_feed(items, feed_title))
    feeds = [
        {
            "id": kind,
            "title": feed_title,
            "url": f"https://{kind}.example/feed",
            "site_url": f"https://{kind}.example/",
            "snapshot": f"feeds/{snapshot}",
            "licence": feed_title,
            "content": "full",
        }
        for kind, snapshot in (("rss", "rss.xml"), ("atom", "atom.xml"), ("jsonf", "json.json"))
    ]
    feeds.append({"id": "lettre", "title": feed_title, "kind": "email", "licence": "x"})
    (content / "feeds.yml").write_text(
        yaml.safe_dump({"feeds": feeds}, allow_unicode=True), encoding="utf-8"
    )
    # Editors' front matter is not trusted either.
    first = items[0]
    post = content / "infolettre" / "hostile"
    post.mkdir(parents=True)
    (post / "index.md").write_text(
        _front_matter(
            {
                "title": first["title"],
                "subtitle": first["summary"],
                "summary": first["summary"],
                "date": "2024-02-01",
                "categories": [first["category"]],
                "tags": [first["category"]],
                "featured": True,
            },
            "Texte de l'infolettre.\n",
        ),
        encoding="utf-8",
    )
    (content / "connaissances").mkdir()
    (content / "connaissances" / "page.md").write_text(
        _front_matter({"title": first["title"], "summary": first["summary"]}, "Une page.\n"),
        encoding="utf-8",
    )


def ingest(project: Path, items: list[dict[str, str]]) -> None:
    """``ingest --offline`` and ``import-email`` of each item, as an operator runs them."""
    content = str(project / "content")
    assert cli_main(["ingest", "--offline", "--content", content]) == 0
    for number, item in enumerate(items):
        letter = project / f"lettre-{number}.eml"
        letter.write_bytes(hostile.eml(item, number))
        assert (
            cli_main(["import-email", str(letter), "--source", "lettre", "--content", content]) == 0
        )


def built_files(site: Path) -> list[tuple[str, bytes]]:
    return [
        (path.relative_to(site).as_posix(), path.read_bytes())
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.suffix in (".html", ".xml", ".json")
    ]


def visible_text(page: str) -> str:
    """The text a reader sees in a page's body and its ``<title>``."""
    root = hostile._root(page)
    assert root is not None
    return " ".join(" ".join(root.itertext()).split())


@settings(
    max_examples=5,
    deadline=None,
    # A build takes a second: a failing example is reported as drawn, not shrunk.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(items=_ITEMS, feed_title=hostile.hostile())
def test_hostile_feeds_build_and_nothing_of_them_runs(
    tmp_path_factory: Any, items: list[dict[str, str]], feed_title: str
) -> None:
    project = tmp_path_factory.mktemp("hostile") / "project"
    write_site(project, items, feed_title)
    ingest(project, items)
    site = project / "site"
    # Strict: one hostile feed must not stop publishing.
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))
    files = built_files(site)
    assert any(path == "feed_rss.xml" for path, _ in files)
    assert any(path.endswith("feed.json") and path != "feed.json" for path, _ in files)
    assert hostile.all_problems(files) == []
    # The readers see the titles as written, once escaped: no entity shown as text.
    archived = sorted((project / "content" / "archive").rglob("*.md"))
    assert len(archived) >= len(items)
    for path in archived:
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        feed, slug = path.parent.name, path.stem
        page = (site / "veille" / feed / slug / "index.html").read_text(encoding="utf-8")
        shown = visible_text(page)
        title = " ".join(str(meta["title"]).split())
        assert title in shown, (title, path)
        head = re.search(r"<title>(.*?)</title>", page, re.S)
        assert head is not None
        assert " ".join(html.unescape(head.group(1)).split()).startswith(title)
    post = (site / "infolettre" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert " ".join(items[0]["title"].split()) in visible_text(post)


# --- without MkDocs: the generator's Markdown and the feeds ------------------------------


@settings(max_examples=200, deadline=None)
@given(text=hostile.hostile())
def test_md_shows_any_text_literally(text: str) -> None:
    converted = markdown.markdown(f"# {md(text)}", extensions=["tables", "attr_list"])
    assert hostile.executable(converted, where="md") == []
    heading = re.fullmatch(r"<h1>(.*)</h1>", converted, re.S)
    assert heading is not None, converted
    # Exactly the text, no backslash nor entity shown (Markdown expands tabs).
    assert " ".join(html.unescape(heading.group(1)).split()) == " ".join(text.split())


def _feed_page(item: dict[str, str], n: int) -> FeedPage:
    return FeedPage(
        src_uri=f"veille/f/{n}/index.md",
        kind=Kind.FEED_ITEM,
        url=f"https://site.example/veille/f/{n}/",
        title=item["title"],
        description=item["summary"],
        content_html="<p>contenu</p>",
        published=None,
        authors=(item["author"],),
        categories=(item["category"],),
    )


@settings(max_examples=100, deadline=None)
@given(items=st.lists(hostile.hostile_item(), min_size=1, max_size=3), title=hostile.hostile())
def test_output_feeds_carry_the_text_exactly(items: list[dict[str, str]], title: str) -> None:
    from datetime import UTC, datetime

    from lxml import etree

    from generator.sanitize import strip_controls

    pages = [_feed_page(item, n) for n, item in enumerate(items)]
    info = FeedInfo(
        title=title,
        home_url="https://site.example/",
        rss_url="https://site.example/feed_rss.xml",
        json_url="https://site.example/feed.json",
        description=title,
    )
    rss = rss_document(info, pages, built=datetime(2024, 1, 1, tzinfo=UTC)).encode()
    assert hostile.rss_problems(rss, where="rss") == []
    root = etree.fromstring(rss)
    titles = [e.text or "" for e in root.iter("title")]
    assert titles[0] == strip_controls(title)
    assert titles[1:] == [strip_controls(item["title"]) for item in items]
    document = json_feed_document(info, pages)
    data = json.loads(document)
    assert [i["title"] for i in data["items"]] == [p.title for p in pages]
    assert hostile.json_feed_problems(document.encode(), where="json") == []
