"""The page writer: pagination of listings, hostile feed content kept out of the site."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mkdocs.utils.meta import get_data

from generator.content.loader import load_content
from generator.models import FeedItem
from generator.pages.build import Generated, generate, paginate
from generator.veille.feeds_config import parse_feeds
from generator.veille.ingest import ingest_snapshot

from .conftest import FIXTURES, ROOT, build_site

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_paginate_splits_and_links_pages() -> None:
    rows = [{"target": f"veille/f/{n}/index.md", "title": str(n)} for n in range(120)]
    pages = paginate("themes/events/index.md", "themes/events", rows, per_page=50)
    assert [(path, len(chunk)) for path, chunk, _ in pages] == [
        ("themes/events/index.md", 50),
        ("themes/events/page/2/index.md", 50),
        ("themes/events/page/3/index.md", 20),
    ]
    assert pages[0][1][0]["href"] == "../../veille/f/0/index.md"
    _, chunk, pager = pages[1]
    assert chunk[0]["href"] == "../../../../veille/f/50/index.md"
    assert '<a href="../../index.md">← Plus récents</a>' in pager
    assert '<a href="../3/index.md">Plus anciens →</a>' in pager


def test_paginate_in_html_links_the_published_urls() -> None:
    rows = [{"target": f"veille/f/{n}/index.md", "title": str(n)} for n in range(120)]
    out = Generated(now=NOW)
    pages = paginate("themes/events/index.md", "themes/events", rows, link=out.link, per_page=50)
    assert pages[0][1][0]["href"] == "../../veille/f/0/"
    _, chunk, pager = pages[1]
    assert chunk[0]["href"] == "../../../../veille/f/50/"
    assert '<a href="../../">← Plus récents</a>' in pager
    assert '<a href="../3/">Plus anciens →</a>' in pager
    # Every link is kept for the check of missing pages.
    assert ("themes/events/page/2/index.md", "veille/f/50/index.md") in out.links


def test_a_large_feed_is_listed_on_several_pages_out_of_the_nav() -> None:
    content = load_content(ROOT / "content")
    base = content.items[0]
    many = tuple(
        replace(base, slug=f"item-{n:03d}", guid=f"g{n}", published=NOW - timedelta(days=n))
        for n in range(120)
    )
    generated = generate(replace(content, items=many), now=NOW)
    listing = sorted(p.path for p in generated.pages if p.path.startswith("veille/framablog/"))
    assert "veille/framablog/page/3/index.md" in listing
    assert "veille/framablog/page/4/index.md" not in listing
    first = next(p for p in generated.pages if p.path == "veille/framablog/index.md")
    assert first.text is not None and 'href="item-000/"' in first.text
    assert "item-050" not in first.text
    assert all(not p.in_nav for p in generated.pages if p.path.startswith("veille/framablog/"))
    # Search finds the listing by its first page only.
    later = next(p for p in generated.pages if p.path == "veille/framablog/page/2/index.md")
    assert later.text is not None
    assert get_data(later.text)[1] == {"search": {"exclude": True}}
    assert not first.text.startswith("---")


def test_search_finds_a_tag_page_by_its_title_not_by_its_listing(built_project: Path) -> None:
    site = built_project / "site"
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    html = (site / "themes" / "open-source-ai" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<td><a href="../../(veille/[^"]+)">([^<]+)</a></td>', html)
    assert listed
    tag_page = docs["themes/open-source-ai/"]
    assert tag_page["title"] == "IA open source" and "Modèles" in tag_page["text"]
    for location, title in listed:
        assert docs[location]["title"] == title
        assert title not in tag_page["text"]


def test_hostile_feed_content_never_reaches_the_built_html(small_site_copy: Path) -> None:
    content = small_site_copy / "content"
    snapshot = content / "feeds" / "framablog.xml"
    snapshot.write_bytes((FIXTURES / "feeds" / "hostile_html.xml").read_bytes())
    feeds_path = content / "feeds.yml"
    (feed,) = parse_feeds(feeds_path.read_text(encoding="utf-8"), feeds_path, content_root=content)
    result = ingest_snapshot(content, feed, now=NOW)
    assert result.report is not None and result.report.new >= 1, result.error
    site = build_site(small_site_copy)
    stored = {p.stem for p in (content / "archive" / "framablog").glob("*.md")}
    hostile = [
        (site / "veille" / "framablog" / slug / "index.html").read_text(encoding="utf-8")
        for slug in stored
    ]
    assert len(hostile) == 8  # the 7 articles kept, plus the hostile item
    for html in hostile:
        body = html.split('<div class="feed-item-content">', 1)[1].split("</article>", 1)[0]
        assert not re.search(r"<script|<iframe|<form|onerror=|onclick=|javascript:", body, re.I)


def test_item_without_author_or_link_still_renders() -> None:
    content = load_content(ROOT / "content")
    bare: FeedItem = replace(content.items[0], author="", link="")
    generated = generate(replace(content, items=(bare,)), now=NOW)
    page = next(p for p in generated.pages if p.path.endswith(f"/{bare.slug}/index.md"))
    assert page.text is not None
    assert "Lire l'article original" not in page.text and "Par " not in page.text
