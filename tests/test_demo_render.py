"""Markdown for a directive: French numbers and dates, provenance, escaping, structure."""

from __future__ import annotations

from datetime import UTC, datetime

import markdown

from generator.demo.directive import find_directives
from generator.demo.render import (
    DISABLED_TITLE,
    Shown,
    french_date,
    french_number,
    french_seconds,
    missing_items,
    provenance_line,
    render_directive,
    render_disabled,
    replace_directives,
)
from generator.demo.results import DemoResult, FigureInfo, ProvenanceInfo, TableInfo

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables"]

PROVENANCE = ProvenanceInfo(
    seed=0,
    backend="numpy",
    device="CPU AMD EPYC (2 cœurs)",
    versions={"python": "3.11.7", "numpy": "2.4.6", "matplotlib": "3.11.2"},
    notes=("Aucun GPU utilisable sur cette machine : calcul sur le CPU avec NumPy.",),
    params={"seed": 0},
    quick=False,
    seconds=41.23,
    finished=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
)
RESULT = DemoResult(
    metrics={"accuracy": 0.97316, "n": 60000, "name": "a|b <c>", "curve": [1, 2]},
    provenance=PROVENANCE,
    figures=(
        FigureInfo(id="loss", file="loss.png", caption="Perte *par* époque <i>", alt="Courbe [x]"),
        FigureInfo(id="acc", file="acc.svg", caption="", alt="Exactitude"),
    ),
    tables=(
        TableInfo(
            id="timings",
            caption="Temps",
            columns=["n", "secondes"],
            rows=((64, 0.000123), (8192, 12.5)),
        ),
    ),
)


def _shown(status: str = "ran", failure: str | None = None) -> Shown:
    return Shown(
        result=RESULT, link_prefix="../demos/x/0123456789ab/", status=status, failure=failure
    )


def _directive(tag: str) -> object:
    return find_directives(tag, page="p.md")[0]


def test_french_numbers() -> None:
    assert french_number(0.97316) == "0,9732"
    assert french_number(41.234) == "41,23"
    assert french_number(0.000123) == "0,000123"
    assert french_number(2.0) == "2"
    assert french_number(12345.6) == "12\u202f346"
    assert french_number(60000) == "60\u202f000"
    assert french_number(1e-7) == "1,000e-07"
    assert french_number(float("nan")) == "—"
    assert french_number(None) == "—"
    assert french_number(True) == "oui"
    assert french_number("<b>") == "&lt;b&gt;"
    assert french_number({"a": 1}) == '{"a": 1}'


def test_french_durations_and_dates() -> None:
    assert french_seconds(0.004) == "< 0,01 s"
    assert french_seconds(0.25) == "0,25 s"
    assert french_seconds(41.23) == "41,2 s"
    assert french_seconds(192) == "3 min 12 s"
    assert french_seconds(3725) == "1 h 02 min"
    assert french_date(datetime(2026, 11, 1, 9, tzinfo=UTC)) == "1er novembre 2026"
    # 23:30 UTC on 31 December is already the new year in Paris.
    assert french_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "1er janvier 2026"


def test_provenance_line_names_device_versions_seed_time_and_date() -> None:
    assert provenance_line(PROVENANCE) == (
        "Calculé le 23 novembre 2026 sur CPU AMD EPYC (2 cœurs) · NumPy 2.4.6, Python 3.11.7 "
        "· graine 0 · 41,2 s"
    )
    frozen = provenance_line(PROVENANCE, frozen=True)
    assert frozen.startswith("Résultat figé : mesuré le 23 novembre 2026 sur CPU AMD EPYC")
    gpu = ProvenanceInfo(
        **{
            **PROVENANCE.__dict__,
            "seed": None,
            "quick": True,
            "device": "GPU NVIDIA H100",
            "versions": {"python": "3.11.7", "numpy": "2.4.6", "cupy": "14.0.1"},
        }
    )
    assert provenance_line(gpu) == (
        "Calculé le 23 novembre 2026 sur GPU NVIDIA H100 · NumPy 2.4.6, CuPy 14.0.1, "
        "Python 3.11.7 · sans graine · 41,2 s · version courte"
    )


