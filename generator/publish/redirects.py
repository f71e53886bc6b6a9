"""Netlify's ``_redirects``: the old Hugo/Wowchemy addresses of the site, to the new pages.

The infolettres keep their Hugo address (``/infolettre/<slug>/``). What changed is
around them; the old site (Wowchemy 5 on Hugo) published:

* its RSS feeds at ``/index.xml`` (home) and ``/infolettre/index.xml`` (the section),
  now ``/feed_rss.xml``;
* a page per tag at ``/tag/<tag>/`` (Wowchemy's ``permalinks: tags``), with its feed
  ``/tag/<tag>/index.xml``; the tags of an infolettre now lead to the theme of the same
  name or id (``/themes/<id>/``), to the category of the same name, else to the list
  of themes;
* a page per category at ``/category/<category>/``, now the blog's category page;
* a page per author at ``/author/<id>/``, now the blog's author page;
* Hugo's ``aliases`` of a post, its former addresses;
* the pages of its other sections at ``/post/<slug>/`` (now ``/billets/<slug>/``),
  ``/event/<slug>/`` and ``/talk/<slug>/`` (now ``/evenements/<slug>/``), and the
  sections' lists ``/post/``, ``/event/``, ``/talk/``.

Term addresses are Hugo's ``urlize`` of the term (lower case, accents removed since the
site set ``removePathAccents``, spaces as ``-``). A rule is written only when its target
is a file of the built site; the others are reported. Catch-all rules after the
specific ones send other old term pages to the nearest list.

Pure: posts, vocabulary and the built site's files in, rules out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from pymdownx.slugs import slugify

from generator.content.loader import load_articles, load_posts, load_taxonomy
from generator.files import files_under
from generator.models import Content, Post, Taxonomy
from generator.pages.feeds_out import RSS_NAME
from generator.themes import catalog

BLOG_DIR = "infolettre"
"""Material's blog folder (``blog_dir`` in ``mkdocs.yml``)."""

_category_slug = slugify(case="lower", normalize="NFD")
"""The ``categories_slugify`` of ``mkdocs.yml``: a rule is kept only if its page exists."""

_HUGO_DROP = re.compile(r"[^\w\-./#+~%]")


@dataclass(frozen=True, kw_only=True)
class Redirect:
    """One rule of ``_redirects``: paths from the site root."""

    source: str
    target: str
    status: int = 301


@dataclass(frozen=True, kw_only=True)
class Redirects:
    """The rules, and those left out because their target is not in the built site."""

    rules: tuple[Redirect, ...]
    skipped: tuple[str, ...] = ()


def hugo_urlize(term: str) -> str:
    """The path segment Hugo gives a taxonomy term: lower case, accents removed, spaces
    as ``-``, characters outside letters, digits and ``-_.#+~%`` dropped."""
    folded = "".join(
        c for c in unicodedata.normalize("NFD", term) if unicodedata.category(c) != "Mn"
    )
    return _HUGO_DROP.sub("", "-".join(folded.lower().split()))


def _exists(path: str, files: frozenset[str]) -> bool:
    path = path.lstrip("/")
    if not path or path.endswith("/"):
        return path + "index.html" in files
    return path in files


def _url(path: str) -> str:
    return quote(path, safe="/-_.~*:!")


