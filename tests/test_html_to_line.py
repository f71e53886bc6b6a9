"""One reading of HTML as text (``generator.html_text``): summaries never glue paragraphs.

``html_to_line`` (summaries, HTML titles, the archive's content keys) and ``html_to_text``
(the e-mail's text part) see the same blocks; hypothesis checks that they agree on the
words of generated HTML.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import html_text
from generator.html_text import html_to_line, html_to_text
from generator.models import FeedConfig, FeedItem
from generator.veille.archive import content_key
from generator.veille.feedreader import parse_feed
from generator.veille.feeds_config import parse_feeds
from generator.veille.importers import letter_item, read_eml
from generator.veille.ingest import ingest_snapshot
from generator.veille.sanitize import MAX_SUMMARY

from .conftest import ROOT

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig(id="exemple", title="Exemple", url="https://example.org/feed/")
GLUED = "<p>Premier.</p><p>Second</p><ul><li>un</li><li>deux</li></ul>"
APART = "Premier. Second un deux"


def test_blocks_and_line_breaks_keep_words_apart() -> None:
    assert html_to_line(GLUED, limit=100) == APART
    assert html_to_line("a<br>b<br/>c<BR>d", limit=100) == "a b c d"
    assert html_to_line("<h2>Titre</h2><table><tr><td>x</td><td>y</td></tr></table>", limit=50) == (
        "Titre x y"
    )
    assert html_to_line("<div>un<pre>deux</pre>trois</div>", limit=50) == "un deux trois"


def test_inline_elements_and_entities_join_as_a_browser_shows_them() -> None:
    assert html_to_line("<b>W</b>ord, <em>l’</em>IA &amp; <a href='x'>co</a>", limit=50) == (
        "Word, l’IA & co"
    )
    assert html_to_line("&lt;p&gt; reste du texte", limit=50) == "<p> reste du texte"


def test_scripts_styles_titles_and_images_are_not_text() -> None:
    html = (
        "<head><title>T</title><style>p{}</style></head><p>a<script>alert(1)</script></p>"
        '<img alt="photo"><template>t</template><noscript>n</noscript><p>b</p>'
    )
    assert html_to_line(html, limit=50) == "a b"


def test_the_line_is_capped() -> None:
    text = html_to_line("<p>" + "mot " * 1000 + "</p>", limit=MAX_SUMMARY)
    assert len(text) <= MAX_SUMMARY and text.endswith("…")


def test_feed_summaries_keep_paragraphs_apart() -> None:
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>E</title><link>https://example.org/</link>
<description>d</description>
<item><title>Billet</title><link>https://example.org/1</link>
<description><![CDATA[{GLUED}]]></description></item>
</channel></rss>""".encode()
    (item,) = parse_feed(rss, FEED, now=NOW)
    assert item.summary == APART
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "E",
        "items": [{"id": "1", "url": "https://example.org/1", "content_html": GLUED}],
    }
    (json_item,) = parse_feed(json.dumps(document).encode(), FEED, now=NOW)
    assert json_item.summary == APART


