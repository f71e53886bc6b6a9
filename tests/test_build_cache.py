"""The generator's page cache: a build with nothing changed reuses the last one's pages."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.files import Files

from generator.content.loader import load_content
from generator.errors import ContentError
from generator.pages import build_cache, feeds_out
from generator.pages.build import generate
from generator.pages.build_cache import MANIFEST_NAME, PAGES_DIR, input_digest, site_pages
from generator.themes import catalog
from site_plugins.generator_plugin import GeneratorPlugin

from .conftest import site_config

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("le générateur a tourné alors que rien n'a changé")


def _page_files(pages_dir: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(pages_dir).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in pages_dir.rglob("*")
        if path.is_file()
    }


def test_first_build_writes_what_generate_makes(site_copy: Path, tmp_path: Path) -> None:
    content_dir = site_copy / "content"
    built = site_pages(content_dir, tmp_path / "cache", now=NOW)
    expected = generate(load_content(content_dir), now=NOW)
    assert not built.reused and built.note == ""
    assert [(p.path, p.in_nav) for p in built.pages] == [(p.path, p.in_nav) for p in expected.pages]
    assert built.warnings == tuple(expected.warnings)
    pages_dir = tmp_path / "cache" / PAGES_DIR
    for page in expected.pages:
        target = pages_dir / page.path
        if page.text is not None:
            assert target.read_text(encoding="utf-8") == page.text
        else:
            assert page.source is not None and target.read_bytes() == page.source.read_bytes()
    assert built.written == len(expected.pages)


def test_a_deferred_build_hands_pages_from_memory_and_writes_the_cache_beside(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    expected = generate(load_content(content_dir), now=NOW)
    built = site_pages(content_dir, cache, now=NOW, defer=True)
    assert built.pending is not None and built.pending.forked
    posts = catalog.POSTS_URI + "/"
    # Posts and their files are on disk at once (Material's blog plugin reads them there);
    # the other pages come from memory.
    for page in expected.pages:
        if page.path.startswith(posts) or page.text is None:
            assert page.path not in built.texts
            assert (cache / PAGES_DIR / page.path).is_file(), page.path
        else:
            assert built.texts[page.path] == page.text
    assert built.texts
    # Once the child is done, the cache is whole, and the next build reuses it.
    assert built.pending.result() == len(expected.pages)
    assert (cache / MANIFEST_NAME).is_file()
    assert _page_files(cache / PAGES_DIR).keys() == {p.path for p in expected.pages}
    monkeypatch.setattr(build_cache, "generate", _fail)
    again = site_pages(content_dir, cache, now=NOW, defer=True)
    assert again.reused and again.pending is None and not again.texts


def test_nothing_changed_reuses_every_page_untouched(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    first = site_pages(content_dir, cache, now=NOW)
    files = _page_files(cache / PAGES_DIR)
    monkeypatch.setattr(build_cache, "load_content", _fail)
    monkeypatch.setattr(build_cache, "generate", _fail)
    second = site_pages(content_dir, cache, now=NOW + timedelta(hours=1))
    assert second.reused and second.note == ""
    assert second.pages == first.pages
    assert second.warnings == first.warnings
    assert second.tags == first.tags
    # The feeds' entries come back as they were made, offsets of their dates included.
    assert first.feed_entries and dict(second.feed_entries) == dict(first.feed_entries)
    assert [feeds_out.entry_to_json(e) for e in second.feed_entries.values()] == [
        feeds_out.entry_to_json(e) for e in first.feed_entries.values()
    ]
    assert _page_files(cache / PAGES_DIR) == files


def test_an_edited_post_regenerates_and_rewrites_only_what_changed(
    site_copy: Path, tmp_path: Path
) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    before = _page_files(cache / PAGES_DIR)
    post = content_dir / "infolettre" / "infolettre_13" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", "utf-8")
    built = site_pages(content_dir, cache, now=NOW)
    assert not built.reused
    assert "modifié" in built.note
    after = _page_files(cache / PAGES_DIR)
    changed = {path for path in after if after[path] != before.get(path)}
    assert "infolettre/posts/infolettre_13/index.md" in changed
    assert "Un paragraphe ajouté." in (
        cache / PAGES_DIR / "infolettre/posts/infolettre_13/index.md"
    ).read_text(encoding="utf-8")
    # Feed items do not depend on the post: their files (and times) are left alone.
    items = [path for path in after if path.startswith("veille/framablog/2")]
    assert items and not changed & set(items)
    assert built.written == len(changed)


def test_the_digest_follows_every_content_file_and_the_options(site_copy: Path) -> None:
    content_dir = site_copy / "content"
    digest = input_digest(content_dir, include_drafts=False)
    assert input_digest(content_dir, include_drafts=False) == digest
    assert input_digest(content_dir, include_drafts=True) != digest
    (content_dir / "taxonomy.yml").write_text(
        (content_dir / "taxonomy.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    changed = input_digest(content_dir, include_drafts=False)
    assert changed != digest
    extra = content_dir / "infolettre" / "infolettre_13" / "nouvelle-image.png"
    extra.write_bytes(b"\x89PNG")
    with_image = input_digest(content_dir, include_drafts=False)
    assert with_image != changed
    # Hidden files (an editor's swap file, an interrupted write) are no input.
    (content_dir / "infolettre" / "infolettre_13" / ".index.md.swp").write_bytes(b"x")
    (content_dir / "archive" / ".cache").mkdir(parents=True)
    (content_dir / "archive" / ".cache" / "x.md").write_text("y", encoding="utf-8")
    assert input_digest(content_dir, include_drafts=False) == with_image


def test_an_unreadable_content_file_is_named(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content_dir = site_copy / "content"
    locked = content_dir / "taxonomy.yml"
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission non accordée")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(ContentError, match=r"taxonomy\.yml: lecture impossible"):
        site_pages(content_dir, tmp_path / "cache", now=NOW)


def test_a_corrupt_manifest_is_reported_and_rebuilt(site_copy: Path, tmp_path: Path) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    first = site_pages(content_dir, cache, now=NOW)
    (cache / MANIFEST_NAME).write_text("{pas du JSON", encoding="utf-8")
    built = site_pages(content_dir, cache, now=NOW)
    assert not built.reused
    assert MANIFEST_NAME in built.note and "illisible" in built.note
    assert built.pages == first.pages
    manifest = json.loads((cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["digest"] == input_digest(content_dir, include_drafts=False)


def test_a_manifest_of_another_shape_is_rebuilt(site_copy: Path, tmp_path: Path) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    manifest = json.loads((cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["pages"] = [["index.md"]]
    (cache / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    built = site_pages(content_dir, cache, now=NOW)
    assert not built.reused and "contenu inattendu" in built.note


def test_a_page_missing_from_the_cache_regenerates(site_copy: Path, tmp_path: Path) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    (cache / PAGES_DIR / "veille" / "index.md").unlink()
    built = site_pages(content_dir, cache, now=NOW)
    assert not built.reused and "veille/index.md" in built.note
    assert (cache / PAGES_DIR / "veille" / "index.md").is_file()


def test_a_future_post_is_published_once_its_date_has_come(site_copy: Path, tmp_path: Path) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    content = load_content(content_dir)
    newest = max(content.posts, key=lambda p: p.date)
    post = content_dir / "infolettre" / newest.slug / "index.md"
    text = post.read_text(encoding="utf-8")
    date_line = next(line for line in text.splitlines() if line.startswith("date:"))
    post.write_text(text.replace(date_line, "date: 2026-03-01T09:00:00Z", 1), encoding="utf-8")
    page = f"infolettre/posts/{newest.slug}/index.md"

    before = site_pages(content_dir, cache, now=NOW)
    assert page not in {p.path for p in before.pages}
    manifest = json.loads((cache / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["valid_until"] == "2026-03-01T09:00:00+00:00"
    assert site_pages(content_dir, cache, now=datetime(2026, 2, 1, tzinfo=UTC)).reused

    after = site_pages(content_dir, cache, now=datetime(2026, 3, 1, 9, tzinfo=UTC))
    assert not after.reused and "2026-03-01" in after.note
    assert page in {p.path for p in after.pages}


def test_valid_until_is_the_next_future_post(site_copy: Path) -> None:
    content = load_content(site_copy / "content")
    assert build_cache.valid_until(content, now=NOW) is None
    later = replace(content.posts[0], date=NOW + timedelta(days=3))
    soon = replace(content.posts[0], date=NOW + timedelta(days=1))
    content = replace(content, posts=(*content.posts, later, soon))
    assert build_cache.valid_until(content, now=NOW) == NOW + timedelta(days=1)


def test_the_plugin_reuses_the_pages_and_reports_the_warnings_again(
    site_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    post = site_copy / "content" / "infolettre" / "infolettre_13" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + "\n{{< inconnu >}}\n", encoding="utf-8")

    def on_files() -> tuple[list[str], list[str]]:
        config = site_config(site_copy)
        config.plugins._current_plugin = "infolettre"
        plugin = config.plugins["infolettre"]
        assert isinstance(plugin, GeneratorPlugin)
        plugin.on_config(config)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            files = plugin.on_files(Files([]), config=config)
        assert files is not None
        # The build's end: the cache, written beside it, is complete.
        if plugin.build is not None:
            plugin.build.finish()
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        return sorted(f.src_uri for f in files), warnings

    first_files, first_warnings = on_files()
    assert any("inconnu" in warning for warning in first_warnings)
    monkeypatch.setattr(build_cache, "generate", _fail)
    second_files, second_warnings = on_files()
    assert second_files == first_files
    assert second_warnings == first_warnings


def test_cache_files_keep_their_time_when_rewritten_identically(
    site_copy: Path, tmp_path: Path
) -> None:
    """MkDocs' --dirty builds render again only pages whose source is newer."""
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    index = cache / PAGES_DIR / "index.md"
    os.utime(index, ns=(1_000_000_000, 1_000_000_000))
    (cache / MANIFEST_NAME).unlink()
    site_pages(content_dir, cache, now=NOW)
    assert index.stat().st_mtime_ns == 1_000_000_000


