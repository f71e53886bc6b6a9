"""A link's text found by scanning to its closing bracket, not the whole paragraph.

Python-Markdown 3.11 finds the ``]`` that closes a link's ``[`` by computing, for the
whole paragraph, where every bracket closes (``LinkInlineProcessor._findBracketEnds``),
which keeps a run of unclosed ``[`` linear. That table is computed again each time the
paragraph's text changes, and it changes after every link turned into a placeholder: a
paragraph of N links costs N passes over the paragraph. An infolettre is made of such
paragraphs (a list of links, a link per line), and its conversion took 25 ms, most of it
there.

This extension gives each link processor (``[text](url)``, ``[text][ref]``, images, and
those that other extensions add, such as mkdocs-autorefs') a :func:`link_text` that scans
forward from the ``[`` to the bracket that closes it, as Python-Markdown did before 3.11:
the length of the link, not of the paragraph. Where a bracket never closes, the rest of
that text goes to Python-Markdown's own table, so a run of unclosed brackets stays linear. The
result is the same in every case (tests compare both over generated text).

Used as ``markdown_extensions: [generator.pages.link_brackets]``; it works with any
renderer built on Python-Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor

_BRACKET = re.compile(r"[\[\]]")

GetText = Callable[[str, int], tuple[str, int, bool]]


def link_text(data: str, index: int) -> tuple[str, int, bool] | None:
    """The text of a link whose ``[`` ends at ``index`` of ``data``.

    Returns ``(text, end, True)``, as ``LinkInlineProcessor.getText`` does for a link that
    closes: the text up to the matching ``]`` and the index just past it; ``None`` where
    the bracket never closes.
    """
    depth = 1
    for match in _BRACKET.finditer(data, index):
        if match.group() == "[":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                end = match.end()
                return data[index : end - 1], end, True
    return None


class _Scanner:
    """The ``getText`` of one link processor: :func:`link_text`, and Python-Markdown's table
    for the rest of a text once a bracket of it was found never to close (each later
    scan of that text could run to its end again: quadratic)."""

    def __init__(self, table: GetText) -> None:
        self.table = table
        self.unclosed_in: str | None = None

    def __call__(self, data: str, index: int) -> tuple[str, int, bool]:
        if data is not self.unclosed_in:
            found = link_text(data, index)
            if found is not None:
                return found
            self.unclosed_in = data
        return self.table(data, index)


class _Install(Treeprocessor):  # type: ignore[misc]  # Python-Markdown is untyped
    """Gives every link processor :func:`link_text`, once all extensions are registered
    (mkdocs-autorefs registers its own after this one)."""

    def run(self, root: etree.Element) -> None:
        for processor in self.md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor) and "getText" not in vars(processor):
                # An attribute of this instance: the class, and other Markdown instances,
                # keep Python-Markdown's method.
                processor.getText = _Scanner(processor.getText)


class LinkBracketsExtension(Extension):  # type: ignore[misc]  # Python-Markdown is untyped
    """Register the processor that installs :func:`link_text`."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Before the inline processor (priority 20), which converts the links.
        md.treeprocessors.register(_Install(md), "link_brackets", 30)


def makeExtension(**kwargs: object) -> LinkBracketsExtension:
    """The extension, as Python-Markdown loads it by module name."""
    return LinkBracketsExtension(**kwargs)
