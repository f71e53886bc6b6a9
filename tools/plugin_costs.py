"""What each extra plugin of mkdocs.yml costs a full build of the synthetic site.

Builds the benchmark's synthetic site (``python -m generator bench``) with every plugin,
then without each extra plugin in turn (mkdocstrings, publication, search_accents, tags,
and the infolettre plugin's feeds), in interleaved rounds from an empty cache, and prints
each setting's mean and its rounds. A figure, not a test::

    python tools/plugin_costs.py [--items 3000] [--posts 200] [--rounds 2]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.site import build, make_project  # noqa: E402
from generator.content.loader import load_feeds  # noqa: E402
from generator.veille.ingest import ingest_feeds  # noqa: E402

SETTINGS = ("all", "no-mkdocstrings", "no-publication", "no-search_accents", "no-tags", "no-feeds")


def variant(text: str, setting: str) -> str:
    """``mkdocs.yml``'s text without what ``setting`` turns off.

    Raises:
        ValueError: The setting's plugin is not found in the text.
    """
    if setting == "all":
        return text
    if setting == "no-mkdocstrings":
        changed = re.sub(r"\n  - mkdocstrings:.*?(?=\n  # Subscription page)", "", text, flags=re.S)
    elif setting == "no-feeds":
        changed = text.replace(
            "      feed_items: 50\n", "      feed_items: 50\n      feeds: false\n"
        )
    else:
        # The plugin's line, and its options' lines (indented deeper) if it has any.
        name = re.escape(setting.removeprefix("no-"))
        changed = re.sub(rf"\n  - {name}:?\n(?:      .*\n)*", "\n", text)
    if changed == text:
        raise ValueError(f"{setting} : plugin introuvable dans mkdocs.yml")
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="plugin-costs-") as temp:
        project = make_project(Path(temp) / "site", items=args.items, posts=args.posts)
        content = project / "content"
        ingest_feeds(
            content, load_feeds(content), offline=True, now=datetime(2026, 7, 1, tzinfo=UTC)
        )
        config = project / "mkdocs.yml"
        original = config.read_text(encoding="utf-8")
        times: dict[str, list[float]] = {setting: [] for setting in SETTINGS}
        for number in range(args.rounds):
            turn = number % len(SETTINGS)
            for setting in SETTINGS[turn:] + SETTINGS[:turn]:
                config.write_text(variant(original, setting), encoding="utf-8")
                shutil.rmtree(project / ".cache", ignore_errors=True)
                shutil.rmtree(project / "site", ignore_errors=True)
                seconds = build(project).seconds
                times[setting].append(seconds)
                print(
                    f"[tour {number + 1}/{args.rounds}] {setting} : {seconds:.1f} s",
                    file=sys.stderr,
                )
    base = statistics.mean(times["all"])
    print(f"{args.items} articles, {args.posts} infolettres, {args.rounds} tours")
    for setting in SETTINGS:
        mean = statistics.mean(times[setting])
        rounds = ", ".join(f"{t:.1f}" for t in times[setting])
        print(f"  {setting:<20} {mean:6.1f} s  ({rounds})  {mean - base:+.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