def test_an_edit_tags_again_only_the_edited_entry(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    post = content_dir / "infolettre" / "infolettre_13" / "index.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nUn mot de plus.\n", "utf-8")
    tagged: list[str] = []
    real_decide = catalog.decide

    def decide(*args: Any, **kwargs: Any) -> Any:
        tagged.append(args[1].title)
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(catalog, "decide", decide)
    site_pages(content_dir, cache, now=NOW)
    content = load_content(content_dir)
    assert tagged == [next(p.title for p in content.posts if p.slug == "infolettre_13")]
    monkeypatch.setattr(catalog, "decide", real_decide)
    fresh = generate(content, now=NOW)
    for page in fresh.pages:
        if page.text is not None:
            assert (cache / PAGES_DIR / page.path).read_text(encoding="utf-8") == page.text


def test_unreadable_tag_decisions_are_reported_and_made_again(
    site_copy: Path, tmp_path: Path
) -> None:
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    (cache / build_cache.TAGS_NAME).write_text('{"format": 1, "code": 3}', encoding="utf-8")
    (cache / MANIFEST_NAME).unlink()
    built = site_pages(content_dir, cache, now=NOW)
    assert not built.reused
    assert built.note == ""  # another code's decisions are simply not used
    (cache / build_cache.TAGS_NAME).write_text("[", encoding="utf-8")
    (cache / MANIFEST_NAME).unlink()
    built = site_pages(content_dir, cache, now=NOW)
    assert build_cache.TAGS_NAME in built.note and "illisibles" in built.note
    decisions = json.loads((cache / build_cache.TAGS_NAME).read_text(encoding="utf-8"))
    # Written again whole: one entry per published item, post and page.
    assert isinstance(decisions["code"], str)
    assert len(decisions["decisions"]) >= len(load_content(content_dir).items)


