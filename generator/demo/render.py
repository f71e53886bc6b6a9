"""Markdown for a ``demo`` directive: figures, metrics and tables, with their provenance (pure).

The Markdown targets Python-Markdown with ``admonition``, ``md_in_html`` and ``tables``
(all in ``mkdocs.yml``). Figures are ``<figure markdown="span">`` blocks holding a
Markdown image, so that MkDocs validates and rewrites their links. Text that comes from a
demo's output (captions, notes, cells, error messages) is escaped.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from generator.content.dates import PARIS, format_french
from generator.demo.directive import DemoDirective
from generator.demo.results import DemoResult, ProvenanceInfo

VERSION_LABELS = (("numpy", "NumPy"), ("cupy", "CuPy"), ("python", "Python"))
"""Libraries named on the provenance line, in this order (others are in the manifest)."""

DISABLED_TITLE = "Démonstration non exécutée dans cette construction"

_REASON_CHARS = 300


@dataclass(frozen=True, kw_only=True)
class Shown:
    """What a directive shows, and how it was obtained.

    Attributes:
        result: The result's figures, metrics and tables.
        link_prefix: The result folder's path relative to the page, ending with ``/``.
        status: ``cache``, ``ran``, ``frozen`` or ``stale`` (see ``demo_runner.Outcome``).
        failure: Why the newest run failed, for ``stale``.
    """

    result: DemoResult
    link_prefix: str
    status: str
    failure: str | None = None


def french_number(value: Any) -> str:
    """A metric or cell written the French way (``0,9731``, ``12 345``), HTML-escaped."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    if isinstance(value, float):
        if not math.isfinite(value):
            return "—"
        size = abs(value)
        if size == 0:
            return "0"
        if size >= 1e15 or size < 1e-4:
            return f"{value:.3e}".replace(".", ",")
        if size >= 1000:
            return f"{value:,.0f}".replace(",", "\u202f")
        decimals = 3 - math.floor(math.log10(size))
        text = f"{value:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return html.escape(json.dumps(value, ensure_ascii=False), quote=False)


