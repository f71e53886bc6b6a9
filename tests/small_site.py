"""A small copy of the project's site: its content, without the guide and the code
reference (the slowest part of a build, and not needed to test what content does)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import ROOT


def small_config() -> str:
    """The project's mkdocs.yml without the code reference (mkdocstrings) and the guide."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"\n  - mkdocstrings:.*?(?=\n  # Subscription page)", "", text, flags=re.S)
    return re.sub(r"\n  - Guide:.*\Z", "\n", text, flags=re.S)


def copy_small_site(project: Path, *, with_content: bool = True) -> Path:
    """``project``: mkdocs.yml, the blog's index and the assets, and (``with_content``)
    a copy of ``content/``."""
    (project / "docs" / "infolettre").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "infolettre" / "index.md", project / "docs" / "infolettre")
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")
    (project / "mkdocs.yml").write_text(small_config(), encoding="utf-8")
    if with_content:
        shutil.copytree(ROOT / "content", project / "content")
    return project
