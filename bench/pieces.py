"""What each piece of work done beside the build's main process saves: full builds of one
synthetic site with every piece on, each piece off in turn, and all off, interleaved.

Each round builds the site once per setting, in an order that turns from one round to
the next (so that a slow phase of the machine does not fall on one setting), from an
empty cache every time. The report gives each setting's median, its spread, and what
turning the piece off costs against the median with every piece on.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bench.site import build, make_project
from generator.content.loader import load_feeds
from generator.parallel import OFF_VARIABLE, PIECES
from generator.veille.ingest import ingest_feeds

ALL_ON = ""
ALL_OFF = "all"
KEEP_THRESHOLD = 0.05
"""A piece is worth keeping when turning it off costs at least this share of the build."""


@dataclass(kw_only=True)
class Timings:
    """The build times of one setting (``OFF_VARIABLE``'s value), in seconds."""

    off: str
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median build time."""
        return statistics.median(self.seconds)


def settings(groups: Sequence[str] = ()) -> list[str]:
    """Every setting measured: all on, each piece off (or each group of ``groups``:
    pieces separated by commas, off together), all off.

    Raises:
        ValueError: A group names no piece, or one that does not exist.
    """
    if not groups:
        return [ALL_ON, *PIECES, ALL_OFF]
    checked = []
    for group in groups:
        names = [name.strip() for name in group.split(",") if name.strip()]
        unknown = [name for name in names if name not in PIECES]
        if not names or unknown:
            raise ValueError(f"groupe « {group} » : pièces connues : {', '.join(PIECES)}")
        checked.append(",".join(names))
    return [ALL_ON, *checked, ALL_OFF]


def _label(off: str) -> str:
    if off == ALL_ON:
        return "tout en parallèle"
    if off == ALL_OFF:
        return "rien en parallèle"
    return f"sans {off}"


def measure(
    workdir: Path,
    *,
    items: int,
    posts: int,
    rounds: int,
    stream: TextIO,
    groups: Sequence[str] = (),
) -> list[Timings]:
    """Build one synthetic site ``rounds`` times per setting (:func:`settings`), interleaved."""
    project = make_project(workdir / f"site-{items}-{posts}", items=items, posts=posts)
    content = project / "content"
    ingest_feeds(content, load_feeds(content), offline=True, now=datetime(2026, 7, 1, tzinfo=UTC))
    timings = [Timings(off=off) for off in settings(groups)]
    for round_number in range(rounds):
        turn = round_number % len(timings)
        for timing in timings[turn:] + timings[:turn]:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            shutil.rmtree(project / "site", ignore_errors=True)
            stage = build(project, env={OFF_VARIABLE: timing.off})
            timing.seconds.append(stage.seconds)
            print(
                f"[tour {round_number + 1}/{rounds}] {_label(timing.off)} : {stage.seconds:.1f} s",
                file=stream,
                flush=True,
            )
    return timings


def report(timings: Sequence[Timings], *, items: int, posts: int) -> str:
    """The table: each setting's median, min–max, and cost against all on."""
    base = next(t for t in timings if t.off == ALL_ON).median
    width = max(22, *(len(_label(t.off)) for t in timings))
    lines = [
        f"{items} articles, {posts} infolettres : construction complète (cache vide), "
        f"médiane de {len(timings[0].seconds)} tours",
        f"  {'réglage':<{width}} {'médiane':>9} {'min–max':>15} {'coût':>8}  verdict",
    ]
    for timing in timings:
        cost = (timing.median - base) / base
        spread = f"{min(timing.seconds):.1f}–{max(timing.seconds):.1f} s"
        if timing.off in (ALL_ON, ALL_OFF):
            verdict = ""
        else:
            verdict = "à garder" if cost >= KEEP_THRESHOLD else f"< {KEEP_THRESHOLD:.0%}"
        lines.append(
            f"  {_label(timing.off):<{width}} {timing.median:>7.1f} s {spread:>15} "
            f"{cost:>+7.1%}  {verdict}".rstrip()
        )
    return "\n".join(lines)


def run(
    *,
    items: int,
    posts: int,
    rounds: int,
    keep: Path | None,
    stream: TextIO,
    groups: Sequence[str] = (),
) -> str:
    """Measure and report; the sites go to ``keep`` or a temporary folder."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return report(
            measure(keep, items=items, posts=posts, rounds=rounds, stream=stream, groups=groups),
            items=items,
            posts=posts,
        )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-pieces-") as temp:
        return report(
            measure(
                Path(temp), items=items, posts=posts, rounds=rounds, stream=stream, groups=groups
            ),
            items=items,
            posts=posts,
        )
