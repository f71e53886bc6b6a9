"""Material's blog hooks run for the blog's pages only, and the site's pages are the same.

The site's own build (the tests of the built site) goes through the scoped hooks; here,
what is wrapped and what a wrapped hook does with a page inside and outside the blog.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from mkdocs.config import load_config

from site_plugins.blog_scope import SCOPED_EVENTS, scope_blog_hooks

from .conftest import ROOT


def _page(src_uri: str) -> Any:
    return SimpleNamespace(file=SimpleNamespace(src_uri=src_uri))


def _blog_hooks(config: Any) -> list[Any]:
    return [
        method
        for event in SCOPED_EVENTS
        for method in config.plugins.events[event]
        if "material.plugins.blog" in getattr(method, "__module__", "")
    ]


def test_the_sites_three_blog_hooks_are_scoped_once() -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    before = [config.plugins.events[e][:] for e in SCOPED_EVENTS]
    # The build scopes them itself (the infolettre plugin's on_config).
    assert scope_blog_hooks(config.plugins) == 3
    hooks = _blog_hooks(config)
    assert len(hooks) == 3 and all(hasattr(h, "__wrapped__") for h in hooks)
    # In place: every hook keeps its rank among the event's hooks.
    after = [config.plugins.events[e] for e in SCOPED_EVENTS]
    assert [len(b) for b in before] == [len(a) for a in after]
    assert scope_blog_hooks(config.plugins) == 0


def test_a_scoped_hook_runs_for_the_blogs_pages_and_answers_nothing_for_others() -> None:
    seen: list[str] = []

    # A stand-in for Material's blog (MkDocs keeps the real plugin's instance from one
    # build to the next in a process: it is not touched here).
    def on_page_content(self: Any, html: str, /, *, page: Any, config: Any, files: Any) -> str:
        seen.append(page.file.src_uri)
        return html + "!"

    blog_class = type(
        "BlogPlugin",
        (),
        {"__module__": "material.plugins.blog.plugin", "on_page_content": on_page_content},
    )
    blog = blog_class()
    blog.config = SimpleNamespace(blog_dir="infolettre")
    plugins: Any = SimpleNamespace(events={event: [] for event in SCOPED_EVENTS})
    plugins.events["page_content"].append(blog.on_page_content)
    assert scope_blog_hooks(plugins) == 1
    (hook,) = plugins.events["page_content"]
    kwargs = {"config": None, "files": None}
    assert hook("<p>", page=_page("veille/a/b/index.md"), **kwargs) is None
    assert hook("<p>", page=_page("infolettre-bis/index.md"), **kwargs) is None
    assert hook("<p>", page=_page("infolettre/posts/x/index.md"), **kwargs) == "<p>!"
    assert seen == ["infolettre/posts/x/index.md"]
