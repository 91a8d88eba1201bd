"""Replayed tapes: what a gradient costs relative to the loss, as n grows, when the
recording is made once and replayed (adkit.record), against eager reverse mode
(adkit.grad traces f on every call), the gradient written by hand in numpy, and JAX's jit
when it is installed.

Columns of replay.csv (one row per problem, n and method; times in seconds):

    problem, n, method       the loss (logistic regression, 256 x n; sum of squares), its
                             inputs, and eager / tape / by_hand / jax_jit
    time_loss, time          the numpy loss's and the gradient's median times, in one run
    ratio                    the median over rounds of time(gradient) / time(numpy loss)
    max_error                the largest difference from the hand-written gradient
    note                     why a method has no time (a peer not installed)
"""
from collections.abc import Callable

import numpy as np

import adkit

from .. import harness, peers, workloads

NAME = "replay"
METHODS = ("eager", "tape", "by_hand", "jax_jit")
PROBLEMS = ("logistic_regression", "sum_of_squares")


def params(quick: bool) -> dict:
    """The grid: both losses at sizes 10 .. 10^4 (quick) or 10^5 (full), every method.

    >>> params(quick=True)["n"]
    [10, 100, 1000, 10000]
    """
    return {"problems": list(PROBLEMS), "n": [10, 100, 1000, 10_000] if quick else
            [10, 100, 1000, 10_000, 100_000], "methods": list(METHODS),
            "rounds": 7 if quick else 15, "budget_s": 1.0 if quick else 4.0}


def cells(p: dict) -> list[dict]:
    """One cell per (problem, n, method).

    >>> cells({"problems": ["sum_of_squares"], "n": [10], "methods": ["tape"]})
    [{'problem': 'sum_of_squares', 'n': 10, 'method': 'tape'}]
    """
    return [{"problem": prob, "n": n, "method": m} for prob in p["problems"]
            for n in p["n"] for m in p["methods"]]


def _problem(name, n):
    """(f written over xp, its arguments, the hand-written gradient of the first)."""
    if name == "logistic_regression":
        X, y = workloads.logistic_data(n, rows=256, seed=1)
        w = np.random.default_rng(2).standard_normal(n) * 0.1
        return workloads.logistic_loss, (w, X, y), workloads.logistic_loss_grad
    x = np.random.default_rng(2).standard_normal(n)
    return workloads.sum_of_squares, (x,), workloads.sum_of_squares_grad


def _gradient(method, f, args, by_hand):
    if method == "eager":
        return lambda: adkit.grad(f)(*args)
    if method == "tape":
        tape = adkit.record(f, *args)
        return lambda: tape.grad(*args)
    if method == "by_hand":
        return lambda: by_hand(*args)
    jax = peers._jax()
    g = jax.jit(jax.grad(lambda *a: f(*a, xp=jax.numpy)))
    jargs = [jax.numpy.asarray(a) for a in args]
    g(*jargs)  # compile outside the timing
    return lambda: np.asarray(jax.block_until_ready(g(*jargs)))


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): the gradient's time against the numpy loss's, round by round.

    >>> run_cell = cell_runner({"rounds": 3, "budget_s": 0.1})
    >>> row = run_cell({"problem": "sum_of_squares", "n": 10, "method": "tape"})
    >>> row["ratio"] > 0 and row["max_error"] < 1e-12
    True
    """
    def run_cell(cell):
        if cell["method"] == "jax_jit" and not peers.available("jax_jit"):
            return {"time_loss": None, "time": None, "ratio": None, "max_error": None,
                    "note": peers.missing_note("jax_jit")}
        f, args, by_hand = _problem(cell["problem"], cell["n"])
        grad = _gradient(cell["method"], f, args, by_hand)
        error = float(np.max(np.abs(np.asarray(grad()) - by_hand(*args))))
        times = harness.time_rounds({"loss": lambda: f(*args, xp=np), "grad": grad},
                                    rounds=p["rounds"], budget=p["budget_s"])
        return {"time_loss": float(np.median(times["loss"])),
                "time": float(np.median(times["grad"])),
                "ratio": harness.median_ratio(times["grad"], times["loss"]),
                "max_error": error, "note": ""}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"problem": "sum_of_squares", "n": 10, "method": "tape",
    ...                 "ratio": 4.0}]))
           problem   n  method  ratio  max_error  note
    sum_of_squares  10    tape      4          -     -
    """
    return harness.table(rows, ["problem", "n", "method", "ratio", "max_error", "note"],
                         {"ratio": ".3g", "max_error": ".2g"})
