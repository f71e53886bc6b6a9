"""The ``demo`` directive of a page: finding and parsing it (pure: text in, values out).

Syntax (Hugo-shortcode style, one tag, on one line or several):

    {{< demo name="mnist" figures="loss,accuracy" >}}
    {{< demo name="mnist" metrics="accuracy_identity,accuracy_relu" params="epochs=200" >}}
    {{< demo name="gpu_matmul" tables="timings" quick="true" on_error="keep_last" >}}

``{{% demo … %}}`` is read the same way. A directive inside a fenced code block, an
inline code span or an HTML comment is text, not a directive: pages can show the syntax.
Each distinct (name, params, quick) is one :class:`RunRequest`; directives that share it
share one run.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from generator.errors import ContentError

DEMO_NAME = re.compile(r"[a-z][a-z0-9_]*")
"""A demo's name: the name of its package under ``demos/``."""

ON_ERROR_CHOICES = ("stop", "keep_last")
"""What a failed run does: stop the build, or keep the last good result with a warning."""

ATTRIBUTES = ("name", "figures", "metrics", "tables", "params", "quick", "on_error")
"""The attributes a directive accepts."""

_OPENER = re.compile(r"\{\{(?P<delim>[<%])[ \t]*demo(?=[\s/%>])")
_DIRECTIVE = re.compile(
    r"\{\{(?P<delim>[<%])[ \t]*demo(?=[\s/%>])"
    # Quoted values may hold anything but their quote; no blank line inside a tag.
    r"(?P<args>(?:\"(?:(?!\n[ \t]*\n)[^\"])*\"|'(?:(?!\n[ \t]*\n)[^'])*'"
    r"|(?!\n[ \t]*\n)[^\"'%>]|[%>](?!\}\}))*?)"
    r"[ \t\r\n]*(?P<end>[%>])\}\}"
)
_ATTRIBUTE = re.compile(
    r"""\s*(?P<key>[A-Za-z_][\w-]*)\s*=\s*"""
    r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))"""
)
_ITEM_ID = re.compile(r"[\w.-]+")
_PARAM_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FENCE_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*$")
_CODE_SPAN = re.compile(
    r"(?<![`\\])(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)", re.S
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True, kw_only=True)
class RunRequest:
    """One run of a demo: its name, the parameters it overrides, and quick or full.

    Attributes:
        name: The demo's name.
        overrides: ``(key, value as canonical JSON)`` pairs, sorted by key.
        quick: Whether the small, fast version runs.
    """

    name: str
    overrides: tuple[tuple[str, str], ...] = ()
    quick: bool = False

    def override_values(self) -> dict[str, Any]:
        """The overridden parameters as values (``{"epochs": 200}``)."""
        return {key: json.loads(value) for key, value in self.overrides}

    def argv(self) -> list[str]:
        """The demo's command-line arguments after ``--out DIR``."""
        args = ["--quick"] if self.quick else []
        for key, value in self.overrides:
            args += ["--param", f"{key}={value}"]
        return args

    @property
    def label(self) -> str:
        """The demo's name, with its parameters and quick flag if any (for messages)."""
        extras = [f"{key}={value}" for key, value in self.overrides]
        if self.quick:
            extras.append("version courte")
        return f"{self.name} ({', '.join(extras)})" if extras else self.name


@dataclass(frozen=True, kw_only=True)
class DemoDirective:
    """One ``demo`` directive found in a page.

    Attributes:
        request: The run it shows.
        figures: Figure ids to show; all the demo's figures when nothing at all is asked.
        metrics: Metric keys to show in a table.
        tables: Table ids (from ``tables.json``) to show.
        on_error: ``stop`` or ``keep_last`` if the directive sets it, else ``None``.
        line: 1-based line of the tag in the text given.
        start: Offset of the tag's first character in the text given.
        end: Offset just past the tag.
        indent: The whitespace before the tag on its line, when nothing else is there.
        source: The tag as written.
    """

    request: RunRequest
    figures: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    on_error: str | None = None
    line: int
    start: int
    end: int
    indent: str = ""
    source: str

    @property
    def name(self) -> str:
        """The demo's name."""
        return self.request.name

    @property
    def all_figures(self) -> bool:
        """Whether the directive asks for nothing in particular (then: every figure)."""
        return not (self.figures or self.metrics or self.tables)


def canonical_json(value: Any) -> str:
    """``value`` as compact JSON with sorted keys: equal values give equal text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def parse_value(text: str) -> Any:
    """A parameter value: JSON where it parses (``3``, ``0.5``, ``true``), else the text.

    The same rule as the demos' ``--param`` (``demos/_support/cli.py``).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_params(text: str) -> tuple[tuple[str, str], ...]:
    """Parse ``"epochs=200 seed=1 label='deux mots'"`` into sorted canonical pairs.

    Args:
        text: Space-separated ``KEY=VALUE`` items (shell quoting for values with spaces).

    Returns:
        ``(key, canonical JSON value)`` pairs sorted by key.

    Raises:
        ValueError: An item is not ``KEY=VALUE``, a key is repeated, or quoting is broken
            (message in French).
    """
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError as err:
        raise ValueError(f"paramètres illisibles « {text} » ({err})") from err
    pairs: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep or not _PARAM_KEY.fullmatch(key):
            raise ValueError(f"paramètre mal formé « {token} » (attendu CLÉ=VALEUR)")
        if key in pairs:
            raise ValueError(f"paramètre « {key} » donné deux fois")
        pairs[key] = canonical_json(parse_value(value))
    return tuple(sorted(pairs.items()))


