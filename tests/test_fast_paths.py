"""The fast paths give what the slow ones gave: batch writes, libyaml, links, URLs."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import files
from generator.content import frontmatter, yaml_dump
from generator.errors import ContentError
from generator.files import write_many
from generator.models import OutPage
from generator.pages.build import href
from generator.pages.output import write_pages
from generator.veille.sanitize import clean_html, resolve_url, sort_attributes

from .conftest import FIXTURES

# --- write_many ------------------------------------------------------------------------


def test_write_many_writes_changed_files_and_leaves_the_others(tmp_path: Path) -> None:
    same, other = tmp_path / "a" / "same.md", tmp_path / "b" / "other.md"
    same.parent.mkdir()
    same.write_text("pareil", encoding="utf-8")
    os.utime(same, ns=(1_000_000_000, 1_000_000_000))
    changed = write_many({same: "pareil", other: "nouveau", tmp_path / "c.md": "é"})
    assert changed == [other, tmp_path / "c.md"]
    assert same.stat().st_mtime_ns == 1_000_000_000
    assert other.read_text(encoding="utf-8") == "nouveau"
    assert (tmp_path / "c.md").read_bytes() == "é".encode()
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_batch_is_flushed_to_disk_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    syncs: list[str] = []
    fsyncs: list[int] = []
    monkeypatch.setattr(files.os, "sync", lambda: syncs.append("sync"))
    monkeypatch.setattr(files.os, "fsync", lambda fd: fsyncs.append(fd))
    write_many({tmp_path / f"{n}.md": str(n) for n in range(50)})
    assert syncs == ["sync"] and fsyncs == []
    write_many({tmp_path / "seul.md": "un"})
    assert syncs == ["sync"] and len(fsyncs) == 1
    write_many({tmp_path / f"{n}.md": "cache" for n in range(5)}, durable=False)
    assert syncs == ["sync"] and len(fsyncs) == 1


def test_an_interrupted_batch_leaves_every_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [tmp_path / f"{n}.md" for n in range(4)]
    for path in paths:
        path.write_text("avant", encoding="utf-8")
    real_replace = os.replace
    done: list[str] = []

    def replace_twice(source: str, target: Path) -> None:
        if len(done) == 2:
            raise KeyboardInterrupt
        done.append(source)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace_twice)
    with pytest.raises(KeyboardInterrupt):
        write_many(dict.fromkeys(paths, "après"))
    assert [p.read_text(encoding="utf-8") for p in paths] == ["après"] * 2 + ["avant"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in paths]


def test_write_pages_prunes_what_is_no_longer_made_and_the_folders_left_empty(
    tmp_path: Path,
) -> None:
    out = tmp_path / "pages"
    first = [OutPage(path=p, text=p) for p in ("a/b/c.md", "a/d.md", "e/f.md", "g.md")]
    assert write_pages(first, out) == (4, 0)
    kept = out / "a" / "d.md"
    os.utime(kept, ns=(1_000_000_000, 1_000_000_000))
    assert write_pages([OutPage(path="a/d.md", text="a/d.md")], out) == (0, 1)
    assert files.files_under(out) == ["a/d.md"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a", "a/d.md"]
    assert kept.stat().st_mtime_ns == 1_000_000_000
    assert write_pages([], out) == (0, 0)
    assert out.is_dir() and not any(out.iterdir())


# --- files_under -----------------------------------------------------------------------

_NAMES = st.one_of(
    st.text(alphabet="ab-._é0", min_size=1, max_size=4).filter(lambda n: n not in {".", ".."}),
    st.text(alphabet="ab-_", min_size=1, max_size=3).map(lambda n: n + ".html"),
)


@settings(max_examples=60, deadline=None)
@given(tree=st.lists(st.lists(_NAMES, min_size=1, max_size=3), min_size=1, max_size=12))
def test_files_under_lists_what_sorted_rglob_lists(
    tree: list[list[str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("arbre")
    for parts in tree:
        target = root.joinpath(*parts)
        # A name already taken by a folder (or a file on the way) is skipped.
        if any(p.is_file() for p in target.parents if root in p.parents) or target.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x", encoding="utf-8")
    every = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*")) if p.is_file()]
    assert files.files_under(root) == every
    html = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*.html"))]
    assert files.files_under(root, ".html") == [p for p in html if (root / p).is_file()]


# --- YAML ------------------------------------------------------------------------------

_SAMPLES: list[dict[str, Any]] = [
    {"title": "Un titre simple", "tags": ["IA", "Logiciel libre"], "n": 3, "ok": True},
    {"title": "Émoji 🎉 dans le titre", "summary": "« Guillemets » et — tirets…"},
    {"title": "yes", "guid": "null", "link": "2024-01-05", "author": "- a", "x": ": b"},
    {"title": "'apostrophe", "summary": '"guillemets', "c": ["#dièse", "@arobase", "`b"]},
    {"summary": " espace devant", "t": "espace derrière ", "u": "ligne\nsuivante"},
    {"summary": "mot " * 400, "long": "x" * 1500 + " y" * 300},
    {"bom": "\ufeffdébut", "sep": "a\u2028b", "nel": "a\x85b", "zw": "a\u200bb"},
    {"sep": "ligne\u2028suivante", "par": "a\u2029b"},
    {"nel": "a\x85b"},
    {"zw": "a\u200bb", "nbsp": "a\xa0b", "private": "\ue000", "last": "\ufffd"},
    {"date": {"created": "2024-01-05T10:00:00+01:00"}, "hide": ["toc"], "vide": []},
]


@pytest.mark.parametrize("meta", _SAMPLES)
def test_front_matter_dump_is_pyyaml_s_own(meta: dict[str, Any]) -> None:
    expected = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    assert yaml_dump.dump_front_matter(meta) == expected


def test_strings_libyaml_writes_otherwise_go_through_pyyaml() -> None:
    assert yaml_dump._written_alike({"a": "texte", "b": ["é", 1, None, True]})
    for value in ("🎉", "\ufeff", "a\u2028b", "a\x85b", "\x1b"):
        assert not yaml_dump._written_alike({"a": value})
    assert not yaml_dump._written_alike({"a": object()})


# Any character, surrogates included, and those YAML reads otherwise than JSON often.
_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.sampled_from(list("\x85\u2028\u2029\ufeff\x7f\x9f\ud800\"\\:#'\n\t- &*!|>%@`"))
)
_KEYS = st.one_of(
    st.sampled_from(["title", "tags", "yes", "null", "<<", "date", "x-y", "~", "", "a b", "é"]),
    _TEXT,
    st.text("k\u2028", min_size=100, max_size=1100),
)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(meta=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_a_page_s_front_matter_reads_back_the_same_everywhere(meta: dict[str, Any]) -> None:
    """Generated pages' front matter (JSON values) is read as the same mapping by libyaml,
    by PyYAML's own loader and by MkDocs, whatever the text; what JSON cannot give YAML
    alike (lone surrogates, keys too long for one line) goes through PyYAML's emitter."""
    from mkdocs.utils.meta import get_data

    dumped = yaml_dump.dump_page_front_matter(meta)
    strings = _strings(meta)
    if any(yaml_dump._SURROGATE.search(s) for s in strings if isinstance(s, str)) or any(
        len(key) > yaml_dump._MAX_KEY for key in _keys(meta)
    ):
        assert dumped == yaml_dump.dump_front_matter(meta)
        return
    assert (yaml.load(dumped, Loader=yaml.CSafeLoader) or {}) == meta
    assert (yaml.load(dumped, Loader=yaml.SafeLoader) or {}) == meta
    body, read = get_data(f"---\n{dumped}---\n\nCorps.\n")
    assert (read, body) == (meta, "Corps.\n") if meta else body.endswith("Corps.\n")


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def _strings(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value]


