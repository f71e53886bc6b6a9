"""The email edition of an issue: HTML for mail clients, plain text, ``.eml``, announcement.

The issue's Markdown goes through the same shortcode conversion as the site, then
Python-Markdown with the site's extensions that make sense in a mail (admonitions,
tables, attribute lists, Markdown in HTML, fenced code, abbreviations, emoji as Unicode
characters, heading ids). Before anything is written every link and image is checked
against the built site: a link must become absolute (http, https or mailto), an image
of the site must exist in the built site, so that nothing breaks once the mail is sent.

The HTML is what mail clients keep: a fluid table layout (the width of the screen, 600
pixels at most, images scaled to fit; a fixed 600 pixels for Outlook on Windows alone),
styles inlined into ``style`` attributes by css-inline, only an ``@media`` rule left in
the head's ``<style>`` for the clients that honour it (phones), no script, form, frame,
video or SVG (nh3 keeps an allowlist of tags), every URL absolute. The ``.eml`` carries
``List-Unsubscribe`` (and ``List-Unsubscribe-Post`` for a one-click https address) when
the site gives a way to unsubscribe.

Everything here is pure but :func:`site_files` and :func:`write_edition`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import css_inline
import markdown
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pymdownx import emoji

from generator.content.dates import format_french
from generator.content.shortcodes import convert
from generator.errors import PublishingError
from generator.files import files_under, write_atomic
from generator.html_text import html_to_text
from generator.models import Post
from generator.pages.build import demote_headings, md
from generator.publish.site_config import SiteConfig
from generator.publish.subscription import URL_PATH as SUBSCRIPTION_URL_PATH

POSTS_URL_DIR = "infolettre"
"""Posts are published at ``infolettre/<slug>/`` (the Hugo address, kept by the blog)."""

MARKDOWN_EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.emoji",
    "pymdownx.superfences",
    "toc",
]
"""The extensions of ``mkdocs.yml`` that make sense in a mail. Emoji become Unicode
characters rather than inline SVG (mail clients drop SVG); headings get ids but no ``¶``
permalink."""

MARKDOWN_CONFIG = {
    "pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_alt},
}

MAIL_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
"""Tags kept in the body: no script, style, form, iframe, video, audio, object or SVG."""

MAIL_ATTRIBUTES = {
    "*": {"class", "id"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
}

ALLOWED_SCHEMES = ("http", "https", "mailto")

_VIDEO = re.compile(r"<video\b[^>]*?\bsrc=\"(?P<src>[^\"]+)\"[^>]*>.*?</video>", re.DOTALL)
_DETAILS_OPEN = re.compile(
    r"<details(?P<attrs>\s[^>]*)?>\s*<summary>(?P<summary>.*?)</summary>", re.DOTALL
)
_CLASS = re.compile(r"\bclass=\"([^\"]*)\"")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_STYLE = re.compile(r"<style\b[^>]*>(?P<css>.*?)</style\s*>", re.IGNORECASE | re.DOTALL)

_ENV = Environment(
    loader=PackageLoader("generator", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, kw_only=True)
class MailSettings:
    """Where the edition points and who it is from."""

    site_url: str
    """The published site's absolute URL, ending with ``/``."""
    site_name: str
    sender: str
    recipient: str
    contact_email: str = ""
    """Where readers write; gives the ``List-Unsubscribe`` header (mailto) when set."""
    unsubscribe_url: str = ""
    """An https one-click unsubscribe address: ``List-Unsubscribe`` (https) and
    ``List-Unsubscribe-Post`` when set."""

    @classmethod
    def from_site(
        cls, site: SiteConfig, *, sender: str | None = None, recipient: str | None = None
    ) -> MailSettings:
        """Settings from ``mkdocs.yml``; ``sender`` and ``recipient`` override it."""
        return cls(
            site_url=site.site_url,
            site_name=site.site_name,
            sender=sender or site.settings.email_from,
            recipient=recipient or site.settings.email_to,
            contact_email=site.settings.contact_email,
            unsubscribe_url=site.settings.unsubscribe_url,
        )


