"""``python -m generator demos list|run|freeze`` on the fixture demos."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli.main import main

from .conftest import run_cli
from .demo_helpers import COUNTER_VARIABLE, copy_demos, runs


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(COUNTER_VARIABLE, str(tmp_path / "runs.txt"))
    copy_demos(tmp_path / "project" / "pkgs")
    return tmp_path / "project"


def _options(root: Path) -> list[str]:
    return [
        "--root",
        str(root),
        "--package",
        "fixture_demos",
        "--package-dir",
        "pkgs",
        "--freeze-dir",
        "frozen",
    ]


def test_run_then_run_again_is_a_cache_hit(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demos", "run", "tiny", *_options(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("démo tiny : exécutée en ")
    assert f"résultats : {root / '.cache' / 'demos' / 'tiny'}" in out
    assert main(["demos", "run", "tiny", *_options(root)]) == 0
    assert capsys.readouterr().out.startswith("démo tiny : en cache (")
    assert main(["demos", "run", "tiny", "--force", *_options(root)]) == 0
    assert "exécutée en" in capsys.readouterr().out
    assert main(["demos", "run", "tiny", "--quick", "--params", "side=5", *_options(root)]) == 0
    assert capsys.readouterr().out.startswith("démo tiny (side=5, version courte) : exécutée")
    assert len(runs(root.parent / "runs.txt")) == 3


def test_failed_run_exits_1_with_the_output_tail(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demos", "run", "broken", *_options(root)]) == 1
    err = capsys.readouterr().err
    # What the demo printed was shown as it ran, then the error.
    assert err.startswith("démo broken : exécution…\ndémo broken › ligne 01\n")
    assert "\nERREUR démo « broken » : échec (code de sortie 3)" in err
    assert "ValueError: le calcul a divergé" in err


def test_freeze_needs_a_cached_result_then_copies_it(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demos", "freeze", "tiny", "--params", "side=4", *_options(root)]) == 1
    err = capsys.readouterr().err
    assert "aucun résultat en cache pour ses sources actuelles" in err
    assert "python -m generator demos run tiny --params side=4" in err
    assert main(["demos", "run", "tiny", "--params", "side=4", *_options(root)]) == 0
    assert main(["demos", "freeze", "tiny", "--params", "side=4", *_options(root)]) == 0
    out = capsys.readouterr().out
    assert f"figé dans {root / 'frozen' / 'tiny'}" in out
    frozen = list((root / "frozen" / "tiny").iterdir())
    assert len(frozen) == 1
    assert {p.name for p in frozen[0].iterdir()} == {
        "manifest.json",
        "metrics.json",
        "figures.json",
        "tables.json",
        "square.svg",
    }


def test_list_shows_each_demo_and_its_results(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demos", "run", "tiny", *_options(root)]) == 0
    assert main(["demos", "freeze", "tiny", *_options(root)]) == 0
    capsys.readouterr()
    assert main(["demos", "list", *_options(root)]) == 0
    out = capsys.readouterr().out
    assert "tiny — Aire d'un carré (démo de test)" in out
    assert "  version complète : en cache (" in out
    assert "  version courte : à exécuter" in out
    assert "    paramètres par défaut : figé (" in out
    assert "broken — Démo qui échoue" in out


def test_demos_command_is_registered(root: Path) -> None:
    done = run_cli("demos", "list", *_options(root))
    assert done.returncode == 0, done.stderr
    assert "sleepy — Démo qui ne s'arrête pas" in done.stdout
    done = run_cli("demos", "run", "absente", *_options(root))
    assert done.returncode == 1
    assert "démo inconnue" in done.stderr


def test_list_reports_a_badly_declared_demo_and_goes_on(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "pkgs" / "fixture_demos" / "broken" / "__init__.py").write_text(
        'TITLE = "x"\n', encoding="utf-8"
    )
    assert main(["demos", "list", *_options(root)]) == 1
    out = capsys.readouterr().out
    assert "broken — ERREUR démo « broken » : " in out
    assert "DATA, TIMEOUT_S, PARAMS non défini(s)" in out
    assert "tiny — Aire d'un carré (démo de test)" in out


def test_freeze_all_runs_and_freezes_what_the_pages_ask_for(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = root / "docs"
    pages.mkdir()
    (pages / "page.md").write_text(
        '# Page\n\n{{< demo name="tiny" >}}\n\n'
        '{{< demo name="tiny" params="side=3" quick="true" >}}\n'
        '\n```\n{{< demo name="broken" >}}\n```\n',
        encoding="utf-8",
    )
    assert main(["demos", "freeze", "--all", *_options(root)]) == 0
    captured = capsys.readouterr()
    assert "démo tiny : exécution…\ndémo tiny › tiny : calcul de l'aire\n" in captured.err
    assert "2 exécution(s) figée(s) dans" in captured.out
    assert len(runs(root.parent / "runs.txt")) == 2  # the directive shown as code is not run
    frozen = sorted((root / "frozen" / "tiny").iterdir())
    assert len(frozen) == 2 and all((f / "manifest.json").is_file() for f in frozen)
    # Again: the cached results are current, nothing runs, the freeze is the same.
    assert main(["demos", "freeze", "--all", *_options(root)]) == 0
    assert len(runs(root.parent / "runs.txt")) == 2
    assert sorted((root / "frozen" / "tiny").iterdir()) == frozen


def test_freeze_wants_a_name_or_all(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demos", "freeze", *_options(root)]) == 1
    assert "nommez la démo à figer, ou demandez --all" in capsys.readouterr().err
    assert main(["demos", "freeze", "tiny", "--all", *_options(root)]) == 1
    assert "ni nom de démo" in capsys.readouterr().err
    assert main(["demos", "freeze", "--all", "--pages", "nulle", *_options(root)]) == 0
    assert "aucune directive demo dans les pages de nulle" in capsys.readouterr().out


def test_the_committed_freeze_covers_the_site_demos_as_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # demos/_freeze holds the published results of the site's demos for their current
    # sources: a build with no cache (Netlify's) shows them and trains nothing. A change
    # to a demo without `demos freeze --all` afterwards fails here.
    root = Path(__file__).resolve().parents[1]
    assert main(["demos", "list", "--root", str(root), "--cache-dir", str(tmp_path)]) == 0
    blocks = re.split(r"\n(?=\S)", capsys.readouterr().out.strip())
    assert {block.split(" — ")[0] for block in blocks} == {"gpu_matmul", "mnist"}
    for block in blocks:
        assert "version complète : figé (" in block, block