def test_a_page_s_front_matter_falls_back_on_yaml_for_dates_and_floats() -> None:
    from datetime import datetime

    for meta in ({"date": {"created": datetime(2024, 1, 5, 10)}}, {"poids": 1e5}):
        assert yaml_dump.dump_page_front_matter(meta) == yaml_dump.dump_front_matter(meta)
    assert yaml_dump.dump_page_front_matter({"title": "Été", "hide": ["toc"]}) == (
        'title: "Été"\nhide: ["toc"]\n'
    )


def _read(case: Path, monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> object:
    loader = frontmatter._FAST_LOADER if fast else None
    monkeypatch.setattr(frontmatter, "_FAST_LOADER", loader)
    text = frontmatter.decode(case.read_bytes(), case)
    try:
        return frontmatter.read(text, case)[0]
    except ContentError as err:
        return ("erreur", str(err), err.key, err.line)


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# A fixture that is not UTF-8 is refused before YAML is read: no parser to compare.
@pytest.mark.parametrize(
    "case",
    [p for p in sorted((FIXTURES / "frontmatter").glob("*.md")) if _utf8(p)],
    ids=lambda path: path.stem,
)
def test_libyaml_reads_front_matter_as_pyyaml_does(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same values, and the same errors, lines and keys, with or without libyaml."""
    if frontmatter._FAST_LOADER is None:
        pytest.skip("PyYAML sans libyaml")
    assert _read(case, monkeypatch, fast=True) == _read(case, monkeypatch, fast=False)


def test_duplicate_keys_are_refused_with_their_line() -> None:
    text = "title: Un\nsummary: x\ntitle: Deux\n"
    with pytest.raises(ContentError, match="clé en double") as caught:
        frontmatter.parse(text, Path("a.md"))
    assert (caught.value.key, caught.value.line) == ("title", 4)


# --- Links and URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("index.md", "veille/index.md"),
        ("veille/index.md", "veille/f/item.md"),
        ("themes/events/page/2.md", "veille/f/item.md"),
        ("veille/f/page/3.md", "veille/f/page/2.md"),
        ("a/b.md", "a/b.md"),
        ("a/b/c.md", "a"),
        ("x.md", "../hors.md"),
        ("./a/../b/c.md", "b/./d.md"),
    ],
)
def test_href_is_posixpath_relpath(source: str, target: str) -> None:
    assert href(source, target) == posixpath.relpath(target, posixpath.dirname(source) or ".")


@pytest.mark.parametrize(
    ("base", "url", "expected"),
    [
        ("https://example.org/feed/", "/a", "https://example.org/a"),
        ("https://example.org/feed/", " b.html ", "https://example.org/feed/b.html"),
        ("https://example.org/feed/", "", "https://example.org/feed/"),
        ("https://example.org/feed/", "http:///x.example/y", "http://x.example/y"),
        ("https://example.org/feed/", "mailto:a@example.org", "mailto:a@example.org"),
        ("https://example.org/feed/", "http://[::1", None),
        ("javascript:alert(1)//", "x", "x"),
        ("sub/", "x.png", "x.png"),
        ("ftp://example.org/", "x", None),
    ],
)
def test_resolve_url(base: str, url: str, expected: str | None) -> None:
    assert resolve_url(base, url) == expected


def test_attributes_are_sorted_as_feedparser_did_rel_last() -> None:
    html = '<img width="3" src="a.png" alt="a"><a title="t" href="/x">x</a>'
    assert sort_attributes(clean_html(html, base_url="https://example.org/")) == (
        '<img alt="a" src="https://example.org/a.png" width="3">'
        '<a href="https://example.org/x" title="t" rel="noopener noreferrer nofollow">x</a>'
    )
