"""The pages' side of a build, driven step by step as a renderer's adapter does
(generator.pages.site), without MkDocs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.errors import GeneratorError
from generator.pages import site

NOW = datetime(2026, 7, 1, tzinfo=UTC)


def _build(site_copy: Path, tmp_path: Path, **options: object) -> site.SiteBuild:
    return site.SiteBuild(site_copy / "content", tmp_path / "cache", **options)  # type: ignore[arg-type]


def test_a_generated_page_may_not_replace_one_of_the_site(site_copy: Path, tmp_path: Path) -> None:
    build = _build(site_copy, tmp_path)
    with pytest.raises(GeneratorError, match=r"« themes/index\.md » existe dans docs"):
        build.generate(site.SiteSettings(), now=NOW, exists=["guide.md", "themes/index.md"])
    build.cancel()


def test_the_steps_of_a_build_on_plain_values(site_copy: Path, tmp_path: Path) -> None:
    build = _build(site_copy, tmp_path)
    settings = site.SiteSettings(site_url="https://example.org/", site_name="Essai")
    pages = build.generate(settings, now=NOW)
    by_path = {page.path: page for page in pages}
    tag = by_path["themes/events/index.md"]
    assert tag.text is not None and tag.file is None  # from memory
    post = next(p for p in pages if p.path.startswith("infolettre/posts/"))
    assert post.file is not None and post.file.is_file()  # Material's blog reads it there
    # The generator's HTML is set aside from the Markdown converter, then put back.
    aside = build.before_markdown(tag.path, tag.text)
    assert aside is not None and "<table" not in aside
    back = build.after_markdown(tag.path, f"<p>{aside}</p>", url="https://example.org/t/")
    assert "<table" in back
    # Editors' posts go through the converter whole.
    assert build.before_markdown(post.path, "# Titre") is None
    assert 'type="application/rss+xml"' in build.head("index.md")
    said = build.finish()
    assert any(m.endswith("pages écrites dans le cache") for _, m in said)


def test_without_site_url_no_feeds_and_a_warning(site_copy: Path, tmp_path: Path) -> None:
    build = _build(site_copy, tmp_path)
    build.generate(site.SiteSettings(site_url=""), now=NOW)
    build.write_feeds(tmp_path / "site")
    assert build.head("index.md") == ""
    said = build.finish()
    assert (
        "warning",
        "« site_url » absent de mkdocs.yml : les flux RSS et JSON ne sont pas écrits",
    ) in said
    assert not (tmp_path / "site").exists()


def test_post_excerpts_only_for_posts_with_one() -> None:
    pages = [
        ("infolettre/posts/a/index.md", "# A\n\nDébut.\n\n<!-- more -->\n\nSuite."),
        ("infolettre/posts/b/index.md", "# B\n\nSans coupure."),
        ("connaissances/c.md", "# C\n\n<!-- more -->\n\nSuite."),
    ]
    found = dict(site.SiteBuild.post_excerpts(pages))
    assert list(found) == ["infolettre/posts/a/index.md"]
    assert "Début." in found["infolettre/posts/a/index.md"]
    assert "Suite." not in found["infolettre/posts/a/index.md"]


def test_a_new_generation_makes_again_only_the_items_that_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One `mkdocs serve` rebuild after another: an item's page is made once per process
    for the same inputs, and the pages are those a fresh process makes."""
    from dataclasses import replace

    from generator.content.loader import load_content
    from generator.pages import build as pages_build

    from .conftest import ROOT

    content = load_content(ROOT / "content")
    pages_build.generate(content, now=NOW)
    made: list[object] = []
    real = pages_build._render

    def counting(name: str, **values: object) -> str:
        made.append((name, values.get("item")))
        return real(name, **values)

    monkeypatch.setattr(pages_build, "_render", counting)
    item = content.items[0]
    changed = replace(item, title=item.title + " (revu)")
    edited = replace(content, items=(changed, *content.items[1:]))
    again = pages_build.generate(edited, now=NOW)
    assert [i for name, i in made if name == "item.md.j2"] == [changed]
    pages_build._item_texts.cache_clear()
    pages_build._conversions.clear()
    fresh = pages_build.generate(edited, now=NOW)
    assert [(p.path, p.text) for p in again.pages] == [(p.path, p.text) for p in fresh.pages]
    assert again.warnings == fresh.warnings
