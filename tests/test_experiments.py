"""Each experiment in a tiny configuration: its results checked for content."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
import loss_scaling  # noqa: E402


def test_loss_scaling_tiny(tmp_path):
    config = {"problems": ["sum_of_squares", "rosenbrock", "logistic_regression", "mlp"],
              "methods": loss_scaling.METHODS, "n": [3, 20], "repeats": 1, "budget_s": 2.0}
    store = loss_scaling.run(out=tmp_path, progress=False, config=config)
    rows = store.rows
    assert {r["problem"] for r in rows} == set(config["problems"])
    for r in rows:
        if r["method"] == "forward_chunk1":
            assert r["forward_passes"] == r["n"] and r["reverse_passes"] == 0
        if r["method"] == "reverse":
            assert (r["recordings"], r["reverse_passes"], r["forward_passes"]) == (1, 1, 0)
            assert r["work_ratio"] <= 4.0  # the cheap-gradient principle
        if r["method"] == "finite_differences":
            assert r["max_error"] < 1e-4
        else:
            assert r["max_error"] < 1e-10
        assert r["time"] > 0 and r["peak_bytes"] > 0
    assert (tmp_path / "loss_scaling.csv").stat().st_size > 0
    text = loss_scaling.summary(rows)
    assert "forward_chunk1" in text
