"""Link-preview metadata of a page: Open Graph and Twitter card ``<meta>`` tags. Pure.

Chat tools, social networks and mail clients read these when a link is shared: title,
description, absolute image and canonical URL. A post's image is its cover (``image``
of its front matter, relative to the page); other pages show the site's default image.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urljoin

from generator.themes.catalog import POSTS_URI

LOCALE = "fr_FR"


@dataclass(frozen=True, kw_only=True)
class ShareInfo:
    """What a link preview shows of a page."""

    title: str
    description: str
    url: str
    """The page's canonical, absolute URL."""
    image: str
    """Absolute URL of the image."""
    site_name: str
    article: bool = False
    """A dated article (a post) rather than a section or list page."""
    published: str = ""
    """ISO 8601 publication date of an article."""


def share_info(
    *,
    title: str,
    description: str,
    url: str,
    site_url: str,
    site_name: str,
    page_image: str = "",
    default_image: str,
    article: bool = False,
    published: str = "",
) -> ShareInfo:
    """Gather a page's preview data, making its image absolute.

    Args:
        title: The page's title.
        description: Its description (the site's when the page has none).
        url: Its canonical URL.
        site_url: The site's absolute URL.
        site_name: The site's name.
        page_image: The page's own image (``image`` of the front matter, relative to the
            page or absolute), empty if none.
        default_image: The site's default image, relative to the site's root.
        article: Whether the page is a post.
        published: Its publication date (ISO 8601) if it is a post.
    """
    if page_image.strip():
        image = urljoin(url, page_image.strip())
    else:
        image = urljoin(site_url if site_url.endswith("/") else site_url + "/", default_image)
    return ShareInfo(
        title=" ".join(title.split()),
        description=" ".join(description.split()),
        url=url,
        image=image,
        site_name=site_name,
        article=article,
        published=published,
    )


def share_tags(info: ShareInfo) -> str:
    """The ``<meta>`` elements for a page's ``<head>``."""
    properties = [
        ("og:type", "article" if info.article else "website"),
        ("og:site_name", info.site_name),
        ("og:locale", LOCALE),
        ("og:title", info.title),
        ("og:description", info.description),
        ("og:url", info.url),
        ("og:image", info.image),
    ]
    if info.article and info.published:
        properties.append(("article:published_time", info.published))
    names = [
        ("twitter:card", "summary_large_image"),
        ("twitter:title", info.title),
        ("twitter:description", info.description),
        ("twitter:image", info.image),
    ]
    tags = [
        f'<meta property="{key}" content="{escape(value)}">' for key, value in properties if value
    ]
    tags += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names if value]
    return "".join(tags)


def page_share_info(
    meta: Mapping[str, Any],
    *,
    src_uri: str,
    page_title: str,
    is_homepage: bool,
    url: str,
    site_url: str,
    site_name: str,
    site_description: str,
    default_image: str,
) -> ShareInfo:
    """A built page's preview data, from its front matter as the renderer read it.

    The home page shows the site's name; a post (a page under ``infolettre/posts/``,
    where the blog reads them) is an article, with its cover and its creation date
    (Material's ``date.created``); other pages show the site's default image.

    Args:
        meta: The page's front matter.
        src_uri: Its source path in the site (``infolettre/x/index.md``).
        page_title: Its title as the renderer found it (first heading, if no ``title``).
        is_homepage: Whether it is the site's home page.
        url: Its canonical URL.
        site_url: The site's absolute URL.
        site_name: The site's name.
        site_description: The site's description, for pages that have none.
        default_image: The site's default image, relative to the site's root.
    """
    article = src_uri.startswith(POSTS_URI + "/")
    dates = meta.get("date")
    created = dates.get("created") if isinstance(dates, dict) else None
    title = site_name if is_homepage else str(meta.get("title") or page_title or "")
    return share_info(
        title=title,
        description=str(meta.get("description") or site_description or ""),
        url=url,
        site_url=site_url,
        site_name=site_name,
        page_image=str(meta.get("image") or "") if article else "",
        default_image=default_image,
        article=article,
        published=created.isoformat() if isinstance(created, datetime) else "",
    )


def with_share_tags(html: str, info: ShareInfo) -> str:
    """``html`` with :func:`share_tags` at the end of its ``<head>`` (unchanged if it has
    none)."""
    if "</head>" not in html:
        return html
    return html.replace("</head>", share_tags(info) + "</head>", 1)
