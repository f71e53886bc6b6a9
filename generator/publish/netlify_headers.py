"""Netlify's ``_headers`` file for the built site, with a Content-Security-Policy the
pages satisfy. Pure: HTML pages in, header text out.

Material for MkDocs puts small inline scripts in every page (reading the saved palette,
the path of the site root); they differ with the page's depth. Rather than allowing
every inline script (``'unsafe-inline'``), the policy lists the SHA-256 of each script the
site's own templates write: an allow-list computed from the theme, never from what the
pages contain (:mod:`site_plugins.theme_scripts` renders the templates for a page without
content at each depth). Any other inline script found in a built page is foreign (content
that got through as HTML, an injection): it is reported, page by page, and the build
fails. JSON data blocks (``<script type="application/json">``) are not run by browsers,
so the policy does not need them.

Inline event handlers (``onclick=…``) and ``javascript:`` URLs cannot be allowed by a
hash without ``'unsafe-hashes'``: they are reported as problems instead, so that the
build fails rather than publishing a page the policy breaks.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lxml import etree

JS_TYPES = frozenset(
    {
        "", "module", "text/javascript", "application/javascript", "application/ecmascript",
        "application/x-ecmascript", "application/x-javascript", "text/ecmascript",
        "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript",
        "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
        "text/javascript1.3", "text/javascript1.4", "text/javascript1.5",
    }
)  # fmt: skip
"""``type`` values of scripts that browsers run (the HTML standard's JavaScript MIME
types, ``module``, and no type); any other type is a data block."""

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "poster", "xlink:href"})

REFERRER_POLICY = "strict-origin-when-cross-origin"

_JS_URL = re.compile(r"^\s*javascript:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20]")


def csp_hash(source: str) -> str:
    """The CSP source expression allowing an inline script or style: ``'sha256-…'``.

    Browsers hash the element's text exactly as written, encoded in UTF-8.
    """
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@dataclass(frozen=True, kw_only=True)
class PageInline:
    """The inline code of one page, as a Content-Security-Policy sees it."""

    scripts: tuple[str, ...] = ()
    """Text of each inline script a browser would run."""
    styles: tuple[str, ...] = ()
    """Text of each ``<style>`` element."""
    style_attributes: int = 0
    """How many elements carry a ``style`` attribute (KaTeX's formulas, rendered as
    MathML, add none)."""
    blocked: tuple[str, ...] = ()
    """Inline event handlers and ``javascript:`` URLs, described."""


# libxml2's HTML parser (lxml) reads a page several times faster than Python's
# html.parser, and XPath finds the few attributes that matter without a Python loop over
# the page's elements. Attribute values come back with their entities decoded.
_HTML = etree.HTMLParser(no_network=True, huge_tree=True)
_EVENT_HANDLERS = etree.XPath("//@*[starts-with(name(), 'on')]")
_STYLE_ATTRIBUTES = etree.XPath("count(//@style)")
# A javascript: URL holds a colon once decoded, and does not start with "http".
_MAYBE_SCRIPT_URLS = etree.XPath(
    "//@*[contains(., ':') and not(starts-with(., 'http'))]"
    f"[contains(' {' '.join(sorted(URL_ATTRIBUTES))} ', concat(' ', name(), ' '))]"
)


def _parse(html: str) -> Any:
    try:
        return etree.fromstring(html, _HTML)
    except ValueError:  # a string with an XML encoding declaration: lxml wants bytes
        return etree.fromstring(html.encode("utf-8"), _HTML)


def page_inline(html: str) -> PageInline:
    """Find the inline scripts, styles, event handlers and ``javascript:`` URLs of a page."""
    root = _parse(html) if html.strip() else None
    if root is None:
        return PageInline()
    scripts = tuple(
        script.text or ""
        for script in root.iter("script")
        if script.get("src") is None and (script.get("type") or "").strip().lower() in JS_TYPES
    )
    blocked = [
        f"<{value.getparent().tag} {value.attrname}=…> (gestionnaire d'événement en ligne)"
        for value in _EVENT_HANDLERS(root)
    ]
    blocked += [
        f'<{value.getparent().tag} {value.attrname}="{value[:60]}"> (adresse javascript:)'
        for value in _MAYBE_SCRIPT_URLS(root)
        if _JS_URL.match(_INVISIBLE.sub("", value))
    ]
    return PageInline(
        scripts=scripts,
        styles=tuple(style.text or "" for style in root.iter("style")),
        style_attributes=int(_STYLE_ATTRIBUTES(root)),
        blocked=tuple(blocked),
    )


@dataclass(frozen=True, kw_only=True)
class Headers:
    """The ``_headers`` file, and what in the pages the policy would block."""

    text: str
    policy: str
    script_hashes: tuple[str, ...]
    problems: tuple[str, ...] = ()
    """``page: what`` for each inline handler or ``javascript:`` URL."""
    foreign: tuple[str, ...] = ()
    """``page: « script »`` for each inline script that the site's templates do not
    write (the policy does not allow it)."""


def content_security_policy(
    script_hashes: Iterable[str], style_hashes: Iterable[str], *, style_attributes: bool
) -> str:
    """The site's Content-Security-Policy.

    Everything comes from the site itself but images (posts and feed items show images
    of other sites, and author avatars) and media; fonts are the system's
    (``theme.font: false``: no request to Google Fonts). The search runs in a worker
    loaded from the site's own file (no ``blob:`` worker).

    Args:
        script_hashes: ``'sha256-…'`` of each inline script.
        style_hashes: ``'sha256-…'`` of each ``<style>`` element.
        style_attributes: Whether some element has a ``style`` attribute: hashes cannot
            allow those, so styles then need ``'unsafe-inline'`` (which browsers ignore
            when a hash is listed, hence no hashes in that case).
    """
    scripts = " ".join(["'self'", *sorted(set(script_hashes))])
    if style_attributes:
        styles = "'self' 'unsafe-inline'"
    else:
        styles = " ".join(["'self'", *sorted(set(style_hashes))])
    directives = [
        "default-src 'self'",
        f"script-src {scripts}",
        f"style-src {styles}",
        "img-src 'self' data: https:",
        "media-src 'self' https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def headers_file(pages: Iterable[tuple[str, str]], allowed_scripts: Iterable[str]) -> Headers:
    """Netlify's ``_headers`` for the whole site, from its HTML pages.

    Args:
        pages: ``(path, html)`` of every HTML page of the built site.
        allowed_scripts: The text of each inline script the site's templates write.

    Returns:
        The file's text (one rule for ``/*``), the policy, the hashes, and the inline
        code the policy would block, by page.
    """
    return headers_from_inline(((path, page_inline(html)) for path, html in pages), allowed_scripts)


def _excerpt(script: str) -> str:
    text = " ".join(script.split())
    return text if len(text) <= 80 else text[:79] + "…"


def headers_from_inline(
    pages: Iterable[tuple[str, PageInline]], allowed_scripts: Iterable[str]
) -> Headers:
    """Netlify's ``_headers`` from what :func:`page_inline` found in each page.

    Args:
        pages: ``(path, inline code)`` of every HTML page of the built site.
        allowed_scripts: The text of each inline script the site's templates write:
            the policy allows these, and only these (:attr:`Headers.foreign` lists the
            others, by page).
    """
    allowed = frozenset(allowed_scripts)
    scripts = {csp_hash(s) for s in allowed}
    styles: set[str] = set()
    style_attributes = False
    problems: list[str] = []
    foreign: list[str] = []
    for path, found in pages:
        foreign.extend(f"{path}: « {_excerpt(s)} »" for s in found.scripts if s not in allowed)
        styles.update(csp_hash(s) for s in found.styles)
        style_attributes = style_attributes or found.style_attributes > 0
        problems.extend(f"{path}: {what}" for what in found.blocked)
    policy = content_security_policy(scripts, styles, style_attributes=style_attributes)
    lines = [
        "# Écrit à chaque construction (generator/publish/netlify_headers.py) : ne pas modifier.",
        "/*",
        "  X-Content-Type-Options: nosniff",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        "  X-Frame-Options: DENY",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=()",
        f"  Content-Security-Policy: {policy}",
    ]
    return Headers(
        text="\n".join(lines) + "\n",
        policy=policy,
        script_hashes=tuple(sorted(scripts)),
        problems=tuple(sorted(problems)),
        foreign=tuple(sorted(set(foreign))),
    )


def pack_inline(found: PageInline) -> list[Any]:
    """``found`` as plain JSON values (cache file, and results of worker processes)."""
    return [list(found.scripts), list(found.styles), found.style_attributes, list(found.blocked)]


def unpack_inline(packed: Any) -> PageInline:
    """The :class:`PageInline` that :func:`pack_inline` packed.

    Raises:
        ValueError: ``packed`` is not shaped so (a damaged cache file).
    """
    scripts, styles, style_attributes, blocked = packed
    if not all(isinstance(v, list) for v in (scripts, styles, blocked)):
        raise ValueError("listes attendues")
    if not isinstance(style_attributes, int):
        raise ValueError("nombre attendu")
    return PageInline(
        scripts=tuple(map(str, scripts)),
        styles=tuple(map(str, styles)),
        style_attributes=style_attributes,
        blocked=tuple(map(str, blocked)),
    )
