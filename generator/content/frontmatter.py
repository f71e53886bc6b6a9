"""Split and parse YAML front matter, reporting every problem with file and key.

MkDocs silently turns front matter it cannot parse into ``{}``; we parse it ourselves
so that a broken post stops the build with a message an editor can act on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import ContentError

_OPEN = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# Keys whose value is prose: a `#` in them is almost always meant as text, but YAML reads
# an unquoted ` #` as the start of a comment and silently drops the rest.
_TEXT_KEYS = ("title", "subtitle", "summary", "description")
_COMMENTED_VALUE = re.compile(
    r"^(?P<key>" + "|".join(_TEXT_KEYS) + r"):[ \t]+(?P<value>[^'\"|>\s][^#]*?)[ \t]+#"
)


class _Loader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys and leaves timestamps as text.

    Timestamps stay strings so that an impossible date (``2024-02-30``) is reported
    with its key by :func:`generator.content.dates.parse_date` instead of failing inside YAML.
    """


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKeyError(str(key), key_node.start_mark.line)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=True)


class _DuplicateKeyError(Exception):
    def __init__(self, key: str, line: int) -> None:
        self.key = key
        self.line_number = line
        super().__init__(key)


def _timestamp_as_text(loader: yaml.BaseLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _fast_loader() -> type[yaml.BaseLoader] | None:
    """The same loader on libyaml's parser (several times faster), if PyYAML has it."""
    base: type[yaml.BaseLoader] | None = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    loader: type[yaml.BaseLoader] = type("_FastLoader", (base,), {"__doc__": _Loader.__doc__})
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    return loader


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_FAST_LOADER = _fast_loader()


def _load(front: str) -> Any:
    """Load YAML: libyaml first; on any problem, the pure-Python loader again, so that
    errors (and their messages and line numbers) are exactly that loader's."""
    if _FAST_LOADER is not None:
        try:
            return yaml.load(front, Loader=_FAST_LOADER)
        except (yaml.YAMLError, _DuplicateKeyError):
            pass
    return yaml.load(front, Loader=_Loader)


def decode(data: bytes, path: Path) -> str:
    """Decode a content file: UTF-8 (a BOM is accepted), CRLF turned into LF.

    Raises:
        ContentError: The bytes are not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ContentError(
            path, f"le fichier n'est pas en UTF-8 (octet {data[err.start]:#x})", line=line
        ) from err
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: Path) -> tuple[str | None, str, int]:
    """Split ``text`` into its front matter and body.

    Returns:
        ``(front_matter or None, body, line where the body starts)``.

    Raises:
        ContentError: The front matter is opened but never closed.
    """
    lines = text.split("\n")
    if not lines or not _OPEN.match(lines[0]):
        return None, text, 1
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise ContentError(path, "le bloc d'en-tête ouvert par « --- » n'est jamais fermé", line=1)


def parse(front: str, path: Path) -> dict[str, Any]:
    """Parse front matter text with a safe loader.

    Args:
        front: The YAML between the ``---`` lines.
        path: The file, for messages.

    Returns:
        The mapping (empty if the block is empty).

    Raises:
        ContentError: Invalid YAML, tabs, duplicate keys, unsafe tags, a value cut by
            ``#``, or a document that is not a mapping. Line numbers count the file's
            first ``---`` as line 1.
    """
    lines = front.split("\n")
    for number, line in enumerate(lines, start=2):
        match = _COMMENTED_VALUE.match(line)
        if match:
            raise ContentError(
                path,
                "la valeur contient « # », que YAML lit comme un commentaire et coupe ; "
                'mettez-la entre guillemets (title: "… #2")',
                key=match["key"],
                line=number,
            )
    try:
        data = _load(front)
    except _DuplicateKeyError as err:
        raise ContentError(
            path,
            "clé en double (YAML garderait la dernière)",
            key=err.key,
            line=err.line_number + 2,
        ) from err
    except yaml.MarkedYAMLError as err:
        # A tab inside a block scalar is text; a tab that indents is what broke YAML.
        for number, line in enumerate(lines, start=2):
            if "\t" in line[: len(line) - len(line.lstrip())]:
                raise ContentError(
                    path,
                    "tabulation dans l'indentation : YAML n'accepte que des espaces",
                    line=number,
                ) from err
        mark = err.problem_mark or err.context_mark
        at_line = mark.line + 2 if mark is not None else None
        problem = err.problem or str(err)
        raise ContentError(path, f"YAML invalide : {problem}", line=at_line) from err
    except yaml.YAMLError as err:
        raise ContentError(path, f"YAML invalide : {err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            path, f"l'en-tête doit être un dictionnaire de clés, pas {type(data).__name__}"
        )
    return {str(key): value for key, value in data.items()}


def read(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
    """Split and parse a document. Returns ``(meta, body, body_start_line)``."""
    front, body, start = split(text, path)
    if front is None:
        return {}, body, start
    return parse(front, path), body, start
