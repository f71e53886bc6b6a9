"""Convert Hugo/Wowchemy shortcodes and Quarto callouts into Markdown that MkDocs renders.

The output targets Python-Markdown with the extensions ``admonition``, ``attr_list``,
``md_in_html``, ``tables``, ``pymdownx.details``, ``pymdownx.superfences`` and ``toc``;
the ``icon`` shortcode also needs ``pymdownx.emoji`` configured with Material's emoji
index (``material.extensions.emoji.twemoji``), and ``abbr`` is harmless alongside.

Hugo shortcodes use two delimiters: ``{{% name args %}}`` (inner content is Markdown) and
``{{< name args >}}`` (inner content is HTML in Hugo; we treat it as Markdown too).
Shortcodes nest, and their arguments may span lines; ``{{< name />}}`` is self-closing
and a shortcode that is never closed is self-closing too (one made to hold content, such
as ``callout``, is reported with its line: see :data:`PAIRED_SHORTCODES`). An unknown
shortcode keeps its inner content, loses its delimiters, and is reported with its line
number. Hugo's
escaped form ``{{</* name */>}}`` is shown as text (``{{< name >}}``).

Supported shortcodes (see :data:`RENDERERS`): ``callout``/``alert`` (admonitions),
``spoiler`` (``???`` block), ``figure`` (``<figure markdown="span">`` with an image and a
``<figcaption>``), ``staticref`` (a Markdown link to a file of the site's root, where
Hugo's ``static/`` is published: ``site_root`` of :func:`convert`), ``video`` (``<video>``,
http(s) or relative source), ``youtube``, ``gist``, ``tweet``/``x`` (plain
links, no embed nor script), ``abbr`` (``<abbr title>``), ``icon`` (a Material emoji
shortcode such as ``:fontawesome-solid-download:``), ``ref``/``relref`` and ``cite``;
Quarto's ``var`` (a value of ``_variables.yml``) and ``fa`` (a Font Awesome icon that
Material ships, else a warning).
``ref`` and ``relref`` write the path they are given, unchanged and without ``.md``
added: Hugo resolves it to a page URL that we cannot know here, and MkDocs' link
validation reports the ones that do not resolve.

Quarto fenced divs (``::: {.callout-note}`` … ``:::``) become admonitions as well, and
``.columns``/``.column`` divs a Material grid; see :func:`convert_quarto_callouts`.

Fenced code blocks (```` ``` ```` or ``~~~``, closed, at any indentation) are never
touched: a shortcode or a ``:::`` line inside one stays literal. Everywhere else no
shortcode delimiter (``{{<``, ``{{%``, ``%}}``, ``>}}``) survives :func:`convert`: a
malformed one is reported and its braces are written as HTML entities, so that the page
shows it as the author typed it (a code span holding one becomes an HTML ``<code>``).
The one exception is ``demo`` (:data:`PASSED_THROUGH`): its tag is kept, on one line,
for the ``demos`` MkDocs plugin to expand.
"""

from __future__ import annotations

import bisect
import html
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from generator.content import html_blocks, quarto

_MAX_DEPTH = 100
"""Deepest nesting of shortcodes or Quarto divs; deeper openers are left unpaired."""

_NAME = r"[A-Za-z][\w.-]*(?:/[A-Za-z][\w.-]*)*"
_TOKEN = re.compile(
    # Hugo's escaped shortcode, shown as text: {{</* name */>}} or {{%/* name */%}}.
    r"\{\{(?P<edelim>[<%])/\*(?P<ebody>.*?)\*/[%>]\}\}"
    # A shortcode tag; its arguments hold no other delimiter and no blank line.
    r"|\{\{(?P<delim>[<%])\s*(?P<close>/)?\s*(?P<name>" + _NAME + r")"
    r"(?P<args>(?:(?!\{\{[<%]|[%>]\}\}|\n[ \t]*\n).)*?)[ \t\n]*(?P<selfclose>/)?[ \t\n]*[%>]\}\}",
    re.DOTALL,
)
_STRAY = re.compile(r"\{\{(?P<open>[<%])(?:\s*/?\s*(?P<name>[A-Za-z][\w.-]*))?|(?P<end>[%>])\}\}")
_LEFTOVER = re.compile(r"\{\{(?=[<%])|(?<=[%>])\}\}")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\r]*)\r?$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*\r?$")
_PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
# Spaces ending a line, then blank lines; the next line keeps its indentation.
_LEADING_BLANK_LINES = re.compile(r"\A[ \t]*(?:\n[ \t]*(?=\n))*\n?")
_ESCAPED_CHAR = re.compile(r"\x01(\d+)\x01")
_KEPT = re.compile(r"\x02(\d+)\x02")
_CODE_SPAN = re.compile(
    r"(?<![`\\])(?P<ticks>`+)(?!`)(?P<code>(?:(?!\n[ \t]*\n)[^\x00])+?)(?<!`)(?P=ticks)(?!`)"
)

