"""Second order: a Hessian-vector product against the full Hessian as n grows.

hvp (forward over reverse) costs one forward pass through one reverse-mode gradient
whatever n is; the full Hessian by forward over reverse costs n such passes (ceil(n/k)
with k directions per pass), and by reverse over reverse 1 recording of the gradient and
n sweeps. Problem: Rosenbrock. Recorded: passes, time, and the error against H @ v.

Columns of hessian_scaling.csv (one row per n and method; times in seconds):

    n, method                inputs; hvp or a full Hessian (hessian_<outer>_<inner>...)
    forward_passes, recordings, reverse_passes, ops    counted by adkit.count()
    time, time_q25, time_q75 the median time and quartiles
    max_error                largest difference of H @ v from adkit.hvp's
"""
from collections.abc import Callable

import numpy as np

from adkit import counting, transforms

from .. import harness, workloads

NAME = "hessian_scaling"
METHODS = {
    "hvp": lambda f, x, v: transforms.hvp(f, x, v),
    "hessian_fwd_rev_chunk1": lambda f, x, v: transforms.hessian(f, chunk=1)(x) @ v,
    "hessian_fwd_rev_chunked": lambda f, x, v: transforms.hessian(f)(x) @ v,
    "hessian_rev_rev": lambda f, x, v: transforms.hessian(
        f, mode="reverse-over-reverse")(x) @ v,
}


def params(quick: bool) -> dict:
    """The grid: n on a log scale and every method of METHODS.

    >>> params(quick=True)["n"]
    [2, 7, 24, 86, 300]
    """
    return {"n": harness.log_grid(2, 300 if quick else 3000, per_decade=2),
            "methods": list(METHODS), "repeats": 3 if quick else 5,
            "budget_s": 1.0 if quick else 5.0}


def cells(p: dict) -> list[dict]:
    """One cell per (n, method).

    >>> cells({"n": [2, 7], "methods": ["hvp"]})
    [{'n': 2, 'method': 'hvp'}, {'n': 7, 'method': 'hvp'}]
    """
    return [{"n": n, "method": m} for n in p["n"] for m in p["methods"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): one method's passes, time and error against hvp.

    >>> row = cell_runner({"repeats": 1, "budget_s": 0.1})({"n": 5, "method": "hvp"})
    >>> row["forward_passes"], row["recordings"], row["reverse_passes"]
    (1, 1, 1)
    """
    def run_cell(cell):
        n = cell["n"]
        rng = np.random.default_rng(n)
        x, v = rng.uniform(-1.5, 1.5, n), rng.standard_normal(n)
        run = lambda: METHODS[cell["method"]](workloads.rosenbrock, x, v)  # noqa: E731
        with counting.count() as c:
            hv = run()
        ref = transforms.hvp(workloads.rosenbrock, x, v)
        t = harness.time_call(run, repeats=p["repeats"], budget=p["budget_s"])
        return {"forward_passes": c.forward_passes, "recordings": c.recordings,
                "reverse_passes": c.reverse_passes, "ops": c.total(), "time": t["median"],
                "time_q25": t["q25"], "time_q75": t["q75"],
                "max_error": float(np.max(np.abs(hv - ref)))}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"n": 5, "method": "hvp", "time": 1e-4}]))
    n  method  forward_passes  recordings  reverse_passes  ops   time  max_error
    5     hvp               -           -               -    -  0.0001          -
    """
    return harness.table(rows, ["n", "method", "forward_passes", "recordings",
                                "reverse_passes", "ops", "time", "max_error"],
                         {"time": ".3g", "max_error": ".2g"})