def french_seconds(seconds: float) -> str:
    """A duration: ``0,04 s``, ``41,2 s``, ``3 min 12 s``, ``1 h 02 min``."""
    if seconds < 0.01:
        return "< 0,01 s"
    if seconds < 1:
        return f"{seconds:.2f} s".replace(".", ",")
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".", ",")
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest:02d} s"
    hours, rest = divmod(round(seconds) // 60, 60)
    return f"{hours} h {rest:02d} min"


def french_date(moment: datetime) -> str:
    """The date of ``moment`` in Paris, written ``23 novembre 2026``."""
    return format_french(moment.astimezone(PARIS))


def versions_text(versions: dict[str, str] | Any) -> str:
    """``NumPy 2.4.6, Python 3.11.7`` (CuPy too, when it was used)."""
    return ", ".join(f"{label} {versions[key]}" for key, label in VERSION_LABELS if key in versions)


def provenance_line(provenance: ProvenanceInfo, *, frozen: bool = False) -> str:
    """One line saying what computed a result, when and how long (plain text).

    Example: ``Calculé le 23 novembre 2026 sur CPU AMD EPYC (2 cœurs) · NumPy 2.4.6,
    Python 3.11.7 · graine 0 · 41,2 s``; a frozen result begins ``Résultat figé : mesuré
    le …``.
    """
    when = french_date(provenance.finished)
    head = "Résultat figé : mesuré le" if frozen else "Calculé le"
    parts = [f"{head} {when} sur {provenance.device}"]
    versions = versions_text(provenance.versions)
    if versions:
        parts.append(versions)
    parts.append("sans graine" if provenance.seed is None else f"graine {provenance.seed}")
    parts.append(french_seconds(provenance.seconds))
    if provenance.quick:
        parts.append("version courte")
    return " · ".join(parts)


def missing_items(directive: DemoDirective, result: DemoResult) -> list[str]:
    """The figures, metrics and tables a directive asks for that the result lacks (French)."""
    missing = [f"figure « {ident} »" for ident in directive.figures if not result.figure(ident)]
    missing += [f"mesure « {key} »" for key in directive.metrics if key not in result.metrics]
    missing += [f"tableau « {ident} »" for ident in directive.tables if not result.table(ident)]
    return missing


def available_items(result: DemoResult) -> str:
    """What a result offers, for an error message."""
    figures = ", ".join(f.id for f in result.figures) or "aucune"
    metrics = ", ".join(result.metrics) or "aucune"
    tables = ", ".join(t.id for t in result.tables) or "aucun"
    return f"figures : {figures} ; mesures : {metrics} ; tableaux : {tables}"


def _escape(text: str) -> str:
    """Text shown as it is in Markdown: HTML escaped, emphasis and link marks too."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _alt(text: str) -> str:
    """Text safe between the brackets of a Markdown image."""
    return re.sub(r"([\\\[\]])", r"\\\1", html.escape(" ".join(text.split()), quote=True))


def _admonition(kind: str, title: str, body: Sequence[str]) -> str:
    lines = [f'!!! {kind} "{title}"', ""]
    for paragraph in body:
        lines += ["    " + line if line else "" for line in paragraph.split("\n")]
        lines.append("")
    return "\n".join(lines).rstrip()


def _cell(value: Any) -> str:
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", french_number(value))
    return " ".join(text.replace("|", "\\|").split())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _figure(shown: Shown, ident: str, line: str) -> str:
    figure = shown.result.figure(ident)
    assert figure is not None  # checked by missing_items before rendering
    caption = _escape(figure.caption)
    provenance = f'<small class="demo-provenance">{_escape(line)}</small>'
    text = f"{caption}<br>{provenance}" if caption else provenance
    image = f"![{_alt(figure.alt)}]({shown.link_prefix}{figure.file})"
    figcaption = f"<figcaption>{text}</figcaption>"
    return f'<figure markdown="span" class="demo-figure">{image}{figcaption}</figure>'


def _provenance_paragraph(line: str) -> str:
    # A Markdown paragraph, not an HTML block: it must work inside an admonition too.
    return f'<small class="demo-provenance">{_escape(line)}</small>'


def _metrics(shown: Shown, keys: Sequence[str]) -> str:
    rows = ["| Mesure | Valeur |", "| --- | ---: |"]
    for key in keys:
        rows.append(f"| `{key}` | {_cell(shown.result.metrics[key])} |")
    return "\n".join(rows)


def _table(shown: Shown, ident: str) -> str:
    table = shown.result.table(ident)
    assert table is not None  # checked by missing_items before rendering
    numeric = [
        bool(table.rows) and all(_is_number(row[i]) or row[i] is None for row in table.rows)
        for i in range(len(table.columns))
    ]
    lines = []
    if table.caption:
        lines += [f"**{_escape(table.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(column) for column in table.columns) + " |")
    lines.append("| " + " | ".join("---:" if right else "---" for right in numeric) + " |")
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in table.rows]
    return "\n".join(lines)


def render_directive(directive: DemoDirective, shown: Shown, *, notes: bool = True) -> str:
    """The Markdown block that replaces a directive.

    Args:
        directive: The directive (its figures, metrics and tables all exist in the
            result: see :func:`missing_items`).
        shown: The result and how it was obtained.
        notes: Whether to show the provenance notes (a page shows them once per run).

    Returns:
        Markdown blocks separated by blank lines.
    """
    provenance = shown.result.provenance
    line = provenance_line(provenance, frozen=shown.status == "frozen")
    blocks: list[str] = []
    if shown.status == "stale":
        reason = " ".join((shown.failure or "raison inconnue").split())
        if len(reason) > _REASON_CHARS:
            reason = reason[: _REASON_CHARS - 1] + "…"
        blocks.append(
            _admonition(
                "warning",
                "Résultat d'une exécution précédente",
                [
                    f"La dernière exécution de la démonstration « {directive.name} » a échoué "
                    f"({_escape(reason)}). Les résultats ci-dessous sont ceux "
                    f"du {french_date(provenance.finished)}, calculés sur "
                    f"{_escape(provenance.device)}."
                ],
            )
        )
    figures = [f.id for f in shown.result.figures] if directive.all_figures else directive.figures
    blocks += [_figure(shown, ident, line) for ident in figures]
    if directive.metrics:
        blocks += [_metrics(shown, directive.metrics), _provenance_paragraph(line)]
    for ident in directive.tables:
        blocks += [_table(shown, ident), _provenance_paragraph(line)]
    if notes and provenance.notes:
        items = [f"- {_escape(note)}" for note in provenance.notes]
        blocks.append(_admonition("info", "Conditions du calcul", ["\n".join(items)]))
    return "\n\n".join(blocks)


def render_disabled(directive: DemoDirective) -> str:
    """The notice that replaces a directive when demos are not run in this build."""
    return _admonition(
        "note",
        DISABLED_TITLE,
        [
            f"La démonstration « {directive.name} » n'est pas exécutée dans cette construction "
            "du site (plugin `demos` désactivé, par exemple par `INFOLETTRE_DEMOS=false`) : "
            "ses figures et ses mesures n'apparaissent pas ici."
        ],
    )


def replace_directives(
    text: str, directives: Sequence[DemoDirective], render: Callable[[DemoDirective], str]
) -> str:
    """Replace each directive of ``text`` by its rendered block.

    A block keeps the directive's indentation (inside an admonition or a list item) and
    is separated from what surrounds it by blank lines.

    Args:
        text: The Markdown the directives were found in.
        directives: Directives found in ``text`` (with their offsets).
        render: Markdown for one directive.

    Returns:
        The new Markdown.
    """
    pieces: list[str] = []
    position = 0
    for directive in sorted(directives, key=lambda d: d.start):
        start = directive.start - len(directive.indent)
        block = "\n".join(
            directive.indent + line if line.strip() else ""
            for line in render(directive).split("\n")
        )
        pieces += [text[position:start].rstrip(" \t"), "\n\n", block, "\n\n"]
        position = directive.end
    pieces.append(text[position:])
    return "".join(pieces)


def render_not_frozen(directive: DemoDirective) -> str:
    """The notice that replaces a directive when demos are not run in this build and no
    frozen result matches the demo's current code, parameters and data."""
    return _admonition(
        "note",
        DISABLED_TITLE,
        [
            f"La démonstration « {directive.name} » n'est pas exécutée dans cette construction "
            "du site (plugin `demos` désactivé, par exemple par `INFOLETTRE_DEMOS=false`), et "
            "ses résultats ne sont pas figés pour cette version de son code : ses figures et "
            "ses mesures n'apparaissent pas ici. Pour les figer : "
            "`python -m generator demos freeze --all`, puis versionner `demos/_freeze/`."
        ],
    )
