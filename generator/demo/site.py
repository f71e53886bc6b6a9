"""What the site does with the demos its pages name: the policy the ``demos`` plugin
applies, kept here so that the plugin only adapts MkDocs to it.

For each distinct run that pages ask for, :func:`obtain_for_pages` gives the result from
the cache, a frozen result or a run, and applies ``on_error`` when the run fails:
``stop`` (any page asking for it) stops the build; ``keep_last`` keeps the last good
result of the same run, which the page then shows under a warning. What happened is
reported in one French line per run.

:class:`DemoSite` holds what one build knows of the demos: the plugin opens it with
:func:`open_site` from its settings, hands it the pages' text (:meth:`DemoSite.collect`,
which gives the figures to add to the site) and then each page's Markdown
(:meth:`DemoSite.render_page`, which puts the results in place of the directives).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.demo.directive import ON_ERROR_CHOICES, DemoDirective, RunRequest, find_directives
from generator.demo.errors import DemoError, DemoRunError
from generator.demo.render import (
    Shown,
    available_items,
    french_date,
    french_seconds,
    missing_items,
    render_directive,
    render_disabled,
    render_not_frozen,
    replace_directives,
)
from generator.demo.runner import DemoProject, Outcome, frozen, keep_last, obtain, project_at
from generator.errors import GeneratorError

__all__ = [
    "ON_ERROR_CHOICES",
    "REQUIRED_EXTENSIONS",
    "DemoPagesError",
    "DemoSite",
    "SiteFigure",
    "obtain_for_pages",
    "open_site",
    "scan_pages",
    "site_folder",
]

SITE_FOLDER = "demos"
"""Where the figures go in the site: ``demos/<name>/<digest>/<file>``."""

REQUIRED_EXTENSIONS = ("admonition", "md_in_html", "tables")
"""Markdown extensions the rendered directives use."""


class DemoPagesError(GeneratorError):
    """A demo the pages ask for cannot be shown; the message names the page and line."""


Uses = Sequence[tuple[str, DemoDirective]]
"""The pages asking for one run: ``(page path, directive)``, in page order."""


def site_folder(outcome: Outcome) -> str:
    """The site folder of a run's figures: ``demos/<name>/<first digits of its digest>``."""
    return f"{SITE_FOLDER}/{outcome.request.name}/{outcome.stored.manifest.digest[:12]}"


def _at(uses: Uses) -> str:
    page, directive = uses[0]
    return f"{page}:{directive.line}"


def obtain_for_pages(
    project: DemoProject,
    request: RunRequest,
    uses: Uses,
    *,
    on_error: str,
    use_freeze: bool,
    report: Callable[[str], None],
) -> Outcome:
    """The result that ``uses`` show for ``request``, by the site's rules.

    Args:
        project: Where the demos, their cache and their frozen results are.
        request: The run.
        uses: The pages and directives asking for it (at least one).
        on_error: The site's default policy (``stop`` or ``keep_last``); a directive's
            own ``on_error`` comes first.
        use_freeze: Whether a frozen result may stand in for a run.
        report: Where each step is told (the cache repairs, and one line per run).

    Returns:
        A ``cache``, ``frozen``, ``ran`` or (after a failure) ``stale`` outcome, whose
        result holds every figure, metric and table the directives name.

    Raises:
        DemoPagesError: The run failed and a page says ``stop`` (or nothing is left to
            keep), the demo cannot be used, or a directive names what its result lacks;
            the message names the page and line.
    """
    try:
        outcome = obtain(project, request, report=report, use_freeze=use_freeze, progress=report)
    except DemoRunError as err:
        policies = {directive.on_error or on_error for _, directive in uses}
        if "stop" in policies:
            raise DemoPagesError(f"{err}\n(page {_at(uses)})") from err
        kept = keep_last(project, err, request, report)
        if kept is None:
            raise DemoPagesError(
                f"{err}\n(on_error: keep_last, mais aucun résultat précédent de "
                f"« {request.label} » à garder ; page {_at(uses)})"
            ) from err
        report(
            f"démo {request.label} : ÉCHEC de l'exécution ({err.reason}) ; résultat précédent "
            f"du {french_date(kept.stored.manifest.ran_at)} gardé (on_error: keep_last)"
        )
        outcome = kept
    except DemoError as err:
        raise DemoPagesError(f"{_at(uses)}: {err}") from err
    else:
        report(_told(outcome))
    _check_items(outcome, uses)
    return outcome


def _check_items(outcome: Outcome, uses: Uses) -> None:
    """Raise :class:`DemoPagesError` when a directive names what the result lacks."""
    for page, directive in uses:
        missing = missing_items(directive, outcome.stored.result)
        if missing:
            raise DemoPagesError(
                f"{page}:{directive.line}: démo « {outcome.request.name} » sans "
                f"{', '.join(missing)} ({available_items(outcome.stored.result)})"
            )


