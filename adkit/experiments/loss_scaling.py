"""Gradient of scalar losses as the number of inputs n grows.

For each loss (sum of squares, logistic regression, Rosenbrock, a small MLP as a function
of all its weights) and each n on a log grid, the gradient is computed by central finite
differences, forward mode with 1 direction per pass, forward mode with k directions per
pass, reverse mode, and (when installed) PyTorch, JAX and HIPS autograd. Recorded per
cell: passes, primitive applications, median time, time(gradient)/time(f), peak memory
and the max error against reverse mode. Methods whose predicted time exceeds the cell
budget are timed per pass and extrapolated.
"""
import numpy as np

from .. import bench, problems, reverse

NAME = "loss_scaling"
METHODS = list(bench.GRADIENT_METHODS)
PROBLEMS = ["sum_of_squares", "logistic_regression", "rosenbrock", "mlp"]


def problem_size(name, n):
    """The number of inputs make_problem(name, n) really has."""
    if name == "rosenbrock":
        return max(n, 2)
    if name == "mlp":
        return 10 * max(1, round((n - 1) / 10)) + 1
    return n


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
    raise ValueError(f"unknown problem {name!r}; choose from {PROBLEMS}")


def params(quick):
    return {"problems": PROBLEMS, "methods": METHODS,
            "n": bench.log_grid(1, 1000 if quick else 100_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 10.0}


def cells(p):
    sizes = dict.fromkeys((prob, problem_size(prob, n)) for prob in p["problems"]
                          for n in p["n"])
    return [{"problem": prob, "n": n, "method": m} for (prob, n) in sizes for m in p["methods"]]


def cell_runner(p):
    cache = {}  # the problem and its reverse-mode reference gradient, per (problem, n)

    def run_cell(cell):
        key = (cell["problem"], cell["n"])
        if key not in cache:
            cache.clear()
            f, x, _ = make_problem(*key)
            cache[key] = (f, x, reverse.grad(f)(x))
        f, x, ref = cache[key]
        return bench.measure_gradient(f, x, cell["method"], repeats=p["repeats"],
                                      budget=p["budget_s"], reference=ref)

    return run_cell


def summary(rows):
    cols = ["problem", "n", "method", "forward_passes", "reverse_passes", "ops", "time",
            "ratio", "work_ratio", "peak_bytes", "max_error", "extrapolated"]
    return bench.table(rows, cols, {"time": ".3g", "ratio": ".3g", "work_ratio": ".3g",
                                    "max_error": ".2g"})