_QUARTO_OPEN = re.compile(
    r"^(?P<indent>[ \t]*):{3,}[ \t]*"
    r"(?:\{(?P<attrs>.*)\}|(?P<word>[^\s{}:][^\s{}]*))[ \t]*:*[ \t]*\r?$"
)
_QUARTO_CLOSE = re.compile(r"^[ \t]*:{3,}[ \t]*\r?$")
_QUARTO_KEYVALUE = re.compile(
    r"""(?P<key>[A-Za-z_][\w-]*)=(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))"""
)
_QUARTO_CLASS = re.compile(r"(?:^|\s)\.(?P<cls>[A-Za-z][\w-]*)")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*\r?$")

ADMONITION_KINDS = {
    # Material for MkDocs' own types.
    "note": "note",
    "abstract": "abstract",
    "info": "info",
    "tip": "tip",
    "success": "success",
    "question": "question",
    "warning": "warning",
    "failure": "failure",
    "danger": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote",
    # Aliases used by Wowchemy, Hugo Blox, GitHub alerts and Quarto. Material styles only
    # the types above, so "important" (red in Quarto) becomes "danger".
    "summary": "abstract",
    "tldr": "abstract",
    "todo": "info",
    "hint": "tip",
    "important": "danger",
    "check": "success",
    "done": "success",
    "help": "question",
    "faq": "question",
    "caution": "warning",
    "attention": "warning",
    "fail": "failure",
    "missing": "failure",
    "error": "danger",
    "alert": "danger",
    "cite": "quote",
    # French words an author of this site may use.
    "remarque": "note",
    "résumé": "abstract",
    "astuce": "tip",
    "conseil": "tip",
    "succès": "success",
    "avertissement": "warning",
    "erreur": "danger",
    "exemple": "example",
    "citation": "quote",
}

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
_GIST_USER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_GIST_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_TWEET_USER = re.compile(r"\w{1,15}")
_TWEET_ID = re.compile(r"\d{1,25}")
_DIMENSION = re.compile(r"\d{1,5}(?:px|%)?")
_HTML_ID = re.compile(r"[A-Za-z][\w-]*")
_URL_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_ICON_PACKS = {
    "fas": "fontawesome-solid",
    "solid": "fontawesome-solid",
    "fab": "fontawesome-brands",
    "brands": "fontawesome-brands",
    "far": "fontawesome-regular",
    "regular": "fontawesome-regular",
}
# Academicons ("ai" pack) that Material ships among its Simple Icons.
_ACADEMICONS_SIMPLE = frozenset(
    {
        "acm",
        "arxiv",
        "doi",
        "figshare",
        "googlescholar",
        "hal",
        "ieee",
        "inspire",
        "mendeley",
        "orcid",
        "osf",
        "overleaf",
        "researchgate",
        "semanticscholar",
        "ssrn",
        "zotero",
    }
)

_MEDIA_SCHEMES = frozenset({"http", "https"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True, kw_only=True)
class ShortcodeWarning:
    """An unknown or malformed shortcode, with its 1-based line in the text given."""

    line: int
    name: str
    message: str


@dataclass(kw_only=True)
class _Node:
    name: str
    args: list[str]
    kwargs: dict[str, str]
    line: int
    children: list[_Node | str] = field(default_factory=list)
    paired: bool = False
    delimiter: str = "%"
    """``%`` or ``<``, as the opening tag was written."""
    # Whitespace before the opening tag when nothing else precedes it on its line.
    prefix: str = ""
    # Problems found by the renderer, reported as warnings.
    problems: list[str] = field(default_factory=list)


@dataclass
class _State:
    """What renderers share during one conversion."""

    figures: int = 0
    variables: Mapping[str, Any] | None = None
    """Quarto's ``_variables.yml``, None where the file has none."""
    site_root: str = ""
    """The site's root relative to the page (``../../``), for ``staticref``."""
    folder: Path | None = None
    """The folder of the file converted, where it is known."""


Renderer = Callable[[_Node, str, _State], str]


# --------------------------------------------------------------------------- helpers


def _parse_args(raw: str) -> tuple[list[str], dict[str, str]]:
    try:
        tokens = shlex.split(raw.replace("\n", " "), posix=True)
    except ValueError:
        tokens = raw.split()
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if sep and re.fullmatch(r"[\w-]+", key):
            kwargs[key] = value
        else:
            args.append(token)
    return args, kwargs


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.split("\n"))


def _reindent(text: str, prefix: str) -> str:
    if not prefix:
        return text
    return "\n".join((prefix + line) if line.strip() else "" for line in text.split("\n"))


def _title_attr(value: str) -> str:
    """An admonition title on one line; inner quotes are fine (the title ends at ``" $``)."""
    return " ".join(value.split())


def _escape_text(value: str) -> str:
    """Escape ``<``, ``>`` and bare ``&`` in text that stays Markdown (entities survive)."""
    parts: list[str] = []
    position = 0
    for match in _ENTITY.finditer(value):
        parts.append(html.escape(value[position : match.start()], quote=False))
        parts.append(match.group())
        position = match.end()
    parts.append(html.escape(value[position:], quote=False))
    return "".join(parts)


