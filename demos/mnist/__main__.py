"""``python -m demos.mnist --out DIR [--quick] [--param KEY=VALUE ...]``."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import asdict

from demos._support import backend as backends
from demos._support.cli import parse_args
from demos._support.outputs import Provenance, write_results

from . import PARAMS, experiment, report
from .data import load


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; 0 on success, 1 with a message on stderr on failure."""
    args = parse_args("mnist", PARAMS, argv)
    started = time.perf_counter()
    try:
        config = experiment.settings(args.params, args.quick)
        backend = backends.select(config.backend)
        data, data_notes = load(data_dir=config.data_dir)
    except (ValueError, RuntimeError) as err:  # DataError is a RuntimeError
        print(f"démonstration mnist : {err}", file=sys.stderr)
        return 1
    results = experiment.run(config, backend, data)
    metrics = experiment.metrics(results)
    figure_list = report.draw(args.out, results, config)
    notes = [*backend.notes, *data_notes]
    if args.quick or config.train_limit or config.test_limit:
        notes.append(
            f"Version réduite : {report.count(results.train_size)} images d'entraînement, "
            f"{report.count(len(results.test_labels))} de test, "
            f"{len(results.course.losses)} époques ; "
            "les résultats ne se comparent pas à ceux du cours."
        )
    write_results(
        args.out,
        metrics=metrics,
        provenance=Provenance(
            seed=config.seed,
            backend=backend.name,
            device=backend.device,
            params=asdict(config),
            quick=args.quick,
            seconds=round(time.perf_counter() - started, 2),
            notes=notes,
        ),
        figures=figure_list,
        tables=report.tables(results, metrics),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
