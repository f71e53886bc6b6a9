"""Tracking images (1×1 "web beacons", known tracker addresses) never reach a page.

Feeds and e-mails go through the real readers (feedparser, the e-mail parser); the
sanitizer's rule is checked over generated images with hypothesis.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.models import FeedConfig
from generator.veille.feedreader import parse_feed
from generator.veille.importers import read_eml
from generator.veille.sanitize import clean_html, is_tracking_image

NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig(id="exemple", title="Exemple", url="https://example.org/feed/")
PHOTO = "https://images.example.org/photo.jpg"

MEDIUM_STAT = (
    '<img src="https://medium.com/_/stat?event=post.clientViewed&amp;referrerSource=full_rss'
    '&amp;postId=1" width="1" height="1" alt="">'
)
FEEDFLARE = (
    '<div class="feedflare"><a href="http://feeds.feedburner.com/~ff/Exemple?a=abc">'
    '<img src="http://feeds.feedburner.com/~ff/Exemple?d=yIl2AUoC8zA" border="0"></img></a></div>'
)
FEEDBURNER_PIXEL = (
    '<img src="http://feeds.feedburner.com/~r/Exemple/~4/xyz" height="1" width="1" alt=""/>'
)

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Exemple</title><link>https://example.org/</link><description>d</description>
<item>
<title>Un billet de Medium</title>
<link>https://medium.com/@auteur/billet-1</link>
<guid>https://medium.com/p/1</guid>
<content:encoded><![CDATA[<p>Texte.</p><figure><img alt="Une photo" src="{PHOTO}"></figure>
{MEDIUM_STAT}
]]></content:encoded>
</item>
<item>
<title>Un billet passé par FeedBurner</title>
<link>https://example.org/billet-2</link>
<guid>https://example.org/billet-2</guid>
<description><![CDATA[<p>Résumé.</p>
{FEEDFLARE}
{FEEDBURNER_PIXEL}
<p><img src="https://stats.example.org/pixel.gif?u=1" alt="">Fin.</p>]]></description>
</item>
</channel>
</rss>
""".encode()


def test_feed_items_lose_their_tracking_images_and_keep_their_photos() -> None:
    medium, feedburner = parse_feed(RSS, FEED, now=NOW)
    assert f'src="{PHOTO}"' in medium.content_html and "Texte." in medium.content_html
    assert "_/stat" not in medium.content_html
    assert medium.content_html.count("<img") == 1
    assert "<img" not in feedburner.content_html, feedburner.content_html
    # The FeedFlare link held only its image: it goes with it.
    assert "feedburner" not in feedburner.content_html
    assert "Résumé." in feedburner.content_html and "Fin." in feedburner.content_html


def test_json_feed_items_lose_their_tracking_images() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Exemple",
        "items": [
            {
                "id": "1",
                "url": "https://example.org/1",
                "title": "Billet",
                "content_html": f'<p>Texte</p><img src="{PHOTO}">'
                '<img src="https://pixel.wp.com/b.gif?host=example.org&amp;post=1" alt="">',
            }
        ],
    }
    (item,) = parse_feed(json.dumps(document).encode(), FEED, now=NOW)
    assert item.content_html.count("<img") == 1 and PHOTO in item.content_html


def test_email_open_trackers_are_dropped_from_an_imported_letter() -> None:
    message = (
        "From: Lettre <lettre@example.org>\r\n"
        "Subject: La lettre\r\n"
        "Date: Tue, 13 Sep 2022 16:41:30 +0200\r\n"
        "Message-ID: <1@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        f'<html><body><p>Bonjour.</p><img src="{PHOTO}" width="600" alt="Une photo">'
        '<img src="https://example.us1.list-manage.com/track/open.php?u=1&amp;id=2" '
        'width="1" height="1" border="0" style="display:none">'
        '<img src="https://u1.ct.sendgrid.net/wf/open?upn=abc" alt="">'
        '<img src="https://lettre.example.org/o/open.gif?id=3">'
        "</body></html>\r\n"
    ).encode()
    letter = read_eml(message)
    assert letter.content_html.count("<img") == 1
    assert PHOTO in letter.content_html and "Bonjour." in letter.content_html


