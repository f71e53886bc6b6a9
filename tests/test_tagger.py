"""The rule-based tagger and the vocabulary file."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.loader import load_taxonomy
from generator.errors import ContentError
from generator.models import TagRule, Taxonomy
from generator.themes.features import FEATURES
from generator.themes.tagger import (
    _AI_ABBREVIATION,
    Document,
    assigned,
    decide,
    measure,
    normalize,
)
from generator.themes.taxonomy import parse_taxonomy

from .conftest import ROOT

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


def test_normalize_folds_accents_case_and_apostrophes() -> None:
    assert normalize("L’IA d'aujourd’hui — Évènements !") == " l ia d aujourd hui evenements "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Œuvre cœur ÆSOP straße", " oeuvre coeur aesop strasse "),
        ("modèles\xa0ouverts\u202f;\u2009«\u00a0IA\u00a0»", " modeles ouverts ia "),
        ('<p class="x">Réseau&nbsp;de <b>neurones</b>&#233;</p>', " reseau de neurones "),
        ("Ça, c’est l’ÉTÉ… 2024 C++ C#", " ca c est l ete 2024 c++ c# "),
    ],
)
def test_normalize_windows_1252_text(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "L’IA générative, les modèles ouverts et l’événement du 17 avril",
        "<p>Œuvres d’art «\u00a0libres\u00a0» — réseau de neurones</p>",
    ],
)
def test_text_outside_windows_1252_folds_to_the_same_words(text: str) -> None:
    # An emoji or a Hungarian letter sends the text through Unicode normalization instead of
    # the Windows-1252 table: the words must not change.
    assert normalize(text + " 📅 ő") == normalize(text)[:-1] + " o "


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
    fields = {hit.field: hit.occurrences for hit in llm.hits}
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
        (
            "tags:\n  - id: events\n    label: E\n    description: d\n    threshold: 0\n",
            r"tags\[0\]\.threshold.*positif|positif.*tags\[0\]\.threshold",
        ),
    ],
)
def test_bad_vocabulary_is_reported_with_file_and_key(text: str, match: str) -> None:
    with pytest.raises(ContentError, match=match) as err:
        parse_taxonomy(text, Path("taxonomy.yml"))
    assert "taxonomy.yml" in str(err.value)


def test_singular_and_plural_spellings_count_as_one_term() -> None:
    decisions = decide(RULES, Document(title="", body="LLM, LLMs et encore des LLMs"))
    llm = next(d for d in decisions if d.tag_id == "llm-news")
    assert [(h.term, h.field, h.occurrences) for h in llm.hits] == [("LLM", "body", 3)]


def test_categories_count_like_the_summary() -> None:
    decisions = decide(RULES, Document(title="", categories=("Webinaire",)))
    events = next(d for d in decisions if d.tag_id == "events")
    assert events.score == 3.0 * 2.0 and events.assigned


def test_a_day_after_publication_signals_an_event() -> None:
    rules = Taxonomy(
        tags=(TagRule(id="events", label="E", description="d", threshold=2,
                      future_date_weight=2.0),)
    )  # fmt: skip
    march = datetime(2023, 3, 20, tzinfo=UTC)
    ahead = Document(title="", body="Rendez-vous le 17 avril en présentiel", published=march)
    past = Document(title="", body="Replay de la séance du 1er mars", published=march)
    assert assigned(decide(rules, ahead)) == ("events",)
    assert assigned(decide(rules, past)) == ()
    hit = decide(rules, ahead)[0].hits[0]
    assert hit.term == "date à venir"


def test_longer_term_wins_at_the_same_position_but_inner_terms_count() -> None:
    rules = Taxonomy(
        tags=(
            TagRule(id="a", label="A", description="d", threshold=1,
                    terms=(("grand modèle de langage", 3.0), ("modèle de langage", 1.0),
                           ("grand modèle", 5.0))),
        )
    )  # fmt: skip
    (decision,) = decide(rules, Document(title="", body="un grand modèle de langage"))
    assert sorted(h.term for h in decision.hits) == ["grand modèle de langage", "modèle de langage"]


def test_long_bodies_weigh_less_per_term() -> None:
    from generator.themes.tagger import BODY_REFERENCE_CHARS, body_scale

    assert body_scale(BODY_REFERENCE_CHARS) == 1.0
    assert body_scale(BODY_REFERENCE_CHARS * 4) == 0.5
    # Folded, the body is framed by spaces: " webinaire mot mot … " of 4 × the reference.
    missing = 4 * BODY_REFERENCE_CHARS - len(" webinaire ")
    filler = " mot" * (missing // 4) + " " * (missing % 4)
    short = decide(RULES, Document(title="", body="webinaire"))
    long = decide(RULES, Document(title="", body="webinaire" + filler))
    events = (
        {d.tag_id: d.score for d in short}["events"],
        {d.tag_id: d.score for d in long}["events"],
    )
    assert events == (3.0, 1.5)


@pytest.mark.parametrize(
    ("title", "digest"),
    [
        ("#06 - I never wished a man dead", True),
        ("N° 4 : les nouvelles du mois", True),
        ("no. 12, spring", True),
        ("Week Ending July 19, 2020", True),
        ("12 ateliers pour l'été", False),
        ("Le #hashtag qui a tout changé", False),
    ],
)
def test_a_numbered_title_marks_a_digest(title: str, digest: bool) -> None:
    taxonomy = load_taxonomy(ROOT / "content")
    measured = measure(taxonomy, Document(title=title, body="Un texte sans rapport."))
    assert measured["events"].values[FEATURES.index("digest")] == (1.0 if digest else 0.0)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("AIai.é_-1 \n’Ω"), max_size=40) | st.text(max_size=40))
def test_the_ai_abbreviation_is_found_as_a_word_boundary_pattern_finds_it(text: str) -> None:
    # The tagger's pattern opens with a literal (fast search); it finds what the plain
    # word-boundary pattern finds, wherever the text puts letters, dots and other words.
    assert _AI_ABBREVIATION.findall(text) == re.findall(r"\bA\.?I\b", text)
