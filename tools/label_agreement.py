"""How far two readings of the same items agree: the labelled corpus against a second,
blind reading of a sample of it (``tests/fixtures/tagging/corpus/agreement/``).

The tagger cannot be expected to agree with the labels more than two careful readers
agree with each other. A figure, not a test::

    python tools/label_agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.content.loader import load_taxonomy  # noqa: E402
from generator.themes.corpus import load_corpus  # noqa: E402
from generator.themes.evaluation import Score, corpus_gold, score  # noqa: E402
from generator.themes.taxonomy import REQUIRED_TAGS  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "tagging" / "corpus"
SECOND = CORPUS / "agreement" / "second-reading.yml"


def kappa(row: Score, n: int) -> float:
    """Cohen's kappa of one tag over ``n`` items read twice: agreement beyond chance."""
    tn = n - row.tp - row.fp - row.fn
    observed = (row.tp + tn) / n
    chance = ((row.tp + row.fn) * (row.tp + row.fp) + (tn + row.fp) * (tn + row.fn)) / (n * n)
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def main() -> int:
    taxonomy = load_taxonomy(ROOT / "content")
    items = {
        item.id: item
        for source in load_corpus(CORPUS, {t.id for t in taxonomy.tags})
        for item in source.items
    }
    second = {
        str(entry["id"]): frozenset(entry["tags"]) & set(REQUIRED_TAGS)
        for entry in yaml.safe_load(SECOND.read_text(encoding="utf-8"))["labels"]
    }
    missing = sorted(set(second) - set(items))
    if missing:
        print(f"ERREUR éléments absents du corpus : {', '.join(missing)}", file=sys.stderr)
        return 2
    # The first reading as gold, the second as the prediction: F1 is symmetric.
    rows = score(corpus_gold([items[i] for i in sorted(second)]), second, REQUIRED_TAGS)
    n = len(second)
    print(f"{n} éléments lus deux fois ({SECOND.relative_to(ROOT)})")
    print(f"{'thème':<16} {'1re':>4} {'2e':>4} {'deux':>5} {'F1':>6} {'kappa':>6}")
    for row in rows[:-1]:
        print(
            f"{row.tag:<16} {row.tp + row.fn:>4} {row.tp + row.fp:>4} {row.tp:>5} "
            f"{row.f1:>6.3f} {kappa(row, n):>6.3f}"
        )
    print(f"{'micro':<16} {'':>4} {'':>4} {'':>5} {rows[-1].f1:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
