"""Read a labelled corpus: public items from sources outside ``content/``, one YAML file
per source, split by whole sources into ``dev/`` (to tune and train on) and ``test/``
(held out).

A source file holds a ``source:`` header (id, name, language, repository, licence…) and
``items:`` (id, title, text, tags, and optionally date, url, case, why).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from generator.content import frontmatter
from generator.content.loader import read_text
from generator.errors import ContentError
from generator.themes.tagger import Document

SPLITS = ("dev", "test")


@dataclass(frozen=True, kw_only=True)
class CorpusItem:
    """One labelled item of a source."""

    id: str
    source: str
    title: str
    text: str
    tags: frozenset[str]
    published: datetime | None = None
    case: str = ""

    @property
    def document(self) -> Document:
        """The item as the tagger reads it."""
        return Document(title=self.title, body=self.text, published=self.published)


@dataclass(frozen=True, kw_only=True)
class Source:
    """One source of the corpus and its items."""

    id: str
    name: str
    language: str
    split: str
    licence: str
    path: Path
    items: tuple[CorpusItem, ...]


def _text(raw: dict[str, Any], key: str, path: Path, where: str, *, required: bool) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ContentError(path, "clé absente ou vide", key=f"{where}.{key}")
        return ""
    if not isinstance(value, str):
        raise ContentError(path, "un texte est attendu", key=f"{where}.{key}")
    return value


def _date(value: Any, path: Path, key: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(path, f"date « {value} » illisible (AAAA-MM-JJ)", key=key) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def labels(value: Any, path: Path, key: str, known_tags: set[str]) -> frozenset[str]:
    """The tags of a labelled item: a list (possibly empty) of tags of the vocabulary.

    Raises:
        ContentError: Not a list, or a tag outside the vocabulary (naming file and key).
    """
    if not isinstance(value, list):
        raise ContentError(path, "une liste (éventuellement vide) est attendue", key=key)
    tags = frozenset(map(str, value))
    unknown = sorted(tags - known_tags)
    if unknown:
        raise ContentError(path, f"thèmes hors vocabulaire : {', '.join(unknown)}", key=key)
    return tags


def parse_source(text: str, path: Path, *, split: str, known_tags: set[str]) -> Source:
    """Read one source file.

    Raises:
        ContentError: Bad YAML, a missing key, a duplicate id, or a tag outside the
            vocabulary (the message names the file and the key).
    """
    data = frontmatter.parse(text, path)
    header = data.get("source")
    if not isinstance(header, dict):
        raise ContentError(path, "un en-tête « source: » est attendu", key="source")
    source_id = _text(header, "id", path, "source", required=True)
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ContentError(path, "une liste « items: » non vide est attendue", key="items")
    items: list[CorpusItem] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        where = f"items[{index}]"
        if not isinstance(raw, dict):
            raise ContentError(path, "chaque élément est un dictionnaire", key=where)
        item_id = _text(raw, "id", path, where, required=True)
        if item_id in seen:
            raise ContentError(path, f"id « {item_id} » en double", key=where)
        seen.add(item_id)
        tags = labels(raw.get("tags"), path, f"{where}.tags", known_tags)
        items.append(
            CorpusItem(
                id=item_id,
                source=source_id,
                title=_text(raw, "title", path, where, required=True),
                text=_text(raw, "text", path, where, required=True),
                tags=tags,
                published=_date(raw.get("date"), path, f"{where}.date"),
                case=_text(raw, "case", path, where, required=False),
            )
        )
    return Source(
        id=source_id,
        name=_text(header, "name", path, "source", required=True),
        language=_text(header, "language", path, "source", required=True),
        split=split,
        licence=_text(header, "licence", path, "source", required=True),
        path=path,
        items=tuple(items),
    )


def load_corpus(root: Path, known_tags: set[str]) -> tuple[Source, ...]:
    """Every source of ``root/dev/`` and ``root/test/``, in file-name order.

    Raises:
        ContentError: No source file, a bad one, or a source id or item id used twice.
    """
    sources: list[Source] = []
    for split in SPLITS:
        for path in sorted((root / split).glob("*.yml")):
            sources.append(parse_source(read_text(path), path, split=split, known_tags=known_tags))
    if not sources:
        raise ContentError(root, "aucune source (fichiers dev/*.yml et test/*.yml attendus)")
    seen_sources: dict[str, Path] = {}
    seen_items: dict[str, Path] = {}
    for source in sources:
        _claim(seen_sources, source.id, source.path, "source", "déjà déclarée", "source.id")
        for item in source.items:
            _claim(seen_items, item.id, source.path, "id", "déjà utilisé", "items")
    return tuple(sources)


def _claim(seen: dict[str, Path], name: str, path: Path, what: str, taken: str, key: str) -> None:
    """Record that ``path`` declares ``name``; one that another file declared already is
    an error naming both files."""
    if name in seen:
        raise ContentError(path, f"{what} « {name} » {taken} dans {seen[name]}", key=key)
    seen[name] = path


def of_split(sources: Sequence[Source], split: str) -> tuple[Source, ...]:
    """The sources of one split (``dev``, ``test``), or all of them (``all``)."""
    return tuple(s for s in sources if split == "all" or s.split == split)
