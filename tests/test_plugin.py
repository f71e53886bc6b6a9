"""The MkDocs plugin's hooks, called directly."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import markdown
import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from site_plugins.generator_plugin import GeneratorPlugin

from .conftest import link_items_to_a_missing_tag, site_config


def _plugin(project: Path) -> tuple[GeneratorPlugin, object]:
    config = site_config(project)
    # As `mkdocs build` starts (MkDocs keeps one instance of the plugin for the process:
    # an earlier test may have served a site with it).
    config.plugins.on_startup(command="build", dirty=False)
    # MkDocs sets this while it runs a plugin's hook; File.generated records it.
    config.plugins._current_plugin = "infolettre"
    plugin = config.plugins["infolettre"]
    assert isinstance(plugin, GeneratorPlugin)
    return plugin, config


def test_on_config_resolves_paths_against_mkdocs_yml_and_watches_content(
    site_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # never the working directory
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    assert plugin.build is not None
    assert plugin.build.content_dir == (site_copy / "content").resolve()
    assert str(site_copy / "content") in config.watch  # type: ignore[attr-defined]


def test_on_files_injects_generated_pages_out_of_the_nav(site_copy: Path) -> None:
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    files = plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]
    assert files is not None and plugin.build is not None
    plugin.build.finish()  # as the build's end waits for the cache
    item = files.get_file_from_path(
        "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/index.md"
    )
    assert item is not None and item.generated_by == "infolettre"
    assert item.inclusion is InclusionLevel.NOT_IN_NAV
    index = files.get_file_from_path("veille/index.md")
    assert index is not None and index.inclusion is InclusionLevel.UNDEFINED


def test_content_error_becomes_a_plugin_error_naming_the_file(site_copy: Path) -> None:
    (site_copy / "content" / "feeds.yml").write_text("feeds:\n  - id: x\n    url: ftp://a\n")
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    with pytest.raises(PluginError, match=r"feeds\.yml.*url"):
        plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]


def test_generated_pages_come_from_memory_with_their_links_written(site_copy: Path) -> None:
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    files = plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]
    assert files is not None and plugin.build is not None
    # The cache, written beside the build.
    cache = [m for level, m in plugin.build.finish() if m.endswith("pages écrites dans le cache")]
    assert len(cache) == 1 and int(cache[0].split()[0]) > 0
    # A feed item comes from memory; a post from the cache (Material's blog reads it there).
    item = files.get_file_from_path(
        "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/index.md"
    )
    assert item is not None and item.abs_src_path is None
    post = next(f for f in files if f.src_uri.startswith("infolettre/posts/"))
    assert post.abs_src_path is not None and Path(post.abs_src_path).is_file()

    tag = files.get_file_from_path("themes/llm-news/index.md")
    assert tag is not None
    page = Page(None, tag, config)  # type: ignore[arg-type]
    converted = plugin.on_page_markdown(
        tag.content_string,
        page=page,
        config=config,  # type: ignore[arg-type]
        files=files,
    )
    assert converted is not None and "<table" not in converted
    html = plugin.on_page_content(
        markdown.markdown(converted),
        page=page,
        config=config,  # type: ignore[arg-type]
        files=files,
    )
    assert html is not None and "<table" in html
    # The table is put back as the generator wrote it: its links are the pages' URLs
    # (a post where Material's blog publishes it), none left to resolve.
    links = re.findall(r'href="([^"]+)"', html)
    assert any(re.fullmatch(r"\.\./\.\./veille/framablog/[^/]+/", link) for link in links), links
    assert "../../infolettre/infolettre_13/" in links
    assert not [link for link in links if ".md" in link]


def test_a_generated_link_to_a_missing_page_is_a_warning_naming_the_page(
    site_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    link_items_to_a_missing_tag(monkeypatch)
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]
    assert plugin.build is not None
    plugin.build.finish()
    item = "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment/index.md"
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        f"{item} : lien vers « themes/nulle/index.md », page introuvable" in r.getMessage()
        for r in warned
    ), caplog.text


@pytest.mark.parametrize(("directory_urls", "expected"), [(True, r"/"), (False, r"\.html")])
def test_the_generated_links_follow_the_sites_url_settings(
    site_copy: Path, directory_urls: bool, expected: str
) -> None:
    config = site_config(site_copy, use_directory_urls=directory_urls)
    config.plugins._current_plugin = "infolettre"
    plugin = config.plugins["infolettre"]
    assert isinstance(plugin, GeneratorPlugin)
    plugin.on_config(config)
    files = plugin.on_files(Files([]), config=config)
    assert files is not None and plugin.build is not None
    plugin.build.finish()
    tag = files.get_file_from_path("themes/llm-news/index.md")
    assert tag is not None
    items = re.findall(r'href="(\.\./\.\./veille/framablog/[^"#]+)"', tag.content_string)
    assert items and all(re.search(expected + "$", link) for link in items), items


def test_a_blog_url_format_the_generator_cannot_follow_is_refused(site_copy: Path) -> None:
    text = (site_copy / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'post_url_format: "{slug}"' in text
    (site_copy / "mkdocs.yml").write_text(
        text.replace('post_url_format: "{slug}"', 'post_url_format: "{date}/{slug}"'),
        encoding="utf-8",
    )
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="post_url_format"):
        plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]
