"""Turn content into the normalized Markdown pages the renderer publishes. Pure, apart
from reading the files a post includes and listing ``content/static/``.

Infolettres become Material blog posts; each feed item, knowledge-base page and tag
gets a page; index pages list them. Only the section index pages sit in the navigation:
item pages are kept out of it, so the sidebar never lists thousands of pages.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator.content.dates import format_french, paris_day, paris_time
from generator.content.events import event_box, event_line
from generator.content.shortcodes import ShortcodeWarning, convert
from generator.content.yaml_dump import dump_page_front_matter
from generator.models import (
    Content,
    FeedConfig,
    FeedItem,
    Kind,
    OutPage,
    Post,
    TagRule,
    Taxonomy,
)
from generator.pages import excerpts, feeds_out, raw_html
from generator.pages.links import UrlStyle, missing_targets, page_link
from generator.pages.summary import summary_html, summary_text
from generator.parallel import map_forked
from generator.template_cache import keep_compiled
from generator.themes import catalog
from generator.themes.catalog import Entry, TagIndex

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|!])")
_HEADING = re.compile(r"^(#{1,5})(\s)")


STATIC_DIR = "static"
"""Hugo's static folder, under ``content/``: published as it is at the site's root."""


def md(text: str) -> str:
    """Escape text so Markdown shows it literally (inline context).

    ``&``, ``<`` and ``>`` become entities (Python-Markdown keeps a backslash before
    ``<``: it is not one of its escapable characters), the other characters Markdown
    reads are escaped with a backslash.
    """
    return _MD_SPECIAL.sub(_backslashed, h(text)).replace("\n", " ")


def _backslashed(match: re.Match[str]) -> str:
    # A function: re.sub with a template string costs more per call than the matching.
    return "\\" + match[1]


def h(text: str) -> str:
    """Escape text for HTML as Python-Markdown writes it (``&``, ``<``, ``>``)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    """Escape an attribute's value for HTML (``"`` too)."""
    return h(text).replace('"', "&quot;")


_ENV = Environment(
    loader=PackageLoader("generator", "templates"),
    autoescape=False,  # these templates produce Markdown; text goes through `md` or `e`
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=False,
    # The templates are the package's, not content: not looked at again on every page.
    auto_reload=False,
)
keep_compiled(_ENV, "pages")
_ENV.filters["md"] = md
_ENV.filters["summary"] = summary_html
_ENV.filters["md_cell"] = md  # `md` escapes `|` too, so it is safe in table cells
_ENV.filters["french_date"] = format_french
# Kept out of Markdown (generator/pages/raw_html.py): an item's HTML, and the generator's own.
_ENV.filters["raw_html"] = raw_html.wrap
_ENV.filters["h"] = h
_ENV.filters["attr"] = attr


def _render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context)


def _parts(path: str) -> list[str] | None:
    """The components of a normalized docs path, or ``None`` if it climbs above the root
    or is absolute (those go through :func:`posixpath.relpath`)."""
    normalized = posixpath.normpath(path)
    if normalized.startswith(("/", "..")):
        return None
    return [part for part in normalized.split("/") if part and part != "."]


