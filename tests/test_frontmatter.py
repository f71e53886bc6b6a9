"""Front matter of infolettre posts, driven by fixtures that carry their expectations.

Each ``tests/fixtures/frontmatter/<case>.md`` holds the raw bytes of a post (BOM, CRLF and
Latin-1 included) and ``<case>.expected.json`` says what reading it must give: either

* ``{"error": {"key": ..., "line": ..., "match": ...}}``: a :class:`ContentError` is raised;
  ``key`` and ``line`` are compared exactly when present (``null`` means "not set"), and
  ``match`` is a regular expression searched in the error's message; or
* ``{"meta": {...}}``: the post is read, and each listed :class:`Post` field equals the
  JSON value (dates as ISO strings with their offset, lists for tuples).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from generator.content.frontmatter import decode
from generator.content.posts import parse_post
from generator.errors import ContentError

from .conftest import FIXTURES

CASES_DIR = FIXTURES / "frontmatter"
CASES = sorted(CASES_DIR.glob("*.md"))
EXPECTED_SUFFIX = ".expected.json"


def _expected(case: Path) -> dict[str, Any]:
    expected_path = case.with_name(case.stem + EXPECTED_SUFFIX)
    assert expected_path.is_file(), f"{expected_path.name} manque pour {case.name}"
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    assert len(expected.keys() & {"error", "meta"}) == 1, (
        f"{expected_path.name} doit contenir soit « error », soit « meta »"
    )
    return expected


def _as_json(value: object) -> object:
    """Turn a :class:`Post` attribute into the form the fixtures write."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_as_json(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    return value


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_front_matter_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _expected(case)
    # A YAML tag such as !!python/object/apply:os.system must never run anything.
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)

    def read() -> Any:
        return parse_post(decode(case.read_bytes(), case), case, slug="x")

    if "error" in expected:
        error = expected["error"]
        with pytest.raises(ContentError) as excinfo:
            read()
        err = excinfo.value
        assert case.name in str(err)
        assert err.path == case
        assert str(err).startswith(str(case))
        if "key" in error:
            assert err.key == error["key"], str(err)
        if "line" in error:
            assert err.line == error["line"], str(err)
        if error.get("match") is not None:
            assert re.search(error["match"], err.message), str(err)
    else:
        post = read()
        actual = {field: _as_json(getattr(post, field)) for field in expected["meta"]}
        assert actual == expected["meta"]
        assert "\r" not in post.body
        assert "\ufeff" not in post.title
    assert calls == []


def test_every_expectation_has_its_post() -> None:
    orphans = [
        path.name
        for path in CASES_DIR.glob("*" + EXPECTED_SUFFIX)
        if not path.with_name(path.name.removesuffix(EXPECTED_SUFFIX) + ".md").is_file()
    ]
    assert orphans == []


def test_fixtures_keep_their_raw_bytes() -> None:
    """Guard against an editor or a checkout normalising the byte-level fixtures."""
    assert (CASES_DIR / "utf8_bom.md").read_bytes().startswith(b"\xef\xbb\xbf---\n")
    assert b"\r\n" in (CASES_DIR / "crlf.md").read_bytes()
    latin1 = (CASES_DIR / "latin1.md").read_bytes()
    assert b"\xc9t\xe9" in latin1
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert b"\t- " in (CASES_DIR / "tab_indentation.md").read_bytes()
