"""Each experiment in a tiny configuration, its results checked for content; the charts,
the report and the command line."""
import csv
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from adkit import reverse
from adkit.study import cli, experiments, harness, peers, store, workloads
from adkit.study.experiments import loss_scaling

# JAX eager compiles every op at every new shape (about 1 s a problem and size): it runs
# on one problem in test_loss_scaling_jax_eager instead.
TINY_PEERS = ["autograd", "torch", "jax_jit"]
TINY = {
    "loss_scaling": {"problems": ["sum_of_squares", "rosenbrock", "logistic_regression", "mlp"],
                     "methods": list(harness.GRADIENT_METHODS) + TINY_PEERS, "n": [3, 20],
                     "repeats": 1, "budget_s": 2.0},
    "output_scaling": {"maps": ["tall_map", "dense_tanh"], "methods": ["forward_chunk1",
                       "forward_chunked", "reverse"], "n": 4, "m": [1, 12], "repeats": 1,
                       "budget_s": 0.2},
    "crossover": {"n": [1, 12], "m": [1, 12], "repeats": 1, "budget_s": 0.2},
    "cheap_gradient": {"problems": ["sum_of_squares", "rosenbrock", "logistic_regression",
                                    "mlp"], "n": [10, 40], "modes": ["reverse", "tangent"],
                       "repeats": 1, "budget_s": 0.2},
    "tape_memory": {"ops_sweep": {"n": 100, "steps": [3, 30]},
                    "n_sweep": {"steps": 10, "n": [10, 1000]}},
    "checkpointing": {"steps": 12, "n": 4000, "snapshots": [1, 3], "repeats": 1,
                      "budget_s": 0.05},
    "hessian_scaling": {"n": [2, 9], "methods": ["hvp", "hessian_fwd_rev_chunk1",
                                                 "hessian_fwd_rev_chunked", "hessian_rev_rev"],
                        "repeats": 1, "budget_s": 0.2},
    "replay": {"problems": ["logistic_regression", "sum_of_squares"], "n": [3, 30],
               "methods": ["eager", "tape", "by_hand", "jax_jit"], "rounds": 3,
               "budget_s": 0.2},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    rows = {name: experiments.run(name, out=out, progress=False, config=cfg).rows
            for name, cfg in TINY.items()}
    return out, rows


def test_every_experiment_has_a_tiny_configuration():
    assert set(TINY) == set(experiments.NAMES) - {"peers"}


def test_loss_scaling_content(results):
    rows = results[1]["loss_scaling"]
    assert {r["problem"] for r in rows} == set(TINY["loss_scaling"]["problems"])
    for r in rows:
        if r["method"] in loss_scaling.PEERS:
            check_peer_row(r)
            continue
        if r["method"] == "forward_chunk1":
            assert r["forward_passes"] == r["n"] and r["reverse_passes"] == 0
        if r["method"] == "reverse":
            assert (r["recordings"], r["reverse_passes"], r["forward_passes"]) == (1, 1, 0)
            assert r["work_ratio"] <= 4.0
        assert r["max_error"] < (1e-4 if r["method"] == "finite_differences" else 1e-10)
        assert r["time"] > 0 and r["peak_bytes"] > 0


def check_peer_row(r):
    """A peer's loss_scaling row: its own times and error, or a note when it is absent."""
    assert r["forward_passes"] is None and r["ops"] is None and r["work_ratio"] is None
    if not peers.available(r["method"]):
        assert r["note"] == peers.missing_note(r["method"]) and r["time"] is None
        assert r["max_error"] is None and r["ratio"] is None
        return
    assert r["note"] is None and r["max_error"] < 1e-10, r
    assert r["time"] > 0 and r["time_f"] > 0 and r["ratio"] == r["time"] / r["time_f"]
    assert r["time_first"] > 0 and r["repeats"] >= 1
    assert r["peak_bytes"] > 0 and r["memory_note"].startswith("tracemalloc")


def test_loss_scaling_jax_eager(tmp_path):
    pytest.importorskip("jax")
    config = dict(TINY["loss_scaling"], problems=["sum_of_squares"], n=[3],
                  methods=["reverse", "jax"])
    rows = experiments.run("loss_scaling", out=tmp_path, progress=False, config=config).rows
    assert [r["method"] for r in rows] == ["reverse", "jax"]
    check_peer_row(rows[1])


def test_loss_scaling_without_the_peers(tmp_path, monkeypatch):
    from adkit.study import report
    for lib in loss_scaling.PEERS:
        monkeypatch.setitem(peers._MODULE, lib, "no_such_module_for_the_test")
    config = dict(TINY["loss_scaling"], problems=["logistic_regression"], n=[3, 5],
                  methods=["reverse", *loss_scaling.PEERS])
    rows = experiments.run("loss_scaling", out=tmp_path, progress=False, config=config).rows
    assert len(rows) == 10
    for r in rows:
        if r["method"] == "reverse":
            assert r["time"] > 0 and r.get("note") is None
        else:
            check_peer_row(r)
            assert r["note"].startswith("not installed (pip install no_such_module")
    assert "reverse-mode time" not in report.loss_scaling(rows)


def test_peer_losses_are_the_problems_losses():
    for name in loss_scaling.PROBLEMS:
        x, data, static = loss_scaling.problem_args(name, 21)
        f, x0, _ = loss_scaling.make_problem(name, 21)
        assert np.array_equal(x, x0)
        loss = workloads.LOSSES[name]
        assert loss(x, *data, xp=np, **static) == pytest.approx(f(x), rel=1e-14)
        case = peers.loss_case(name, "adkit", x, data, **static)
        np.testing.assert_allclose(case.grad(), reverse.grad(f)(x), rtol=1e-13, atol=1e-15)


def test_output_scaling_content(results):
    for r in results[1]["output_scaling"]:
        passes = {"forward_chunk1": (4, 0), "forward_chunked": (1, 0), "reverse": (0, r["m"])}
        assert (r["forward_passes"], r["reverse_passes"]) == passes[r["method"]]
        assert r["max_error"] < 1e-12


def test_crossover_content(results):
    rows = results[1]["crossover"]
    assert len(rows) == 4
    for r in rows:
        # passes measured with adkit.count(): n one-direction passes, one chunked pass
        # (n <= 64), one recording and m sweeps
        assert (r["forward_passes"], r["forward_chunked_passes"]) == (r["n"], 1)
        assert (r["recordings"], r["reverse_passes"]) == (1, r["m"])
        tf, tr, tk = r["time_forward"], r["time_reverse"], r["time_forward_chunked"]
        assert r["winner"] == ("forward" if tf <= tr else "reverse")
        assert r["speedup"] == (tr / tf if r["winner"] == "forward" else tf / tr)
        assert r["winner_chunked"] == ("forward" if tk <= tr else "reverse")
        assert r["predicted_by_passes"] == ("forward" if r["n"] <= r["m"] else "reverse")
        assert r["agrees_by_passes"] == (r["predicted_by_passes"] == r["winner"])
        assert r["agrees"] == (r["predicted"] == r["winner"]) and r["max_error"] < 1e-12
        assert r["agrees_chunked"] == (r["predicted_chunked"] == r["winner_chunked"])
        assert r["predicted"] == ("forward" if r["estimate_forward"] <= r["estimate_reverse"]
                                  else "reverse")
        assert r["reason"].startswith(f"n={r['n']} input") and "reverse mode about" in r["reason"]
    big = next(r for r in rows if (r["n"], r["m"]) == (12, 1))
    assert big["winner"] == "reverse"  # 1 sweep against 12 passes


def test_cheap_gradient_content(results):
    for r in results[1]["cheap_gradient"]:
        if r["mode"] == "reverse":
            assert r["within_bound"] and 1.0 < r["work_ratio"] <= 4.0
        assert r["time_ratio"] > 0 and r["ops"] > r["ops_f"]


def test_tape_memory_content(results):
    rows = results[1]["tape_memory"]
    ops = sorted((r for r in rows if r["sweep"] == "ops"), key=lambda r: r["steps"])
    assert [r["records"] for r in ops] == [3 * 3 + 1, 3 * 30 + 1]
    assert ops[1]["tape_bytes"] > 5 * ops[0]["tape_bytes"]  # grows with the ops
    assert ops[1]["peak_forward"] < 2 * ops[0]["peak_forward"]  # forward mode does not
    assert all(r["tape_array_bytes"] >= (r["records"] - 1) * r["array_bytes"] for r in ops)


def test_hessian_scaling_content(results):
    for r in results[1]["hessian_scaling"]:
        if r["method"] == "hvp":
            assert (r["forward_passes"], r["recordings"], r["reverse_passes"]) == (1, 1, 1)
        if r["method"] == "hessian_fwd_rev_chunk1":
            assert r["forward_passes"] == r["n"] == r["reverse_passes"]
        assert r["max_error"] < 1e-9


def test_checkpointing_content(results):
    rows = {(r["strategy"], r["snapshots"]): r for r in results[1]["checkpointing"]}
    assert {key: r["extra_steps"] for key, r in rows.items()} == {
        ("store_all", None): 0, ("sqrt", None): 12, ("revolve", 1): 66, ("revolve", 3): 21}
    for r in rows.values():
        assert r["extra_steps"] == r["theory_extra_steps"] == r["tanh_evals"] - 12
        assert r["held_states"] == pytest.approx(r["theory_held_arrays"], abs=0.5)
        assert r["max_error"] < 1e-13 and r["time"] > 0
    assert rows["revolve", 3]["peak_states"] < rows["store_all", None]["peak_states"]
    from adkit.study import plot, report
    text = report.checkpointing(results[1]["checkpointing"])
    assert "in 4 of 4 cells" in text and "| revolve, s = 3 | 21 (21) | 8" in text
    miscounted = [dict(results[1]["checkpointing"][0], tanh_evals=0)]
    assert "in 3 of 4 cells" in report.checkpointing(miscounted + results[1]["checkpointing"][1:])
    fig = plot.CHARTS["checkpointing"][1](results[1]["checkpointing"])
    assert [ax.get_title() for ax in fig.axes] == ["memory against step evaluations",
                                                   "time of the gradient (medians)"]


def test_charts_are_non_empty_images_and_report_mentions_each(results, tmp_path):
    from adkit.study import plot, report  # here: the tests above run without matplotlib
    out = results[0]
    written = plot.plot_all(out, tmp_path / "figures")
    expected = {stem for stem, (exp, _) in plot.CHARTS.items() if exp in TINY}
    assert set(written) == expected
    for png, svg in written.values():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
        assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    path = report.write(out, tmp_path / "figures", tmp_path / "REPORT.md")
    text = path.read_text()
    for stem in expected:
        assert f"figures/{stem}.png" in text
    assert "reverse mode took 1 recording and 1 sweep" in text
    assert "hvp made 1 forward pass, 1 recording and 1 sweep" in text


def test_report_compares_with_the_peers(results, tmp_path):
    from adkit.study import report
    pytest.importorskip("autograd")  # one of TINY_PEERS
    text = report.write(results[0], tmp_path / "figures", tmp_path / "REPORT.md").read_text()
    assert "adkit's reverse-mode time" in text


def test_chart_functions_return_figures(results):
    from adkit.study import plot
    fig = plot.loss_scaling(store.load("loss_scaling", results[0]))
    assert len(fig.axes) == 8 and all(ax.get_title() for ax in fig.axes)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


def test_cli_help_and_unknown_experiment(capsys):
    for cmd in (["--help"], ["run", "--help"], ["plot", "--help"], ["report", "--help"]):
        with pytest.raises(SystemExit) as e:
            cli.main(cmd)
        assert e.value.code == 0
    assert "--quick" in capsys.readouterr().out
    assert cli.main(["run", "nope"]) == 2  # one line on stderr, no traceback
    assert "unknown experiment 'nope'" in capsys.readouterr().err


def test_cli_run_one_experiment_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setattr(experiments.get("tape_memory"), "params",
                        lambda quick: TINY["tape_memory"])
    code = cli.main(["run", "tape_memory", "--results", str(tmp_path / "r"), "--figures",
                     str(tmp_path / "f"), "--report", str(tmp_path / "REPORT.md"),
                     "--no-progress"])
    assert code == 0
    assert (tmp_path / "f" / "tape_memory.png").exists()
    assert "tape_memory.png" in (tmp_path / "REPORT.md").read_text()
    assert json.loads((tmp_path / "r" / "tape_memory.json").read_text())["rows"]


def test_import_adkit_does_not_import_matplotlib():
    code = ("import sys, adkit, adkit.study.harness, adkit.study.experiments, "
            "adkit.study.cli; print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def imported_after(code):
    """The adkit, matplotlib and tqdm modules a fresh interpreter holds after `code`."""
    code += ("; import sys; print(sorted(m for m in sys.modules "
             "if m.startswith(('adkit', 'matplotlib', 'tqdm'))))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_import_adkit_loads_the_engine_only():
    out = imported_after("import adkit")
    assert "adkit" in out
    for name in ("adkit.study", "matplotlib", "tqdm"):
        assert name not in out


def test_python_dash_m_adkit_runs_the_command_line_and_importing_it_does_not():
    assert "adkit.study" not in imported_after("import adkit.__main__")
    out = subprocess.run([sys.executable, "-m", "adkit", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "usage: adkit" in out and "{run,plot,report" in out


@pytest.mark.parametrize("name", sorted(TINY))
def test_each_csv_reads_with_a_dict_reader_and_its_columns_are_documented(results, name):
    out, rows = results
    with open(out / f"{name}.csv", newline="") as fh:
        reader = csv.DictReader(fh)  # what pandas.read_csv does: one header line, then rows
        read = list(reader)
    assert len(read) == len(rows[name]) and reader.fieldnames
    assert [float(r["n"]) for r in read if "n" in r] == [r["n"] for r in rows[name] if "n" in r]
    doc = experiments.get(name).__doc__
    assert f"Columns of {name}.csv" in doc
    assert [c for c in reader.fieldnames if not re.search(rf"\b{c}\b", doc)] == []


def test_peers_columns_are_documented():
    doc = experiments.get("peers").__doc__
    assert [c for c in experiments.get("peers").COLUMNS if not re.search(rf"\b{c}\b", doc)] == []


def test_replay_content(results):
    rows = results[1]["replay"]
    assert {r["method"] for r in rows} == {"eager", "tape", "by_hand", "jax_jit"}
    for r in rows:
        if r["method"] == "jax_jit" and r["note"]:
            assert r["ratio"] is None and "not installed" in r["note"]
            continue
        assert r["ratio"] > 0 and r["max_error"] < 1e-10
