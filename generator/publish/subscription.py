"""The subscription page: every feed the site publishes, and how to get the email. Pure.

The feeds are listed from the same data that writes them (:mod:`generator.pages.feeds_out`):
the newsletter's RSS and JSON feeds, one pair per tag of the vocabulary, beside the
tag's page; the sources the watch follows are listed with their own feeds and their
archive on this site.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator.models import FeedConfig, OutPage, Taxonomy
from generator.pages.build import front_matter, href, md
from generator.pages.feeds_out import JSON_NAME, RSS_NAME
from generator.publish.site_config import PublicationSettings
from generator.themes import catalog

PAGE = "abonnement/index.md"
"""Docs path of the subscription page (its URL: ``abonnement/``)."""
URL_PATH = "abonnement/"


@dataclass(frozen=True, kw_only=True)
class PublishedFeed:
    """A pair of feeds the site writes (RSS 2.0 and JSON Feed 1.1)."""

    title: str
    description: str
    rss_url: str
    json_url: str
    page: str = ""
    """Docs path of the page the feed follows, if it has one."""


def published_feeds(taxonomy: Taxonomy, *, site_url: str, site_name: str) -> list[PublishedFeed]:
    """Every feed of the site, in the order
    :func:`generator.pages.feeds_out.build_feeds` writes them.

    Args:
        taxonomy: The vocabulary: each tag has its feeds in ``themes/<id>/``.
        site_url: The site's absolute URL.
        site_name: The site's title (the newsletter feed's title).

    Returns:
        The newsletter's feeds first, then one entry per tag.
    """
    base = site_url if site_url.endswith("/") else site_url + "/"
    feeds = [
        PublishedFeed(
            title=site_name,
            description="Chaque infolettre, en entier, dès sa publication.",
            rss_url=urljoin(base, RSS_NAME),
            json_url=urljoin(base, JSON_NAME),
            page="infolettre/index.md",
        )
    ]
    for tag in taxonomy.tags:
        folder = f"{catalog.TAGS_URI}/{tag.id}/"
        feeds.append(
            PublishedFeed(
                title=tag.label,
                description=tag.description,
                rss_url=urljoin(base, folder + RSS_NAME),
                json_url=urljoin(base, folder + JSON_NAME),
                page=catalog.tag_page(tag.id),
            )
        )
    return feeds


_ENV = Environment(
    loader=PackageLoader("generator", "templates"),
    autoescape=False,  # Markdown output: text goes through `md`
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)
_ENV.filters["md"] = md


def subscription_page(
    taxonomy: Taxonomy,
    sources: Sequence[FeedConfig],
    settings: PublicationSettings,
    *,
    site_url: str,
    site_name: str,
) -> OutPage:
    """The subscription page, in the navigation.

    Args:
        taxonomy: The vocabulary (one feed per tag).
        sources: The sources the watch follows (``feeds.yml``).
        settings: Where to write and sign up (``extra.infolettre`` of ``mkdocs.yml``).
        site_url: The site's absolute URL.
        site_name: The site's title.

    Returns:
        The page, Markdown with front matter.
    """
    feeds = published_feeds(taxonomy, site_url=site_url, site_name=site_name)
    rows: list[dict[str, Any]] = [
        {
            "title": feed.title,
            "description": feed.description,
            "rss": feed.rss_url,
            "json": feed.json_url,
            "href": href(PAGE, feed.page) if feed.page else "",
        }
        for feed in feeds
    ]
    followed = [
        {
            "title": source.title,
            "url": source.url,
            "site_url": source.site_url,
            "email": source.kind == "email",
            "href": href(PAGE, posixpath.join(catalog.FEEDS_URI, source.id, "index.md")),
            "licence": source.licence,
        }
        for source in sources
    ]
    text = _ENV.get_template("subscription.md.j2").render(
        newsletter=rows[0],
        tags=rows[1:],
        sources=followed,
        settings=settings,
        site_name=site_name,
    )
    meta = {
        "title": "S'abonner",
        "description": "Recevoir l'infolettre par courriel, suivre les flux RSS et JSON du site.",
    }
    return OutPage(path=PAGE, text=front_matter(meta, text), in_nav=True)
