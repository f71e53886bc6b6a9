"""Hostile text for every field of feeds and e-mails, and the check that nothing of it
runs in the built site or its feeds.

Every executable fragment the strategy draws calls ``pwn…()`` or loads a ``pwn`` URL, so
that a script, handler or URL that came from the input is told from the site's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from hypothesis import strategies as st
from lxml import etree

MARK = "pwn"
"""In every executable fragment: what came from the input."""

FRAGMENTS = (
    "<script>pwn1()</script>",
    "&lt;script&gt;pwn2()&lt;/script&gt;",
    "&amp;lt;script&amp;gt;pwn3()&amp;lt;/script&amp;gt;",
    '"><script>pwn4()</script>',
    "'><img src=x onerror=pwn5()>",
    "</title><script>pwn6()</script>",
    "<svg onload=pwn7()>",
    "<img src=x onerror=pwn8()>",
    "&lt;img src=x onerror=pwn9()&gt;",
    "javascript:pwn10()",
    " JaVaScRiPt:pwn11()",
    "jav&#x09;ascript:pwn12()",
    "java\tscript:pwn13()",
    "&#106;avascript:pwn14()",
    "data:text/html,<script>pwn15()</script>",
    '<img src="data:image/svg+xml,%3Csvg%20onload=pwn22()%3E">',
    "<a href='data:image/svg+xml,pwn23'>x</a>",
    "data:image/svg+xml,pwn24",
    "<![CDATA[<script>pwn16()</script>]]>",
    "]]><script>pwn17()</script>",
    "<iframe src=https://pwn.example/></iframe>",
    "<object data=https://pwn.example/o></object>",
    "<embed src=https://pwn.example/e>",
    "<form action=https://pwn.example/f><input></form>",
    "<base href=https://pwn.example/>",
    '<meta http-equiv="refresh" content="0;url=https://pwn.example/">',
    "<a href=javascript:pwn18()>lien</a>",
    '<a href="  javascript:pwn19()">x</a>',
    "<math><mi xlink:href=javascript:pwn20()>m</mi></math>",
    "{{ pwn21 }} {% raw %} --><!-- ",
    "\u202e\u200b\ufeffé€😀",
    "<style>@import 'https://pwn.example/s.css';</style>",
    "a < b & c > d",
)
"""Hostile pieces: tags, escaped and double-escaped tags, quotes leaving an attribute,
``javascript:`` in disguise, CDATA, Unicode."""

_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00", max_codepoint=0x2FFF
    ),
    max_size=12,
)


@st.composite
def hostile(draw: st.DrawFn) -> str:
    """A string mixing hostile fragments with random text (never empty once stripped)."""
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), _TEXT), min_size=1, max_size=5))
    return "Titre " + "".join(parts)


@st.composite
def hostile_item(draw: st.DrawFn) -> dict[str, str]:
    """One item: each of its fields hostile."""
    return {
        key: draw(hostile())
        for key in ("title", "summary", "content", "author", "category", "link", "enclosure")
    }


# --- input documents -------------------------------------------------------------------


def _x(text: str) -> str:
    """Text for XML character data (the hostile text as the feed's author wrote it)."""
    return xml_escape(text)


def rss(items: list[dict[str, str]], channel_title: str) -> bytes:
    """An RSS 2.0 document; the title once escaped (as RSS allows), HTML fields as HTML."""
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    body = []
    for n, item in enumerate(items):
        body.append(
            "<item>"
            f"<title>{_x(item['title'])}</title>"
            f"<link>{_x(item['link'])}</link>"
            f"<guid isPermaLink='false'>rss-{n}</guid>"
            f"<dc:creator>{_x(item['author'])}</dc:creator>"
            f"<category>{_x(item['category'])}</category>"
            f"<pubDate>{format_datetime(start + timedelta(hours=n))}</pubDate>"
            f"<description>{_x(item['summary'])}</description>"
            f"<content:encoded><![CDATA[{item['content'].replace(']]>', ']]]]><![CDATA[>')}"
            "]]></content:encoded>"
            f'<enclosure url="{escape(item["enclosure"])}" type="audio/mpeg" length="1"/>'
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{_x(channel_title)}</title><link>https://rss.example/</link>"
        f"<description>{_x(channel_title)}</description>{''.join(body)}</channel></rss>"
    ).encode()


def atom(items: list[dict[str, str]], feed_title: str) -> bytes:
    """An Atom 1.0 document; titles as ``type="html"``, content as HTML."""
    start = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
    body = []
    for n, item in enumerate(items):
        body.append(
            "<entry>"
            f'<title type="html">{_x(item["title"])}</title>'
            f'<link rel="alternate" href="{escape(item["link"])}"/>'
            f'<link rel="enclosure" href="{escape(item["enclosure"])}" type="audio/mpeg"/>'
            f"<id>urn:atom:{n}</id>"
            f"<author><name>{_x(item['author'])}</name></author>"
            f'<category term="{escape(item["category"])}"/>'
            f"<updated>{(start + timedelta(hours=n)).isoformat()}</updated>"
            f'<summary type="html">{_x(item["summary"])}</summary>'
            f'<content type="html">{_x(item["content"])}</content>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title type="html">{_x(feed_title)}</title><id>urn:atom</id>'
        f"<updated>{start.isoformat()}</updated>{''.join(body)}</feed>"
    ).encode()


def json_feed(items: list[dict[str, str]], feed_title: str) -> bytes:
    """A JSON Feed 1.1 document."""
    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed_title,
            "items": [
                {
                    "id": f"json-{n}",
                    "url": item["link"],
                    "title": item["title"],
                    "summary": item["summary"],
                    "content_html": item["content"],
                    "authors": [{"name": item["author"]}],
                    "tags": [item["category"]],
                    "date_published": (start + timedelta(hours=n)).isoformat(),
                    "attachments": [{"url": item["enclosure"], "mime_type": "audio/mpeg"}],
                }
                for n, item in enumerate(items)
            ],
        }
    ).encode()


