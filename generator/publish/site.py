"""What the published site needs around its pages: the policy the ``publication`` plugin
applies, kept here so that the plugin only adapts MkDocs to it.

:func:`open_publication` checks the settings (``extra.infolettre`` of ``mkdocs.yml``, the
one content folder of the site) and gives a :class:`Publication`, which holds one
build's state:

- :meth:`Publication.subscription` is the subscription page (``abonnement/``), built
  from the vocabulary and the followed sources (read once per build by
  :mod:`generator.content.loader`);
- :meth:`Publication.post_page` adds link-preview metadata to a rendered page and hands
  it to the reader of inline code (:class:`~generator.publish.site_inline.PageScanner`);
- :meth:`Publication.finish` writes Netlify's ``_headers`` (a Content-Security-Policy
  allowing by hash the inline scripts of the site's own templates, and only those: a
  page holding another inline script stops the build, named) and ``_redirects`` (the
  old Hugo addresses).

Only the rendering of the theme's templates, which needs the renderer, is left to the
caller (``template_scripts`` of :meth:`Publication.finish`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content.loader import load_feeds, load_taxonomy
from generator.errors import GeneratorError
from generator.models import OutPage
from generator.publish.netlify_headers import headers_from_inline, page_inline
from generator.publish.redirects import redirects_file, site_redirects
from generator.publish.share_meta import page_share_info, with_share_tags
from generator.publish.site_config import PublicationSettings, publication_settings
from generator.publish.site_inline import PageScanner
from generator.publish.subscription import subscription_page

__all__ = [
    "INLINE_CACHE",
    "PageFacts",
    "Publication",
    "PublicationError",
    "Written",
    "content_folder",
    "depth_of",
    "inline_scripts",
    "open_publication",
]

INLINE_CACHE = "inline.json"
"""The file, in the plugin's ``cache_dir``, remembering the inline code of each page."""


class PublicationError(GeneratorError):
    """The site cannot be published as configured or built; the message says why."""


def content_folder(root: Path, *, shared: str | None, own: str | None) -> Path:
    """The one content folder of the site: the ``infolettre`` plugin's.

    Args:
        root: The folder of ``mkdocs.yml``.
        shared: The ``content_dir`` of the ``infolettre`` plugin (``content`` if unset).
        own: The ``content_dir`` given to the ``publication`` plugin, if any.

    Raises:
        PublicationError: ``own`` names another folder.
    """
    folder = (root / str(shared or "content")).resolve()
    if own is not None and (root / own).resolve() != folder:
        raise PublicationError(
            f"publication.content_dir (« {own} ») diffère du dossier de contenu du "
            f"plugin infolettre (« {shared or 'content'} ») : un seul dossier de contenu "
            "pour tout le site ; retirez l'option de publication"
        )
    return folder


def depth_of(path: str) -> int:
    """The depth of a built page's URL: ``a/b/index.html`` is 2, ``index.html`` 0."""
    folder = posixpath.dirname(path)
    return 0 if not folder else folder.count("/") + 1


def inline_scripts(html: str) -> tuple[str, ...]:
    """The text of each inline script of ``html``, as the CSP hashes them."""
    return page_inline(html).scripts


@dataclass(frozen=True, kw_only=True)
class PageFacts:
    """What the renderer knows of a rendered page.

    Attributes:
        meta: Its front matter.
        src_uri: Its source path in the site (``infolettre/x/index.md``).
        title: Its title as the renderer found it.
        is_homepage: Whether it is the site's home page.
        url: Its canonical URL (``None`` without ``site_url``).
        dest: The file it is written to.
    """

    meta: Mapping[str, Any]
    src_uri: str
    title: str
    is_homepage: bool
    url: str | None
    dest: Path


@dataclass(frozen=True, kw_only=True)
class Written:
    """What :meth:`Publication.finish` wrote: how many script hashes and rules."""

    script_hashes: int
    rules: int

    @property
    def summary(self) -> str:
        """One French line saying so."""
        return (
            f"_headers ({self.script_hashes} empreintes de scripts) et _redirects "
            f"({self.rules} règles) écrits"
        )


