"""Hugo shortcodes become Markdown; unknown ones keep their content and say where."""

from __future__ import annotations

from generator.shortcodes import convert


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
