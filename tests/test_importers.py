"""Importers run as a user runs them: ``python -m generator import-dump|import-email|opml-*``.

Each test works on a fresh content folder in ``tmp_path`` (``taxonomy.yml`` copied from
the project); the fixtures under ``tests/fixtures/{dumps,email,opml}`` are real files.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.content.dates import PARIS
from generator.errors import ContentError
from generator.veille.archive import item_from_text
from generator.veille.archive_lock import LOCK_FILE, locked
from generator.veille.feeds_config import parse_feeds
from generator.veille.importers import normalized_title
from generator.veille.opml import OpmlError, parse_opml, render_opml

from .conftest import FIXTURES, ROOT, run_cli

DUMPS = FIXTURES / "dumps"
EMAIL = FIXTURES / "email"
OPML = FIXTURES / "opml"

FEEDS_YML = """\
# Flux de test.
feeds:
  - id: framablog
    title: Framablog
    url: https://framablog.org/feed/
  # Une infolettre reçue par courriel : pas d'URL.
  - id: lettre-ia
    title: La lettre IA
    kind: email
"""


_run = run_cli


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(ROOT / "content" / "taxonomy.yml", root / "taxonomy.yml")
    (root / "feeds.yml").write_text(FEEDS_YML, encoding="utf-8")
    return root


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time (the archive's
    lock file, which holds nothing, aside)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_FILE
    }


def _items(content: Path, feed_id: str) -> list[tuple[Path, str]]:
    folder = content / "archive" / feed_id
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.md"))]


# --- import-dump -------------------------------------------------------------------------


def _import_dump(content: Path, name: str, feed: str = "framablog") -> str:
    result = _run("import-dump", str(DUMPS / name), "--feed", feed, "--content", str(content))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_an_import_waits_for_no_ingestion_and_changes_nothing_while_one_runs(
    content: Path,
) -> None:
    archive = content / "archive"
    leftover = archive / "framablog" / ".2024-01-12-x.md.abcd1234.tmp"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("moitié", encoding="utf-8")
    with locked(archive) as lock:
        result = _run(
            "import-dump", str(DUMPS / "framablog-1.txt"), "--feed", "framablog",
            "--content", str(content),
        )  # fmt: skip
        assert result.returncode != 0
        assert str(lock) in result.stderr
        assert "une autre ingestion est en cours" in result.stderr
        assert sorted(p.name for p in (archive / "framablog").iterdir()) == [leftover.name]
    # Once the lock is free, the import runs and clears what a killed run left.
    assert _import_dump(content, "framablog-1.txt").startswith("framablog: 6 nouveaux")
    assert not leftover.exists()


def test_import_dump_twice_adds_nothing_the_second_time(content: Path) -> None:
    assert _import_dump(content, "framablog-1.txt") == (
        "framablog: 6 nouveaux, 0 mis à jour, 0 inchangés"
    )
    before = _snapshot(content)
    assert _import_dump(content, "framablog-1.txt") == (
        "framablog: 0 nouveaux, 0 mis à jour, 6 inchangés"
    )
    assert _snapshot(content) == before
    files = _items(content, "framablog")
    assert len(files) == 6
    path, text = next(f for f in files if "l-ia-open-source" in f[0].name)
    assert path.name == "2024-10-31-l-ia-open-source-existe-t-elle-vraiment.md"
    item = item_from_text(text, path, "framablog")
    assert item.title == "L’IA Open Source existe-t-elle vraiment ?"
    assert item.author == "Framalang"
    assert item.link == ""
    assert item.guid.startswith("dump:") and len(item.guid) == len("dump:") + 64
    assert item.published == datetime(2024, 10, 31, 4, 10, tzinfo=UTC)
    assert item.content_html.startswith("<p>À l’heure où tous les mastodontes")
    assert "❌" not in item.content_html


def test_both_dumps_keep_the_shared_article_once(content: Path) -> None:
    _import_dump(content, "framablog-1.txt")
    assert _import_dump(content, "framablog-2.txt") == (
        "framablog: 2 nouveaux, 0 mis à jour, 1 inchangés"
    )
    titles = [
        normalized_title(item_from_text(t, p, "framablog").title)
        for p, t in _items(content, "framablog")
    ]
    assert len(titles) == 8 == len(set(titles))
    shared = normalized_title(
        "Que veut dire « libre » (ou « open source ») pour un grand modèle de langage ?"
    )
    assert titles.count(shared) == 1


def test_dump_articles_already_archived_from_the_feed_are_not_added(content: Path) -> None:
    """The project's archive came from the feed (other GUIDs, UTC dates): matched by title
    and Paris day, even across midnight (Ray Bradbury: 23:42 UTC, 01:42 in Paris)."""
    shutil.copytree(ROOT / "content" / "archive", content / "archive")
    before = _snapshot(content / "archive")
    assert _import_dump(content, "framablog-2.txt") == (
        "framablog: 0 nouveaux, 0 mis à jour, 3 inchangés"
    )
    assert _import_dump(content, "framablog-1.txt") == (
        "framablog: 1 nouveaux, 0 mis à jour, 5 inchangés"
    )
    after = _snapshot(content / "archive")
    assert set(after) - set(before) == {"framablog/2024-01-12-exo-platform-6-5.md"}
    assert all(after[name] == before[name] for name in before)


def test_import_dump_unknown_feed_is_a_clear_error(content: Path) -> None:
    result = _run(
        "import-dump", str(DUMPS / "framablog-1.txt"), "--feed", "inconnu", "--content",
        str(content),
    )  # fmt: skip
    assert result.returncode == 1
    assert "source « inconnu » non déclarée" in result.stderr
    assert "framablog, lettre-ia" in result.stderr
    assert not (content / "archive").exists()


# --- import-email ------------------------------------------------------------------------


def _import_email(content: Path, path: Path, *extra: str) -> str:
    result = _run(
        "import-email", str(path), "--source", "lettre-ia", "--content", str(content), *extra
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_eml_twice_changes_no_file(content: Path) -> None:
    assert _import_email(content, EMAIL / "infolettre-decembre.eml") == (
        "lettre-ia: 1 nouveaux, 0 mis à jour, 0 inchangés"
    )
    before = _snapshot(content)
    assert _import_email(content, EMAIL / "infolettre-decembre.eml") == (
        "lettre-ia: 0 nouveaux, 0 mis à jour, 1 inchangés"
    )
    assert _snapshot(content) == before
    [(path, text)] = _items(content, "lettre-ia")
    assert path.name == "2024-12-05-infolettre-des-data-scientists-decembre-2024.md"
    item = item_from_text(text, path, "lettre-ia")
    assert item.title == "Infolettre des data scientists — décembre 2024"
    assert item.author == "Réseau des data scientists"
    assert "infolettre@example.org" not in text
    assert item.guid == "mid:infolettre-2024-12@example.org"
    assert item.published == datetime(2024, 12, 5, 8, 30, tzinfo=UTC)
    # The HTML part is preferred, and sanitized.
    assert "<h2>Infolettre de décembre</h2>" in item.content_html
    assert "version texte" not in item.content_html
    for bad in ("script", "alert", "style", "color:red", "onclick", "onerror", "steal"):
        assert bad not in item.content_html


def test_import_text_letter_twice_changes_no_file(content: Path) -> None:
    assert _import_email(content, EMAIL / "lettre-ia.txt").startswith("lettre-ia: 1 nouveaux")
    before = _snapshot(content)
    # Later, with another import time: the first import's date is kept.
    assert _import_email(content, EMAIL / "lettre-ia.txt") == (
        "lettre-ia: 0 nouveaux, 0 mis à jour, 1 inchangés"
    )
    assert _snapshot(content) == before
    [(path, text)] = _items(content, "lettre-ia")
    item = item_from_text(text, path, "lettre-ia")
    assert item.title == "La lettre IA — numéro 7 : transformers et agents"
    assert item.guid.startswith("email:")
    assert item.published == item.first_seen
    # Named for its day in Paris, as every archived item is (after 23:00 UTC, the next day).
    day = item.published.astimezone(PARIS)
    assert path.name == f"{day:%Y-%m-%d}-la-lettre-ia-numero-7-transformers-et-agents.md"
    assert item.content_html.startswith("<p>Bonjour à toutes et à tous,</p>")
    assert "hallucinations &lt;à surveiller&gt;." in item.content_html
    assert "La lettre IA — numéro 7" not in item.content_html


def test_import_text_letter_with_title_and_date(content: Path) -> None:
    args = ("--title", "Lettre IA n° 7", "--date", "2023-05-02")
    assert _import_email(content, EMAIL / "lettre-ia.txt", *args).startswith("lettre-ia: 1")
    before = _snapshot(content)
    assert _import_email(content, EMAIL / "lettre-ia.txt", *args).endswith("1 inchangés")
    assert _snapshot(content) == before
    [(path, text)] = _items(content, "lettre-ia")
    assert path.name == "2023-05-02-lettre-ia-n-7.md"
    assert "title: Lettre IA n° 7\n" in text
    assert "published: '2023-05-02T00:00:00+02:00'" in text


def test_import_email_needs_a_declared_source(content: Path) -> None:
    result = _run(
        "import-email", str(EMAIL / "lettre-ia.txt"), "--source", "autre", "--content",
        str(content),
    )  # fmt: skip
    assert result.returncode == 1
    assert "source « autre » non déclarée" in result.stderr


def test_site_builds_with_an_email_source(content: Path, tmp_path: Path) -> None:
    _import_email(content, EMAIL / "infolettre-decembre.eml")
    result = _run("build", "--content", str(content), "--out", str(tmp_path / "pages"))
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "pages").rglob("2024-12-05-infolettre-des-data-scientists*"))


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("  - id: a\n    kind: email\n    url: ftp://x\n", "http ou https"),
        ("  - id: a\n", "http ou https"),
        ("  - id: a\n    kind: mastodon\n    url: https://x.org/\n", "« feed » ou « email »"),
    ],
)
def test_feeds_yml_kinds(entry: str, error: str, tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=error):
        parse_feeds("feeds:\n" + entry, tmp_path / "feeds.yml", content_root=tmp_path)


def test_feeds_yml_email_kind_needs_no_url(tmp_path: Path) -> None:
    [feed] = parse_feeds(
        "feeds:\n  - id: a\n    kind: email\n", tmp_path / "feeds.yml", content_root=tmp_path
    )
    assert (feed.kind, feed.url) == ("email", "")


# --- OPML --------------------------------------------------------------------------------

OPML_CASES = sorted(OPML.glob("*.opml"))


def _opml_expected(case: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        case.with_suffix(".expected.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.parametrize("case", OPML_CASES, ids=lambda p: p.stem)
def test_opml_fixture(case: Path) -> None:
    expected = _opml_expected(case)
    if "error" in expected:
        with pytest.raises(OpmlError, match=str(expected["error"])):
            parse_opml(case.read_bytes())
    else:
        assert parse_opml(case.read_bytes()) == expected["feeds"]


def _project_content(content: Path) -> Path:
    """The project's own feeds.yml (with its comments) and snapshots."""
    shutil.copy(ROOT / "content" / "feeds.yml", content / "feeds.yml")
    shutil.copytree(ROOT / "content" / "feeds", content / "feeds")
    return content / "feeds.yml"