def _plain(markdown: str) -> str:
    """Rough plain text of inline Markdown, for an ``alt`` attribute."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[*`]+", "", text)


def _link_text(value: str) -> str:
    """Text that is safe between the brackets of a Markdown link or image."""
    text = " ".join(value.split())
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _link_target(url: str) -> str:
    """A URL that is safe between the parentheses of a Markdown link."""
    url = url.strip()
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return re.sub(r"\s", "", url).replace('"', "%22")


def _is_safe_url(url: str, schemes: frozenset[str]) -> bool:
    """Whether ``url`` is relative or uses one of ``schemes`` (``javascript:`` never does)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    if not cleaned:
        return False
    match = _URL_SCHEME.match(cleaned)
    return match is None or match["scheme"].lower() in schemes


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"true", "yes", "1", "on"}


def _first(node: _Node, *keys: str, position: int = 0) -> str:
    """The first keyword argument found among ``keys``, else a positional one, else ``""``."""
    for key in keys:
        if key in node.kwargs:
            return node.kwargs[key].strip()
    return node.args[position].strip() if len(node.args) > position else ""


def _block_body(inner: str, prefix: str) -> str:
    """Inner content of a block shortcode, brought back to column 0 and trimmed."""
    lines = inner.split("\n")
    lines = [lines[0].lstrip()] + [
        line[len(prefix) :] if prefix and line.startswith(prefix) else line for line in lines[1:]
    ]
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


# ------------------------------------------------------------------ fenced code masking


def _mask_fences(text: str) -> tuple[str, list[str]]:
    """Replace each line of every closed fenced code block by a placeholder.

    A placeholder keeps the line's leading whitespace, so that the indentation both passes
    add (admonition bodies) applies to code as well; :func:`_unmask` puts the rest back.
    """
    if "```" not in text and "~~~" not in text:  # no fence: nothing to mask
        return text, []
    lines = text.split("\n")
    closers = [_FENCE_CLOSE.match(line) for line in lines]
    # Shortest fence of each character found unclosed: longer ones further on are too.
    unclosed = {"`": len(text) + 1, "~": len(text) + 1}
    saved: list[str] = []
    index = 0
    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        char, size = opening["fence"][0], len(opening["fence"])
        end = None
        if size < unclosed[char]:
            for j in range(index + 1, len(lines)):
                closer = closers[j]
                if closer and closer["fence"][0] == char and len(closer["fence"]) >= size:
                    end = j
                    break
        if end is None:
            # Python-Markdown does not treat an unclosed fence as code either.
            unclosed[char] = min(unclosed[char], size)
            index += 1
            continue
        for j in range(index, end + 1):
            line = lines[j]
            rest = line.lstrip(" \t")
            saved.append(rest)
            lines[j] = f"{line[: len(line) - len(rest)]}\x00{len(saved) - 1}\x00"
        index = end + 1
    return "\n".join(lines), saved


def _clean_controls(text: str) -> str:
    """Replace the control characters used as markers, which never belong in Markdown."""
    return text.replace("\x00", "\ufffd").replace("\x01", "\ufffd").replace("\x02", "\ufffd")


def _unmask(text: str, saved: list[str]) -> str:
    return _PLACEHOLDER.sub(lambda match: saved[int(match[1])], text)


# -------------------------------------------------------------------- Quarto callouts


def _quarto_attributes(match: re.Match[str]) -> tuple[list[str], dict[str, str]]:
    if match["word"] is not None:
        return [match["word"]], {}
    raw = match["attrs"] or ""
    attributes: dict[str, str] = {}
    for pair in _QUARTO_KEYVALUE.finditer(raw):
        value = pair["dq"] if pair["dq"] is not None else pair["sq"] or pair["bare"] or ""
        attributes[pair["key"]] = re.sub(r"\\(.)", r"\1", value) if pair["dq"] else value
    remainder = _QUARTO_KEYVALUE.sub(" ", raw)
    return [found["cls"] for found in _QUARTO_CLASS.finditer(remainder)], attributes


def _quarto_kind(classes: list[str]) -> str | None:
    """The callout kind among a div's classes (``""`` for a bare ``.callout``), else None."""
    for cls in classes:
        if cls == "callout":
            return ""
        if cls.startswith("callout-"):
            return cls.removeprefix("callout-")
    return None


