"""Pages converted by a child from the last one back (site_plugins/page_prerender.py):
what MkDocs takes from the child is what it would have made itself, log and
cross-references included, and a site is byte-identical either way."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import parallel
from site_plugins import page_prerender
from site_plugins.page_prerender import Handed, Prerender, convert
from tests.sites import build_config, collect_logs, compare_sites, copy_small_site, site_config

_PAGE = """# Un titre

Texte avec un [lien cassé](absent.md) et une [ancre absente](autre.md#nulle-part).

## Une section {#sec}

<a id="ancre-html"></a>Fin.
"""


def _plain_site(root: Path) -> tuple[Any, Files]:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "page.md").write_text(_PAGE, encoding="utf-8")
    (docs / "autre.md").write_text("# Autre\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Essai\nmarkdown_extensions: [attr_list, toc]\n", encoding="utf-8"
    )
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    files = Files(
        [File(name, str(docs), str(root / "site"), True) for name in ("page.md", "autre.md")]
    )
    return config, files


def _state(page: Page) -> tuple[Any, ...]:
    links = {target.src_uri: anchors for target, anchors in (page.links_to_anchors or {}).items()}
    return (
        page.content,
        str(page.toc),
        page._title_from_render,
        page.present_anchor_ids,
        links,
    )


def test_a_conversion_taken_from_the_child_is_the_one_mkdocs_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the child every logger reaches the root one, where the conversion's records
    # are kept for the parent (page_prerender._quiet_logs).
    monkeypatch.setattr(logging.getLogger("mkdocs"), "propagate", True)
    config, files = _plain_site(tmp_path)
    file = files.get_file_from_path("page.md")
    assert file is not None
    conversion = convert(Page(None, file, config), config, files, None)
    assert conversion is not None
    assert any("absent.md" in record.getMessage() for record in conversion.records)

    own = Page(None, file, config)
    own.read_source(config)
    with collect_logs() as logged_by_mkdocs:
        own.render(config, files)

    taken = Page(None, file, config)
    taken.read_source(config)
    taken.render = Handed(taken, lambda page: conversion)  # type: ignore[method-assign]
    with collect_logs() as logged_here:
        taken.render(config, files)
    assert _state(taken) == _state(own)
    assert logged_here == logged_by_mkdocs and logged_here
    # For one call only: the page's render is MkDocs' own again.
    assert "render" not in vars(taken)


def test_a_page_whose_markdown_changed_since_is_converted_again(tmp_path: Path) -> None:
    config, files = _plain_site(tmp_path)
    file = files.get_file_from_path("page.md")
    assert file is not None
    conversion = convert(Page(None, file, config), config, files, None)
    page = Page(None, file, config)
    page.read_source(config)
    page.markdown = "# Autre chose\n"
    page.render = Handed(page, lambda page: conversion)  # type: ignore[method-assign]
    page.render(config, files)
    assert page._title_from_render == "Autre chose"
    assert page.content is not None and "Un titre" not in page.content


def test_a_code_reference_page_is_left_to_mkdocs(tmp_path: Path) -> None:
    config, files = _plain_site(tmp_path)
    (tmp_path / "docs" / "page.md").write_text("# Réf\n\n::: generator.parallel\n")
    file = files.get_file_from_path("page.md")
    assert file is not None
    assert convert(Page(None, file, config), config, files, None) is None


def _with_autorefs(root: Path) -> Path:
    """The small site, with mkdocs-autorefs and two pages: an anchor aliased to a heading
    (registered while the page is converted) and a cross-reference to it."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - tags\n", "  - tags\n  - autorefs\n", 1)
    config.write_text(text, encoding="utf-8")
    docs = root / "docs"
    (docs / "ancre.md").write_text("# Ancres\n\n[](){#cible-autorefs}\n## Une section\n\nTexte.\n")
    (docs / "renvoi.md").write_text("# Renvoi\n\nVoir [la section][cible-autorefs].\n")
    return root


@pytest.mark.slow
def test_a_site_is_byte_identical_whether_the_child_or_mkdocs_converts_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[str] = []
    original = Prerender.take

    def after_the_child(self: Prerender, page: Page) -> Any:
        # Let the child convert every page it can before MkDocs claims the first.
        if self._process is not None:
            self._process.join(timeout=120)
        conversion = original(self, page)
        if conversion is not None:
            taken.append(page.file.src_uri)
        return conversion

    monkeypatch.setattr(Prerender, "take", after_the_child)
    sites: dict[str, Path] = {}
    logs: dict[str, list[str]] = {}
    for off in ("", page_prerender.PIECE):
        monkeypatch.setenv(parallel.OFF_VARIABLE, off)
        root = _with_autorefs(copy_small_site(tmp_path / f"site-{off or 'on'}"))
        with collect_logs() as logged:
            sites[off] = build_config(site_config(root, strict=False))
        folder = str(root)
        logs[off] = [line.replace(folder, "<site>") for line in logged if "built in" not in line]
    assert logs[""] == logs[page_prerender.PIECE]
    # The cross-reference resolved to the anchor the child registered.
    assert "ancre.md" in taken and "renvoi.md" in taken
    renvoi = (sites[""] / "renvoi" / "index.html").read_text(encoding="utf-8")
    assert 'href="../ancre/#une-section"' in renvoi
    # The child converted the feed items and posts too.
    assert len(taken) > 20, taken
    _, different = compare_sites(sites[""], sites[page_prerender.PIECE])
    assert not different


def test_the_child_is_stopped_and_its_spool_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(parallel.OFF_VARIABLE, raising=False)
    if not parallel.can_fork(page_prerender.PIECE):
        pytest.skip("no fork on this system: MkDocs converts every page itself")
    config, files = _plain_site(tmp_path)
    prerender = Prerender.start(config, files, files.documentation_pages())
    assert prerender is not None
    process = prerender._process
    prerender.stop()
    assert not process.is_alive()
    # Stopping twice, as on a build error after the pages, is harmless.
    prerender.stop()
