"""Hugo shortcodes and Quarto callouts become Markdown; unknown ones keep their content."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.loader import load_content
from generator.content.shortcodes import (
    PAIRED_SHORTCODES,
    RENDERERS,
    convert,
    convert_quarto_callouts,
)
from generator.pages.build import generate

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "shortcodes"
CASES = sorted(
    path.name.removesuffix(".md")
    for path in FIXTURES.glob("*.md")
    if not path.name.endswith(".expected.md")
)
DELIMITER = re.compile(r"\{\{[<%]|[%>]\}\}")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")

# The extensions of mkdocs.yml, plus abbr and Material's emoji index (needed by "icon").
EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "toc",
    "abbr",
    "pymdownx.emoji",
]

# What the HTML of each fixture's expected output must contain.
STRUCTURE: dict[str, list[str]] = {
    "abbr": [
        '<abbr title="Système d&#x27;information &quot;géographique&quot; &lt;SIG&gt;">SIG</abbr>',
        "<strong>Insee</strong></abbr>",
    ],
    "callout_kinds": [
        '<div class="admonition note">',
        '<div class="admonition warning">',
        '<div class="admonition tip">',
        '<div class="admonition danger">',
        '<p class="admonition-title">Titre "cité"</p>',
        "<code>alert</code>",
    ],
    "callout_nested": [
        '<details class="note">\n<summary>Voir plus</summary>',
        "<li>un</li>",
        '<li>\n<p>Une étape</p>\n<div class="admonition warning">',
    ],
    "cite": ['<a href="/publication/preprint">/publication/preprint</a>'],
    "code_fences": [
        '<code>{{&lt; figure src="x.png" caption="Exemple" &gt;}}\n{{% callout note %}}',
        "::: {.callout-note}\nQuarto littéral\n:::",
        "{{&lt; youtube pas valide &gt;}} reste tel quel",
        '<div class="admonition note">',
        '<span class="err">```</span>',
        '<div class="admonition tip">',
        '<abbr title="après">suivant</abbr>',
    ],
    "figure": [
        '<figure><img alt="Courbe du PIB" src="graphique.png" /><figcaption>',
        '(source : <a href="https://www.insee.fr">Insee</a>)</figcaption></figure>',
        "Figure 1&nbsp;: Carte &lt;régionale&gt; &amp; légende</figcaption>",
        '<figure id="fig-photo"><a href="https://example.org/photo.jpg"><img',
        'width="400"',
        "Figure 2&nbsp;: Seconde figure",
        '<figure><img alt="" src="sans-legende.png" /></figure>',
        '<img alt="Dans un encadré" src="dans-callout.png" />',
    ],
    "gist": [
        '<a href="https://gist.github.com/spf13/7896402">Gist GitHub spf13/7896402</a>',
        'href="https://gist.github.com/spf13/7896402#file-img-html"',
    ],
    "icon": [
        '<li><span class="twemoji"><svg',
        'class="twemoji" src="https://cdn.jsdelivr.net/',
    ],
    "malformed": [
        "&#123;&#123;&#60; foo",
        "texte &#62;&#125;&#125; et texte %&#125;&#125;.",
        "<code>&#123;&#123;&#37; ref &#34;x&#34; &#37;&#125;&#125;</code>",
        '<abbr title="x">A</abbr>&#125;&#125; puis {a',
    ],
    "mixed_nesting": [
        '<p class="admonition-title">Quarto dehors</p>\n<p>Texte Quarto.</p>\n'
        '<div class="admonition warning">',
        '<img alt="Figure dans Quarto" src="graphe.png" />',
        '<p>Hugo dehors.</p>\n<div class="admonition danger">',
        '<p class="admonition-title">Titre avec <abbr title="Intelligence artificielle">IA</abbr>',
    ],
    "quarto_callouts": [
        '<div class="admonition note">\n<p class="admonition-title">Note</p>\n'
        "<p>Une note sans titre.</p>",
        '<p class="admonition-title">Attention aux « données »</p>',
        '<p class="admonition-title">Astuce du jour</p>',
        '<details class="warning">\n<summary>Repliée</summary>',
        '<details class="danger" open="open">\n<summary>Ouverte</summary>',
        '<p>Avant.</p>\n<div class="admonition tip">',
        "<p>Une note en marge.</p>",
    ],
    "quarto_unmatched": ["<p>:::</p>", "<p>::: mkdocstrings.ou.autre</p>"],
    "ref": [
        '<a href="post/infolettre-12">',
        '<a href="post/infolettre-11.md#outils">',
        '<a href="/connaissances/python">',
    ],
    "spoiler": [
        '<details class="note">\n<summary>Cliquez pour voir la réponse</summary>',
        "<summary>Détails</summary>",
    ],
    "staticref": [
        '<a href="uploads/rapport.pdf">le rapport</a>',
        '<a href="files/cv%20final.pdf" rel="noopener" target="_blank">le CV</a>',
        '<a href="uploads/data.csv">uploads/data.csv</a>',
        "<p>lien refusé</p>",
    ],
    "tweet": [
        '<a href="https://x.com/SanDiegoZoo/status/1453110110599868418">Publication sur X</a>',
        'href="https://x.com/i/status/877500564405444608"',
        'href="https://x.com/Insee_FR/status/1729012345678901234"',
    ],
    "unknown": ["<p>gardé</p>"],
    "video": [
        '<video controls src="demo.mp4"></video>',
        '<video autoplay loop muted src="https://example.org/boucle.webm"></video>',
        '<video controls src="a&quot;b.mp4"></video>',
    ],
    "youtube": [
        '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Vidéo YouTube</a>',
        'href="https://www.youtube.com/watch?v=w7Ft2ymGmfc&amp;t=30s">'
        "Vidéo YouTube : Présentation [courte]</a>",
    ],
}


def _render(text: str) -> str:
    from material.extensions import emoji

    configs = {
        "pymdownx.emoji": {
            "emoji_index": emoji.twemoji,
            "emoji_generator": emoji.to_svg,
        }
    }
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=configs).convert(text)


def _outside_fences(text: str) -> str:
    """``text`` without its closed fenced code blocks."""
    kept: list[str] = []
    fence: str | None = None
    block: list[str] = []
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence, block = match[1], [line]
            else:
                kept.append(line)
        elif match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
            if line.strip() == match[1]:
                fence, block = None, []
            else:
                block.append(line)
        else:
            block.append(line)
    return "\n".join(kept + block)


def _fixture(case: str, suffix: str) -> str:
    return (FIXTURES / f"{case}{suffix}").read_text(encoding="utf-8")


# ------------------------------------------------------------------------ fixture files


def test_every_fixture_has_expectations() -> None:
    assert len(CASES) >= 15
    assert set(STRUCTURE) == set(CASES)
    for case in CASES:
        assert (FIXTURES / f"{case}.expected.md").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_fixture_converts_as_expected(case: str) -> None:
    text, warnings = convert(_fixture(case, ".md"))
    assert text == _fixture(case, ".expected.md")
    warnings_file = FIXTURES / f"{case}.warnings.json"
    expected = (
        json.loads(warnings_file.read_text(encoding="utf-8")) if warnings_file.exists() else []
    )
    assert [[warning.name, warning.line] for warning in warnings] == expected


@pytest.mark.parametrize("case", CASES)
def test_fixture_output_renders_with_the_site_extensions(case: str) -> None:
    html = _render(_fixture(case, ".expected.md"))
    for fact in STRUCTURE[case]:
        assert fact in html, fact
    # No admonition marker was left as a paragraph.
    assert not re.search(r"<p>\s*(!!!|\?\?\?)", html)


@pytest.mark.parametrize("case", CASES)
def test_no_delimiter_survives_outside_code_fences(case: str) -> None:
    text, _ = convert(_fixture(case, ".md"))
    assert not DELIMITER.search(_outside_fences(text))


# ------------------------------------------------------------------------ behaviours


def test_callout_becomes_an_admonition() -> None:
    text, warnings = convert("{{% callout %}}\n\n__*Inscription*__ [ici](x)\n\n{{% /callout %}}\n")
    assert "!!! note\n\n    __*Inscription*__ [ici](x)" in text
    assert "{{" not in text and warnings == []


def test_callout_kinds_and_angle_delimiters() -> None:
    text, _ = convert('{{< callout warning title="Attention" >}}Texte{{< /callout >}}')
    assert '!!! warning "Attention"' in text and "    Texte" in text


def test_nested_and_multiline_shortcodes() -> None:
    source = (
        '{{% callout note %}}\nAvant\n{{% spoiler\n   text="Voir plus" %}}\nCaché\n'
        "{{% /spoiler %}}\n{{% /callout %}}"
    )
    text, warnings = convert(source)
    assert warnings == []
    assert '    ??? note "Voir plus"' in text and "        Caché" in text


def test_unknown_shortcode_keeps_content_and_reports_its_line() -> None:
    text, warnings = convert("ligne 1\n\n{{< mystere a=1 >}}gardé{{< /mystere >}}\n{{< seul >}}")
    assert "gardé" in text
    assert "{{" not in text and "}}" not in text
    assert [(w.name, w.line) for w in warnings] == [("mystere", 3), ("seul", 4)]


def test_stray_closing_tag_is_reported_and_removed() -> None:
    text, warnings = convert("a {{% /callout %}} b")
    assert text == "a  b"
    assert warnings[0].line == 1 and "jamais ouvert" in warnings[0].message


def test_unterminated_opener_is_escaped_and_reported() -> None:
    text, warnings = convert("avant {{< foo\n\naprès")
    assert text == "avant &#123;&#123;&#60; foo\n\naprès"
    assert [(w.name, w.line) for w in warnings] == [("foo", 1)]
    assert "sans fermeture" in warnings[0].message


def test_self_closing_syntax() -> None:
    text, warnings = convert('{{< youtube id="dQw4w9WgXcQ" />}} fin')
    assert text == "[Vidéo YouTube](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n\nfin"
    assert warnings == []


def test_quarto_pass_alone_leaves_hugo_shortcodes() -> None:
    source = '::: {.callout-warning title="Titre"}\n{{< icon name="x" >}} texte\n:::\n'
    text, warnings = convert_quarto_callouts(source)
    assert text == '!!! warning "Titre"\n    {{< icon name="x" >}} texte\n'
    assert warnings == []


def test_quarto_pass_alone_leaves_code_fences() -> None:
    source = "```\n::: {.callout-note}\nx\n:::\n```\n"
    assert convert_quarto_callouts(source) == (source, [])


def test_warning_lines_point_to_the_source_after_quarto_changes_lines() -> None:
    # The heading line disappears and a blank line appears before the admonition.
    source = "Texte\n::: {.callout-tip}\n## Titre\nA\n:::\nB\n{{< inconnu >}}\n"
    text, warnings = convert(source)
    assert text.startswith('Texte\n\n!!! tip "Titre"\n    A\n\nB\n')
    assert [(w.name, w.line) for w in warnings] == [("inconnu", 7)]


def test_figure_numbers_restart_with_each_conversion() -> None:
    source = '{{< figure src="a.png" numbered="true" >}}'
    first, _ = convert(source)
    second, _ = convert(source)
    assert first == second
    assert "<figcaption>Figure 1</figcaption>" in first


def test_documented_shortcodes_have_renderers() -> None:
    assert {
        "callout",
        "alert",
        "spoiler",
        "figure",
        "staticref",
        "video",
        "youtube",
        "abbr",
        "icon",
        "ref",
        "relref",
        "cite",
        "gist",
        "tweet",
    } <= set(RENDERERS)


def test_deep_nesting_does_not_crash() -> None:
    source = "{{% callout %}}\n" * 300 + "x\n" + "{{% /callout %}}\n" * 300
    text, warnings = convert(source)
    assert warnings and not DELIMITER.search(text)
    quarto = "::: {.callout-note}\n" * 300 + "x\n" + ":::\n" * 300
    assert convert(quarto)[1]


def test_random_inputs_never_leave_a_delimiter() -> None:
    pieces = [
        "{{<",
        "{{%",
        ">}}",
        "%}}",
        "{",
        "}",
        "<",
        ">",
        "%",
        "/",
        "/*",
        "*/",
        " ",
        "\n",
        "\n\n",
        "    ",
        '"',
        "=",
        "`",
        "callout",
        "figure",
        "ref",
        "abbr",
        "icon",
        "x",
        "src=",
        ":::",
        "::: {.callout-note}",
        "## ",
    ]
    generator = random.Random(20240611)
    for _ in range(3000):
        source = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 40)))
        text, _ = convert(source)
        assert not DELIMITER.search(text), source


# ------------------------------------------------------------------ unclosed shortcodes


def test_unclosed_callout_is_reported_with_its_line_and_keeps_what_follows() -> None:
    source = "Avant.\n\n{{% callout note %}}\nImportant : la suite.\n\nEncore du texte.\n"
    text, warnings = convert(source)
    assert [(w.name, w.line) for w in warnings] == [("callout", 3)]
    assert "jamais fermé" in warnings[0].message and "{{% /callout %}}" in warnings[0].message
    html = _render(text)
    # The text after the opening tag is on the page, outside the (empty) box.
    assert "<p>Important : la suite.</p>" in html and "<p>Encore du texte.</p>" in html
    box = html[html.index('<div class="admonition note">') :]
    assert box.index("</div>") < box.index("Important")


def test_unclosed_paired_shortcodes_inside_a_closed_one_are_reported() -> None:
    source = (
        '{{< spoiler text="Voir" >}}\n{{< callout >}}\nA\n{{< abbr title="x" >}}\n'
        "{{< /spoiler >}}\nB"
    )
    text, warnings = convert(source)
    assert [(w.name, w.line) for w in warnings] == [("callout", 2), ("abbr", 4)]
    assert "{{< /callout >}}" in warnings[0].message
    assert "A" in text and text.rstrip().endswith("B")


def test_closed_self_closing_and_blockless_shortcodes_are_not_reported() -> None:
    source = (
        "{{% callout %}}x{{% /callout %}}\n\n{{< callout note />}}\n\n"
        '{{< figure src="a.png" >}}\n\n{{< icon name="x" >}} fin'
    )
    assert convert(source)[1] == []


@settings(max_examples=150, deadline=None)
@given(
    before=st.text(alphabet="abc \n.", max_size=40),
    after=st.text(alphabet="abcdéf \n.*_-", max_size=200),
    name=st.sampled_from(sorted(PAIRED_SHORTCODES)),
    delimiter=st.sampled_from(["%", "<"]),
)
def test_an_unclosed_paired_shortcode_never_swallows_text(
    before: str, after: str, name: str, delimiter: str
) -> None:
    end = "%" if delimiter == "%" else ">"
    arguments = ' "doc.pdf"' if name == "staticref" else ""
    opening = f"{{{{{delimiter} {name}{arguments} {end}}}}}"
    text, warnings = convert(f"{before}\n{opening}\n{after}")
    assert [(w.name, w.line) for w in warnings] == [(name, before.count("\n") + 2)]
    words = re.findall(r"[a-zé]+", after)
    found = re.findall(r"[a-zé]+", text)
    # Every word written after the tag is still there, in order.
    position = 0
    for word in words:
        position = found.index(word, position) + 1


def test_an_unclosed_callout_in_a_post_is_reported_with_its_file_and_line() -> None:
    content = load_content(ROOT / "content")
    post = content.posts[0]
    body = "Premier paragraphe.\n\n{{% callout warning %}}\nÀ lire.\n"
    generated = generate(
        replace(content, posts=(replace(post, body=body, body_line=7),)),
        now=datetime(2100, 1, 1, tzinfo=UTC),
    )
    assert [w for w in generated.warnings if "jamais fermé" in w] == [
        f"{post.path}:9: « {{{{% callout %}}}} » jamais fermé (« {{{{% /callout %}}}} » "
        "attendu) : rendu sans contenu, le texte qui suit est gardé après lui"
    ]
    page = next(p for p in generated.pages if p.path.endswith(f"{post.slug}/index.md"))
    assert page.text is not None and "À lire." in page.text
