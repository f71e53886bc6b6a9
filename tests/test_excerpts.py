"""The beginning of a post that its excerpts on the blog's listings are made from."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pages import excerpts
from generator.pages.excerpts import MORE, SEPARATOR, excerpt_markdown
from site_plugins.generator_plugin import GeneratorPlugin

from .conftest import build_site, copy_small_site

POST = f"""# Infolettre n°1

Le début, avec [un lien][cours], une abréviation IA et une note[^1].

{SEPARATOR}

## Suite

Un long texte qui ne sert pas à l'extrait.

[cours]: https://example.org/cours "Le cours"
*[IA]: Intelligence artificielle

[^1]: Une note
    sur deux lignes.

    Et un second paragraphe.

Après la note.
"""


def test_the_beginning_keeps_the_definitions_it_may_need() -> None:
    short = excerpt_markdown(POST)
    assert short is not None
    head, _, rest = short.partition(SEPARATOR)
    assert head == POST.partition(SEPARATOR)[0]
    assert rest == (
        f"\n\n{MORE}\n\n"
        '[cours]: https://example.org/cours "Le cours"\n\n'
        "*[IA]: Intelligence artificielle\n\n"
        "[^1]: Une note\n    sur deux lignes.\n\n    Et un second paragraphe.\n"
    )
    assert "Un long texte" not in short and "Après la note" not in short


def test_a_post_without_separator_is_left_whole() -> None:
    assert excerpt_markdown("# Titre\n\nTout le texte.\n") is None


def test_excerpts_on_the_listings_are_those_of_the_whole_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build where posts' excerpts start from their beginning, and one where the plugin
    # leaves posts whole, list the same: only the time to make the listings changes.
    shortened: list[int] = []

    def spy(markdown: str, separator: str = excerpts.SEPARATOR) -> str | None:
        short = excerpt_markdown(markdown, separator)
        shortened.append(len(markdown) - len(short or markdown))
        return short

    monkeypatch.setattr(excerpts, "excerpt_markdown", spy)
    short_site = build_site(copy_small_site(tmp_path / "short"))
    assert shortened and all(n > 0 for n in shortened)

    monkeypatch.setattr(GeneratorPlugin, "on_env", lambda self, env, /, **kwargs: None)
    whole_site = build_site(copy_small_site(tmp_path / "whole"))
    for listing in ("infolettre/index.html", "infolettre/archives/2023/03/index.html"):
        short = (short_site / listing).read_text(encoding="utf-8")
        assert "md-post__content" in short
        assert short == (whole_site / listing).read_text(encoding="utf-8"), listing
