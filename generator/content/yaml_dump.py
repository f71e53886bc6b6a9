"""Write YAML front matter: libyaml's emitter where its bytes are PyYAML's own. Pure.

Front matter is written for every archived item and every generated page, and PyYAML's
pure-Python emitter is a third of the cost of writing a thousand of them. libyaml's
emitter is several times faster but does not write every string the same way: it escapes
characters outside the Basic Multilingual Plane (emoji become ``\\U0001F600``) and folds
long double-quoted strings at other places. Archived items are files that editors read
and that git versions, so their bytes must not change with the emitter: libyaml writes
a document only when every string in it is made of characters both emitters write
alike (checked on tens of thousands of random documents), PyYAML writes the others.
"""

from __future__ import annotations

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
