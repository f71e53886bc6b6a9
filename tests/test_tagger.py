"""The rule-based tagger and the vocabulary file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ContentError
from generator.models import TagRule, Taxonomy
from generator.tagger import Document, assigned, decide, normalize
from generator.taxonomy import parse_taxonomy

RULES = Taxonomy(
    tags=(
        TagRule(id="open-source-ai", label="IA open source", description="d", threshold=4,
                terms=(("ia open source", 4.0), ("modèle ouvert", 3.0))),
        TagRule(id="llm-news", label="LLM", description="d", threshold=2,
                terms=(("LLM", 2.0), ("grand modèle de langage", 3.0)),
                negative=(("recette de cuisine", 10.0),)),
        TagRule(id="events", label="Événements", description="d", threshold=3,
                terms=(("webinaire", 3.0),)),
    )
)  # fmt: skip


def test_normalize_folds_accents_case_and_elisions() -> None:
    assert normalize("L’IA d'aujourd’hui — Évènements !") == " ia aujourd hui evenements "


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("L’IA open source existe-t-elle ?", "", ("open-source-ai",)),
        ("", "Des modèles ouverts, enfin.", ()),  # 3 < 4: one body mention is not enough
        ("Des modèles ouverts", "", ("open-source-ai",)),  # the title weighs triple
        ("", "Les grands modèles de langage (LLM)", ("llm-news",)),
        ("", "Un LLM pour une recette de cuisine", ()),  # negative term wins
        ("Webinaires de mai", "", ("events",)),  # plural of the last word
    ],
)
def test_rules(title: str, body: str, expected: tuple[str, ...]) -> None:
    assert assigned(decide(RULES, Document(title=title, body=body))) == expected


def test_decision_explains_terms_fields_and_scores() -> None:
    decisions = decide(RULES, Document(title="LLM", summary="", body="LLM LLM LLM LLM LLM"))
    llm = next(d for d in decisions if d.tag_id == "llm-news")
    fields = {hit.field: hit.count for hit in llm.hits}
    assert fields == {"title": 1, "body": 5}
    # title: 2 × 3 × 1; body: 2 × 1 × min(5, 3)
    assert llm.score == 12.0 and llm.threshold == 2


def test_forced_and_forbidden_tags_win_over_the_score() -> None:
    doc = Document(title="LLM et webinaire")
    decisions = decide(RULES, doc, forced=("open-source-ai",), forbidden=("events",))
    assert assigned(decisions) == ("open-source-ai", "llm-news")


def test_the_project_vocabulary_declares_the_required_tags() -> None:
    path = Path(__file__).resolve().parents[1] / "content" / "taxonomy.yml"
    taxonomy = parse_taxonomy(path.read_text(encoding="utf-8"), path)
    labels = {t.id: t.label for t in taxonomy.tags}
    assert labels["open-source-ai"] == "IA open source"
    assert labels["llm-news"] == "Actualité des LLM"
    assert labels["events"] == "Événements"
    assert all(t.description for t in taxonomy.tags)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("tags: []\n", "non vide"),
        ("tags:\n  - id: events\n    label: E\n", r"tags\[0\]\.description"),
        ("tags:\n  - id: Bad Id\n    label: x\n    description: y\n", "invalide"),
        (
            "tags:\n  - id: events\n    label: E\n    description: d\n",
            "open-source-ai, llm-news",
        ),
    ],
)
def test_bad_vocabulary_is_reported_with_file_and_key(text: str, match: str) -> None:
    with pytest.raises(ContentError, match=match) as err:
        parse_taxonomy(text, Path("taxonomy.yml"))
    assert "taxonomy.yml" in str(err.value)
