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

Columns of loss_scaling.csv (one row per problem, n and method; times in seconds):

    problem, n, method       the loss, its number of inputs, the gradient method
    chunk                    directions per forward pass (1, or the default chunk k)
    time, time_q25, time_q75, repeats     the gradient's median time and quartiles
    time_f, ratio            f's median time, and time / time_f
    extrapolated, time_one_pass           timed one pass and multiplied by the passes
    forward_passes, directions, recordings, reverse_passes    counted by adkit.count()
    evaluations              evaluations of f (central differences: 2n)
    ops_eval, ops_jvp, ops_record, ops_vjp, ops    primitive applications by kind, total
    work_ops_f, work_flops_f, work_ops, work_flops, work_ratio
                             ops and flops of f and of the gradient, and their ratio
    peak_bytes, memory_note  tracemalloc's peak while computing the gradient
    max_error                largest difference from reverse mode's gradient
    time_first, note         a peer's first (compiling) call; why a row has no times
"""
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adkit import reverse

from .. import harness, peers, workloads

NAME = "loss_scaling"
PEERS = ["autograd", "torch", "jax", "jax_jit"]  # libraries of adkit.study.peers
METHODS = list(harness.GRADIENT_METHODS) + PEERS
PROBLEMS = list(workloads.LOSSES)
COUNTS = ("forward_passes", "directions", "recordings", "reverse_passes", "evaluations",
          "ops_eval", "ops_jvp", "ops_record", "ops_vjp", "ops", "work_ops_f", "work_flops_f",
          "work_ops", "work_flops", "work_ratio")  # adkit's counts: None in a peer's row
MEMORY_NOTE = "tracemalloc: Python objects and numpy buffers only, not torch's or XLA's"


def problem_size(name: str, n: int) -> int:
    """The number of inputs make_problem(name, n) really has.

    >>> problem_size("rosenbrock", 1), problem_size("mlp", 100)
    (2, 101)
    """
    if name == "rosenbrock":
        return max(n, 2)
    if name == "mlp":
        return 10 * max(1, round((n - 1) / 10)) + 1
    return n


def problem_args(name: str, n: int, seed: int = 0) -> tuple[np.ndarray, tuple, dict]:
    """(x0, data, static) of a loss with about n inputs: its value at x0 is
    workloads.LOSSES[name](x0, *data, **static).

    >>> x, (X, y), static = problem_args("logistic_regression", 3)
    >>> x.shape, X.shape, static
    ((3,), (256, 3), {})
    """
    rng = np.random.default_rng(seed)
    if name == "sum_of_squares":
        return rng.standard_normal(n), (), {}
    if name == "rosenbrock":
        return rng.uniform(-1.5, 1.5, max(n, 2)), (), {}
    if name == "logistic_regression":
        X, y = workloads.logistic_data(n, rows=256, seed=seed)
        return 0.1 * rng.standard_normal(n), (X, y), {}
    if name == "mlp":
        sizes = [8, max(1, round((n - 1) / 10)), 1]  # sizes 8-h-1: 10h + 1 weights
        X, Y, theta = workloads.mlp_data(sizes, batch=64, seed=seed)
        return theta, (X, Y), {"sizes": sizes}
    raise ValueError(f"unknown problem {name!r}; choose from {PROBLEMS}")


def make_problem(name: str, n: int, seed: int = 0) -> tuple[Callable, np.ndarray, int]:
    """(f, x0, n) for a loss with about n inputs: f(x) is the loss with its data bound.

    >>> f, x, n = make_problem("sum_of_squares", 4)
    >>> n, bool(f(x) > 0)
    (4, True)
    """
    x, data, static = problem_args(name, n, seed)
    return _adkit_loss(name, data, static), x, x.size


def _adkit_loss(name, data, static):
    loss = workloads.LOSSES[name]
    return lambda x: loss(x, *data, **static)


def params(quick: bool) -> dict:
    """The grid: every problem and method, n on a log scale, and the peers' versions.

    >>> params(quick=True)["n"]
    [1, 3, 10, 32, 100, 316, 1000]
    """
    return {"problems": PROBLEMS, "methods": METHODS,
            "n": harness.log_grid(1, 1000 if quick else 100_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 10.0,
            "versions": {lib: peers.version(lib) for lib in PEERS}}


def cells(p: dict) -> list[dict]:
    """One cell per (problem, actual size, method).

    >>> cells({"problems": ["rosenbrock"], "n": [1], "methods": ["reverse"]})
    [{'problem': 'rosenbrock', 'n': 2, 'method': 'reverse'}]
    """
    sizes = dict.fromkeys((prob, problem_size(prob, n)) for prob in p["problems"]
                          for n in p["n"])
    return [{"problem": prob, "n": n, "method": m} for (prob, n) in sizes for m in p["methods"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): harness.measure_gradient's row for adkit's methods, measure_peer's
    for a peer; the reference is reverse mode's gradient.

    >>> run_cell = cell_runner({"repeats": 1, "budget_s": 1.0})
    >>> row = run_cell({"problem": "rosenbrock", "n": 5, "method": "forward_chunk1"})
    >>> row["forward_passes"], row["max_error"] < 1e-12
    (5, True)
    """
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
        return harness.measure_gradient(f, x, cell["method"], repeats=p["repeats"],
                                        budget=p["budget_s"], reference=ref)

    return run_cell


