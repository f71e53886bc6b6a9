"""Convert Hugo/Wowchemy shortcodes into Markdown that Python-Markdown renders.

Both delimiters are understood: ``{{% name args %}}`` (inner content is Markdown) and
``{{< name args >}}`` (inner content is HTML in Hugo; we treat it as Markdown too).
Shortcodes nest, and their arguments may span lines. An unknown shortcode keeps its
inner content, loses its delimiters, and is reported with its line number.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

_TAG = re.compile(
    r"\{\{(?P<delim>[%<])\s*(?P<close>/)?\s*(?P<name>[A-Za-z][\w-]*)(?P<args>.*?)\s*(?P=delim)?"
    r"(?:%|>)\}\}",
    re.DOTALL,
)

ADMONITION_KINDS = {
    "note": "note",
    "info": "info",
    "tip": "tip",
    "warning": "warning",
    "danger": "danger",
    "caution": "warning",
    "important": "important",
    "success": "success",
    "question": "question",
    "example": "example",
    "quote": "quote",
}


@dataclass(frozen=True, kw_only=True)
class ShortcodeWarning:
    """An unknown or malformed shortcode, with its 1-based line in the converted text."""

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


def _tree(text: str) -> list[_Node | str]:
    root = _Node(name="", args=[], kwargs={}, line=0)
    stack = [root]
    position = 0
    for match in _TAG.finditer(text):
        stack[-1].children.append(text[position : match.start()])
        position = match.end()
        line = text.count("\n", 0, match.start()) + 1
        name = match["name"]
        if match["close"]:
            # Close the nearest open shortcode of that name; those opened inside it
            # without a closing tag are self-closing.
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].name == name:
                    opened = stack[depth]
                    del stack[depth:]
                    opened.paired = True
                    break
            else:
                stack[-1].children.append(
                    _Node(name="/" + name, args=[], kwargs={}, line=line, paired=False)
                )
            continue
        args, kwargs = _parse_args(match["args"])
        node = _Node(name=name, args=args, kwargs=kwargs, line=line)
        stack[-1].children.append(node)
        stack.append(node)
    stack[-1].children.append(text[position:])
    # Shortcodes never closed are self-closing: hoist their children back to the parent.
    return _flatten_unpaired(root.children)


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


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in text.split("\n"))


def _title_attr(value: str) -> str:
    return value.replace('"', "&quot;")


Renderer = Callable[[_Node, str], str]


def _callout(node: _Node, inner: str) -> str:
    kind = node.args[0] if node.args else node.kwargs.get("type", "note")
    admonition = ADMONITION_KINDS.get(kind.lower(), "note")
    title = node.kwargs.get("title")
    head = f'!!! {admonition} "{_title_attr(title)}"' if title else f"!!! {admonition}"
    return f"\n\n{head}\n\n{_indent(inner.strip())}\n\n"


def _spoiler(node: _Node, inner: str) -> str:
    text = node.kwargs.get("text", node.args[0] if node.args else "Détails")
    return f'\n\n??? note "{_title_attr(text)}"\n\n{_indent(inner.strip())}\n\n'


RENDERERS: dict[str, Renderer] = {
    "callout": _callout,
    "alert": _callout,
    "spoiler": _spoiler,
}


def convert(text: str) -> tuple[str, list[ShortcodeWarning]]:
    """Replace every shortcode in ``text``.

    Args:
        text: Markdown with Hugo shortcodes.

    Returns:
        The converted Markdown and the warnings (unknown shortcodes, stray closers).
    """
    warnings: list[ShortcodeWarning] = []

    def render(children: list[_Node | str]) -> str:
        out: list[str] = []
        for child in children:
            if isinstance(child, str):
                out.append(child)
                continue
            inner = render(child.children)
            if child.name.startswith("/"):
                warnings.append(
                    ShortcodeWarning(
                        line=child.line,
                        name=child.name[1:],
                        message=f"« {{{{% {child.name} %}}}} » ferme un shortcode jamais ouvert",
                    )
                )
                continue
            renderer = RENDERERS.get(child.name)
            if renderer is None:
                warnings.append(
                    ShortcodeWarning(
                        line=child.line,
                        name=child.name,
                        message=(
                            f"shortcode inconnu « {child.name} » : contenu gardé, balises retirées"
                        ),
                    )
                )
                out.append(inner)
                continue
            out.append(renderer(child, inner))
        return "".join(out)

    return render(_tree(text)), warnings
