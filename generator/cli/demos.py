"""Commands for the build-time demos: ``python -m generator demos list|run|freeze``.

``demos freeze --all`` refreshes the committed freeze (``demos/_freeze/``) of every run
the site's pages ask for: each is run unless its cached result is current, then frozen,
so that a build elsewhere (Netlify) shows these results without running anything.

Registered on ``python -m generator`` by :func:`add_commands`. Paths are relative to
``--root`` (the folder of ``mkdocs.yml``) and default to the ``demos`` plugin's defaults.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from generator.demo.directive import RunRequest, parse_params
from generator.demo.errors import DemoError
from generator.demo.render import french_date, french_seconds
from generator.demo.runner import DemoProject, Outcome, digests, obtain, project_at
from generator.demo.site import scan_pages
from generator.demo.sources import list_demos, read_spec
from generator.demo.store import StoredResult, freeze, lookup_cache, lookup_freeze, stored_results
from generator.errors import GeneratorError

PAGE_FOLDERS = ("docs", "content")
"""Where ``freeze --all`` looks for the pages' directives, relative to ``--root``."""


def _report(message: str) -> None:
    print(message, file=sys.stderr)


def _project(args: argparse.Namespace) -> DemoProject:
    return project_at(
        args.root,
        package=args.package,
        package_dir=args.package_dir,
        cache_dir=args.cache_dir,
        freeze_dir=args.freeze_dir,
        data_dir=args.data_dir,
        timeout_s=args.timeout,
    )


def _request(args: argparse.Namespace) -> RunRequest:
    try:
        overrides = parse_params(args.params)
    except ValueError as err:
        raise DemoError(args.name, str(err)) from err
    return RunRequest(name=args.name, overrides=overrides, quick=args.quick)


def _describe(stored: StoredResult) -> str:
    manifest = stored.manifest
    kind = "figé" if stored.frozen else "en cache"
    return (
        f"{kind} ({manifest.digest[:12]}…), calculé le {french_date(manifest.ran_at)} "
        f"sur {manifest.device} en {french_seconds(manifest.seconds)}"
    )


def _status(project: DemoProject, request: RunRequest) -> str:
    spec = read_spec(project.layout, request.name)
    found = digests(project, spec, request)
    cached = lookup_cache(project.cache_dir, spec.name, found.result, _report)
    if cached is not None:
        return _describe(cached)
    frozen = lookup_freeze(project.freeze_dir, spec.name, found.source, _report)
    if frozen is not None:
        return _describe(frozen)
    return "à exécuter (aucun résultat pour ces sources, ces versions et cette machine)"


def cmd_list(args: argparse.Namespace) -> int:
    """Each demo: its title, the state of its default runs, its stored results."""
    project = _project(args)
    names = list_demos(project.layout)
    if not names:
        print(f"aucune démo dans {project.layout.package_dir}")
        return 0
    failures = 0
    for name in names:
        try:
            spec = read_spec(project.layout, name)
            print(f"{name} — {spec.title}")
            for quick in (False, True):
                label = "version courte" if quick else "version complète"
                status = _status(project, RunRequest(name=name, quick=quick))
                print(f"  {label} : {status}")
        except DemoError as err:
            # One badly declared demo does not hide the others.
            print(f"{name} — ERREUR {err}")
            failures += 1
            continue
        stored = stored_results(project.cache_dir, project.freeze_dir, name, _report)
        for result in stored:
            manifest = result.manifest
            params = " ".join(f"{k}={v}" for k, v in manifest.overrides) or "paramètres par défaut"
            quick_text = ", version courte" if manifest.quick else ""
            print(f"    {params}{quick_text} : {_describe(result)}")
    return 1 if failures else 0


def _print_outcome(outcome: Outcome) -> None:
    label = outcome.request.label
    if outcome.status == "ran":
        print(f"démo {label} : exécutée en {french_seconds(outcome.seconds or 0)}")
    else:
        print(f"démo {label} : {_describe(outcome.stored)}")
    print(f"  résultats : {outcome.stored.folder}")


def cmd_run(args: argparse.Namespace) -> int:
    """Run a demo (unless a cached result is current), as a build would."""
    outcome = obtain(
        _project(args),
        _request(args),
        report=_report,
        force=args.force,
        use_freeze=False,
        progress=_report,
    )
    _print_outcome(outcome)
    return 0


def _cached_for(project: DemoProject, request: RunRequest) -> StoredResult:
    """The cached result of ``request``'s current sources (computed here or elsewhere).

    Raises:
        DemoError: There is none; the message says which command computes it.
    """
    spec = read_spec(project.layout, request.name)
    found = digests(project, spec, request)
    chosen = lookup_cache(project.cache_dir, spec.name, found.result, _report)
    if chosen is None:
        # A result of the same sources computed elsewhere (another device or versions).
        chosen = next(
            (
                stored
                for stored in stored_results(
                    project.cache_dir, project.freeze_dir, spec.name, _report
                )
                if not stored.frozen and stored.manifest.source_digest == found.source
            ),
            None,
        )
    if chosen is None:
        command = f"python -m generator demos run {request.name}"
        if request.quick:
            command += " --quick"
        if request.overrides:
            command += " --params " + shlex.quote(
                " ".join(f"{k}={v}" for k, v in request.overrides)
            )
        raise DemoError(
            request.label,
            f"aucun résultat en cache pour ses sources actuelles : lancez d'abord `{command}`",
        )
    return chosen