def legacy_redirects(
    posts: Sequence[Post],
    taxonomy: Taxonomy,
    files: frozenset[str],
    articles: Sequence[Post] = (),
) -> Redirects:
    """The redirects from the old site's addresses.

    Args:
        posts: The published infolettres.
        articles: The published pages of ``post/``, ``event/`` and ``talk/``.
        taxonomy: The vocabulary (tags lead to their theme).
        files: Paths of the built site's files, relative to its folder.

    Returns:
        The rules (specific ones first, catch-alls last) and the rules left out.
    """
    rules: list[Redirect] = []
    skipped: list[str] = []
    seen: set[str] = set()
    newsletter_feed = f"/{RSS_NAME}"

    def add(source: str, target: str) -> None:
        if source in seen or source == target:
            return
        if _exists(source, files):
            return  # the page still exists at that address: nothing to redirect
        seen.add(source)
        if _exists(target, files):
            rules.append(Redirect(source=source, target=target))
        else:
            skipped.append(f"{source} → {target} (absente du site construit)")

    def theme_of(tag: str) -> str | None:
        wanted = {tag.casefold(), hugo_urlize(tag)}
        for rule in taxonomy.tags:
            if rule.id.casefold() in wanted or rule.label.casefold() in wanted:
                return rule.id
        return None

    categories = {c.casefold(): c for post in posts for c in post.categories}

    add("/index.xml", newsletter_feed)
    add(f"/{BLOG_DIR}/index.xml", newsletter_feed)
    for post in posts:
        for alias in post.aliases:
            # Netlify matches a rule with or without the trailing slash.
            add(alias, f"/{BLOG_DIR}/{post.slug}/")
    for article in articles:
        target = "/" + catalog.article_page(article).removesuffix("index.md")
        add(f"/{article.section}/{article.slug}/", target)
        for alias in article.aliases:
            add(alias, target)
    for section in _unique(article.section for article in articles):
        kind = catalog.SECTION_KINDS.get(section)
        if kind is not None:
            add(f"/{section}/", f"/{kind.value}/")
    for tag in _unique(t for post in posts for t in post.tags):
        term = hugo_urlize(tag)
        if not term:
            continue
        theme = theme_of(tag)
        if theme is not None:
            add(f"/tag/{term}/", f"/{catalog.TAGS_URI}/{theme}/")
            add(f"/tag/{term}/index.xml", f"/{catalog.TAGS_URI}/{theme}/{RSS_NAME}")
        elif tag.casefold() in categories:
            add(f"/tag/{term}/", f"/{BLOG_DIR}/category/{_category_slug(tag, '-')}/")
            add(f"/tag/{term}/index.xml", newsletter_feed)
        else:
            add(f"/tag/{term}/", f"/{catalog.TAGS_URI}/")
    for category in _unique(categories.values()):
        term = hugo_urlize(category)
        if term:
            add(f"/category/{term}/", f"/{BLOG_DIR}/category/{_category_slug(category, '-')}/")
            add(f"/category/{term}/index.xml", newsletter_feed)
    for author in _unique(a for post in posts for a in post.authors):
        term = hugo_urlize(author)
        if term:
            add(f"/author/{term}/", f"/{BLOG_DIR}/author/{author}/")
            add(f"/author/{term}/index.xml", newsletter_feed)
    # Old term pages of other sections (talks, projects) had tags and authors too.
    add("/tags/", f"/{catalog.TAGS_URI}/")
    add("/tag/*", f"/{catalog.TAGS_URI}/")
    add("/category/*", f"/{BLOG_DIR}/")
    add("/author/*", f"/{BLOG_DIR}/")
    return Redirects(rules=tuple(rules), skipped=tuple(skipped))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def redirects_file(redirects: Redirects) -> str:
    """The text of Netlify's ``_redirects`` (first matching rule wins)."""
    lines = ["# Écrit à chaque construction (generator/publish/redirects.py) : ne pas modifier."]
    width = max((len(_url(r.source)) for r in redirects.rules), default=0)
    lines += [
        f"{_url(r.source).ljust(width)}  {_url(r.target)}  {r.status}" for r in redirects.rules
    ]
    return "\n".join(lines) + "\n"


def site_redirects(content_dir: Path, site_dir: Path, *, now: datetime) -> Redirects:
    """The legacy redirects of a built site: its published posts (read from
    ``content_dir``, as the build read them) and its vocabulary, checked against the
    files of ``site_dir`` (a redirect whose target is not there is skipped).

    Raises:
        ContentError: A post or the vocabulary cannot be read (named).
    """
    posts = load_posts(content_dir)
    articles, _ = load_articles(content_dir)
    content = Content(root=content_dir, posts=tuple(posts), articles=articles)
    files = frozenset(files_under(site_dir))
    return legacy_redirects(
        catalog.visible_posts(content, now=now),
        load_taxonomy(content_dir),
        files,
        catalog.visible_articles(content, now=now),
    )
