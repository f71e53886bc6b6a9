"""The demos' entry point for the site (:mod:`generator.demo.site`) on plain values: the
pages' text in, figures and rendered Markdown out, as the ``demos`` plugin uses it.
The fixture demo ``tiny`` runs in a fraction of a second."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.demo.directive import RunRequest
from generator.demo.render import DISABLED_TITLE
from generator.demo.runner import obtain
from generator.demo.site import DemoPagesError, DemoSite, open_site, scan_pages
from generator.demo.store import freeze
from generator.errors import ContentError

from .demo_helpers import PACKAGE, copy_demos, make_project, runs

TINY = '{{< demo name="tiny" figures="square" >}}'
TINY_SIDE_3 = '{{< demo name="tiny" params="side=3" >}}'
NOTE = "Aucun GPU utilisable sur cette machine"


@pytest.fixture
def site(tmp_path: Path) -> DemoSite:
    return DemoSite(make_project(tmp_path / "project"))


def _page(*directives: str) -> str:
    return "# Page\n\n" + "\n\nTexte.\n\n".join(directives) + "\n"


def test_scan_groups_directives_by_run_in_page_order() -> None:
    pages = [
        ("a.md", _page(TINY, TINY_SIDE_3)),
        ("b.md", "# Sans directive\n"),
        ("c/d.md", _page(TINY)),
    ]
    runs_found = scan_pages(pages)
    assert [request.label for request in runs_found] == ["tiny", "tiny (side=3)"]
    first, second = runs_found.values()
    assert [(page, d.line) for page, d in first] == [("a.md", 3), ("c/d.md", 3)]
    assert [(page, d.line) for page, d in second] == [("a.md", 7)]


def test_scan_names_the_page_of_a_malformed_directive() -> None:
    with pytest.raises(ContentError, match=r"guide/x\.md"):
        scan_pages([("guide/x.md", '{{< demo name="tiny" bogus="1" >}}\n')])


def test_collect_runs_each_distinct_run_once_and_lists_each_figure_once(
    site: DemoSite, counter: Path
) -> None:
    told: list[str] = []
    pages = [("a.md", _page(TINY, TINY_SIDE_3)), ("c/d.md", _page(TINY)), ("e.md", "Texte.")]
    figures = site.collect(pages, existing=set(), report=told.append)
    assert len(runs(counter)) == 2  # two distinct runs, three directives
    # The pages that show a demo (a partial build renders them again).
    assert site.pages == {"a.md", "c/d.md"}
    # Each run is told as it goes: its start, what the demo prints, how long it took.
    assert [line for line in told if " : exécutée en " not in line] == [
        "démo tiny : exécution…",
        "démo tiny › tiny : calcul de l'aire",
        "démo tiny (side=3) : exécution…",
        "démo tiny (side=3) › tiny : calcul de l'aire",
    ]
    finished = [line for line in told if " : exécutée en " in line]
    assert [line.split(" : ")[0] for line in finished] == ["démo tiny", "démo tiny (side=3)"]
    uris = [figure.uri for figure in figures]
    assert len(uris) == len(set(uris)) == 2
    for figure in figures:
        assert figure.uri.startswith("demos/tiny/") and figure.uri.endswith("/square.svg")
        assert figure.source.is_file()
    # The same pages again: from the cache, nothing runs.
    again = DemoSite(site.project).collect(pages, existing=set(), report=told.append)
    assert again == figures and len(runs(counter)) == 2
    assert told[-1].startswith("démo tiny (side=3) : en cache")


def test_collect_refuses_a_figure_that_takes_a_file_of_the_site(
    site: DemoSite, counter: Path
) -> None:
    pages = [("a.md", _page(TINY))]
    (figure,) = site.collect(pages, existing=set(), report=lambda _: None)
    with pytest.raises(DemoPagesError) as caught:
        DemoSite(site.project).collect(pages, existing={figure.uri}, report=lambda _: None)
    assert str(caught.value) == f"« {figure.uri} » existe déjà dans le site : retirez-le"


def test_render_page_links_from_the_page_and_shows_notes_once(
    site: DemoSite, counter: Path
) -> None:
    text = _page(TINY, TINY)
    (figure,) = site.collect([("guide/sub/page.md", text)], existing=set(), report=print)
    rendered = site.render_page(text, "guide/sub/page.md")
    assert rendered is not None and "{{<" not in rendered
    assert rendered.count(f"](../../{figure.uri})") == 2
    assert rendered.count(NOTE) == 1
    # At the root, the link has no "../".
    root = site.render_page(_page(TINY), "index.md")
    assert root is not None and f"]({figure.uri})" in root


def test_render_page_leaves_a_page_without_directive_alone(site: DemoSite) -> None:
    assert site.render_page("# Titre\n\n{{ variable }} de démo\n", "a.md") is None


def test_render_page_refuses_a_directive_added_after_collect(site: DemoSite) -> None:
    with pytest.raises(DemoPagesError, match=r"^a\.md: directive demo « tiny » ajoutée après"):
        site.render_page(_page(TINY), "a.md")


def test_forget_drops_the_outcomes(site: DemoSite, counter: Path) -> None:
    site.collect([("a.md", _page(TINY))], existing=set(), report=print)
    site.forget()
    with pytest.raises(DemoPagesError, match="ajoutée après"):
        site.render_page(_page(TINY), "a.md")


def test_disabled_site_runs_nothing_and_shows_a_notice(counter: Path) -> None:
    site = DemoSite(None)
    told: list[str] = []
    pages = [("a.md", _page(TINY, TINY_SIDE_3))]
    assert site.collect(pages, existing=set(), report=told.append) == []
    assert told == ["démonstrations désactivées : 2 directive(s) non exécutée(s)"]
    rendered = site.render_page(pages[0][1], "a.md")
    assert rendered is not None and rendered.count(DISABLED_TITLE) == 2
    assert runs(counter) == []
    # No directive, nothing told.
    told.clear()
    assert site.collect([("b.md", "# B\n")], existing=set(), report=told.append) == []
    assert told == []


def test_open_site_resolves_paths_and_checks_extensions(tmp_path: Path) -> None:
    copy_demos(tmp_path / "pkgs")
    site = open_site(
        tmp_path,
        enabled=True,
        extensions=["admonition", "md_in_html", "tables", "toc"],
        package=PACKAGE,
        package_dir="pkgs",
        freeze_dir="frozen",
    )
    assert site.project is not None
    assert site.project.cache_dir == (tmp_path / ".cache" / "demos").resolve()
    assert site.project.freeze_dir == (tmp_path / "frozen").resolve()
    assert site.watch_dir == (tmp_path / "pkgs" / PACKAGE).resolve()
    with pytest.raises(DemoPagesError) as caught:
        open_site(tmp_path, enabled=True, extensions=["toc", "admonition"])
    assert str(caught.value) == (
        "plugin demos : extensions Markdown requises absentes de mkdocs.yml : md_in_html, tables"
    )
    off = open_site(tmp_path, enabled=False, extensions=[])
    assert off.project is None and off.watch_dir is None


def test_with_runs_off_a_frozen_result_is_shown_and_nothing_runs(
    tmp_path: Path, counter: Path
) -> None:
    project = make_project(tmp_path / "project")
    ran = obtain(project, RunRequest(name="tiny"), report=print)
    freeze(ran.stored, project.freeze_dir, now=ran.stored.manifest.ran_at)
    shutil.rmtree(project.cache_dir)
    site = DemoSite(project, runs=False)
    told: list[str] = []
    page = _page(TINY, TINY_SIDE_3)
    figures = site.collect([("a.md", page)], existing=set(), report=told.append)
    assert len(runs(counter)) == 1  # only the run made above to freeze it
    # The frozen run is shown; the other one (side=3) has no freeze and says so.
    frozen_folder = project.freeze_dir / "tiny" / ran.stored.manifest.source_digest[:16]
    assert [figure.source for figure in figures] == [frozen_folder / "square.svg"]
    assert told[0].startswith("démo tiny : résultat figé (")
    assert told[1:] == [
        "démo tiny (side=3) : non exécutée (démonstrations désactivées) et aucun résultat "
        "figé pour cette version",
        "démonstrations désactivées : 1 directive(s) sans résultat figé, non exécutée(s)",
    ]
    rendered = site.render_page(page, "a.md")
    assert rendered is not None
    assert rendered.count("Résultat figé : mesuré le ") == 1
    assert rendered.count(DISABLED_TITLE) == 1
    assert "pas figés pour cette version de son code" in rendered
    assert not project.cache_dir.exists()


def test_open_site_with_the_demos_off_looks_only_for_frozen_results(tmp_path: Path) -> None:
    copy_demos(tmp_path / "pkgs")
    extensions = ["admonition", "md_in_html", "tables"]
    off = open_site(
        tmp_path, enabled=False, extensions=extensions, package=PACKAGE, package_dir="pkgs"
    )
    assert off.project is not None and not off.runs
    # Frozen results turned off too: nothing to show but the notice.
    none = open_site(tmp_path, enabled=False, extensions=extensions, use_freeze=False)
    assert none.project is None