def test_opml_import_appends_new_feeds_and_keeps_comments(content: Path) -> None:
    feeds_yml = _project_content(content)
    original = feeds_yml.read_text(encoding="utf-8")
    # Framablog is followed already; Feedly's Insee URL differs only by a trailing slash.
    for name, ids in (
        ("freshrss", ["linuxfr-org-les-depeches", "blog-de-l-insee", "courrier-des-statistiques"]),
        ("feedly", ["simon-willison-s-weblog", "r-bloggers"]),
    ):
        result = _run("opml-import", str(OPML / f"{name}.opml"), "--content", str(content))
        assert result.returncode == 0, result.stderr
        added = [line.split(":")[0][2:] for line in result.stdout.splitlines() if line[:2] == "+ "]
        assert added == ids
    text = feeds_yml.read_text(encoding="utf-8")
    assert text.startswith(original)  # appended: comments and layout untouched
    feeds = parse_feeds(text, feeds_yml, content_root=content)
    assert [f.id for f in feeds] == [
        "framablog",
        "linuxfr-org-les-depeches",
        "blog-de-l-insee",
        "courrier-des-statistiques",
        "simon-willison-s-weblog",
        "r-bloggers",
    ]
    assert all(f.url.startswith(("http://", "https://")) for f in feeds)
    before = _snapshot(content)
    again = _run("opml-import", str(OPML / "freshrss.opml"), "--content", str(content))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith("0 abonnements ajoutés, 4 déjà suivis ou ignorés")
    assert _snapshot(content) == before