@dataclass(frozen=True, kw_only=True)
class Edition:
    """An issue ready to send."""

    number: int
    slug: str
    subject: str
    url: str
    """The issue's page on the site."""
    html: str
    text: str
    eml: bytes
    announcement: str
    warnings: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """Base name of the files written for it."""
        return f"infolettre-{self.number}"


# --- Finding the issue -------------------------------------------------------------------


def find_issue(posts: Sequence[Post], number: int, *, unpublished: Sequence[Post] = ()) -> Post:
    """The published issue with this number.

    Args:
        posts: The published issues.
        number: The issue's number.
        unpublished: Drafts and issues dated later, named when asked for.

    Raises:
        PublishingError: No such issue; the message lists the available numbers.
    """
    for post in posts:
        if post.number == number:
            return post
    available = sorted({p.number for p in posts if p.number is not None})
    listed = ", ".join(str(n) for n in available) or "aucun"
    for post in unpublished:
        if post.number == number:
            raise PublishingError(
                f"{post.path}: l'infolettre n° {number} n'est pas publiée (brouillon ou datée "
                f"du futur) ; numéros publiés : {listed}"
            )
    raise PublishingError(f"infolettre n° {number} introuvable (numéros publiés : {listed})")


def post_url(site_url: str, slug: str) -> str:
    """The absolute URL of a post's page."""
    return urljoin(site_url, f"{POSTS_URL_DIR}/{quote(slug)}/")


# --- Markdown to HTML --------------------------------------------------------------------


def issue_markdown(post: Post) -> tuple[str, list[str]]:
    """The issue's body as the site shows it: subtitle, cover, summary, then the text
    with shortcodes converted and headings pushed one level down (the title is the
    only ``h1``).

    Returns:
        The Markdown, and the shortcode warnings (``file:line: message``).
    """
    body, found = convert(post.body, source=post.path)
    warnings = [f"{post.path}:{post.body_line + w.line - 1}: {w.message}" for w in found]
    parts = []
    if post.subtitle:
        parts.append(f"*{md(post.subtitle)}*")
    if post.cover and post.cover_in_page:
        parts.append(f"![{md(post.cover_caption)}]({post.cover}){{ .infolettre-cover }}")
        if post.cover_caption:
            parts.append(f"<small>{md(post.cover_caption)}</small>")
    if post.summary:
        parts.append(md(post.summary))
    parts.append(demote_headings(body).strip())
    return "\n\n".join(parts) + "\n", warnings


def render_markdown(text: str) -> str:
    """HTML of the issue's Markdown, shaped for mail: ``<details>`` blocks open as
    admonitions (mail clients cannot fold), videos become links."""
    html = markdown.markdown(
        text, extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG
    )

    def details(match: re.Match[str]) -> str:
        found = _CLASS.search(match["attrs"] or "")
        kind = found.group(1) if found else "note"
        return (
            f'<div class="admonition {kind}"><p class="admonition-title">'
            f"{match['summary'].strip()}</p>"
        )

    html = _DETAILS_OPEN.sub(details, html).replace("</details>", "</div>")
    return _VIDEO.sub(lambda m: f'<p><a href="{m["src"]}">Voir la vidéo</a></p>', html)


# --- Links and images --------------------------------------------------------------------


