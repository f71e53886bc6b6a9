"""``mkdocs serve``'s reloads: partial builds whose pages are those of a whole build.

MkDocs' own serve command runs here, with a stand-in for its live-reload server only (no
socket, no thread): the stand-in saves an editor's change once the first build is done,
reloads as the real server does (``builder()``), and keeps every HTML page of the site
folder and its search index after each build. The pages and the index after the reload
must be byte for byte those of a first build of the changed sources, and the reload must
not render the pages the change does not reach.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.files import files_under
from tests.sites import ROOT, collect_logs, copy_small_site

Pages = dict[str, tuple[bytes, int]]
"""Every HTML page of a built site and its search index: bytes and modification time (ns)."""

POST = ROOT / "content" / "infolettre" / "infolettre_13" / "index.md"
NAV_PAGE = "aide.md"
SEARCH_INDEX = "search/search_index.json"
DEMO_PAGE = "connaissances/cours-chatbots/index.html"


def _pages(site: Path) -> Pages:
    """The HTML pages of ``site``, and its search index (a partial build keeps the
    entries of the pages it does not render again)."""
    return {
        name: ((site / name).read_bytes(), (site / name).stat().st_mtime_ns)
        for name in [*files_under(site, ".html"), SEARCH_INDEX]
    }


def _project(root: Path) -> Path:
    """The small site with three posts (the blog's listings show them all) and a page of
    the navigation titled by its first heading."""
    project = copy_small_site(root)
    posts = project / "content" / "infolettre"
    text = POST.read_text(encoding="utf-8")
    for number, date in ((14, "2023-04-03"), (15, "2023-04-17")):
        folder = posts / f"infolettre_{number}"
        shutil.copytree(posts / "infolettre_13", folder)
        (folder / "index.md").write_text(
            text.replace("(#13)", f"(#{number})").replace("2023-03-20", date), encoding="utf-8"
        )
    (project / "docs" / NAV_PAGE).write_text("# Aide\n\nComment lire le site.\n", "utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        re.sub(r"(\nnav:\n(?:  - .*\n)+)", rf"\1  - {NAV_PAGE}\n", config.read_text("utf-8")),
        encoding="utf-8",
    )
    return project


def _serve(
    project: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[Path], None] | None
) -> tuple[Pages, Pages, list[str]]:
    """``mkdocs serve`` of ``project`` (strict): its pages after the first build, then
    after ``edit`` and a reload (none: the same), and what the reload logged."""
    import mkdocs.commands.serve as serve_command

    seen: list[Pages] = []
    logged: list[str] = []

    class Server:
        """MkDocs' LiveReloadServer, as the serve command uses it, without serving."""

        def __init__(self, *, builder: Callable[[], None], root: str, **kwargs: Any) -> None:
            self.builder, self.root = builder, Path(root)
            self.error_handler: Any = None

        def watch(self, path: str) -> None:
            pass

        def serve(self, open_in_browser: bool = False) -> None:
            seen.append(_pages(self.root))
            if edit is not None:
                edit(project)
                with collect_logs() as records:
                    self.builder()
                logged.extend(records)
            seen.append(_pages(self.root))
            raise KeyboardInterrupt

        def shutdown(self) -> None:
            pass

    monkeypatch.setattr(serve_command, "LiveReloadServer", Server)
    serve_command.serve(config_file=str(project / "mkdocs.yml"), strict=True)
    return seen[0], seen[1], logged


def _edit_post_body(project: Path) -> None:
    post = project / "content" / "infolettre" / "infolettre_14" / "index.md"
    post.write_text(post.read_text("utf-8") + "\nUn paragraphe ajouté au numéro 14.\n", "utf-8")


def _edit_post_title(project: Path) -> None:
    post = project / "content" / "infolettre" / "infolettre_14" / "index.md"
    post.write_text(post.read_text("utf-8").replace("(#14)", "(#14, corrigé)", 1), "utf-8")


def _edit_nav_title(project: Path) -> None:
    (project / "docs" / NAV_PAGE).write_text("# Aide à la lecture\n\nComment lire.\n", "utf-8")


# The pages a reload must not render again (others may be kept too: a generated page
# whose text is the same).
def _items(name: str) -> bool:
    return name.startswith("veille/framablog/20")


def _items_and_other_posts(name: str) -> bool:
    return _items(name) or name in {
        "infolettre/infolettre_13/index.html",
        "infolettre/infolettre_15/index.html",
    }


def _none(name: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("edit", "kept"),
    [
        # The edited post, the blog's listings, the generator's pages that list the post;
        # not the other posts, nor the feed items.
        pytest.param(_edit_post_body, _items_and_other_posts, id="corps d'un billet"),
        # Every post too: a post's page links to its neighbours by their titles.
        pytest.param(_edit_post_title, _items, id="titre d'un billet"),
        # Every page prints the navigation.
        pytest.param(_edit_nav_title, _none, id="titre d'une page de la navigation"),
    ],
)
def test_a_reload_renders_what_the_change_reaches_and_gives_a_whole_builds_pages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[Path], None],
    kept: Callable[[str], bool],
) -> None:
    project = _project(tmp_path / "site")
    first, reloaded, logged = _serve(project, monkeypatch, edit)
    # A whole build of the changed sources, by the same command.
    whole, _, _ = _serve(project, monkeypatch, None)

    assert sorted(reloaded) == sorted(whole)
    different = [name for name in whole if reloaded[name][0] != whole[name][0]]
    assert different == []
    changed = [name for name in whole if reloaded[name][0] != first[name][0]]
    assert changed, "the edit changed no page"
    untouched = {
        name for name in whole if name != SEARCH_INDEX and reloaded[name][1] == first[name][1]
    }
    assert set(filter(kept, whole)) <= untouched
    if kept is _none:
        assert untouched == set()
    # A page showing a demo is rendered again by every reload: the demo's code may have
    # changed, not the page's text.
    assert DEMO_PAGE in whole and DEMO_PAGE not in untouched
    # A post that a partial build did not read again had no excerpt for the blog's
    # listings: the category page listed none of them.
    listings = [name for name in whole if name.startswith("infolettre/category/")]
    assert listings
    for name in [*listings, "infolettre/index.html"]:
        assert reloaded[name][0].count(b"md-post--excerpt") == 3, name
    # MkDocs' warning about partial builds is not this one's: strict mode let it pass.
    assert not any(message.startswith("A 'dirty' build") for message in logged)
