"""Make feed text safe to publish: nh3 (Ammonia) on HTML, checks on URLs and text.

feedparser can sanitize HTML too, but its maintainer says it cannot keep up with attack
vectors (it lets entity-encoded ``javascript&#58;`` links through), and its sanitizer
and relative-link resolver (pure-Python SGML passes) cost two thirds of a feed's parse:
:mod:`generator.veille.feedreader` turns both off, and nh3 alone sanitizes, resolving the
relative links it keeps (``<a href>``, ``<img src>``) the way feedparser did. Tracking
images (1×1 pixels, known tracker addresses) are dropped too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import unescape
from urllib.parse import urljoin, urlsplit

import nh3

MAX_TITLE = 500
MAX_AUTHOR = 200
MAX_SUMMARY = 2_000
MAX_HTML = 500_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def strip_controls(text: str) -> str:
    """Remove control characters that are invalid in XML and HTML (tab and newline stay)."""
    return _CONTROL.sub("", text)


def cap(text: str, limit: int) -> str:
    """``text`` if it holds in ``limit`` characters, else its beginning ending with "…"."""
    if len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text


def clean_text(text: str, *, limit: int) -> str:
    """A plain-text field: control characters removed, whitespace collapsed, capped."""
    return cap(" ".join(strip_controls(text).split()), limit)


_SCRIPT_SCHEME = re.compile(r"(?:java|vb)script:|data:", re.IGNORECASE)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""Schemes a published link or image may have."""
# feedparser's `_urljoin`: extra slashes after "scheme://" are dropped ("http:///x").
_EXTRA_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_BLANKS = re.compile(r"[\x00-\x20]")


def _drop_script_urls(element: str, attribute: str, value: str) -> str | None:
    # A payload such as "JaVaScRiPt&#58;alert(1)" resolved against a base URL becomes a
    # harmless https URL, but the payload should not be published.
    if attribute in ("href", "src") and _SCRIPT_SCHEME.search("".join(value.split())):
        return None
    return value


def resolve_url(base_url: str, url: str) -> str | None:
    """``url`` made absolute against ``base_url``, as feedparser resolves relative links.

    Returns:
        The absolute URL; ``url`` itself when the base is relative too (an ``xml:base``
        without a feed URL); ``None`` when it cannot be joined or its scheme is not one
        of :data:`URL_SCHEMES` (a base taken from a hostile ``xml:base``).
    """
    try:
        joined = urljoin(base_url, _EXTRA_SLASHES.sub(r"\1\3", url.strip()))
        # What a browser would see: entities are decoded already, blanks are ignored.
        scheme = urlsplit(_BLANKS.sub("", joined)).scheme.lower()
    except ValueError:
        return None
    if not scheme:
        return url
    return joined if scheme in URL_SCHEMES else None


def _attribute_filter(base_url: str) -> Callable[[str, str, str], str | None]:
    if not base_url:
        return _drop_script_urls

    def resolve(element: str, attribute: str, value: str) -> str | None:
        kept = _drop_script_urls(element, attribute, value)
        if kept is not None and attribute in ("href", "src"):
            return resolve_url(base_url, kept)
        return kept

    return resolve


# A start tag as nh3 writes it: every value double-quoted, `"` and `&` escaped inside,
# `<` escaped in text. So this pattern finds every start tag with attributes, and
# nothing else.
_START_TAG = re.compile(r'<(?P<name>[a-z][a-z0-9]*)(?P<attributes>(?: [a-z][a-z-]*="[^"]*")+)>')
_ATTRIBUTE = re.compile(r' ([a-z][a-z-]*)="[^"]*"')


def _sorted_attributes(match: re.Match[str]) -> str:
    attributes = [m.group(0) for m in _ATTRIBUTE.finditer(match["attributes"])]
    if len(attributes) < 2:
        return match.group(0)
    attributes.sort(key=lambda text: (text.startswith(' rel="'), text))
    return f"<{match['name']}{''.join(attributes)}>"