def _told(outcome: Outcome) -> str:
    label = outcome.request.label
    manifest = outcome.stored.manifest
    if outcome.status == "cache":
        return f"démo {label} : en cache ({manifest.digest[:12]}…)"
    if outcome.status == "frozen":
        return (
            f"démo {label} : résultat figé ({manifest.source_digest[:12]}…), mesuré le "
            f"{french_date(manifest.ran_at)} sur {manifest.device}"
        )
    return f"démo {label} : exécutée en {french_seconds(outcome.seconds or 0)}"


Runs = dict[RunRequest, list[tuple[str, DemoDirective]]]
"""Every directive of the site's pages, grouped by run: ``(page path, directive)``."""


def _may_hold_directive(text: str) -> bool:
    """A fast check first: almost no page has a directive."""
    return "{{" in text and "demo" in text


def scan_pages(pages: Iterable[tuple[str, str]]) -> Runs:
    """Every directive of ``pages`` (``(page path, Markdown)``), grouped by run, in page
    order.

    Raises:
        ContentError: A directive is malformed (the message names the page and line).
    """
    runs: Runs = {}
    for src_uri, text in pages:
        if not _may_hold_directive(text):
            continue
        for directive in find_directives(text, page=src_uri):
            runs.setdefault(directive.request, []).append((src_uri, directive))
    return runs


@dataclass(frozen=True, kw_only=True)
class SiteFigure:
    """A figure to add to the site.

    Attributes:
        uri: Its path in the site (``demos/<name>/<digest>/<file>``).
        source: The file in the result's folder (cache or frozen result).
    """

    uri: str
    source: Path


class DemoSite:
    """What one build knows of the demos: the project, and the outcome of each run.

    Args:
        project: Where the demos, cache and frozen results are; ``None`` when the demos
            are not looked at in this build (each directive then shows a notice).
        on_error: The site's policy when a run fails (``stop`` or ``keep_last``).
        use_freeze: Whether a frozen result may stand in for a run.
        runs: Whether demos may run. When false (``INFOLETTRE_DEMOS=false``), only frozen
            results are shown; a directive without one shows a notice saying that its
            results are not frozen for this version of the demo.
    """

    def __init__(
        self,
        project: DemoProject | None,
        *,
        on_error: str = "stop",
        use_freeze: bool = True,
        runs: bool = True,
    ) -> None:
        self.project = project
        self.on_error = on_error
        self.use_freeze = use_freeze
        self.runs = runs
        self.outcomes: dict[RunRequest, Outcome] = {}
        self.pages: frozenset[str] = frozenset()
        """The pages that show a demo (docs paths), once :meth:`collect` has read them:
        a demo's result changes them though their own text does not."""

    @property
    def watch_dir(self) -> Path | None:
        """The folder of the demos' package, which ``mkdocs serve`` watches (if it exists)."""
        if self.project is None:
            return None
        package_dir = self.project.layout.package_dir
        return package_dir if package_dir.is_dir() else None

    def collect(
        self,
        pages: Iterable[tuple[str, str]],
        *,
        existing: Container[str],
        report: Callable[[str], None],
    ) -> list[SiteFigure]:
        """Obtain each distinct run that ``pages`` ask for, once, and list its figures.

        Args:
            pages: The site's pages, ``(path in the docs folder, Markdown)``.
            existing: The paths of the site's files, which no figure may take.
            report: Where each step is told, in French (one line per run; with the demos
                off, how many directives are not run).

        Returns:
            The figures to add to the site, each once, in page order.

        Raises:
            ContentError: A directive is malformed.
            DemoPagesError: A run cannot be shown (see :func:`obtain_for_pages`), or a
                figure's path is already a file of the site.
        """
        runs = scan_pages(pages)
        self.pages = frozenset(src_uri for uses in runs.values() for src_uri, _ in uses)
        if self.project is None:
            if runs:
                count = sum(len(uses) for uses in runs.values())
                report(f"démonstrations désactivées : {count} directive(s) non exécutée(s)")
            return []
        if not self.runs:
            return self._collect_frozen(runs, existing=existing, report=report)
        figures: list[SiteFigure] = []
        added: set[str] = set()
        for request, uses in runs.items():
            outcome = obtain_for_pages(
                self.project,
                request,
                uses,
                on_error=self.on_error,
                use_freeze=self.use_freeze,
                report=report,
            )
            self._add(outcome, figures, added, existing)
        return figures

    def _add(
        self,
        outcome: Outcome,
        figures: list[SiteFigure],
        added: set[str],
        existing: Container[str],
    ) -> None:
        """Keep a run's outcome and add its figures (each once) to ``figures``."""
        self.outcomes[outcome.request] = outcome
        folder = site_folder(outcome)
        for figure in outcome.stored.result.figures:
            uri = f"{folder}/{figure.file}"
            if uri in added:
                continue
            if uri in existing:
                raise DemoPagesError(f"« {uri} » existe déjà dans le site : retirez-le")
            figures.append(SiteFigure(uri=uri, source=outcome.stored.folder / figure.file))
            added.add(uri)

    def _collect_frozen(
        self, runs: Runs, *, existing: Container[str], report: Callable[[str], None]
    ) -> list[SiteFigure]:
        """With the demos off: the frozen result of each run, when its sources match."""
        assert self.project is not None
        figures: list[SiteFigure] = []
        added: set[str] = set()
        missed = 0
        for request, uses in runs.items():
            outcome = frozen(self.project, request, report=report)
            if outcome is None:
                missed += len(uses)
                report(
                    f"démo {request.label} : non exécutée (démonstrations désactivées) et "
                    "aucun résultat figé pour cette version"
                )
                continue
            _check_items(outcome, uses)
            report(_told(outcome))
            self._add(outcome, figures, added, existing)
        if missed:
            report(
                f"démonstrations désactivées : {missed} directive(s) sans résultat figé, "
                "non exécutée(s)"
            )
        return figures

    def render_page(self, markdown: str, src_uri: str) -> str | None:
        """The page's Markdown with each directive replaced by its results (or, with the
        demos off, by a notice); ``None`` when the page has no directive.

        A run's notes are shown once per page; links to figures are relative to the page.

        Args:
            markdown: The page's Markdown.
            src_uri: Its path in the docs folder (``guide/page.md``).

        Raises:
            ContentError: A directive is malformed.
            DemoPagesError: A directive was not in the pages given to :meth:`collect`.
        """
        if not _may_hold_directive(markdown):
            return None
        directives = find_directives(markdown, page=src_uri)
        if not directives:
            return None
        if self.project is None:
            return replace_directives(markdown, directives, render_disabled)
        if not self.runs:
            missing = [d for d in directives if d.request not in self.outcomes]
            markdown = replace_directives(markdown, missing, render_not_frozen)
            directives = find_directives(markdown, page=src_uri)
            if not directives:
                return markdown
        page_dir = posixpath.dirname(src_uri) or "."
        noted: set[RunRequest] = set()

        def render(directive: DemoDirective) -> str:
            outcome = self.outcomes.get(directive.request)
            if outcome is None:
                # Only a plugin that adds a directive after the pages were read gets here.
                raise DemoPagesError(
                    f"{src_uri}: directive demo « {directive.request.label} » ajoutée après "
                    "la lecture des pages : non exécutée"
                )
            shown = Shown(
                result=outcome.stored.result,
                link_prefix=posixpath.relpath(site_folder(outcome), page_dir) + "/",
                status=outcome.status,
                failure=outcome.failure,
            )
            notes = directive.request not in noted
            noted.add(directive.request)
            return render_directive(directive, shown, notes=notes)

        return replace_directives(markdown, directives, render)

    def forget(self) -> None:
        """Forget the outcomes: nothing survives from one ``mkdocs serve`` rebuild to the
        next but the cache on disk."""
        self.outcomes = {}


