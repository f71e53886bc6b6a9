"""The theme's navigation, written once for every page that has the same place in it.

Material writes the whole navigation twice into every page (the tabs, and the sidebar
that is also the menu on a phone), and it is the same for every page that activates the
same entries and sees the others at the same relative addresses: the thousands of feed
items, at the same depth and in no entry, all get the same bytes. The overrides
``partials/nav.html``, ``partials/tabs.html`` and ``partials/search.html`` of
``site_plugins/templates`` all go through ``fragments/memo.html``, which includes
Material's own once per :func:`fragment_key` and reuses the text for the next page with
the same key; the search box is the same on every page and written once. A page whose
navigation can differ in another way is never reused for: one that is an entry itself
(its table of contents is written in the navigation) or a view of Material's blog (whose
links to itself go to its first page).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import material as material_package
from jinja2 import Undefined
from markupsafe import Markup

from generator.parallel import piece_on

PIECE = "fragments"
"""The name under which ``python -m generator bench-pieces`` turns the memo off."""

SAME_ON_EVERY_PAGE = frozenset({"search"})
"""The templates written once per build, whatever the page: the search box."""

MATERIAL_PREFIX = "material/"
"""How the override templates name Material's own (``material/partials/nav.html``)."""


def _entries(items: Any) -> Iterator[Any]:
    for item in items or ():
        yield item
        yield from _entries(getattr(item, "children", None))


def _parts(url: str) -> tuple[str, ...] | None:
    """A page address as MkDocs reads it to write links relative to it (a last part with
    a dot is a file name, left out); ``None`` for one that climbs (``..``)."""
    folder, _, last = url.rpartition("/")
    parts = tuple(
        part for part in (folder if "." in last else url).split("/") if part not in ("", ".")
    )
    return None if ".." in parts else parts


def _prefixes(nav: Any) -> frozenset[tuple[str, ...]]:
    """Every beginning of every address the navigation links to."""
    targets = [getattr(nav.homepage, "url", None)] if getattr(nav, "homepage", None) else []
    targets += [getattr(entry, "url", None) for entry in _entries(getattr(nav, "items", None))]
    found: set[tuple[str, ...]] = set()
    for target in targets:
        parts = _parts(target) if isinstance(target, str) else None
        if parts is not None:
            found.update(parts[:end] for end in range(len(parts) + 1))
    return frozenset(found)


def fragment_key(
    nav: Any, page: Any, prefixes: frozenset[tuple[str, ...]] | None = None
) -> tuple[Any, ...] | None:
    """What the navigation written for ``page`` depends on besides the build itself;
    ``None`` when it must be written for this page alone.

    The links are relative to the page: two pages get the same ones when they are as deep
    and share the same beginning with every address linked to (the longest beginning of
    the page's address that begins one of them says it). The entries are marked active
    on the page's way through the navigation.

    Args:
        nav: MkDocs' navigation.
        page: The page being written (``None`` for a page without one, the 404 page).
        prefixes: :func:`_prefixes` of ``nav``, when already known.
    """
    if page is None or isinstance(page, Undefined) or getattr(page, "pages", None) is not None:
        return None
    parts = _parts(str(page.url))
    if parts is None:
        return None
    known = _prefixes(nav) if prefixes is None else prefixes
    shared = 0
    while shared < len(parts) and parts[: shared + 1] in known:
        shared += 1
    active: list[bool] = []
    for entry in _entries(getattr(nav, "items", None)):
        if entry is page or page in (getattr(entry, "pages", None) or ()):
            return None
        active.append(bool(getattr(entry, "active", False)))
    return (len(parts), parts[:shared], tuple(active))


class FragmentMemo:
    """One build's written navigations, by template and :func:`fragment_key`."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, tuple[Any, ...]], Markup] = {}
        self._prefixes: frozenset[tuple[str, ...]] | None = None
        self._page: Any = None
        self._key: tuple[Any, ...] | None = None

    def key(self, name: str, nav: Any, page: Any) -> tuple[Any, ...] | None:
        """What template ``name`` written for ``page`` depends on: nothing for one that is
        the same on every page (:data:`SAME_ON_EVERY_PAGE`), else :func:`fragment_key`,
        worked out once per page (the tabs and the sidebar ask)."""
        if name in SAME_ON_EVERY_PAGE:
            return ()
        if page is not self._page:
            if self._prefixes is None:
                self._prefixes = _prefixes(nav)
            self._page, self._key = page, fragment_key(nav, page, self._prefixes)
        return self._key

    def get(self, name: str, nav: Any, page: Any) -> Markup | None:
        """The text of template ``name`` already written for a page like ``page``, or
        ``None``."""
        key = self.key(name, nav, page)
        return None if key is None else self._texts.get((name, key))

    def put(self, name: str, nav: Any, page: Any, text: str) -> Markup:
        """Keep ``text``, template ``name`` written for ``page``, and give it back."""
        markup = Markup(text)
        key = self.key(name, nav, page)
        if key is not None:
            self._texts[(name, key)] = markup
        return markup


def install(env: Any) -> FragmentMemo | None:
    """Give the theme's environment a name for Material's own templates and a fresh
    memo (one per build: the navigation can change from one ``mkdocs serve`` rebuild to
    the next); without the memo (piece ``fragments`` turned off, see
    :data:`generator.parallel.OFF_VARIABLE`), every page writes its own navigation."""
    if not isinstance(env.loader, jinja2.ChoiceLoader) or not any(
        isinstance(loader, jinja2.PrefixLoader) for loader in env.loader.loaders
    ):
        material = jinja2.FileSystemLoader(Path(material_package.__file__).parent / "templates")
        prefix = jinja2.PrefixLoader({MATERIAL_PREFIX.rstrip("/"): material})
        env.loader = jinja2.ChoiceLoader([env.loader, prefix])
    if not piece_on(PIECE):
        env.globals.pop("nav_fragments", None)
        return None
    memo = env.globals["nav_fragments"] = FragmentMemo()
    return memo
