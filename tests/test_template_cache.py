"""Compiled templates kept between processes: same pages, never a failed build."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from generator.template_cache import keep_compiled

TEMPLATES = {"page.md.j2": "# {{ title }}\n{% for x in items %}- {{ x }}\n{% endfor %}"}


def _environment(**options: object) -> Environment:
    return Environment(loader=DictLoader(TEMPLATES), auto_reload=False, **options)  # type: ignore[arg-type]


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_second_process_reads_the_compiled_template_and_renders_the_same(temp: Path) -> None:
    first = _environment()
    keep_compiled(first, "essai")
    expected = first.get_template("page.md.j2").render(title="T", items=[1, 2])
    cached = list(temp.glob("_jinja2-cache-*/infolettre-essai-*.cache"))
    assert len(cached) == 1
    again = _environment()
    keep_compiled(again, "essai")

    def compile_again(*_: object, **__: object) -> None:
        pytest.fail("gabarit compilé de nouveau")

    again.compile = compile_again  # type: ignore[method-assign,assignment]
    assert again.get_template("page.md.j2").render(title="T", items=[1, 2]) == expected
    assert expected == _environment().get_template("page.md.j2").render(title="T", items=[1, 2])


def test_environments_with_other_settings_keep_other_files(temp: Path) -> None:
    for options in ({}, {"trim_blocks": True}, {"autoescape": True}):
        environment = _environment(**options)
        keep_compiled(environment, "essai")
        environment.get_template("page.md.j2").render(title="<T>", items=[])
    assert len(list(temp.glob("_jinja2-cache-*/infolettre-essai-*.cache"))) == 3
    escaped = _environment(autoescape=True)
    keep_compiled(escaped, "essai")
    assert escaped.get_template("page.md.j2").render(title="<T>", items=[]) == "# &lt;T&gt;\n"


def test_a_folder_that_cannot_be_used_costs_the_cache_not_the_build(
    temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file where the cache's folder should be: Jinja refuses it, no cache.
    monkeypatch.setattr(tempfile, "tempdir", str(temp / "pas-un-dossier"))
    (temp / "pas-un-dossier").write_text("x", encoding="utf-8")
    refused = _environment()
    keep_compiled(refused, "essai")
    assert refused.bytecode_cache is None
    assert refused.get_template("page.md.j2").render(title="T", items=[]) == "# T\n"
    # A folder removed after the cache was set up: the template is compiled as usual.
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = _environment()
    keep_compiled(gone, "essai")
    assert gone.bytecode_cache is not None
    for folder in temp.glob("_jinja2-cache-*"):
        shutil.rmtree(folder)
    assert gone.get_template("page.md.j2").render(title="T", items=[]) == "# T\n"


def test_settings_changed_after_the_cache_is_given_keep_their_own_files(temp: Path) -> None:
    # mkdocstrings' handler makes its environment, then sets trim_blocks and others: the
    # code compiled with the settings of the moment is read only under those settings.
    template = {"t.j2": "{% if true %}\nA\n{% endif %}\n"}
    trimmed = Environment(loader=DictLoader(template), auto_reload=False)
    keep_compiled(trimmed, "essai")
    trimmed.trim_blocks = True
    assert trimmed.get_template("t.j2").render() == "A\n"
    untrimmed = Environment(loader=DictLoader(template), auto_reload=False)
    keep_compiled(untrimmed, "essai")
    assert untrimmed.get_template("t.j2").render() == "\nA\n"
    again = Environment(loader=DictLoader(template), auto_reload=False)
    keep_compiled(again, "essai")
    again.trim_blocks = True

    def compile_again(*_: object, **__: object) -> None:
        pytest.fail("gabarit compilé de nouveau")

    again.compile = compile_again  # type: ignore[method-assign,assignment]
    assert again.get_template("t.j2").render() == "A\n"
