"""Pages converted from Markdown by a child process, from the last page back, while MkDocs
converts them from the first.

MkDocs reads and converts every page (``_populate_page``) in one process, one page after
the other, before it writes any: on a site of 3,000 feed items that is a third of the
build, with the machine's second core idle. At the end of ``on_nav`` (:meth:`Prerender.start`),
a forked child takes the pages from the last one back: for each, it does what MkDocs
would do (``on_pre_page``, reading the source, ``on_page_markdown``, then MkDocs' own
``Page.render``), and appends what the conversion gave to a spool file. MkDocs, going from
the first page, claims each page as it gets to it (a number in shared memory, which stops
the child when the two meet) and takes the child's conversion instead of converting
again, when the child has one and the Markdown it converted is the page's Markdown now,
byte for byte (a digest). Otherwise, and wherever forking is unsafe (:func:`parallel.can_fork`:
under ``mkdocs serve``), MkDocs converts the page itself: the result is the same either
way, and MkDocs never waits for the child.

What a conversion gives, and travels back: the HTML, the table of contents, the first
heading's title, the anchors present and the links to other pages' anchors (checked by
MkDocs once every page is written), the log records of the conversion (warnings about
links; given again here, where ``--strict`` counts them), and the anchors that
mkdocs-autorefs' tree processors registered (registered again here, for the page). A page
with a mkdocstrings block (``::: identifier``, the code reference) is left to MkDocs: its
rendering registers objects in mkdocstrings' inventory and handlers too.

The plugin hooks stay in this process: the child's runs of them are thrown away, but
for the Markdown they give. Only ``Page.render`` is taken over, for the pages the child
has: the page's ``render`` is set, for one call, to :class:`Handed`.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import re
import struct
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator import parallel

PIECE = "render"

_CODE_REFERENCE = re.compile(r"^(?:#{1,6} *)?:::", re.MULTILINE)
"""A mkdocstrings block (its own pattern is ``^(#{1,6} *|)::: ?(.+?) *$``; this one finds
a few more lines, which only leaves a page more to MkDocs)."""

_HEADER = struct.Struct("<qq")
"""A spool record's header: the page's number, the length of what follows."""


def digest(markdown: str) -> bytes:
    """What tells that two Markdown texts are the same."""
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


Anchor = tuple[str, str | None, str | None, bool]
"""A mkdocs-autorefs ``register_anchor`` call: identifier, anchor, title, primary."""


@dataclass(frozen=True)
class Conversion:
    """What ``Page.render`` gave for one page's Markdown (pickled to the parent)."""

    markdown: bytes
    """:func:`digest` of the Markdown converted."""
    content: str
    toc: TableOfContents
    title: str | None
    """The first heading's text (``Page._title_from_render``)."""
    anchor_ids: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    """By the docs path of the page linked to (``None`` where MkDocs keeps none: its log
    at debug level, in both processes)."""
    anchors: tuple[Anchor, ...]
    records: tuple[logging.LogRecord, ...]

    def apply(self, page: Page, files: Files, autorefs: Any) -> None:
        """Set on ``page`` what ``render`` would have set, and log and register what the
        conversion did."""
        page.content = self.content
        page.toc = self.toc
        page._title_from_render = self.title
        page.present_anchor_ids = set(self.anchor_ids)
        if self.links_to_anchors is not None:
            page.links_to_anchors = {
                _file(files, uri): dict(anchors) for uri, anchors in self.links_to_anchors.items()
            }
        for identifier, anchor, title, primary in self.anchors:
            autorefs.register_anchor(page, identifier, anchor, title=title, primary=primary)
        for record in self.records:
            logging.getLogger(record.name).handle(record)


def _file(files: Files, uri: str) -> File:
    found = files.get_file_from_path(uri)
    if found is None:  # the child and this process share the files: never here
        raise LookupError(uri)
    return found


class _Capture(logging.Handler):
    """The log records of one conversion, made picklable (their message formatted)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        self.records.append(record)


def convert(page: Page, config: MkDocsConfig, files: Files, autorefs: Any) -> Conversion | None:
    """``page`` read and converted as MkDocs does, hooks included; ``None`` for a page
    left to MkDocs (a mkdocstrings block) or whose hooks failed (MkDocs will say why).

    The log records are those of the conversion only: the hooks run again in the parent.
    Meant for the child, whose loggers write nowhere else (:func:`_quiet_logs`).
    """
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(
            str(page.markdown), page=page, config=config, files=files
        )
        markdown = str(page.markdown)
        if _CODE_REFERENCE.search(markdown):
            return None
        capture = _Capture()
        registered: list[Anchor] = []
        with _recording(autorefs, registered), _captured(capture):
            type(page).render(page, config, files)
    except Exception:  # the parent converts the page, and reports the error
        return None
    finally:
        config._current_page = None
    return conversion_of(page, markdown, anchors=registered, records=capture.records)


def conversion_of(
    page: Page,
    markdown: str,
    *,
    anchors: Iterable[Anchor] = (),
    records: Iterable[logging.LogRecord] = (),
) -> Conversion:
    """What ``page``'s ``render`` of ``markdown`` set on it, just after it ran (with the
    autorefs anchors it registered and the records it logged, where they were noted)."""
    links = page.links_to_anchors
    return Conversion(
        markdown=digest(markdown),
        content=str(page.content),
        toc=page.toc,
        title=page._title_from_render,
        anchor_ids=frozenset(page.present_anchor_ids or ()),
        links_to_anchors=None
        if links is None
        else {target.src_uri: dict(anchors) for target, anchors in links.items()},
        anchors=tuple(anchors),
        records=tuple(records),
    )


class _recording:
    """mkdocs-autorefs' ``register_anchor`` calls noted in ``calls`` (and made)."""

    def __init__(self, autorefs: Any, calls: list[Anchor]):
        self.autorefs, self.calls = autorefs, calls

    def __enter__(self) -> None:
        if self.autorefs is None:
            return
        register = type(self.autorefs).register_anchor
        autorefs, calls = self.autorefs, self.calls

        def noted(
            page: Any,
            identifier: str,
            anchor: str | None = None,
            *,
            title: str | None = None,
            primary: bool = True,
        ) -> None:
            calls.append((identifier, anchor, title, primary))
            register(autorefs, page, identifier, anchor, title=title, primary=primary)

        autorefs.register_anchor = noted

    def __exit__(self, *exc: object) -> None:
        if self.autorefs is not None:
            del self.autorefs.register_anchor


