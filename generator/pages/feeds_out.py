"""The site's own feeds: RSS 2.0 and JSON Feed 1.1, for the newsletter and for each tag.

Pure functions: the MkDocs plugin collects each published page (its meta, canonical
URL and the HTML MkDocs rendered) as a :class:`FeedPage` with :func:`feed_page`, then
:func:`build_feeds` returns every feed document by its path under the site folder:

* ``feed_rss.xml`` and ``feed.json``: every infolettre post, newest first;
* ``themes/<id>/feed_rss.xml`` and ``themes/<id>/feed.json``, beside the tag's page:
  every post, feed item (``veille/``) and knowledge-base page (``connaissances/``)
  carrying the tag, newest first. Undated pages come last, by title, without a date:
  they are listed rather than left out, since a tag page lists them too.

Items carry the full content with every URL made absolute (feed readers resolve
relative URLs against the feed's URL, not the page's, so they would break), the
page's summary, its dates, authors, categories and tags. Drafts never get in.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from generator.models import Content
from generator.pages.feedwriter import Channel, Entry, render_rss, rfc3339
from generator.parallel import FieldPacker, map_forked
from generator.themes import catalog
from generator.veille.sanitize import strip_controls

RSS_NAME = "feed_rss.xml"
JSON_NAME = "feed.json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
LANGUAGE = "fr-FR"

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


class Kind(Enum):
    """What sort of page an item comes from, told by its docs path."""

    POST = "post"
    FEED_ITEM = "feed_item"
    KB_PAGE = "kb_page"


def page_kind(src_uri: str) -> Kind | None:
    """The kind of a page from its path in the docs, or ``None`` for other pages.

    Posts are ``infolettre/posts/<slug>/index.md``, feed items
    ``veille/<feed>/<slug>.md`` and knowledge-base pages ``connaissances/<slug>.md``;
    section and feed index pages are not items.
    """
    parts = src_uri.split("/")
    if src_uri.startswith(catalog.POSTS_URI + "/"):
        rest = parts[len(catalog.POSTS_URI.split("/")) :]
        return Kind.POST if len(rest) == 2 and rest[1] == "index.md" else None
    if parts[-1] == "index.md" or not parts[-1].endswith(".md"):
        return None
    if parts[0] == catalog.FEEDS_URI and len(parts) == 3:
        return Kind.FEED_ITEM
    if parts[0] == catalog.KB_URI and len(parts) == 2:
        return Kind.KB_PAGE
    return None


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
    draft: bool = False


def as_datetime(value: Any) -> datetime | None:
    """A front-matter date as an aware datetime (dates at midnight UTC; naive is UTC).

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


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip() for v in value if v is not None and str(v).strip())


def feed_page(
    *,
    src_uri: str,
    url: str,
    meta: Mapping[str, Any],
    html: str,
    authors: Sequence[str] = (),
    date_fallback: datetime | None = None,
) -> FeedPage | None:
    """A :class:`FeedPage` from what MkDocs knows of a rendered page.

    Args:
        src_uri: The page's path in the docs; other pages than posts, feed items and
            knowledge-base pages give ``None``.
        url: Its canonical, absolute URL.
        meta: Its front matter: ``title``, ``description``, ``date`` (a date, or
            ``created``/``updated`` for posts), ``authors``, ``categories``, ``tags``,
            ``image`` (relative to the page), ``draft``.
        html: The content MkDocs rendered (relative URLs).
        authors: Display names of the authors; the ids of ``meta`` when empty.
        date_fallback: A more precise date known elsewhere (the generator's), used
            instead of the meta's.

    Returns:
        The page, or ``None`` if it is not a feed item.
    """
    kind = page_kind(src_uri)
    if kind is None:
        return None
    raw_date = meta.get("date")
    updated = None
    if isinstance(raw_date, Mapping):
        published = as_datetime(raw_date.get("created"))
        updated = as_datetime(raw_date.get("updated"))
    else:
        published = as_datetime(raw_date)
    if date_fallback is not None:
        published = as_datetime(date_fallback)
    if updated is not None and published is not None and updated <= published:
        updated = None
    title = strip_controls(str(meta.get("title") or "")).strip() or posixpath.basename(url)
    image = str(meta.get("image") or "").strip()
    return FeedPage(
        src_uri=src_uri,
        kind=kind,
        url=url,
        title=title,
        description=strip_controls(str(meta.get("description") or "")).strip(),
        content_html=feed_content(html, url),
        published=published,
        updated=updated,
        authors=tuple(authors) or _strings(meta.get("authors")),
        categories=_strings(meta.get("categories")),
        tags=_strings(meta.get("tags")),
        image=absolute_url(image, url) if image else "",
        draft=meta.get("draft") is True,
    )


