"""An ``xml.sax`` driver for feedparser: Python's expat reader, character data buffered.

Expat hands character data to the handler piece by piece: a new piece at every entity
reference, so the escaped HTML of an RSS ``content:encoded`` (``&lt;p&gt;…``) arrives in
hundreds of pieces per item, and feedparser runs several Python calls per piece (more
than half of its time on full-text feeds). With expat's ``buffer_text`` the pieces of
one text come in one call; feedparser joins them anyway, so what it returns is the same.

feedparser picks its SAX driver from ``feedparser.api.PREFERRED_XML_PARSERS``, a list of
module names each having ``create_parser``: the standard ``xml.sax.make_parser`` hook.
"""

from __future__ import annotations

from typing import Any
from xml.sax.expatreader import ExpatParser

BUFFER_SIZE = 1 << 16
"""Characters held before a call (expat's default is 8,192)."""


class BufferedExpatParser(ExpatParser):
    """:class:`xml.sax.expatreader.ExpatParser` with ``buffer_text`` on."""

    def reset(self) -> None:
        super().reset()
        parser: Any = self._parser  # type: ignore[attr-defined]
        parser.buffer_text = True
        parser.buffer_size = BUFFER_SIZE


def create_parser(*args: Any, **kwargs: Any) -> BufferedExpatParser:
    """The ``xml.sax`` driver entry point."""
    return BufferedExpatParser(*args, **kwargs)
