"""The labelled corpus, the learned decision and the guide's hard cases."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli.main import main
from generator.content.loader import load_taxonomy
from generator.errors import ContentError
from generator.models import TagModel
from generator.themes.corpus import load_corpus, of_split
from generator.themes.evaluation import baseline
from generator.themes.features import FEATURES
from generator.themes.tagger import Document, assigned, decide
from generator.themes.taxonomy import REQUIRED_TAGS, parse_taxonomy
from generator.themes.training import (
    fit,
    leave_one_source_out,
    measure_items,
    model_block,
    write_models,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tagging"
CORPUS = FIXTURES / "corpus"
TAXONOMY = load_taxonomy(ROOT / "content")
KNOWN = {t.id for t in TAXONOMY.tags}


def _hard_cases() -> list[dict[str, Any]]:
    data = yaml.safe_load((FIXTURES / "hard_cases.yml").read_text(encoding="utf-8"))
    return list(data["items"])


def _published(value: date | None) -> datetime | None:
    return datetime(value.year, value.month, value.day, tzinfo=UTC) if value else None


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case["id"],
            marks=[pytest.mark.xfail(strict=True, reason="manqué connu, dit dans la fixture")]
            if case.get("known_miss")
            else [],
        )
        for case in _hard_cases()
    ],
)
def test_hard_cases_of_the_guide(case: dict[str, Any]) -> None:
    document = Document(
        title=case["title"], body=case["text"], published=_published(case.get("date"))
    )
    given_tags = set(assigned(decide(TAXONOMY, document))) & set(REQUIRED_TAGS)
    assert given_tags == set(case["expected"])


def test_hard_cases_cover_each_kind_the_issue_names() -> None:
    kinds = {case["case"] for case in _hard_cases()}
    assert {"roundup", "passing-mention", "ambiguous-name", "english"} <= kinds


def test_the_corpus_is_split_by_whole_sources() -> None:
    sources = load_corpus(CORPUS, KNOWN)
    dev, test = of_split(sources, "dev"), of_split(sources, "test")
    assert {s.id for s in dev}.isdisjoint({s.id for s in test})
    assert len(sources) >= 8
    assert sum(len(s.items) for s in sources) >= 400
    for source in sources:
        assert source.licence.strip(), source.path
        assert all(item.source == source.id for item in source.items)


def test_every_required_tag_has_examples_in_both_splits() -> None:
    sources = load_corpus(CORPUS, KNOWN)
    for split in ("dev", "test"):
        items = [i for s in of_split(sources, split) for i in s.items]
        for tag in REQUIRED_TAGS:
            carried = sum(tag in i.tags for i in items)
            assert 0 < carried < len(items), (split, tag)


def _source_file(tmp_path: Path, split: str, name: str, body: str) -> Path:
    path = tmp_path / split / f"{name}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


_HEADER = "source: {{id: {id}, name: N, language: fr, licence: CC0}}\n"


@pytest.mark.parametrize(
    ("items", "key"),
    [
        ("items:\n  - {id: a, title: T, text: x, tags: [nope]}\n", "items[0].tags"),
        ("items:\n  - {id: a, title: T, tags: []}\n", "items[0].text"),
        ("items:\n  - {id: a, title: T, text: x, tags: [], date: 2024-13-45}\n", "items[0].date"),
        (
            "items:\n  - {id: a, title: T, text: x, tags: []}\n"
            "  - {id: a, title: U, text: y, tags: []}\n",
            "items[1]",
        ),
        ("items: []\n", "items"),
    ],
)
def test_a_bad_source_file_is_named_with_its_key(tmp_path: Path, items: str, key: str) -> None:
    path = _source_file(tmp_path, "dev", "bad", _HEADER.format(id="bad") + items)
    with pytest.raises(ContentError) as err:
        load_corpus(tmp_path, KNOWN)
    assert str(path) in str(err.value)
    assert key in str(err.value)


def test_an_item_id_used_by_two_sources_is_refused(tmp_path: Path) -> None:
    item = "items:\n  - {id: same, title: T, text: x, tags: []}\n"
    _source_file(tmp_path, "dev", "one", _HEADER.format(id="one") + item)
    second = _source_file(tmp_path, "test", "two", _HEADER.format(id="two") + item)
    with pytest.raises(ContentError) as err:
        load_corpus(tmp_path, KNOWN)
    assert str(second) in str(err.value)


def test_models_are_learned_and_written_into_the_vocabulary(tmp_path: Path) -> None:
    dev = of_split(load_corpus(CORPUS, KNOWN), "dev")
    items = [i for s in dev for i in s.items]
    features = measure_items(TAXONOMY, items)
    models = fit(items, features, ["llm-news", "events"])
    assert [m.tag_id for m in models] == ["llm-news", "events"]
    assert all([name for name, _ in m.weights] == list(FEATURES) for m in models)
    taxonomy = tmp_path / "taxonomy.yml"
    shutil.copy(ROOT / "content" / "taxonomy.yml", taxonomy)
    editor_part = (ROOT / "content" / "taxonomy.yml").read_text(encoding="utf-8").split("# ----")[0]
    for _ in range(2):  # written twice: one block, the editor's comments kept
        write_models(taxonomy, model_block(models, trained_on="test"))
    text = taxonomy.read_text(encoding="utf-8")
    assert text.count("# ---- Modèle appris") == 1
    assert text.startswith(editor_part.rstrip("\n"))
    parsed = parse_taxonomy(text, taxonomy)
    assert parsed.models == models


def test_a_tag_without_positive_examples_cannot_be_learned() -> None:
    dev = of_split(load_corpus(CORPUS, KNOWN), "dev")
    culture = next(s for s in dev if not any(i.tags for i in s.items))
    with pytest.raises(ValueError, match="llm-news"):
        fit(culture.items, measure_items(TAXONOMY, culture.items), ["llm-news"])


def test_cross_validation_holds_out_each_source_in_turn() -> None:
    dev = of_split(load_corpus(CORPUS, KNOWN), "dev")
    items = [i for s in dev for i in s.items]
    folds = leave_one_source_out(dev, measure_items(TAXONOMY, items), ["llm-news"])
    assert [f.source for f in folds] == [s.id for s in dev]
    for fold, source in zip(folds, dev, strict=True):
        assert set(fold.predicted) == {i.id for i in source.items}


@pytest.mark.parametrize(
    ("block", "key"),
    [
        ("model:\n  tags:\n    nope: {bias: 0, weights: {}}\n", "model.tags.nope"),
        (
            "model:\n  tags:\n    events: {bias: 0, weights: {colour: 1}}\n",
            "model.tags.events.weights",
        ),
        ("model:\n  tags:\n    events: {bias: x, weights: {}}\n", "model.tags.events.bias"),
    ],
)
def test_a_bad_model_block_is_named(tmp_path: Path, block: str, key: str) -> None:
    text = (ROOT / "content" / "taxonomy.yml").read_text(encoding="utf-8").split("# ----")[0]
    path = tmp_path / "taxonomy.yml"
    with pytest.raises(ContentError) as err:
        parse_taxonomy(text + block, path)
    assert key in str(err.value)


def test_a_model_decides_its_tag_and_explains_why() -> None:
    model = TagModel(
        tag_id="events",
        bias=-1.0,
        weights=tuple((n, 2.0 if n == "title" else 0.0) for n in FEATURES),
    )
    taxonomy = parse_taxonomy(
        (ROOT / "content" / "taxonomy.yml").read_text(encoding="utf-8").split("# ----")[0],
        Path("taxonomy.yml"),
    )
    taxonomy = type(taxonomy)(**{**taxonomy.__dict__, "models": (model,)})
    (events,) = [
        d for d in decide(taxonomy, Document(title="Un webinaire")) if d.tag_id == "events"
    ]
    assert events.assigned and events.threshold == 0.0
    parts = {h.term.split(" = ")[0]: h.weight for h in events.hits if h.field == "modèle"}
    assert parts["constante"] == -1.0
    assert parts["termes du titre"] > 1.0
    assert events.score == pytest.approx(sum(parts.values()), abs=1e-3)


_NEUTRAL_WORDS = (
    "le vent souffle sur la vallée les promeneurs du parc un gardien voit tomber des branches "
    "la mairie ferme les allées jusqu'au soir dans le jardin"
)
_NEUTRAL = st.lists(st.sampled_from(_NEUTRAL_WORDS.split(" ")), min_size=5, max_size=60)
_AMBIGUOUS = st.lists(
    st.sampled_from(["Mistral", "Claude", "Llama", "Gemini", "Bard", "Copilot", "Falcon"]),
    min_size=1,
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(words=_NEUTRAL, names=_AMBIGUOUS, data=st.data())
def test_ambiguous_names_give_no_tag_without_an_ai_context(
    words: list[str], names: list[str], data: st.DataObject
) -> None:
    for name in names:
        words.insert(data.draw(st.integers(0, len(words))), name)
    text = " ".join(words)
    for field in ("title", "body"):
        document = Document(**{field: text, "title" if field == "body" else "body": ""})
        given_tags = set(assigned(decide(TAXONOMY, document))) & set(REQUIRED_TAGS)
        assert given_tags == set(), text


def test_eval_tags_prints_the_held_out_scores_and_the_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval-tags", str(CORPUS), "--content", str(ROOT / "content")]) == 0
    out = capsys.readouterr().out
    test_items = [i for s in of_split(load_corpus(CORPUS, KNOWN), "test") for i in s.items]
    assert f"{len(test_items)} éléments" in out
    assert "Référence naïve" in out
    # The baseline's true positives on the held-out part, as the table prints them.
    predicted = baseline(test_items)
    tp = sum(1 for i in test_items for t in REQUIRED_TAGS if t in i.tags and t in predicted[i.id])
    baseline_table = out.split("Référence naïve")[1]
    micro = next(line for line in baseline_table.splitlines() if line.startswith("micro"))
    assert int(micro.split()[4]) == tp
