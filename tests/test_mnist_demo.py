"""``python -m demos.mnist`` end to end, on tiny synthetic IDX files (never the real MNIST)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from demos.mnist import DATA, PARAMS, TIMEOUT_S, TITLE
from demos.mnist.experiment import QUICK_CAPS, settings
from demos.mnist.synthetic import write_synthetic

from .conftest import ROOT

REQUIRED = (
    "accuracy_identity",
    "accuracy_relu",
    "accuracy_sigmoid",
    "loss_identity_epoch0",
    "loss_identity_final",
    "train_seconds",
    "accuracy_mlp",
    "mlp_train_seconds",
    "course_accuracy_identity",
    "diff_accuracy_identity",
    "sota_accuracy",
)
FIGURES = ("loss", "weights", "accuracy", "examples", "mlp")


def run_demo(
    out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "demos.mnist", "--out", str(out), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def tiny_env(tmp_path: Path) -> dict[str, str]:
    """Environment pointing the demo at tiny synthetic files and an empty cache."""
    write_synthetic(tmp_path / "idx", n_train=300, n_test=60, gz=True)
    return {
        "MNIST_DIR": str(tmp_path / "idx"),
        "MNIST_SHA256_FILE": str(tmp_path / "idx" / "sha256.json"),
        "DEMO_DATA_DIR": str(tmp_path / "cache"),
    }


def test_contract_constants() -> None:
    assert TITLE and TIMEOUT_S > 0
    assert sorted(DATA) == sorted(
        [
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte",
        ]
    )
    json.dumps(PARAMS)  # JSON-compatible defaults


def test_quick_run_end_to_end(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    out = tmp_path / "out"
    done = run_demo(out, "--quick", "--param", "backend=numpy", env=tiny_env)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for key in REQUIRED:
        assert key in metrics, key
    for name in ("identity", "relu", "sigmoid", "mlp"):
        assert 0 <= metrics[f"accuracy_{name}"] <= 100
    # The synthetic digits are easy: the MLP learns them in the quick run's two epochs.
    assert metrics["accuracy_mlp"] > 90
    assert metrics["epochs"] == QUICK_CAPS["epochs"]
    assert metrics["train_size"] == 300 and metrics["test_size"] == 60
    assert metrics["loss_identity_final"] < metrics["loss_identity_epoch0"]
    assert len(metrics["loss_history"]["relu"]) == QUICK_CAPS["epochs"]
    provenance = metrics["provenance"]
    assert provenance["backend"] == "numpy" and provenance["quick"] is True
    assert provenance["seed"] == 0 and provenance["params"]["epochs"] == QUICK_CAPS["epochs"]
    notes = " ".join(provenance["notes"])
    assert "MNIST_SHA256_FILE" in notes and "Version réduite" in notes
    listed = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert [f["id"] for f in listed] == list(FIGURES)
    for figure in listed:
        assert figure["caption"] and figure["alt"]
        assert (out / figure["file"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in tables] == ["accuracy", "timings"]
    # Nothing was written to the cache: the explicit folder answered.
    assert not (tmp_path / "cache").exists()
    # The trainings are told as they go, on stdout (a build shows each line).
    steps = [line for line in done.stdout.splitlines() if "époque" in line]
    epochs = QUICK_CAPS["epochs"]
    assert steps[:2] == [
        f"cours : époque {epochs // 10}/{epochs}",
        f"cours : époque {2 * epochs // 10}/{epochs}",
    ]
    assert f"cours : époque {epochs}/{epochs}" in steps
    assert len([s for s in steps if s.startswith("cours")]) == 10
    assert [s.split(",")[0] for s in steps if s.startswith("MLP")] == [
        "MLP : époque 1/2",
        "MLP : époque 2/2",
    ]


def test_unknown_parameter_exits_2(tmp_path: Path) -> None:
    done = run_demo(tmp_path / "out", "--param", "epoch=3")
    assert done.returncode == 2
    assert "paramètre inconnu « epoch »" in done.stderr


def test_bad_parameter_value_exits_1(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    done = run_demo(tmp_path / "out", "--param", "epochs=-5", env=tiny_env)
    assert done.returncode == 1
    assert "paramètre « epochs » : valeur -5 hors limites" in done.stderr


def test_files_that_are_not_mnist_are_refused(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    # Without the digest override, the tiny files are checked against the real digests.
    env = {**tiny_env, "MNIST_SHA256_FILE": ""}
    done = run_demo(tmp_path / "out", "--quick", env=env)
    assert done.returncode == 1
    assert "train-images-idx3-ubyte.gz : empreinte SHA-256 inattendue" in done.stderr
    assert DATA["train-images-idx3-ubyte"] in done.stderr
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_settings_check_types_and_apply_quick_caps() -> None:
    config = settings(PARAMS, quick=True)
    assert config.epochs == QUICK_CAPS["epochs"] and config.train_limit == QUICK_CAPS["train_limit"]
    assert settings({**PARAMS, "train_limit": 500}, quick=True).train_limit == 500
    assert settings(PARAMS, quick=False).epochs == PARAMS["epochs"]
    with pytest.raises(ValueError, match="« seed » : entier attendu"):
        settings({**PARAMS, "seed": True}, quick=False)
    with pytest.raises(ValueError, match="« learning_rate » : valeur 0 hors limites"):
        settings({**PARAMS, "learning_rate": 0}, quick=False)
    with pytest.raises(ValueError, match="« data_dir » : texte attendu"):
        settings({**PARAMS, "data_dir": 3}, quick=False)
