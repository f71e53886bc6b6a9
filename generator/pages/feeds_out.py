"""The site's own feeds: RSS 2.0 and JSON Feed 1.1, for the newsletter and for each tag.

Pure functions. What an item says of itself (title, dates, summary, authors, tags) comes
from the generator's catalog as it makes the pages: :func:`feed_entries`, by docs path.
The renderer only hands over, for each of those pages, its URL and the HTML it made
(:class:`RenderedPage`); :func:`site_feeds` then gives every feed to write:

* ``feed_rss.xml`` and ``feed.json``: the infolettre's posts, newest first;
* ``billets/`` and ``evenements/`` (when the site has articles or events): their own
  ``feed_rss.xml`` and ``feed.json``, beside their listings;
* ``themes/<id>/feed_rss.xml`` and ``themes/<id>/feed.json``, beside the tag's page:
  the posts, feed items (``veille/``) and knowledge-base pages (``connaissances/``)
  carrying the tag, newest first. Undated pages come last, by title, without a date:
  they are listed rather than left out, since a tag page lists them too.

Each feed keeps its most recent items only (:data:`DEFAULT_LIMIT`, or the plugin's
``feed_items``). Items carry the full content with every URL made absolute (feed
readers resolve relative URLs against the feed's URL, not the page's, so they would
break), the page's summary, its dates, authors, categories and tags. Drafts never get in.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from generator.content.dates import paris_time
from generator.content.events import event_line
from generator.models import Content, Kind, Post
from generator.pages.feedwriter import Channel, Entry, render_rss, rfc3339
from generator.pages.summary import summary_text
from generator.themes import catalog
from generator.veille.sanitize import strip_controls

RSS_NAME = "feed_rss.xml"
JSON_NAME = "feed.json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "fr-FR"
DEFAULT_LIMIT = 50
"""How many items each feed keeps by default, the most recent (as feed plugins do)."""

URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite", "background", "longdesc"})
"""Attributes holding one URL; ``srcset`` (a list) and ``<object data>`` are handled too."""

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_ATTRIBUTE = re.compile(
    r"""(?P<space>\s*)(?P<name>[^\s"'>/=]+)"""
    r"""(?:(?P<equals>\s*=\s*)(?P<value>"[^"]*"|'[^']*'|[^\s>]*))?"""
)
_TAG_NAME = re.compile(r"<\s*[^\s/>]+")
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>(?:&para;|¶)</a>')
_SEARCH_EXCLUDE = re.compile(r"""\sdata-search-exclude(?:=(?:"[^"]*"|'[^']*'))?(?=[\s/>])""")
_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*", re.DOTALL | re.IGNORECASE)


# --- URLs ------------------------------------------------------------------------------


def absolute_url(url: str, base_url: str) -> str:
    """``url`` resolved against ``base_url``; URLs with a scheme (``mailto:``…) unchanged.

    Protocol-relative URLs (``//host/x``) take the base's scheme; ``#anchor`` becomes
    the base page's anchor.
    """
    stripped = url.strip()
    if _SCHEME.match(stripped):
        return url
    return urljoin(base_url, stripped)


def absolute_srcset(srcset: str, base_url: str) -> str:
    """A ``srcset`` value with each candidate's URL resolved against ``base_url``.

    Follows the HTML parsing rules closely enough: a candidate is a URL (no spaces),
    then optional descriptors up to the next comma.
    """
    candidates: list[str] = []
    position = 0
    while position < len(srcset):
        while position < len(srcset) and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        if position >= len(srcset):
            break
        end = position
        while end < len(srcset) and not srcset[end].isspace():
            end += 1
        url = srcset[position:end]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = srcset.find(",", end)
            comma = len(srcset) if comma == -1 else comma
            descriptor = srcset[end:comma].strip()
            end = comma
        position = end
        if url:
            candidates.append(f"{absolute_url(url, base_url)} {descriptor}".rstrip())
    return ", ".join(candidates)


def _absolute_tag(tag_text: str, base_url: str) -> str:
    """A raw start tag with its URL attributes resolved; anything else kept byte for byte."""
    name_match = _TAG_NAME.match(tag_text)
    if not name_match:
        return tag_text
    tag_name = name_match.group(0)[1:].strip().lower()
    out = [name_match.group(0)]
    position = name_match.end()
    while position < len(tag_text):
        match = _ATTRIBUTE.match(tag_text, position)
        if not match:  # "/", ">" or a stray character: keep it, go on
            out.append(tag_text[position])
            position += 1
            continue
        position = match.end()
        name = match.group("name").lower()
        raw = match.group("value")
        is_url = (
            name in URL_ATTRIBUTES or name == "srcset" or (name == "data" and tag_name == "object")
        )
        if raw is None or not is_url:
            out.append(match.group(0))
            continue
        value = unescape(raw[1:-1] if raw[:1] in "\"'" else raw)
        if name == "srcset":
            resolved = absolute_srcset(value, base_url)
        else:
            resolved = absolute_url(value, base_url)
        if resolved == value:
            out.append(match.group(0))
        else:
            out.append(f'{match.group("space")}{match.group("name")}="{escape(resolved)}"')
    return "".join(out)


class _StartTags(HTMLParser):
    """Finds where each start tag sits in a document, as ``(offset, raw text)``."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str]] = []
        self._line_starts = [0]
        for match in re.finditer("\n", text):
            self._line_starts.append(match.end())

    def _record(self) -> None:
        raw = self.get_starttag_text()
        if raw is None:
            return
        line, column = self.getpos()
        self.tags.append((self._line_starts[line - 1] + column, raw))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record()


def absolutize_html(html: str, base_url: str) -> str:
    """Resolve every relative URL of an HTML fragment against ``base_url``.

    Rewrites ``href``, ``src``, ``srcset``, ``poster`` (and ``cite``, ``background``,
    ``longdesc``, ``<object data>``) of start tags only: text, comments, scripts and
    code samples stay as they are, and so do the other bytes of each tag. URLs with
    a scheme (``https:``, ``mailto:``, ``data:``…) are kept; ``//host/x`` takes the
    base's scheme; ``#anchor`` points into the base page.

    Args:
        html: An HTML fragment, as MkDocs renders a page.
        base_url: The absolute URL the fragment's relative URLs are relative to (the
            page's canonical URL).

    Returns:
        The fragment with absolute URLs.
    """
    parser = _StartTags(html)
    parser.feed(html)
    parser.close()
    pieces: list[str] = []
    position = 0
    for offset, raw in parser.tags:
        if html.startswith(raw, offset) and offset >= position:
            pieces.append(html[position:offset])
            pieces.append(_absolute_tag(raw, base_url))
            position = offset + len(raw)
    pieces.append(html[position:])
    return "".join(pieces)


def feed_content(html: str, base_url: str) -> str:
    """The HTML of a page as a feed item carries it.

    The leading ``h1`` (the item's title already), the ``¶`` permalinks of the headings
    and the site search's ``data-search-exclude`` marks are dropped, URLs made absolute,
    control characters removed.
    """
    html = _LEADING_H1.sub("", _SEARCH_EXCLUDE.sub("", _HEADERLINK.sub("", html)), count=1)
    return strip_controls(absolutize_html(html, base_url)).strip()


# --- Pages -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FeedEntry:
    """What the feeds say of a page, taken from the generator's catalog when it makes the
    pages (:func:`feed_entries`), never read back from the rendered page."""

    page: str
    """Its path in the docs (``infolettre/posts/<slug>/index.md``…): what the renderer
    hands the page's HTML over by."""
    kind: Kind
    title: str
    description: str
    published: datetime | None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    """Display names."""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    """The tags its page shows: labels of the vocabulary, and editors' free tags."""
    image: str = ""
    """Relative to the page (a post's cover), or absolute."""


def as_datetime(value: Any) -> datetime | None:
    """A date as an aware datetime (dates at midnight UTC; naive is UTC).

    Accepts ``datetime``, ``date`` and ISO 8601 strings; anything else is ``None``.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return None


def _post_entry(content: Content, post: Post, common: Mapping[str, Any]) -> FeedEntry:
    """The feed entry of an infolettre, article or event: its dates (an update only when
    later than the publication), authors, categories and cover."""
    published = paris_time(post.date)
    updated = paris_time(post.lastmod or post.date)
    return FeedEntry(
        **common,
        published=published,
        updated=updated if updated > published else None,
        authors=tuple(catalog.author_name(content, a) for a in post.authors),
        categories=post.categories,
        image=post.cover,
    )


def feed_entries(
    content: Content, entries: Iterable[catalog.Entry], index: catalog.TagIndex, *, now: datetime
) -> dict[str, FeedEntry]:
    """The feed entry of every page that can be a feed item, by its docs path.

    Args:
        content: The content as the pages are made of it (the posts to publish).
        entries: Its catalog (:func:`generator.themes.catalog.build_entries`).
        index: The tags of the entries.
        now: The build time: drafts and posts dated later never get in, even where
            ``mkdocs serve`` shows them.

    Returns:
        Posts, feed items and knowledge-base pages, with the title, dates, summary and
        tags their pages show; a post's dates in Paris time, as its page gives them.
    """
    posts = {catalog.post_page(post.slug): post for post in content.posts}
    articles = {catalog.article_page(post): post for post in content.articles}
    items = {catalog.item_page(item.feed_id, item.slug): item for item in content.items}
    found: dict[str, FeedEntry] = {}
    for entry in entries:
        shown = catalog.shown_tags(
            content.taxonomy, entry.kind, entry.editor_tags, index.tags_of(entry.id)
        )
        common: dict[str, Any] = {
            "page": entry.page,
            "kind": entry.kind,
            "title": entry.title,
            # A feed item's summary is text already; the others are an editor's Markdown.
            "description": catalog.page_description(
                entry.kind,
                entry.summary if entry.kind is Kind.FEED_ITEM else summary_text(entry.summary),
                entry.title,
            ),
            "tags": tuple(shown),
        }
        if entry.kind is Kind.INFOLETTRE:
            post = posts[entry.page]
            if post.draft or post.date > now:
                continue
            found[entry.page] = _post_entry(content, post, common)
        elif entry.kind in (Kind.ARTICLE, Kind.EVENT):
            article = articles[entry.page]
            if article.draft or article.shown_from > now:
                continue
            if article.event is not None:
                line = event_line(article.date, article.event)
                common["description"] = " — ".join(
                    part for part in (line, summary_text(article.summary)) if part
                )
            found[entry.page] = _post_entry(content, article, common)
        elif entry.kind is Kind.FEED_ITEM:
            # The item's own date, as its page gives it (it is listed under another
            # when the feed dated it later than the day it was first seen).
            found[entry.page] = FeedEntry(
                **common, published=as_datetime(items[entry.page].published)
            )
        else:
            found[entry.page] = FeedEntry(**common, published=as_datetime(entry.date))
    return found


def entry_to_json(entry: FeedEntry) -> dict[str, Any]:
    """A feed entry as JSON values (the build cache keeps them beside its pages)."""
    return {
        "page": entry.page,
        "kind": entry.kind.value,
        "title": entry.title,
        "description": entry.description,
        "published": entry.published.isoformat() if entry.published else None,
        "updated": entry.updated.isoformat() if entry.updated else None,
        "authors": list(entry.authors),
        "categories": list(entry.categories),
        "tags": list(entry.tags),
        "image": entry.image,
    }


def entry_from_json(data: Mapping[str, Any]) -> FeedEntry:
    """The feed entry :func:`entry_to_json` was given.

    Raises:
        KeyError, TypeError, ValueError: ``data`` is not what it writes.
    """
    published, updated = data["published"], data["updated"]
    return FeedEntry(
        page=str(data["page"]),
        kind=Kind(data["kind"]),
        title=str(data["title"]),
        description=str(data["description"]),
        published=datetime.fromisoformat(published) if published is not None else None,
        updated=datetime.fromisoformat(updated) if updated is not None else None,
        authors=tuple(str(a) for a in data["authors"]),
        categories=tuple(str(c) for c in data["categories"]),
        tags=tuple(str(t) for t in data["tags"]),
        image=str(data["image"]),
    )


@dataclass(frozen=True, kw_only=True)
class RenderedPage:
    """What the renderer gives of a page: where it is published, and its HTML."""

    src_uri: str
    """Its path in the docs: the key of its :class:`FeedEntry`."""
    url: str
    """Its canonical, absolute URL."""
    html: str
    """The content it rendered (relative URLs)."""


@dataclass(frozen=True, kw_only=True)
class FeedPage:
    """A published page, as the feeds see it (URLs absolute, HTML ready)."""

    src_uri: str
    """Its path in the docs (``infolettre/posts/<slug>/index.md``…)."""
    kind: Kind
    url: str
    title: str
    description: str
    content_html: str
    published: datetime | None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    """The tags shown on the page: labels of the vocabulary, and editors' free tags."""
    image: str = ""


def feed_page(entry: FeedEntry, *, url: str, html: str | None) -> FeedPage:
    """A :class:`FeedPage`: the entry's metadata, the page's URL and HTML.

    Args:
        entry: What the generator says of the page.
        url: Its canonical, absolute URL.
        html: The content the renderer made of it (relative URLs); ``None`` leaves the
            item's content empty (to order and choose items before their HTML is worked).
    """
    title = strip_controls(entry.title).strip() or posixpath.basename(url)
    image = entry.image.strip()
    return FeedPage(
        src_uri=entry.page,
        kind=entry.kind,
        url=url,
        title=title,
        description=strip_controls(entry.description).strip(),
        content_html=feed_content(html, url) if html is not None else "",
        published=entry.published,
        updated=entry.updated,
        authors=entry.authors,
        categories=entry.categories,
        tags=entry.tags,
        image=absolute_url(image, url) if image else "",
    )


def feed_pages(
    rendered: Sequence[RenderedPage], entries: Mapping[str, FeedEntry]
) -> list[FeedPage]:
    """:func:`feed_page` of each rendered page that has an entry. (Made on all cores,
    they saved nothing: bench-pieces, +1.4 % of a 3,000-item build, median of 5.)"""
    return [
        feed_page(entries[page.src_uri], url=page.url, html=page.html)
        for page in rendered
        if page.src_uri in entries
    ]


def newest_first(pages: Iterable[FeedPage]) -> list[FeedPage]:
    """Pages newest first; undated ones last, by title."""
    listed = list(pages)
    dated = sorted(
        (p for p in listed if p.published is not None),
        key=lambda p: (p.published or datetime.min.replace(tzinfo=UTC), p.url),
        reverse=True,
    )
    undated = sorted((p for p in listed if p.published is None), key=lambda p: p.title)
    return dated + undated


# --- Documents -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FeedInfo:
    """A feed's own metadata."""

    title: str
    home_url: str
    """The page the feed follows (the site, or the tag's page)."""
    rss_url: str
    json_url: str
    description: str
    language: str = LANGUAGE


def _labels(page: FeedPage) -> tuple[str, ...]:
    """Categories then tags, each once (``Infolettre`` hides the tag ``infolettre``)."""
    seen: dict[str, str] = {}
    for label in page.categories + page.tags:
        seen.setdefault(label.casefold(), label)
    return tuple(seen.values())


def _last_change(pages: Sequence[FeedPage], fallback: datetime) -> datetime:
    dates = [d for p in pages for d in (p.published, p.updated) if d is not None]
    return max(dates, default=fallback)


def rss_document(info: FeedInfo, pages: Sequence[FeedPage], *, built: datetime) -> str:
    """An RSS 2.0 document listing ``pages`` in the given order.

    ``lastBuildDate`` is the newest date of the pages (``built`` when none), so that
    an unchanged site gives the same bytes.
    """
    entries = [
        Entry(
            title=p.title,
            link=p.url,
            guid=p.url,
            published=p.published,
            updated=p.updated,
            description=p.description,
            content_html=p.content_html,
            author=", ".join(p.authors),
            categories=_labels(p),
        )
        for p in pages
    ]
    channel = Channel(
        title=info.title,
        link=info.home_url,
        self_url=info.rss_url,
        description=info.description,
        language=info.language,
    )
    return render_rss(channel, entries, built=_last_change(pages, built))


def json_feed_item(page: FeedPage) -> dict[str, Any]:
    """One JSON Feed 1.1 item; optional members only when known."""
    item: dict[str, Any] = {
        "id": page.url,
        "url": page.url,
        "title": page.title,
        "content_html": page.content_html,
    }
    if page.description:
        item["summary"] = page.description
    if page.image:
        item["image"] = page.image
    if page.published:
        item["date_published"] = rfc3339(page.published)
    if page.updated:
        item["date_modified"] = rfc3339(page.updated)
    if page.authors:
        item["authors"] = [{"name": name} for name in page.authors]
    labels = _labels(page)
    if labels:
        item["tags"] = list(labels)
    return item


def json_feed_document(info: FeedInfo, pages: Sequence[FeedPage]) -> str:
    """A JSON Feed 1.1 document listing ``pages`` in the given order."""
    feed = {
        "version": JSON_FEED_VERSION,
        "title": strip_controls(info.title),
        "home_page_url": info.home_url,
        "feed_url": info.json_url,
        "description": strip_controls(info.description),
        "language": info.language,
        "items": [json_feed_item(p) for p in pages],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, kw_only=True)
class TagInfo:
    """A tag of the vocabulary, as its feed needs it."""

    id: str
    label: str
    description: str


def tag_ids(labels: Iterable[str], tags: Sequence[TagInfo]) -> set[str]:
    """Vocabulary ids of the tags a page shows (labels, or ids); free tags are ignored."""
    known = {t.label.casefold(): t.id for t in tags}
    known.update({t.id.casefold(): t.id for t in tags})
    return {known[label.casefold()] for label in labels if label.casefold() in known}


EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)
"""Written beside the tag feeds (see :func:`spec_documents`)."""


@dataclass(frozen=True, kw_only=True)
class FeedSpec:
    """One feed to write: its folder, what it says of itself, and its items."""

    folder: str
    """Where its RSS and JSON files go, under the site folder (``""``: the root)."""
    info: FeedInfo
    items: tuple[FeedPage, ...]
    tag_feed: bool = False
    """A tag's feed: an empty ``sitemap.xml`` goes beside it (see :func:`spec_documents`)."""


SECTION_FEEDS = (
    (Kind.ARTICLE, "Billets", "Les billets du réseau."),
    (Kind.EVENT, "Événements", "Les événements du réseau."),
)
"""The feeds of Hugo's other sections, in the folders of their listings."""


def feed_specs(
    pages: Iterable[FeedPage],
    *,
    site_url: str,
    site_name: str,
    site_description: str,
    tags: Sequence[TagInfo],
    limit: int = DEFAULT_LIMIT,
    language: str = LANGUAGE,
) -> list[FeedSpec]:
    """The site's feeds: the newsletter's, then one per tag, each with its ``limit`` most
    recent items."""
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    base = site_url if site_url.endswith("/") else site_url + "/"
    ordered = newest_first(pages)

    def spec(
        folder: str, title: str, home: str, description: str, items: list[FeedPage]
    ) -> FeedSpec:
        info = FeedInfo(
            title=title,
            home_url=home,
            rss_url=urljoin(base, posixpath.join(folder, RSS_NAME)),
            json_url=urljoin(base, posixpath.join(folder, JSON_NAME)),
            description=description,
            language=language,
        )
        return FeedSpec(folder=folder, info=info, items=tuple(items[:limit]), tag_feed=folder != "")

    specs = [
        spec(
            "",
            site_name,
            base,
            site_description,
            [p for p in ordered if p.kind is Kind.INFOLETTRE],
        )
    ]
    # Articles and events have their own feeds, beside their listings.
    for kind, label, description in SECTION_FEEDS:
        pages_of_kind = [p for p in ordered if p.kind is kind]
        if pages_of_kind:
            specs.append(
                spec(
                    kind.value,
                    f"{site_name} — {label}",
                    urljoin(base, kind.value + "/"),
                    description,
                    pages_of_kind,
                )
            )
    # The ids of each page's tags, worked out once rather than once per tag.
    page_tags = [tag_ids(p.tags, tags) for p in ordered]
    for tag in tags:
        folder = f"{catalog.TAGS_URI}/{tag.id}"
        tagged = [p for p, ids in zip(ordered, page_tags, strict=True) if tag.id in ids]
        specs.append(
            spec(
                folder,
                f"{site_name} — {tag.label}",
                urljoin(base, folder + "/"),
                tag.description,
                tagged,
            )
        )
    return specs


def site_feeds(
    rendered: Sequence[RenderedPage],
    entries: Mapping[str, FeedEntry],
    *,
    site_url: str,
    site_name: str,
    site_description: str,
    tags: Sequence[TagInfo],
    limit: int = DEFAULT_LIMIT,
    language: str = LANGUAGE,
) -> list[FeedSpec]:
    """The site's feeds (:func:`feed_specs`) from the generator's entries and the pages
    the renderer made of them.

    The items are ordered and chosen on the entries alone; only the pages that some feed
    keeps have their HTML worked (:func:`feed_content`), each once.

    Args:
        rendered: The pages the renderer made: URL and HTML by docs path; those without
            an entry are left out.
        entries: The generator's feed entries, by docs path (:func:`feed_entries`).
        site_url: The site's absolute URL.
        site_name: The site's title.
        site_description: The site's description.
        tags: The vocabulary; each tag gets a feed beside its page, ``themes/<id>/``.
        limit: How many items each feed keeps, the most recent.
        language: The feeds' language.
    """
    listed = [page for page in rendered if page.src_uri in entries]
    specs = feed_specs(
        (feed_page(entries[page.src_uri], url=page.url, html=None) for page in listed),
        site_url=site_url,
        site_name=site_name,
        site_description=site_description,
        tags=tags,
        limit=limit,
        language=language,
    )
    kept = {page.src_uri for spec in specs for page in spec.items}
    made = {
        page.src_uri: page
        for page in feed_pages([page for page in listed if page.src_uri in kept], entries)
    }
    return [replace(spec, items=tuple(made[p.src_uri] for p in spec.items)) for spec in specs]


def spec_documents(spec: FeedSpec, *, built: datetime) -> Iterator[tuple[str, str]]:
    """The files of one feed, one at a time: ``(path under the site folder, text)``; a
    tag's feed of thousands of items weighs tens of megabytes.

    Beside each tag's feeds goes an empty ``sitemap.xml``: Material's JavaScript fetches
    ``sitemap.xml`` relative to every ``<link rel="alternate">`` of a page (it takes them
    for other languages of the site), so a tag page that links its feeds would otherwise
    request a missing file and log an error.
    """
    yield posixpath.join(spec.folder, RSS_NAME), rss_document(spec.info, spec.items, built=built)
    yield posixpath.join(spec.folder, JSON_NAME), json_feed_document(spec.info, spec.items)
    if spec.tag_feed:
        yield posixpath.join(spec.folder, "sitemap.xml"), EMPTY_SITEMAP


def build_feeds(
    pages: Iterable[FeedPage],
    *,
    site_url: str,
    site_name: str,
    site_description: str,
    tags: Sequence[TagInfo],
    built: datetime,
    limit: int = DEFAULT_LIMIT,
    language: str = LANGUAGE,
) -> dict[str, str]:
    """Every feed of the site, by its path under the site folder (in one process; the
    plugin writes them with :func:`write_feeds`).

    Args:
        pages: The pages of the feeds.
        site_url: The site's absolute URL.
        site_name: The site's title.
        site_description: The site's description.
        tags: The vocabulary; each tag gets a feed beside its page, ``themes/<id>/``.
        built: The build time: the ``lastBuildDate`` of feeds without a dated item.
        limit: How many items each feed keeps, the most recent.
        language: The feeds' language.

    Returns:
        ``"feed_rss.xml"``, ``"feed.json"``, ``"themes/<id>/feed_rss.xml"``… and the
        empty sitemaps beside the tag feeds (:func:`spec_documents`).
    """
    specs = feed_specs(
        pages,
        site_url=site_url,
        site_name=site_name,
        site_description=site_description,
        tags=tags,
        limit=limit,
        language=language,
    )
    return {path: text for spec in specs for path, text in spec_documents(spec, built=built)}


def write_feeds(specs: Sequence[FeedSpec], site_dir: Path, *, built: datetime) -> int:
    """Write every feed under ``site_dir``. Returns how many files were written."""
    written = 0
    for spec in specs:
        for path, text in spec_documents(spec, built=built):
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written += 1
    return written


def tag_infos(content: Content) -> list[TagInfo]:
    """The vocabulary as the feeds need it (pages carry labels, feeds are per id)."""
    return [
        TagInfo(id=rule.id, label=rule.label, description=rule.description)
        for rule in content.taxonomy.tags
    ]


def discovery_links(src_uri: str, *, site_url: str, site_name: str, tags: Sequence[TagInfo]) -> str:
    """``<link rel="alternate">`` elements for a page's ``<head>``: the newsletter's feeds,
    and on a tag page that tag's feeds too."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    links = [("", site_name)]
    tag_id = src_uri.removeprefix(catalog.TAGS_URI + "/").removesuffix("/index.md")
    if src_uri == catalog.tag_page(tag_id):
        tag = next((t for t in tags if t.id == tag_id), None)
        if tag is not None:
            links.append((f"{catalog.TAGS_URI}/{tag.id}/", f"{site_name} — {tag.label}"))
    return "".join(
        f'<link rel="alternate" type="{kind}" title="{escape(title)}" '
        f'href="{escape(base + folder + name)}">'
        for folder, title in links
        for kind, name in (("application/rss+xml", RSS_NAME), ("application/feed+json", JSON_NAME))
    )
