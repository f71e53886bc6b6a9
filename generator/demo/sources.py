"""Reading a demo from disk: its declared constants and the source files it depends on.

The constants (``TITLE``, ``DATA``, ``TIMEOUT_S``, ``PARAMS``) are read from the
demo's ``__init__.py`` as Python literals, without importing it, so that ``mkdocs serve``
sees an edited value at the next rebuild; an ``__init__.py`` whose values are computed is
imported in a subprocess instead. The source files are the demo's folder and every local
module it imports, followed transitively by reading their ``import`` statements.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.demo.digest import imported_modules, parent_modules, sha256_hex
from generator.demo.directive import DEMO_NAME, canonical_json
from generator.demo.errors import DemoError

CONSTANTS = ("TITLE", "DATA", "TIMEOUT_S", "PARAMS")
"""What a demo's ``__init__.py`` declares (the demo contract)."""

_SKIPPED_PARTS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})

_READ_CONSTANTS = """
import importlib, json, sys
module = importlib.import_module(sys.argv[1])
values = {name: getattr(module, name) for name in sys.argv[2:] if hasattr(module, name)}
print(json.dumps(values))
"""


@dataclass(frozen=True, kw_only=True)
class DemoLayout:
    """Where demos live.

    Attributes:
        package: The package holding the demos (``demos``).
        roots: Each local top-level package → the folder that holds it (a ``sys.path``
            entry). Imports of these packages are followed; others (NumPy…) are not.
    """

    package: str
    roots: Mapping[str, Path]

    @property
    def package_dir(self) -> Path:
        """The folder of the demos package."""
        return self.roots[self.package] / self.package

    def python_path(self) -> list[str]:
        """Folders a demo's process needs on ``PYTHONPATH``, the demos' own first."""
        first = str(self.roots[self.package])
        others = [str(path) for path in self.roots.values() if str(path) != first]
        return list(dict.fromkeys([first, *others]))


@dataclass(frozen=True, kw_only=True)
class DemoSpec:
    """What a demo declares in its ``__init__.py``."""

    name: str
    title: str
    data: Mapping[str, str]
    timeout_s: int
    params: Mapping[str, Any]


def list_demos(layout: DemoLayout) -> list[str]:
    """The names of the demos in the package (folders with an ``__init__.py``)."""
    if not layout.package_dir.is_dir():
        return []
    return sorted(
        path.name
        for path in layout.package_dir.iterdir()
        if DEMO_NAME.fullmatch(path.name) and (path / "__init__.py").is_file()
    )


