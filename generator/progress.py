"""A tiny progress display on a text stream: ``[3/5] framablog …``."""

from __future__ import annotations

from typing import TextIO


class Progress:
    """Show which item of ``total`` is being worked on.

    On a terminal the line is rewritten in place; elsewhere (a log, a pipe) each step
    is a line of its own.
    """

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self._width = 0

    def step(self, index: int, label: str) -> None:
        """Announce step ``index`` (1-based)."""
        done = int(20 * (index - 1) / self.total) if self.total else 20
        bar = "#" * done + "." * (20 - done)
        text = f"[{index}/{self.total}] {bar} {label} …"
        if self.tty:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the display (clears the rewritten line on a terminal)."""
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