def test_figures_carry_caption_provenance_and_escaped_text() -> None:
    directive = _directive('{{< demo name="x" figures="loss,acc" >}}')
    text = render_directive(directive, _shown())  # type: ignore[arg-type]
    assert text.count('<figure markdown="span" class="demo-figure">') == 2
    assert "![Courbe \\[x\\]](../demos/x/0123456789ab/loss.png)" in text
    html = markdown.markdown(text, extensions=EXTENSIONS)
    assert '<img alt="Courbe [x]" src="../demos/x/0123456789ab/loss.png"' in html
    # The caption is shown as written: no emphasis, no HTML from the demo.
    assert "Perte *par* époque &lt;i&gt;" in html
    assert html.count('<small class="demo-provenance">Calculé le 23 novembre 2026') == 2
    assert '<div class="admonition info">' in html
    assert "Aucun GPU utilisable" in html


def test_every_figure_when_nothing_is_asked() -> None:
    text = render_directive(_directive('{{< demo name="x" >}}'), _shown())  # type: ignore[arg-type]
    assert "loss.png" in text and "acc.svg" in text


def test_metrics_and_tables() -> None:
    directive = _directive('{{< demo name="x" metrics="accuracy,n,name,curve" tables="timings" >}}')
    html = markdown.markdown(render_directive(directive, _shown()), extensions=EXTENSIONS)  # type: ignore[arg-type]
    assert "<td><code>accuracy</code></td>" in html
    assert '<td style="text-align: right;">0,9732</td>' in html
    assert "a|b &lt;c&gt;" in html  # a pipe inside a cell does not split the row
    assert "<strong>Temps</strong>" in html
    assert '<td style="text-align: right;">0,000123</td>' in html
    assert html.count('class="demo-provenance"') == 2
    assert "<figure" not in html


def test_missing_items_are_named() -> None:
    directive = _directive('{{< demo name="x" figures="loss,nope" metrics="n,zz" tables="t" >}}')
    assert missing_items(directive, RESULT) == [  # type: ignore[arg-type]
        "figure « nope »",
        "mesure « zz »",
        "tableau « t »",
    ]


def test_stale_result_shows_a_warning_with_its_date_and_the_failure() -> None:
    directive = _directive('{{< demo name="x" figures="loss" >}}')
    shown = _shown("stale", "échec (code de sortie 1) après 0,2 s <script>")
    html = markdown.markdown(render_directive(directive, shown), extensions=EXTENSIONS)  # type: ignore[arg-type]
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Résultat d\'une exécution précédente</p>' in html
    assert "a échoué (échec (code de sortie 1) après 0,2 s &lt;script&gt;)" in html
    assert "ceux du 23 novembre 2026" in html
    assert "<script>" not in html


def test_frozen_result_says_where_and_when_it_was_measured() -> None:
    directive = _directive('{{< demo name="x" figures="loss" >}}')
    text = render_directive(directive, _shown("frozen"))  # type: ignore[arg-type]
    assert "Résultat figé : mesuré le 23 novembre 2026 sur CPU AMD EPYC (2 cœurs)" in text
    assert "Calculé le" not in text


def test_notes_can_be_left_out() -> None:
    directive = _directive('{{< demo name="x" figures="loss" >}}')
    assert "Conditions du calcul" not in render_directive(directive, _shown(), notes=False)  # type: ignore[arg-type]


def test_replace_directives_keeps_indentation_and_separates_blocks() -> None:
    text = (
        'Avant.\n\n!!! note\n\n    {{< demo name="x" figures="loss" >}}\n\n'
        'Texte {{< demo name="x" >}} suite.\n'
    )
    directives = find_directives(text, page="p.md")
    replaced = replace_directives(text, directives, render_disabled)
    assert "{{<" not in replaced
    html = markdown.markdown(replaced, extensions=EXTENSIONS)
    assert html.count(DISABLED_TITLE) == 2
    assert html.count('<div class="admonition note">') == 3  # the page's own, and two notices
    assert html.index("La démonstration « x »") < html.index("</div>")  # inside the note
    assert "<p>Texte</p>" in html and "<p>suite.</p>" in html
