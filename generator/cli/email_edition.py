"""``python -m generator email NUMBER --out DIR``: the email edition of an issue.

Registered on ``python -m generator`` by :func:`add_commands`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator.content.loader import load_posts
from generator.errors import PublishingError
from generator.models import Content
from generator.publish.email_edition import (
    MailSettings,
    build_edition,
    find_issue,
    site_files,
    write_edition,
)
from generator.publish.site_config import is_address, read_site_config
from generator.themes import catalog


def cmd_email(args: argparse.Namespace) -> int:
    site = read_site_config(args.config)
    site_dir: Path = args.site if args.site is not None else site.site_dir
    posts = load_posts(args.content.resolve())
    now = datetime.now(UTC).replace(microsecond=0)
    published = catalog.visible_posts(Content(root=args.content, posts=tuple(posts)), now=now)
    unpublished = [p for p in posts if p not in published]
    post = find_issue(published, args.number, unpublished=unpublished)
    for option, value in (("--from", args.sender), ("--to", args.recipient)):
        if value is not None and not is_address(value):
            raise PublishingError(f"{option} : « {value} » n'est pas une adresse électronique")
    settings = MailSettings.from_site(site, sender=args.sender, recipient=args.recipient)
    edition = build_edition(post, settings, files=site_files(site_dir), now=now)
    for warning in edition.warnings:
        print(f"AVERTISSEMENT {warning}", file=sys.stderr)
    for path in write_edition(edition, args.out):
        print(path)
    return 0


def add_commands(sub: Any) -> None:
    """Add the ``email`` command to the subparsers of ``python -m generator``."""
    email = sub.add_parser(
        "email",
        help="édition courriel d'une infolettre (HTML, texte, .eml, annonce)",
        description=(
            "Écrit dans DIR l'édition courriel d'une infolettre : infolettre-N.html (styles "
            "en ligne), infolettre-N.txt, infolettre-N.eml (prêt à ouvrir dans une "
            "messagerie) et infolettre-N-annonce.txt (pour un salon de discussion). Les liens "
            "et images sont vérifiés dans le site construit : lancez `make build` d'abord."
        ),
    )
    email.add_argument("number", type=int, help="numéro de l'infolettre (13 pour « #13 »)")
    email.add_argument("--out", type=Path, required=True, help="dossier de sortie")
    email.add_argument(
        "--site",
        type=Path,
        default=None,
        help="dossier du site construit (par défaut : site_dir de mkdocs.yml, site/)",
    )
    email.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="fichier mkdocs.yml")
    email.add_argument(
        "--content", type=Path, default=Path("content"), help="dossier du contenu (content/)"
    )
    email.add_argument(
        "--from",
        dest="sender",
        help="expéditeur (par défaut : extra.infolettre.email_from de mkdocs.yml)",
    )
    email.add_argument(
        "--to",
        dest="recipient",
        help="destinataire (par défaut : extra.infolettre.email_to de mkdocs.yml)",
    )
    email.set_defaults(func=cmd_email)