def _literal_constants(source: str) -> dict[str, Any] | None:
    """The constants as literals, or ``None`` if one is computed (or the file is not Python)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in CONSTANTS:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                return None
    return values


def _imported_constants(layout: DemoLayout, name: str, init: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(layout.python_path())}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _READ_CONSTANTS, f"{layout.package}.{name}", *CONSTANTS],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise DemoError(name, f"{init} : importer le module prend plus de 60 s") from err
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise DemoError(name, f"{init} ne s'importe pas :\n{tail}")
    try:
        values = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError) as err:
        raise DemoError(name, f"{init} : constantes non sérialisables en JSON") from err
    if not isinstance(values, dict):
        raise DemoError(name, f"{init} : constantes illisibles")
    return values


def read_spec(layout: DemoLayout, name: str) -> DemoSpec:
    """Read a demo's constants.

    Args:
        layout: Where demos live.
        name: The demo's name.

    Returns:
        The demo's declarations.

    Raises:
        DemoError: The demo does not exist, or a constant is missing or of the wrong
            type (naming the file and the constant).
    """
    init = layout.package_dir / name / "__init__.py"
    if not DEMO_NAME.fullmatch(name) or not init.is_file():
        known = ", ".join(list_demos(layout)) or "aucune"
        raise DemoError(name, f"démo inconnue : {init} n'existe pas (démos : {known})")
    try:
        source = init.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DemoError(name, f"{init} illisible ({err})") from err
    values = _literal_constants(source)
    if values is None or any(constant not in values for constant in CONSTANTS):
        values = _imported_constants(layout, name, init)
    missing = [constant for constant in CONSTANTS if constant not in values]
    if missing:
        raise DemoError(name, f"{init} : {', '.join(missing)} non défini(s) (contrat des démos)")
    title, data, timeout, params = (values[constant] for constant in CONSTANTS)
    if not isinstance(title, str) or not title.strip():
        raise DemoError(name, f"{init} : TITLE doit être un titre (chaîne non vide)")
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise DemoError(name, f"{init} : DATA doit associer des noms de fichiers à des SHA-256")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise DemoError(name, f"{init} : TIMEOUT_S doit être un nombre entier de secondes > 0")
    if not isinstance(params, dict) or not all(isinstance(k, str) for k in params):
        raise DemoError(name, f"{init} : PARAMS doit être un dictionnaire clé → valeur")
    try:
        canonical_json(params)
    except (TypeError, ValueError) as err:
        raise DemoError(name, f"{init} : PARAMS doit être sérialisable en JSON ({err})") from err
    return DemoSpec(name=name, title=title, data=data, timeout_s=timeout, params=params)


@functools.lru_cache(maxsize=1024)
def _imports_of(text: str, module: str, is_package: bool) -> frozenset[str]:
    # Parsing is most of a cache lookup's cost; a file's text decides its imports, so
    # `mkdocs serve` rebuilds parse only the files that changed.
    return frozenset(imported_modules(text, module=module, is_package=is_package))


def _module_file(layout: DemoLayout, module: str) -> Path | None:
    """The file of a local module, or ``None`` if it is not local or not a file."""
    parts = module.split(".")
    root = layout.roots.get(parts[0])
    if root is None:
        return None
    base = root.joinpath(*parts)
    for candidate in (base.parent / f"{base.name}.py", base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _key(layout: DemoLayout, path: Path) -> str:
    """A source file's name in the digest: relative to the folder holding its package."""
    for root in layout.roots.values():
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.as_posix()


def _module_name(layout: DemoLayout, path: Path) -> str:
    parts = list(path.relative_to(layout.roots[layout.package]).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(layout: DemoLayout, name: str) -> dict[str, str]:
    """The files a demo's results depend on, with their SHA-256.

    Every file of the demo's folder (caches aside), the packages above it, and every
    module of a local package (:attr:`DemoLayout.roots`) imported by one of those,
    transitively.

    Args:
        layout: Where demos live.
        name: The demo's name.

    Returns:
        File name (relative to the folder holding its top-level package) → SHA-256.

    Raises:
        DemoError: A file cannot be read.
    """
    hashes: dict[str, str] = {}
    pending: list[str] = []  # modules whose file and imports are still to read

    def add(path: Path) -> bytes | None:
        key = _key(layout, path)
        if key in hashes:
            return None
        try:
            data = path.read_bytes()
        except OSError as err:
            raise DemoError(name, f"{path} illisible ({err})") from err
        hashes[key] = sha256_hex(data)
        return data

    def follow(module: str, data: bytes, is_package: bool) -> None:
        text = data.decode("utf-8", errors="replace")
        for imported in sorted(_imports_of(text, module, is_package)):
            for candidate in [*parent_modules(imported), imported]:
                pending.append(candidate)

    demo_dir = layout.package_dir / name
    for path in sorted(demo_dir.rglob("*")):
        relative = path.relative_to(demo_dir)
        if not path.is_file() or _SKIPPED_PARTS.intersection(relative.parts):
            continue
        if path.suffix in _SKIPPED_SUFFIXES:
            continue
        data = add(path)
        if data is not None and path.suffix == ".py":
            follow(_module_name(layout, path), data, path.name == "__init__.py")
    for parent in parent_modules(f"{layout.package}.{name}"):
        pending.append(parent)
    while pending:
        module = pending.pop()
        module_file = _module_file(layout, module)
        if module_file is None:
            continue
        data = add(module_file)
        if data is not None:
            follow(module, data, module_file.name == "__init__.py")
    return dict(sorted(hashes.items()))
