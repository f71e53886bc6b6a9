"""One list of everything the site publishes, and the tags each entry gets.

Infolettres, feed items and knowledge-base pages become :class:`Entry` values with the
same shape, so that tagging, tag pages and the CLI treat them alike. The links between
entries and tags live in a :class:`TagIndex`, not on the entries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from generator.models import AuthorProfile, Content, FeedItem, Kind, Post, TagDecision, Taxonomy
from generator.parallel import map_forked
from generator.themes.tagger import Document, assigned, decide, pack_decisions, unpack_decisions

POSTS_URI = "infolettre/posts"
KB_URI = "connaissances"
FEEDS_URI = "veille"
TAGS_URI = "themes"
ARTICLES_URI = "billets"
EVENTS_URI = "evenements"

KIND_LABELS = {
    Kind.INFOLETTRE: "Infolettre",
    Kind.FEED_ITEM: "Veille",
    Kind.KB_PAGE: "Base de connaissances",
    Kind.ARTICLE: "Billet",
    Kind.EVENT: "Événement",
}

SECTION_KINDS = {"post": Kind.ARTICLE, "event": Kind.EVENT, "talk": Kind.EVENT}
"""The kind of the pages of each of Hugo's other sections."""
WRITTEN_KINDS = (Kind.INFOLETTRE, Kind.ARTICLE, Kind.EVENT)
"""Kinds written by the network's editors, with their free tags and authors."""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """Anything published, as listings and the tagger see it."""

    id: str
    kind: Kind
    title: str
    date: datetime | None
    summary: str
    body: str
    source: str
    page: str
    """Path of its page relative to the docs root."""
    editor_tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    forced: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    source_tags: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TagIndex:
    """Which entry has which vocabulary tag, and why."""

    decisions: Mapping[str, tuple[TagDecision, ...]]

    @cached_property
    def _given(self) -> dict[str, tuple[str, ...]]:
        # Asked for every entry by every listing: worked out once.
        return {entry_id: assigned(found) for entry_id, found in self.decisions.items()}

    def tags_of(self, entry_id: str) -> tuple[str, ...]:
        """Vocabulary tags assigned to an entry."""
        return self._given.get(entry_id, ())

    def entries_with(self, tag_id: str, entries: list[Entry]) -> list[Entry]:
        """Entries carrying ``tag_id``, newest first (undated last)."""
        found = [e for e in entries if tag_id in self.tags_of(e.id)]
        return sorted(found, key=sort_key, reverse=True)


def sort_key(entry: Entry) -> tuple[int, float]:
    """Newest first with ``reverse=True``; undated entries go last."""
    return (1, entry.date.timestamp()) if entry.date else (0, 0.0)


def post_page(slug: str) -> str:
    """Docs path of an infolettre post."""
    return f"{POSTS_URI}/{slug}/index.md"


def article_kind(post: Post) -> Kind:
    """The kind of a page of ``post/`` (article), ``event/`` or ``talk/`` (event)."""
    return SECTION_KINDS.get(post.section, Kind.ARTICLE)


def article_folder(post: Post) -> str:
    """The folder of the pages of its kind: ``billets`` or ``evenements``."""
    return EVENTS_URI if article_kind(post) is Kind.EVENT else ARTICLES_URI


def article_page(post: Post) -> str:
    """Docs path of an article or event (``billets/<slug>/index.md``)."""
    return f"{article_folder(post)}/{post.slug}/index.md"


def author_profile(content: Content, author: str) -> AuthorProfile | None:
    """The profile of an author given by id (Hugo) or by name (Quarto), if any."""
    profile = content.profiles.get(author)
    if profile is not None:
        return profile
    wanted = author.casefold()
    return next((p for p in content.profiles.values() if p.name.casefold() == wanted), None)


def author_name(content: Content, author: str) -> str:
    """The name an author is shown by: ``authors.yml``, else its Hugo profile, else the
    name as the front matter wrote it (never dropped)."""
    if author in content.author_names:
        return content.author_names[author]
    profile = author_profile(content, author)
    return profile.name if profile is not None else author


def item_page(feed_id: str, slug: str) -> str:
    """Docs path of a feed item's page, an index in its own folder (:func:`tag_page`)."""
    return f"{FEEDS_URI}/{feed_id}/{slug}/index.md"


def tag_page(tag_id: str) -> str:
    """Docs path of a tag's page (its feeds sit beside it).

    The pages whose HTML the generator writes are indexes (``a/b/index.md``, published at
    ``a/b/`` as ``a/b.md`` would be): the folder of the source is the folder of the
    page, so the relative URLs of that HTML are right both for MkDocs, which leaves
    them as written, and for a renderer that resolves them against the source
    (:mod:`generator.pages.links`).
    """
    return f"{TAGS_URI}/{tag_id}/index.md"


