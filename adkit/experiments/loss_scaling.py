"""Gradient of scalar losses as the number of inputs n grows.

For each loss (sum of squares, logistic regression, Rosenbrock, a small MLP as a function
of all its weights) and each n on a log grid, the gradient is computed by central finite
differences, forward mode with 1 direction per pass, forward mode with k directions per
pass, reverse mode, and (when installed) HIPS autograd, PyTorch, JAX eager and JAX jit on
the same point and data (float64). Recorded per cell: passes, primitive applications,
median time, time(gradient)/time(f), peak memory and the max error against reverse mode.
adkit's methods whose predicted time exceeds the cell budget are timed per pass and
extrapolated. A peer's ratio divides by its own loss time; its passes and ops are None
(adkit counts them), jax_jit's first, compiling call is timed apart (time_first), and an
absent peer gets a row with a note.
"""
import time

import numpy as np

from .. import bench, peers, problems, reverse

NAME = "loss_scaling"
PEERS = ["autograd", "torch", "jax", "jax_jit"]  # libraries of adkit.peers
METHODS = list(bench.GRADIENT_METHODS) + PEERS
PROBLEMS = ["sum_of_squares", "logistic_regression", "rosenbrock", "mlp"]
_LOSSES = {"sum_of_squares": problems.sum_of_squares, "logistic_regression":
           problems.logistic_loss, "rosenbrock": problems.rosenbrock, "mlp": problems.mlp_loss}
COUNTS = ("forward_passes", "directions", "recordings", "reverse_passes", "evaluations",
          "ops_eval", "ops_jvp", "ops_record", "ops_vjp", "ops", "work_ops_f", "work_flops_f",
          "work_ops", "work_flops", "work_ratio")  # adkit's counts: None in a peer's row
MEMORY_NOTE = "tracemalloc: Python objects and numpy buffers only, not torch's or XLA's"


def problem_size(name, n):
    """The number of inputs make_problem(name, n) really has."""
    if name == "rosenbrock":
        return max(n, 2)
    if name == "mlp":
        return 10 * max(1, round((n - 1) / 10)) + 1
    return n


def problem_args(name, n, seed=0):
    """(x0, data, static) of a loss with about n inputs: its value at x0 is
    loss(x0, *data, **static), with adkit.problems' loss or adkit.peers.LOSSES[name]."""
    rng = np.random.default_rng(seed)
    if name == "sum_of_squares":
        return rng.standard_normal(n), (), {}
    if name == "rosenbrock":
        return rng.uniform(-1.5, 1.5, max(n, 2)), (), {}
    if name == "logistic_regression":
        X, y = problems.logistic_data(n, rows=256, seed=seed)
        return 0.1 * rng.standard_normal(n), (X, y), {}
    if name == "mlp":
        sizes = [8, max(1, round((n - 1) / 10)), 1]  # sizes 8-h-1: 10h + 1 weights
        X, Y, theta = problems.mlp_data(sizes, batch=64, seed=seed)
        return theta, (X, Y), {"sizes": sizes}
    raise ValueError(f"unknown problem {name!r}; choose from {PROBLEMS}")


def make_problem(name, n, seed=0):
    """(f, x0, n) for a loss with about n inputs."""
    x, data, static = problem_args(name, n, seed)
    return _adkit_loss(name, data, static), x, x.size


def _adkit_loss(name, data, static):
    loss = _LOSSES[name]
    return lambda x: loss(x, *data, **static)


def params(quick):
    return {"problems": PROBLEMS, "methods": METHODS,
            "n": bench.log_grid(1, 1000 if quick else 100_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 10.0,
            "versions": {lib: peers.version(lib) for lib in PEERS}}


def cells(p):
    sizes = dict.fromkeys((prob, problem_size(prob, n)) for prob in p["problems"]
                          for n in p["n"])
    return [{"problem": prob, "n": n, "method": m} for (prob, n) in sizes for m in p["methods"]]


def cell_runner(p):
    cache = {}  # the problem's arguments and reverse-mode reference gradient, per (problem, n)

    def run_cell(cell):
        key = (cell["problem"], cell["n"])
        if key not in cache:
            cache.clear()
            x, data, static = problem_args(*key)
            f = _adkit_loss(key[0], data, static)
            cache[key] = (f, x, data, static, reverse.grad(f)(x))
        f, x, data, static, ref = cache[key]
        if cell["method"] in PEERS:
            return measure_peer(cell["method"], key[0], x, data, static, repeats=p["repeats"],
                                budget=p["budget_s"], reference=ref)
        return bench.measure_gradient(f, x, cell["method"], repeats=p["repeats"],
                                      budget=p["budget_s"], reference=ref)

    return run_cell


def measure_peer(library, problem, x, data=(), static=None, repeats=5, budget=10.0,
                 reference=None):
    """A peer library's row with bench.measure_gradient's columns: the median time of its
    gradient of peers.LOSSES[problem] at x, its own loss time (time_f), the ratio, peak
    memory and the error against `reference`; adkit's counts are None. The first call
    (jax_jit's compiles) is timed apart as time_first and a warm-up follows; like adkit's
    methods, the timing stops repeating once `budget` seconds are spent. An absent
    library: a note only."""
    row = dict.fromkeys(COUNTS + ("time", "time_q25", "time_q75", "repeats", "time_f",
                                  "ratio", "peak_bytes", "max_error", "time_first"))
    row.update(method=library, n=x.size, chunk=None, extrapolated=False, note=None,
               memory_note=None)
    if not peers.available(library):
        return dict(row, note=peers.missing_note(library))
    case = peers.loss_case(problem, library, x, data, **(static or {}))
    t0 = time.perf_counter()
    grad = case.grad()
    row["time_first"] = time.perf_counter() - t0
    t_f = bench.time_call(case.loss, repeats=repeats, budget=budget / 10)  # warm-up: 1 call
    warmup = int(row["time_first"] < budget / 2)  # one more, unless calls are that slow
    timing = bench.time_call(case.grad, repeats=repeats, warmup=warmup, budget=budget)
    row.update(time=timing["median"], time_q25=timing["q25"], time_q75=timing["q75"],
               repeats=timing["repeats"], time_f=t_f["median"],
               ratio=timing["median"] / t_f["median"] if t_f["median"] > 0 else None,
               peak_bytes=bench.peak_bytes(case.grad), memory_note=MEMORY_NOTE)
    if reference is not None:
        row["max_error"] = float(np.max(np.abs(peers.as_numpy(grad) - np.ravel(reference))))
    return row


def summary(rows):
    cols = ["problem", "n", "method", "forward_passes", "reverse_passes", "ops", "time",
            "ratio", "work_ratio", "peak_bytes", "max_error", "extrapolated", "note"]
    return bench.table(rows, cols, {"time": ".3g", "ratio": ".3g", "work_ratio": ".3g",
                                    "max_error": ".2g"})