# --- the rule, over generated images ---------------------------------------------------

_TINY = st.sampled_from(["0", "1", "1px", "0px", " 1 ", "1.0", "0.5", "01", "1PX", "+1"])
_SIZE_NAMES = st.sampled_from(["width", "height", "WIDTH", "Height"])
_QUOTES = st.sampled_from(['"', "'", ""])
_PATHS = st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=8), min_size=1, max_size=3)
_TEXT = st.text(alphabet="abc éà.", max_size=20)


def _attribute(name: str, value: str, quote: str) -> str:
    if not quote and (not value or " " in value):
        quote = '"'
    return f"{name}={quote}{value}{quote}"


@settings(max_examples=200, deadline=None)
@given(
    size_name=_SIZE_NAMES,
    size=_TINY,
    quote=_QUOTES,
    other=st.one_of(st.none(), st.integers(min_value=0, max_value=2000).map(str)),
    path=_PATHS,
    alt=_TEXT,
    before=_TEXT,
    after=_TEXT,
    in_link=st.booleans(),
)
def test_an_image_declared_at_most_one_pixel_never_survives(
    size_name: str,
    size: str,
    quote: str,
    other: str | None,
    path: list[str],
    alt: str,
    before: str,
    after: str,
    in_link: bool,
) -> None:
    attributes = [
        _attribute("src", "https://images.example.org/" + "/".join(path), quote),
        _attribute(size_name, size, quote),
        _attribute("alt", alt, '"'),
    ]
    if other is not None:
        other_name = "height" if size_name.lower() == "width" else "width"
        attributes.append(_attribute(other_name, other, quote))
    image = "<img " + " ".join(attributes) + ">"
    if in_link:
        image = f'<a href="https://example.org/x">{image}</a>'
    cleaned = clean_html(f"<p>{before}{image}{after}</p>")
    assert "<img" not in cleaned, cleaned
    # The text around it stays.
    assert unescape(re.sub(r"<[^>]+>", "", cleaned)) == f"{before}{after}"


@settings(max_examples=200, deadline=None)
@given(
    width=st.one_of(st.none(), st.integers(min_value=2, max_value=4000).map(str)),
    height=st.one_of(st.none(), st.integers(min_value=2, max_value=4000).map(str)),
    path=_PATHS,
    alt=_TEXT,
    in_link=st.booleans(),
)
def test_an_ordinary_image_survives(
    width: str | None, height: str | None, path: list[str], alt: str, in_link: bool
) -> None:
    src = "https://images.example.org/" + "/".join(path)
    attributes = {"src": src, "alt": alt}
    if width is not None:
        attributes["width"] = width
    if height is not None:
        attributes["height"] = height
    assert not is_tracking_image(attributes)
    image = "<img " + " ".join(f'{k}="{v}"' for k, v in attributes.items()) + ">"
    if in_link:
        image = f'<a href="https://example.org/x">{image}</a>'
    cleaned = clean_html(f"<p>{image}</p>")
    assert f'src="{src}"' in cleaned
    assert cleaned.count("<img") == 1


def test_tracker_addresses() -> None:
    trackers = [
        "https://medium.com/_/stat?event=post.clientViewed",
        "http://feeds.feedburner.com/~r/Exemple/~4/xyz",
        "http://feeds.feedburner.com/~ff/Exemple?d=abc",
        "https://pixel.wp.com/b.gif?host=x",
        "https://x.list-manage.com/track/open.php?u=1",
        "https://u1.ct.sendgrid.net/wf/open?upn=abc",
        "https://lettre.example.org/o/open.gif",
        "https://stats.example.org/pixel.gif?u=1",
        "https://stats.example.org/pixel/1234",
    ]
    for src in trackers:
        assert is_tracking_image({"src": src}), src
    ordinary = [
        "https://example.org/images/pixel-art.png",
        "https://example.org/statistiques/graphique.png",
        "https://example.org/open/gif/chat.gif",
        "https://cdn-images-1.medium.com/max/1024/1*abc.png",
        "",
    ]
    for src in ordinary:
        assert not is_tracking_image({"src": src, "width": "600"}), src
