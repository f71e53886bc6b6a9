"""The command line, run as a user runs it: ``python -m generator …``."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import ROOT, run_cli

_run = run_cli


def test_tags_json_lists_every_item_with_its_tags() -> None:
    result = _run("tags", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {tuple(sorted(row)) for row in rows} == {
        ("date", "id", "kind", "source", "tags", "title")
    }
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == 10  # 1 infolettre + 7 Framablog articles + 2 knowledge-base pages
    assert by_id["infolettre/infolettre_13"]["date"].startswith("2023-03-20")
    assert "llm-news" in by_id["infolettre/infolettre_13"]["tags"]
    # Its agenda of the network's events does not make the newsletter an event.
    assert "events" not in by_id["infolettre/infolettre_13"]["tags"]
    assert (
        "open-source-ai"
        in by_id["framablog/2024-10-31-l-ia-open-source-existe-t-elle-vraiment"]["tags"]
    )
    assert sum(row["source"] == "Framablog" for row in rows) == 7


def test_build_writes_the_pages_the_plugin_injects(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    result = _run("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    post = (out / "infolettre/posts/infolettre_13/index.md").read_text(encoding="utf-8")
    assert post.startswith("---\ntitle: Infolettre Avril 2023")
    assert "!!! note" in post and "{{%" not in post
    assert (out / "infolettre/posts/infolettre_13/featured.jpg").is_file()
    # Pages whose HTML the generator writes are indexes, each in its folder.
    assert len(list((out / "veille/framablog").glob("*/index.md"))) == 7
    assert (out / "veille/framablog/index.md").is_file()
    assert (out / "themes/events/index.md").is_file()
    again = _run("build", "--out", str(out))
    assert "0 écrits" in again.stdout


def test_bad_content_exits_non_zero_naming_the_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    bundle = content / "infolettre" / "broken"
    bundle.mkdir(parents=True)
    (content / "taxonomy.yml").write_bytes((ROOT / "content" / "taxonomy.yml").read_bytes())
    (bundle / "index.md").write_text("---\ntitle: x\ndate: 2024-02-30\n---\n", encoding="utf-8")
    result = _run("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "broken/index.md" in result.stderr and "date" in result.stderr
    assert not (tmp_path / "out").exists()


def test_top_level_help_is_in_french() -> None:
    result = _run("--help")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("usage : python -m generator [-h] COMMANDE ...")
    assert "affiche cette aide et quitte" in out and "commandes:" in out
    assert "générateur de l'infolettre" in out
    for english in ("usage:", "show this help", "positional arguments", "Command line"):
        assert english not in out, english


def test_argparse_errors_are_in_french() -> None:
    missing = _run()
    assert missing.returncode == 2
    assert "erreur : arguments obligatoires manquants : COMMANDE" in missing.stderr
    unknown = _run("tags", "--pas-une-option")
    assert unknown.returncode == 2
    assert "erreur : arguments non reconnus : --pas-une-option" in unknown.stderr
    choice = _run("eval-tags", "--split", "x")
    assert "argument --split : choix invalide : 'x' (au choix : 'dev', 'test', 'all')" in (
        choice.stderr
    )
    number = _run("bench-tags", "--items", "dix")
    assert "argument --items : valeur invalide (int) : 'dix'" in number.stderr
    for result in (missing, unknown, choice, number):
        assert result.stderr.startswith("usage : ")
        assert "error:" not in result.stderr and "the following" not in result.stderr
