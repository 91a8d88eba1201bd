"""The cheap-gradient principle: what a gradient costs relative to the function.

For each loss and size: time(grad f)/time(f) and the operation counts ops(grad f)/ops(f)
(primitive applications and a flop estimate, counting the rules' own arithmetic) for
reverse mode (the whole gradient) and for one forward-mode tangent (one directional
derivative), against the theoretical bounds: reverse <= 4, tangent <= 2.5 in op counts.

Columns of cheap_gradient.csv (one row per problem, n and mode; times in seconds):

    problem, n, mode         the loss, its inputs, reverse (gradient) or tangent (one JVP)
    time_f, time, time_ratio f's and the derivative's median times, and their ratio
    ops_f, ops, ops_ratio    primitive applications on data that depends on x
    flops_f, flops, work_ratio    the same weighted by elements (matmul: multiply-adds)
    bound, within_bound      the theoretical bound on work_ratio, and work_ratio <= bound
"""
from collections.abc import Callable

import numpy as np

from adkit import forward, reverse

from .. import harness
from .loss_scaling import PROBLEMS, make_problem, problem_size

NAME = "cheap_gradient"
BOUNDS = {"reverse": 4.0, "tangent": 2.5}


def params(quick: bool) -> dict:
    """The grid: every loss of loss_scaling at a few sizes, both modes.

    >>> params(quick=True)["n"], params(quick=True)["modes"]
    ([10, 100, 1000], ['reverse', 'tangent'])
    """
    return {"problems": PROBLEMS, "n": [10, 100, 1000] if quick else [10, 100, 1000, 10_000,
                                                                       100_000],
            "modes": list(BOUNDS), "repeats": 5 if quick else 9,
            "budget_s": 1.0 if quick else 5.0}


def cells(p: dict) -> list[dict]:
    """One cell per (problem, actual size, mode).

    >>> cells({"problems": ["mlp"], "n": [20], "modes": ["reverse"]})
    [{'problem': 'mlp', 'n': 21, 'mode': 'reverse'}]
    """
    sizes = dict.fromkeys((prob, problem_size(prob, n)) for prob in p["problems"]
                          for n in p["n"])
    return [{"problem": prob, "n": n, "mode": mode} for (prob, n) in sizes
            for mode in p["modes"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): time and work of the gradient (or one tangent) against f's.

    >>> run_cell = cell_runner({"repeats": 1, "budget_s": 0.1})
    >>> row = run_cell({"problem": "rosenbrock", "n": 10, "mode": "reverse"})
    >>> row["within_bound"], row["ops"] > row["ops_f"]
    (True, True)
    """
    def run_cell(cell):
        f, x, _ = make_problem(cell["problem"], cell["n"])
        if cell["mode"] == "reverse":
            g = reverse.grad(f)
        else:
            v = np.random.default_rng(1).standard_normal(x.shape)
            g = lambda x: forward.jvp(f, (x,), (v,))[1]  # noqa: E731
        t_f = harness.time_call(lambda: f(x), repeats=p["repeats"], budget=p["budget_s"])
        t_g = harness.time_call(lambda: g(x), repeats=p["repeats"], budget=p["budget_s"])
        w_f, w_g = harness.work(f, x), harness.work(g, x)
        ratio = w_g["flops"] / w_f["flops"]
        bound = BOUNDS[cell["mode"]]
        return {"time_f": t_f["median"], "time": t_g["median"],
                "time_ratio": t_g["median"] / t_f["median"],
                "ops_f": w_f["ops"], "ops": w_g["ops"], "ops_ratio": w_g["ops"] / w_f["ops"],
                "flops_f": w_f["flops"], "flops": w_g["flops"], "work_ratio": ratio,
                "bound": bound, "within_bound": ratio <= bound}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"problem": "mlp", "n": 21, "mode": "reverse", "work_ratio": 2.5}]))
    problem   n     mode  time_ratio  ops_ratio  work_ratio  bound  within_bound
        mlp  21  reverse           -          -         2.5      -             -
    """
    return harness.table(rows, ["problem", "n", "mode", "time_ratio", "ops_ratio",
                                "work_ratio", "bound", "within_bound"],
                         {"time_ratio": ".3g", "ops_ratio": ".3g", "work_ratio": ".3g"})