def _quarto_pass(lines: list[str]) -> tuple[list[str], list[int], list[ShortcodeWarning]]:
    """Convert the fenced divs of ``lines`` (code already masked).

    Returns:
        The output lines, the 0-based input line each output line comes from, and the
        warnings.
    """
    if not any(":::" in line for line in lines):  # no fenced div: lines as they are
        return list(lines), list(range(len(lines))), []
    warnings: list[ShortcodeWarning] = []
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for index, line in enumerate(lines):
        if _QUARTO_CLOSE.match(line):
            if opened:
                pairs[opened.pop()] = index
            else:
                warnings.append(
                    ShortcodeWarning(
                        line=index + 1,
                        name=":::",
                        message="« ::: » ferme un bloc Quarto jamais ouvert : laissé tel quel",
                    )
                )
        elif _QUARTO_OPEN.match(line):
            if len(opened) < _MAX_DEPTH:
                opened.append(index)
            else:
                warnings.append(
                    ShortcodeWarning(
                        line=index + 1,
                        name=":::",
                        message=f"blocs Quarto imbriqués sur plus de {_MAX_DEPTH} niveaux : "
                        "ligne laissée telle quelle",
                    )
                )
    for index in opened:
        # Pandoc leaves an unclosed div as text; say so only for callouts, since a bare
        # "::: name" line is also mkdocstrings' syntax.
        match = _QUARTO_OPEN.match(lines[index])
        assert match is not None
        kind = _quarto_kind(_quarto_attributes(match)[0])
        if kind is not None:
            warnings.append(
                ShortcodeWarning(
                    line=index + 1,
                    name=f"callout-{kind}" if kind else "callout",
                    message="bloc Quarto jamais fermé par « ::: » : laissé tel quel",
                )
            )

    def emit(start: int, end: int, out: list[str], origin: list[int]) -> None:
        index = start
        while index < end:
            if index in pairs:
                div(index, pairs[index], out, origin)
                index = pairs[index] + 1
            else:
                out.append(lines[index])
                origin.append(index)
                index += 1

    def div(start: int, end: int, out: list[str], origin: list[int]) -> None:
        match = _QUARTO_OPEN.match(lines[start])
        assert match is not None
        indent = match["indent"]
        classes, attributes = _quarto_attributes(match)
        kind = _quarto_kind(classes)
        body: list[str] = []
        body_origin: list[int] = []
        emit(start + 1, end, body, body_origin)
        while body and not body[-1].strip():
            del body[-1], body_origin[-1]
        if kind is None and ("columns" in classes or "column" in classes):
            # Quarto's side-by-side columns: Material's grid (one column on a phone).
            css = "grid" if "columns" in classes else "column"
            out.extend(
                ["", f'{indent}<div class="{css}" markdown>', "", *body, "", f"{indent}</div>", ""]
            )
            origin.extend([start, start, start, *body_origin, end, end, end])
            return
        if kind is None:
            label = " ".join("." + cls for cls in classes) or "{}"
            warnings.append(
                ShortcodeWarning(
                    line=start + 1,
                    name=label,
                    message=f"bloc Quarto « {label} » non géré : contenu gardé, balises retirées",
                )
            )
            out.extend(["", *body, ""])
            origin.extend([start, *body_origin, end])
            return
        admonition = ADMONITION_KINDS.get(kind.lower()) if kind else "note"
        if admonition is None:
            warnings.append(
                ShortcodeWarning(
                    line=start + 1,
                    name=f"callout-{kind}",
                    message=f"type de callout Quarto inconnu « {kind} » : rendu comme « note »",
                )
            )
            admonition = "note"
        title = attributes.get("title", "").strip()
        first = next((i for i, line in enumerate(body) if line.strip()), None)
        if not title and first is not None:
            heading = _HEADING.match(body[first])
            if heading:
                title = heading["title"].strip()
                del body[first], body_origin[first]
        collapse = attributes.get("collapse", "").strip().lower()
        marker = {"true": "???", "false": "???+"}.get(collapse, "!!!")
        head = f"{indent}{marker} {admonition}"
        if title:
            head += f' "{_title_attr(title)}"'
        if out and out[-1].strip():
            out.append("")
            origin.append(start)
        out.append(head)
        origin.append(start)
        for line, line_origin in zip(body, body_origin, strict=True):
            if not line.strip():
                out.append("")
            elif line.startswith(indent):
                out.append(indent + "    " + line[len(indent) :])
            else:
                out.append(indent + "    " + line.lstrip())
            origin.append(line_origin)
        if end + 1 < len(lines) and lines[end + 1].strip():
            out.append("")
            origin.append(end)

    result: list[str] = []
    origin: list[int] = []
    emit(0, len(lines), result, origin)
    return result, origin, warnings


def convert_quarto_callouts(text: str) -> tuple[str, list[ShortcodeWarning]]:
    """Turn Quarto callouts (Pandoc fenced divs) into admonitions.

    ``::: {.callout-note}``, ``::: {.callout-warning title="…"}`` and ``::: callout-tip``
    open a callout; a line of three colons or more closes the innermost open one, so that
    divs nest (authors write the outer fences with more colons). The kinds note, tip,
    warning, caution (→ ``warning``) and important (→ ``danger``) are understood, with the
    aliases of :data:`ADMONITION_KINDS`. The title comes from the ``title`` attribute or
    else from a heading on the callout's first line; ``collapse="true"`` gives a closed
    ``???`` block and ``collapse="false"`` an open ``???+`` one. ``.columns`` holding
    ``.column`` divs becomes ``<div class="grid" markdown>`` holding ``<div
    class="column" markdown>`` (side by side on a wide screen). Other divs lose their
    fences and keep their content, with a warning. Fenced code blocks are left alone.

    Args:
        text: Markdown that may hold Quarto callouts.

    Returns:
        The converted Markdown and the warnings (unknown kinds, unmatched fences), each
        with its 1-based line in ``text``.
    """
    masked, saved = _mask_fences(_clean_controls(text))
    lines, _, warnings = _quarto_pass(masked.split("\n"))
    warnings.sort(key=lambda warning: warning.line)
    return _unmask("\n".join(lines), saved), warnings


# --------------------------------------------------------------------------- renderers


