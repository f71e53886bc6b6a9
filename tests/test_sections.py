"""Reading Hugo's sections: issue numbers, event dates, the table of front-matter keys."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from generator.content.events import date_range, event_box, parse_event
from generator.content.keys import KEYS, Use, key_lines, unused_keys
from generator.content.loader import load_content
from generator.content.posts import issue_number, parse_post
from generator.models import Asset, Content, Post
from generator.themes.catalog import visible_posts

from .sites import ROOT

PATH = Path("content/infolettre/x/index.md")


def test_issue_number_forms() -> None:
    for title, number in (
        ("Infolettre #10", 10),
        ("Infolettre n°10", 10),
        ("Infolettre N° 10", 10),
        ("Infolettre nº 7", 7),
        ("Infolettre numéro 10", 10),
        ("Infolettre Numéro 12 : mai", 12),
        ("Infolettre d'avril", None),
        ("Un an°3 plus tard", None),
    ):
        assert issue_number({}, title, PATH) == number, title


def test_same_day_issues_are_ordered_by_number() -> None:
    day = datetime(2023, 4, 3, tzinfo=UTC)
    posts = tuple(
        Post(path=PATH, slug=f"infolettre_{n}", title=f"#{n}", date=day, body="", number=n)
        for n in (12, 13, 11)
    )
    shown = visible_posts(Content(root=Path(), posts=posts), now=day)
    assert [p.number for p in shown] == [13, 12, 11]


def test_date_ranges_in_french() -> None:
    def d(*args: int) -> datetime:
        return datetime(*args, tzinfo=UTC)

    assert date_range(d(2023, 9, 28, 7), d(2023, 9, 29, 15)) == "du 28 au 29 septembre 2023"
    assert date_range(d(2023, 3, 30), d(2023, 4, 2), all_day=True) == "du 30 mars au 2 avril 2023"
    assert date_range(d(2023, 12, 31, 12), d(2024, 1, 1, 12)) == (
        "du 31 décembre 2023 au 1er janvier 2024"
    )
    # One day, in Paris time (UTC+2 in summer).
    assert date_range(d(2022, 3, 29, 12), d(2022, 3, 29, 13, 30)) == (
        "29 mars 2022, de 14 h à 15 h 30"
    )
    assert date_range(d(2023, 6, 1, 8)) == "1er juin 2023, 10 h"


def test_event_front_matter_and_box() -> None:
    meta = {
        "event": "Séminaire <b>",
        "event_url": "javascript:alert(1)",
        "location": "Salle & co",
        "address": {"street": "1 rue X", "city": "Lyon", "postcode": "69001", "country": "France"},
        "date_end": "2023-05-02",
        "all_day": True,
    }
    info = parse_event(meta, PATH)
    box = event_box(datetime(2023, 5, 1, tzinfo=UTC), info)
    assert "du 1er au 2 mai 2023" in box
    assert "Salle &amp; co — 1 rue X, 69001 Lyon, France" in box
    assert "Séminaire &lt;b&gt;" in box and "javascript:" not in box  # not a link


def test_quarto_image_as_a_string(tmp_path: Path) -> None:
    text = '---\ntitle: "Numéro 3"\ndate: 2024-01-01\nimage: ./cover.png\nauthor: Ana\n---\n\nX\n'
    post = parse_post(
        text, PATH, slug="x", assets=(Asset(source=tmp_path / "cover.png", name="cover.png"),)
    )
    assert (post.cover, post.number, post.authors, post.warnings) == ("cover.png", 3, ("Ana",), ())


def test_key_lines() -> None:
    front = "title: x\n# comment\nimage:\n  caption: a\n  focal_point: b\nauthors:\n- a\n"
    assert key_lines(front) == {
        "title": 2,
        "image": 4,
        "image.caption": 5,
        "image.focal_point": 6,
        "authors": 7,
    }


_NAMES = st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True)


@given(st.dictionaries(_NAMES, st.one_of(st.none(), st.text(max_size=5), st.lists(st.integers()))))
def test_every_key_is_known_or_warned(meta: dict[str, object]) -> None:
    """No key is dropped without a word: a key outside the table, or one the site cannot
    show given a value, gets a warning naming it, the file and its line."""
    front = "".join(f"{key}: x\n" for key in meta)
    warnings = unused_keys(meta, front, PATH)
    lines = key_lines(front)
    for key, value in meta.items():
        use = KEYS.get(key)
        warned = [w for w in warnings if f"« {key} »" in w]
        if use is None or (use[0] is Use.WARNED and value not in (None, "", [])):
            assert warned == [f"{PATH}:{lines[key]}: " + warned[0].split(": ", 1)[1]]
        else:
            assert not warned


def test_loader_names_what_it_skips(tmp_path: Path) -> None:
    root = tmp_path / "content"
    (root / "post" / "vide").mkdir(parents=True)
    (root / "post" / "image.png").write_bytes(b"x")
    (root / "publication").mkdir()
    shutil.copy(ROOT / "content" / "taxonomy.yml", root / "taxonomy.yml")
    (root / "talk").mkdir()
    (root / "talk" / "a.md").write_text("---\ntitle: A\ndate: 2020-01-01\n---\n", "utf-8")
    (root / "talk" / "a").mkdir()
    (root / "talk" / "a" / "index.md").write_text("---\ntitle: B\ndate: 2020-01-01\n---\n", "utf-8")
    content = load_content(root)
    text = "\n".join(content.warnings)
    assert f"{root / 'publication'}: non lu" in text
    assert f"{root / 'post' / 'vide'}: dossier sans index.md" in text
    assert f"{root / 'post' / 'image.png'}: fichier ignoré" in text
    assert f"{root / 'talk' / 'a.md'}: ignoré, {root / 'talk' / 'a' / 'index.md'}" in text
    assert [a.title for a in content.articles] == ["B"]


def test_generated_pages_go_stale_when_an_event_ends() -> None:
    from generator.models import EventInfo
    from generator.pages.build_cache import valid_until

    now = datetime(2024, 1, 1, tzinfo=UTC)
    start, end = datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 2, 3, tzinfo=UTC)
    shown = datetime(2023, 12, 1, tzinfo=UTC)
    event = Post(
        path=PATH,
        slug="e",
        title="E",
        date=start,
        body="",
        section="event",
        publish_date=shown,
        event=EventInfo(end=end),
    )
    content = Content(root=Path(), articles=(event,))
    # Published on its publishDate; among the events to come until it ends.
    assert valid_until(content, now=datetime(2023, 11, 1, tzinfo=UTC)) == shown
    assert valid_until(content, now=now) == end
    assert valid_until(content, now=end) is None


@given(
    st.text(max_size=30),
    st.sampled_from(["#", "n°", "N° ", "nº", "numéro ", "Numéro "]),
    st.integers(min_value=0, max_value=9999),
    st.text(alphabet=" ,:;()-—", max_size=5),
)
def test_issue_number_in_any_title(before: str, mark: str, number: int, after: str) -> None:
    """A title's first issue mark gives the number, whatever text surrounds it; a title
    never stops the build."""
    title = f"{before} {mark}{number}{after}"
    found = issue_number({}, title, PATH)
    assert found is not None
    if issue_number({}, before, PATH) is None and not before.endswith(("n", "N", "num")):
        assert found == number
