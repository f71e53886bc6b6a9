"""Command line: ``python -m generator COMMAND``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import catalog
from .cli_import import add_commands as add_import_commands
from .errors import GeneratorError
from .ingest import ingest_feeds
from .loader import load_content
from .output import write_pages
from .pages import generate


def _content_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content", type=Path, default=Path("content"), help="dossier du contenu (content/)"
    )


def cmd_build(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    generated = generate(content, now=datetime.now(UTC), include_drafts=args.drafts)
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


def cmd_ingest(args: argparse.Namespace) -> int:
    content = load_content(args.content)
    feeds = [feed for feed in content.feeds if not args.feed or feed.id == args.feed]
    if args.feed and not feeds:
        print(f"ERREUR flux inconnu : « {args.feed} »", file=sys.stderr)
        return 1
    now = datetime.now(UTC).replace(microsecond=0)
    results = ingest_feeds(content.root, feeds, offline=args.offline, now=now, progress=sys.stderr)
    failures = 0
    for result in results:
        if result.error:
            failures += 1
            print(f"{result.feed_id}: ERREUR {result.error}", file=sys.stderr)
        elif result.report:
            r = result.report
            note = " (non modifié, HTTP 304)" if result.not_modified else ""
            print(
                f"{result.feed_id}: {r.new} nouveaux, {r.updated} mis à jour, "
                f"{r.unchanged} inchangés{note}"
            )
    print(f"{len(results)} flux : {len(results) - failures} lus, {failures} en erreur")
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="écrit les pages normalisées dans un dossier")
    _content_arg(build)
    build.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    build.add_argument(
        "--drafts", action="store_true", help="inclut brouillons et billets datés du futur"
    )
    build.set_defaults(func=cmd_build)

    tags = sub.add_parser("tags", help="liste les contenus et leurs thèmes")
    _content_arg(tags)
    tags.add_argument("--json", action="store_true", help="sortie JSON")
    tags.set_defaults(func=cmd_tags)

    ingest = sub.add_parser("ingest", help="met à jour l'archive de la veille")
    _content_arg(ingest)
    ingest.add_argument(
        "--offline", action="store_true", help="lit les instantanés locaux au lieu du réseau"
    )
    ingest.add_argument("--feed", help="un seul flux, par son id")
    ingest.set_defaults(func=cmd_ingest)

    add_import_commands(sub)  # import-dump, import-email, opml-export, opml-import

    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except GeneratorError as err:
        print(f"ERREUR {err}", file=sys.stderr)
        return 1
