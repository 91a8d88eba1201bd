"""Each experiment in a tiny configuration, its results checked for content; the charts,
the report and the command line."""
import json
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
    "hessian_scaling": {"n": [2, 9], "methods": ["hvp", "hessian_fwd_rev_chunk1",
                                                 "hessian_fwd_rev_chunked", "hessian_rev_rev"],
                        "repeats": 1, "budget_s": 0.2},
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
        assert r["winner"] in ("forward", "reverse") and r["speedup"] >= 1.0
        assert r["predicted"] == ("forward" if r["n"] <= r["m"] else "reverse")
        assert r["agrees"] == (r["predicted"] == r["winner"]) and r["max_error"] < 1e-12
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
    if any(peers.available(lib) for lib in TINY_PEERS):
        assert "adkit's reverse-mode time" in text
    assert "hvp made 1 forward pass, 1 recording and 1 sweep" in text


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
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        cli.main(["run", "nope"])


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
    assert "usage: adkit" in out and "{run,plot,report}" in out
