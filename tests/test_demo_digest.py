"""Cache digests: which imports are followed, and what changes a digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.demo.digest import (
    imported_modules,
    parent_modules,
    result_digest,
    sha256_hex,
    source_digest,
)
from generator.demo.errors import DemoError
from generator.demo.sources import list_demos, read_spec, source_files

from .demo_helpers import PACKAGE, make_project


def test_imported_modules_absolute_relative_and_nested() -> None:
    source = """
import numpy as np
import demos._support.cli
from generator import machine
from . import helper
from .helper import area
from .. import _shared
from ..sub.mod import thing, other

def later():
    from generator.content.dates import PARIS  # an import inside a function still counts
"""
    found = imported_modules(source, module="demos.tiny.__main__", is_package=False)
    assert {
        "numpy",
        "demos._support.cli",
        "generator",
        "generator.machine",
        "demos.tiny",
        "demos.tiny.helper",
        "demos.tiny.helper.area",
        "demos",
        "demos._shared",
        "demos.sub.mod",
        "demos.sub.mod.thing",
        "generator.content.dates",
    } <= found
    # In a package's __init__, "." is the package itself.
    assert imported_modules("from . import x", module="demos.tiny", is_package=True) == {
        "demos.tiny",
        "demos.tiny.x",
    }


def test_imported_modules_of_broken_source_is_empty() -> None:
    assert imported_modules("def (:", module="a.b", is_package=False) == set()
    assert imported_modules("from .... import x", module="a.b", is_package=False) == set()


def test_parent_modules() -> None:
    assert parent_modules("a.b.c") == ["a", "a.b"]
    assert parent_modules("a") == []


def _source(**change: object) -> str:
    values: dict[str, object] = {
        "name": "tiny",
        "files": {
            "demos/tiny/__init__.py": sha256_hex(b"A"),
            "generator/machine.py": "b" * 64,
        },
        "params": {"seed": 0, "epochs": 10},
        "quick": False,
        "data": {"mnist.npz": "ab" * 32},
    }
    values.update(change)
    return source_digest(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {
            "files": {
                "demos/tiny/__init__.py": sha256_hex(b"A"),
                "generator/machine.py": "c" * 64,
            }
        },
        {
            "files": {
                "demos/tiny/__init__.py": sha256_hex(b"A"),
                "generator/machine.py": "b" * 64,
                "demos/tiny/extra.py": "d" * 64,
            }
        },
        {"params": {"seed": 1, "epochs": 10}},
        {"quick": True},
        {"data": {"mnist.npz": "cd" * 32}},
        {"name": "other"},
    ],
)
def test_source_digest_changes_with_each_input(change: dict[str, object]) -> None:
    assert _source(**change) != _source()


def test_source_digest_is_stable_and_ignores_key_order() -> None:
    assert _source(params={"epochs": 10, "seed": 0}) == _source()
    assert len(_source()) == 64


def test_result_digest_changes_with_versions_and_device() -> None:
    source = _source()
    versions = {"python": "3.11.7", "numpy": "2.4.6"}
    here = result_digest(source=source, versions=versions, device="CPU X (2 cœurs)")
    assert here == result_digest(source=source, versions=dict(versions), device="CPU X (2 cœurs)")
    assert here != result_digest(
        source=source, versions={**versions, "numpy": "2.4.7"}, device="CPU X (2 cœurs)"
    )
    assert here != result_digest(
        source=source, versions={**versions, "cupy": "14.0.0"}, device="CPU X (2 cœurs)"
    )
    assert here != result_digest(source=source, versions=versions, device="CPU X + GPU H100")


def test_source_files_follow_local_imports_transitively(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    package = project.layout.package_dir
    (package / "tiny" / "__pycache__").mkdir()
    (package / "tiny" / "__pycache__" / "helper.cpython-311.pyc").write_bytes(b"\0")
    files = source_files(project.layout, "tiny")
    assert set(files) == {
        f"{PACKAGE}/__init__.py",
        f"{PACKAGE}/_shared.py",  # imported by tiny/__main__.py, outside tiny/
        f"{PACKAGE}/tiny/__init__.py",
        f"{PACKAGE}/tiny/__main__.py",
        f"{PACKAGE}/tiny/helper.py",
        # tiny imports demos._support (cli, outputs) which imports generator.machine.
        "demos/__init__.py",
        "demos/_support/__init__.py",
        "demos/_support/cli.py",
        "demos/_support/outputs.py",
        "generator/__init__.py",
        "generator/machine.py",
    }
    helper = package / "tiny" / "helper.py"
    assert files[f"{PACKAGE}/tiny/helper.py"] == sha256_hex(helper.read_bytes())


def test_read_spec_literal_and_computed_constants(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert list_demos(project.layout) == ["broken", "computed", "incomplete", "sleepy", "tiny"]
    tiny = read_spec(project.layout, "tiny")
    assert (tiny.title, tiny.timeout_s, dict(tiny.data)) == (
        "Aire d'un carré (démo de test)",
        30,
        {},
    )
    assert dict(tiny.params) == {"seed": 0, "side": 2, "label": "carré"}
    # Expressions are not literals: the module is imported in a subprocess to read them.
    computed = read_spec(project.layout, "computed")
    assert computed.title == "Démo aux constantes calculées"
    assert computed.timeout_s == 120
    assert dict(computed.data) == {"a.bin": "1" * 64, "b.bin": "0" * 64}
    assert dict(computed.params) == {"n": 60}


def test_read_spec_errors_name_the_file(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    with pytest.raises(DemoError, match=r"démo inconnue : .*absent.*__init__\.py n'existe pas"):
        read_spec(project.layout, "absent")
    init = project.layout.package_dir / "tiny" / "__init__.py"
    init.write_text(
        init.read_text(encoding="utf-8").replace("TIMEOUT_S = 30", "TIMEOUT_S = -1"),
        encoding="utf-8",
    )
    with pytest.raises(DemoError, match=r"tiny/__init__\.py : TIMEOUT_S doit être"):
        read_spec(project.layout, "tiny")
    init.write_text('TITLE = "x"\nDATA = {}\nPARAMS = {}\n', encoding="utf-8")
    with pytest.raises(DemoError, match=r"TIMEOUT_S non défini"):
        read_spec(project.layout, "tiny")
