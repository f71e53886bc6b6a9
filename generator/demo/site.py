"""What the site does with the demos its pages name: the policy the ``demos`` plugin
applies, kept here so that the plugin only adapts MkDocs to it.

For each distinct run that pages ask for, :func:`obtain_for_pages` gives the result from
the cache, a frozen result or a run, and applies ``on_error`` when the run fails:
``stop`` (any page asking for it) stops the build; ``keep_last`` keeps the last good
result of the same run, which the page then shows under a warning. What happened is
reported in one French line per run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from generator.demo.directive import DemoDirective, RunRequest
from generator.demo.errors import DemoError, DemoRunError
from generator.demo.render import available_items, french_date, french_seconds, missing_items
from generator.demo.runner import DemoProject, Outcome, keep_last, obtain
from generator.errors import GeneratorError

SITE_FOLDER = "demos"
"""Where the figures go in the site: ``demos/<name>/<digest>/<file>``."""


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
        outcome = obtain(project, request, report=report, use_freeze=use_freeze)
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
    for page, directive in uses:
        missing = missing_items(directive, outcome.stored.result)
        if missing:
            raise DemoPagesError(
                f"{page}:{directive.line}: démo « {request.name} » sans {', '.join(missing)} "
                f"({available_items(outcome.stored.result)})"
            )
    return outcome


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
