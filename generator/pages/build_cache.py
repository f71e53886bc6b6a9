"""The generator's pages, reused from the last build when nothing they depend on changed.

A build reads ``content/``, tags every entry and renders every page: seconds for a few
thousand items, paid again by every ``mkdocs build`` and every ``mkdocs serve`` reload.
The pages are kept in a cache folder (Material's blog plugin reads posts from disk, and
``--dirty`` builds compare file dates), so, like Material's social plugin, a manifest
beside them records the digest of every input, and the next build reuses the pages when
the digest is the same and every page is still there. A build can hand fresh pages over
from memory while a child process writes the folder, manifest last (``defer``).

The digest covers the bytes of every file under ``content/``, the generator's own code
and templates, the versions of the libraries that shape its output, Python's version and
the build options. The build time matters only through posts dated in the future, which
wait for their date: the manifest says until when its pages hold, and a later build
regenerates them.

When something changed (an editor saved a post), everything is generated again but the
tag decisions of unchanged items, kept in ``tags.json`` by the digest of what they were
decided on (:class:`~generator.themes.catalog.DecisionMemo`), valid for the same generator code.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.content.loader import load_content
from generator.errors import ContentError
from generator.files import stat_key, write_many
from generator.models import Content, Hit, TagDecision
from generator.pages import feeds_out
from generator.pages.build import generate
from generator.pages.links import UrlStyle
from generator.pages.output import write_pages
from generator.parallel import IDLE_NICENESS, Background
from generator.themes import catalog
from generator.themes.catalog import DecisionMemo

MANIFEST_NAME = "manifest.json"
TAGS_NAME = "tags.json"
PAGES_DIR = "pages"
FORMAT = 1
"""Version of the manifest's layout; another version is rebuilt, not read."""

_LIBRARIES = ("PyYAML", "Jinja2", "nh3")
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True, kw_only=True)
class PageEntry:
    """A page of the build, as MkDocs is told about it (its file is under ``pages/``)."""

    path: str
    in_nav: bool


@dataclass(frozen=True, kw_only=True)
class SitePages:
    """What a build hands to MkDocs, fresh or reused."""

    pages: tuple[PageEntry, ...]
    warnings: tuple[str, ...]
    """Problems found in the content (reported again when the pages are reused)."""
    tags: tuple[feeds_out.TagInfo, ...]
    feed_entries: Mapping[str, feeds_out.FeedEntry]
    """What the site's feeds say of each page that can be an item, by docs path
    (:func:`feeds_out.feed_entries`)."""
    reused: bool = False
    note: str = ""
    """Why the cached pages could not be reused (empty when they were, or on a first build)."""
    written: int = 0
    """Files written to the cache folder (those whose bytes changed)."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """Pages to take from memory, by docs path: with ``defer``, their files are still being
    written (see :attr:`pending`)."""
    pending: Background[int] | None = None
    """The cache still being written in a child process (``defer``): call ``result()``
    before the process ends; it gives :attr:`written`."""


def _files(root: Path) -> Iterator[Path]:
    """Every file under ``root``, in a stable order, but hidden ones (``.name``): the
    generator reads none, and editors' swap files and the archive's temporary files
    come and go."""
    entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=True):
            yield from _files(Path(entry.path))
        elif entry.is_file(follow_symlinks=True):
            yield Path(entry.path)


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in _files(_PACKAGE_DIR):
        if path.suffix in (".py", ".j2"):
            digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _decision_to_json(decision: TagDecision) -> list[Any]:
    return [
        decision.tag_id,
        decision.score,
        decision.threshold,
        [list(hit) for hit in decision.hits],
        decision.forced,
        decision.forbidden,
    ]


def _decision_from_json(data: Any) -> TagDecision:
    tag_id, score, threshold, hits, forced, forbidden = data
    return TagDecision(
        tag_id=str(tag_id),
        score=float(score),
        threshold=float(threshold),
        hits=tuple(Hit(str(t), str(f), int(n), float(w)) for t, f, n, w in hits),
        forced=bool(forced),
        forbidden=bool(forbidden),
    )


_Decisions = dict[str, tuple[TagDecision, ...]]


@dataclass
class _Kept:
    stat: tuple[int, int, int]
    code: str
    decisions: _Decisions
    json: dict[str, str] = field(default_factory=dict)
    """Each key's decisions as written in the file, for the next write."""


_KEPT: dict[Path, _Kept] = {}
"""The decisions this process last read or wrote, by file, with the file's size,
modification time and inode: one ``mkdocs serve`` rebuild after another reads the file
once, and writes again in JSON only the decisions that changed."""


def _kept(path: Path, code: str) -> _Kept | None:
    kept = _KEPT.get(path.resolve())
    if kept is None or kept.code != code or kept.stat != stat_key(path):
        return None
    return kept