def measure_peer(library: str, problem: str, x: np.ndarray, data: Sequence = (),
                 static: dict | None = None, repeats: int = 5, budget: float = 10.0,
                 reference: Any = None) -> dict:
    """A peer library's row with harness.measure_gradient's columns: the median time of its
    gradient of workloads.LOSSES[problem] at x, its own loss time (time_f), the ratio, peak
    memory and the error against `reference`; adkit's counts are None. The first call
    (jax_jit's compiles) is timed apart as time_first and a warm-up follows; like adkit's
    methods, the timing stops repeating once `budget` seconds are spent. An absent
    library: a note only.

    >>> row = measure_peer("autograd", "rosenbrock", np.ones(3), repeats=1, budget=0.1)
    >>> row["ops"], row["time"] > 0 or row["note"].startswith("not installed")
    (None, True)
    """
    row = dict.fromkeys(COUNTS + ("time", "time_q25", "time_q75", "repeats", "time_f",
                                  "ratio", "peak_bytes", "max_error", "time_first"))
    row.update(method=library, n=x.size, chunk=None, extrapolated=False, note=None,
               memory_note=None)
    if not peers.available(library):
        return dict(row, note=peers.missing_note(library))
    case = peers.loss_case(problem, library, x, data, **(static or {}))
    row["time_first"], grad, err = harness.first_call(case.grad)
    if err is not None:
        raise err
    t_f = harness.time_call(case.loss, repeats=repeats, budget=budget / 10)  # warm-up: 1 call
    warmup = int(row["time_first"] < budget / 2)  # one more, unless calls are that slow
    timing = harness.time_call(case.grad, repeats=repeats, warmup=warmup, budget=budget)
    row.update(time=timing["median"], time_q25=timing["q25"], time_q75=timing["q75"],
               repeats=timing["repeats"], time_f=t_f["median"],
               ratio=timing["median"] / t_f["median"] if t_f["median"] > 0 else None,
               peak_bytes=harness.peak_bytes(case.grad), memory_note=MEMORY_NOTE)
    if reference is not None:
        row["max_error"] = float(np.max(np.abs(peers.as_numpy(grad) - np.ravel(reference))))
    return row


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> summary([{"problem": "mlp", "n": 21, "method": "reverse"}]).splitlines()[1].split()[:4]
    ['mlp', '21', 'reverse', '-']
    """
    cols = ["problem", "n", "method", "forward_passes", "reverse_passes", "ops", "time",
            "ratio", "work_ratio", "peak_bytes", "max_error", "extrapolated", "note"]
    return harness.table(rows, cols, {"time": ".3g", "ratio": ".3g", "work_ratio": ".3g",
                                      "max_error": ".2g"})
