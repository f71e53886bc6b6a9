"""eval-tags, tags --explain and bench-tags, run as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.loader import load_taxonomy
from generator.errors import ContentError
from generator.themes.evaluation import GoldItem, Score, parse_gold, score

from .conftest import FIXTURES, ROOT, run_cli

_run = run_cli


def test_score_arithmetic() -> None:
    gold = [
        GoldItem(id="a", tags=frozenset({"x"})),
        GoldItem(id="b", tags=frozenset({"x"})),
        GoldItem(id="c", tags=frozenset()),
    ]
    predicted = {"a": frozenset({"x"}), "b": frozenset(), "c": frozenset({"x"})}
    x, micro = score(gold, predicted, ["x"])
    assert (x.tp, x.fp, x.fn) == (1, 1, 1)
    assert x.precision == 0.5 and x.recall == 0.5 and x.f1 == 0.5
    assert micro == Score(tag="micro", tp=1, fp=1, fn=1)


def test_gold_file_errors_name_the_file_and_key(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(ROOT / "content")
    path = tmp_path / "gold.yml"
    with pytest.raises(ContentError, match=r"gold\.yml.*items\[0\]\.tags.*inconnu-tag"):
        parse_gold("items:\n  - id: a\n    tags: [inconnu-tag]\n", path, taxonomy)
    with pytest.raises(ContentError, match="en double"):
        parse_gold("items:\n  - id: a\n  - id: a\n", path, taxonomy)


def test_eval_tags_prints_per_tag_and_micro_scores() -> None:
    result = _run("eval-tags", str(FIXTURES / "tagging" / "mini-gold.yml"), "--errors")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    # events: the excerpt is found (1 VP); llm-news: the cooking excerpt is missed (1 FN).
    assert lines["events"][3:6] == ["1", "0", "0"]
    assert lines["llm-news"][3:6] == ["1", "0", "1"]
    assert "extrait/test/cuisine: en trop — ; manquants llm-news" in result.stdout


def test_explain_lists_score_threshold_and_terms_with_fields() -> None:
    result = _run("tags", "--explain", "infolettre/infolettre_13")
    assert result.returncode == 0, result.stderr
    # A newsletter announces its network's events among its news: the learned decision
    # weighs the terms (listed with their field) and the digest title, and says no.
    assert "[non] events « Événements » : score" in result.stdout
    assert "'masterclass'" in result.stdout and "body" in result.stdout
    assert "'titre de revue ou de lettre = 1.00'" in result.stdout
    assert "seuil 5" in result.stdout
    unknown = _run("tags", "--explain", "nope")
    assert unknown.returncode == 1 and "contenu inconnu" in unknown.stderr


def test_bench_tags_smoke() -> None:
    result = _run("bench-tags", "--items", "50", "--size", "500", "--processes", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "étiquetage de 50 articles, 7 thèmes"
    assert lines[1].startswith("  articles synthétiques : ")
    assert "articles de veille de l'archive" in result.stdout
    assert "tout le contenu" in result.stdout
    # 50 items are too few to pay for a second process: each set is timed in one, and
    # the report says why there is no second figure.
    rates = [line for line in lines if "articles/s" in line]
    assert len(rates) == 3 and all(line.startswith("    1 processus : ") for line in rates)
    assert result.stdout.count("pour un 2e processus") == 3