def sort_attributes(html: str) -> str:
    """Write the attributes of each start tag of :func:`clean_html`'s output in
    alphabetical order, the ``rel`` nh3 adds to links last: the order feedparser's
    sanitizer gave them, so that feed items keep the bytes they were archived with."""
    return _START_TAG.sub(_sorted_attributes, html)


# --- tracking images -----------------------------------------------------------------
#
# An image that a reader cannot see is there to tell its sender who opened the page or
# the e-mail (a "web beacon"): republishing it would report our readers to them. Two
# signs, checked on nh3's output, whose tags are regular (see _START_TAG):
# - a size declared in the attributes of at most one pixel (width="1", height="0px"…);
# - a source among the few tracker addresses below, found in real feeds and e-mails,
#   whatever the size declared. Kept short on purpose: it names known beacons, not every
#   analytics service.
TRACKER_URLS = (
    re.compile(r"^pixel\."),  # host: pixel.wp.com (WordPress), pixel.quantserve.com…
    re.compile(r"/_/stat(?:[/?]|$)"),  # Medium: medium.com/_/stat?event=post.clientViewed
    re.compile(r"/~(?:r|ff)/"),  # FeedBurner: ~r/ open counter, ~ff/ FeedFlare images
    re.compile(r"/track/open"),  # Mailchimp (list-manage.com/track/open.php) and others
    re.compile(r"/wf/open(?:[/?]|$)"),  # SendGrid
    re.compile(r"/open\.gif$"),  # e-mail open counters
    re.compile(r"/pixel(?:\.(?:gif|png))?(?:/|$)"),  # a path segment "pixel", "pixel.gif"
)
"""Tracker addresses, matched against ``host + path`` of an image's source, lower-cased."""

_IMAGE = re.compile(
    r'(?P<link><a(?: [a-z][a-z-]*="[^"]*")*>\s*)?'
    r'<img(?P<attributes>(?: [a-z][a-z-]*="[^"]*")*)>'
    r"(?(link)\s*</a>)"
)
_ATTRIBUTE_VALUE = re.compile(r' (?P<name>[a-z][a-z-]*)="(?P<value>[^"]*)"')
_PIXELS = re.compile(r"\s*\+?(?P<size>\d+(?:\.\d*)?|\.\d+)\s*(?:px)?\s*", re.IGNORECASE)


def is_tracking_image(attributes: Mapping[str, str]) -> bool:
    """Whether an image with these attributes (values decoded) is a tracking image.

    Returns:
        ``True`` when its ``width`` or ``height`` declares at most one pixel, or its
        ``src`` is one of :data:`TRACKER_URLS`.
    """
    for name in ("width", "height"):
        size = _PIXELS.fullmatch(attributes.get(name, ""))
        if size is not None and float(size["size"]) <= 1:
            return True
    try:
        parts = urlsplit(attributes.get("src", "").strip())
        address = (parts.hostname or "") + parts.path
    except ValueError:
        return False
    address = address.lower()
    return any(pattern.search(address) for pattern in TRACKER_URLS)


def _drop_tracker(match: re.Match[str]) -> str:
    attributes = {
        found["name"]: unescape(found["value"])
        for found in _ATTRIBUTE_VALUE.finditer(match["attributes"])
    }
    return "" if is_tracking_image(attributes) else match.group(0)


def drop_tracking_images(html: str) -> str:
    """Remove the tracking images (:func:`is_tracking_image`) of :func:`clean_html`'s
    output, with the link around one when it holds nothing else."""
    return _IMAGE.sub(_drop_tracker, html) if "<img" in html else html


def clean_html(html: str, *, base_url: str = "") -> str:
    """Sanitize an HTML fragment with nh3: no scripts, handlers, styles or unsafe URLs,
    no tracking images (:func:`drop_tracking_images`).

    With ``base_url``, relative links and image sources are made absolute against it
    (:func:`resolve_url`).
    """
    html = strip_controls(html)[:MAX_HTML]
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter(base_url),
    )
    return drop_tracking_images(cleaned).strip()


def safe_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL, else an empty string."""
    url = strip_controls(url).strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url
