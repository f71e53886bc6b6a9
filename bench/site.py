"""Site benchmark: a synthetic content tree of N feed items and M infolettres, timed.

Every stage is timed on its own: ingestion of the feed snapshots, reading the content,
tagging, page generation, the full ``mkdocs build``, a second build with nothing
changed, a build after editing one post; and, in the same run, a bare MkDocs site with
the same number of plain pages, so that the figures read as ratios that hold from one
machine to another. The generator's stages, the full build (from an empty cache) and
the bare one are run in turn several times, round by round and size by size: a stage's
figure is the median of its rounds, minutes apart, and each ratio the median of its
rounds' ratios, so that it compares builds made within a minute of each other. Builds
run in a child process each, whose peak memory is read from the kernel (``wait4``). With
``serve``, the editor's loop too: ``mkdocs serve`` (then ``mkdocs serve --dirty
--no-strict``) on a free port, the time to its first page, then the time from saving an
edited post to the server answering with the edited page. Figures are printed, never
asserted: this is not a test.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO, TypeVar

from bench.stages import GENERATE, READ, TAG
from bench.tags import synthetic_documents
from generator.content.loader import read_text
from generator.files import files_under
from generator.pages.feedwriter import Channel, Entry, render_rss
from generator.veille.feeds_config import parse_feeds
from generator.veille.ingest import ingest_feeds

T = TypeVar("T")

#: The project's own files a synthetic tree starts from (everything but the content).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
BARE = "MkDocs nu"
FULL = "mkdocs build (complet)"
NOW = datetime(2026, 7, 1, tzinfo=UTC)
"""The date the synthetic content is ingested and generated at."""
POST_TEMPLATE = PROJECT_ROOT / "content" / "infolettre" / "infolettre_13"
FEEDS = 5

_POST_BODY_EXTRA = """
{{{{% callout note %}}}}
Numéro {number} de l'infolettre : rendez-vous le {day} {month} pour la journée du réseau.
{{{{% /callout %}}}}

{{{{< figure src="featured.jpg" caption="Illustration du numéro {number}" >}}}}
"""
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin")


@dataclass(frozen=True, kw_only=True)
class Stage:
    """One timed stage: its name, seconds, and the peak memory of its process (MiB)."""

    name: str
    seconds: float
    peak_mib: float | None = None
    runs: tuple[float, ...] = ()
    """Each run's seconds, when ``seconds`` is their median."""


@dataclass(kw_only=True)
class SiteBench:
    """The stages of one size (``items`` feed items, ``posts`` infolettres)."""

    items: int
    posts: int
    pages: int = 0
    stages: list[Stage] = field(default_factory=list)
    generator_runs: list[dict[str, float]] = field(default_factory=list)
    """The generator's stages, one timing per round (:func:`generator_stages`)."""
    full: list[Stage] = field(default_factory=list)
    """The full builds (from an empty cache), one per round."""
    bare: list[Stage] = field(default_factory=list)
    """The bare site's builds, one per round, each right after that round's full build."""
    project: Path = Path()
    """The synthetic project's folder, and the bare site's below: set by
    :func:`prepare_size` (a report needs only the figures)."""
    bare_root: Path = Path()

    @property
    def post(self) -> Path:
        """The ``index.md`` of the post that is edited (then put back) in the project."""
        return self.project / "content" / "infolettre" / "infolettre_1" / "index.md"

    def seconds(self, name: str) -> float:
        """The seconds of the stage called ``name``."""
        return next(s.seconds for s in self.stages if s.name == name)