def _callout(node: _Node, inner: str, state: _State) -> str:
    kind = _first(node, "type") or "note"
    key = kind.lower().removeprefix("alert-")
    admonition = ADMONITION_KINDS.get(key)
    if admonition is None:
        node.problems.append(f"type de callout inconnu « {kind} » : rendu comme « note »")
        admonition = "note"
    title = node.kwargs.get("title", "").strip()
    head = f'!!! {admonition} "{_title_attr(title)}"' if title else f"!!! {admonition}"
    return f"{head}\n\n{_indent(inner)}" if inner else head


def _spoiler(node: _Node, inner: str, state: _State) -> str:
    text = _first(node, "text", "title") or "Détails"
    head = f'??? note "{_title_attr(text)}"'
    return f"{head}\n\n{_indent(inner)}" if inner else head


def _figure(node: _Node, inner: str, state: _State) -> str:
    src = _first(node, "src")
    if not src or not _is_safe_url(src, _MEDIA_SCHEMES):
        node.problems.append(f"figure sans image utilisable (src « {src} ») : omise")
        return ""
    title = node.kwargs.get("title", "").strip()
    caption = (node.kwargs.get("caption", "") or inner).strip()
    alt = node.kwargs.get("alt", "").strip() or _plain(caption or title)
    image = f"![{_link_text(alt)}]({_link_target(src)})"
    sizes = [
        f'{key}="{node.kwargs[key].strip()}"'
        for key in ("width", "height")
        if _DIMENSION.fullmatch(node.kwargs.get(key, "").strip())
    ]
    if sizes:
        image += "{ " + " ".join(sizes) + " }"
    link = node.kwargs.get("link", "").strip()
    if not link and _is_true(node.kwargs.get("lightbox")):
        link = src
    if link and _is_safe_url(link, _LINK_SCHEMES):
        image = f"[{image}]({_link_target(link)})"
    elif link:
        node.problems.append(f"lien de figure refusé (« {link} ») : image sans lien")
    parts = [_escape_text(" ".join(text.split())) for text in (title, caption) if text]
    if len(parts) == 2:
        parts[0] = f"**{parts[0]}**"
    text = " ".join(parts)
    if _is_true(node.kwargs.get("numbered")):
        state.figures += 1
        text = f"Figure {state.figures}&nbsp;: {text}" if text else f"Figure {state.figures}"
    figcaption = f"<figcaption>{text}</figcaption>" if text else ""
    anchor = node.kwargs.get("id", "").strip()
    ident = f' id="{anchor}"' if _HTML_ID.fullmatch(anchor) else ""
    return f'<figure markdown="span"{ident}>{image}{figcaption}</figure>'


def _staticref(node: _Node, inner: str, state: _State) -> str:
    path = _first(node, "href", "path")
    text = inner.strip() or _link_text(path)
    if not path or not _is_safe_url(path, _LINK_SCHEMES):
        node.problems.append(f"staticref sans chemin utilisable (« {path} ») : texte gardé")
        return text
    beside = state.folder is not None and (state.folder / path).is_file()
    if not _URL_SCHEME.match(path) and not path.startswith(("//", "#")) and not beside:
        # Hugo resolves the path from the site's root (its static/ folder); a file found
        # beside the post (published with it) keeps its relative path.
        path = state.site_root + path.lstrip("/")
    newtab = "newtab" in node.args[1:] or _is_true(node.kwargs.get("newtab"))
    attributes = '{ target="_blank" rel="noopener" }' if newtab else ""
    return f"[{text}]({_link_target(path)}){attributes}"


def _video(node: _Node, inner: str, state: _State) -> str:
    src = _first(node, "src")
    if not src or not _is_safe_url(src, _MEDIA_SCHEMES):
        node.problems.append(f"vidéo sans source http(s) ou relative (« {src} ») : omise")
        return ""
    # Wowchemy plays a video without controls in a silent loop.
    controls = "controls" if _is_true(node.kwargs.get("controls")) else "autoplay loop muted"
    return f'<video {controls} src="{html.escape(src.strip(), quote=True)}"></video>'


def _youtube(node: _Node, inner: str, state: _State) -> str:
    ident = _first(node, "id")
    if not _YOUTUBE_ID.fullmatch(ident):
        node.problems.append(f"identifiant YouTube invalide « {ident} » : vidéo omise")
        return ""
    url = f"https://www.youtube.com/watch?v={ident}"
    start = node.kwargs.get("start", "").strip()
    if start.isdigit():
        url += f"&t={start}s"
    title = node.kwargs.get("title", "").strip()
    text = f"Vidéo YouTube : {_link_text(title)}" if title else "Vidéo YouTube"
    return f"[{text}]({url})"


def _abbr(node: _Node, inner: str, state: _State) -> str:
    title = _first(node, "title")
    return f'<abbr title="{html.escape(title, quote=True)}">{inner.strip()}</abbr>'


def _icon(node: _Node, inner: str, state: _State) -> str:
    pack = node.kwargs.get("pack", "fas").strip().lower()
    allowed = r"[^a-z0-9_+-]+" if pack == "emoji" else r"[^a-z0-9-]+"
    raw = _first(node, "name")
    name = re.sub(r"-{2,}", "-", re.sub(allowed, "-", raw.lower())).strip("-")
    if pack in _ICON_PACKS:
        name = name.removeprefix("fa-")
    if not name:
        node.problems.append(f"icône sans nom utilisable (« {raw} ») : omise")
        return ""
    if pack == "emoji":
        return f":{name}:"
    if pack in _ICON_PACKS:
        return f":{_ICON_PACKS[pack]}-{name}:"
    if pack == "ai" and name.replace("-", "") in _ACADEMICONS_SIMPLE:
        return f":simple-{name.replace('-', '')}:"
    return f":material-{name}:"