class _UrlCollector(HTMLParser):
    """Every ``<a href>`` and ``<img src>`` of a fragment, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append((tag, value))


def urls_of(html: str) -> list[tuple[str, str]]:
    """``(tag, url)`` for every link (``a``) and image (``img``) of ``html``."""
    collector = _UrlCollector()
    collector.feed(html)
    collector.close()
    return collector.urls


def site_path(url: str, site_url: str) -> str | None:
    """The path of ``url`` under the site's root (no leading ``/``), or ``None`` if the
    URL is not on the site."""
    parts = urlsplit(url)
    root = urlsplit(site_url)
    if (parts.scheme, parts.netloc) not in (("http", root.netloc), ("https", root.netloc)):
        return None
    if not parts.path.startswith(root.path):
        return None
    return unquote(parts.path[len(root.path) :])


def in_built_site(path: str, files: frozenset[str]) -> bool:
    """Whether a site path (``infolettre/x/``, ``feed.json``…) is a file of the built site,
    directly or as ``index.html`` of a folder."""
    path = path.lstrip("/")
    if path in ("", "."):
        return "index.html" in files
    if path.endswith("/"):
        return path + "index.html" in files
    return path in files or path + "/index.html" in files


def _markdown_target(url: str) -> str:
    """A link to a Markdown file as MkDocs publishes it (``a/index.md`` → ``a/``,
    ``b.md`` → ``b/``), fragment and query kept."""
    split = urlsplit(url)
    path = split.path
    if not path.endswith(".md"):
        return url
    if posixpath.basename(path) in ("index.md", "README.md"):
        path = posixpath.dirname(path)
        path = path + "/" if path else "./"
    else:
        path = path[:-3] + "/"
    return split._replace(path=path).geturl()


@dataclass(frozen=True, kw_only=True)
class Resolved:
    """What a link or image of the issue becomes."""

    url: str | None
    """The absolute URL, or ``None`` when it cannot be used."""
    error: str = ""
    warning: str = ""


def resolve(tag: str, raw: str, *, page_url: str, site_url: str, files: frozenset[str]) -> Resolved:
    """Make a link (``tag="a"``) or image (``tag="img"``) of the issue absolute, and check it.

    Links: http, https and mailto are kept; a relative link is resolved against the
    issue's page and must lead to a page or file of the built site; a link to the site
    that leads nowhere is a warning. Images: relative ones and those of the site must
    exist in the built site; images of other sites are kept as they are.

    Args:
        tag: ``a`` or ``img``.
        raw: The URL as written.
        page_url: The issue's absolute URL.
        site_url: The site's absolute URL.
        files: Paths of the built site's files (``infolettre/x/index.html``…).

    Returns:
        The absolute URL, or the reason it cannot be used.
    """
    value = raw.strip()
    what = "image" if tag == "img" else "lien"
    scheme = _SCHEME.match(value)
    if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
        return Resolved(
            url=None,
            error=f"{what} « {raw} » : « {scheme.group(1)}: » n'est pas lu par les messageries "
            "(http, https ou mailto seulement)",
        )
    if scheme and scheme.group(1).lower() == "mailto":
        if tag == "img":
            return Resolved(url=None, error=f"image « {raw} » : adresse mailto: comme image")
        return Resolved(url=value)
    relative = not scheme
    if value.startswith("//"):
        value, relative = "https:" + value, False
    if relative and tag == "a":
        value = _markdown_target(value)
    absolute = urljoin(page_url, value) if relative else value
    if tag == "a" and absolute.split("#", 1)[0] == page_url:
        return Resolved(url=absolute)  # an anchor of the issue itself
    path = site_path(absolute, site_url)
    if path is None:
        if relative:
            return Resolved(url=None, error=f"{what} « {raw} » : sort du site ({absolute})")
        return Resolved(url=absolute)  # another site: cannot be checked offline
    if in_built_site(path, files):
        return Resolved(url=absolute)
    if tag == "img":
        return Resolved(
            url=None,
            error=f"image « {raw} » absente du site construit (attendue : {path or '/'}) : "
            "ajoutez le fichier à côté de index.md et reconstruisez le site (make build)",
        )
    if relative:
        return Resolved(
            url=None,
            error=f"lien relatif « {raw} » : aucune page du site construit à cette adresse "
            f"({absolute}) ; écrivez l'adresse complète (https://…) ou corrigez le chemin",
        )
    return Resolved(
        url=absolute, warning=f"lien « {raw} » : pas de page à cette adresse dans le site construit"
    )


def _line_of(post: Post, raw: str) -> int | None:
    """The line of ``index.md`` where ``raw`` first appears in the body, if it does."""
    for offset, line in enumerate(post.body.split("\n")):
        if raw in line:
            return post.body_line + offset
    return None


def _where(post: Post, raw: str) -> str:
    line = _line_of(post, raw)
    return f"{post.path}:{line}" if line is not None else str(post.path)


# --- The edition -------------------------------------------------------------------------


def media_rules_only(css: str) -> bool:
    """Whether a style sheet holds nothing but ``@media`` blocks (which css-inline leaves
    in place: they cannot be inlined)."""
    rest = css.strip()
    while rest:
        if not rest.lower().startswith("@media"):
            return False
        opened = rest.find("{")
        if opened < 0:
            return False
        depth, index = 0, opened
        for index in range(opened, len(rest)):
            depth += {"{": 1, "}": -1}.get(rest[index], 0)
            if depth == 0:
                break
        if depth != 0:
            return False
        rest = rest[index + 1 :].strip()
    return True


def mail_problems(html: str) -> list[str]:
    """What a mail client would strip or break in an email's HTML: ``<script>``, a
    ``<style>`` other than the head's ``@media`` rules, forms, frames, and URLs that are
    not absolute. Empty when it is ready."""
    problems = [
        f"élément <{tag}> présent"
        for tag in ("script", "form", "iframe", "object", "embed", "svg", "video")
        if re.search(rf"<{tag}\b", html, re.IGNORECASE)
    ]
    head_end = html.lower().find("</head>")
    for style in _STYLE.finditer(html):
        if style.start() > head_end or not media_rules_only(style["css"]):
            problems.append("élément <style> présent (hors règles @media de l'en-tête)")
    for tag, url in urls_of(html):
        scheme = _SCHEME.match(url.strip())
        if not scheme or scheme.group(1).lower() not in ALLOWED_SCHEMES:
            problems.append(f"adresse non absolue dans <{tag}> : « {url} »")
    return problems


def _message_id(number: int, html: str, site_url: str) -> str:
    # Stable for the same content (rebuilding gives the same file), new when it changes.
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:16]
    host = urlsplit(site_url).hostname or "localhost"
    return f"<infolettre-{number}.{digest}@{host}>"


def unsubscribe_targets(settings: MailSettings) -> list[str]:
    """The ``List-Unsubscribe`` addresses (RFC 2369): the one-click https address first,
    then a mail to the contact address; empty when the site gives neither."""
    ways = []
    if settings.unsubscribe_url.startswith("https://"):
        ways.append(quote(settings.unsubscribe_url, safe=":/?#[]@!$&'()*+,;=%-._~"))
    if settings.contact_email:
        address = quote(settings.contact_email, safe="@.+-_")
        ways.append(f"mailto:{address}?subject=D%C3%A9sinscription")
    return ways


def _eml(
    *, subject: str, html: str, text: str, settings: MailSettings, number: int, now: datetime
) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    # The parts first: set_content() clears every Content-* header set before it.
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # A boundary from the content rather than a random one: the same edition, the same bytes.
    message.set_boundary("=_infolettre_" + hashlib.sha256(html.encode("utf-8")).hexdigest()[:24])
    # One line: a header holds no line break, Unicode's (U+2028, U+0085…) included.
    message["Subject"] = " ".join(subject.split())
    message["From"] = settings.sender
    message["To"] = settings.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = _message_id(number, html, settings.site_url)
    message["Content-Language"] = "fr"
    ways = unsubscribe_targets(settings)
    if ways:
        message["List-Unsubscribe"] = ", ".join(f"<{way}>" for way in ways)
        if ways[0].startswith("https:"):
            # RFC 8058: the client POSTs to the https address, nothing to confirm.
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Outlook opens a message marked unsent as a draft, ready to send.
    message["X-Unsent"] = "1"
    return message.as_bytes()


def announcement(*, title: str, summary: str, url: str) -> str:
    """A short text for a chat channel: title, summary, link."""
    lines = [f"📬 Nouvelle infolettre : {title}"]
    if summary.strip():
        lines += ["", " ".join(summary.split())]
    lines += ["", f"À lire ici : {url}"]
    return "\n".join(lines) + "\n"


def build_edition(
    post: Post, settings: MailSettings, *, files: frozenset[str], now: datetime
) -> Edition:
    """The email edition of ``post``.

    Args:
        post: The issue (it must have a number).
        settings: The site's URL and name, sender and recipient.
        files: Paths of the built site's files, relative to its folder (see
            :func:`site_files`): links and images are checked against them.
        now: The ``Date`` of the message.

    Returns:
        The edition, with warnings (shortcodes, links to missing pages of the site).

    Raises:
        PublishingError: The issue is not in the built site, or a link or image cannot
            be used; every problem is listed with the file and line.
    """
    if post.number is None:
        raise PublishingError(f"{post.path}: infolettre sans numéro (clé « issue » ou « (#N) »)")
    url = post_url(settings.site_url, post.slug)
    page = site_path(url, settings.site_url) or ""
    if not in_built_site(page, files):
        raise PublishingError(
            f"{post.path}: l'infolettre n'est pas dans le site construit (attendue : {page}) ; "
            "reconstruisez-le avec `make build`"
        )
    text, warnings = issue_markdown(post)
    body = render_markdown(text)

    resolved: dict[tuple[str, str], Resolved] = {}
    errors: list[str] = []
    for tag, raw in urls_of(body):
        if (tag, raw) in resolved:
            continue
        result = resolve(tag, raw, page_url=url, site_url=settings.site_url, files=files)
        resolved[(tag, raw)] = result
        if result.error:
            errors.append(f"{_where(post, raw)}: {result.error}")
        elif result.warning:
            warnings.append(f"{_where(post, raw)}: {result.warning}")
    if errors:
        raise PublishingError(
            f"{len(errors)} problème(s) empêchent l'édition courriel :\n" + "\n".join(errors)
        )

    attribute_names = {"a": "href", "img": "src"}

    def absolute(element: str, attribute: str, value: str) -> str | None:
        if attribute_names.get(element) != attribute:
            return value
        found = resolved.get((element, value))
        return found.url if found is not None else None

    body = nh3.clean(
        body,
        tags=set(MAIL_TAGS),
        attributes={k: set(v) for k, v in MAIL_ATTRIBUTES.items()},
        attribute_filter=absolute,
        url_schemes=set(ALLOWED_SCHEMES),
    )
    document = _ENV.get_template("email.html.j2").render(
        subject=post.title,
        title=post.title,
        date=format_french(post.date),
        preheader=" ".join(post.summary.split()),
        body=Markup(body),
        url=url,
        site_url=settings.site_url,
        site_name=settings.site_name,
        subscription_url=urljoin(settings.site_url, SUBSCRIPTION_URL_PATH),
        contact_email=settings.contact_email,
    )
    inliner = css_inline.CSSInliner(
        keep_style_tags=False, keep_at_rules=True, load_remote_stylesheets=False
    )
    html = inliner.inline(document)
    problems = mail_problems(html)
    if problems:  # the template or the cleaning let something through: a bug, not content
        raise PublishingError(f"{post.path}: HTML de courriel invalide : {'; '.join(problems)}")
    plain = html_to_text(html)
    return Edition(
        number=post.number,
        slug=post.slug,
        subject=post.title,
        url=url,
        html=html,
        text=plain,
        eml=_eml(
            subject=post.title,
            html=html,
            text=plain,
            settings=settings,
            number=post.number,
            now=now,
        ),
        announcement=announcement(title=post.title, summary=post.summary, url=url),
        warnings=tuple(warnings),
    )


# --- Disk --------------------------------------------------------------------------------


def site_files(site_dir: Path) -> frozenset[str]:
    """Paths of the files of a built site, relative to its folder (POSIX).

    Raises:
        PublishingError: The folder does not hold a built site; says how to build it.
    """
    if not (site_dir / "index.html").is_file():
        raise PublishingError(
            f"site construit introuvable dans « {site_dir} » : construisez-le avec "
            "`make build` (ou `mkdocs build`), ou indiquez son dossier avec --site"
        )
    return frozenset(files_under(site_dir))


def write_edition(edition: Edition, out_dir: Path) -> list[Path]:
    """Write the edition's files into ``out_dir`` (created if missing).

    Returns:
        ``infolettre-N.html``, ``.txt``, ``.eml`` and ``-annonce.txt``, in that order.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        out_dir / f"{edition.stem}.html",
        out_dir / f"{edition.stem}.txt",
        out_dir / f"{edition.stem}.eml",
        out_dir / f"{edition.stem}-annonce.txt",
    ]
    write_atomic(paths[0], edition.html)
    write_atomic(paths[1], edition.text)
    # The .eml is bytes with CRLF line ends (SMTP policy): written as they are.
    paths[2].write_bytes(edition.eml)
    write_atomic(paths[3], edition.announcement)
    return paths
