"""What the online ingestion remembers of each feed, in ``content/archive/state.json``.

One JSON object maps each feed id to its state: the last successful fetch, the last
error and HTTP status, and the validators (``ETag``, ``Last-Modified``) sent back for a
conditional GET. A missing file is an empty state; an empty or corrupt one stops the
ingestion with its name, it is never silently reset.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.content.loader import ARCHIVE_DIR
from generator.errors import ContentError
from generator.files import write_atomic

STATE_FILE = "state.json"
_KEYS = ("last_success", "last_error", "last_status", "etag", "last_modified")


@dataclass(frozen=True, kw_only=True)
class FeedState:
    """The remembered state of one feed."""

    last_success: datetime | None = None
    last_error: str = ""
    last_status: int | None = None
    etag: str = ""
    last_modified: str = ""


def state_path(content_root: Path) -> Path:
    """Where the state file lives."""
    return content_root / ARCHIVE_DIR / STATE_FILE


def _state_from(raw: Any, path: Path, feed_id: str) -> FeedState:
    if not isinstance(raw, dict):
        raise ContentError(path, "l'état d'un flux doit être un objet JSON", key=feed_id)
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise ContentError(path, f"clé inconnue « {unknown[0]} »", key=feed_id)
    for key in ("last_error", "etag", "last_modified"):
        if not isinstance(raw.get(key, ""), str):
            raise ContentError(path, f"« {key} » doit être un texte", key=feed_id)
    status = raw.get("last_status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise ContentError(path, "« last_status » doit être un entier", key=feed_id)
    success = raw.get("last_success")
    when: datetime | None = None
    if success is not None:
        try:
            when = datetime.fromisoformat(str(success))
        except ValueError:
            raise ContentError(
                path, f"« last_success » n'est pas une date ISO : {success!r}", key=feed_id
            ) from None
        if when.tzinfo is None:
            raise ContentError(path, "« last_success » doit porter un fuseau", key=feed_id)
    return FeedState(
        last_success=when,
        last_error=raw.get("last_error", ""),
        last_status=status,
        etag=raw.get("etag", ""),
        last_modified=raw.get("last_modified", ""),
    )


def loads(text: str, path: Path) -> dict[str, FeedState]:
    """Parse the state file's text. Pure.

    Raises:
        ContentError: Empty, not JSON, or not the expected shape, naming ``path``.
    """
    if not text.strip():
        raise ContentError(path, "fichier d'état vide (supprimez-le pour repartir de zéro)")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise ContentError(path, f"JSON invalide : {err.msg}", line=err.lineno) from None
    if not isinstance(raw, dict):
        raise ContentError(path, "l'état doit être un objet JSON (id du flux → état)")
    return {str(feed_id): _state_from(value, path, str(feed_id)) for feed_id, value in raw.items()}


def dumps(states: Mapping[str, FeedState]) -> str:
    """Serialize the states, sorted by feed id, as stable JSON. Pure."""
    raw = {
        feed_id: {
            "last_success": state.last_success.isoformat() if state.last_success else None,
            "last_error": state.last_error,
            "last_status": state.last_status,
            "etag": state.etag,
            "last_modified": state.last_modified,
        }
        for feed_id, state in sorted(states.items())
    }
    return json.dumps(raw, ensure_ascii=False, indent=2) + "\n"


def load_state(path: Path) -> dict[str, FeedState]:
    """Read the state file; a missing file is an empty state.

    Raises:
        ContentError: The file is empty, corrupt or unreadable, naming it.
    """
    if not path.exists():
        return {}
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ContentError(path, "fichier d'état illisible (pas de l'UTF-8)") from None
    except OSError as err:
        raise ContentError(path, f"fichier d'état illisible : {err.strerror}") from None
    return loads(text, path)


def save_state(path: Path, states: Mapping[str, FeedState]) -> bool:
    """Write the state file atomically; ``True`` if it changed."""
    return write_atomic(path, dumps(states))
