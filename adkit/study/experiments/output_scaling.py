"""Full Jacobians of f: R^n -> R^m with n fixed and m growing.

Two maps: a mixing elementwise map [sin(k x_(k mod n))] and a dense layer tanh(W x). Forward
mode needs n passes (or one pass of n directions) whatever m is; reverse mode needs one
recording and m sweeps. Recorded per cell: passes, time, ops and the error between modes.

Columns of output_scaling.csv (one row per map, m and method; times in seconds):

    map, n, m, method        the function, inputs, outputs, and how the Jacobian was made
    forward_passes, recordings, reverse_passes, ops    counted by adkit.count()
    time, time_q25, time_q75 the Jacobian's median time and quartiles
    time_f, ratio            f's median time, and time / time_f
    max_error                largest difference from reverse mode's Jacobian
"""
from collections.abc import Callable

import numpy as np

from adkit import counting, forward, reverse

from .. import harness, workloads

NAME = "output_scaling"
METHODS = {"forward_chunk1": lambda f: forward.jacfwd(f, chunk=1),
           "forward_chunked": lambda f: forward.jacfwd(f),
           "reverse": lambda f: reverse.jacrev(f)}
MAPS = ["tall_map", "dense_tanh"]


def make_map(name: str, n: int, m: int, seed: int = 0) -> Callable:
    """The map R^n -> R^m called `name` (one of MAPS).

    >>> make_map("dense_tanh", 2, 3)(np.zeros(2))
    array([0., 0., 0.])
    """
    if name == "tall_map":
        return lambda x: workloads.tall_map(x, m)
    W = np.random.default_rng(seed).standard_normal((m, n)) / np.sqrt(n)
    return lambda x: workloads.dense_tanh(x, W)


def params(quick: bool) -> dict:
    """The grid: both maps, every method, n = 8 and m on a log scale.

    >>> params(quick=True)["m"]
    [1, 3, 10, 32, 100, 316, 1000]
    """
    return {"maps": MAPS, "methods": list(METHODS), "n": 8,
            "m": harness.log_grid(1, 1000 if quick else 10_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 5.0}


def cells(p: dict) -> list[dict]:
    """One cell per (map, m, method).

    >>> cells({"maps": ["tall_map"], "m": [1, 3], "methods": ["reverse"]})
    [{'map': 'tall_map', 'm': 1, 'method': 'reverse'},
     {'map': 'tall_map', 'm': 3, 'method': 'reverse'}]
    """
    return [{"map": f, "m": m, "method": meth} for f in p["maps"] for m in p["m"]
            for meth in p["methods"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): one method's passes, time and error for one map's Jacobian.

    >>> p = {"n": 2, "repeats": 1, "budget_s": 0.1}
    >>> row = cell_runner(p)({"map": "tall_map", "m": 5, "method": "reverse"})
    >>> row["forward_passes"], row["reverse_passes"]
    (0, 5)
    """
    n = p["n"]
    x = np.linspace(-1.0, 1.0, n)

    def run_cell(cell):
        f = make_map(cell["map"], n, cell["m"])
        jac = METHODS[cell["method"]](f)
        with counting.count() as c:
            J = jac(x)
        ref = forward.jacfwd(f)(x) if cell["method"] == "reverse" else reverse.jacrev(f)(x)
        t = harness.time_call(lambda: jac(x), repeats=p["repeats"], budget=p["budget_s"])
        t_f = harness.time_call(lambda: f(x), repeats=p["repeats"], budget=p["budget_s"] / 10)
        return {"n": n, "forward_passes": c.forward_passes, "recordings": c.recordings,
                "reverse_passes": c.reverse_passes, "ops": c.total(), "time": t["median"],
                "time_q25": t["q25"], "time_q75": t["q75"], "time_f": t_f["median"],
                "ratio": t["median"] / t_f["median"],
                "max_error": float(np.max(np.abs(J - ref)))}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"map": "tall_map", "n": 2, "m": 5, "method": "reverse"}]))
         map  n  m   method  forward_passes  reverse_passes  ops  time  ratio  max_error
    tall_map  2  5  reverse               -               -    -     -      -          -
    """
    return harness.table(rows, ["map", "n", "m", "method", "forward_passes", "reverse_passes",
                                "ops", "time", "ratio", "max_error"],
                         {"time": ".3g", "ratio": ".3g", "max_error": ".2g"})
