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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.cli.main import main as cli_main
from generator.models import Kind
from generator.pages.build import md
from generator.pages.feeds_out import FeedInfo, FeedPage, json_feed_document, rss_document
from generator.pages.summary import summary_text

from . import hostile
from .browser import chromium, serving, visiting
from .conftest import ROOT, build_site, copy_small_site

_ITEMS = st.lists(hostile.hostile_item(), min_size=2, max_size=4)


THEME = "llm-news"
"""A theme of the project's vocabulary, given to every hostile item."""


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
            # Every item in a theme: the theme's own feeds carry them too.
            "tags": [THEME],
        }
        for kind, snapshot in (("rss", "rss.xml"), ("atom", "atom.xml"), ("jsonf", "json.json"))
    ]
    feeds.append(
        {"id": "lettre", "title": feed_title, "kind": "email", "licence": "x", "tags": [THEME]}
    )
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


def write_migrated(content: Path, items: list[dict[str, str]]) -> None:
    """What a migrated Hugo/Wowchemy or Quarto site brings, every text hostile: an author
    profile, an event (its box: place, address, event, links; its abstract), an article,
    and a Quarto infolettre (its description and authors)."""
    first, second = items[0], items[-1]
    profile = content / "authors" / "hostile"
    profile.mkdir(parents=True)
    (profile / "_index.md").write_text(
        _front_matter(
            {
                "title": second["author"],
                "role": second["category"],
                "bio": second["summary"],
                "organizations": [{"name": second["title"], "url": second["link"]}],
            },
            "",
        ),
        encoding="utf-8",
    )
    event = content / "event" / "hostile"
    event.mkdir(parents=True)
    (event / "index.md").write_text(
        _front_matter(
            {
                "title": second["title"],
                "summary": second["summary"],
                "abstract": f"{first['summary']}\n\n{second['content']}",
                "authors": ["hostile"],
                "date": "2024-03-01T14:00:00Z",
                "date_end": "2024-03-02T17:00:00Z",
                "event": first["title"],
                "event_url": first["link"],
                "location": first["author"],
                "address": {
                    "street": first["category"],
                    "city": second["category"],
                    "postcode": first["enclosure"],
                    "country": second["enclosure"],
                },
                "url_pdf": second["link"],
                "links": [{"name": first["category"], "url": second["enclosure"]}],
                "tags": [THEME],
            },
            "Texte de l'événement.\n",
        ),
        encoding="utf-8",
    )
    (content / "post").mkdir()
    (content / "post" / "hostile.md").write_text(
        _front_matter(
            {
                "title": first["content"],
                "summary": second["author"],
                "authors": ["hostile"],
                "date": "2024-02-15",
                "url_slides": first["enclosure"],
                "tags": [THEME],
            },
            "Texte de l'article.\n",
        ),
        encoding="utf-8",
    )
    quarto = content / "infolettre" / "quarto"
    quarto.mkdir()
    (quarto / "index.qmd").write_text(
        _front_matter(
            {
                "title": second["content"],
                "description": first["content"],
                "author": [{"name": second["author"]}],
                "date": "2024-02-20",
            },
            "Texte de l'infolettre Quarto.\n",
        ),
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
    write_migrated(project / "content", items)
    ingest(project, items)
    # Strict: one hostile feed must not stop publishing.
    site = build_site(project)
    files = built_files(site)
    assert any(path == "feed_rss.xml" for path, _ in files)
    assert any(path.endswith("feed.json") and path != "feed.json" for path, _ in files)
    # The migrated pages are built, and checked with the rest.
    for page in ("evenements/hostile/", "billets/hostile/", "infolettre/quarto/"):
        assert any(path == f"{page}index.html" for path, _ in files), page
    assert hostile.all_problems(files) == []
    theme_feed = dict(files)[f"themes/{THEME}/feed_rss.xml"]
    for source in ("rss", "atom", "jsonf", "lettre"):
        assert f"/veille/{source}/".encode() in theme_feed, source
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
        # The description and the author, as archived: decoded once, they are the text.
        root = hostile._root(page)
        description = root.xpath("//meta[@name='description']/@content")
        assert description == [str(meta.get("summary") or meta["title"])], path
        if meta.get("author"):
            assert " ".join(str(meta["author"]).split()) in shown, path
    post = (site / "infolettre" / "hostile" / "index.html").read_text(encoding="utf-8")
    assert " ".join(items[0]["title"].split()) in visible_text(post)
    post_root = hostile._root(post)
    (post_description,) = post_root.xpath("//meta[@name='description']/@content")
    # A post's summary is Markdown: its description is the rendered text, on one line.
    assert post_description == summary_text(items[0]["summary"])


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

    from generator.pages.feedwriter import text_element
    from generator.veille.sanitize import strip_controls

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
    # Text whose "<" and ">" are entities: the same words read as text or as HTML.
    assert titles[0] == text_element(title)
    assert titles[1:] == [text_element(item["title"]) for item in items]
    assert all(
        text_element(t) == strip_controls(t).replace("<", "&lt;").replace(">", "&gt;")
        for t in [title, *(item["title"] for item in items)]
    )
    document = json_feed_document(info, pages)
    data = json.loads(document)
    assert [i["title"] for i in data["items"]] == [p.title for p in pages]
    assert hostile.json_feed_problems(document.encode(), where="json") == []


# --- the issue's own cases, example by example -------------------------------------------

ISSUE_TITLE = "Un modèle <script>alert('x')</script> a < b"
"""A feed title escaped once in the RSS (``&lt;script&gt;``), as RSS allows."""
ISSUE_SUMMARY = '"><script>alert(2)</script> résumé'
POST_TITLE = 'a < b & "c" &lt;pas une balise&gt;'


@pytest.fixture(scope="module")
def issue_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("issue") / "project"
    item = {
        "title": ISSUE_TITLE,
        "summary": ISSUE_SUMMARY,
        "content": "<p>Texte <svg onload=alert(5)></svg></p>",
        "author": "<img src=x onerror=alert(6)>",
        "category": "<svg onload=alert(7)>",
        "link": "javascript:alert(8)",
        "enclosure": "javascript:alert(9)",
    }
    write_site(project, [item], "Flux <img src=x onerror=alert(10)>")
    post = project / "content" / "infolettre" / "hostile" / "index.md"
    post.write_text(
        _front_matter(
            {"title": POST_TITLE, "summary": ISSUE_SUMMARY, "date": "2024-02-01"}, "Texte.\n"
        ),
        encoding="utf-8",
    )
    ingest(project, [item])
    return build_site(project)


def _one(root: Any, xpath: str) -> Any:
    found = root.xpath(xpath)
    assert found, xpath
    return found[0]


def test_issue_title_shows_as_text_in_header_title_and_meta(issue_site: Path) -> None:
    (page_path,) = (issue_site / "veille" / "rss").glob("20*/index.html")
    page = page_path.read_text(encoding="utf-8")
    assert re.search(r"<script>alert|<(img|svg)\b[^>]*\bon(error|load)\b", page) is None
    root = hostile._root(page)
    topic = _one(root, "//*[contains(@class, 'md-header__topic')][last()]")
    assert " ".join("".join(topic.itertext()).split()) == ISSUE_TITLE
    assert _one(root, "//title").text == f"{ISSUE_TITLE} - Infolettre du réseau des data scientists"
    # The RSS description is HTML: its text, as archived, is the page's description.
    archived = issue_site.parent / "content" / "archive" / "rss" / f"{page_path.parent.name}.md"
    summary = yaml.safe_load(archived.read_text(encoding="utf-8").split("---\n")[1])["summary"]
    assert summary.startswith('">')
    assert _one(root, "//meta[@name='description']").get("content") == summary
    assert _one(root, "//meta[@property='og:title']").get("content") == ISSUE_TITLE
    h1 = _one(root, "//article//h1")
    assert "".join(h1.itertext()).replace("¶", "").strip() == ISSUE_TITLE
    # Escaped once: no entity shown to readers.
    assert "&lt;" not in visible_text(page) and "&amp;" not in visible_text(page)
    index = json.loads((issue_site / "search" / "search_index.json").read_text("utf-8"))
    url = page_path.parent.relative_to(issue_site).as_posix() + "/"
    (entry,) = [d for d in index["docs"] if d["location"] == url]
    assert "<script" not in entry["title"]
    assert html.unescape(entry["title"]) == ISSUE_TITLE


def test_editor_title_reaches_pages_and_feeds_escaped_once(issue_site: Path) -> None:
    page = (issue_site / "infolettre" / "hostile" / "index.html").read_text(encoding="utf-8")
    root = hostile._root(page)
    assert _one(root, "//title").text.startswith(POST_TITLE + " - ")
    topic = _one(root, "//*[contains(@class, 'md-header__topic')][last()]")
    assert " ".join("".join(topic.itertext()).split()) == POST_TITLE
    assert "&amp;lt;" not in visible_text(page)
    rss = (issue_site / "feed_rss.xml").read_text(encoding="utf-8")
    # Text in XML, its "<" as an entity first: the same for a reader taking it for HTML.
    assert "<title>a &amp;lt; b &amp; " in rss
    assert _one(etree.fromstring(rss.encode()), "//item/title").text == (
        'a &lt; b & "c" &lt;pas une balise&gt;'
    )
    description = _one(etree.fromstring(rss.encode()), "//item/description").text
    # RSS readers read a description as HTML: the summary's text, escaped as HTML.
    assert html.unescape(description) == ISSUE_SUMMARY
    feed = json.loads((issue_site / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"][0]["title"] == POST_TITLE
    assert feed["items"][0]["summary"] == ISSUE_SUMMARY


def test_heading_with_a_less_than_sign_shows_no_backslash() -> None:
    converted = markdown.markdown(f"# {md('a < b <c> & d')}")
    assert converted == "<h1>a &lt; b &lt;c&gt; &amp; d</h1>"


@settings(max_examples=60, deadline=None)
@given(title=hostile.hostile(), summary=hostile.hostile())
# Found by this test: a Unicode line separator in a title broke the Subject header.
@example(title="Titre \u2028\x85\x1c0", summary="Titre <script>pwn1()</script>")
def test_email_edition_shows_hostile_titles_as_text(title: str, summary: str) -> None:
    from datetime import UTC, datetime

    from generator.models import Post
    from generator.publish.email_edition import MailSettings, build_edition

    post = Post(
        path=Path("content/infolettre/n/index.md"),
        slug="n",
        title=title,
        subtitle=summary,
        summary=summary,
        date=datetime(2024, 1, 1, tzinfo=UTC),
        body="Texte.\n",
        number=20,
    )
    settings_ = MailSettings(
        site_url="https://site.example/",
        site_name="Site",
        sender="a@example.org",
        recipient="b@example.org",
    )
    edition = build_edition(
        post, settings_, files=frozenset({"infolettre/n/index.html"}), now=datetime.now(UTC)
    )
    assert hostile.executable(edition.html, where="courriel") == []
    root = hostile._root(edition.html)
    assert _one(root, "//title").text == title
    assert " ".join("".join(_one(root, "//h1").itertext()).split()) == " ".join(title.split())


# --- in Chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The issue's hostile item, built for and served with the real ``_headers``."""
    project = tmp_path_factory.mktemp("issue-browser") / "project"
    item = {
        "title": ISSUE_TITLE,
        "summary": ISSUE_SUMMARY,
        "content": "<p>Texte du modèle</p>",
        "author": "<img src=x onerror=alert(6)>",
        "category": "<svg onload=alert(7)>",
        "link": "https://rss.example/article",
        "enclosure": "https://rss.example/son.mp3",
    }
    write_site(project, [item], "Flux <img src=x onerror=alert(10)>")
    ingest(project, [item])
    with serving(project / "site") as url:
        yield url, build_site(project, site_url=url)


def test_a_reader_sees_hostile_titles_as_text_and_nothing_runs(
    hostile_served: tuple[str, Path],
) -> None:
    url, site = hostile_served
    (item,) = (site / "veille" / "rss").glob("20*/index.html")
    path = item.parent.relative_to(site).as_posix() + "/"
    with chromium() as browser, visiting(browser, url) as visit:
        dialogs: list[str] = []
        visit.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for page in (path, "infolettre/hostile/", "veille/rss/"):
            visit.open(page)
            visit.settle()
        visit.open(path)
        assert visit.page.title() == f"{ISSUE_TITLE} - Infolettre du réseau des data scientists"
        assert visit.heading() == ISSUE_TITLE
        topic = visit.page.locator(".md-header__topic").last.text_content() or ""
        assert " ".join(topic.split()) == ISSUE_TITLE
        # The search shows the title as text too (its results are written as HTML).
        box = visit.page.locator("input.md-search__input")
        box.click()
        box.fill("modele")
        box.press("End")
        visit.page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
        titles = visit.page.locator(".md-search-result__item h1").all_text_contents()
        assert ISSUE_TITLE in [" ".join(t.split()) for t in titles], titles
        assert dialogs == []
        visit.assert_clean("titre-hostile")
