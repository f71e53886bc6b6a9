"""Read knowledge-base pages: Markdown with optional front matter."""

from __future__ import annotations

import re
from pathlib import Path

from generator.content import frontmatter
from generator.content.posts import date_field, list_field, text_field
from generator.errors import ContentError
from generator.models import KbPage

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def parse_kb_page(text: str, path: Path, *, slug: str) -> KbPage:
    """Build a :class:`KbPage`; the title comes from front matter or the first ``#``.

    Raises:
        ContentError: Broken front matter, or no title anywhere.
    """
    meta, body, _ = frontmatter.read(text, path)
    title = text_field(meta, "title", path)
    if not title:
        match = _H1.search(body)
        if not match:
            raise ContentError(path, "pas de titre : ajoutez « title: » ou un titre « # »")
        title = match.group(1)
    return KbPage(
        path=path,
        slug=slug,
        title=title,
        body=body,
        date=date_field(meta, "date", path, required=False),
        summary=text_field(meta, "summary", path),
        source=text_field(meta, "source", path),
        tags=list_field(meta, "tags", path),
        forced_tags=list_field(meta, "force_tags", path),
        forbidden_tags=list_field(meta, "forbid_tags", path),
    )