def _var(node: _Node, inner: str, state: _State) -> str:
    name = _first(node, "name")
    if state.variables is None:
        node.problems.append(f"variable Quarto « {name} » sans fichier _variables.yml : omise")
        return ""
    value = quarto.lookup(state.variables, name)
    if value is None:
        node.problems.append(f"variable Quarto « {name} » absente de _variables.yml : omise")
        return ""
    return _escape_text(value)


_FA_STYLES = {"solid": "solid", "fas": "solid", "brands": "brands", "fab": "brands"}
_FA_STYLES |= {"regular": "regular", "far": "regular"}


@cache
def _material_icons() -> Path:
    import material

    return Path(material.__file__).parent / "templates" / ".icons" / "fontawesome"


def _fa(node: _Node, inner: str, state: _State) -> str:
    words = [word.lower() for word in node.args]
    styles = [_FA_STYLES[words[0]]] if len(words) > 1 and words[0] in _FA_STYLES else []
    raw = words[-1] if words else ""
    name = re.sub(r"[^a-z0-9-]+", "-", raw.removeprefix("fa-")).strip("-")
    for style in styles or ["solid", "brands", "regular"]:
        if name and (_material_icons() / style / f"{name}.svg").is_file():
            return f":fontawesome-{style}-{name}:"
    node.problems.append(f"icône Font Awesome « {raw} » absente des icônes de Material : omise")
    return ""


def _ref(node: _Node, inner: str, state: _State) -> str:
    # Hugo resolves the path to the page's URL; we cannot know the MkDocs URL here, so the
    # path is written as given (no ".md" added) for MkDocs' link validation to report.
    return re.sub(r"\s", "%20", _first(node, "path").strip())


def _cite(node: _Node, inner: str, state: _State) -> str:
    page = _first(node, "page")
    if not page or not _is_safe_url(page, _LINK_SCHEMES):
        node.problems.append(f"citation sans page utilisable (« {page} ») : omise")
        return ""
    return f"[{_link_text(page)}]({_link_target(page)})"


def _gist(node: _Node, inner: str, state: _State) -> str:
    user = _first(node, "user")
    ident = _first(node, "id", position=1)
    if not (_GIST_USER.fullmatch(user) and _GIST_ID.fullmatch(ident)):
        node.problems.append(f"gist invalide (« {user} », « {ident} ») : omis")
        return ""
    url = f"https://gist.github.com/{user}/{ident}"
    filename = _first(node, "file", position=2)
    text = f"Gist GitHub {user}/{ident}"
    if filename:
        url += "#file-" + re.sub(r"[^a-z0-9]+", "-", filename.lower()).strip("-")
        text += f" ({_link_text(filename)})"
    return f"[{text}]({url})"


def _tweet(node: _Node, inner: str, state: _State) -> str:
    ident = node.kwargs.get("id", "").strip() or (node.args[-1] if node.args else "")
    user = node.kwargs.get("user", "").strip() or (node.args[0] if len(node.args) > 1 else "")
    if not _TWEET_ID.fullmatch(ident) or (user and not _TWEET_USER.fullmatch(user)):
        node.problems.append(f"publication X invalide (« {user} », « {ident} ») : omise")
        return ""
    return f"[Publication sur X](https://x.com/{user or 'i'}/status/{ident})"


RENDERERS: dict[str, Renderer] = {
    "callout": _callout,
    "alert": _callout,
    "spoiler": _spoiler,
    "figure": _figure,
    "staticref": _staticref,
    "video": _video,
    "youtube": _youtube,
    "abbr": _abbr,
    "icon": _icon,
    "ref": _ref,
    "relref": _ref,
    "cite": _cite,
    "gist": _gist,
    "tweet": _tweet,
    "x": _tweet,
    "var": _var,
    "fa": _fa,
}
"""Renderers by shortcode name: ``(node, inner Markdown, state) -> Markdown``."""

BLOCK_SHORTCODES = frozenset(
    {"callout", "alert", "spoiler", "figure", "video", "youtube", "gist", "tweet", "x"}
)
"""Shortcodes rendered as blocks: separated by blank lines, indented like their tag."""

PAIRED_SHORTCODES = frozenset({"callout", "alert", "spoiler", "abbr", "staticref"})
"""Shortcodes made to hold content, which Hugo refuses to build unclosed: an opening tag
never closed (nor written self-closing, ``{{< name />}}``) is reported, with its line.
It is rendered empty, and the text after it stays, after it."""

PASSED_THROUGH = frozenset({"demo"})
"""Shortcodes left in place, on one line, for a later stage: ``demo`` is expanded by the
``demos`` MkDocs plugin (``site_plugins/demos_plugin.py``), which runs the demo."""


# -------------------------------------------------------------------------- Hugo pass


_NEWLINE = re.compile("\n")


