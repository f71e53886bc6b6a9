"""Inline code of a built site's pages: read once, remembered by the pages' bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.publish import site_inline
from generator.publish.netlify_headers import PageInline, page_inline

PAGES = {
    "index.html": "<html><head><script>var a = 1;</script></head><body><p>x</p></body></html>",
    "a/index.html": '<body style="color: red"><a href="javascript:alert(1)">x</a></body>',
    "b/c/index.html": '<head><style>p { margin: 0 }</style></head><button onclick="f()">',
}


def _site(root: Path) -> Path:
    for path, html in PAGES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(html, encoding="utf-8")
    (root / "feed.xml").write_text("<rss/>", encoding="utf-8")  # not a page
    return root


def _refuse(html: str) -> PageInline:
    raise AssertionError(f"page parsed again: {html[:30]}")


def test_every_page_is_read_and_the_cache_spares_a_second_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    cache = tmp_path / "cache" / "inline.json"
    first = site_inline.scan_site(site, cache_file=cache)
    assert first == [(path, page_inline(PAGES[path])) for path in sorted(PAGES)]
    assert first[0][1].blocked and first[0][1].style_attributes == 1  # a/index.html
    assert cache.is_file()

    monkeypatch.setattr(site_inline, "page_inline", _refuse)
    assert site_inline.scan_site(site, cache_file=cache) == first


def test_a_changed_page_is_read_again_and_forgotten_pages_leave_the_cache(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    cache = tmp_path / "inline.json"
    site_inline.scan_site(site, cache_file=cache)
    (site / "index.html").write_text("<script>var b = 2;</script>", encoding="utf-8")
    (site / "b" / "c" / "index.html").unlink()
    pages = dict(site_inline.scan_site(site, cache_file=cache))
    assert pages["index.html"].scripts == ("var b = 2;",)
    assert "b/c/index.html" not in pages
    assert len(json.loads(cache.read_text(encoding="utf-8"))["pages"]) == 2


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        '{"code": "another version", "pages": {}}',
        "[]",
    ],
)
def test_a_damaged_or_outdated_cache_means_reading_every_page(tmp_path: Path, damage: str) -> None:
    site = _site(tmp_path / "site")
    cache = tmp_path / "inline.json"
    cache.write_text(damage, encoding="utf-8")
    assert site_inline.scan_site(site, cache_file=cache) == site_inline.scan_site(site)
    assert json.loads(cache.read_text(encoding="utf-8"))["code"] != "another version"


def test_a_damaged_cache_entry_is_read_again(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    cache = tmp_path / "inline.json"
    expected = site_inline.scan_site(site, cache_file=cache)
    data = json.loads(cache.read_text(encoding="utf-8"))
    data["pages"] = {digest: ["wrong"] for digest in data["pages"]}
    cache.write_text(json.dumps(data), encoding="utf-8")
    assert site_inline.scan_site(site, cache_file=cache) == expected
    # … and remembered right this time.
    assert json.loads(cache.read_text(encoding="utf-8"))["pages"] != data["pages"]


def test_pages_handed_during_the_build_are_read_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path / "site")
    monkeypatch.setattr(site_inline, "BATCH", 1)  # handed over one at a time
    scanner = site_inline.PageScanner(tmp_path / "inline.json")
    for path in PAGES:
        scanner.add(site / path)
    # The child read them (all but the last, handed over at the end): this process
    # parses nothing more.
    monkeypatch.setattr(site_inline, "page_inline", _refuse)
    assert scanner.finish(site) == [(path, page_inline(PAGES[path])) for path in sorted(PAGES)]


def test_a_page_changed_after_it_was_read_is_read_again(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    scanner = site_inline.PageScanner(tmp_path / "inline.json")
    for path in PAGES:
        scanner.add(site / path)
    scanner.add(site / "missing" / "index.html")  # never written: nothing to read
    # Another hook rewrote a page after it was written: the bytes at the end count.
    (site / "index.html").write_text("<script>var c = 3;</script>", encoding="utf-8")
    pages = dict(scanner.finish(site))
    assert pages["index.html"].scripts == ("var c = 3;",)
    assert pages["a/index.html"] == page_inline(PAGES["a/index.html"])
    assert "missing/index.html" not in pages
