"""Learn the required tags' decisions from the labelled corpus, and check them by source.

Each tag gets a logistic regression (scikit-learn) over the features the tagger
measures (:mod:`generator.themes.features`): the rules stay, as the features' terms and
weights; the model learns how much the place and the share of those terms count. It
learns from the ``dev`` sources only; ``test`` sources stay held out.

scikit-learn is needed to train (``pip install -e '.[dev]'``), not to tag: the weights
are written into ``taxonomy.yml`` and the tagger applies them itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.files import write_atomic
from generator.models import TagModel, Taxonomy
from generator.themes.corpus import CorpusItem, Source
from generator.themes.features import FEATURES, Measure, logit
from generator.themes.tagger import measure

MODEL_MARKER = "# ---- Modèle appris"
"""First line of the block that :func:`write_models` replaces at the end of
``taxonomy.yml``."""
REGULARIZATION = 1.0
"""Inverse strength of the L2 penalty (scikit-learn's ``C``)."""

Features = Mapping[str, Mapping[str, Measure]]
"""Item id → tag id → features."""


def measure_items(taxonomy: Taxonomy, items: Sequence[CorpusItem]) -> Features:
    """The features of every tag on every item."""
    return {item.id: measure(taxonomy, item.document) for item in items}


def fit(
    items: Sequence[CorpusItem],
    features: Features,
    tags: Sequence[str],
    *,
    regularization: float = REGULARIZATION,
) -> tuple[TagModel, ...]:
    """One logistic regression per tag, on ``items``, classes as they come: a tag is given
    where its probability reaches one half. (Reweighting the classes so that a rare tag
    weighs as much as its absence gave more false tags than it found, in the validation
    by source of the 46 ``dev`` sources.)

    Raises:
        ValueError: A tag that no item carries, or that every item carries.
    """
    from sklearn.linear_model import LogisticRegression

    models: list[TagModel] = []
    for tag in tags:
        x = [features[item.id][tag].values for item in items]
        y = [tag in item.tags for item in items]
        if all(y) or not any(y):
            raise ValueError(f"le thème « {tag} » a besoin d'exemples positifs et négatifs")
        regression = LogisticRegression(C=regularization, class_weight=None, max_iter=5000).fit(
            x, y
        )
        models.append(
            TagModel(
                tag_id=tag,
                bias=round(float(regression.intercept_[0]), 4),
                weights=tuple(
                    (name, round(float(w), 4))
                    for name, w in zip(FEATURES, regression.coef_[0], strict=True)
                ),
            )
        )
    return tuple(models)


def apply(
    models: Sequence[TagModel], items: Sequence[CorpusItem], features: Features
) -> dict[str, frozenset[str]]:
    """The tags the models give each item (never on a passing mention, as the tagger)."""
    given: dict[str, frozenset[str]] = {}
    for item in items:
        measures = features[item.id]
        given[item.id] = frozenset(
            m.tag_id
            for m in models
            if measures[m.tag_id].substantial and logit(m, measures[m.tag_id].values) >= 0
        )
    return given


@dataclass(frozen=True, kw_only=True)
class Fold:
    """One source held out: its items' predicted tags by models trained on the others."""

    source: str
    items: tuple[CorpusItem, ...]
    predicted: Mapping[str, frozenset[str]]


def leave_one_source_out(
    sources: Sequence[Source], features: Features, tags: Sequence[str]
) -> list[Fold]:
    """Cross-validation by source: each source in turn is held out, and the models are
    trained on the others.

    Raises:
        ValueError: Fewer than two sources.
    """
    if len(sources) < 2:
        raise ValueError("il faut au moins deux sources")
    folds: list[Fold] = []
    for held in sources:
        training = [item for s in sources if s is not held for item in s.items]
        models = fit(training, features, tags)
        folds.append(
            Fold(source=held.id, items=held.items, predicted=apply(models, held.items, features))
        )
    return folds


def model_block(models: Sequence[TagModel], *, trained_on: str) -> str:
    """The ``model:`` block of ``taxonomy.yml`` (YAML), with its marker line."""
    lines = [
        f"{MODEL_MARKER} : écrit par `python -m generator train-tags`, ne pas modifier à la "
        "main ----",
        f"# Appris sur {trained_on}.",
        "model:",
        "  tags:",
    ]
    for model in models:
        lines.append(f"    {model.tag_id}:")
        lines.append(f"      bias: {model.bias}")
        lines.append("      weights:")
        lines.extend(f"        {name}: {weight}" for name, weight in model.weights)
    return "\n".join(lines) + "\n"


_BLOCK = re.compile(rf"^{re.escape(MODEL_MARKER)}.*\Z", re.MULTILINE | re.DOTALL)


def write_models(path: Path, block: str) -> None:
    """Put ``block`` at the end of ``path`` in place of the previous one (the editor's
    part of the file, comments included, is kept as it is)."""
    text = path.read_text(encoding="utf-8")
    kept = _BLOCK.sub("", text).rstrip("\n")
    write_atomic(path, f"{kept}\n\n{block}")