class _HugoPass:
    """Tokenizes, builds the shortcode tree and renders it, for one text."""

    def __init__(self, text: str, state: _State) -> None:
        self.text = text
        self.warnings: list[ShortcodeWarning] = []
        self.state = state
        # Where each line ends, found line by line (a loop over the characters took
        # 3 ms for a long post).
        self._newlines = [match.start() for match in _NEWLINE.finditer(text)]
        # Tags of PASSED_THROUGH shortcodes, put back by convert() after all escaping.
        self.kept: list[str] = []

    def line(self, position: int) -> int:
        return bisect.bisect_left(self._newlines, position) + 1

    def warn(self, line: int, name: str, message: str) -> None:
        self.warnings.append(ShortcodeWarning(line=line, name=name, message=message))

    def plain(self, start: int, end: int) -> str:
        """Text between tags, with stray delimiters reported and escaped."""

        def escape(match: re.Match[str]) -> str:
            if match["open"]:
                delimiter = "{{" + match["open"]
                message = f"délimiteur « {delimiter} » sans fermeture valide : affiché tel quel"
            else:
                delimiter = match["end"] + "}}"
                message = f"délimiteur « {delimiter} » sans ouverture : affiché tel quel"
            self.warn(self.line(start + match.start()), match["name"] or "", message)
            return _escape_delimiters(match.group())

        text = self.text[start:end]
        if "{{" not in text and "}}" not in text:  # nothing to look for: the usual text
            return text
        return _STRAY.sub(escape, text)

    def tree(self) -> list[_Node | str]:
        root = _Node(name="", args=[], kwargs={}, line=0)
        stack = [root]
        position = 0
        for match in _TOKEN.finditer(self.text):
            stack[-1].children.append(self.plain(position, match.start()))
            position = match.end()
            if match["edelim"]:
                body = _STRAY.sub(lambda found: _escape_delimiters(found.group()), match["ebody"])
                delim = match["edelim"]
                stack[-1].children.append(
                    _escape_delimiters("{{" + delim)
                    + body
                    + _escape_delimiters(("%" if delim == "%" else ">") + "}}")
                )
                continue
            line = self.line(match.start())
            name = match["name"]
            if match["close"]:
                # Close the nearest open shortcode of that name; those opened inside it
                # without a closing tag are self-closing.
                for depth in range(len(stack) - 1, 0, -1):
                    if stack[depth].name == name:
                        stack[depth].paired = True
                        self.unclosed(stack[depth + 1 :])
                        del stack[depth:]
                        break
                else:
                    stack[-1].children.append(
                        _Node(name="/" + name, args=[], kwargs={}, line=line, paired=False)
                    )
                continue
            if name in PASSED_THROUGH:
                self.kept.append(" ".join(match.group().split()))
                stack[-1].children.append(f"\x02{len(self.kept) - 1}\x02")
                continue
            args, kwargs = _parse_args(match["args"])
            line_start = self.text.rfind("\n", 0, match.start()) + 1
            before = self.text[line_start : match.start()]
            node = _Node(
                name=name,
                args=args,
                kwargs=kwargs,
                line=line,
                prefix=before if not before.strip() else "",
                delimiter=match["delim"],
            )
            stack[-1].children.append(node)
            if match["selfclose"]:
                continue
            if len(stack) > _MAX_DEPTH:
                node.problems.append(
                    f"shortcodes imbriqués sur plus de {_MAX_DEPTH} niveaux : "
                    f"« {name} » traité comme autofermant"
                )
                continue
            stack.append(node)
        stack[-1].children.append(self.plain(position, len(self.text)))
        self.unclosed(stack[1:])
        # Shortcodes never closed are self-closing: hoist their children back to the parent.
        return _flatten_unpaired(root.children)

    def unclosed(self, nodes: list[_Node]) -> None:
        """Report the shortcodes of :data:`PAIRED_SHORTCODES` among ``nodes``, opened and
        never closed."""
        for node in nodes:
            if node.name in PAIRED_SHORTCODES:
                end = "%" if node.delimiter == "%" else ">"
                opening = f"{{{{{node.delimiter} {node.name} {end}}}}}"
                closing = f"{{{{{node.delimiter} /{node.name} {end}}}}}"
                self.warn(
                    node.line,
                    node.name,
                    f"« {opening} » jamais fermé (« {closing} » attendu) : rendu sans "
                    "contenu, le texte qui suit est gardé après lui",
                )

    def render(self, children: list[_Node | str]) -> str:
        out: list[str] = []
        after_block = False
        for child in children:
            if isinstance(child, str):
                if after_block:
                    # The rest of the closing tag's line and blank lines are already there.
                    child = _LEADING_BLANK_LINES.sub("", child)
                    after_block = not child
                out.append(child)
                continue
            inner = self.render(child.children)
            if child.name.startswith("/"):
                self.warn(
                    child.line,
                    child.name[1:],
                    f"« {{{{% {child.name} %}}}} » ferme un shortcode jamais ouvert",
                )
                continue
            renderer = RENDERERS.get(child.name)
            if renderer is None:
                self.warn(
                    child.line,
                    child.name,
                    f"shortcode inconnu « {child.name} » : contenu gardé, balises retirées",
                )
                out.append(inner)
                continue
            if child.name in BLOCK_SHORTCODES:
                block = renderer(child, _block_body(inner, child.prefix), self.state)
                if block:
                    before = "".join(out).rstrip()
                    out = [before + ("\n\n" if before else ""), _reindent(block, child.prefix)]
                    out.append("\n\n")
                    after_block = True
            else:
                out.append(renderer(child, inner, self.state))
                after_block = False
            for problem in child.problems:
                self.warn(child.line, child.name, problem)
        return "".join(out)