def eml(item: dict[str, str], number: int) -> bytes:
    """An e-mail: hostile Subject, sender name and HTML body."""
    message = EmailMessage()
    message["Subject"] = " ".join(item["title"].split())
    message["From"] = f'"{item["author"].replace(chr(34), "")[:60]}" <lettre@example.org>'
    message["Date"] = format_datetime(datetime(2024, 6, 1, 9, number, tzinfo=UTC))
    message["Message-ID"] = f"<hostile-{number}@example.org>"
    message.set_content(item["summary"])
    message.add_alternative(f"<p>{item['content']}</p><p>{escape(item['summary'])}</p>", "html")
    return bytes(message)


# --- checks ----------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background",
     "srcset", "cite", "codebase", "ping", "longdesc", "manifest", "icon"}
)  # fmt: skip
_DANGEROUS_ELEMENTS = ("iframe", "object", "embed", "base", "frame", "frameset", "applet")
_INVISIBLE = re.compile(r"[\x00-\x20\u00a0\u200b\ufeff]")
_HTML = etree.HTMLParser(no_network=True, huge_tree=True)


def _root(html: str) -> etree._Element | None:
    if not html.strip():
        return None
    try:
        return etree.fromstring(html, _HTML)
    except ValueError:
        return etree.fromstring(html.encode("utf-8"), _HTML)


def executable(html: str, *, where: str) -> list[str]:
    """What in ``html`` could run or act that came from the input (``pwn``), described.

    Scripts of the site itself (Material's, with no ``pwn`` in them) are not counted; any
    event handler, ``javascript:``/``data:`` URL outside images, frame, object, embed,
    base, input form or meta refresh is.
    """
    root = _root(html)
    if root is None:
        return []
    found = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "script" and (MARK in (element.text or "") or MARK in (element.get("src") or "")):
            found.append(f"{where}: <script> {(element.text or element.get('src'))[:80]!r}")
        if tag in _DANGEROUS_ELEMENTS:
            found.append(f"{where}: <{tag}>")
        if tag == "form" and element.get("action") is not None:
            # Material's search and palette forms have no action.
            found.append(f"{where}: <form action>")
        if tag == "meta" and (element.get("http-equiv") or "").strip().lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        for name, value in element.attrib.items():
            name = str(name).lower()
            if name.startswith("on"):
                found.append(f"{where}: <{tag} {name}=…>")
            bare = _INVISIBLE.sub("", str(value)).lower()
            url = name.split("}")[-1] in URL_ATTRIBUTES or name.endswith("href")
            # data: images of the site itself pass (its CSP allows them); none from the input.
            script_url = bare.startswith("javascript:") or (
                bare.startswith("data:") and (not bare.startswith("data:image/") or MARK in bare)
            )
            if url and script_url:
                found.append(f"{where}: <{tag} {name}={str(value)[:60]!r}>")
    return found


def rss_problems(xml: bytes, *, where: str) -> list[str]:
    """:func:`executable` on every HTML field of an RSS document, which must be XML."""
    root = etree.fromstring(xml)  # an error here: the feed is not well-formed
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        # Readers take text elements that hold markup for HTML too (feedparser does).
        if name in ("description", "encoded", "title", "category", "creator"):
            found += executable(element.text or "", where=f"{where} <{name}>")
        elif name == "link" and element.text:
            found += executable(f'<a href="{escape(element.text)}"></a>', where=f"{where} link")
    return found


def json_feed_problems(data: bytes, *, where: str) -> list[str]:
    """:func:`executable` on the HTML and the URLs of a JSON Feed."""
    document = json.loads(data)
    found: list[str] = []
    for item in document.get("items", []):
        found += executable(item.get("content_html", ""), where=f"{where} content_html")
        for key in ("url", "external_url", "image"):
            if item.get(key):
                found += executable(f'<a href="{escape(item[key])}"></a>', where=f"{where} {key}")
    return found


def all_problems(files: Iterable[tuple[str, bytes]]) -> list[str]:
    """Problems of the built site's pages and feeds, given ``(path, bytes)``."""
    found: list[str] = []
    for path, data in files:
        if path.endswith(".html"):
            found += executable(data.decode("utf-8"), where=path)
        elif path.endswith(".xml") and "feed" in path:
            found += rss_problems(data, where=path)
        elif path.endswith("feed.json"):
            found += json_feed_problems(data, where=path)
        elif path.endswith("search_index.json"):
            found += search_index_problems(data, where=path)
    return found


def search_index_problems(data: bytes, *, where: str) -> list[str]:
    """:func:`executable` on what Material's search shows as HTML: each entry's title,
    text and tags (its results are written with ``innerHTML``)."""
    found: list[str] = []
    for doc in json.loads(data)["docs"]:
        shown = [doc.get("title", ""), doc.get("text", ""), *doc.get("tags", [])]
        found += executable(
            "".join(f"<div>{part}</div>" for part in shown), where=f"{where} {doc['location']}"
        )
    return found
