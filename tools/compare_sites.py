"""Build the real site at two revisions and say whether readers would see any difference.

    python tools/compare_sites.py BEFORE [AFTER]

Each revision (a commit, a branch; AFTER defaults to the working tree as it is) is
checked out in a temporary folder and built with ``mkdocs build`` (demos off, as in the
tests), each with its own code. Every file of the two sites is then compared byte for
byte, except what changes from one build to the next or with the code itself:

- the code reference (``reference/``, ``objects.inv``), which documents the code, and
  its entries in the search index;
- the build dates of the feeds (``lastBuildDate``) and the sitemap.

The differing files are listed; the exit status is 1 if there is one, 0 otherwise.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.files import files_under  # noqa: E402

_LAST_BUILD = re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>")
_SKIPPED = ("reference/", "objects.inv", "sitemap.xml", "sitemap.xml.gz")


def _checkout(revision: str | None, folder: Path) -> Path:
    """The project at ``revision`` (``None``: the working tree itself)."""
    if revision is None:
        return ROOT
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(folder), revision],
        check=True,
    )
    return folder


def _build(project: Path, site: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "INFOLETTRE_DEMOS": "false",
        "NO_MKDOCS_2_WARNING": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=project,
        env=env,
        check=True,
    )


def _files(site: Path) -> dict[str, Path]:
    return {name: site / name for name in files_under(site) if not name.startswith(_SKIPPED)}


def _search_index(path: Path) -> bytes:
    data = json.loads(path.read_bytes())
    data["docs"] = [d for d in data["docs"] if not d["location"].startswith("reference/")]
    return json.dumps(data, sort_keys=True).encode()


def _same(name: str, before: Path, after: Path) -> bool:
    if name.endswith("search_index.json"):
        return _search_index(before) == _search_index(after)
    if name.endswith(".xml"):
        return _LAST_BUILD.sub(b"", before.read_bytes()) == _LAST_BUILD.sub(b"", after.read_bytes())
    return filecmp.cmp(before, after, shallow=False)


def compare(before: Path, after: Path) -> list[str]:
    """The differences between two built sites, one line each."""
    old, new = _files(before), _files(after)
    lines = [f"seulement avant : {name}" for name in sorted(old.keys() - new.keys())]
    lines += [f"seulement après : {name}" for name in sorted(new.keys() - old.keys())]
    lines += [
        f"différent : {name}"
        for name in sorted(old.keys() & new.keys())
        if not _same(name, old[name], new[name])
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="révision de référence (commit, branche)")
    parser.add_argument("after", nargs="?", help="révision comparée (défaut : l'arbre de travail)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="compare-sites-") as temp:
        work = Path(temp)
        trees = []
        try:
            for name, revision in (("avant", args.before), ("apres", args.after)):
                project = _checkout(revision, work / f"src-{name}")
                if revision is not None:
                    trees.append(project)
                _build(project, work / f"site-{name}")
            differences = compare(work / "site-avant", work / "site-apres")
        finally:
            for tree in trees:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=False,
                )
    for line in differences:
        print(line)
    print(f"{len(differences)} différence(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