def load_decisions(path: Path, code: str) -> tuple[dict[str, tuple[TagDecision, ...]], str]:
    """The tag decisions kept by the last build, if made by the same code.

    Returns:
        The decisions by key (empty when absent, stale or unreadable), and what was
        wrong with the file (empty when nothing).
    """
    if not path.is_file():
        return {}, ""
    kept = _kept(path, code)
    if kept is not None:
        return dict(kept.decisions), ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("format inconnu")
        if data.get("code") != code:
            return {}, ""
        decisions = {
            str(key): tuple(_decision_from_json(d) for d in value)
            for key, value in data["decisions"].items()
        }
    except (OSError, UnicodeDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
        return {}, f"décisions d'étiquetage en cache illisibles ({path}) : {err} ; recalculées"
    stat = stat_key(path)
    if stat is not None:
        _KEPT[path.resolve()] = _Kept(stat=stat, code=code, decisions=decisions)
    return decisions, ""


def save_decisions(path: Path, code: str, decisions: Mapping[str, tuple[TagDecision, ...]]) -> None:
    """Keep this build's tag decisions for the next one (the file is left as it is when
    it already holds them)."""
    kept = _kept(path, code)
    if kept is not None and kept.decisions == decisions:
        return
    previous = kept.json if kept is not None else {}
    old = kept.decisions if kept is not None else {}
    written: dict[str, str] = {}
    for key, value in decisions.items():
        text = previous.get(key)
        if text is None or old.get(key) != value:
            text = json.dumps([_decision_to_json(d) for d in value], ensure_ascii=False)
        written[key] = text
    body = ",\n".join(
        f"{json.dumps(key, ensure_ascii=False)}: {text}" for key, text in written.items()
    )
    header = json.dumps({"format": FORMAT, "code": code}, ensure_ascii=False)[:-1]
    write_many({path: f'{header}, "decisions": {{\n{body}}}}}\n'}, durable=False)
    stat = stat_key(path)
    if stat is not None:
        _KEPT[path.resolve()] = _Kept(stat=stat, code=code, decisions=dict(decisions), json=written)


def input_digest(content_dir: Path, *, include_drafts: bool, urls: UrlStyle | None = None) -> str:
    """Digest of everything the generated pages depend on, but the build time.

    Args:
        content_dir: The ``content/`` folder (every file in it counts, by its bytes).
        include_drafts: The build option that changes pages.
        urls: Where the renderer publishes pages (the links the generator writes).

    Returns:
        A hexadecimal SHA-256.

    Raises:
        ContentError: A file that cannot be read (named in the message).
    """
    digest = hashlib.sha256()
    header = {
        "format": FORMAT,
        "code": _code_digest(),
        "libraries": _library_versions(),
        "include_drafts": include_drafts,
        "urls": asdict(urls or UrlStyle()),
    }
    digest.update(json.dumps(header, sort_keys=True).encode() + b"\0")
    for path in _files(content_dir):
        try:
            data = path.read_bytes()
        except OSError as err:
            raise ContentError(path, f"lecture impossible : {err.strerror}") from err
        name = path.relative_to(content_dir).as_posix().encode()
        digest.update(b"%s\0%d\0" % (name, len(data)))
        digest.update(data)
    return digest.hexdigest()


def valid_until(content: Content, *, now: datetime) -> datetime | None:
    """When pages generated at ``now`` go stale: the date of the next future post, article
    or event (its ``publishDate``), or the end of an event still to come (the events'
    listing then moves it among the past ones)."""
    dates = [post.date for post in content.posts]
    dates += [article.shown_from for article in content.articles]
    dates += [
        (article.event.end or article.date)
        for article in content.articles
        if article.event is not None
    ]
    future = [date for date in dates if date > now]
    return min(future) if future else None


def _manifest(built: SitePages, *, digest: str, until: datetime | None) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "digest": digest,
        "valid_until": until.isoformat() if until is not None else None,
        "pages": [[page.path, page.in_nav] for page in built.pages],
        "warnings": list(built.warnings),
        "tags": [{"id": t.id, "label": t.label, "description": t.description} for t in built.tags],
        "feed_entries": [feeds_out.entry_to_json(e) for e in built.feed_entries.values()],
    }