def href(from_page: str, to_page: str) -> str:
    """Relative Markdown link from one docs path to another."""
    start = _parts(posixpath.dirname(from_page) or ".")
    target = _parts(to_page)
    if start is None or target is None:
        return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    # posixpath.relpath without its two calls to os.getcwd(): tens of thousands of links.
    common = 0
    for a, b in zip(start, target, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return "/".join(parts) if parts else "."


def front_matter(meta: dict[str, Any], body: str) -> str:
    """A Markdown page with YAML front matter."""
    dumped = dump_page_front_matter(meta)
    return f"---\n{dumped}---\n\n{body.lstrip()}"


def _demoted(match: re.Match[str]) -> str:
    return f"#{match[1]}{match[2]}"


def demote_headings(markdown: str) -> str:
    """Push ATX headings one level down (``#`` → ``##``), leaving code blocks alone.

    The post title is the page's only ``h1``; Hugo posts use ``#`` for their sections.
    """
    lines = markdown.split("\n")
    fenced = False
    for index, line in enumerate(lines):
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            lines[index] = _HEADING.sub(_demoted, line)
    return "\n".join(lines)


Link = Callable[[str, str], str]
"""The link from a page to another, both docs paths: a relative ``.md`` path in Markdown
(:func:`href`, which the renderer resolves), the final URL in HTML (:meth:`Generated.link`)."""


@dataclass(kw_only=True)
class Generated:
    """The pages of a build, and what is worth telling the editor."""

    now: datetime
    urls: UrlStyle = field(default_factory=UrlStyle)
    """Where the renderer publishes pages: the URLs of the links in the generator's HTML."""
    pages: list[OutPage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    feed_entries: dict[str, feeds_out.FeedEntry] = field(default_factory=dict)
    """What the site's feeds say of each page that can be an item, by docs path."""
    links: list[tuple[str, str]] = field(default_factory=list)
    """``(page, target)`` of each link written in HTML, checked once every page is made."""

    def link(self, from_page: str, to_page: str) -> str:
        """The URL of ``to_page`` from ``from_page`` (docs paths), as written in HTML."""
        self.links.append((from_page, to_page.partition("#")[0]))
        return page_link(from_page, to_page, self.urls)


def _pack(part: Generated) -> tuple[Any, ...]:
    pages = [(p.path, p.text, p.source, p.in_nav) for p in part.pages]
    return part.now, pages, part.warnings, part.links


def _unpack(packed: tuple[Any, ...]) -> Generated:
    now, pages, warnings, linked = packed
    return Generated(
        now=now,
        pages=[OutPage(path=a, text=b, source=c, in_nav=d) for a, b, c, d in pages],
        warnings=warnings,
        links=linked,
    )


def _tag_links(
    taxonomy: Taxonomy, page: str, ids: Iterable[str], link: Link
) -> list[dict[str, str]]:
    found = []
    for tag_id in ids:
        rule = taxonomy.get(tag_id)
        if rule:
            found.append({"label": rule.label, "href": link(page, catalog.tag_page(tag_id))})
    return found


def missing_images(markdown: str, available: set[str]) -> list[tuple[int, str]]:
    """Relative images of ``markdown`` that are not among ``available`` files.

    Returns:
        ``(line, src)`` pairs, 1-based lines of ``markdown``.
    """
    found: list[tuple[int, str]] = []
    for pattern in (_MD_IMAGE, _HTML_IMAGE):
        for match in pattern.finditer(markdown):
            src = match.group(1).split("#", 1)[0].split("?", 1)[0]
            if not src or "://" in src or src.startswith(("/", "data:", "mailto:")):
                continue
            if posixpath.normpath(src) not in available:
                found.append((markdown.count("\n", 0, match.start()) + 1, match.group(1)))
    return sorted(found)


_SIBLING_LINK = re.compile(r"\]\(\.\./(?P<slug>[\w-]+)/?(?P<anchor>#[\w-]*)?\)")


def link_siblings(markdown: str, slugs: set[str]) -> str:
    """Turn Hugo-style links between bundles (``../infolettre_12/``) into links MkDocs
    checks and rewrites (``../infolettre_12/index.md``)."""

    def repl(match: re.Match[str]) -> str:
        if match["slug"] not in slugs:
            return match.group(0)
        return f"](../{match['slug']}/index.md{match['anchor'] or ''})"

    return _SIBLING_LINK.sub(repl, markdown)


PER_PAGE = 50
"""Entries per page of a feed or tag listing."""


_LATER_PAGE: dict[str, Any] = {"search": {"exclude": True}}
"""Front matter of a listing's pages after the first: search finds the listing by its first
page, and each listed page by itself, not under the same title once per page."""


def paginate(
    first: str,
    folder: str,
    rows: list[dict[str, Any]],
    *,
    link: Link = href,
    per_page: int = PER_PAGE,
) -> list[tuple[str, list[dict[str, Any]], str]]:
    """Split a listing into pages: ``first``, then ``folder/page/2/index.md``, ``…/3/index.md``.

    Args:
        first: The listing's first page (docs path).
        folder: Where its later pages go.
        rows: The listing's rows; each row's ``target`` is the docs path it links to.
        link: How a page links to another (:meth:`Generated.link` for HTML).
        per_page: Rows per page.

    Returns:
        ``(path, rows of the page, pager HTML)`` for each page; each row's ``href`` is
        its link from that page.
    """
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    paths = [first] + [f"{folder}/page/{n}/index.md" for n in range(2, len(chunks) + 1)]
    pages = []
    for number, (path, chunk) in enumerate(zip(paths, chunks, strict=True), start=1):
        linked = [dict(row, href=link(path, row["target"])) for row in chunk]
        parts = []
        if number > 1:
            parts.append(f'<a href="{attr(link(path, paths[number - 2]))}">← Plus récents</a>')
        if len(paths) > 1:
            parts.append(f"Page {number} sur {len(paths)}")
        if number < len(paths):
            parts.append(f'<a href="{attr(link(path, paths[number]))}">Plus anciens →</a>')
        pages.append((path, linked, f"<p>{' · '.join(parts)}</p>" if parts else ""))
    return pages


def _pager(posts: tuple[Post, ...], index: int, page: str) -> str:
    """Links to the previous (older) and next (newer) issues."""
    links = []
    if index + 1 < len(posts):
        older = posts[index + 1]
        label = f"#{older.number}" if older.number is not None else md(older.title)
        links.append(
            f"[← Infolettre précédente ({label})]({href(page, catalog.post_page(older.slug))})"
        )
    if index > 0:
        newer = posts[index - 1]
        label = f"#{newer.number}" if newer.number is not None else md(newer.title)
        links.append(
            f"[Infolettre suivante ({label}) →]({href(page, catalog.post_page(newer.slug))})"
        )
    if not links:
        return ""
    return (
        "\n\n---\n\n"
        + '<nav class="infolettre-pager" markdown>\n'
        + " · ".join(links)
        + "\n</nav>\n"
    )


_conversions: dict[tuple[str, Path, str], tuple[str, tuple[ShortcodeWarning, ...]]] = {}
"""Posts' bodies converted by this process, by text, file and site root (kept from one
``mkdocs serve`` rebuild to the next: a change to a file a post includes shows after a
restart)."""


def _converted(text: str, source: Path, site_root: str) -> tuple[str, tuple[ShortcodeWarning, ...]]:
    """:func:`~generator.content.shortcodes.convert`, once per text in a process: each
    ``mkdocs serve`` rebuild converts again only the posts that changed."""
    key = (text, source, site_root)
    found = _conversions.get(key)
    if found is None:
        found = _conversions[key] = _convert_one(text, source, site_root)
    return found


def _body_key(post: Post, page: str, slugs: set[str]) -> tuple[str, Path, str]:
    """What a post's converted body depends on: its text with links to sibling posts, its
    file, and where its page stands (:func:`_converted`'s arguments)."""
    return link_siblings(post.body, slugs), post.path, _site_root(page)


def _convert_bodies(bodies: Iterable[tuple[Post, str, set[str]]]) -> None:
    """Convert the bodies (post, page, sibling slugs) that :func:`_converted` has not seen,
    on all cores for many, and keep them in its memo here: the worker processes that make
    the pages then find them, and so does the next ``mkdocs serve`` rebuild. Only the
    bodies of this build are kept."""
    keys = {_body_key(*body) for body in bodies}
    todo = sorted(keys - _conversions.keys(), key=lambda key: str(key[1]))
    # A post takes one to a few milliseconds, a forked child about five to start.
    made = map_forked(lambda key: _convert_one(*key), todo, per_process=10, piece="pages")
    kept = {key: _conversions[key] for key in keys & _conversions.keys()}
    _conversions.clear()
    _conversions.update(kept)
    _conversions.update(zip(todo, made, strict=True))


def _convert_one(
    text: str, source: Path, site_root: str
) -> tuple[str, tuple[ShortcodeWarning, ...]]:
    body, warnings = convert(text, source=source, site_root=site_root)
    return body, tuple(warnings)


def _body(post: Post, page: str, slugs: set[str], out: Generated) -> str:
    """A post's body converted for ``page`` (shortcodes, links to sibling posts), its
    problems and missing images added to the build's warnings with their file and line."""
    body, warnings = _converted(*_body_key(post, page, slugs))
    for warning in warnings:
        out.warnings.append(f"{post.path}:{post.body_line + warning.line - 1}: {warning.message}")
    for line, src in missing_images(post.body, {a.name for a in post.assets}):
        out.warnings.append(
            f"{post.path}:{post.body_line + line - 1}: image « {src} » introuvable à côté de "
            f"{post.path.name}"
        )
    return body


def _published_asset(name: str) -> bool:
    """Whether a file beside a post is published: not a Quarto partial (``_encart.md``,
    for ``{{< include >}}``) nor Markdown, which MkDocs would read as a blog post."""
    return not name.startswith("_") and not name.endswith((".md", ".qmd"))


def _site_root(page: str) -> str:
    """The docs root relative to ``page``'s folder: ``../../../`` for ``a/b/c/index.md``."""
    return "../" * page.count("/")


def static_files(root: Path) -> list[OutPage]:
    """The files of Hugo's ``static/`` folder (``content/static/``), published as they
    are at the site's root: ``content/static/uploads/x.pdf`` is ``/uploads/x.pdf``."""
    folder = root / STATIC_DIR
    if not folder.is_dir():
        return []
    return [
        OutPage(path=path.relative_to(folder).as_posix(), source=path, in_nav=False)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    ]


def _post_page(
    content: Content,
    posts: tuple[Post, ...],
    index: int,
    tags: TagIndex,
    out: Generated,
    slugs: set[str],
) -> None:
    post = posts[index]
    page = catalog.post_page(post.slug)
    body = _body(post, page, slugs, out)
    authors, byline = _authors(content, post, out, blog=True)
    vocabulary = tags.tags_of(post.item_id)
    meta: dict[str, Any] = {
        "title": post.title,
        "description": catalog.page_description(
            Kind.INFOLETTRE, summary_text(post.summary), post.title
        ),
        # In Paris time: Material shows (and files in its archive) the day of the value.
        "date": {
            "created": paris_time(post.date),
            "updated": paris_time(post.lastmod or post.date),
        },
        "slug": post.slug,
        "authors": authors,
        "categories": list(post.categories),
        "tags": catalog.shown_tags(content.taxonomy, Kind.INFOLETTRE, post.tags, vocabulary),
    }
    if not post.toc:
        meta["hide"] = ["toc"]
    if post.draft or post.date > out.now:
        meta["draft"] = True
    if post.number is not None:
        meta["issue"] = post.number
    if post.cover:
        meta["image"] = post.cover
    if post.featured:
        meta["featured"] = True
    lead = _lead(post, byline)
    summary = f"<p>{summary_html(post.summary)}</p>\n\n" if post.summary else ""
    text = (
        f"# {md(post.title)}\n\n{lead}{summary}{excerpts.SEPARATOR}\n\n"
        f"{demote_headings(body).strip()}\n{_pager(posts, index, page)}"
    )
    out.pages.append(OutPage(path=page, text=front_matter(meta, text), in_nav=False))
    for asset in post.assets:
        if not _published_asset(asset.name):
            continue
        out.pages.append(
            OutPage(
                path=f"{catalog.POSTS_URI}/{post.slug}/{asset.name}",
                source=asset.source,
                in_nav=False,
            )
        )


def _authors(content: Content, post: Post, out: Generated, *, blog: bool) -> tuple[list[str], str]:
    """The authors of a page: the ids Material's blog shows (those of ``authors.yml``, on
    an infolettre), and a byline (HTML) for the others, by their Hugo profile or their
    name. An author known to neither is kept by name, with a warning naming the line."""
    ids: list[str] = []
    shown: list[str] = []
    for number, author in enumerate(post.authors):
        if blog and author in content.authors:
            ids.append(author)
            continue
        profile = catalog.author_profile(content, author)
        if profile is None and author not in content.author_names:
            line = post.author_lines[number] if number < len(post.author_lines) else 1
            out.warnings.append(
                f"{post.path}:{line}: auteur « {author} » absent de authors.yml et de "
                f"authors/{author}/_index.md : affiché sous ce nom"
            )
        name = h(catalog.author_name(content, author))
        if profile is not None and profile.role:
            name += f" <small>({h(profile.role)})</small>"
        if profile is not None and profile.bio:
            name = f'<span title="{attr(profile.bio)}">{name}</span>'
        shown.append(name)
    if not shown:
        return ids, ""
    label = "Avec" if ids else "Par"
    return ids, f'<p class="infolettre-authors">{label} {", ".join(shown)}</p>\n\n'


def _safe_href(url: str) -> bool:
    return "://" not in url or url.startswith(("https://", "http://"))


def _from_root(url: str) -> str:
    return url if "://" in url or url.startswith(("/", "#")) else "/" + url


def _lead(post: Post, byline: str) -> str:
    """What comes under a page's title: subtitle, byline, cover, and Wowchemy's links
    (``url_pdf``…, ``links``; a relative one is read from the site root, as Hugo did)."""
    lead = f"*{md(post.subtitle)}*\n\n" if post.subtitle else ""
    lead += byline
    if post.cover and post.cover_in_page:
        lead += f"![{md(post.cover_caption)}]({post.cover}){{ .infolettre-cover }}\n\n"
        if post.cover_caption:
            lead += f"<small>{md(post.cover_caption)}</small>\n\n"
    links = [
        f'<a class="md-button" href="{attr(_from_root(url))}">{h(label)}</a>'
        for label, url in post.links
        if _safe_href(url)
    ]
    if links:
        lead += f'<p class="infolettre-links">{" ".join(links)}</p>\n\n'
    return lead


def _article_page(
    content: Content, post: Post, tags: TagIndex, out: Generated, slugs: set[str]
) -> None:
    """The page of an article (``post/``) or an event (``event/``, ``talk/``): not a
    newsletter issue, so a page of its own listing (``billets/``, ``evenements/``)."""
    page = catalog.article_page(post)
    kind = catalog.article_kind(post)
    body = _body(post, page, slugs, out)
    _, byline = _authors(content, post, out, blog=False)
    meta: dict[str, Any] = {
        "title": post.title,
        "description": catalog.page_description(kind, summary_text(post.summary), post.title),
        "date": paris_day(post.date).isoformat(),
        "tags": catalog.shown_tags(content.taxonomy, kind, post.tags, tags.tags_of(post.item_id)),
    }
    if not post.toc:
        meta["hide"] = ["toc"]
    if post.draft or post.shown_from > out.now:
        meta["draft"] = True
    if post.cover:
        meta["image"] = post.cover
    parts = [f"# {md(post.title)}\n\n{_lead(post, byline)}"]
    if post.event is not None:
        parts.append(event_box(post.date, post.event) + "\n\n")
        if post.event.abstract:
            parts.append(_paragraphs(post.event.abstract))
        if post.summary and post.summary != post.event.abstract:
            parts.append(f"<p>{summary_html(post.summary)}</p>\n\n")
    else:
        parts.append(f"<small>{format_french(post.date)}</small>\n\n")
        if post.summary:
            parts.append(f"<p>{summary_html(post.summary)}</p>\n\n")
    parts.append(f"{demote_headings(body).strip()}\n")
    out.pages.append(OutPage(path=page, text=front_matter(meta, "".join(parts)), in_nav=False))
    folder = posixpath.dirname(page)
    for asset in post.assets:
        if _published_asset(asset.name):
            out.pages.append(
                OutPage(path=f"{folder}/{asset.name}", source=asset.source, in_nav=False)
            )


def _paragraphs(text: str) -> str:
    """Front-matter text of several paragraphs (an event's ``abstract``), each rendered
    like a summary: inline Markdown, nothing else (it is untrusted)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{summary_html(p)}</p>\n\n" for p in paragraphs)


_SECTION_FEEDS = (
    '<p>Suivre : <a href="feed_rss.xml">flux RSS</a> · <a href="feed.json">JSON Feed</a></p>\n'
)
"""Under a listing of articles or events: its feeds (:data:`feeds_out.SECTION_FEEDS`),
beside it (HTML: MkDocs would take a Markdown link for a missing page)."""


def _article_listings(articles: tuple[Post, ...], now: datetime) -> list[OutPage]:
    """The listings of articles (``billets/``) and events (``evenements/``: to come,
    soonest first, then past, latest first); none for a kind without pages."""
    pages = []
    written = [a for a in articles if catalog.article_kind(a) is Kind.ARTICLE]
    if written:
        index = f"{catalog.ARTICLES_URI}/index.md"
        rows = [
            f"- [{md(a.title)}]({href(index, catalog.article_page(a))}) — "
            f"{format_french(a.date)}" + (f"  \n  {summary_html(a.summary)}" if a.summary else "")
            for a in written
        ]
        text = "# Billets\n\nLes articles du réseau, du plus récent au plus ancien.\n\n"
        text += "\n".join(rows) + "\n\n" + _SECTION_FEEDS
        pages.append(OutPage(path=index, text=text, in_nav=False))
    events = [a for a in articles if catalog.article_kind(a) is Kind.EVENT]
    if events:
        index = f"{catalog.EVENTS_URI}/index.md"

        def row(event: Post) -> str:
            assert event.event is not None
            line = event_line(event.date, event.event)
            return f"- [{md(event.title)}]({href(index, catalog.article_page(event))}) — {md(line)}"

        coming = sorted(
            (e for e in events if ((e.event and e.event.end) or e.date) >= now),
            key=lambda e: e.date,
        )
        past = [e for e in events if e not in coming]
        text = "# Événements\n\nLes rencontres, séminaires et interventions du réseau.\n\n"
        if coming:
            text += "## À venir\n\n" + "\n".join(row(e) for e in coming) + "\n\n"
        if past:
            text += "## Passés\n\n" + "\n".join(row(e) for e in past) + "\n\n"
        pages.append(OutPage(path=index, text=text + _SECTION_FEEDS, in_nav=False))
    return pages


_ItemKey = tuple[FeedItem, FeedConfig, tuple[str, ...]]
_ItemText = tuple[str, tuple[tuple[str, str], ...]]


@dataclass
class _ItemTexts:
    """The items' pages of the last build, by item, feed and tags, for one vocabulary and
    one URL style: one ``mkdocs serve`` rebuild after another makes again only the items
    that changed (the others are not even sent to the worker processes)."""

    taxonomy: Taxonomy | None = None
    urls: UrlStyle | None = None
    texts: dict[_ItemKey, _ItemText] = field(default_factory=dict)

    def cache_clear(self) -> None:
        """Forget every page (the tests start afresh)."""
        self.taxonomy = self.urls = None
        self.texts = {}


_item_texts = _ItemTexts()


def _item_pages(content: Content, tags: TagIndex, urls: UrlStyle) -> list[Generated]:
    """Every item's page, in the items' order: those of the last build reused, the others
    made on all cores for a large archive (:func:`~generator.parallel.map_forked`)."""
    memo = _item_texts
    if memo.taxonomy != content.taxonomy or memo.urls != urls:
        memo.cache_clear()
        memo.taxonomy, memo.urls = content.taxonomy, urls
    feeds = {feed.id: feed for feed in content.feeds}
    keys = [(item, feeds[item.feed_id], tags.tags_of(item.item_id)) for item in content.items]
    todo = [key for key in keys if key not in memo.texts]
    made = map_forked(lambda key: _item_text(*key, content.taxonomy, urls), todo, piece="pages")
    known = memo.texts
    fresh = dict(zip(todo, made, strict=True))
    memo.texts = {key: fresh[key] if key in fresh else known[key] for key in keys}
    parts: list[Generated] = []
    for key in keys:
        item = key[0]
        text, links = memo.texts[key]
        part = Generated(now=datetime.min, urls=urls)
        part.links.extend(links)
        part.pages.append(
            OutPage(path=catalog.item_page(item.feed_id, item.slug), text=text, in_nav=False)
        )
        parts.append(part)
    return parts


def _item_text(
    item: FeedItem,
    feed: FeedConfig,
    vocabulary: tuple[str, ...],
    taxonomy: Taxonomy,
    urls: UrlStyle,
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An item's page and the links it holds (an item's page does not depend on now)."""
    page = catalog.item_page(item.feed_id, item.slug)
    part = Generated(now=datetime.min, urls=urls)
    meta = {
        "title": item.title,
        "description": catalog.page_description(Kind.FEED_ITEM, item.summary, item.title),
        "tags": catalog.shown_tags(taxonomy, Kind.FEED_ITEM, (), vocabulary),
        "date": paris_day(item.published).isoformat(),
    }
    tag_links = _tag_links(taxonomy, page, vocabulary, part.link)
    body = _render("item.md.j2", item=item, feed=feed, tags=tag_links)
    return front_matter(meta, body), tuple(part.links)


def _listing(entries: Sequence[Entry], page: str | None) -> list[dict[str, Any]]:
    """Rows of a listing on ``page``, linked as in Markdown; without links for a listing
    split into pages (``page`` ``None``: :func:`paginate` links each row from its page)."""
    rows = [
        {
            "title": e.title,
            "date": e.date,
            "summary": e.summary,
            "source": e.source,
            "kind_label": catalog.KIND_LABELS[e.kind],
            "target": e.page,
        }
        for e in entries
    ]
    if page is not None:
        for row, entry in zip(rows, entries, strict=True):
            row["href"] = href(page, entry.page)
    return rows


def _feed_listing(
    feed: FeedConfig, items: list[Entry], authors: Mapping[str, str], urls: UrlStyle
) -> Generated:
    """The pages listing a feed's items (``items``, newest first)."""
    part = Generated(now=datetime.min, urls=urls)
    feed_page = f"{catalog.FEEDS_URI}/{feed.id}/index.md"
    rows = _listing(items, None)
    for row, entry in zip(rows, items, strict=True):
        row["author"] = authors.get(entry.id, "")
    for path, chunk, pager in paginate(
        feed_page, f"{catalog.FEEDS_URI}/{feed.id}", rows, link=part.link
    ):
        text = _render("feed.md.j2", feed=feed, entries=chunk, pager=pager)
        if path != feed_page:
            text = front_matter(_LATER_PAGE, text)
        part.pages.append(OutPage(path=path, text=text, in_nav=False))
    return part


def _tag_listing(rule: TagRule, tagged: list[Entry], urls: UrlStyle) -> Generated:
    """The pages listing the entries that carry a tag (``tagged``, newest first)."""
    part = Generated(now=datetime.min, urls=urls)
    tag_page = catalog.tag_page(rule.id)
    listing = _listing(tagged, None)
    for path, chunk, pager in paginate(
        tag_page, f"{catalog.TAGS_URI}/{rule.id}", listing, link=part.link
    ):
        part.pages.append(
            OutPage(
                path=path,
                text=front_matter(
                    {"title": rule.label, "description": rule.description}
                    | ({} if path == tag_page else _LATER_PAGE),
                    _render(
                        "tag.md.j2",
                        tag=rule,
                        entries=chunk,
                        total=len(tagged),
                        pager=pager,
                        # The tag's feeds sit in its folder (themes/<id>/).
                        feeds={
                            name: page_link(path, f"{catalog.TAGS_URI}/{rule.id}/{name}", urls)
                            for name in ("feed_rss.xml", "feed.json")
                        },
                    ),
                ),
                in_nav=False,
            )
        )
    return part


def generate(
    content: Content,
    *,
    now: datetime,
    include_drafts: bool = False,
    tag_memo: catalog.DecisionMemo | None = None,
    tags: catalog.TagIndex | None = None,
    urls: UrlStyle | None = None,
) -> Generated:
    """Produce every page of the site from ``content``.

    Args:
        content: What :func:`generator.content.loader.load_content` read.
        now: The build time: posts dated later wait, like drafts.
        include_drafts: Publish drafts and future posts too (marked as drafts).
        tag_memo: Tag decisions of an earlier build to reuse (and this build's, to keep).
        tags: The tagging of ``content``'s entries, when it is already made
            (:func:`generator.themes.catalog.tag_entries`): the entries are not tagged
            again, and ``tag_memo`` is not used.
        urls: Where the renderer publishes pages (MkDocs' defaults and the site's blog
            when not given): the links of the generator's HTML are written as final URLs.

    Returns:
        The pages (Markdown text or files to copy) and the warnings, among them one for
        each link of the generator's HTML to a page the site does not have.
    """
    urls = urls or UrlStyle()
    out = Generated(now=now, urls=urls)
    out.warnings.extend(content.warnings)
    posts = catalog.visible_posts(content, now=now, include_drafts=include_drafts)
    articles = catalog.visible_articles(content, now=now, include_drafts=include_drafts)
    content = replace(content, posts=posts, articles=articles)
    entries = catalog.build_entries(content)
    if tags is None:
        tags = catalog.tag_entries(content, entries, memo=tag_memo)
    by_id = {e.id: e for e in entries}
    out.feed_entries = feeds_out.feed_entries(content, entries, tags, now=now)

    slugs = {p.slug for p in posts}

    siblings = {
        folder: {a.slug for a in articles if catalog.article_folder(a) == folder}
        for folder in (catalog.ARTICLES_URI, catalog.EVENTS_URI)
    }
    _convert_bodies(
        [
            *((post, catalog.post_page(post.slug), slugs) for post in posts),
            *(
                (article, catalog.article_page(article), siblings[catalog.article_folder(article)])
                for article in articles
            ),
        ]
    )

    # Posts and items are independent of one another: made on all cores for a large
    # archive (generator/parallel.py), in their order.
    def post_pages(index: int) -> Generated:
        part = Generated(now=now, urls=urls)
        _post_page(content, posts, index, tags, part, slugs)
        return part

    for part in [
        *map_forked(
            post_pages,
            range(len(posts)),
            per_process=50,
            pack=_pack,
            unpack=_unpack,
            piece="pages",
        ),
        *_item_pages(content, tags, urls),
    ]:
        out.pages.extend(part.pages)
        out.warnings.extend(part.warnings)
        out.links.extend(part.links)
    for folder, in_folder in siblings.items():
        for article in articles:
            if catalog.article_folder(article) == folder:
                _article_page(content, article, tags, out, in_folder)
    out.pages.extend(_article_listings(articles, now))
    for kb in content.kb_pages:
        page = catalog.kb_page(kb.slug)
        vocabulary = tags.tags_of(kb.item_id)
        meta: dict[str, Any] = {
            "title": kb.title,
            "tags": catalog.shown_tags(content.taxonomy, Kind.KB_PAGE, kb.tags, vocabulary),
        }
        description = catalog.page_description(Kind.KB_PAGE, kb.summary, kb.title)
        if description:
            meta["description"] = description
        out.pages.append(OutPage(path=page, text=front_matter(meta, kb.body), in_nav=False))

    kb_index = f"{catalog.KB_URI}/index.md"
    kb_entries = [by_id[p.item_id] for p in content.kb_pages]
    out.pages.append(
        OutPage(path=kb_index, text=_render("kb_index.md.j2", pages=_listing(kb_entries, kb_index)))
    )

    feeds_index = f"{catalog.FEEDS_URI}/index.md"
    authors = {i.item_id: i.author for i in content.items}
    by_feed: dict[str, list[Entry]] = {feed.id: [] for feed in content.feeds}
    for entry in entries:
        if entry.kind is Kind.FEED_ITEM:
            by_feed[entry.id.split("/", 1)[0]].append(entry)
    feed_items = {
        feed.id: sorted(by_feed[feed.id], key=catalog.sort_key, reverse=True)
        for feed in content.feeds
    }
    tagged = {rule.id: tags.entries_with(rule.id, entries) for rule in content.taxonomy.tags}
    # The listings (thousands of rows on a large site) are made on all cores, each cut to
    # its rows' share.
    listings: list[Callable[[], Generated]] = [
        *(
            partial(_feed_listing, feed, feed_items[feed.id], authors, urls)
            for feed in content.feeds
        ),
        *(partial(_tag_listing, rule, tagged[rule.id], urls) for rule in content.taxonomy.tags),
    ]
    weights = [len(feed_items[f.id]) for f in content.feeds] + [
        len(tagged[r.id]) for r in content.taxonomy.tags
    ]
    made = map_forked(
        lambda listing: listing(),
        listings,
        per_process=1,
        pack=_pack,
        unpack=_unpack,
        piece="pages",
        weights=weights,
    )
    for part in made[: len(content.feeds)]:
        out.pages.extend(part.pages)
        out.links.extend(part.links)
    feed_rows = [
        {
            "title": feed.title,
            "href": href(feeds_index, f"{catalog.FEEDS_URI}/{feed.id}/index.md"),
            "count": len(feed_items[feed.id]),
            "licence": feed.licence,
        }
        for feed in content.feeds
    ]
    out.pages.append(OutPage(path=feeds_index, text=_render("feeds_index.md.j2", feeds=feed_rows)))

    tags_index = f"{catalog.TAGS_URI}/index.md"
    for part in made[len(content.feeds) :]:
        out.pages.extend(part.pages)
        out.links.extend(part.links)
    tag_rows = [
        {
            "id": rule.id,
            "label": rule.label,
            "description": rule.description,
            "count": len(tagged[rule.id]),
            "href": href(tags_index, catalog.tag_page(rule.id)),
        }
        for rule in content.taxonomy.tags
    ]
    out.pages.append(OutPage(path=tags_index, text=_render("tags_index.md.j2", tags=tag_rows)))

    latest = None
    if posts:
        latest = {
            "title": posts[0].title,
            "summary": posts[0].summary,
            "date": posts[0].date,
            "href": catalog.post_page(posts[0].slug),
        }
    recent = sorted(
        (e for e in entries if e.kind is Kind.FEED_ITEM), key=catalog.sort_key, reverse=True
    )[:5]
    featured = [
        {"title": p.title, "date": p.date, "href": catalog.post_page(p.slug)}
        for p in posts
        if p.featured
    ]
    home_tags = [
        dict(row, href=catalog.tag_page(rule.id))
        for row, rule in zip(tag_rows, content.taxonomy.tags, strict=True)
    ]
    out.pages.append(
        OutPage(
            path="index.md",
            text=front_matter(
                {"title": "Accueil", "hide": ["navigation", "toc"]},
                _render(
                    "home.md.j2",
                    latest=latest,
                    featured=featured,
                    recent=_listing(recent, "index.md"),
                    tags=home_tags,
                    sections=[
                        {"title": title, "href": f"{folder}/index.md"}
                        for title, folder in (
                            ("Billets", catalog.ARTICLES_URI),
                            ("Événements", catalog.EVENTS_URI),
                        )
                        if any(catalog.article_folder(a) == folder for a in articles)
                    ],
                ),
            ),
        )
    )
    published = {page.path for page in out.pages}
    for file in static_files(content.root):
        if file.path in published:
            out.warnings.append(f"{file.source} : masqué par une page du site du même chemin")
        else:
            out.pages.append(file)
    out.warnings.extend(missing_targets(out.links, {page.path for page in out.pages}))
    return out