def open_site(
    root: Path,
    *,
    enabled: bool,
    extensions: Iterable[str],
    package: str = "demos",
    package_dir: str = ".",
    cache_dir: str = ".cache/demos",
    freeze_dir: str = "demos/_freeze",
    data_dir: str = ".cache/data",
    timeout_s: int | None = None,
    on_error: str = "stop",
    use_freeze: bool = True,
) -> DemoSite:
    """The demos of the site whose ``mkdocs.yml`` is in ``root``, for one build.

    Args:
        root: The folder of ``mkdocs.yml``; the other paths are relative to it.
        enabled: Run the demos; when false, nothing runs: a directive shows the frozen
            result of the demo's current sources, or a notice when there is none (or
            for every directive, when ``use_freeze`` is false or an extension is missing).
        extensions: The short names of the site's Markdown extensions (``tables``).
        package: The Python package holding the demos.
        package_dir: The folder holding that package.
        cache_dir: Where results are cached.
        freeze_dir: Where frozen results are committed.
        data_dir: The demos' data folder.
        timeout_s: Time limit for every run, instead of each demo's own.
        on_error: The site's policy when a run fails (``stop`` or ``keep_last``).
        use_freeze: Whether a frozen result may stand in for a run.

    Raises:
        DemoPagesError: A Markdown extension the results need is missing.
    """
    names = set(extensions)
    missing = [e for e in REQUIRED_EXTENSIONS if e not in names]
    if not enabled and (missing or not use_freeze):
        return DemoSite(None, on_error=on_error, use_freeze=use_freeze)
    if missing:
        raise DemoPagesError(
            f"plugin demos : extensions Markdown requises absentes de mkdocs.yml : "
            f"{', '.join(missing)}"
        )
    project = project_at(
        root,
        package=package,
        package_dir=package_dir,
        cache_dir=cache_dir,
        freeze_dir=freeze_dir,
        data_dir=data_dir,
        timeout_s=timeout_s,
    )
    return DemoSite(project, on_error=on_error, use_freeze=use_freeze, runs=enabled)
