"""Sites in the tests: copies of their sources, and one way to build them.

Every MkDocs build of the tests goes through :func:`build_site` (in this process, as
``mkdocs build`` does), or :func:`run_mkdocs` where the test is about the command itself.
The sites several modules read are built once per session (``conftest.py``:
``built_project``, ``built_small_site``); a test that changes a site builds its own copy.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.files import files_under

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


# ------------------------------------------------------------------ sources


def copy_site(target: Path) -> Path:
    """Copy the project's site sources (mkdocs.yml, docs/, content/) into ``target``."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", target / "docs")
    shutil.copytree(ROOT / "content", target / "content")
    return target


def small_config() -> str:
    """The project's mkdocs.yml without the code reference (mkdocstrings) and the guide."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\n  - mkdocstrings:.*?(?=\n  # Subscription page)", "", text, flags=re.S)
    return re.sub(r"\n  - Guide:.*\Z", "\n", text, flags=re.S)


def copy_small_site(project: Path, *, with_content: bool = True) -> Path:
    """A small copy of the project's site in ``project``: mkdocs.yml (:func:`small_config`),
    the blog's index and the assets, and (``with_content``) a copy of ``content/``.

    Its content without the guide and the code reference (the slowest part of a build,
    and not needed to test what content does).
    """
    (project / "docs" / "infolettre").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "infolettre" / "index.md", project / "docs" / "infolettre")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    (project / "mkdocs.yml").write_text(small_config(), encoding="utf-8")
    if with_content:
        shutil.copytree(ROOT / "content", project / "content")
    return project


# ------------------------------------------------------------------- builds


def copy_corpus_site(project: Path, corpus: Path) -> Path:
    """A small site (:func:`copy_small_site`) whose content is ``corpus`` (a fixture
    ``content/`` folder) with the project's vocabulary, its warnings about content
    logged at INFO level (so that a strict build reports them without failing)."""
    copy_small_site(project, with_content=False)
    shutil.copytree(corpus, project / "content")
    shutil.copy(ROOT / "content" / "taxonomy.yml", project / "content" / "taxonomy.yml")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      content_dir: content\n",
            "      content_dir: content\n      content_warnings: info\n",
        ),
        encoding="utf-8",
    )
    return project


def site_config(root: Path, *, strict: bool = True, **overrides: Any) -> MkDocsConfig:
    """The configuration of ``root/mkdocs.yml``, as ``mkdocs build`` loads it.

    The site goes to ``root/site``; ``overrides`` replace keys of the file (``site_url``,
    ``site_dir``...), as the command's options do.
    """
    # Imported here, as in build_config: most test modules never build a site.
    from mkdocs.config import load_config

    options: dict[str, Any] = {"site_dir": str(root / "site"), "strict": strict, **overrides}
    return load_config(str(root / "mkdocs.yml"), **options)


def build_config(config: MkDocsConfig, *, dirty: bool = False, command: str = "build") -> Path:
    """Build the site of ``config`` as ``mkdocs build`` does, the plugins told of the
    command first (built again with the same configuration, as ``mkdocs serve`` does on
    each change: ``command="serve"``); returns the site folder.

    The plugins' shut-down event is not sent: MkDocs keeps one instance of each plugin
    with a start-up event for the whole process, and Material's blog deletes its working
    folder when shut down, which the next build of the session would need.
    """
    from mkdocs.commands.build import build

    config.plugins.on_startup(command=command, dirty=dirty)
    build(config, dirty=dirty)
    return Path(config.site_dir)


def build_site(root: Path, *, strict: bool = True, dirty: bool = False, **overrides: Any) -> Path:
    """Build ``root/mkdocs.yml`` into ``root/site`` (strictly unless told); returns the site.

    ``overrides`` replace keys of the configuration file, as :func:`site_config` says.
    """
    return build_config(site_config(root, strict=strict, **overrides), dirty=dirty)


@contextmanager
def collect_logs() -> Iterator[list[str]]:
    """The messages MkDocs and its plugins log (INFO and above) while the block runs."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.INFO)
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def build_logged(root: Path, **options: Any) -> tuple[Path, list[str]]:
    """:func:`build_site` with the messages logged during the build (INFO and above)."""
    with collect_logs() as logs:
        site = build_site(root, **options)
    return site, logs


def compare_sites(first: Path, second: Path, suffix: str = "") -> tuple[list[str], list[str]]:
    """The files whose name ends with ``suffix`` in two built sites, which must be the
    same files, and those whose bytes differ (the sitemap's archive, which carries its
    time, apart)."""
    names = files_under(first, suffix)
    assert names == files_under(second, suffix)
    different = [
        name
        for name in names
        if name.rsplit("/", 1)[-1] != "sitemap.xml.gz"
        and (first / name).read_bytes() != (second / name).read_bytes()
    ]
    return names, different


def run_mkdocs(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``mkdocs ARGS`` run in ``root`` as a user runs it (this project's plugins and
    generator on its path), capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"},
    )
