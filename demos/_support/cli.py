"""The command line every demo takes: ``--out DIR [--quick] [--param KEY=VALUE ...]``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, kw_only=True)
class DemoArgs:
    """A demo's parsed command line.

    Attributes:
        out: Folder the demo writes its figures and ``metrics.json`` into.
        quick: Run the small, fast version.
        params: The defaults overridden by ``--param`` values.
    """

    out: Path
    quick: bool
    params: dict[str, Any]


def parse_value(text: str) -> Any:
    """A ``--param`` value: JSON where it parses (``3``, ``0.5``, ``true``), else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_args(
    name: str, defaults: Mapping[str, Any], argv: Sequence[str] | None = None
) -> DemoArgs:
    """Parse a demo's command line against its default parameters.

    Args:
        name: The demo's name (``python -m demos.<name>``).
        defaults: The demo's ``PARAMS``.
        argv: Arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The parsed arguments. An unknown parameter key or a malformed ``--param`` exits
        with status 2 and a message naming it (argparse's convention).
    """
    parser = argparse.ArgumentParser(
        prog=f"python -m demos.{name}", description=f"Démonstration « {name} »"
    )
    parser.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    parser.add_argument("--quick", action="store_true", help="version courte (tests)")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="CLÉ=VALEUR",
        help=f"change un paramètre ({', '.join(sorted(defaults)) or 'aucun'})",
    )
    args = parser.parse_args(argv)
    params = dict(defaults)
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"paramètre mal formé « {item} » (attendu CLÉ=VALEUR)")
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "aucun"
            parser.error(f"paramètre inconnu « {key} » (connus : {known})")
        params[key] = parse_value(value)
    return DemoArgs(out=args.out, quick=bool(args.quick), params=params)
