"""adkit.study.peers and experiments/peers.py in a tiny configuration: results checked for
content.

Runs with or without the peers (autograd, micrograd, torch, jax) installed; what needs a
missing peer is skipped (and so reported), never passed without checking.
"""
import json
import subprocess
import sys

import pytest

from adkit.study import peers
from adkit.study.experiments import peers as experiment

PEERS = ("autograd", "micrograd", "torch", "jax", "jax_jit")
COMPILED = ("torch", "jax", "jax_jit")  # slow to import and to compile: tested on less
TINY = {"workloads": {"chain": [10], "logistic": [5], "mlp": [3], "scalar_mlp": [4],
                      "deep_chain": [100, 1000]},
        "libraries": [lib for lib in peers.LIBRARIES if lib not in COMPILED],
        "rounds": 1, "budget_s": 0.1, "call_budget_s": 5.0, "min_time_s": 0.0,
        "memory_max_depth": 1000}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("peers")
    return out, experiment.run(out=out, progress=False, config=TINY).rows


def by(rows, **key):
    return [r for r in rows if all(r[k] == v for k, v in key.items())]


def test_every_workload_has_a_checked_adkit_row(tiny):
    _, rows = tiny
    assert {r["workload"] for r in rows} == set(TINY["workloads"])
    for name, sizes in TINY["workloads"].items():
        for size in sizes:
            for lib in ("adkit", "adkit_tensor", "numpy"):
                (r,) = by(rows, workload=name, size=size, library=lib)
                assert r["error"] is None and r["time_grad"] > 0 and r["ratio"] > 0
                assert r["max_error"] < 1e-9 and r["rounds"] >= 1


def test_every_measured_row_matches_the_numpy_reference(tiny):
    _, rows = tiny
    measured = [r for r in rows if r["time_grad"] is not None]
    assert all(r["max_error"] < 1e-9 for r in measured)
    for r in rows:
        if r["workload"] != "deep_chain" and peers.available(r["library"]):
            assert r["error"] is None and r["time_grad"] is not None, r


def test_ratios_against_the_references(tiny):
    _, rows = tiny
    for r in by(rows, workload="chain"):
        if r["time_grad"] is not None:
            assert r["per_op"] == pytest.approx(r["time_grad"] / 10)
            assert r["ratio_vs_numpy"] > 0
            assert (r["ratio_vs_autograd"] is not None) == peers.available("autograd")


def test_ratios_against_micrograd(tiny):
    pytest.importorskip("micrograd")
    _, rows = tiny
    assert by(rows, workload="scalar_mlp", library="micrograd")[0]["ratio_vs_micrograd"] == 1
    assert by(rows, workload="scalar_mlp", library="adkit")[0]["ratio_vs_micrograd"] > 0


def test_deep_chain(tiny):
    _, rows = tiny
    (deepest,) = by(rows, workload="deep_chain", size=1000, library="adkit")
    assert deepest["time_grad"] > 0 and deepest["growth"] > 0 and deepest["bytes_per_op"] > 0
    (tensor,) = by(rows, workload="deep_chain", size=1000, library="adkit_tensor")
    assert tensor["time_grad"] > 0


def test_deep_chain_micrograd_hits_the_recursion_limit(tiny):
    pytest.importorskip("micrograd")
    _, rows = tiny
    (ok,) = by(rows, workload="deep_chain", size=100, library="micrograd")
    (failed,) = by(rows, workload="deep_chain", size=1000, library="micrograd")
    assert ok["time_grad"] > 0 and failed["error"] == "RecursionError"
    assert failed["time_grad"] is None


def test_absent_peers_have_a_note(tiny):
    _, rows = tiny
    for r in rows:
        if not peers.available(r["library"]):
            assert r["note"].startswith("not installed") and r["error"] is None
            assert r["time_grad"] is None


def test_files_and_tables(tiny):
    out, rows = tiny
    saved = json.loads((out / "peers.json").read_text())
    assert saved["meta"]["experiment"] == "peers" and len(saved["rows"]) == len(rows)
    assert (out / "peers.csv").stat().st_size > 0
    md = (out / "peers.md").read_text()
    assert "| workload | measure | adkit.grad | adkit.Tensor | numpy by hand |" in md
    for name in TINY["workloads"]:
        assert f"| {name} |" in md
    assert "deepest chain that backward completes" in md
    text = experiment.summary(rows)
    assert "deep_chain" in text and "ratio_vs_micrograd" in text


@pytest.mark.parametrize("library", COMPILED)
def test_torch_and_jax_tiny(tmp_path, library):
    pytest.importorskip("jax" if library.startswith("jax") else library)
    config = dict(TINY, libraries=["adkit", "numpy", library],
                  workloads={"chain": [4], "scalar_mlp": [2], "deep_chain": [100]})
    rows = experiment.run(out=tmp_path, progress=False, config=config).rows
    assert {r["library"] for r in rows} == {"adkit", "numpy", library}
    for r in rows:
        assert r["error"] is None and r["time_grad"] > 0 and r["max_error"] < 1e-9, r


def test_missing_peers_are_skipped_with_a_note(tmp_path, monkeypatch):
    for lib in PEERS:
        monkeypatch.setitem(peers._MODULE, lib, "no_such_module_for_the_test")
    config = dict(TINY, workloads={"chain": [10], "deep_chain": [100]},
                  libraries=list(peers.LIBRARIES))
    rows = experiment.run(out=tmp_path, progress=False, config=config).rows
    for r in rows:
        if r["library"] in PEERS:
            assert r["note"] == peers.missing_note(r["library"]) and r["error"] is None
        else:
            assert r["time_grad"] > 0 and r["note"] is None
    md = (tmp_path / "peers.md").read_text()
    assert "not installed" in md and "Not installed: " in md


def test_resume_keeps_finished_rows(tmp_path):
    config = dict(TINY, workloads={"logistic": [3]}, libraries=["adkit", "numpy"])
    first = experiment.run(out=tmp_path, progress=False, config=config).rows
    again = experiment.run(out=tmp_path, progress=False, config=config).rows
    assert again == first and len(first) == 2


def test_bad_configuration_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown library 'tensorflow'"):
        experiment.run(out=tmp_path, progress=False, config={"libraries": ["tensorflow"]})
    with pytest.raises(ValueError, match="unknown workload 'conv'"):
        experiment.run(out=tmp_path, progress=False, config={"workloads": {"conv": [3]}})
    with pytest.raises(ValueError, match="3 k \\+ 1"):
        experiment.run(out=tmp_path, progress=False, config={"workloads": {"chain": [1001]}})
    assert not list(tmp_path.iterdir())


def test_cases_and_their_errors():
    case = peers.make_case("mlp", "adkit", 3)
    assert peers.check("mlp", 3, case.loss(), case.grad()) < 1e-12
    with pytest.raises(ValueError, match="no 'jax' version"):
        peers.make_case("scalar_mlp", "jax", 4)
    with pytest.raises(ValueError, match="positive integer"):
        peers.make_case("deep_chain", "adkit", 0)
    ref = peers.reference("chain", 10)
    with pytest.raises(AssertionError, match="gradient"):
        peers.check("chain", 10, ref.loss, ref.grad * 1.001)


def test_importing_the_peers_module_imports_no_peer():
    code = ("import sys, adkit, adkit.study.peers; "
            "print([m for m in ('torch', 'jax', 'autograd', 'micrograd', 'matplotlib') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
