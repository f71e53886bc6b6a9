"""The Markdown a post's excerpt is made from: its beginning, not the whole post. Pure.

Material's blog plugin shows each post's excerpt on every listing the post is on (the
newsletter's pages, its month in the archive, its categories, its authors): four or five
times. Each time it converts the post's whole Markdown and keeps what comes before the
separator (``<!-- more -->``): for a site of hundreds of long newsletters, most of the
time of its listings. Once a post's own page is rendered, its Markdown is only read for
those excerpts, so the plugin may hand them the beginning alone (see
``site_plugins/generator_plugin.py``).

What the beginning may need from the rest is kept: link reference definitions
(``[x]: https://…``), abbreviations (``*[IA]: …``) and footnotes (``[^1]: …`` and their
indented lines). A line stands after the separator so that the listing still offers
"Continuer la lecture"; the listings' tables of contents then hold each post's title,
without the sections of the whole newsletter.
"""

from __future__ import annotations

import re

SEPARATOR = "<!-- more -->"
"""Where a post's excerpt ends: the blog plugin's ``post_excerpt_separator``."""

MORE = "…"
"""What stands after the separator in place of the rest of the post."""

# A definition starts a line (up to three spaces in); a footnote goes on over indented
# or blank lines.
_DEFINITION = re.compile(
    r"^ {0,3}(?:\[\^[^\]\n]+\]:.*(?:\n(?:[ \t]+.*|[ \t]*(?=\n[ \t]+\S)))*"
    r"|\[[^\]\n]+\]:.*"
    r"|\*\[[^\]\n]+\]:.*)",
    re.MULTILINE,
)


def excerpt_markdown(markdown: str, separator: str = SEPARATOR) -> str | None:
    """The Markdown of ``markdown``'s excerpt, or ``None`` when it has no separator.

    Returns:
        What comes before the separator, the separator, :data:`MORE`, and the
        definitions found after it.
    """
    head, found, rest = markdown.partition(separator)
    if not found:
        return None
    definitions = "\n\n".join(match.group(0) for match in _DEFINITION.finditer(rest))
    return f"{head}{separator}\n\n{MORE}\n\n{definitions}\n".rstrip() + "\n"
