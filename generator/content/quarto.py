"""Quarto's text shortcodes that need files: ``{{< include >}}`` and ``{{< var >}}``.

``{{< include file >}}`` is replaced by the file's text, read relative to the file that
holds it (includes nest, :data:`MAX_INCLUDE_DEPTH` levels at most); ``{{< var name >}}``
takes its value from the ``_variables.yml`` of the Quarto project (looked up in the
file's folder and the folders above it). The other shortcodes (``var`` itself, ``fa``)
are rendered by :mod:`generator.content.shortcodes`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_INCLUDE_DEPTH = 5
"""Deepest nesting of ``{{< include >}}``: an include deeper than that is reported."""

_INCLUDE = re.compile(r"^(?P<indent>[ \t]*)\{\{<\s*include\s+(?P<path>[^>]*?)\s*>\}\}[ \t]*\r?$")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


@dataclass(frozen=True, kw_only=True)
class IncludeWarning:
    """A problem with an include, with the 1-based line in the including text."""

    line: int
    message: str


def expand_includes(
    text: str, source: Path, depth: int = 0
) -> tuple[str, list[int], list[IncludeWarning]]:
    """Replace each ``{{< include file >}}`` line by the file's text.

    The path is relative to ``source``'s folder (quotes around it are allowed). A missing
    file, one that cannot be read or an include nested deeper than
    :data:`MAX_INCLUDE_DEPTH` is reported and the line removed. Lines inside fenced code
    blocks are left alone.

    Args:
        text: The Markdown of ``source``.
        source: The file the text comes from.
        depth: How many includes led here.

    Returns:
        The expanded text; for each of its lines, the 0-based line of ``text`` it comes
        from (an included line: the include's line); and the warnings.
    """
    lines = text.split("\n")
    if "include" not in text:  # no line to expand: most pages, read at no cost
        return text, list(range(len(lines))), []
    out: list[str] = []
    origin: list[int] = []
    warnings: list[IncludeWarning] = []
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if opening is not None:
            if fence is None:
                fence = opening[1]
            elif opening[1][0] == fence[0] and len(opening[1]) >= len(fence):
                fence = None
        match = _INCLUDE.match(line) if fence is None else None
        if match is None:
            out.append(line)
            origin.append(index)
            continue
        name = match["path"].strip().strip("\"'")
        target = source.parent / name
        if depth >= MAX_INCLUDE_DEPTH:
            message = f"include « {name} » imbriqué sur plus de {MAX_INCLUDE_DEPTH} niveaux : omis"
            warnings.append(IncludeWarning(line=index + 1, message=message))
            continue
        try:
            included = target.read_text(encoding="utf-8").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError) as error:
            reason = "introuvable" if isinstance(error, FileNotFoundError) else "illisible"
            warnings.append(
                IncludeWarning(
                    line=index + 1, message=f"include « {name} » {reason} ({target}) : omis"
                )
            )
            continue
        inner, _, found = expand_includes(included.rstrip("\n"), target, depth + 1)
        for problem in found:
            warnings.append(
                IncludeWarning(
                    line=index + 1,
                    message=f"dans « {name} », ligne {problem.line} : {problem.message}",
                )
            )
        for inner_line in inner.split("\n"):
            out.append(match["indent"] + inner_line if inner_line.strip() else "")
            origin.append(index)
    return "\n".join(out), origin, warnings


def find_variables(source: Path) -> Path | None:
    """The ``_variables.yml`` of the Quarto project holding ``source``: in its folder or
    the nearest folder above it that has one, stopping at a project root (``_quarto.yml``)."""
    # os.path rather than pathlib: asked for every post of every build.
    folder = os.path.dirname(os.path.realpath(source))
    while True:
        candidate = os.path.join(folder, "_variables.yml")
        if os.path.isfile(candidate):
            return Path(candidate)
        if os.path.isfile(os.path.join(folder, "_quarto.yml")):
            return None
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_variables(path: Path) -> Mapping[str, Any]:
    """The mapping of a ``_variables.yml`` file.

    Raises:
        ValueError: The file is not YAML or not a mapping (the message names the file).
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path} : variables Quarto illisibles ({error})") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} : les variables Quarto doivent être un dictionnaire")
    return data


def lookup(variables: Mapping[str, Any], name: str) -> str | None:
    """The value of ``name`` (dotted for nested keys: ``contact.email``), as text."""
    value: Any = variables
    for key in name.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    if isinstance(value, Mapping | list) or value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
