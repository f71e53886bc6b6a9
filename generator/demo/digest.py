"""Cache digests of a demo's results (pure: values in, hex digest out).

Two digests, like Quarto's freeze and Material's social-card cache:

- the *source* digest: what the demo computes — its code and the local modules it
  imports (file path and bytes), its effective parameters, quick or full, and the
  checksums of its data files (``DATA``);
- the *result* digest: the source digest plus where it is computed — the versions of
  Python and of the numeric libraries, and the device.

A cached result is reused when its result digest matches; a frozen result (committed
under ``demos/_freeze/``) when its source digest matches.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from typing import Any

DIGEST_FORMAT = 1
"""Bumped when what goes into a digest changes, so that old entries are not reused."""


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data``, in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def _digest(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256_hex(text.encode("utf-8"))


def source_digest(
    *,
    name: str,
    files: Mapping[str, str],
    params: Mapping[str, Any],
    quick: bool,
    data: Mapping[str, str],
) -> str:
    """Digest of what a demo computes, independent of the machine.

    Args:
        name: The demo's name.
        files: Each source file (path relative to the folder holding its top-level
            package, ``/``-separated) → SHA-256 of its bytes.
        params: The effective parameters (defaults with the overrides applied).
        quick: Whether the quick version runs.
        data: The demo's ``DATA``: data file name → declared SHA-256.

    Returns:
        A SHA-256 in hexadecimal.
    """
    return _digest(
        {
            "format": DIGEST_FORMAT,
            "demo": name,
            "files": dict(files),
            "params": dict(params),
            "quick": quick,
            "data": dict(data),
        }
    )


def result_digest(*, source: str, versions: Mapping[str, str], device: str) -> str:
    """Digest of a result computed from ``source`` with these libraries on this device.

    Args:
        source: The :func:`source_digest`.
        versions: ``generator.machine.library_versions()``.
        device: ``generator.machine.device_description()``.

    Returns:
        A SHA-256 in hexadecimal.
    """
    return _digest(
        {"format": DIGEST_FORMAT, "source": source, "versions": dict(versions), "device": device}
    )


def imported_modules(source: str, *, module: str, is_package: bool) -> set[str]:
    """The absolute names of the modules a Python source may import.

    Every ``import`` and ``from … import`` counts, at any depth (an import inside a
    function is still code the demo runs). For ``from a import b`` both ``a`` and
    ``a.b`` are returned, since ``b`` may be a submodule; the caller keeps the names that
    are files. Relative imports are resolved against ``module``.

    Args:
        source: The module's source text.
        module: Its absolute name (``demos.mnist.train``).
        is_package: Whether it is a package's ``__init__.py``.

    Returns:
        Module names; empty when the source does not parse (the run then reports the
        syntax error itself).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 > len(parts):
                    continue  # beyond the top-level package: Python raises, the run says so
                base_parts = parts[: len(parts) - (node.level - 1)]
                if node.module:
                    base_parts.append(node.module)
                base = ".".join(base_parts)
            else:
                base = node.module or ""
            if not base:
                continue
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def parent_modules(module: str) -> list[str]:
    """The packages a module's import runs first: ``a.b.c`` → ``["a", "a.b"]``."""
    parts = module.split(".")
    return [".".join(parts[:index]) for index in range(1, len(parts))]
