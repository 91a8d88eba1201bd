"""Gradient of scalar losses as the number of inputs n grows.

For each loss (sum of squares, logistic regression, Rosenbrock, a small MLP as a function
of all its weights) and each n on a log grid, the gradient is computed by central finite
differences, forward mode with 1 direction per pass, forward mode with k directions per
pass, and reverse mode. Recorded per cell: passes, primitive applications, median time,
time(gradient)/time(f), peak memory and the max error against reverse mode. Methods whose
predicted time exceeds the cell budget are timed per pass and extrapolated.

    python experiments/loss_scaling.py [--quick] [--out DIR]
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout
from adkit import bench, problems, reverse  # noqa: E402

NAME = "loss_scaling"
METHODS = list(bench.GRADIENT_METHODS)


def make_problem(name, n, seed=0):
    """(f, x0, n) for a loss with about n inputs."""
    rng = np.random.default_rng(seed)
    if name == "sum_of_squares":
        return problems.sum_of_squares, rng.standard_normal(n), n
    if name == "rosenbrock":
        n = max(n, 2)
        return problems.rosenbrock, rng.uniform(-1.5, 1.5, n), n
    if name == "logistic_regression":
        X, y = problems.logistic_data(n, rows=256, seed=seed)
        return (lambda w: problems.logistic_loss(w, X, y)), 0.1 * rng.standard_normal(n), n
    if name == "mlp":
        hidden = max(1, round((n - 1) / 10))  # sizes 8-h-1: 10h + 1 weights
        sizes = [8, hidden, 1]
        X, Y, theta = problems.mlp_data(sizes, batch=64, seed=seed)
        return (lambda t: problems.mlp_loss(t, X, Y, sizes)), theta, theta.size
    raise ValueError(name)


PROBLEMS = ["sum_of_squares", "logistic_regression", "rosenbrock", "mlp"]


def problem_size(name, n):
    """The number of inputs make_problem(name, n) really has."""
    if name == "rosenbrock":
        return max(n, 2)
    if name == "mlp":
        return 10 * max(1, round((n - 1) / 10)) + 1
    return n


def params(quick):
    return {"problems": PROBLEMS, "methods": METHODS,
            "n": bench.log_grid(1, 1000 if quick else 100_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 10.0}


def run(quick=False, out=bench.DEFAULT_RESULTS, resume=True, progress=True, config=None):
    """Run the sweep (config overrides the grid, e.g. for tests) and return the store."""
    p = config or params(quick)
    sizes = {(prob, problem_size(prob, n)): n for prob in p["problems"] for n in p["n"]}
    cells = [{"problem": prob, "n": n, "method": m}
             for (prob, n) in sizes for m in p["methods"]]
    references = {}

    def run_cell(cell):
        f, x, n = make_problem(cell["problem"], sizes[cell["problem"], cell["n"]])
        key = (cell["problem"], n)
        if key not in references:
            references[key] = reverse.grad(f)(x)
        return bench.measure_gradient(f, x, cell["method"], repeats=p["repeats"],
                                      budget=p["budget_s"], reference=references[key])

    return bench.sweep(NAME, cells, run_cell, p, out_dir=out, resume=resume, progress=progress)


def summary(rows):
    cols = ["problem", "n", "method", "forward_passes", "reverse_passes", "ops", "time",
            "ratio", "work_ratio", "peak_bytes", "max_error", "extrapolated"]
    return bench.table(rows, cols, {"time": ".3g", "ratio": ".3g", "work_ratio": ".3g",
                                    "max_error": ".2g"})


def main(argv=None):
    args = bench.parser(NAME, __doc__.splitlines()[0]).parse_args(argv)
    store = run(args.quick, args.out, not args.fresh, not args.no_progress)
    print(summary(store.rows))
    print(f"\nresults: {store.json_path} and {store.csv_path}")
    return store


if __name__ == "__main__":
    main()
