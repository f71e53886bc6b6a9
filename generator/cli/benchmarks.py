"""The ``bench`` command: time the whole site at a given size (not a test)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench import pieces
from bench.site import parse_size, run


def cmd_bench(args: argparse.Namespace) -> int:
    try:
        sizes = [parse_size(text) for text in args.sizes] or [(args.items, args.posts)]
    except ValueError as err:
        print(f"ERREUR {err}", file=sys.stderr)
        return 2
    if args.rounds < 1:
        print("ERREUR --rounds : au moins 1", file=sys.stderr)
        return 2
    print(run(sizes, keep=args.keep, stream=sys.stderr, serve=args.serve, rounds=args.rounds))
    return 0


def cmd_bench_pieces(args: argparse.Namespace) -> int:
    if args.rounds < 1 or args.items < 1 or args.posts < 1:
        print("ERREUR --rounds, --items et --posts : au moins 1", file=sys.stderr)
        return 2
    try:
        pieces.settings(args.off)
    except ValueError as err:
        print(f"ERREUR --off : {err}", file=sys.stderr)
        return 2
    print(
        pieces.run(
            items=args.items,
            posts=args.posts,
            rounds=args.rounds,
            keep=args.keep,
            stream=sys.stderr,
            groups=args.off,
        )
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``bench``."""
    bench = sub.add_parser(
        "bench",
        help="mesure la construction du site sur un contenu synthétique",
        description=(
            "Construit un contenu synthétique (articles de veille, infolettres) dans un "
            "dossier temporaire et chronomètre chaque étape, plus un site MkDocs nu de même "
            "nombre de pages."
        ),
    )
    bench.add_argument("--items", type=int, default=1000, help="articles de veille")
    bench.add_argument("--posts", type=int, default=50, help="infolettres")
    bench.add_argument(
        "--sizes",
        nargs="+",
        default=[],
        metavar="ARTICLESxINFOLETTRES",
        help="plusieurs tailles dans la même exécution (ex. 1000x50 3000x200), pour la croissance",
    )
    bench.add_argument("--keep", type=Path, help="garde les sites construits dans ce dossier")
    bench.add_argument(
        "--rounds",
        type=int,
        default=3,
        help=(
            "tours du build complet (cache vide) et du site témoin, l'un après l'autre : "
            "chaque ratio est la médiane de ceux des tours"
        ),
    )
    bench.add_argument(
        "--serve",
        action="store_true",
        help=(
            "mesure aussi mkdocs serve (puis --dirty) : première page, puis page rechargée "
            "après la modification d'une infolettre"
        ),
    )
    bench.set_defaults(func=cmd_bench)
    measure = sub.add_parser(
        "bench-pieces",
        help="mesure ce que gagne chaque travail fait à côté du processus principal",
        description=(
            "Construit un même site synthétique avec tout en parallèle, sans chaque pièce "
            "à tour de rôle, puis sans aucune, en tours entrelacés, et donne la médiane de "
            "chaque réglage et son coût."
        ),
    )
    measure.add_argument("--items", type=int, default=3000, help="articles de veille")
    measure.add_argument("--posts", type=int, default=200, help="infolettres")
    measure.add_argument("--rounds", type=int, default=3, help="tours (médiane)")
    measure.add_argument("--keep", type=Path, help="garde le site construit dans ce dossier")
    measure.add_argument(
        "--off",
        action="append",
        default=[],
        metavar="PIÈCE,PIÈCE…",
        help=(
            "un réglage : ces pièces ensemble dans le processus principal (répétable) ; "
            "sans --off, chaque pièce à tour de rôle"
        ),
    )
    measure.set_defaults(func=cmd_bench_pieces)
