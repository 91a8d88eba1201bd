"""adkit.study.harness (and the store it saves through): measurements, atomic results,
resuming an interrupted sweep."""
import numpy as np
import pytest

import adkit
from adkit.study import harness, store, workloads


def test_time_call_reports_median_and_spread():
    t = harness.time_call(lambda: sum(range(1000)), repeats=5)
    assert t["repeats"] == 5 and t["q25"] <= t["median"] <= t["q75"] and t["min"] > 0


def test_peak_bytes_sees_numpy_buffers():
    assert harness.peak_bytes(lambda: np.ones(100_000)) >= 800_000


def test_work_counts_every_primitive_on_traced_data():
    w = harness.work(workloads.sum_of_squares, np.ones(10))
    assert w == {"ops": 2, "flops": 20, "by_name": {"mul": 1, "sum": 1}}
    wg = harness.work(adkit.grad(workloads.sum_of_squares), np.ones(10))
    assert wg["ops"] > w["ops"] and wg["flops"] <= 4 * w["flops"]  # the cheap-gradient bound


@pytest.mark.parametrize("method", list(harness.GRADIENT_METHODS))
def test_measure_gradient_every_method(method):
    x = np.linspace(-1, 1, 12)
    row = harness.measure_gradient(workloads.rosenbrock, x, method, repeats=2, budget=5.0,
                                   reference=workloads.rosenbrock_grad(x))
    assert row["extrapolated"] is False and row["max_error"] < 1e-5
    expected_passes = {"finite_differences": (0, 0), "forward_chunk1": (12, 0),
                       "forward_chunked": (1, 0), "reverse": (0, 1)}[method]
    assert (row["forward_passes"], row["reverse_passes"]) == expected_passes
    assert row["time"] > 0 and row["ratio"] > 0 and row["peak_bytes"] > 0


def test_measure_gradient_extrapolates_over_budget():
    x = np.linspace(-1, 1, 400)
    row = harness.measure_gradient(workloads.rosenbrock, x, "forward_chunk1", repeats=1,
                                   budget=1e-4, reference=workloads.rosenbrock_grad(x))
    assert row["extrapolated"] is True and row["forward_passes"] == 400
    assert row["time"] == pytest.approx(400 * row["time_one_pass"])
    assert row["max_error"] < 1e-9


def test_fit_slope_and_grid():
    assert harness.fit_slope([1, 10, 100], [3, 30, 300]) == pytest.approx(1.0)
    assert harness.fit_slope([1, 10, 100], [5, 5, 5]) == pytest.approx(0.0, abs=1e-12)
    assert harness.log_grid(1, 1000, 1) == [1, 10, 100, 1000]


def test_store_round_trip_json_and_csv(tmp_path):
    results = harness.sweep("demo", [{"n": 1}, {"n": 2}], lambda c: {"y": c["n"] ** 2 * 1.5},
                            params={"grid": [1, 2]}, out_dir=tmp_path, progress=False)
    data = store.load("demo", tmp_path)
    assert [r["y"] for r in data["rows"]] == [1.5, 6.0]
    assert data["meta"]["params"] == {"grid": [1, 2]} and data["meta"]["numpy"] == np.__version__
    assert results.csv_path.read_text().splitlines() == ["n,y", "1,1.5", "2,6.0"]
    assert results.current_csv.read_text() == results.csv_path.read_text()


def test_interrupted_sweep_keeps_finished_cells_and_resumes(tmp_path):
    calls = []

    def run_cell(cell):
        if cell["n"] == 3 and not calls.count("resumed"):
            raise KeyboardInterrupt
        calls.append(cell["n"])
        return {"y": cell["n"]}

    cells = [{"n": n} for n in range(1, 6)]
    with pytest.raises(KeyboardInterrupt):
        harness.sweep("demo", cells, run_cell, params={}, out_dir=tmp_path, progress=False)
    assert [r["n"] for r in store.load("demo", tmp_path)["rows"]] == [1, 2]
    calls.append("resumed")
    harness.sweep("demo", cells, run_cell, params={}, out_dir=tmp_path, progress=False)
    assert calls == [1, 2, "resumed", 3, 4, 5]
    assert [r["n"] for r in store.load("demo", tmp_path)["rows"]] == [1, 2, 3, 4, 5]


def test_changed_parameters_start_over(tmp_path):
    harness.sweep("demo", [{"n": 1}], lambda c: {"y": 1}, params={"a": 1}, out_dir=tmp_path,
                  progress=False)
    seen = []
    harness.sweep("demo", [{"n": 1}], lambda c: seen.append(c) or {"y": 2}, params={"a": 2},
                  out_dir=tmp_path, progress=False)
    assert seen and store.load("demo", tmp_path)["rows"][0]["y"] == 2
    runs = sorted(p.name for p in (tmp_path / "runs").glob("demo-*.json"))
    assert runs == sorted(f"demo-{store.run_id({'a': a})}.json" for a in (1, 2))


def test_time_rounds_gives_one_time_per_round():
    times = harness.time_rounds({"a": lambda: None, "b": lambda: sum(range(1000))}, rounds=3,
                                min_time=1e-4)
    assert [len(v) for v in times.values()] == [3, 3]
    assert harness.median_ratio(times["b"], times["a"]) > 1
    with pytest.raises(ValueError):
        harness.median_ratio([1.0], [])
