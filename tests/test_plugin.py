"""The MkDocs plugin's hooks, called directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel

from site_plugins.generator_plugin import GeneratorPlugin


def _plugin(project: Path) -> tuple[GeneratorPlugin, object]:
    config = load_config(str(project / "mkdocs.yml"))
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
    assert plugin.content_dir == (site_copy / "content").resolve()
    assert str(site_copy / "content") in config.watch  # type: ignore[attr-defined]


def test_on_files_injects_generated_pages_out_of_the_nav(site_copy: Path) -> None:
    plugin, config = _plugin(site_copy)
    plugin.on_config(config)  # type: ignore[arg-type]
    files = plugin.on_files(Files([]), config=config)  # type: ignore[arg-type]
    assert files is not None
    item = files.get_file_from_path(
        "veille/framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment.md"
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
