"""Text from untrusted sources printed by the theme's templates: escaped exactly once.

MkDocs' Jinja environment does not escape (``autoescape`` is off), and Material prints a
page's ``title`` and ``description`` as they are: in ``<title>``, in the header
(``md-header__topic``), in ``<meta name="description">``, in the navigation and the tag
listings. Titles and summaries come from feeds, e-mails and front matter, whose authors
nobody here controls, as plain text: ``a < b`` must show ``a < b``, and
``<script>…</script>`` must show as those characters, never run.

Such a value is marked as :class:`PlainText` (still a ``str``, with the same characters:
the feeds and the link previews read it as text, and escape it themselves): a page's
``title``, ``description``, ``subtitle`` and ``tags`` (:func:`mark`), the title MkDocs
takes from a page's first heading, and a blog category's name. The templates'
environment escapes it where a template prints it (:func:`finalize`, Jinja's hook for every
``{{ … }}``), ``|e`` escapes it once (:meth:`PlainText.__html__`), and ``|striptags``,
which unescapes entities, leaves it text (:func:`striptags`). Material's search, whose
results are HTML, reads the title and tags escaped (:func:`for_index`). Pure.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from markupsafe import Markup, escape

UNTRUSTED_KEYS = ("title", "description", "subtitle")
"""Keys of a page's front matter whose values are plain text."""


class PlainText(str):
    """Text (not HTML) that a template must escape when it prints it."""

    __slots__ = ()

    def __str__(self) -> str:
        # Kept by ``str()``: Material's tags plugin makes its tags from str(name).
        return self

    def __html__(self) -> Markup:
        return escape(str.__str__(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled to the child processes (feeds, search index) as what it is, subclass
        # included: a title being indexed must stay escaped in the child that indexes it.
        return (type(self), (str.__str__(self),))


def finalize(value: Any) -> Any:
    """Jinja's ``finalize``: a :class:`PlainText` printed by ``{{ … }}`` is escaped."""
    if isinstance(value, PlainText):
        return escape(str.__str__(value))
    return value


def striptags(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Jinja's ``striptags`` filter, made safe for :class:`PlainText`.

    Plain text has no tags to strip, and the original filter unescapes entities (a title
    ``&lt;script&gt;`` would come out as ``<script>``): the text comes out escaped, its
    spacing collapsed as ``striptags`` does.
    """

    def strip(value: Any) -> Any:
        if isinstance(value, PlainText):
            return escape(" ".join(value.split()))
        return original(value)

    return strip


def _marked(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, PlainText | Markup):
        return PlainText(value)
    return value


def mark(meta: MutableMapping[str, Any], keys: tuple[str, ...] = UNTRUSTED_KEYS) -> None:
    """Mark the text values of ``meta`` at ``keys``, and its ``tags``, as
    :class:`PlainText`, in place."""
    for key in keys:
        if key in meta:
            meta[key] = _marked(meta[key])
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [_marked(tag) for tag in tags]


def heading_markdown(name: str) -> str:
    """A Markdown heading showing ``name`` as text (``&``, ``<``, ``>`` as entities, the
    other characters Markdown reads after a backslash)."""
    from generator.pages.build import md  # pages imports Jinja templates: only when needed

    return f"# {md(name)}"


def install(env: Any) -> None:
    """Make a Jinja environment print :class:`PlainText` escaped (``finalize``,
    ``striptags``); templates it compiled before are dropped from its cache."""
    env.finalize = finalize
    current = env.filters.get("striptags")
    if current is not None and not getattr(current, "plain_text_safe", False):
        safe = striptags(current)
        safe.plain_text_safe = True  # type: ignore[attr-defined]
        env.filters["striptags"] = safe
    if getattr(env, "cache", None) is not None:
        env.cache.clear()


class _IndexText(PlainText):
    """A title while Material's search indexes its page: it reads it with ``str()``
    into an index whose titles are HTML (the search shows them as such)."""

    __slots__ = ()

    def __str__(self) -> str:
        return str(escape(str.__str__(self)))


def for_index(meta: MutableMapping[str, Any]) -> None:
    """Make ``meta``'s title and tags read escaped by ``str()`` (Material's search, whose
    results show them as HTML), in place; :func:`after_index` puts the text back."""
    value = meta.get("title")
    if isinstance(value, str) and not isinstance(value, Markup):
        meta["title"] = _IndexText(str.__str__(value))
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [
            _IndexText(str.__str__(tag)) if isinstance(tag, str) else tag for tag in tags
        ]


def after_index(meta: MutableMapping[str, Any]) -> None:
    """Undo :func:`for_index`."""
    value = meta.get("title")
    if isinstance(value, _IndexText):
        meta["title"] = PlainText(str.__str__(value))
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [
            PlainText(str.__str__(tag)) if isinstance(tag, _IndexText) else tag for tag in tags
        ]
