"""The code reference (mkdocstrings, docs/reference/): headings as plain code, escaped once.

The project's templates (docs/templates/mkdocstrings/) write each heading's name and
signature in a plain ``<code>`` element instead of Pygments' highlighting.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

HEADING = re.compile(r'<h[2-6] id="([\w.]+)" class="doc doc-heading">(.*?)</h[2-6]>', re.DOTALL)
SIGNATURE = re.compile(r'<code class="doc-signature">(.*?)</code>', re.DOTALL)


@pytest.fixture(scope="module")
def headings(built_project: Path) -> dict[str, str]:
    """Each reference heading's inner HTML, by the object's path."""
    found: dict[str, str] = {}
    for page in sorted((built_project / "site" / "reference").glob("*/index.html")):
        found.update(HEADING.findall(page.read_text(encoding="utf-8")))
    return found


def _signature(heading: str) -> str:
    match = SIGNATURE.search(heading)
    assert match is not None, heading
    return html.unescape(match.group(1))


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (
            "generator.themes.tagger.decide",
            "decide(taxonomy, document, *, forced=(), forbidden=(), source_tags=())",
        ),
        (
            "generator.themes.tagger.Document",
            "Document(*, title, summary='', body='', categories=(), published=None)",
        ),
        ("generator.themes.tagger.MAX_COUNT", "MAX_COUNT = 3"),
    ],
)
def test_a_heading_gives_the_name_and_signature_as_written(
    headings: dict[str, str], path: str, text: str
) -> None:
    assert _signature(headings[path]) == text


def test_no_heading_is_highlighted_and_markup_in_values_is_escaped(
    headings: dict[str, str],
) -> None:
    # Functions and attributes, and classes with a constructor, have a signature; modules
    # and the other classes their name only (in plain code, as mkdocstrings writes it).
    signed = [SIGNATURE.search(h) for h in headings.values()]
    signatures = [match.group(1) for match in signed if match is not None]
    assert len(signatures) > 100
    assert not any('class="highlight' in h for h in headings.values())
    # Nothing but entities stands for < > & " ' in a signature.
    assert not any("<" in text for text in signatures)
    assert any("&#39;" in text for text in signatures)