class Publication:
    """One build of the published site: its settings, and the pages read for the CSP.

    Args:
        content_dir: The site's content folder.
        settings: The ``extra.infolettre`` block, checked.
        cache_file: Where the inline code of each page is remembered between builds.
        share_meta: Add link-preview metadata to the pages.
        netlify: Write Netlify's ``_headers`` and ``_redirects``.
        site_url: The site's absolute URL (``None`` or empty: no link previews).
        site_name: The site's name.
        site_description: The site's description.
    """

    def __init__(
        self,
        *,
        content_dir: Path,
        settings: PublicationSettings,
        cache_file: Path,
        share_meta: bool = True,
        netlify: bool = True,
        site_url: str | None = None,
        site_name: str = "",
        site_description: str = "",
    ) -> None:
        self.content_dir = content_dir
        self.settings = settings
        self.cache_file = cache_file
        self.share_meta = share_meta
        self.netlify = netlify
        self.site_url = site_url
        self.site_name = site_name
        self.site_description = site_description
        self.scanner: PageScanner | None = None
        """Reads each rendered page's inline code, from the first page to :meth:`finish`."""

    @property
    def notices(self) -> tuple[str, ...]:
        """What the settings leave to be done, in French (told once per build)."""
        if self.settings.contact_email:
            return ()
        return (
            "extra.infolettre.contact_email est vide : la page Abonnement annonce "
            "une adresse à venir",
        )

    def start_build(self) -> None:
        """A new build starts: no page is read yet."""
        self.scanner = None

    def cancel(self) -> None:
        """The build failed: stop reading pages."""
        if self.scanner is not None:
            self.scanner.cancel()
            self.scanner = None

    def subscription(self, *, existing: Container[str], docs_dir: str) -> OutPage:
        """The subscription page, listing every feed the site writes.

        Args:
            existing: The paths of the site's files, which the page may not take.
            docs_dir: The docs folder, named in the error.

        Raises:
            ContentError: The vocabulary or the sources cannot be read.
            PublicationError: A file of the docs folder has the page's path.
        """
        page = subscription_page(
            load_taxonomy(self.content_dir),
            load_feeds(self.content_dir),
            self.settings,
            site_url=self.site_url or "/",
            site_name=self.site_name,
        )
        if page.path in existing:
            raise PublicationError(
                f"« {page.path} » existe dans {docs_dir} et est aussi produit par le "
                "plugin publication : retirez l'un des deux"
            )
        return page

    def post_page(self, html: str, page: PageFacts) -> str:
        """``html`` with the page's link-preview metadata (when the site has a URL);
        the page is read for the CSP once it is written (:meth:`finish`)."""
        if self.share_meta and self.site_url and page.url:
            info = page_share_info(
                page.meta,
                src_uri=page.src_uri,
                page_title=page.title,
                is_homepage=page.is_homepage,
                url=page.url,
                site_url=self.site_url,
                site_name=self.site_name,
                site_description=self.site_description,
                default_image=self.settings.share_image,
            )
            html = with_share_tags(html, info)
        # The page's inline code is read once it is written, beside the build
        # (generator/publish/site_inline.py).
        if self.netlify:
            if self.scanner is None:
                self.scanner = PageScanner(self.cache_file)
            self.scanner.add(page.dest)
        return html

    def finish(
        self,
        site_dir: Path,
        *,
        template_scripts: Callable[[Iterable[int]], set[str]],
        now: datetime,
        warn: Callable[[str], None],
        inform: Callable[[str], None],
    ) -> Written | None:
        """Write ``_headers`` and ``_redirects`` into the built site (``None``, nothing
        written, without ``netlify``).

        Args:
            site_dir: The built site.
            template_scripts: The inline scripts the theme's templates write for pages
                at the given depths (:func:`depth_of`) and for the error pages.
            now: The build's time (posts dated later are not published).
            warn: Where inline code the CSP would block is told.
            inform: Where redirects left out (their target is not built) are told.

        Raises:
            PublicationError: A page holds an inline script no template writes.
            ContentError: A post or the vocabulary cannot be read.
        """
        if not self.netlify:
            return None
        scanner, self.scanner = self.scanner, None
        if scanner is None:
            scanner = PageScanner(self.cache_file)
        pages = scanner.finish(site_dir)
        allowed = template_scripts(depth_of(path) for path, _ in pages)
        headers = headers_from_inline(pages, allowed)
        if headers.foreign:
            raise PublicationError(
                "script en ligne que n'écrit aucun gabarit du site (la politique CSP le "
                "bloquerait ; du HTML du contenu qui passe pour du code ?) :\n  "
                + "\n  ".join(headers.foreign)
            )
        for problem in headers.problems:
            warn(f"code JavaScript en ligne que la politique CSP bloquerait : {problem}")
        (site_dir / "_headers").write_text(headers.text, encoding="utf-8")

        redirects = site_redirects(self.content_dir, site_dir, now=now)
        for skipped in redirects.skipped:
            inform(f"redirection non écrite : {skipped}")
        (site_dir / "_redirects").write_text(redirects_file(redirects), encoding="utf-8")
        return Written(script_hashes=len(headers.script_hashes), rules=len(redirects.rules))


def open_publication(
    config_file: Path,
    extra: Mapping[str, Any],
    *,
    shared_content_dir: str | None,
    own_content_dir: str | None = None,
    cache_dir: str = ".cache/publication",
    share_meta: bool = True,
    netlify: bool = True,
    site_url: str | None = None,
    site_name: str = "",
    site_description: str = "",
) -> Publication:
    """The publication of the site configured by ``config_file``, for one build.

    Args:
        config_file: ``mkdocs.yml``; the folders are relative to its own.
        extra: Its ``extra`` block (``extra.infolettre`` is checked).
        shared_content_dir: The ``infolettre`` plugin's ``content_dir`` (see
            :func:`content_folder`).
        own_content_dir: The ``publication`` plugin's own ``content_dir``, if given.
        cache_dir: Where the inline code of each page is remembered.
        share_meta: Add link-preview metadata to the pages.
        netlify: Write Netlify's ``_headers`` and ``_redirects``.
        site_url: The site's absolute URL.
        site_name: The site's name.
        site_description: The site's description.

    Raises:
        PublicationError: Another content folder is named.
        ContentError: A setting of ``extra.infolettre`` is wrong (named).
    """
    root = config_file.resolve().parent
    content_dir = content_folder(root, shared=shared_content_dir, own=own_content_dir)
    settings = publication_settings(extra, config_file)
    return Publication(
        content_dir=content_dir,
        settings=settings,
        cache_file=config_file.parent / cache_dir / INLINE_CACHE,
        share_meta=share_meta,
        netlify=netlify,
        site_url=site_url,
        site_name=site_name,
        site_description=site_description,
    )