class _captured:
    """The root logger's records go to ``capture`` only (in the child)."""

    def __init__(self, capture: _Capture) -> None:
        self.capture = capture

    def __enter__(self) -> None:
        logging.getLogger().addHandler(self.capture)

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self.capture)


def _quiet_logs() -> None:
    """In the child: nothing it logs is written (the parent logs what counts), and every
    record reaches the root logger, where :class:`_captured` takes it."""
    manager = logging.getLogger().manager
    loggers = [logging.getLogger()] + [
        logger for logger in manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        if logger is not logging.getLogger():
            logger.propagate = True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _run_child(
    pages: list[Callable[[], Page]],
    config: MkDocsConfig,
    files: Files,
    autorefs: Any,
    spool: int,
    written: Any,
    claimed: Any,
) -> None:
    parallel._lower_priority()
    _quiet_logs()
    for number in range(len(pages) - 1, -1, -1):
        if number <= claimed.value:
            break
        conversion = convert(pages[number](), config, files, autorefs)
        if conversion is None:
            continue
        data = pickle.dumps(conversion, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(spool, _HEADER.pack(number, len(data)) + data)
        written.value += _HEADER.size + len(data)


def _page_of(file: File, config: MkDocsConfig) -> Callable[[], Page]:
    """The page MkDocs will convert for ``file`` (made as MkDocs makes it, for a page
    outside the navigation)."""

    def page() -> Page:
        return file.page if file.page is not None else Page(None, file, config)

    return page


class Prerender:
    """The child converting pages from the last back (:meth:`start`), and what this
    process takes from it (:meth:`hand`)."""

    def __init__(self, numbers: dict[str, int], files: Files, autorefs: Any) -> None:
        self._numbers = numbers
        self._files = files
        self._autorefs = autorefs
        self._done: dict[int, bytes] = {}
        self._read = 0
        self._spool = -1
        self._process: Any = None
        self._written: Any = None
        self._claimed: Any = None

    @classmethod
    def start(cls, config: MkDocsConfig, files: Files, pages: Iterable[File]) -> Prerender | None:
        """A child converting ``pages`` (in the order MkDocs will), from the last back;
        ``None`` where forking is unsafe or the piece is off (MkDocs converts them all)."""
        if not parallel.can_fork(PIECE):
            return None
        ordered = list(pages)
        autorefs = config.plugins.get("autorefs")
        prerender = cls({file.src_uri: n for n, file in enumerate(ordered)}, files, autorefs)
        context = multiprocessing.get_context("fork")
        prerender._written = context.RawValue("q", 0)
        prerender._claimed = context.RawValue("q", -1)
        prerender._spool, path = tempfile.mkstemp(prefix="pages-")
        os.unlink(path)  # the two processes hold it open: nothing is left behind
        prerender._process = context.Process(
            target=_run_child,
            args=(
                [_page_of(file, config) for file in ordered],
                config,
                files,
                autorefs,
                prerender._spool,
                prerender._written,
                prerender._claimed,
            ),
            daemon=True,
        )
        prerender._process.start()
        return prerender

    def hand(self, page: Page) -> None:
        """Let ``page``'s next ``render`` take the child's conversion, if it has one."""
        if self._process is not None and page.file.src_uri in self._numbers:
            page.render = Handed(page, self.take, self._autorefs)  # type: ignore[method-assign]

    def take(self, page: Page) -> Conversion | None:
        """Claim ``page`` (the child stops when it gets there) and the child's conversion
        of it, if the child has converted it already."""
        number = self._numbers[page.file.src_uri]
        self._claimed.value = max(self._claimed.value, number)
        self._read_spool()
        data = self._done.pop(number, None)
        if data is None:
            return None
        conversion: Conversion = pickle.loads(data)
        return conversion

    def _read_spool(self) -> None:
        written = self._written.value
        while self._read < written:
            number, length = _HEADER.unpack(os.pread(self._spool, _HEADER.size, self._read))
            start = self._read + _HEADER.size
            self._done[number] = os.pread(self._spool, length, start)
            self._read = start + length

    def stop(self) -> None:
        """Stop the child (every page is converted by now) and forget its work."""
        if self._process is None:
            return
        self._claimed.value = len(self._numbers)
        self._process.terminate()
        self._process.join()
        self._process = None
        os.close(self._spool)
        self._done.clear()


class Handed:
    """A page's ``render`` for one call: the conversion ``take`` gives for the page, if
    it is of the page's Markdown now, MkDocs' own ``Page.render`` otherwise (the
    conversion's autorefs anchors registered with ``autorefs``)."""

    def __init__(
        self, page: Page, take: Callable[[Page], Conversion | None], autorefs: Any = None
    ) -> None:
        self._page = page
        self._take = take
        self._autorefs = autorefs

    def __call__(self, config: MkDocsConfig, files: Files) -> None:
        page = self._page
        del page.render
        conversion = self._take(page)
        if conversion is None or conversion.markdown != digest(str(page.markdown)):
            page.render(config, files)
            return
        conversion.apply(page, files, self._autorefs)
