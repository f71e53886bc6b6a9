"""Rebuild an RSS 2.0 snapshot, in WordPress form, from feed-reader text dumps.

Usage: python tools/snapshot_from_dump.py DUMP [DUMP ...] --out FILE [--exclude TITLE ...]

Used once to make ``content/feeds/framablog.xml`` from the articles a reader had copied;
articles found in several dumps are kept once. Links follow WordPress's permalink form
(``/YYYY/MM/DD/slug/``); categories are only those the text itself shows.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.content.slugs import fold
from generator.pages.feedwriter import Channel, Entry, render_rss
from generator.veille.dump import DumpArticle, parse_dump


def wordpress_slug(title: str) -> str:
    text = fold(title).replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def categories(article: DumpArticle) -> tuple[str, ...]:
    found = []
    if article.author in ("Framalang", "Framasoft"):
        found.append(article.author)
    match = re.search(r"– (Open Culture) \(\d+\)$", article.title)
    if match:
        found.append(match.group(1))
    return tuple(found)


def entry(article: DumpArticle) -> Entry:
    link = f"https://framablog.org/{article.published:%Y/%m/%d}/{wordpress_slug(article.title)}/"
    lead = article.paragraphs[0] if article.paragraphs else ""
    if len(lead) > 300:
        lead = lead[:300].rsplit(" ", 1)[0] + " […]"
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in article.paragraphs)
    return Entry(
        title=article.title,
        link=link,
        guid=link,
        published=article.published,
        author=article.author,
        categories=categories(article),
        description=lead,
        content_html=body,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dumps", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--exclude", action="append", default=[])
    args = parser.parse_args()
    seen: dict[tuple[str, datetime], DumpArticle] = {}
    for dump in args.dumps:
        for article in parse_dump(dump.read_text(encoding="utf-8")):
            if article.title in args.exclude:
                continue
            seen.setdefault((article.title, article.published), article)
    articles = sorted(seen.values(), key=lambda a: a.published, reverse=True)
    channel = Channel(
        title="Framablog",
        link="https://framablog.org",
        self_url="https://framablog.org/feed/",
        description="La route est longue mais la voie est libre…",
    )
    text = render_rss(
        channel,
        [entry(a) for a in articles],
        built=max((a.published for a in articles), default=datetime.now(UTC)),
        comment="Instantané reconstitué à partir d'articles copiés depuis un lecteur de flux.",
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{len(articles)} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
