"""Commands that bring outside material in: reader dumps, e-mailed newsletters, OPML.

Registered on ``python -m generator`` by :func:`add_commands`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from generator.content.dates import parse_date
from generator.content.loader import load_content, read_text
from generator.errors import ContentError, GeneratorError
from generator.files import write_atomic
from generator.models import FeedConfig
from generator.veille.archive import MergeReport
from generator.veille.dump import parse_dump
from generator.veille.feeds_config import parse_feeds
from generator.veille.importers import dump_items, letter_item, read_letter, store
from generator.veille.net_guard import OPT_IN
from generator.veille.opml import (
    append_feed_entries,
    new_subscriptions,
    parse_opml,
    public_subscriptions,
    render_opml,
)


def _feed(content_root: Path, feed_id: str) -> tuple[Path, FeedConfig]:
    content = load_content(content_root)
    for feed in content.feeds:
        if feed.id == feed_id:
            return content.root, feed
    known = ", ".join(feed.id for feed in content.feeds) or "aucun"
    raise ContentError(
        content.root / "feeds.yml", f"source « {feed_id} » non déclarée (sources : {known})"
    )


def _report(feed_id: str, report: MergeReport) -> None:
    print(
        f"{feed_id}: {report.new} nouveaux, {report.updated} mis à jour, "
        f"{report.unchanged} inchangés"
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def cmd_import_dump(args: argparse.Namespace) -> int:
    root, feed = _feed(args.content, args.feed)
    articles = parse_dump(read_text(args.file))
    if not articles:
        raise ContentError(args.file, "aucun article trouvé (ligne de date française attendue)")
    _report(feed.id, store(root, feed, dump_items(articles, feed, now=_now())))
    return 0


def cmd_import_email(args: argparse.Namespace) -> int:
    root, source = _feed(args.content, args.source)
    published = None
    if args.date:
        try:
            published = parse_date(args.date)
        except ValueError as err:
            raise GeneratorError(f"--date : {err}") from err
    item = letter_item(
        read_letter(args.file), source, now=_now(), title=args.title or "", published=published
    )
    _report(source.id, store(root, source, [item]))
    return 0


def _feeds_file(content_root: Path) -> tuple[Path, str, tuple[FeedConfig, ...]]:
    root = content_root.resolve()
    path = root / "feeds.yml"
    text = read_text(path) if path.is_file() else ""
    feeds = parse_feeds(text, path, content_root=root) if text.strip() else ()
    return path, text, feeds


def cmd_opml_export(args: argparse.Namespace) -> int:
    _, _, feeds = _feeds_file(args.content)
    sys.stdout.write(render_opml(feeds, title=args.title))
    return 0


def cmd_opml_import(args: argparse.Namespace) -> int:
    path, text, feeds = _feeds_file(args.content)
    try:
        data = args.file.read_bytes()
    except OSError as err:
        raise ContentError(args.file, f"lecture impossible : {err.strerror}") from err
    found, refused = public_subscriptions(parse_opml(data))
    for url, reason in refused:
        print(
            f"AVERTISSEMENT {url} ignorée : {reason} (un flux interne se déclare à la main "
            f"dans feeds.yml, avec « {OPT_IN} »)",
            file=sys.stderr,
        )
    entries, skipped = new_subscriptions(feeds, found)
    skipped += len(refused)
    if entries:
        updated = append_feed_entries(text, entries)
        # The appended text must read back as the old feeds plus the new ones.
        check = parse_feeds(updated, path, content_root=path.parent)
        if [f.id for f in check] != [f.id for f in feeds] + [e["id"] for e in entries]:
            raise ContentError(path, "ajout impossible : « feeds » doit être la dernière clé")
        write_atomic(path, updated)
    for entry in entries:
        print(f"+ {entry['id']}: {entry['url']}")
    print(f"{len(entries)} abonnements ajoutés, {skipped} déjà suivis ou ignorés")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``import-dump``, ``import-email``, ``opml-export`` and ``opml-import``."""

    def content_arg(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--content", type=Path, default=Path("content"), help="dossier du contenu (content/)"
        )

    dump = sub.add_parser("import-dump", help="archive les articles d'une copie de lecteur")
    dump.add_argument("file", type=Path, help="copie texte de la vue d'un lecteur de flux")
    dump.add_argument("--feed", required=True, help="id du flux (content/feeds.yml)")
    content_arg(dump)
    dump.set_defaults(func=cmd_import_dump)

    mail = sub.add_parser("import-email", help="archive une infolettre reçue par courriel")
    mail.add_argument("file", type=Path, help="message .eml ou texte brut")
    mail.add_argument("--source", required=True, help="id de la source (content/feeds.yml)")
    mail.add_argument("--title", help="titre (texte brut : sinon la première ligne)")
    mail.add_argument("--date", help="date de parution (AAAA-MM-JJ[THH:MM])")
    content_arg(mail)
    mail.set_defaults(func=cmd_import_email)

    export = sub.add_parser("opml-export", help="écrit les flux suivis en OPML 2.0")
    export.add_argument("--title", default="Veille de l'infolettre", help="titre de la liste")
    content_arg(export)
    export.set_defaults(func=cmd_opml_export)

    opml_import = sub.add_parser("opml-import", help="ajoute à feeds.yml les flux d'un OPML")
    opml_import.add_argument("file", type=Path, help="export OPML d'un lecteur de flux")
    content_arg(opml_import)
    opml_import.set_defaults(func=cmd_opml_import)
