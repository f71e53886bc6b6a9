"""The ``demo`` directive: parsing (fixture cases with their expectations), run identity,
and the shortcode converter leaving it in place for the plugin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.content.shortcodes import convert
from generator.demo.directive import (
    RunRequest,
    canonical_json,
    find_directives,
    parse_params,
    parse_value,
)
from generator.errors import ContentError

CASES_DIR = Path(__file__).parent / "fixtures" / "demo_directives"
CASES = sorted(p.stem for p in CASES_DIR.glob("*.md"))


def test_every_case_has_expectations() -> None:
    assert CASES
    for case in CASES:
        assert (CASES_DIR / f"{case}.expected.json").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_directive_case(case: str) -> None:
    text = (CASES_DIR / f"{case}.md").read_text(encoding="utf-8")
    expected = json.loads((CASES_DIR / f"{case}.expected.json").read_text(encoding="utf-8"))
    page = f"guide/{case}.md"
    if "error" in expected:
        with pytest.raises(ContentError) as caught:
            find_directives(text, page=page)
        error = caught.value
        assert error.line == expected["error"]["line"]
        assert expected["error"]["match"] in str(error)
        # The message names the page and the line.
        assert str(error).startswith(f"{page}:{expected['error']['line']}: ")
        return
    found = find_directives(text, page=page)
    actual = [
        {
            "line": d.line,
            "name": d.name,
            "figures": list(d.figures),
            "metrics": list(d.metrics),
            "tables": list(d.tables),
            "params": d.request.override_values(),
            "quick": d.request.quick,
            "on_error": d.on_error,
            "indent": d.indent,
        }
        for d in found
    ]
    assert actual == expected["directives"]
    for directive in found:
        assert text[directive.start : directive.end] == directive.source


def test_line_offset_counts_lines_before_the_text() -> None:
    with pytest.raises(ContentError, match=r"^page\.md:12: "):
        find_directives('\n\n{{< demo nom="x" >}}', page="page.md", line_offset=9)


def test_same_run_whatever_the_order_or_spelling_of_params() -> None:
    first = find_directives('{{< demo name="m" params="a=1 b=x" >}}', page="p.md")[0]
    second = find_directives("{{< demo name=m params='b=\"x\" a=1' >}}", page="p.md")[0]
    assert first.request == second.request
    quick = find_directives('{{< demo name="m" params="a=1 b=x" quick="true" >}}', page="p.md")
    assert quick[0].request != first.request


def test_nothing_asked_means_every_figure() -> None:
    (bare,) = find_directives('{{< demo name="m" >}}', page="p.md")
    (metrics,) = find_directives('{{< demo name="m" metrics="a" >}}', page="p.md")
    assert bare.all_figures and not metrics.all_figures


def test_run_request_arguments_and_label() -> None:
    request = RunRequest(name="mnist", overrides=parse_params("seed=1 mode=rapide"), quick=True)
    assert request.argv() == ["--quick", "--param", 'mode="rapide"', "--param", "seed=1"]
    assert request.label == 'mnist (mode="rapide", seed=1, version courte)'
    assert RunRequest(name="mnist").label == "mnist"
    # What the demo parses back is the value given.
    for item in request.argv()[2::2]:
        key, _, value = item.partition("=")
        assert parse_value(value) == request.override_values()[key]


def test_params_errors() -> None:
    with pytest.raises(ValueError, match="deux fois"):
        parse_params("a=1 a=2")
    with pytest.raises(ValueError, match="illisibles"):
        parse_params("a='1")
    assert canonical_json({"b": [1.5, "é"], "a": None}) == '{"a":null,"b":[1.5,"é"]}'


def test_shortcode_converter_passes_demo_through_untouched() -> None:
    source = (
        "Intro.\n\n"
        '{{< demo name="mnist" figures="loss" >}}\n\n'
        '{{% callout note %}}\nDans un encadré :\n\n{{< demo name="mnist"\n  metrics="acc" >}}\n'
        "{{% /callout %}}\n\n"
        '{{< demo name="x" />}}\n'
    )
    text, warnings = convert(source)
    assert warnings == []
    assert '{{< demo name="mnist" figures="loss" >}}' in text
    # A multi-line tag is kept on one line, so that it keeps the callout's indentation.
    assert '    {{< demo name="mnist" metrics="acc" >}}' in text
    assert '{{< demo name="x" />}}' in text
    found = find_directives(text, page="p.md")
    assert [d.name for d in found] == ["mnist", "mnist", "x"]
    assert found[1].indent == "    "


def test_shortcode_converter_still_reports_a_stray_demo_closer() -> None:
    _, warnings = convert("a {{< /demo >}} b\n")
    assert [w.name for w in warnings] == ["demo"]
