"""One content folder for every plugin, and each content file parsed once per build."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from generator.content import loader
from generator.errors import ContentError

from .conftest import build_site, site_config


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Path]:
    calls: list[Path] = []
    real = getattr(loader, name)

    def counted(text: str, path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path)
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(loader, name, counted)
    return calls


def test_one_build_parses_the_vocabulary_and_the_feeds_once(
    small_site_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_MEMO", {})
    taxonomies = _counting(monkeypatch, "parse_taxonomy")
    feeds = _counting(monkeypatch, "parse_feeds")
    posts = _counting(monkeypatch, "parse_post")
    build_site(small_site_copy)
    # The generator, the subscription page and the redirects all read them.
    assert len(taxonomies) == 1
    assert len(feeds) == 1
    assert len(posts) == len(list((small_site_copy / "content" / "infolettre").glob("*/index.md")))
    # A rebuild with a file changed (as under `mkdocs serve`) reads that file again.
    taxonomy = small_site_copy / "content" / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8") + "\n# modifié\n", encoding="utf-8")
    build_site(small_site_copy)
    assert len(taxonomies) == 2
    assert len(feeds) == 1


def test_a_changed_or_missing_file_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_MEMO", {})
    (tmp_path / "feeds").mkdir()
    snapshot = tmp_path / "feeds" / "a.xml"
    snapshot.write_text("<rss/>", encoding="utf-8")
    feeds_yml = tmp_path / "feeds.yml"
    feeds_yml.write_text(
        "feeds:\n  - id: a\n    url: https://a.example/feed\n    snapshot: feeds/a.xml\n",
        encoding="utf-8",
    )
    first = loader.load_feeds(tmp_path)
    assert loader.load_feeds(tmp_path) is first
    feeds_yml.write_text(
        "feeds:\n  - id: b\n    url: https://b.example/feed\n    snapshot: feeds/a.xml\n",
        encoding="utf-8",
    )
    assert [feed.id for feed in loader.load_feeds(tmp_path)] == ["b"]
    snapshot.unlink()
    with pytest.raises(ContentError, match=r"a\.xml"):
        loader.load_feeds(tmp_path)


def test_the_publication_plugin_uses_the_content_folder_of_the_generator(
    small_site_copy: Path,
) -> None:
    (small_site_copy / "content").rename(small_site_copy / "contenu")
    text = (small_site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    (small_site_copy / "mkdocs.yml").write_text(
        text.replace("content_dir: content", "content_dir: contenu").replace(
            "../content/authors.yml", "../contenu/authors.yml"
        ),
        encoding="utf-8",
    )
    build_site(small_site_copy)
    assert (small_site_copy / "site" / "abonnement" / "index.html").is_file()
    assert (small_site_copy / "site" / "_redirects").is_file()


def test_a_second_content_folder_is_refused(small_site_copy: Path) -> None:
    text = (small_site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - publication\n" in text
    (small_site_copy / "mkdocs.yml").write_text(
        text.replace("  - publication\n", "  - publication:\n      content_dir: ailleurs\n"),
        encoding="utf-8",
    )
    config = site_config(small_site_copy)
    with pytest.raises(PluginError, match="un seul dossier de contenu"):
        config.plugins.on_config(config)


def test_the_archive_is_read_again_only_when_one_of_its_files_changed(
    site_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_MEMO", {})
    content = site_copy / "content"
    feeds = loader.load_feeds(content)
    first = loader.load_archives(content, feeds)
    assert first and loader.load_archives(content, feeds) is first
    item = sorted((content / "archive").glob("*/*.md"))[0]
    text = item.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    item.write_text(text.replace("\ntitle: ", "\ntitle: Revu — ", 1), encoding="utf-8")
    again = loader.load_archives(content, feeds)
    assert again is not first
    assert sum(i.title.startswith("Revu — ") for i in again) == 1
