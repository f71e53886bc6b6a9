"""Read the subscriptions declared in ``content/feeds.yml``."""

from __future__ import annotations

import re
from pathlib import Path

from . import frontmatter
from .errors import ContentError
from .models import FeedConfig
from .sanitize import safe_url

_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def parse_feeds(text: str, path: Path, *, content_root: Path) -> tuple[FeedConfig, ...]:
    """Parse ``feeds.yml``; snapshot paths resolve against ``content_root``.

    Raises:
        ContentError: Invalid YAML, a missing key, a non-http(s) URL (none is needed for
            ``kind: email``), a ``kind`` other than ``feed``/``email``, a duplicate id,
            a ``content`` other than ``full``/``summary``, or a missing snapshot file.
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
        if not _ID.match(feed_id):
            raise ContentError(path, f"id « {feed_id} » invalide", key=f"{where}.id")
        if feed_id in seen:
            raise ContentError(path, f"id « {feed_id} » déclaré deux fois", key=f"{where}.id")
        seen.add(feed_id)
        kind = str(raw.get("kind", "feed"))
        if kind not in ("feed", "email"):
            raise ContentError(path, "« feed » ou « email » attendu", key=f"{where}.kind")
        url = str(raw.get("url", ""))
        if not safe_url(url) and not (kind == "email" and not url):
            raise ContentError(path, f"URL « {url} » : http ou https attendu", key=f"{where}.url")
        snapshot = raw.get("snapshot")
        snapshot_path = None
        if snapshot:
            snapshot_path = (content_root / str(snapshot)).resolve()
            if not snapshot_path.is_file():
                raise ContentError(
                    path, f"fichier « {snapshot} » introuvable", key=f"{where}.snapshot"
                )
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
            )
        )
    return tuple(feeds)