def kb_page(slug: str) -> str:
    """Docs path of a knowledge-base page."""
    return f"{KB_URI}/{slug}.md"


def visible_posts(
    content: Content, *, now: datetime, include_drafts: bool = False
) -> tuple[Post, ...]:
    """Posts to publish, newest first (two of the same date by their issue numbers):
    drafts and future-dated posts wait, as in Hugo."""
    return _visible(content.posts, now=now, include_drafts=include_drafts)


def visible_articles(
    content: Content, *, now: datetime, include_drafts: bool = False
) -> tuple[Post, ...]:
    """Articles and events to publish, newest first: drafts and pages whose
    ``publishDate`` (else ``date``) is to come wait, as in Hugo."""
    return _visible(content.articles, now=now, include_drafts=include_drafts)


def _visible(posts: Iterable[Post], *, now: datetime, include_drafts: bool) -> tuple[Post, ...]:
    shown = [p for p in posts if include_drafts or (not p.draft and p.shown_from <= now)]
    return tuple(
        sorted(
            shown,
            key=lambda p: (p.date, p.number if p.number is not None else -1),
            reverse=True,
        )
    )


def listing_date(item: FeedItem) -> datetime:
    """The date an item is listed under: a date later than the day we first saw the item
    (a feed's clock or typo) would pin it to the top, so it is listed when first seen."""
    if item.first_seen is not None and item.published > item.first_seen:
        return item.first_seen
    return item.published


def build_entries(content: Content) -> list[Entry]:
    """Every entry of the content; callers drop unpublished posts first (visible_posts)."""
    feeds = {feed.id: feed for feed in content.feeds}
    entries: list[Entry] = []
    for post in content.posts:
        entries.append(
            Entry(
                id=post.item_id,
                kind=Kind.INFOLETTRE,
                title=post.title,
                date=post.date,
                summary=post.summary,
                body=post.body,
                source="Infolettre",
                page=post_page(post.slug),
                editor_tags=post.tags,
                categories=post.categories,
                forced=post.forced_tags,
                forbidden=post.forbidden_tags,
            )
        )
    for article in content.articles:
        kind = article_kind(article)
        entries.append(
            Entry(
                id=article.item_id,
                kind=kind,
                title=article.title,
                date=article.date,
                summary=article.summary,
                body=article.body,
                source=KIND_LABELS[kind],
                page=article_page(article),
                editor_tags=article.tags,
                categories=article.categories,
                forced=article.forced_tags,
                forbidden=article.forbidden_tags,
            )
        )
    for item in content.items:
        feed = feeds[item.feed_id]
        entries.append(
            Entry(
                id=item.item_id,
                kind=Kind.FEED_ITEM,
                title=item.title,
                date=listing_date(item),
                summary=item.summary,
                body=item.content_html,
                source=feed.title,
                page=item_page(item.feed_id, item.slug),
                categories=item.categories,
                forced=item.forced_tags,
                forbidden=item.forbidden_tags,
                source_tags=feed.tags,
            )
        )
    for page in content.kb_pages:
        entries.append(
            Entry(
                id=page.item_id,
                kind=Kind.KB_PAGE,
                title=page.title,
                date=page.date,
                summary=page.summary,
                body=page.body,
                source=page.source or "Base de connaissances",
                page=kb_page(page.slug),
                editor_tags=page.tags,
                forced=page.forced_tags,
                forbidden=page.forbidden_tags,
            )
        )
    return entries


def tag_labels(taxonomy: Taxonomy, ids: Iterable[str]) -> list[str]:
    """The labels of vocabulary tags (an id the vocabulary lacks is kept as it is)."""
    labels = []
    for tag_id in ids:
        rule = taxonomy.get(tag_id)
        labels.append(rule.label if rule else tag_id)
    return labels


def shown_tags(
    taxonomy: Taxonomy, kind: Kind, editor_tags: Sequence[str], vocabulary: Sequence[str]
) -> list[str]:
    """The tags a page shows: its editors' tags, then the labels of the vocabulary tags
    it got (``vocabulary``, from :meth:`TagIndex.tags_of`).

    An infolettre (an article, an event) shows its editors' free tags (those that are
    vocabulary ids come back among ``vocabulary``, as labels); a knowledge-base page
    shows its editors' tags as written, then the other vocabulary tags; a feed item,
    its vocabulary tags only.
    """
    if kind in WRITTEN_KINDS:
        free = [t for t in editor_tags if not taxonomy.get(t)]
        return free + tag_labels(taxonomy, vocabulary)
    if kind is Kind.KB_PAGE:
        rest = [t for t in vocabulary if t not in editor_tags]
        return list(editor_tags) + tag_labels(taxonomy, rest)
    return tag_labels(taxonomy, vocabulary)