def _timed(stages: list[Stage], name: str, call: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = call()
    stages.append(Stage(name=name, seconds=time.perf_counter() - started))
    return result


def write_feed_snapshots(content: Path, *, items: int, seed: int = 0) -> None:
    """Write ``feeds.yml`` and ``FEEDS`` RSS snapshots holding ``items`` items in all."""
    rng = random.Random(seed)
    documents = synthetic_documents(items, body_chars=4000, seed=seed)
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 6, 1, tzinfo=UTC) - start).total_seconds()
    feeds_yml = ["feeds:"]
    for number in range(FEEDS):
        feed_id = f"source{number}"
        feeds_yml += [
            f"  - id: {feed_id}",
            f"    title: Source {number}",
            f"    url: https://source{number}.example.org/feed/",
            f"    site_url: https://source{number}.example.org/",
            f"    snapshot: feeds/{feed_id}.xml",
            "    licence: CC BY-SA 4.0",
            "    content: full",
        ]
        entries = []
        for index in range(number, items, FEEDS):
            doc = documents[index]
            published = start + timedelta(seconds=rng.uniform(0, span))
            link = f"https://source{number}.example.org/{published:%Y/%m}/article-{index}/"
            entries.append(
                Entry(
                    title=f"Article {index} : {doc.title}",
                    link=link,
                    guid=link,
                    published=published,
                    description=doc.summary,
                    content_html=doc.body,
                    categories=(rng.choice(("IA", "Logiciel libre", "Événement", "Données")),),
                )
            )
        channel = Channel(
            title=f"Source {number}",
            link=f"https://source{number}.example.org/",
            description="Flux synthétique",
            self_url=f"https://source{number}.example.org/feed/",
        )
        snapshot = content / "feeds" / f"{feed_id}.xml"
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(render_rss(channel, entries, built=start), encoding="utf-8")
    (content / "feeds.yml").write_text("\n".join(feeds_yml) + "\n", encoding="utf-8")


def write_posts(content: Path, *, posts: int) -> None:
    """Write ``posts`` infolettres made from #13 (shortcodes, images, front matter)."""
    template = read_text(POST_TEMPLATE / "index.md")
    start = datetime(2019, 1, 7, tzinfo=UTC)
    for number in range(1, posts + 1):
        folder = content / "infolettre" / f"infolettre_{number}"
        folder.mkdir(parents=True)
        for image in POST_TEMPLATE.iterdir():
            if image.name != "index.md":
                shutil.copy(image, folder / image.name)
        date = start + timedelta(days=14 * number)
        text = template.replace("(#13)", f"(#{number})").replace(
            "2023-03-20T00:00:00Z", f"{date:%Y-%m-%dT%H:%M:%SZ}"
        )
        text += _POST_BODY_EXTRA.format(
            number=number, day=1 + number % 28, month=_MONTHS[number % len(_MONTHS)]
        )
        (folder / "index.md").write_text(text, encoding="utf-8")


def make_project(root: Path, *, items: int, posts: int) -> Path:
    """A project folder (``mkdocs.yml``, ``docs/``, ``content/``) with synthetic content."""
    root.mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT_ROOT / "docs", root / "docs")
    # A theme's custom_dir, where the project has one, must exist for MkDocs to start.
    if (PROJECT_ROOT / "overrides").is_dir():
        shutil.copytree(PROJECT_ROOT / "overrides", root / "overrides")
    content = root / "content"
    content.mkdir()
    for name in ("taxonomy.yml", "authors.yml"):
        shutil.copy(PROJECT_ROOT / "content" / name, content / name)
    write_feed_snapshots(content, items=items)
    write_posts(content, posts=posts)
    return root


def html_pages(site: Path) -> int:
    """How many HTML pages a built site holds."""
    return len(files_under(site, ".html"))


def make_bare_project(root: Path, *, pages: int) -> Path:
    """A bare MkDocs + Material site of ``pages`` plain pages kept out of the nav (and its
    home and 404 pages)."""
    docs = root / "docs"
    (docs / "pages").mkdir(parents=True)
    documents = synthetic_documents(pages, body_chars=4000, seed=1)
    for number, doc in enumerate(documents):
        (docs / "pages" / f"page-{number}.md").write_text(
            f"# Page {number}\n\n{doc.summary}\n\n{doc.body}\n", encoding="utf-8"
        )
    (docs / "index.md").write_text("# Accueil\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Témoin\n"
        "site_url: https://example.org/\n"
        "theme:\n  name: material\n  language: fr\n"
        "plugins:\n  - search:\n      lang: fr\n"
        "nav:\n  - index.md\n"
        "not_in_nav: |\n  /pages/\n",
        encoding="utf-8",
    )
    return root