@dataclass(frozen=True, kw_only=True)
class RenderedPage:
    """What :func:`feed_page` needs of a page MkDocs rendered (its arguments)."""

    src_uri: str
    url: str
    meta: Mapping[str, Any]
    html: str
    authors: tuple[str, ...] = ()
    date_fallback: datetime | None = None


def _feed_page_of(page: RenderedPage) -> FeedPage | None:
    return feed_page(
        src_uri=page.src_uri,
        url=page.url,
        meta=page.meta,
        html=page.html,
        authors=page.authors,
        date_fallback=page.date_fallback,
    )


_FEED_PAGES = FieldPacker(FeedPage)


def _pack(page: FeedPage | None) -> tuple[Any, ...] | None:
    return None if page is None else _FEED_PAGES.pack(page)


def _unpack(packed: tuple[Any, ...] | None) -> FeedPage | None:
    return None if packed is None else _FEED_PAGES.unpack(packed)


def feed_pages(rendered: Sequence[RenderedPage]) -> list[FeedPage]:
    """:func:`feed_page` of each rendered page that is an item, on all cores (making
    URLs absolute parses every page's HTML)."""
    found = map_forked(_feed_page_of, rendered, pack=_pack, unpack=_unpack, piece="feed-pages")
    return [page for page in found if page is not None]


def newest_first(pages: Iterable[FeedPage]) -> list[FeedPage]:
    """Published pages (no drafts), newest first; undated ones last, by title."""
    published = [p for p in pages if not p.draft]
    dated = sorted(
        (p for p in published if p.published is not None),
        key=lambda p: (p.published or datetime.min.replace(tzinfo=UTC), p.url),
        reverse=True,
    )
    undated = sorted((p for p in published if p.published is None), key=lambda p: p.title)
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


def feed_specs(
    pages: Iterable[FeedPage],
    *,
    site_url: str,
    site_name: str,
    site_description: str,
    tags: Sequence[TagInfo],
    language: str = LANGUAGE,
) -> list[FeedSpec]:
    """The site's feeds: the newsletter's, then one per tag (drafts dropped)."""
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
        return FeedSpec(folder=folder, info=info, items=tuple(items), tag_feed=folder != "")

    specs = [
        spec("", site_name, base, site_description, [p for p in ordered if p.kind is Kind.POST])
    ]
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
    language: str = LANGUAGE,
) -> dict[str, str]:
    """Every feed of the site, by its path under the site folder (in one process; the
    plugin writes them with :func:`write_feeds`).

    Args:
        pages: The pages collected during the build (drafts are dropped here).
        site_url: The site's absolute URL.
        site_name: The site's title.
        site_description: The site's description.
        tags: The vocabulary; each tag gets a feed beside its page, ``themes/<id>/``.
        built: The build time: the ``lastBuildDate`` of feeds without a dated item.
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
        language=language,
    )
    return {path: text for spec in specs for path, text in spec_documents(spec, built=built)}


def write_feeds(specs: Sequence[FeedSpec], site_dir: Path, *, built: datetime) -> int:
    """Write every feed under ``site_dir``, the feeds spread over the machine's cores,
    each file written as soon as it is made. Returns how many files were written."""

    def write(spec: FeedSpec) -> int:
        written = 0
        for path, text in spec_documents(spec, built=built):
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written += 1
        return written

    return sum(map_forked(write, specs, per_process=1, piece="feeds"))


def tag_infos(content: Content) -> list[TagInfo]:
    """The vocabulary as the feeds need it (pages carry labels, feeds are per id)."""
    return [
        TagInfo(id=rule.id, label=rule.label, description=rule.description)
        for rule in content.taxonomy.tags
    ]


def page_dates(content: Content) -> dict[str, datetime]:
    """Docs path → the generator's date, more precise than the pages' (feed items) or
    absent from them (knowledge-base pages)."""
    dates: dict[str, datetime] = {
        catalog.item_page(i.feed_id, i.slug): i.published for i in content.items
    }
    dates.update({catalog.kb_page(kb.slug): kb.date for kb in content.kb_pages if kb.date})
    return dates


def discovery_links(src_uri: str, *, site_url: str, site_name: str, tags: Sequence[TagInfo]) -> str:
    """``<link rel="alternate">`` elements for a page's ``<head>``: the newsletter's feeds,
    and on a tag page that tag's feeds too."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    links = [("", site_name)]
    tag_id = src_uri.removeprefix(catalog.TAGS_URI + "/").removesuffix(".md")
    if src_uri == f"{catalog.TAGS_URI}/{tag_id}.md":
        tag = next((t for t in tags if t.id == tag_id), None)
        if tag is not None:
            links.append((f"{catalog.TAGS_URI}/{tag.id}/", f"{site_name} — {tag.label}"))
    return "".join(
        f'<link rel="alternate" type="{kind}" title="{escape(title)}" '
        f'href="{escape(base + folder + name)}">'
        for folder, title in links
        for kind, name in (("application/rss+xml", RSS_NAME), ("application/feed+json", JSON_NAME))
    )
