"""One run of the generator's per-build stages, in a process of its own.

A build reads ``content/``, tags every entry and generates the pages; MkDocs then renders
them. ``python -m bench.stages CONTENT NOW`` times those three stages once, from a fresh
process as a build starts (nothing read, tagged or compiled before), and prints their
seconds as JSON: the site bench runs it several times and keeps the median of each.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from generator.content.loader import load_content
from generator.pages.build import generate
from generator.themes.catalog import DecisionMemo, build_entries, tag_entries

READ, TAG, GENERATE = "lecture du contenu", "étiquetage", "génération des pages"
"""The stages' names, as the site bench reports them."""


def time_stages(content_root: Path, now: datetime) -> dict[str, float]:
    """Seconds of each stage on ``content_root``, the generation dated ``now``."""
    started = time.perf_counter()
    content = load_content(content_root)
    read = time.perf_counter() - started
    entries = build_entries(content)
    # As a build's first tagging: every text digested for the memo, every entry decided.
    started = time.perf_counter()
    tags = tag_entries(content, entries, memo=DecisionMemo())
    tagged = time.perf_counter() - started
    started = time.perf_counter()
    # The generation takes the tagging's decisions: each stage is timed once.
    generate(content, now=now, tags=tags)
    generated = time.perf_counter() - started
    return {READ: read, TAG: tagged, GENERATE: generated}


def main(argv: Sequence[str]) -> None:
    """``CONTENT NOW``: print the stages' seconds as JSON."""
    content_root, now = argv
    print(json.dumps(time_stages(Path(content_root), datetime.fromisoformat(now))))


if __name__ == "__main__":
    main(sys.argv[1:])