def test_atom_html_titles_keep_words_apart() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>E</title><id>urn:e</id>
<updated>2024-01-01T00:00:00Z</updated>
<entry><title type="html">&lt;p&gt;Un&lt;/p&gt;&lt;p&gt;titre&lt;/p&gt;</title>
<id>urn:1</id><link href="https://example.org/1"/><updated>2024-01-01T00:00:00Z</updated>
</entry></feed>"""
    (item,) = parse_feed(atom, FEED, now=NOW)
    assert item.title == "Un titre"


def test_email_summaries_keep_paragraphs_apart() -> None:
    message = (
        "Subject: Lettre\r\nMessage-ID: <1@example.org>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/html; charset=utf-8\r\n\r\n{GLUED}\r\n"
    ).encode()
    source = FeedConfig(id="lettre", title="Lettre", url="", kind="email")
    item = letter_item(read_eml(message), source, now=NOW)
    assert item.summary == APART


# --- agreement with the e-mail's text, over generated HTML ------------------------------

_WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
_TEXT = st.builds(
    lambda words, space: (" " if space else "").join(words),
    st.lists(_WORDS, min_size=1, max_size=3),
    st.booleans(),
)


def _wrap(tags: st.SearchStrategy[str], inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda tag, content: f"<{tag}>{content}</{tag}>", tags, inner)


def _phrasing(depth: int) -> st.SearchStrategy[str]:
    """Text and inline elements, as HTML allows them in a paragraph."""
    if depth == 0:
        return _TEXT
    inner = _phrasing(depth - 1)
    inline = _wrap(st.sampled_from(["b", "em", "span", "strong", "code"]), inner)
    piece = st.one_of(_TEXT, inline, st.just("<br>"))
    return st.lists(piece, min_size=1, max_size=3).map("".join)


def _flow(depth: int) -> st.SearchStrategy[str]:
    """Valid HTML with blocks: paragraphs, headings, lists, tables, quotes, sections."""
    phrasing = _phrasing(2)
    if depth == 0:
        return phrasing
    inner = _flow(depth - 1)
    blocks = st.one_of(
        _wrap(st.sampled_from(["p", "h2", "h4", "pre"]), phrasing),
        _wrap(st.sampled_from(["div", "section", "blockquote"]), inner),
        st.lists(inner, min_size=1, max_size=3).map(
            lambda parts: "<ul>" + "".join(f"<li>{p}</li>" for p in parts) + "</ul>"
        ),
        st.lists(phrasing, min_size=1, max_size=3).map(
            lambda parts: "<table><tr>" + "".join(f"<td>{p}</td>" for p in parts) + "</tr></table>"
        ),
    )
    return st.lists(st.one_of(phrasing, blocks), min_size=1, max_size=4).map("".join)


def _expected_words(html: str) -> list[str]:
    """Words as a browser groups the letters: block tags and <br> separate, inline tags
    do not."""
    spaced = re.sub(r"</?(?:p|div|h2|h4|blockquote|section|pre|ul|li|table|tr|td|br)>", " ", html)
    return re.sub(r"<[^>]+>", "", spaced).split()


@settings(max_examples=300, deadline=None)
@given(html=_flow(3))
def test_the_line_and_the_email_text_read_the_same_words(html: str) -> None:
    words = _expected_words(html)
    assert html_to_line(html, limit=100_000).split() == words
    # The e-mail's text adds markers (list dashes, quote marks, cell bars, underlines).
    email_words = [w for w in html_to_text(html).split() if w.isalpha()]
    assert email_words == words


@settings(max_examples=200, deadline=None)
@given(html=_flow(2), spacing=st.sampled_from(["\n", " ", "\n\n  ", "\t"]))
def test_content_key_ignores_whitespace_between_blocks(html: str, spacing: str) -> None:
    item = FeedItem(
        feed_id="f",
        slug="s",
        guid="g",
        title="Titre",
        link="",
        published=NOW,
        content_html=html,
    )
    spaced = replace(item, content_html=re.sub(r"(</(?:p|div|li|h2|h4)>)", r"\1" + spacing, html))
    assert content_key(spaced) == content_key(item)


def test_archived_items_still_match_themselves(tmp_path: Path) -> None:
    """The project's archive, written before this reading of HTML, is unchanged by an
    offline ingestion of its snapshots: every item is recognized, no file is rewritten."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    archive = content / "archive"
    before = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    feeds = parse_feeds(
        (content / "feeds.yml").read_text(encoding="utf-8"),
        content / "feeds.yml",
        content_root=content,
    )
    with_snapshots = [feed for feed in feeds if feed.snapshot is not None]
    assert with_snapshots
    for feed in with_snapshots:
        result = ingest_snapshot(content, feed, now=NOW)
        assert result.report is not None, result.error
        assert result.report.new == result.report.updated == 0
    after = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file()}
    changed = {p for p in before if after.get(p) != before[p]} - {archive / "state.json"}
    assert not changed and set(after) - set(before) <= {archive / "state.json"}


def test_older_nh3_without_a_reusable_cleaner_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samples = [
        GLUED,
        "<b>W</b>ord<br>x<script>s</script>&amp;",
        "<table><tr><td>a</td></tr></table>",
    ]
    with_cleaner = [html_to_line(html, limit=100) for html in samples]
    monkeypatch.setattr(html_text, "_LINE_CLEANER", None)
    assert [html_to_line(html, limit=100) for html in samples] == with_cleaner
