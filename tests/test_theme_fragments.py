"""The theme's navigation written once per place in it (site_plugins/theme_fragments.py):
reused only for pages that would get the same bytes, and a whole site unchanged by it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from generator import parallel
from site_plugins import theme_fragments
from site_plugins.theme_fragments import FragmentMemo, fragment_key
from tests.sites import build_site, compare_sites, copy_small_site

_PART = st.sampled_from(["a", "b", "veille", "guide", "x"])
_FOLDER = st.lists(_PART, max_size=4).map(lambda parts: "".join(f"{p}/" for p in parts))
_URL = st.one_of(_FOLDER, st.tuples(_FOLDER, st.sampled_from(["page.html", "x.html"])).map("".join))


def _entry(url: str | None, *, active: bool = False, children: list[Any] | None = None) -> Any:
    return SimpleNamespace(url=url, active=active, children=children)


def _nav(urls: list[str], home: str = "") -> Any:
    return SimpleNamespace(items=[_entry(url) for url in urls], homepage=_entry(home))


def _page(url: str) -> Any:
    return SimpleNamespace(url=url)


@given(targets=st.lists(_URL, min_size=1, max_size=6), home=_URL, first=_URL, second=_URL)
def test_pages_with_one_key_get_the_same_relative_links(
    targets: list[str], home: str, first: str, second: str
) -> None:
    nav = _nav(targets, home)
    key_one, key_two = fragment_key(nav, _page(first)), fragment_key(nav, _page(second))
    assert key_one is not None and key_two is not None
    if key_one == key_two:
        for target in [*targets, home]:
            assert get_relative_url(target, first) == get_relative_url(target, second)


def test_feed_items_at_one_depth_share_a_key_and_other_depths_do_not() -> None:
    nav = _nav(["", "veille/", "guide/", "guide/flux/"])
    one = fragment_key(nav, _page("veille/framablog/un-article/"))
    assert one == fragment_key(nav, _page("veille/autre-flux/un-autre/"))
    assert one != fragment_key(nav, _page("veille/framablog/"))
    # A page inside a linked folder sees that folder's links differently.
    assert fragment_key(nav, _page("guide/a/b/")) != fragment_key(nav, _page("themes/a/b/"))


def test_active_entries_and_pages_written_into_the_nav_are_told_apart() -> None:
    guide = _entry("guide/")
    nav = SimpleNamespace(items=[_entry(""), guide], homepage=_entry(""))
    plain = fragment_key(nav, _page("themes/x/"))
    guide.active = True
    assert fragment_key(nav, _page("themes/x/")) != plain
    # The page is an entry: its table of contents is written into the navigation.
    assert fragment_key(nav, guide) is None
    # A view of Material's blog (it has pages) links to its first page, not itself.
    assert fragment_key(nav, SimpleNamespace(url="infolettre/page/2/", pages=[])) is None
    assert fragment_key(nav, None) is None


def test_the_memo_gives_back_what_it_kept_for_the_same_place_only() -> None:
    memo = FragmentMemo()
    nav = _nav(["", "veille/"])
    first, same, other = _page("veille/f/a/"), _page("veille/g/b/"), _page("veille/f/")
    assert memo.get("nav", nav, first) is None
    assert memo.put("nav", nav, first, "<nav>1</nav>") == "<nav>1</nav>"
    assert memo.get("nav", nav, same) == "<nav>1</nav>"
    assert memo.get("tabs", nav, same) is None
    assert memo.get("nav", nav, other) is None
    # The search box is the same on every page, wherever it is.
    assert memo.get("search", nav, first) is None
    memo.put("search", nav, first, "<form/>")
    assert memo.get("search", nav, other) == "<form/>"


@pytest.mark.slow
def test_a_site_is_byte_identical_with_and_without_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reused: list[int] = []
    original = FragmentMemo.get

    def counting(self: FragmentMemo, name: str, nav: Any, page: Any) -> Any:
        written = original(self, name, nav, page)
        reused.append(written is not None)
        return written

    monkeypatch.setattr(FragmentMemo, "get", counting)
    sites = {}
    for off in ("", theme_fragments.PIECE):
        monkeypatch.setenv(parallel.OFF_VARIABLE, off)
        root = copy_small_site(tmp_path / f"site-{off or 'on'}")
        sites[off] = build_site(root, strict=True)
        if not off:
            # The small site's feed items and posts share a few places in the navigation.
            assert sum(reused) >= len(reused) / 3, f"{sum(reused)} reused of {len(reused)}"
    pages, different = compare_sites(sites[""], sites[theme_fragments.PIECE], ".html")
    assert len(pages) > 20
    assert not different
