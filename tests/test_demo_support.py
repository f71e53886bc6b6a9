"""``demos/_support``: the demos' command line, result files and array-module choice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from demos._support import backend
from demos._support.cli import parse_args, parse_value
from demos._support.outputs import Figure, Provenance, Table, write_results
from generator import machine

DEFAULTS = {"epochs": 10, "rate": 0.5, "name": "a", "sizes": [1, 2]}


def test_cli_defaults_and_overrides(tmp_path: Path) -> None:
    args = parse_args("x", DEFAULTS, ["--out", str(tmp_path)])
    assert (args.out, args.quick, args.params) == (tmp_path, False, DEFAULTS)
    args = parse_args(
        "x",
        DEFAULTS,
        [
            "--out",
            "o",
            "--quick",
            "--param",
            "epochs=3",
            "--param",
            "sizes=[4]",
            "--param",
            "name=b c",
        ],
    )
    assert args.quick
    assert args.params == {"epochs": 3, "rate": 0.5, "name": "b c", "sizes": [4]}
    assert DEFAULTS["epochs"] == 10  # the defaults are not changed
    assert [parse_value(v) for v in ("3", "0.5", "true", "null", "mot", '"3"')] == [
        3,
        0.5,
        True,
        None,
        "mot",
        "3",
    ]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("nope=1", "paramètre inconnu « nope » (connus : epochs, name, rate, sizes)"),
        ("epochs", "paramètre mal formé « epochs » (attendu CLÉ=VALEUR)"),
    ],
)
def test_cli_bad_param_exits_2_with_a_french_message(
    item: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args("x", DEFAULTS, ["--out", "o", "--param", item])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def _provenance(**changes: object) -> Provenance:
    values: dict[str, object] = {
        "seed": 0,
        "backend": "numpy",
        "device": machine.device_description(),
        "params": {"epochs": 10},
        "quick": True,
        "seconds": 1.25,
    }
    return Provenance(**{**values, **changes})  # type: ignore[arg-type]


def test_write_results_follows_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "loss.svg").write_text("<svg/>", encoding="utf-8")
    write_results(
        out,
        metrics={"accuracy": 0.9, "loss": float("nan"), "curve": [1.0, float("inf")]},
        provenance=_provenance(notes=["Une note."]),
        figures=[Figure(id="loss", file="loss.svg", caption="Perte", alt="Courbe de perte")],
        tables=[Table(id="t", caption="T", columns=["a"], rows=[[1]])],
    )
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] == 0.9
    assert metrics["loss"] is None and metrics["curve"] == [1.0, None]  # JSON has no NaN
    provenance = metrics["provenance"]
    assert provenance["versions"] == machine.library_versions()
    assert provenance["notes"] == ["Une note."] and provenance["quick"] is True
    assert provenance["finished"].endswith("+00:00")
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert figures == [
        {"id": "loss", "file": "loss.svg", "caption": "Perte", "alt": "Courbe de perte"}
    ]
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    assert tables == [{"id": "t", "caption": "T", "columns": ["a"], "rows": [[1]]}]


def test_write_results_refuses_the_reserved_key_and_missing_figures(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"« provenance » de metrics\.json est réservée"):
        write_results(tmp_path, metrics={"provenance": 1}, provenance=_provenance())
    with pytest.raises(ValueError, match="figure absente"):
        write_results(
            tmp_path,
            metrics={},
            provenance=_provenance(),
            figures=[Figure(id="f", file="f.png", caption="", alt="")],
        )
    assert not (tmp_path / "tables.json").exists()


def test_backend_on_a_machine_without_a_usable_gpu() -> None:
    gpu = backend.cupy_backend()
    if isinstance(gpu, backend.Backend):
        pytest.skip("a GPU is usable here: the GPU-less choice cannot be observed")
    chosen = backend.select("auto")
    assert chosen.name == "numpy" and chosen.xp is np and not chosen.gpu
    assert chosen.device == machine.device_description()
    assert chosen.notes == (f"{backend.NO_GPU_NOTE} ({gpu}.)",)
    assert backend.select("numpy").notes == ()
    with pytest.raises(RuntimeError, match="backend cupy demandé, mais"):
        backend.select("cupy")
    with pytest.raises(ValueError, match="backend inconnu « tpu »"):
        backend.select("tpu")
    array = chosen.to_numpy(chosen.xp.arange(3))
    assert isinstance(array, np.ndarray) and array.tolist() == [0, 1, 2]
