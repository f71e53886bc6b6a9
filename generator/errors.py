"""Domain errors: every one names the file, and the key or line where it knows them."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class GeneratorError(Exception):
    """Base class of the errors the generator raises for input a person can fix."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (message and attributes), so that an error raised in a worker
        # process (generator/parallel.py) reaches the parent as it was: the subclasses'
        # constructors take other arguments than the message Exception would pass.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(
    cls: type[GeneratorError], args: tuple[Any, ...], state: dict[str, Any]
) -> GeneratorError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ContentError(GeneratorError):
    """A content file cannot be used as it is.

    Args:
        path: The file at fault.
        message: What is wrong, in words an editor understands.
        key: The front-matter key at fault, if any.
        line: The 1-based line number at fault, if known.
    """

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.key = key
        self.line = line
        self.message = message
        where = str(self.path)
        if line is not None:
            where += f":{line}"
        if key is not None:
            where += f" (clé « {key} »)"
        super().__init__(f"{where}: {message}")


class FeedError(GeneratorError):
    """A feed could not be read; the archive is left untouched."""

    def __init__(self, feed_id: str, message: str) -> None:
        self.feed_id = feed_id
        self.message = message
        super().__init__(f"flux « {feed_id} »: {message}")


class PublishingError(GeneratorError):
    """Something to publish cannot be made as asked: an unknown issue, a site not built
    yet, a link or image that would break once sent. The message names what and where."""
