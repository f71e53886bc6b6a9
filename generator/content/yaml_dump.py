"""Write YAML front matter: libyaml's emitter where its bytes are PyYAML's own, and the
generated pages' front matter as JSON values. Pure.

Front matter is written for every archived item and every generated page, and PyYAML's
pure-Python emitter is a third of the cost of writing a thousand of them. libyaml's
emitter is several times faster but does not write every string the same way: it escapes
characters outside the Basic Multilingual Plane (emoji become ``\\U0001F600``) and folds
long double-quoted strings at other places. Archived items are files that editors read
and that git versions, so their bytes must not change with the emitter: libyaml writes
a document only when every string in it is made of characters both emitters write
alike (checked on tens of thousands of random documents), PyYAML writes the others.

The generated pages are read by the renderer only, never by editors, and there are
thousands of them: :func:`dump_page_front_matter` writes each key's value as JSON (a
double-quoted YAML scalar, or a flow collection), several times faster than any YAML
emitter, and falls back on :func:`dump_front_matter` for values JSON cannot say as YAML
reads them (dates, floats).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

# Printable characters of the Basic Multilingual Plane, less the byte-order mark and the
# Unicode line and paragraph separators, which the two emitters escape differently.
_ALIKE = re.compile(r"[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_C_DUMPER: type[yaml.SafeDumper] | None = getattr(yaml, "CSafeDumper", None)


def _written_alike(value: Any) -> bool:
    if isinstance(value, str):
        return _ALIKE.fullmatch(value) is not None
    if isinstance(value, bool | int | float | date) or value is None:
        return True
    if isinstance(value, Mapping):
        return all(_written_alike(k) and _written_alike(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_written_alike(v) for v in value)
    return False


def dump_front_matter(meta: Mapping[str, Any]) -> str:
    """``meta`` as YAML, in the order given, Unicode unescaped, lines up to 1,000 columns.

    The text is exactly ``yaml.safe_dump(meta, allow_unicode=True, sort_keys=False,
    width=1000)``, written by libyaml when PyYAML has it and the strings allow it.
    """
    options: dict[str, Any] = {"allow_unicode": True, "sort_keys": False, "width": 1000}
    if _C_DUMPER is not None and _written_alike(meta):
        text: str = yaml.dump(dict(meta), Dumper=_C_DUMPER, **options)
    else:
        text = yaml.safe_dump(dict(meta), **options)
    return text


_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
"""Plain keys YAML 1.1 would read as booleans or null: written quoted."""
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
"""What JSON leaves unescaped but YAML cannot keep as it is in a double-quoted scalar:
characters YAML refuses or reads as line breaks (``\\x85``, ``\\u2028``, ``\\u2029``)."""
_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate has no escape libyaml reads: such a string goes to PyYAML."""


_MAX_KEY = 128
"""YAML reads a key on one line only up to 1,024 characters: a longer key (escaped
characters are six) goes to PyYAML, which writes it otherwise."""


def _json_safe(value: Any) -> bool:
    """Whether JSON writes ``value`` as YAML reads it (its strings' surrogates aside)."""
    if isinstance(value, str | bool | int) or value is None:
        return True
    if isinstance(value, list | tuple):
        return all(_json_safe(v) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and len(k) <= _MAX_KEY and _json_safe(v) for k, v in value.items()
        )
    return False  # floats (JSON's 1e20 is a string for YAML 1.1), dates, anything else


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dump_page_front_matter(meta: Mapping[str, Any]) -> str:
    """``meta`` as YAML for a generated page, in the order given: one line per key, its
    value in JSON, which YAML reads as the same value (:func:`dump_front_matter` where a
    value is of a type JSON does not say alike, or holds a lone surrogate)."""
    lines = []
    for key, value in meta.items():
        if not isinstance(key, str) or len(key) > _MAX_KEY:
            return dump_front_matter(meta)
        if type(value) is not str and not _json_safe(value):
            return dump_front_matter(meta)
        plain = _PLAIN_KEY.fullmatch(key) is not None and key not in _YAML_WORDS
        written = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key if plain else json.dumps(key, ensure_ascii=False)}: {written}\n")
    text = "".join(lines)
    if _SURROGATE.search(text):  # JSON leaves them as they are
        return dump_front_matter(meta)
    return _RAW_IN_JSON.sub(_escape, text)
