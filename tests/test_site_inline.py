"""Inline code of a built site's pages: read once, remembered by the pages' bytes."""

from __future__ import annotations

import json
import os
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


def _settle(site: Path) -> None:
    """Date every file of ``site`` long ago, as pages a build left untouched."""
    for path in site.rglob("*.html"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def _reads_under(site: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files under ``site`` whose bytes this process reads from now on."""
    read: list[Path] = []
    real_read = Path.read_bytes

    def counted(path: Path) -> bytes:
        if site in path.parents:
            read.append(path)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read


@pytest.mark.parametrize("during_the_build", [False, True], ids=["scan_site", "PageScanner"])
def test_a_page_whose_file_is_the_one_read_last_time_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, during_the_build: bool
) -> None:
    site = _site(tmp_path / "site")
    _settle(site)
    cache = tmp_path / "inline.json"
    first = site_inline.scan_site(site, cache_file=cache)
    assert set(json.loads(cache.read_text(encoding="utf-8"))["files"]) == set(PAGES)
    # A --dirty build rewrote one page: only that one is read.
    (site / "a" / "index.html").write_text("<p>nouveau</p>", encoding="utf-8")
    read = _reads_under(site, monkeypatch)
    if during_the_build:  # the build handed the rewritten page over
        scanner = site_inline.PageScanner(cache)
        scanner.add(site / "a" / "index.html")
        pages = scanner.finish(site)
    else:
        pages = site_inline.scan_site(site, cache_file=cache)
    assert read == [site / "a" / "index.html"]
    assert pages == [
        (path, page_inline("<p>nouveau</p>") if path == "a/index.html" else inline)
        for path, inline in first
    ]


def test_a_page_written_just_before_the_reading_is_read_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written within the file system's clock tick, a file could change again and keep
    # its time: its size, time and inode are not remembered.
    site = _site(tmp_path / "site")
    cache = tmp_path / "inline.json"
    site_inline.scan_site(site, cache_file=cache)
    assert json.loads(cache.read_text(encoding="utf-8"))["files"] == {}
    page = site / "index.html"
    stat = page.stat()
    page.write_text(PAGES["index.html"].replace("1", "2"), encoding="utf-8")  # same size
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    pages = dict(site_inline.scan_site(site, cache_file=cache))
    assert pages["index.html"].scripts == ("var a = 2;",)
