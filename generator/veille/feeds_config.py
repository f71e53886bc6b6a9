"""Read the subscriptions declared in ``content/feeds.yml``."""

from __future__ import annotations

import re
from pathlib import Path

from generator.content import frontmatter
from generator.errors import ContentError
from generator.models import FeedConfig
from generator.veille.net_guard import OPT_IN, refused_host
from generator.veille.sanitize import safe_url

_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_ID = 100
"""Longest feed id: it names a folder, and its items' files inside it."""


def _check_id(feed_id: str, path: Path, key: str) -> None:
    shown = feed_id if len(feed_id) <= 60 else feed_id[:59] + "…"
    if len(feed_id) > MAX_ID:
        raise ContentError(
            path, f"id « {shown} » trop long ({len(feed_id)} caractères, {MAX_ID} au plus)", key=key
        )
    if not _ID.match(feed_id):
        raise ContentError(
            path,
            f"id « {shown} » invalide : minuscules sans accent, chiffres, et « - » ou « _ » "
            "entre eux (ni « / », ni « . », ni espace)",
            key=key,
        )


def _snapshot(raw: object, path: Path, content_root: Path, key: str) -> Path:
    """The snapshot file, which must lie inside ``content_root``."""
    text = str(raw)
    if Path(text).is_absolute():
        raise ContentError(
            path, f"chemin « {text} » absolu : relatif au dossier du contenu attendu", key=key
        )
    root = content_root.resolve()
    resolved = (root / text).resolve()
    if not resolved.is_relative_to(root):
        raise ContentError(path, f"chemin « {text} » hors du dossier du contenu ({root})", key=key)
    if not resolved.is_file():
        raise ContentError(path, f"fichier « {text} » introuvable", key=key)
    return resolved


def parse_feeds(text: str, path: Path, *, content_root: Path) -> tuple[FeedConfig, ...]:
    """Parse ``feeds.yml``; snapshot paths resolve against ``content_root``.

    Raises:
        ContentError: Invalid YAML, a missing key, an id too long or with other
            characters than lower-case letters, digits, ``-`` and ``_``, a non-http(s)
            URL (none is needed for ``kind: email``), a URL whose host is a non-public
            address or ``localhost`` without ``allow_private: true``, an
            ``allow_private`` that is not a boolean, a ``kind`` other than
            ``feed``/``email``, a duplicate id, a ``content`` other than
            ``full``/``summary``, or a snapshot path that is absolute, outside
            ``content_root`` or missing.
    """
    data = frontmatter.parse(text, path)
    raw_feeds = data.get("feeds") or []
    if not isinstance(raw_feeds, list):
        raise ContentError(path, "une liste est attendue", key="feeds")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_feeds):
        where = f"feeds[{index}]"
        if not isinstance(raw, dict):
            raise ContentError(path, "chaque flux est un dictionnaire", key=where)
        feed_id = str(raw.get("id", ""))
        _check_id(feed_id, path, f"{where}.id")
        if feed_id in seen:
            raise ContentError(path, f"id « {feed_id} » déclaré deux fois", key=f"{where}.id")
        seen.add(feed_id)
        kind = str(raw.get("kind", "feed"))
        if kind not in ("feed", "email"):
            raise ContentError(path, "« feed » ou « email » attendu", key=f"{where}.kind")
        url = str(raw.get("url", ""))
        if not safe_url(url) and not (kind == "email" and not url):
            raise ContentError(path, f"URL « {url} » : http ou https attendu", key=f"{where}.url")
        allow_private = raw.get("allow_private", False)
        if not isinstance(allow_private, bool):
            raise ContentError(path, "true ou false attendu", key=f"{where}.allow_private")
        refused = refused_host(url) if url and not allow_private else ""
        if refused:
            raise ContentError(
                path,
                f"URL « {url} » refusée : {refused} ; pour un flux interne, "
                f"ajouter « {OPT_IN} » à ce flux",
                key=f"{where}.url",
            )
        snapshot = raw.get("snapshot")
        snapshot_path = None
        if snapshot:
            snapshot_path = _snapshot(snapshot, path, content_root, f"{where}.snapshot")
        mode = str(raw.get("content", "full"))
        if mode not in ("full", "summary"):
            raise ContentError(path, "« full » ou « summary » attendu", key=f"{where}.content")
        tags = raw.get("tags") or []
        if not isinstance(tags, list):
            raise ContentError(path, "une liste est attendue", key=f"{where}.tags")
        feeds.append(
            FeedConfig(
                id=feed_id,
                title=str(raw.get("title") or feed_id),
                url=url,
                site_url=safe_url(str(raw.get("site_url", ""))),
                snapshot=snapshot_path,
                licence=str(raw.get("licence", "")),
                content=mode,
                tags=tuple(str(t) for t in tags),
                kind=kind,
                allow_private=allow_private,
            )
        )
    return tuple(feeds)