def test_opml_export_import_round_trip(content: Path, tmp_path: Path) -> None:
    _project_content(content)
    assert (
        _run("opml-import", str(OPML / "freshrss.opml"), "--content", str(content)).returncode == 0
    )
    feeds = parse_feeds(
        (content / "feeds.yml").read_text(encoding="utf-8"), content / "feeds.yml",
        content_root=content,
    )  # fmt: skip
    exported = _run("opml-export", "--content", str(content))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">'
    )
    assert exported.stdout == render_opml(feeds, title="Veille de l'infolettre")
    found = parse_opml(exported.stdout.encode("utf-8"))
    assert [(f["title"], f["url"], f["site_url"]) for f in found] == [
        (f.title, f.url, f.site_url) for f in feeds
    ]
    # Imported into an empty list, the export gives the same subscriptions back.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(content / "taxonomy.yml", other / "taxonomy.yml")
    opml_file = tmp_path / "export.opml"
    opml_file.write_text(exported.stdout, encoding="utf-8")
    assert _run("opml-import", str(opml_file), "--content", str(other)).returncode == 0
    back = parse_feeds(
        (other / "feeds.yml").read_text(encoding="utf-8"), other / "feeds.yml", content_root=other
    )
    assert [(f.id, f.title, f.url, f.site_url) for f in back] == [
        (f.id, f.title, f.url, f.site_url) for f in feeds
    ]


def test_opml_export_leaves_email_sources_out(content: Path) -> None:
    exported = _run("opml-export", "--content", str(content))
    assert exported.returncode == 0, exported.stderr
    assert [f["url"] for f in parse_opml(exported.stdout.encode())] == [
        "https://framablog.org/feed/"
    ]


@pytest.mark.parametrize("name", ["xxe.opml", "billion_laughs.opml"])
def test_hostile_opml_is_refused_and_feeds_yml_untouched(content: Path, name: str) -> None:
    before = _snapshot(content)
    result = _run("opml-import", str(OPML / name), "--content", str(content))
    assert result.returncode == 1
    assert "DOCTYPE ou ENTITY interdite" in result.stderr
    assert "root:" not in result.stdout + result.stderr
    assert _snapshot(content) == before


def test_opml_in_utf16_is_refused() -> None:
    data = (OPML / "xxe.opml").read_text(encoding="utf-8").replace("UTF-8", "UTF-16")
    with pytest.raises(OpmlError, match="encodage"):
        parse_opml(data.encode("utf-16"))
