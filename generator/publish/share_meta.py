"""Link-preview metadata of a page: Open Graph and Twitter card ``<meta>`` tags. Pure.

Chat tools, social networks and mail clients read these when a link is shared: title,
description, absolute image and canonical URL. A post's image is its cover (``image``
of its front matter, relative to the page); other pages show the site's default image.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

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
