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
from generator.themes.taxonomy import REQUIRED_TAGS  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "tagging" / "corpus"
SECOND = CORPUS / "agreement" / "second-reading.yml"


def main() -> int:
    taxonomy = load_taxonomy(ROOT / "content")
    first = {
        item.id: item.tags
        for source in load_corpus(CORPUS, {t.id for t in taxonomy.tags})
        for item in source.items
    }
    second = {
        str(entry["id"]): frozenset(entry["tags"]) & set(REQUIRED_TAGS)
        for entry in yaml.safe_load(SECOND.read_text(encoding="utf-8"))["labels"]
    }
    missing = sorted(set(second) - set(first))
    if missing:
        print(f"ERREUR éléments absents du corpus : {', '.join(missing)}", file=sys.stderr)
        return 2
    ids = sorted(second)
    n = len(ids)
    print(f"{n} éléments lus deux fois ({SECOND.relative_to(ROOT)})")
    print(f"{'thème':<16} {'1re':>4} {'2e':>4} {'deux':>5} {'F1':>6} {'kappa':>6}")
    total_tp = total_fp = total_fn = 0
    for tag in REQUIRED_TAGS:
        a = [tag in first[i] for i in ids]
        b = [tag in second[i] for i in ids]
        tp = sum(x and y for x, y in zip(a, b, strict=True))
        fp = sum(y and not x for x, y in zip(a, b, strict=True))
        fn = sum(x and not y for x, y in zip(a, b, strict=True))
        tn = n - tp - fp - fn
        observed = (tp + tn) / n
        chance = ((tp + fn) * (tp + fp) + (tn + fp) * (tn + fn)) / (n * n)
        kappa = (observed - chance) / (1 - chance) if chance < 1 else 1.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
        print(f"{tag:<16} {tp + fn:>4} {tp + fp:>4} {tp:>5} {f1:>6.3f} {kappa:>6.3f}")
    micro = 2 * total_tp / (2 * total_tp + total_fp + total_fn)
    print(f"{'micro':<16} {'':>4} {'':>4} {'':>5} {micro:>6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
