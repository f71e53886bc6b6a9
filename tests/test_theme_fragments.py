"""The theme's navigation written once per place in it (site_plugins/theme_fragments.py):
reused only for pages that would get the same bytes, and a whole site unchanged by it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from generator import parallel
from site_plugins import theme_fragments
from site_plugins.theme_fragments import FragmentMemo, fragment_key
from tests.sites import build_site, compare_sites, copy_site, copy_small_site, site_config

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
        theme_fragments.keep_compiled(env)
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
    theme_fragments.keep_reference_compiled(config)
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
    theme_fragments.keep_reference_compiled(config)
    if setting.startswith("enabled"):
        assert not reference.plugin_enabled
    else:
        # What the site meets at its first code block, not before.
        with pytest.raises(ModuleNotFoundError, match="absent"):
            reference.get_handler("absent")
