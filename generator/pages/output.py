"""Write generated pages to a folder, touching only files whose bytes changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.files import write_many
from generator.models import OutPage


def write_pages(pages: Iterable[OutPage], out_dir: Path, *, prune: bool = True) -> tuple[int, int]:
    """Write ``pages`` under ``out_dir``.

    Unchanged files keep their modification time, so watchers and caches downstream
    see only real changes. With ``prune``, files left from an earlier run that are no
    longer generated are removed.

    Returns:
        ``(written, unchanged)`` counts.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = unchanged = 0
    expected: set[Path] = set()
    texts: dict[Path, str] = {}
    for page in pages:
        target = out_dir / page.path
        expected.add(target)
        if page.text is not None:
            texts[target] = page.text
            continue
        if page.source is not None:
            changed = not (
                target.is_file()
                and target.stat().st_size == page.source.stat().st_size
                and target.read_bytes() == page.source.read_bytes()
            )
            if changed:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page.source, target)
            written += changed
            unchanged += not changed
    # A cache rebuilt from content/: atomic replacement (MkDocs never reads half a file),
    # but no flush to disk.
    changed_texts = len(write_many(texts, durable=False))
    written += changed_texts
    unchanged += len(texts) - changed_texts
    if prune:
        # Deepest folders first, so that one left empty goes too (out_dir itself stays).
        for folder, _, names in os.walk(out_dir, topdown=False):
            for name in names:
                path = Path(folder, name)
                if path not in expected and path.is_file():
                    path.unlink()
            if Path(folder) != out_dir and not os.listdir(folder):
                os.rmdir(folder)
    return written, unchanged