def _flatten_unpaired(children: list[_Node | str]) -> list[_Node | str]:
    result: list[_Node | str] = []
    for child in children:
        if isinstance(child, _Node):
            child.children = _flatten_unpaired(child.children)
            if not child.paired:
                inner = child.children
                child.children = []
                result.append(child)
                result.extend(inner)
                continue
        result.append(child)
    return result


def _escape_delimiters(text: str) -> str:
    """Mark the braces and angle brackets of ``text`` for :func:`_resolve_escapes`."""
    return re.sub(r"[{}<>]", lambda match: f"\x01{ord(match.group())}\x01", text)


def _neutralize(text: str) -> str:
    """Escape the braces of any delimiter formed by joining rendered pieces."""
    if "{{" not in text and "}}" not in text:  # the pattern's lookbehind scans every place
        return text
    return _LEFTOVER.sub(lambda match: _escape_delimiters(match.group()), text)


def _resolve_escapes(text: str) -> str:
    """Write the marked characters as HTML entities, so that ``{{<`` shows but is inert.

    Entities are not decoded in a Markdown code span, so a code span holding one becomes
    an HTML ``<code>`` element whose characters are all written as entities.
    """

    def code_span(match: re.Match[str]) -> str:
        code = match["code"]
        if "\x01" not in code:
            return match.group()
        literal = _ESCAPED_CHAR.sub(lambda found: chr(int(found[1])), code).replace("\n", " ")
        if len(literal) > 2 and literal.startswith(" ") and literal.endswith(" "):
            literal = literal[1:-1]
        encoded = "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in literal)
        return f"<code>{encoded}</code>"

    if "\x01" not in text:  # nothing marked: every code span stays as it is
        return text
    # A new <code> element may touch a brace: neutralize once more.
    text = _neutralize(_CODE_SPAN.sub(code_span, text))
    return _ESCAPED_CHAR.sub(lambda found: f"&#{found[1]};", text)


def convert(
    text: str, *, source: Path | None = None, site_root: str = ""
) -> tuple[str, list[ShortcodeWarning]]:
    """Replace every shortcode and Quarto callout in ``text``.

    With ``source``, Quarto's ``{{< include >}}`` lines are expanded first and
    ``{{< var >}}`` reads the project's ``_variables.yml`` (:mod:`generator.content.quarto`).
    HTML blocks get ``markdown="1"`` where Hugo renders their content as Markdown and
    third-party embeds become links (:mod:`generator.content.html_blocks`). Quarto
    callouts and columns are converted next (see :func:`convert_quarto_callouts`), then
    Hugo shortcodes; a block shortcode (callout, figure…) indented inside a callout or a
    list keeps that indentation. Fenced code blocks are left as they are.

    Args:
        text: Markdown with Hugo shortcodes.
        source: The file ``text`` comes from, for includes and variables.
        site_root: The site's root relative to the page (``../../``): ``staticref``
            paths start from it.

    Returns:
        The converted Markdown and the warnings (unknown shortcodes, stray closers,
        malformed delimiters, invalid arguments), sorted by their 1-based line in
        ``text``.
    """
    state = _State(site_root=site_root, folder=None if source is None else source.parent)
    warnings: list[ShortcodeWarning] = []
    included = list(range(text.count("\n") + 1))
    if source is not None:
        text, included, found = quarto.expand_includes(text, source)
        warnings.extend(
            ShortcodeWarning(line=w.line, name="include", message=w.message) for w in found
        )
        variables_file = quarto.find_variables(source)
        if variables_file is not None:
            try:
                state.variables = quarto.load_variables(variables_file)
            except ValueError as error:
                warnings.append(ShortcodeWarning(line=1, name="var", message=str(error)))
    masked, saved = _mask_fences(_clean_controls(text))
    masked, embeds = html_blocks.replace_embeds(html_blocks.mark_markdown_blocks(masked))
    warnings.extend(
        ShortcodeWarning(line=included[w.line - 1] + 1, name="embed", message=w.message)
        for w in embeds
    )
    lines, origin, quarto_warnings = _quarto_pass(masked.split("\n"))
    warnings.extend(
        ShortcodeWarning(line=included[w.line - 1] + 1, name=w.name, message=w.message)
        for w in quarto_warnings
    )
    hugo = _HugoPass("\n".join(lines), state)
    body = hugo.render(hugo.tree())
    for warning in hugo.warnings:
        source_line = included[origin[warning.line - 1]] + 1
        warnings.append(
            ShortcodeWarning(line=source_line, name=warning.name, message=warning.message)
        )
    warnings.sort(key=lambda warning: warning.line)
    if body.endswith("\n\n"):
        body = body.rstrip("\n") + "\n"
    body = _KEPT.sub(lambda match: hugo.kept[int(match[1])], _resolve_escapes(_neutralize(body)))
    return _unmask(body, saved), warnings
