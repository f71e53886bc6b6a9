"""Value objects shared by the pipeline. All frozen: stages return new values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class Kind(StrEnum):
    """What sort of thing a published item is (the one kind of the whole project: the
    catalog, the pages, the feeds)."""

    INFOLETTRE = "infolettre"
    FEED_ITEM = "veille"
    KB_PAGE = "connaissances"
    ARTICLE = "billets"
    """A Hugo ``post/`` page: an article of the site, not a newsletter issue."""
    EVENT = "evenements"
    """A Hugo ``event/`` or ``talk/`` page: an event the network took part in."""


@dataclass(frozen=True, kw_only=True)
class Asset:
    """A file published beside a page (an image of a page bundle)."""

    source: Path
    """Absolute path of the file on disk."""
    name: str
    """File name relative to the bundle folder (POSIX form)."""


@dataclass(frozen=True, kw_only=True)
class Address:
    """Where an event takes place (Wowchemy's ``address`` mapping)."""

    street: str = ""
    city: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""

    def text(self) -> str:
        """The address on one line: ``12 rue X, 75014 Paris, France``."""
        town = " ".join(part for part in (self.postcode, self.city) if part)
        parts = (self.street, town, self.region, self.country)
        return ", ".join(part for part in parts if part)


@dataclass(frozen=True, kw_only=True)
class EventInfo:
    """What Wowchemy's event pages say of the event (``event/``, ``talk/``)."""

    name: str = ""
    """``event``: the event the talk was given at."""
    url: str = ""
    """``event_url``."""
    location: str = ""
    address: Address | None = None
    abstract: str = ""
    end: datetime | None = None
    """``date_end``; the start is the page's ``date``."""
    all_day: bool = False


@dataclass(frozen=True, kw_only=True)
class Post:
    """A page read from a Hugo/Wowchemy section: an infolettre (``infolettre/``), or an
    article or event of the other sections (:attr:`section`)."""

    path: Path
    slug: str
    title: str
    date: datetime
    body: str
    summary: str = ""
    subtitle: str = ""
    lastmod: datetime | None = None
    draft: bool = False
    featured: bool = False
    toc: bool = True
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    assets: tuple[Asset, ...] = ()
    forced_tags: tuple[str, ...] = ()
    forbidden_tags: tuple[str, ...] = ()
    number: int | None = None
    """Issue number: front matter ``issue``, else ``#13`` in the title."""
    cover: str = ""
    """Cover image file of the bundle (``image.filename`` or ``featured.*``)."""
    cover_caption: str = ""
    cover_in_page: bool = True
    """False when Wowchemy's ``image.preview_only`` hides the cover on the post itself."""
    body_line: int = 1
    """Line of ``index.md`` where the body starts, for messages."""
    aliases: tuple[str, ...] = ()
    """Hugo's ``aliases``: former URL paths of the post (``/old/path/``), redirected."""
    section: str = "infolettre"
    """The Hugo section it was read from: ``infolettre``, ``post``, ``event`` or ``talk``."""
    publish_date: datetime | None = None
    """Hugo's ``publishDate``: the page waits for it (else for :attr:`date`)."""
    event: EventInfo | None = None
    """The event's details (pages of ``event/`` and ``talk/``)."""
    links: tuple[tuple[str, str], ...] = ()
    """``(label, URL)`` of Wowchemy's ``url_pdf``, ``url_slides``… and ``links``."""
    author_lines: tuple[int, ...] = ()
    """Line of each of :attr:`authors` in the file, for messages."""
    warnings: tuple[str, ...] = ()
    """What reading the file could not use, each naming the file and line."""

    @property
    def item_id(self) -> str:
        """Stable identifier used by tags and the CLI."""
        if self.section == "infolettre":
            return f"infolettre/{self.slug}"
        return f"{self.section}/{self.slug}"

    @property
    def shown_from(self) -> datetime:
        """When the page is published (Hugo's ``publishDate``, else its ``date``)."""
        return self.publish_date or self.date


@dataclass(frozen=True, kw_only=True)
class FeedConfig:
    """One subscription declared in ``content/feeds.yml``."""

    id: str
    title: str
    url: str
    site_url: str = ""
    snapshot: Path | None = None
    licence: str = ""
    content: str = "full"
    tags: tuple[str, ...] = ()
    kind: str = "feed"
    """``feed`` (a feed with a URL) or ``email`` (a newsletter imported by hand, no URL)."""
    allow_private: bool = False
    """Let the feed's fetch reach non-public addresses (an intranet feed, a test server)."""


@dataclass(frozen=True, kw_only=True)
class FeedItem:
    """One item of a feed, as kept in the archive."""

    feed_id: str
    slug: str
    guid: str
    title: str
    link: str
    published: datetime
    content_html: str
    author: str = ""
    summary: str = ""
    categories: tuple[str, ...] = ()
    first_seen: datetime | None = None
    forced_tags: tuple[str, ...] = ()
    forbidden_tags: tuple[str, ...] = ()

    @property
    def item_id(self) -> str:
        """Stable identifier used by tags and the CLI."""
        return f"{self.feed_id}/{self.slug}"


@dataclass(frozen=True, kw_only=True)
class KbPage:
    """A knowledge-base page: plain Markdown with optional front matter."""

    path: Path
    slug: str
    title: str
    body: str
    date: datetime | None = None
    summary: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    forced_tags: tuple[str, ...] = ()
    forbidden_tags: tuple[str, ...] = ()

    @property
    def item_id(self) -> str:
        """Stable identifier used by tags and the CLI."""
        return f"connaissances/{self.slug}"


@dataclass(frozen=True, kw_only=True)
class TagRule:
    """One tag of the vocabulary, with the terms that suggest it."""

    id: str
    label: str
    description: str
    threshold: float = 2.0
    terms: tuple[tuple[str, float], ...] = ()
    negative: tuple[tuple[str, float], ...] = ()
    requires: tuple[str, ...] = ()
    """Context terms: if none appears anywhere in the item, the tag scores nothing."""
    future_date_weight: float = 0.0
    """Score added when the text names a day after its publication (announced events)."""
    near_context: tuple[str, ...] = ()
    """Terms that count in the body only within :data:`NEAR_CHARS` characters of one of the
    tag's ``requires`` terms or an AI-context term (``libre`` next to ``IA``, not three
    paragraphs away); in the title and the summary, the whole item is their context."""
    not_past: bool = False
    """Whether the tag's terms stop counting within :data:`NEAR_CHARS` / 2 characters of a
    year before the item's publication: "lors d'une conférence en 2001" cites a past
    gathering, it does not announce one."""
    digest_factor: float = 1.0
    """What the tag's score is multiplied by in a digest (a title of a weekly roundup or
    newsletter): a roundup that names a meetup does not announce it."""


NEAR_CHARS = 200


@dataclass(frozen=True, kw_only=True)
class TagModel:
    """A tag's learned decision: a logistic regression over the features that the
    tagger measures on an item (:mod:`generator.themes.features`)."""

    tag_id: str
    bias: float
    weights: tuple[tuple[str, float], ...]
    """Feature name → weight, in the order of :data:`generator.themes.features.FEATURES`."""


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    """The whole vocabulary, in declaration order."""

    tags: tuple[TagRule, ...]
    context: tuple[str, ...] = ()
    """Terms that put an item in the field of AI (``intelligence artificielle``, ``LLM``)."""
    ambiguous: tuple[str, ...] = ()
    """Terms that are also names of other things (Mistral, Llama, Claude): they count for
    a tag only in an item where a :attr:`context` term appears."""
    digest: tuple[str, ...] = ()
    """Terms of a title that mark a digest (``revue de presse``, ``this week in``)."""
    models: tuple[TagModel, ...] = ()
    """Learned decisions (``model:`` of ``taxonomy.yml``); tags without one keep their
    threshold."""

    def get(self, tag_id: str) -> TagRule | None:
        """Return the tag with this id, or ``None``."""
        for tag in self.tags:
            if tag.id == tag_id:
                return tag
        return None


class Hit(NamedTuple):
    """A term that fired for a tag, and where.

    A named tuple rather than a frozen dataclass: the tagger makes thousands per second
    and a tuple is several times cheaper to build, with the same value semantics.
    """

    term: str
    field: str
    occurrences: int
    weight: float


class TagDecision(NamedTuple):
    """The tagger's verdict for one tag on one item, with its reasons.

    A named tuple, like :class:`Hit`: the tagger makes one per tag and item.
    """

    tag_id: str
    score: float
    threshold: float
    hits: tuple[Hit, ...] = ()
    forced: bool = False
    forbidden: bool = False

    @property
    def assigned(self) -> bool:
        """Whether the tag is given to the item."""
        if self.forbidden:
            return False
        return self.forced or self.score >= self.threshold


@dataclass(frozen=True, kw_only=True)
class AuthorProfile:
    """An author: ``authors.yml`` or a Hugo profile (``authors/<id>/_index.md``)."""

    id: str
    name: str
    role: str = ""
    bio: str = ""


@dataclass(frozen=True, kw_only=True)
class Content:
    """Everything read from ``content/``."""

    root: Path
    posts: tuple[Post, ...] = ()
    feeds: tuple[FeedConfig, ...] = ()
    items: tuple[FeedItem, ...] = ()
    kb_pages: tuple[KbPage, ...] = ()
    taxonomy: Taxonomy = field(default_factory=lambda: Taxonomy(tags=()))
    authors: tuple[str, ...] = ()
    """Ids of the authors declared in ``authors.yml``."""
    author_names: Mapping[str, str] = field(default_factory=dict)
    """Their display names, by id (``name`` in ``authors.yml``)."""
    articles: tuple[Post, ...] = ()
    """The pages of Hugo's other sections: ``post/`` (articles), ``event/`` and ``talk/``."""
    profiles: Mapping[str, AuthorProfile] = field(default_factory=dict)
    """Hugo's author profiles (``authors/<id>/_index.md``) and ``authors.yml``, by id."""
    warnings: tuple[str, ...] = ()
    """What the loader skipped or could not use, each naming the file (and line)."""


@dataclass(frozen=True, kw_only=True)
class OutPage:
    """A page or file handed to the renderer.

    ``text`` holds Markdown for pages; ``source`` points at a file to copy for assets.
    """

    path: str
    """Destination path relative to the docs root (POSIX)."""
    text: str | None = None
    source: Path | None = None
    in_nav: bool = True
