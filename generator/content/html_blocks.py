"""Raw HTML in Markdown bodies: Markdown inside HTML blocks, and third-party embeds.

Hugo's Goldmark ends an HTML block at the first blank line: what follows, up to the
closing tag, is Markdown again (``<div class="alert">``, a blank line, then ``**gras**``
renders bold). Python-Markdown keeps a whole block raw unless its opening tag carries
``markdown="1"`` (extension ``md_in_html``): :func:`mark_markdown_blocks` adds it where
Goldmark would render Markdown, and nowhere else.

The site's Content-Security-Policy (``frame-src 'none'``, scripts from the site only)
blocks embedded third-party content: :func:`replace_embeds` puts a link to it in its
place (the reader sees a link, not an empty box) and reports each one.

Pure functions; fenced code blocks must be masked by the caller.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
        "div", "fieldset", "figcaption", "figure", "footer", "header", "main", "nav",
        "section",
    }
)  # fmt: skip
"""Block elements whose content Goldmark renders as Markdown after a blank line (the
CommonMark HTML blocks of type 6 that hold flow content; lists and tables are left raw)."""

_OPENING = re.compile(
    r"^(?P<indent> {0,3})<(?P<tag>[A-Za-z][A-Za-z0-9]*)(?P<attrs>(?:\s[^<>]*?)?)\s*>[ \t]*\r?$"
)
_MARKDOWN_ATTR = re.compile(r"(?:^|\s)markdown\s*=?", re.IGNORECASE)
_EMBED = re.compile(
    r"<(?P<tag>iframe|script)\b(?P<attrs>[^<>]*?)(?:/>|>(?P<inner>.*?)</(?P=tag)\s*>)",
    re.IGNORECASE | re.DOTALL,
)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+))""")
_TITLE = re.compile(r"""\btitle\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")


@dataclass(frozen=True, kw_only=True)
class EmbedWarning:
    """Third-party content replaced by a link, with its 1-based line."""

    line: int
    message: str


def mark_markdown_blocks(text: str) -> str:
    """Add ``markdown="1"`` to the HTML blocks whose content Goldmark renders as Markdown.

    An opening tag of :data:`BLOCK_TAGS`, alone on its line (indented by three spaces at
    most) and without a ``markdown`` attribute, gets one when a blank line comes before
    its closing tag: Goldmark renders what follows that blank line as Markdown. A block
    with no blank line stays raw, as in Hugo. Lines are neither added nor removed.

    Args:
        text: Markdown, fenced code blocks masked.

    Returns:
        The same Markdown, some opening tags marked.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _OPENING.match(line)
        if match is None or match["tag"].lower() not in BLOCK_TAGS:
            continue
        if _MARKDOWN_ATTR.search(match["attrs"]):
            continue
        closing = re.compile(rf"</{re.escape(match['tag'])}\s*>", re.IGNORECASE)
        for following in lines[index + 1 :]:
            if not following.strip():
                attrs = match["attrs"].rstrip()
                tag = match["tag"]
                lines[index] = f'{match["indent"]}<{tag}{attrs} markdown="1">'
                break
            if closing.search(following):
                break
    return "\n".join(lines)


def _attribute(pattern: re.Pattern[str], attrs: str) -> str:
    found = pattern.search(attrs)
    if found is None:
        return ""
    value = next((group for group in found.groups() if group is not None), "")
    return html.unescape(value).strip()


def _link_for(src: str) -> str:
    """The page a reader opens for an embed: Observable's notebook rather than its frame."""
    parts = urlsplit(src)
    if parts.netloc.endswith("observablehq.com") and parts.path.startswith("/embed/"):
        return parts._replace(path=parts.path[len("/embed") :], query="").geturl()
    return src


def replace_embeds(text: str) -> tuple[str, list[EmbedWarning]]:
    """Replace third-party iframes and remote scripts by a link to their content.

    An ``<iframe>`` or a ``<script src>`` whose source is on another site (``http(s)://``
    or ``//``) becomes a paragraph ``<p class="contenu-externe">`` with a link (for an
    Observable embed, to its notebook; for a script, to the script's site). Each is
    reported with its line and the blocked origin. The replacement keeps the line count,
    so that later line numbers stay right.

    Args:
        text: Markdown, fenced code blocks masked.

    Returns:
        The Markdown with embeds replaced, and one warning per embed.
    """
    warnings: list[EmbedWarning] = []
    out: list[str] = []
    position = 0
    for match in _EMBED.finditer(text):
        src = _attribute(_SRC, match["attrs"])
        parts = urlsplit(src if not src.startswith("//") else "https:" + src)
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            continue
        tag = match["tag"].lower()
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        line = text.count("\n", 0, match.start()) + 1
        target = _link_for(parts.geturl()) if tag == "iframe" else origin + "/"
        title = _attribute(_TITLE, match["attrs"])
        label = f"Voir le contenu sur {parts.netloc.lower()}"
        if title:
            label = f"{title} (sur {parts.netloc.lower()})"
        warnings.append(
            EmbedWarning(
                line=line,
                message=f"<{tag}> de {origin} bloqué par la politique de sécurité du site "
                "(CSP) : remplacé par un lien",
            )
        )
        link = (
            f'<p class="contenu-externe"><a href="{html.escape(target, quote=True)}">'
            f"{html.escape(label, quote=False)}</a></p>"
        )
        out.append(text[position : match.start()])
        # The removed newlines come back after the link: the lines that follow keep
        # their numbers.
        out.append(link + "\n" * match.group().count("\n"))
        position = match.end()
    out.append(text[position:])
    return "".join(out), warnings