def _from_manifest(data: Any) -> tuple[SitePages, str, datetime | None]:
    """The pages a manifest records, its digest and its expiry.

    Raises:
        ValueError: The manifest is not one this code wrote (format, types, keys).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("format inconnu")
    try:
        pages = tuple(PageEntry(path=str(p), in_nav=bool(n)) for p, n in data["pages"])
        tags = tuple(
            feeds_out.TagInfo(
                id=str(t["id"]), label=str(t["label"]), description=str(t["description"])
            )
            for t in data["tags"]
        )
        entries = [feeds_out.entry_from_json(e) for e in data["feed_entries"]]
        until = data["valid_until"]
        expiry = datetime.fromisoformat(until) if until is not None else None
        built = SitePages(
            pages=pages,
            warnings=tuple(str(w) for w in data["warnings"]),
            tags=tags,
            feed_entries={entry.page: entry for entry in entries},
            reused=True,
        )
        return built, str(data["digest"]), expiry
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ValueError(f"contenu inattendu ({type(err).__name__}: {err})") from err


def _reusable(cache_dir: Path, digest: str, now: datetime) -> tuple[SitePages | None, str]:
    """The cached pages if they can stand for a fresh build, else why not."""
    manifest_path = cache_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        return None, ""
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        # The digest first: the rest of a manifest that cannot serve is not read.
        if isinstance(data, dict) and data.get("format") == FORMAT and data.get("digest") != digest:
            return None, "contenu ou générateur modifié depuis la dernière construction"
        built, recorded, expiry = _from_manifest(data)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"manifeste du cache illisible ({manifest_path}) : {err} ; pages régénérées"
    if recorded != digest:
        return None, "contenu ou générateur modifié depuis la dernière construction"
    if expiry is not None and now >= expiry:
        return None, f"une infolettre datée du {expiry:%Y-%m-%d %H:%M} est à publier"
    pages_dir = cache_dir / PAGES_DIR
    missing = next((p.path for p in built.pages if not (pages_dir / p.path).is_file()), None)
    if missing is not None:
        return None, f"page absente du cache ({missing}) ; pages régénérées"
    return built, ""


def site_pages(
    content_dir: Path,
    cache_dir: Path,
    *,
    now: datetime,
    include_drafts: bool = False,
    defer: bool = False,
    urls: UrlStyle | None = None,
    reuse: bool = True,
) -> SitePages:
    """The generator's pages under ``cache_dir/pages``, reused or made afresh.

    Args:
        content_dir: The ``content/`` folder.
        cache_dir: The cache folder: ``pages/`` and ``manifest.json`` live there.
        now: The build time (posts dated later wait).
        include_drafts: Publish drafts and future posts too (``mkdocs serve``).
        defer: When the pages are made afresh, write to the cache now only the posts and
            their files (Material's blog plugin reads them from disk); the other pages
            come in :attr:`SitePages.texts`, for the renderer to take from memory, and a
            child process writes the cache while the build goes on
            (:attr:`SitePages.pending`). Creating thousands of files takes about a second.
        urls: Where the renderer publishes pages (MkDocs' defaults and the site's blog
            when not given).
        reuse: Take the cached pages when nothing changed. A long-lived process
            (``mkdocs serve``) makes them in memory even then, once: what it read and
            made stays there (:mod:`generator.content.loader`, :mod:`generator.pages.build`),
            and each later build redoes only what an edit changed. Files whose bytes are
            the same are not written again either way.

    Returns:
        The pages and what MkDocs needs besides; ``reused`` says whether the generator
        ran. Only files whose bytes changed are written, so that modification times
        tell MkDocs' ``--dirty`` builds which pages to render again.

    Raises:
        GeneratorError: Content that cannot be used (the message names the file).
    """
    digest = input_digest(content_dir, include_drafts=include_drafts, urls=urls)
    cached, note = _reusable(cache_dir, digest, now) if reuse else (None, "")
    if cached is not None:
        return cached
    content = load_content(content_dir)
    code = _code_digest()
    known, problem = load_decisions(cache_dir / TAGS_NAME, code)
    memo = DecisionMemo(known=known)
    generated = generate(content, now=now, include_drafts=include_drafts, tag_memo=memo, urls=urls)
    built = SitePages(
        pages=tuple(PageEntry(path=p.path, in_nav=p.in_nav) for p in generated.pages),
        warnings=tuple(generated.warnings),
        tags=tuple(feeds_out.tag_infos(content)),
        feed_entries=generated.feed_entries,
        note="; ".join(text for text in (note, problem) if text),
    )
    manifest = _manifest(built, digest=digest, until=valid_until(content, now=now))

    def write() -> int:
        # The manifest last: it vouches for the pages.
        written, _ = write_pages(generated.pages, cache_dir / PAGES_DIR)
        save_decisions(cache_dir / TAGS_NAME, code, memo.used)
        _save(cache_dir / MANIFEST_NAME, manifest)
        return written

    if not defer:
        return replace(built, written=write())
    posts = catalog.POSTS_URI + "/"
    in_memory = {
        page.path: page.text
        for page in generated.pages
        if page.text is not None and not page.path.startswith(posts)
    }
    now_on_disk = [p for p in generated.pages if p.path not in in_memory]
    first, _ = write_pages(now_on_disk, cache_dir / PAGES_DIR, prune=False)
    # At the lowest priority: the cache is read by the next build only, and the cores are
    # wanted by the children converting and indexing this build's pages.
    pending = Background(lambda: first + write(), piece="cache", niceness=IDLE_NICENESS)
    return replace(built, texts=in_memory, pending=pending)


def _save(path: Path, manifest: Mapping[str, Any]) -> None:
    write_many({path: json.dumps(manifest, ensure_ascii=False) + "\n"}, durable=False)
