"""Quarto's shortcodes and divs in infolettre bodies: include, var, fa, columns; Hugo's
staticref from the site's root (generator/content/quarto.py, shortcodes.py)."""

from __future__ import annotations

from pathlib import Path

import markdown

from generator.content.quarto import MAX_INCLUDE_DEPTH, expand_includes, lookup
from generator.content.shortcodes import convert

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.superfences"]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_include_is_read_relative_to_the_file_and_nests(tmp_path: Path) -> None:
    write(tmp_path, "billet/parties/a.md", "Partie A\n{{< include b.md >}}")
    write(tmp_path, "billet/parties/b.md", "Partie **B**\n")
    source = write(tmp_path, "billet/index.qmd", "Début\n\n{{< include parties/a.md >}}\n\nFin")
    text, origin, warnings = expand_includes(source.read_text(), source)
    assert text == "Début\n\nPartie A\nPartie **B**\n\nFin"
    assert origin == [0, 1, 2, 2, 3, 4]
    assert warnings == []


def test_missing_include_names_the_file_and_line(tmp_path: Path) -> None:
    source = write(tmp_path, "index.qmd", "a\n{{< include 'absent.md' >}}\nb")
    body, warnings = convert(source.read_text(), source=source)
    assert body == "a\nb"
    [warning] = warnings
    assert warning.line == 2
    assert "« absent.md » introuvable" in warning.message
    assert str(tmp_path / "absent.md") in warning.message


def test_include_loop_stops_at_the_depth_limit(tmp_path: Path) -> None:
    source = write(tmp_path, "boucle.md", "x\n{{< include boucle.md >}}")
    text, _, warnings = expand_includes(source.read_text(), source)
    assert text.count("x") == MAX_INCLUDE_DEPTH + 1
    [warning] = warnings
    assert warning.line == 2
    assert f"plus de {MAX_INCLUDE_DEPTH} niveaux" in warning.message


def test_include_in_a_code_block_stays_literal(tmp_path: Path) -> None:
    source = write(tmp_path, "index.qmd", "```\n{{< include absent.md >}}\n```\n")
    body, warnings = convert(source.read_text(), source=source)
    assert "{{< include absent.md >}}" in body
    assert warnings == []


def test_shortcode_warnings_in_included_text_point_at_the_include(tmp_path: Path) -> None:
    write(tmp_path, "encart.md", "a\n{{< inconnu >}}")
    source = write(tmp_path, "index.qmd", "x\n\n{{< include encart.md >}}\n{{< autre >}}")
    _, warnings = convert(source.read_text(), source=source)
    assert [(w.name, w.line) for w in warnings] == [("inconnu", 3), ("autre", 4)]


def test_var_reads_the_project_variables(tmp_path: Path) -> None:
    write(tmp_path, "_variables.yml", "nom: Réseau <test>\ncontact:\n  mel: a@b.invalid\nn: 3\n")
    source = write(tmp_path, "infolettre/x/index.qmd", "")
    text = "{{< var nom >}}, {{< var contact.mel >}}, {{< var n >}}, {{< var absente >}}"
    body, warnings = convert(text, source=source)
    assert body == "Réseau &lt;test&gt;, a@b.invalid, 3, "
    [warning] = warnings
    assert "« absente » absente de _variables.yml" in warning.message


def test_var_without_variables_file_is_warned(tmp_path: Path) -> None:
    write(tmp_path, "_quarto.yml", "project: {}\n")
    source = write(tmp_path, "index.qmd", "")
    body, warnings = convert("Valeur : {{< var x >}}", source=source)
    assert body == "Valeur : "
    assert "sans fichier _variables.yml" in warnings[0].message


def test_broken_variables_file_is_named(tmp_path: Path) -> None:
    variables = write(tmp_path, "_variables.yml", "- une\n- liste\n")
    source = write(tmp_path, "index.qmd", "")
    _, warnings = convert("x", source=source)
    assert str(variables) in warnings[0].message


def test_lookup_refuses_mappings_and_lists() -> None:
    variables = {"a": {"b": [1]}, "c": True}
    assert lookup(variables, "a") is None
    assert lookup(variables, "a.b") is None
    assert lookup(variables, "c") == "true"


def test_fa_maps_to_material_icons_or_warns() -> None:
    body, warnings = convert(
        "{{< fa envelope >}} {{< fa brands github >}} {{< fa fa-github >}} {{< fa pas-une-icone >}}"
    )
    assert body == (
        ":fontawesome-solid-envelope: :fontawesome-brands-github: :fontawesome-brands-github: "
    )
    [warning] = warnings
    assert "« pas-une-icone »" in warning.message


def test_columns_keep_their_content_side_by_side() -> None:
    text = (
        ':::: {.columns}\n::: {.column width="40%"}\nGauche **a**\n:::\n'
        "::: {.column}\nDroite\n:::\n::::\n"
    )
    body, warnings = convert(text)
    assert warnings == []
    html = markdown.markdown(body, extensions=EXTENSIONS)
    assert html.count('<div class="column">') == 2
    assert '<div class="grid">' in html
    assert "<strong>a</strong>" in html
    assert "Droite" in html


def test_staticref_starts_from_the_site_root() -> None:
    text = '{{< staticref "uploads/x.pdf" >}}Le PDF{{< /staticref >}} {{< staticref "/a.pdf" >}}'
    body, _ = convert(text, site_root="../../../")
    assert body.startswith("[Le PDF](../../../uploads/x.pdf)")
    assert "(../../../a.pdf)" in body


def test_staticref_to_a_file_beside_the_post_stays_relative(tmp_path: Path) -> None:
    source = write(tmp_path, "index.md", "")
    write(tmp_path, "rapport.pdf", "%PDF")
    text = '{{< staticref "rapport.pdf" >}}R{{< /staticref >}} {{< staticref "uploads/x.pdf" >}}'
    body, _ = convert(text, source=source, site_root="../../")
    assert body == "[R](rapport.pdf) [uploads/x.pdf](../../uploads/x.pdf)"
