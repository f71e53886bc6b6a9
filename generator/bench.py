"""Benchmarks: figures printed, never asserted (tests check behaviour, not speed)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from .models import Taxonomy
from .tagger import Document, decide

# Words of the project's own French content, so that folding, apostrophes and term
# matching do realistic work; vocabulary terms appear at a realistic rate.
_WORDS = [
    "l’",
    "intelligence",
    "artificielle",
    "modèles",
    "de",
    "langage",
    "données",
    "ouvertes",
    "réseau",
    "statistique",
    "publique",
    "événement",
    "atelier",
    "inscription",
    "journée",
    "présentation",
    "code",
    "source",
    "libre",
    "logiciel",
    "entraînement",
    "apprentissage",
    "profond",
    "réseaux",
    "neurones",
    "calcul",
    "GPU",
    "licence",
    "open",
    "source",
    "communauté",
    "publication",
    "chercheurs",
    "université",
    "développement",
    "outils",
    "plateforme",
    "confidentialité",
    "régulation",
    "européenne,",
    "«",
    "les",
    "»",
    "des",
    "une",
    "qu’",
    "il",
    "elle",
    "nous",
    "à",
    "été",
    "également",
    "dans",
    "pour",
    "avec",
    "sur",
    "par",
    "est",
    "sont",
    "être",
    "avoir",
    "fait",
    "comme",
    "plus",
    "très",
    "leur",
    "cette",
]


def synthetic_documents(count: int, *, body_chars: int, seed: int = 0) -> list[Document]:
    """French-like documents of about ``body_chars`` characters of HTML body."""
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    documents = []
    for n in range(count):
        words: list[str] = []
        length = 0
        while length < body_chars:
            sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20)))
            paragraph = f"<p>{sentence.capitalize()}.</p>"
            words.append(paragraph)
            length += len(paragraph) + 1
        documents.append(
            Document(
                title=" ".join(rng.choice(_WORDS) for _ in range(8)),
                summary=" ".join(rng.choice(_WORDS) for _ in range(40)),
                body="\n".join(words),
                published=start + timedelta(hours=n),
            )
        )
    return documents


def bench_tagging(taxonomy: Taxonomy, *, items: int, body_chars: int) -> str:
    """Time the tagger on ``items`` synthetic documents; returns a printable report."""
    documents = synthetic_documents(items, body_chars=body_chars)
    decide(taxonomy, documents[0])  # compile the vocabulary outside the timing
    started = time.perf_counter()
    for document in documents:
        decide(taxonomy, document)
    elapsed = time.perf_counter() - started
    rate = f"{items / elapsed:,.0f}".replace(",", "\u202f")
    return (
        f"étiquetage : {items} articles de {body_chars} caractères (titre, résumé de 40 mots), "
        f"{len(taxonomy.tags)} thèmes\n"
        f"  {elapsed:.3f} s, {rate} articles/s"
    )