def test_kept_decisions_are_read_once_and_rewritten_only_when_changed(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One `mkdocs serve` rebuild after another: the decisions file is parsed once, and
    left as it is when no decision changed."""
    monkeypatch.setattr(build_cache, "_KEPT", {})
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    tags_file = cache / build_cache.TAGS_NAME
    written = tags_file.stat()
    parsed: list[object] = []
    real = build_cache._decision_from_json

    def counted(data: object) -> Any:
        parsed.append(data)
        return real(data)

    monkeypatch.setattr(build_cache, "_decision_from_json", counted)
    # An edit that changes no decision: a comment in authors.yml.
    authors = content_dir / "authors.yml"
    authors.write_text(authors.read_text(encoding="utf-8") + "\n# note\n", "utf-8")
    assert not site_pages(content_dir, cache, now=NOW).reused
    assert parsed == []  # what this process wrote is what it reads
    after = tags_file.stat()
    assert (after.st_mtime_ns, after.st_ino) == (written.st_mtime_ns, written.st_ino)
    # Another process's file (or an edit by hand) is read.
    monkeypatch.setattr(build_cache, "_KEPT", {})
    (cache / MANIFEST_NAME).unlink()
    site_pages(content_dir, cache, now=NOW)
    assert parsed


def test_a_long_lived_process_makes_the_pages_even_when_the_cache_could_serve(
    site_copy: Path, tmp_path: Path
) -> None:
    """mkdocs serve's first build fills the in-process memos; no file is written again."""
    content_dir, cache = site_copy / "content", tmp_path / "cache"
    site_pages(content_dir, cache, now=NOW)
    assert site_pages(content_dir, cache, now=NOW).reused
    made = site_pages(content_dir, cache, now=NOW, reuse=False)
    assert not made.reused and made.note == ""
    assert made.written == 0  # same bytes: modification times kept for --dirty builds