def build(project: Path, *, env: Mapping[str, str] | None = None) -> Stage:
    """``mkdocs build`` of ``project`` in a child process: seconds and peak memory.

    Args:
        project: The folder of ``mkdocs.yml``.
        env: Variables added to the child's environment.

    Raises:
        RuntimeError: The build failed (its output's tail is in the message).
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOLETTRE_DEMOS="false", **(env or {}))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--quiet"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"échec de mkdocs build dans {project} :\n{tail}")
    # ru_maxrss is in KiB on Linux.
    return Stage(name="", seconds=seconds, peak_mib=usage.ru_maxrss / 1024)


def _named(stage: Stage, name: str) -> Stage:
    return Stage(name=name, seconds=stage.seconds, peak_mib=stage.peak_mib)


def _median(name: str, stages: Sequence[Stage]) -> Stage:
    """One stage for several runs of it: their median, each run, the highest peak."""
    peaks = [stage.peak_mib for stage in stages if stage.peak_mib is not None]
    return Stage(
        name=name,
        seconds=statistics.median(stage.seconds for stage in stages),
        peak_mib=max(peaks) if peaks else None,
        runs=tuple(stage.seconds for stage in stages) if len(stages) > 1 else (),
    )


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (the system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _page_text(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            text: str = answer.read().decode("utf-8", "replace")
            return text
    except (urllib.error.URLError, OSError):
        return None


def wait_for_page(
    url: str, child: subprocess.Popen[bytes], log: TextIO, *, marker: str, timeout: float
) -> float:
    """Seconds until ``url`` answers with ``marker`` in its text.

    Raises:
        RuntimeError: The server stopped, or ``timeout`` passed (the log's tail is given).
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        text = _page_text(url)
        if text is not None and marker in text:
            return time.perf_counter() - started
        if child.poll() is not None:
            break
        time.sleep(0.1)
    log.seek(0)
    tail = log.read()[-3000:]
    raise RuntimeError(f"mkdocs serve n'a pas servi « {marker} » sur {url} :\n{tail}")


def serve_reload(
    project: Path, post: Path, url_path: str, *, dirty: bool, timeout: float = 1800
) -> tuple[Stage, Stage]:
    """``mkdocs serve`` on a free port: time to the first page, then to an edited page.

    The post is edited once the first build is served: a paragraph with a unique marker
    is appended, and the page at ``url_path`` is polled until it shows the marker.

    Args:
        project: The project folder (``mkdocs.yml``).
        post: The ``index.md`` of the post to edit.
        url_path: The post's address on the site (``infolettre/<slug>/``).
        dirty: Run ``mkdocs serve --dirty --no-strict`` (only changed pages are
            rendered again; MkDocs' warning about it would stop a strict build).
        timeout: Seconds allowed to each of the two waits.

    Returns:
        The first build's stage, and the reload's.

    Raises:
        RuntimeError: The server failed or never served the edit.
    """
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", INFOLETTRE_DEMOS="false")
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    if dirty:
        # MkDocs warns that a dirty build is one, which strict mode (mkdocs.yml) would
        # turn into a failure.
        command += ["--dirty", "--no-strict"]
    url = f"http://127.0.0.1:{port}/{url_path}"
    label = "mkdocs serve --dirty" if dirty else "mkdocs serve"
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        child = subprocess.Popen(
            command, cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            title = "<title>"
            first = wait_for_page(url, child, log, marker=title, timeout=timeout)
            marker = f"Modification chronométrée {time.time_ns()}"
            post.write_text(read_text(post) + f"\n{marker}\n", encoding="utf-8")
            reload = wait_for_page(url, child, log, marker=marker, timeout=timeout)
        finally:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return (
        Stage(name=f"{label} : première page", seconds=first),
        Stage(name=f"{label} : rechargement", seconds=reload),
    )


def generator_stages(content_root: Path, now: datetime) -> dict[str, float]:
    """One timing of the generator's stages (:mod:`bench.stages`), in a process of its own
    as a build is: each run reads, tags and generates from nothing.

    Raises:
        RuntimeError: The run failed (its output's tail is in the message).
    """
    done = subprocess.run(
        [sys.executable, "-m", "bench.stages", str(content_root), now.isoformat()],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"échec des étapes du générateur :\n{done.stderr[-3000:]}")
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return times


def prepare_size(workdir: Path, *, items: int, posts: int, stream: TextIO) -> SiteBench:
    """One size's first round, in folders under ``workdir``: ingestion, the generator's
    stages (in a fresh process), a full build and the bare site's first build, then a
    build with nothing changed and a build after editing one post."""
    bench = SiteBench(items=items, posts=posts)
    stages = bench.stages
    project = bench.project = make_project(
        workdir / f"site-{items}-{posts}", items=items, posts=posts
    )
    content_root = project / "content"
    feeds = parse_feeds(
        read_text(content_root / "feeds.yml"), content_root / "feeds.yml", content_root=content_root
    )
    print(f"[{items} articles, {posts} infolettres] ingestion…", file=stream, flush=True)
    _timed(
        stages,
        "ingestion (instantanés)",
        lambda: ingest_feeds(content_root, feeds, offline=True, now=NOW),
    )
    print(f"[{items} articles, {posts} infolettres] étapes du générateur…", file=stream, flush=True)
    bench.generator_runs.append(generator_stages(content_root, NOW))
    print(f"[{items} articles, {posts} infolettres] mkdocs build…", file=stream, flush=True)
    bench.full.append(build(project))
    # The pages of the built site, all of them (blog views, guide, reference…); images and
    # feeds are not pages.
    bench.pages = html_pages(project / "site")
    print(f"[{items} articles, {posts} infolettres] site témoin…", file=stream, flush=True)
    # The bare site writes its home and 404 pages besides its plain pages. Built right
    # after the full build, as in the other rounds.
    bench.bare_root = make_bare_project(workdir / f"bare-{bench.pages}", pages=bench.pages - 2)
    bench.bare.append(build(bench.bare_root))
    print(
        f"[{items} articles, {posts} infolettres] "
        "mkdocs build : rien de changé, puis une infolettre modifiée…",
        file=stream,
        flush=True,
    )
    stages.append(_named(build(project), "mkdocs build (rien de changé)"))
    post = bench.post
    original = read_text(post)
    post.write_text(original + "\nUn paragraphe ajouté.\n", encoding="utf-8")
    stages.append(_named(build(project), "mkdocs build (une infolettre modifiée)"))
    post.write_text(original, encoding="utf-8")
    return bench


def another_round(bench: SiteBench, *, number: int, rounds: int, stream: TextIO) -> None:
    """One more timing of the generator's stages on ``bench``'s content, one more full
    build (from an empty cache) of its project, then one more build of its bare site,
    right after."""
    print(
        f"[{bench.items} articles, {bench.posts} infolettres] tour {number}/{rounds} : "
        "étapes du générateur, build complet (cache vide), puis site témoin…",
        file=stream,
        flush=True,
    )
    bench.generator_runs.append(generator_stages(bench.project / "content", NOW))
    shutil.rmtree(bench.project / ".cache", ignore_errors=True)
    shutil.rmtree(bench.project / "site", ignore_errors=True)
    bench.full.append(build(bench.project))
    shutil.rmtree(bench.bare_root / "site", ignore_errors=True)
    bench.bare.append(build(bench.bare_root))


def finish(bench: SiteBench, *, stream: TextIO, serve: bool = False) -> None:
    """The medians of the generator's stages and of the full and bare builds among
    ``bench``'s stages; with ``serve``, the editor's loop under ``mkdocs serve`` (then
    ``--dirty``)."""
    stages = bench.stages
    # After the ingestion: the generator's stages, then the full build, before the builds
    # with nothing changed and with one post edited.
    stages[1:1] = [
        _median(name, [Stage(name=name, seconds=run[name]) for run in bench.generator_runs])
        for name in (READ, TAG, GENERATE)
    ]
    stages.insert(len(stages) - 2, _median(FULL, bench.full))
    stages.append(_median(f"{BARE} ({html_pages(bench.bare_root / 'site')} pages)", bench.bare))
    if not serve:
        return
    for dirty in (False, True):
        print(
            f"[{bench.items} articles, {bench.posts} infolettres] "
            f"mkdocs serve{' --dirty' * dirty}…",
            file=stream,
            flush=True,
        )
        stages.extend(
            serve_reload(bench.project, bench.post, "infolettre/infolettre_1/", dirty=dirty)
        )


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of the ratios of runs made in the same round (``numerators[i]`` over
    ``denominators[i]``). Pure.

    Runs of one round follow each other within a minute, so a slow phase of the machine
    falls on both terms of its ratio; the ratio of medians would compare runs minutes
    apart, whose medians a slow phase can move apart (one of each kind falls in it).

    Raises:
        ValueError: No runs, or not as many of each.
    """
    if not numerators or len(numerators) != len(denominators):
        raise ValueError("autant de tours de chaque côté, au moins un")
    return statistics.median(n / d for n, d in zip(numerators, denominators, strict=True))


def _rounds_text(numerators: Sequence[float], denominators: Sequence[float]) -> str:
    ratios = ", ".join(f"{n / d:.2f}" for n, d in zip(numerators, denominators, strict=True))
    medians = statistics.median(numerators) / statistics.median(denominators)
    return f"tours : {ratios} ; rapport des médianes : {medians:.2f}"


def report(results: Sequence[SiteBench]) -> str:
    """The table of stages for each size, then the ratios the targets are stated in: each
    the median of its rounds' ratios (:func:`paired_ratio`), each round's shown, and the
    ratio of the medians beside it."""
    lines = []
    for bench in results:
        lines.append(f"\n{bench.items} articles, {bench.posts} infolettres ({bench.pages} pages)")
        for stage in bench.stages:
            memory = f"  pic {stage.peak_mib:,.0f} Mio" if stage.peak_mib is not None else ""
            runs = ""
            if stage.runs:
                runs = "  (médiane ; tours : " + ", ".join(f"{r:.2f}" for r in stage.runs) + ")"
            lines.append(f"  {stage.name:<44} {stage.seconds:8.2f} s{memory}{runs}")
        # What each build does (read, tag, generate); ingestion is a command of its own,
        # run when feeds change, and is reported above but not counted here.
        generator_s = sum(bench.seconds(name) for name in (READ, TAG, GENERATE))
        full = [stage.seconds for stage in bench.full]
        bare = [stage.seconds for stage in bench.bare]
        lines.append(
            f"  ratio build complet / MkDocs nu : {paired_ratio(full, bare):.2f} (cible ≤ 1,5)"
            f"  ({_rounds_text(full, bare)})"
        )
        for stage in bench.stages:
            if stage.name.endswith(" : rechargement"):
                label = stage.name.removesuffix(" : rechargement")
                lines.append(
                    f"  rechargement sous {label} / build complet : "
                    f"{stage.seconds / bench.seconds(FULL) * 100:.0f} % (cible ≤ 25 %)"
                )
        lines.append(
            f"  étapes du générateur par construction (lecture, étiquetage, génération) : "
            f"{generator_s / bench.items * 1000:.2f} s pour 1 000 articles (cible < 1 s)"
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        small_full = [stage.seconds for stage in small.full]
        large_full = [stage.seconds for stage in large.full]
        growth = paired_ratio(large_full, small_full)
        lines.append(
            f"\ncroissance {small.items} → {large.items} articles : ×{growth:.2f} "
            f"(×{large.items / small.items:.1f} de contenu ; cible ≤ 3,3 pour 1 000 → 3 000)"
            f"  ({_rounds_text(large_full, small_full)})"
        )
    return "\n".join(lines)


def parse_size(text: str) -> tuple[int, int]:
    """``"3000x200"`` → (3000 items, 200 posts).

    Raises:
        ValueError: The text is not two positive integers joined by ``x``.
    """
    items, sep, posts = text.partition("x")
    if not sep or not items.isdigit() or not posts.isdigit() or int(items) < FEEDS:
        raise ValueError(f"taille invalide « {text} » (attendu ARTICLESxINFOLETTRES, ex. 1000x50)")
    return int(items), int(posts)


def run(
    sizes: Sequence[tuple[int, int]],
    *,
    keep: Path | None,
    stream: TextIO,
    serve: bool = False,
    rounds: int = 1,
) -> str:
    """Run the benchmark for every size (``rounds``: timings of the generator's stages and
    runs of the full and bare builds, round by round); returns the printable report."""

    def each(workdir: Path) -> list[SiteBench]:
        benches = [prepare_size(workdir, items=i, posts=p, stream=stream) for i, p in sizes]
        # Round by round, every size in turn: the growth compares builds of one round too.
        for number in range(2, rounds + 1):
            for bench in benches:
                another_round(bench, number=number, rounds=rounds, stream=stream)
        for bench in benches:
            finish(bench, stream=stream, serve=serve)
        return benches

    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        return report(each(keep))
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        return report(each(Path(tmp)))
