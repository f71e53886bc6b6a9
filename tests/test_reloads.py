"""When a partial build must render more than the pages whose source changed
(generator/pages/reloads.py); the builds themselves are in test_partial_reloads.py."""

from __future__ import annotations

import os
from pathlib import Path

from generator.pages import reloads


def _state(**changes: object) -> reloads.BuildState:
    values: dict[str, object] = {
        "settings": "s",
        "pages": frozenset({"index.md", "aide.md", "infolettre/posts/a.md"}),
        "titles": {"index.md": "Accueil", "aide.md": "Aide"},
        "posts": {"infolettre/posts/a.md": reloads.post_key("A", "", "")},
    }
    values.update(changes)
    return reloads.BuildState(**values)  # type: ignore[arg-type]


def test_the_settings_digest_follows_the_configuration_and_the_theme_overrides(
    tmp_path: Path,
) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Site\n", encoding="utf-8")
    overrides = tmp_path / "overrides"
    (overrides / "partials").mkdir(parents=True)
    partial = overrides / "partials" / "footer.html"
    partial.write_text("<footer></footer>", encoding="utf-8")

    def digest() -> str:
        return reloads.settings_digest(config, [overrides])

    first = digest()
    assert digest() == first
    config.write_text("site_name: Autre\n", encoding="utf-8")
    second = digest()
    assert second != first
    partial.write_text("<footer>!</footer>", encoding="utf-8")
    third = digest()
    assert third != second
    os.utime(partial, ns=(1, 1))
    assert digest() != third
    (overrides / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    assert digest() != third
    assert reloads.settings_digest(None, []) != reloads.settings_digest(config, [])


def test_a_partial_build_renders_everything_when_settings_or_pages_change() -> None:
    before = _state()
    assert reloads.render_all(before, "s", before.pages) == ""
    assert "configuration" in reloads.render_all(before, "autre", before.pages)
    assert "ajoutées (1)" in reloads.render_all(before, "s", before.pages | {"nouvelle.md"})
    assert "retirées (1)" in reloads.render_all(before, "s", before.pages - {"aide.md"})
    # No build before in this process: MkDocs' dates alone decide.
    assert reloads.render_all(None, "s", {"x.md"}) == ""


def test_a_page_of_the_navigation_that_changes_its_title_is_found() -> None:
    before = _state()
    assert reloads.renamed(before, {"aide.md": "Aide"}) == []
    assert reloads.renamed(before, {"aide.md": "Aide à la lecture"}) == ["aide.md"]
    # A page that joins the navigation changes every page's menu too.
    assert reloads.renamed(before, {"nouvelle.md": "Nouvelle"}) == ["nouvelle.md"]
    assert reloads.renamed(None, {"aide.md": "Autre"}) == []


def test_a_post_moves_when_its_title_or_its_neighbours_change() -> None:
    before = _state()
    same = {"infolettre/posts/a.md": reloads.post_key("A", "", "")}
    assert not reloads.posts_moved(before, same)
    assert reloads.posts_moved(before, {"infolettre/posts/a.md": reloads.post_key("B", "", "")})
    assert reloads.posts_moved(
        before, {"infolettre/posts/a.md": reloads.post_key("A", "infolettre/posts/b.md", "")}
    )
    assert not reloads.posts_moved(None, same)


def test_a_build_remembers_the_titles_it_did_not_read_again() -> None:
    before = _state()
    after = reloads.remembered(
        before,
        settings="t",
        pages=frozenset({"index.md", "infolettre/posts/a.md"}),
        titles={"index.md": "Accueil du site"},
        posts={},
    )
    # aide.md left the site; index.md was read again with a new title.
    assert after.titles == {"index.md": "Accueil du site"}
    assert after.settings == "t"
    kept = reloads.remembered(
        before, settings="s", pages=before.pages, titles={"index.md": "Accueil"}, posts={}
    )
    assert kept.titles == {"index.md": "Accueil", "aide.md": "Aide"}


def test_a_listing_page_is_rendered_again_when_what_it_shows_changed() -> None:
    home = [("blog/index.md", ("p/c.md", "p/b.md")), ("blog/page/2.md", ("p/a.md",))]
    month = [("blog/archive/2023/03.md", ("p/a.md",))]
    before = dict(home + month)
    rendered = set(before)

    def again(changed: set[str], listings: list[list[tuple[str, tuple[str, ...]]]]) -> set[str]:
        return reloads.listings_again(before, listings, changed, rendered)

    assert again(set(), [home, month]) == set()
    # The page showing the post and its listing's first page (the title comes from it).
    assert again({"p/a.md"}, [home, month]) == {
        "blog/index.md",
        "blog/page/2.md",
        "blog/archive/2023/03.md",
    }
    assert again({"p/c.md"}, [home, month]) == {"blog/index.md"}
    # A post moved to another page: both pages show other posts than before.
    moved = [("blog/index.md", ("p/c.md", "p/a.md")), ("blog/page/2.md", ("p/b.md",))]
    assert again(set(), [moved, month]) == {"blog/index.md", "blog/page/2.md"}
    # A page whose HTML is not there, or whose own source changed.
    assert again({"blog/archive/2023/03.md"}, [home, month]) == {"blog/archive/2023/03.md"}
    assert reloads.listings_again(before, [home], set(), {"blog/index.md"}) == {
        "blog/index.md",
        "blog/page/2.md",
    }