def _ids(value: str, attribute: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    for item in items:
        if not _ITEM_ID.fullmatch(item):
            raise ValueError(f"identifiant invalide « {item} » dans « {attribute} »")
    return items


def _masked_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of fenced code blocks, inline code spans and HTML comments in ``text``."""
    spans: list[tuple[int, int]] = []
    offset = 0
    lines = text.split("\n")
    opened: tuple[str, int, int] | None = None  # fence char, length, start offset
    for line in lines:
        if opened is None:
            match = _FENCE_OPEN.match(line)
            # A backtick fence's info string cannot hold a backtick (CommonMark).
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                opened = (match["fence"][0], len(match["fence"]), offset)
        else:
            close = _FENCE_CLOSE.match(line)
            if close and close["fence"][0] == opened[0] and len(close["fence"]) >= opened[1]:
                spans.append((opened[2], offset + len(line)))
                opened = None
        offset += len(line) + 1
    # Python-Markdown does not treat an unclosed fence as code: nothing masked for it.

    def outside(position: int) -> bool:
        return not any(start <= position < end for start, end in spans)

    extra = [
        (match.start(), match.end())
        for pattern in (_COMMENT, _CODE_SPAN)
        for match in pattern.finditer(text)
        if outside(match.start())
    ]
    return spans + extra


def find_directives(text: str, *, page: str, line_offset: int = 0) -> list[DemoDirective]:
    """Every ``demo`` directive of ``text``, in order.

    Args:
        text: A page's Markdown.
        page: The page's path, for error messages.
        line_offset: Lines of the file before ``text`` (a front matter removed), so that
            the line numbers in errors are the file's.

    Returns:
        The directives found outside code and comments.

    Raises:
        ContentError: A directive is malformed (unclosed, unknown attribute, bad name,
            bad ``params``…), naming the page and the line.
    """
    if "demo" not in text or "{{" not in text:
        return []
    masked = _masked_spans(text)

    def hidden(position: int) -> bool:
        return any(start <= position < end for start, end in masked)

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1 + line_offset

    directives: list[DemoDirective] = []
    covered: list[tuple[int, int]] = []
    for match in _DIRECTIVE.finditer(text):
        if hidden(match.start()):
            continue
        covered.append((match.start(), match.end()))
        line = line_of(match.start())
        pair = {"<": ">", "%": "%"}[match["delim"]]
        if match["end"] != pair:
            raise ContentError(
                page,
                f"directive demo ouverte par « {{{{{match['delim']} » et fermée par "
                f"« {match['end']}}}}} »",
                line=line,
            )
        try:
            directive = _directive(match, line)
        except ValueError as err:
            raise ContentError(page, f"directive demo : {err}", line=line) from err
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        indent = before if not before.strip() else ""
        directives.append(
            DemoDirective(
                request=directive.request,
                figures=directive.figures,
                metrics=directive.metrics,
                tables=directive.tables,
                on_error=directive.on_error,
                line=line,
                start=match.start(),
                end=match.end(),
                indent=indent,
                source=match.group(),
            )
        )
    for opener in _OPENER.finditer(text):
        inside = any(start <= opener.start() < end for start, end in covered)
        if not inside and not hidden(opener.start()):
            raise ContentError(
                page,
                "directive demo sans fermeture « >}} » (guillemet non fermé, ou ligne vide "
                "dans la directive ?)",
                line=line_of(opener.start()),
            )
    return directives


def _directive(match: re.Match[str], line: int) -> DemoDirective:
    raw = match["args"].rstrip()
    raw = raw.removesuffix("/")  # {{< demo … />}}, Hugo's self-closing form
    values: dict[str, str] = {}
    position = 0
    while raw[position:].strip():
        found = _ATTRIBUTE.match(raw, position)
        if found is None:
            rest = " ".join(raw[position:].split())[:40]
            raise ValueError(f'attribut illisible près de « {rest} » (attendu clé="valeur")')
        key = found["key"]
        if key not in ATTRIBUTES:
            raise ValueError(f"attribut inconnu « {key} » (connus : {', '.join(ATTRIBUTES)})")
        if key in values:
            raise ValueError(f"attribut « {key} » donné deux fois")
        value = next(v for v in (found["dq"], found["sq"], found["bare"]) if v is not None)
        values[key] = value
        position = found.end()
    name = values.get("name", "").strip()
    if not name:
        raise ValueError('attribut « name » manquant (name="nom_de_la_démo")')
    if not DEMO_NAME.fullmatch(name):
        raise ValueError(
            f"nom de démo invalide « {name} » (lettres minuscules, chiffres et _ ; "
            "commence par une lettre)"
        )
    quick_text = values.get("quick", "false").strip().lower()
    if quick_text not in ("true", "false"):
        raise ValueError(f"« quick » vaut true ou false, pas « {values['quick']} »")
    on_error = values.get("on_error")
    if on_error is not None and on_error not in ON_ERROR_CHOICES:
        raise ValueError(f"« on_error » vaut {' ou '.join(ON_ERROR_CHOICES)}, pas « {on_error} »")
    request = RunRequest(
        name=name,
        overrides=parse_params(values.get("params", "")),
        quick=quick_text == "true",
    )
    return DemoDirective(
        request=request,
        figures=_ids(values.get("figures", ""), "figures"),
        metrics=_ids(values.get("metrics", ""), "metrics"),
        tables=_ids(values.get("tables", ""), "tables"),
        on_error=on_error,
        line=line,
        start=match.start(),
        end=match.end(),
        source=match.group(),
    )