def _freeze(project: DemoProject, label: str, chosen: StoredResult) -> None:
    """Freeze ``chosen``, and say so."""
    folder, removed = freeze(chosen, project.freeze_dir, now=datetime.now(UTC))
    print(f"démo {label} : {_describe(chosen)}")
    print(f"  figé dans {folder}")
    for old in removed:
        print(f"  ancien résultat figé retiré : {old}")


def site_requests(root: Path, folders: list[str]) -> list[RunRequest]:
    """Every distinct run that the pages (``*.md``) of ``folders`` ask for, in order.

    Raises:
        ContentError: A directive is malformed (the message names the page and line).
    """
    pages: list[tuple[str, str]] = []
    for folder in folders:
        base = root / folder
        for path in sorted(base.rglob("*.md")) if base.is_dir() else []:
            pages.append((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")))
    return list(scan_pages(pages))


def cmd_freeze(args: argparse.Namespace) -> int:
    """Freeze a demo's cached result, or (``--all``) run and freeze every run the site's
    pages ask for."""
    project = _project(args)
    if not args.all:
        if not args.name:
            raise GeneratorError("demos freeze : nommez la démo à figer, ou demandez --all")
        request = _request(args)
        _freeze(project, request.label, _cached_for(project, request))
        return 0
    if args.name or args.quick or args.params:
        raise GeneratorError(
            "demos freeze --all fige les démos que les pages demandent : "
            "ni nom de démo, ni --quick, ni --params"
        )
    folders = args.pages or list(PAGE_FOLDERS)
    requests = site_requests(args.root, folders)
    if not requests:
        print(f"aucune directive demo dans les pages de {', '.join(folders)}")
        return 0
    for request in requests:
        outcome = obtain(project, request, report=_report, use_freeze=False, progress=_report)
        _print_outcome(outcome)
        # The result just obtained, even if a source changed during the run.
        _freeze(project, request.label, outcome.stored)
    print(
        f"{len(requests)} exécution(s) figée(s) dans {project.freeze_dir} : versionnez ce dossier"
    )
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demos list``, ``demos run`` and ``demos freeze`` to the command line."""
    demos = sub.add_parser("demos", help="démonstrations exécutées à la construction")
    commands = demos.add_subparsers(dest="demos_command", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--root", type=Path, default=Path("."), help="dossier de mkdocs.yml (défaut : .)"
        )
        parser.add_argument("--package", default="demos", help="paquet des démos")
        parser.add_argument(
            "--package-dir", default=".", help="dossier qui contient ce paquet (défaut : .)"
        )
        parser.add_argument("--cache-dir", default=".cache/demos", help="cache des résultats")
        parser.add_argument(
            "--freeze-dir", default="demos/_freeze", help="résultats figés (versionnés)"
        )
        parser.add_argument("--data-dir", default=".cache/data", help="données des démos")
        parser.add_argument("--timeout", type=int, help="délai maximal en secondes")

    def run_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("name", help="nom de la démo")
        parser.add_argument("--quick", action="store_true", help="version courte")
        parser.add_argument(
            "--params", default="", metavar="'CLÉ=VALEUR …'", help="paramètres changés"
        )

    listing = commands.add_parser("list", help="les démos et l'état de leurs résultats")
    common(listing)
    listing.set_defaults(func=cmd_list)

    running = commands.add_parser("run", help="exécute une démo (sauf résultat à jour en cache)")
    common(running)
    run_options(running)
    running.add_argument("--force", action="store_true", help="exécute même si à jour")
    running.set_defaults(func=cmd_run)

    freezing = commands.add_parser(
        "freeze",
        help="fige le résultat en cache d'une démo, ou (--all) exécute et fige celles des pages",
    )
    common(freezing)
    freezing.add_argument("name", nargs="?", help="nom de la démo (sans --all)")
    freezing.add_argument("--quick", action="store_true", help="version courte")
    freezing.add_argument(
        "--params", default="", metavar="'CLÉ=VALEUR …'", help="paramètres changés"
    )
    freezing.add_argument(
        "--all",
        action="store_true",
        help="exécute (sauf résultat à jour en cache) puis fige chaque démo des pages du site",
    )
    freezing.add_argument(
        "--pages",
        action="append",
        metavar="DOSSIER",
        help="dossier de pages où chercher les directives, relatif à --root "
        "(répétable ; défaut : docs et content)",
    )
    freezing.set_defaults(func=cmd_freeze)
