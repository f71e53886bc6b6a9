"""Commands that measure and train the tagger on the labelled corpus:
``eval-tags CORPUS`` (a folder of sources) and ``train-tags``."""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from generator.content.loader import load_taxonomy
from generator.themes.corpus import CorpusItem, Source, load_corpus, of_split
from generator.themes.evaluation import Score, baseline, corpus_gold, predict_corpus, score, table
from generator.themes.taxonomy import REQUIRED_TAGS
from generator.themes.training import (
    fit,
    leave_one_source_out,
    measure_items,
    model_block,
    write_models,
)

DEFAULT_CORPUS = Path("tests/fixtures/tagging/corpus")


def _summary(sources: Sequence[Source]) -> str:
    lines = []
    for source in sources:
        counts = {tag: sum(tag in item.tags for item in source.items) for tag in REQUIRED_TAGS}
        tags = ", ".join(f"{tag} {n}" for tag, n in counts.items())
        lines.append(
            f"  {source.split:<4} {source.id:<18} {source.language}  {len(source.items):3d} "
            f"éléments ({tags})"
        )
    return "\n".join(lines)


def _rows(items: Sequence[CorpusItem], predicted: Mapping[str, frozenset[str]]) -> list[Score]:
    return score(corpus_gold(items), predicted, REQUIRED_TAGS)


def _micro(row: Score) -> str:
    """A micro-F1, or, for a source with no positive item, its false positives (an F1
    would read 0 for a single one)."""
    if row.tp + row.fn:
        return f"{row.f1:.3f}"
    return f"— (aucun positif, {row.fp} faux positif{'s' if row.fp > 1 else ''})"


def evaluate_corpus(content: Path, corpus: Path, *, split: str, loso: bool, errors: bool) -> int:
    """Print the tagger's and the baseline's scores on one split of the corpus (and, with
    ``loso``, a cross-validation by source on the ``dev`` sources)."""
    taxonomy = load_taxonomy(content)
    sources = load_corpus(corpus, {t.id for t in taxonomy.tags})
    chosen = of_split(sources, split)
    items = [item for s in chosen for item in s.items]
    print(f"Corpus {corpus} : {len(items)} éléments de {len(chosen)} sources (partie {split})")
    print(_summary(chosen))
    predicted = predict_corpus(taxonomy, items)
    print(f"\nTagger (règles et modèle de {content / 'taxonomy.yml'})")
    print(table(_rows(items, predicted)))
    print("\nRéférence naïve : liste de mots-clés (evaluation.BASELINE_KEYWORDS)")
    print(table(_rows(items, baseline(items))))
    print("\nPar source (tagger) : micro-F1")
    for source in chosen:
        print(f"  {source.id:<20} {_micro(_rows(source.items, predicted)[-1])}")
    if errors:
        print("\nErreurs")
        for item in items:
            wrong = (item.tags ^ predicted[item.id]) & set(REQUIRED_TAGS)
            if wrong:
                extra = ", ".join(sorted((predicted[item.id] - item.tags) & wrong)) or "—"
                lacking = ", ".join(sorted(item.tags - predicted[item.id])) or "—"
                print(f"  {item.id}: en trop {extra} ; manquants {lacking}")
    if loso:
        dev = of_split(sources, "dev")
        dev_items = [item for s in dev for item in s.items]
        features = measure_items(taxonomy, dev_items)
        # The tags that have a model are learned again without the held-out source; the
        # others keep their rules, as the tagger does.
        learned = [m.tag_id for m in taxonomy.models] or list(REQUIRED_TAGS)
        ruled = predict_corpus(taxonomy, dev_items)
        folds = leave_one_source_out(dev, features, learned)
        print(f"\nValidation croisée par source sur dev ({len(folds)} plis : une source tenue")
        print(f"à l'écart, {', '.join(learned)} appris sur les autres)")
        f1s = []
        for index, fold in enumerate(folds):
            predicted_fold = {
                item.id: fold.predicted[item.id]
                | frozenset(t for t in ruled[item.id] if t not in learned)
                for item in fold.items
            }
            folds[index] = replace(fold, predicted=predicted_fold)
            rows = _rows(fold.items, predicted_fold)
            if rows[-1].tp + rows[-1].fn:
                f1s.append(rows[-1].f1)
            per_tag = "  ".join(
                f"{r.tag} {r.f1:.2f}" if r.tp + r.fn else f"{r.tag} — ({r.fp} FP)"
                for r in rows[:-1]
            )
            print(f"  {fold.source:<20} micro-F1 {_micro(rows[-1])}   {per_tag}")
        pooled = {k: v for fold in folds for k, v in fold.predicted.items()}
        print(
            f"  micro-F1 des plis qui ont des positifs ({len(f1s)}) : médiane "
            f"{statistics.median(f1s):.3f}, min {min(f1s):.3f}, max {max(f1s):.3f}"
        )
        print("  Tous les plis réunis :")
        print("    " + table(_rows(dev_items, pooled)).replace("\n", "\n    "))
    return 0


def cmd_train_tags(args: argparse.Namespace) -> int:
    """Learn the required tags' models on the ``dev`` sources and write them into
    ``taxonomy.yml``."""
    taxonomy = load_taxonomy(args.content)
    sources = of_split(load_corpus(args.corpus, {t.id for t in taxonomy.tags}), "dev")
    items = [item for s in sources for item in s.items]
    tags = tuple(args.tags.split(",")) if args.tags else REQUIRED_TAGS
    unknown = sorted(set(tags) - set(REQUIRED_TAGS))
    if unknown:
        print(f"ERREUR thèmes non requis : {', '.join(unknown)}", file=sys.stderr)
        return 2
    models = fit(items, measure_items(taxonomy, items), tags)
    trained_on = (
        f"{len(items)} éléments des sources dev de {args.corpus.as_posix()} "
        f"({', '.join(s.id for s in sources)})"
    )
    block = model_block(models, trained_on=trained_on)
    print(block, end="")
    if args.dry_run:
        return 0
    path = args.content / "taxonomy.yml"
    write_models(path, block)
    print(f"écrit dans {path}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``train-tags`` to the command line."""
    train = sub.add_parser(
        "train-tags", help="apprend la décision des thèmes requis sur les sources dev du corpus"
    )
    train.add_argument("--content", type=Path, default=Path("content"), help="dossier du contenu")
    train.add_argument(
        "corpus", type=Path, nargs="?", default=DEFAULT_CORPUS, help="dossier du corpus étiqueté"
    )
    train.add_argument(
        "--tags",
        help="thèmes requis à apprendre, séparés par des virgules (par défaut les trois) ; "
        "les autres gardent leur seuil",
    )
    train.add_argument(
        "--dry-run", action="store_true", help="affiche le modèle sans modifier taxonomy.yml"
    )
    train.set_defaults(func=cmd_train_tags)
