"""Benchmarks: figures printed, never asserted (tests check behaviour, not speed)."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from generator.models import Taxonomy
from generator.parallel import cpu_count, map_forked, processes_for
from generator.themes.tagger import Document, decide, pack_decisions, unpack_decisions

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


def _rate(taxonomy: Taxonomy, documents: Sequence[Document], processes: int) -> str:
    decide(taxonomy, documents[0])  # compile the vocabulary outside the timing
    used = processes_for(len(documents), processes=processes)
    started = time.perf_counter()
    map_forked(
        lambda document: decide(taxonomy, document),
        documents,
        processes=processes,
        pack=pack_decisions,
        unpack=unpack_decisions,
    )
    elapsed = time.perf_counter() - started
    rate = f"{len(documents) / elapsed:,.0f}".replace(",", "\u202f")
    return f"{used} processus : {rate} articles/s ({elapsed:.3f} s)"


def bench_tagging(
    taxonomy: Taxonomy,
    *,
    items: int,
    body_chars: int,
    corpus: Sequence[tuple[str, Sequence[Document]]] = (),
    processes: int | None = None,
) -> str:
    """Time the tagger on ``items`` documents; returns a printable report.

    Each set is timed in one process, then spread over ``processes`` (default: the
    machine's cores) as the build does: synthetic documents of ``body_chars`` characters
    of HTML body, then each named set of ``corpus`` (the project's own items) repeated up
    to ``items``.
    """
    wanted = processes if processes is not None else cpu_count()
    runs = [("articles synthétiques", synthetic_documents(items, body_chars=body_chars))]
    for label, documents in corpus:
        if documents:
            runs.append((label, [documents[n % len(documents)] for n in range(items)]))
    lines = [f"étiquetage de {items} articles, {len(taxonomy.tags)} thèmes"]
    for label, documents in runs:
        sizes = sorted(len(d.title) + len(d.summary) + len(d.body) for d in documents)
        lines.append(
            f"  {label} : {sizes[0]}–{sizes[-1]} caractères (titre, résumé, corps), "
            f"médiane {sizes[len(sizes) // 2]}, moyenne {sum(sizes) // len(sizes)}"
        )
        lines.append(f"    {_rate(taxonomy, documents, 1)}")
        if processes_for(len(documents), processes=wanted) > 1:
            lines.append(f"    {_rate(taxonomy, documents, wanted)}")
        elif wanted > 1:
            lines.append("    (trop peu d'articles, ou pas de fork ici, pour un 2e processus)")
    return "\n".join(lines)
