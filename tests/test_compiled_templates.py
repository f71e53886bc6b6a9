"""The theme's and the code reference's templates compiled once per machine
(site_plugins/compiled_templates.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from site_plugins import compiled_templates
from tests.sites import copy_site, site_config


def test_a_rebuild_takes_the_compiled_templates_and_compiles_an_edited_one_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / "page.html").write_text("<p>{{ titre | upper }}</p>", encoding="utf-8")
    compiled: list[str] = []
    real_compile = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: Any, name: Any = None, *a: Any) -> Any:
        compiled.append(name)
        return real_compile(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)

    def render() -> str:
        # Each build makes its own environment (`mkdocs serve`'s rebuilds, and each
        # `mkdocs build` in its process).
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
        compiled_templates.keep_compiled(env)
        return env.get_template("page.html").render(titre="a")

    assert render() == "<p>A</p>"
    assert render() == "<p>A</p>"
    assert compiled == ["page.html"]
    (tmp_path / "page.html").write_text("<p>{{ titre }}</p>", encoding="utf-8")
    assert render() == "<p>a</p>"
    assert compiled == ["page.html", "page.html"]


def test_the_code_references_templates_are_kept_compiled_before_any_page_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    config = site_config(copy_site(tmp_path / "site"))
    config = config.plugins.on_config(config)
    compiled_templates.keep_reference_compiled(config)
    handler = config.plugins["mkdocstrings"].get_handler("python")  # type: ignore[attr-defined]
    assert isinstance(handler.env.bytecode_cache, jinja2.FileSystemBytecodeCache)
    # The handler mkdocstrings uses for the pages is that one.
    assert config.plugins["mkdocstrings"].get_handler("python") is handler  # type: ignore[attr-defined]
    rendered = handler.env.from_string("{{ x }}").render(x="<b>")
    assert rendered == "&lt;b&gt;"
    handler.env.get_template("module.html.jinja")
    assert list((tmp_path / "tmp").glob("_jinja2-cache-*/infolettre-mkdocstrings-python-*"))


@pytest.mark.parametrize("setting", ["enabled: false", "default_handler: absent"])
def test_a_code_reference_turned_off_or_without_its_handler_costs_nothing(
    tmp_path: Path, setting: str
) -> None:
    project = copy_site(tmp_path / "site")
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(
        text.replace("  - mkdocstrings:\n", f"  - mkdocstrings:\n      {setting}\n", 1),
        encoding="utf-8",
    )
    config = site_config(project)
    config = config.plugins.on_config(config)
    reference: Any = config.plugins["mkdocstrings"]
    compiled_templates.keep_reference_compiled(config)
    if setting.startswith("enabled"):
        assert not reference.plugin_enabled
    else:
        # What the site meets at its first code block, not before.
        with pytest.raises(ModuleNotFoundError, match="absent"):
            reference.get_handler("absent")
