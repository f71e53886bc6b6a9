"""Command line: ``python -m generator COMMAND``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.tags import bench_tagging
from generator.cli.benchmarks import add_commands as add_bench_commands
from generator.cli.demos import add_commands as add_demo_commands
from generator.cli.email_edition import add_commands as add_email_commands
from generator.cli.french_argparse import install as french_argparse
from generator.cli.importing import add_commands as add_import_commands
from generator.cli.tagging import DEFAULT_CORPUS, evaluate_corpus
from generator.cli.tagging import add_commands as add_tagging_commands
from generator.content.loader import load_content, load_feeds, read_text
from generator.errors import ContentError, GeneratorError
from generator.models import Content, FeedConfig, Kind
from generator.pages.build import generate
from generator.pages.links import UrlStyle
from generator.pages.output import write_pages
from generator.themes import catalog
from generator.themes.evaluation import parse_gold, predict, score, split_of, table
from generator.themes.taxonomy import REQUIRED_TAGS
from generator.veille.ingest import FeedResult, ingest_feeds

DESCRIPTION = (
    "Le générateur de l'infolettre : pages, veille, thèmes, démonstrations et édition par "
    "courriel. « python -m generator COMMANDE --help » détaille une commande."
)
"""What ``python -m generator --help`` says first."""


def _content_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DOSSIER",
        help="dossier du contenu (content/)",
    )


def cmd_build(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    urls = UrlStyle(directory_urls=args.directory_urls, post_url_format=args.post_url_format)
    generated = generate(content, now=datetime.now(UTC), include_drafts=args.drafts, urls=urls)
    for warning in generated.warnings:
        print(f"AVERTISSEMENT {warning}", file=sys.stderr)
    written, unchanged = write_pages(generated.pages, args.out)
    print(
        f"{len(generated.pages)} fichiers dans {args.out} ({written} écrits, {unchanged} inchangés)"
    )
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    now = datetime.now(UTC)
    content = replace(content, posts=catalog.visible_posts(content, now=now))
    entries = catalog.build_entries(content)
    index = catalog.tag_entries(content, entries)
    if args.explain:
        return _explain(content, entries, index, args.explain)
    rows: list[dict[str, Any]] = [
        {
            "id": e.id,
            "source": e.source,
            "kind": e.kind.value,
            "title": e.title,
            "date": e.date.isoformat() if e.date else None,
            "tags": list(index.tags_of(e.id)),
        }
        for e in entries
    ]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for row in rows:
            print(f"{row['id']}: {', '.join(row['tags']) or '—'}")
    return 0


def _explain(
    content: Content, entries: list[catalog.Entry], index: catalog.TagIndex, item_id: str
) -> int:
    entry = next((e for e in entries if e.id == item_id), None)
    if entry is None:
        print(f"ERREUR contenu inconnu : « {item_id} » (voir `tags` pour les ids)", file=sys.stderr)
        return 1
    print(f"{entry.id} — {entry.title}")
    for decision in index.decisions[entry.id]:
        rule = content.taxonomy.get(decision.tag_id)
        verdict = "OUI" if decision.assigned else "non"
        why = ""
        if decision.forbidden:
            why = " (interdit par l'éditeur)"
        elif decision.forced:
            why = " (imposé par l'éditeur ou la source)"
        label = rule.label if rule else decision.tag_id
        print(
            f"\n[{verdict}] {decision.tag_id} « {label} » : score {decision.score:g}, "
            f"seuil {decision.threshold:g}{why}"
        )
        for hit in sorted(decision.hits, key=lambda h: (-abs(h.weight), h.term, h.field)):
            print(
                f"    {hit.term!r:<32} {hit.field:<10} ×{hit.occurrences:<3} poids {hit.weight:+g}"
            )
    return 0


def cmd_eval_tags(args: argparse.Namespace) -> int:
    gold_path: Path = args.gold
    if gold_path.is_dir():
        return evaluate_corpus(
            args.content, gold_path, split=args.split or "test", loso=args.loso, errors=args.errors
        )
    if args.loso:
        print("ERREUR --loso demande un dossier de corpus (sources dev/ et test/)", file=sys.stderr)
        return 2
    content = load_content(args.content)
    entries = {e.id: e for e in catalog.build_entries(content)}
    gold = parse_gold(read_text(gold_path), gold_path, content.taxonomy)
    if args.split in ("dev", "test"):
        gold = [g for g in gold if split_of(g.id) == args.split]
    missing = [g.id for g in gold if not g.text and g.id not in entries]
    if missing:
        print(f"ERREUR {gold_path}: ids inconnus : {', '.join(missing)}", file=sys.stderr)
        return 1
    predicted = predict(content.taxonomy, gold, entries)
    required = [t for t in REQUIRED_TAGS]
    others = [t.id for t in content.taxonomy.tags if t.id not in required]
    print(f"{len(gold)} éléments étiquetés ({gold_path})\n")
    print("Thèmes requis")
    print(table(score(gold, predicted, required)))
    print("\nTous les thèmes")
    print(table(score(gold, predicted, required + others)))
    if args.errors:
        print("\nErreurs")
        for item in gold:
            wrong = item.tags ^ predicted[item.id]
            if wrong:
                extra = ", ".join(sorted(predicted[item.id] - item.tags)) or "—"
                lacking = ", ".join(sorted(item.tags - predicted[item.id])) or "—"
                print(f"  {item.id}: en trop {extra} ; manquants {lacking}")
    return 0


def cmd_bench_tags(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    entries = catalog.build_entries(content)
    corpus = [
        (
            "articles de veille de l'archive",
            [catalog.document(e) for e in entries if e.kind is Kind.FEED_ITEM],
        ),
        ("tout le contenu (toutes sortes)", [catalog.document(e) for e in entries]),
    ]
    report = bench_tagging(
        content.taxonomy,
        items=args.items,
        body_chars=args.size,
        corpus=corpus,
        processes=args.processes,
    )
    print(report)
    return 0


def _load_feeds(content_root: Path) -> tuple[Path, tuple[FeedConfig, ...]]:
    """The content folder, resolved, and its feeds: all that ingestion reads of it."""
    root = content_root.resolve()
    if not root.is_dir():
        raise ContentError(root, "dossier de contenu introuvable")
    return root, load_feeds(root)


def _run_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible archives: same run, same bytes)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise GeneratorError(
                f"SOURCE_DATE_EPOCH « {epoch} » : nombre de secondes depuis 1970 attendu"
            ) from None
    return datetime.now(UTC).replace(microsecond=0)


def _print_result(result: FeedResult) -> None:
    if result.report:
        r = result.report
        note = " (non modifié, HTTP 304)" if result.not_modified else ""
        skipped = f", {r.skipped} ignorés (sans texte)" if r.skipped else ""
        print(
            f"{result.feed_id}: {r.new} nouveaux, {r.updated} mis à jour, "
            f"{r.unchanged} inchangés{skipped}{note}"
        )
        if r.kept:
            why = (
                "document mal formé"
                if result.error
                else "la nouvelle version perd plus de la moitié du texte"
            )
            shown = ", ".join(r.kept[:5]) + (", …" if len(r.kept) > 5 else "")
            print(
                f"{result.feed_id}: AVERTISSEMENT {len(r.kept)} articles archivés gardés "
                f"tels quels ({why}) : {shown}",
                file=sys.stderr,
            )
    if result.error:
        print(f"{result.feed_id}: ERREUR {result.error}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    root, all_feeds = _load_feeds(args.content)
    feeds = [feed for feed in all_feeds if not args.feed or feed.id == args.feed]
    if args.feed and not feeds:
        print(f"ERREUR flux inconnu : « {args.feed} »", file=sys.stderr)
        return 1
    results = ingest_feeds(root, feeds, offline=args.offline, now=_run_time(), progress=sys.stderr)
    failures = 0
    for result in results:
        failures += bool(result.error)
        _print_result(result)
    print(f"{len(results)} flux : {len(results) - failures} lus, {failures} en erreur")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    french_argparse()
    parser = argparse.ArgumentParser(prog="python -m generator", description=DESCRIPTION)
    sub = parser.add_subparsers(
        dest="command", required=True, title="commandes", metavar="COMMANDE"
    )

    build = sub.add_parser("build", help="écrit les pages normalisées dans un dossier")
    _content_arg(build)
    build.add_argument(
        "--out", type=Path, required=True, metavar="DOSSIER", help="dossier de sortie"
    )
    build.add_argument(
        "--drafts", action="store_true", help="inclut brouillons et billets datés du futur"
    )
    # The links of the generated HTML are final URLs: they follow how the renderer
    # publishes pages (generator/pages/links.py).
    build.add_argument(
        "--no-directory-urls",
        dest="directory_urls",
        action="store_false",
        help="pages publiées en a/b.html (use_directory_urls: false) plutôt qu'en a/b/",
    )
    build.add_argument(
        "--post-url-format",
        default="{slug}",
        metavar="FORMAT",
        help="adresse des infolettres sous infolettre/ (post_url_format du blog de Material, "
        "« {slug} » par défaut) ; vide pour un moteur sans ce blog (infolettre/posts/<slug>/)",
    )
    build.set_defaults(func=cmd_build)

    tags = sub.add_parser("tags", help="liste les contenus et leurs thèmes")
    _content_arg(tags)
    tags.add_argument("--json", action="store_true", help="sortie JSON")
    tags.add_argument("--explain", metavar="ID", help="détaille le score de chaque thème")
    tags.set_defaults(func=cmd_tags)

    evaluate = sub.add_parser("eval-tags", help="précision, rappel et F1 sur un jeu étiqueté")
    _content_arg(evaluate)
    evaluate.add_argument(
        "gold",
        type=Path,
        metavar="CORPUS",
        nargs="?",
        default=DEFAULT_CORPUS,
        help="dossier du corpus étiqueté (sources dev/ et test/, par défaut "
        f"{DEFAULT_CORPUS}) ou fichier YAML des étiquettes de référence du contenu",
    )
    evaluate.add_argument("--errors", action="store_true", help="liste les erreurs")
    evaluate.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        help="partie mesurée : pour un corpus, ses sources dev/ ou test/ (test par défaut) ; "
        "pour un fichier, la moitié fixée par l'id",
    )
    evaluate.add_argument(
        "--loso",
        action="store_true",
        help="corpus : validation croisée par source sur dev (une source tenue à l'écart)",
    )
    evaluate.set_defaults(func=cmd_eval_tags)

    bench = sub.add_parser("bench-tags", help="mesure le débit de l'étiquetage")
    _content_arg(bench)
    bench.add_argument(
        "--items", type=int, default=5000, metavar="NOMBRE", help="nombre d'articles"
    )
    bench.add_argument(
        "--size",
        type=int,
        default=10000,
        metavar="NOMBRE",
        help="caractères du texte des articles synthétiques",
    )
    bench.add_argument(
        "--processes",
        type=int,
        metavar="NOMBRE",
        help="processus (par défaut : les cœurs de la machine)",
    )
    bench.set_defaults(func=cmd_bench_tags)

    ingest = sub.add_parser("ingest", help="met à jour l'archive de la veille")
    _content_arg(ingest)
    ingest.add_argument(
        "--offline", action="store_true", help="lit les instantanés locaux au lieu du réseau"
    )
    ingest.add_argument("--feed", metavar="ID", help="un seul flux, par son id")
    ingest.set_defaults(func=cmd_ingest)

    add_import_commands(sub)  # import-dump, import-email, opml-export, opml-import
    add_tagging_commands(sub)  # train-tags
    add_demo_commands(sub)  # demos list, demos run, demos freeze
    add_email_commands(sub)  # email
    add_bench_commands(sub)  # bench

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except GeneratorError as err:
        print(f"ERREUR {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader stopped early (``… | head``): not an error of ours. Python would
        # complain again when flushing stdout at exit, so stdout goes to /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