def page_description(kind: Kind, summary: str, title: str) -> str:
    """The description of a page: its summary; for an infolettre or a feed item without
    one, its title (a knowledge-base page then has none)."""
    if summary or kind is Kind.KB_PAGE:
        return summary
    return title


def document(entry: Entry) -> Document:
    """The text of an entry as the tagger reads it."""
    return Document(
        title=entry.title,
        summary=entry.summary,
        body=entry.body,
        categories=entry.categories,
        published=entry.date,
    )


@dataclass(kw_only=True)
class DecisionMemo:
    """Tag decisions of an earlier build, by the digest of what they were decided on.

    The tagger is the dearest part of a build after MkDocs itself; an item whose text,
    editor's choices and vocabulary are unchanged gets the same decisions. The digest
    does not cover the tagger's code: whoever keeps a memo across builds drops it when
    the code changes (:mod:`generator.pages.build_cache` does).
    """

    known: Mapping[str, tuple[TagDecision, ...]] = field(default_factory=dict)
    """Decisions read from the last build."""
    used: dict[str, tuple[TagDecision, ...]] = field(default_factory=dict)
    """Decisions this build used or made: what to keep for the next one."""


def _decision_parts(vocabulary: str, entry: Entry, forced: tuple[str, ...]) -> tuple[str, ...]:
    """What ``entry``'s decisions depend on (:func:`_digest` makes their memo's key)."""
    return (
        vocabulary,
        entry.title,
        entry.summary,
        entry.body,
        "\x1f".join(entry.categories),
        entry.date.isoformat() if entry.date else "",
        "\x1f".join(forced),
        "\x1f".join(entry.forbidden),
        "\x1f".join(entry.source_tags),
    )


def _digest(parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x1e")
    return digest.hexdigest()


@dataclass(frozen=True)
class _Job:
    taxonomy: Taxonomy
    document: Document
    forced: tuple[str, ...]
    forbidden: tuple[str, ...]
    source_tags: tuple[str, ...]
    parts: tuple[str, ...] | None = None
    """What the decisions depend on, to be digested for a memo (``None``: no memo)."""


def _decide(job: _Job) -> tuple[TagDecision, ...]:
    return decide(
        job.taxonomy,
        job.document,
        forced=job.forced,
        forbidden=job.forbidden,
        source_tags=job.source_tags,
    )


_Outcome = tuple[str, tuple[TagDecision, ...] | None]
"""A job's memo key (empty without a memo) and its decisions (``None``: the memo has them)."""


def _pack(outcome: _Outcome) -> tuple[str, Any]:
    key, found = outcome
    return key, None if found is None else pack_decisions(found)


def _unpack(packed: tuple[str, Any]) -> _Outcome:
    key, found = packed
    return key, None if found is None else unpack_decisions(found)


_TAGGING_START = 1500
"""What tagging an entry costs beyond its text, in characters of text: measured on the
bench's 3,000 items, about 100 µs an entry plus 0.067 µs a character."""


def tag_entries(
    content: Content,
    entries: list[Entry],
    *,
    memo: DecisionMemo | None = None,
    processes: int | None = None,
) -> TagIndex:
    """Run the tagger on every entry (or take its decisions from ``memo``).

    Entries to decide are spread over ``processes`` processes (default: the machine's
    cores) when there are enough of them (:mod:`generator.parallel`), and so is the
    digest of their texts that keys the memo.
    """
    vocabulary = repr(content.taxonomy) if memo is not None else ""
    known = memo.known if memo is not None else {}
    jobs: list[_Job] = []
    for entry in entries:
        forced = entry.forced + tuple(t for t in entry.editor_tags if content.taxonomy.get(t))
        parts = _decision_parts(vocabulary, entry, forced) if memo is not None else None
        jobs.append(
            _Job(
                content.taxonomy,
                document(entry),
                forced,
                entry.forbidden,
                entry.source_tags,
                parts,
            )
        )

    def work(job: _Job) -> _Outcome:
        key = "" if job.parts is None else _digest(job.parts)
        return key, None if key in known else _decide(job)

    outcomes = map_forked(
        work,
        jobs,
        processes=processes,
        pack=_pack,
        unpack=_unpack,
        piece="tagging",
        weights=[_TAGGING_START + len(e.title) + len(e.summary) + len(e.body) for e in entries],
    )
    decisions: dict[str, tuple[TagDecision, ...]] = {}
    for entry, (key, found) in zip(entries, outcomes, strict=True):
        if found is None:
            found = known[key]
        decisions[entry.id] = found
        if memo is not None:
            memo.used[key] = found
    return TagIndex(decisions=decisions)
