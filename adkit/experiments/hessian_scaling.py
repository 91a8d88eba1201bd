"""Second order: a Hessian-vector product against the full Hessian as n grows.

hvp (forward over reverse) costs one forward pass through one reverse-mode gradient
whatever n is; the full Hessian by forward over reverse costs n such passes (ceil(n/k)
with k directions per pass), and by reverse over reverse 1 recording of the gradient and
n sweeps. Problem: Rosenbrock. Recorded: passes, time, and the error against H @ v.
"""
import numpy as np

from .. import bench, counting, transforms
from .. import problems

NAME = "hessian_scaling"
METHODS = {
    "hvp": lambda f, x, v: transforms.hvp(f, x, v),
    "hessian_fwd_rev_chunk1": lambda f, x, v: transforms.hessian(f, chunk=1)(x) @ v,
    "hessian_fwd_rev_chunked": lambda f, x, v: transforms.hessian(f)(x) @ v,
    "hessian_rev_rev": lambda f, x, v: transforms.hessian(
        f, mode="reverse-over-reverse")(x) @ v,
}


def params(quick):
    return {"n": bench.log_grid(2, 300 if quick else 3000, per_decade=2),
            "methods": list(METHODS), "repeats": 3 if quick else 5,
            "budget_s": 1.0 if quick else 5.0}


def cells(p):
    return [{"n": n, "method": m} for n in p["n"] for m in p["methods"]]


def cell_runner(p):
    def run_cell(cell):
        n = cell["n"]
        rng = np.random.default_rng(n)
        x, v = rng.uniform(-1.5, 1.5, n), rng.standard_normal(n)
        run = lambda: METHODS[cell["method"]](problems.rosenbrock, x, v)  # noqa: E731
        with counting.count() as c:
            hv = run()
        ref = transforms.hvp(problems.rosenbrock, x, v)
        t = bench.time_call(run, repeats=p["repeats"], budget=p["budget_s"])
        return {"forward_passes": c.forward_passes, "recordings": c.recordings,
                "reverse_passes": c.reverse_passes, "ops": c.total(), "time": t["median"],
                "time_q25": t["q25"], "time_q75": t["q75"],
                "max_error": float(np.max(np.abs(hv - ref)))}

    return run_cell


def summary(rows):
    return bench.table(rows, ["n", "method", "forward_passes", "recordings", "reverse_passes",
                              "ops", "time", "max_error"], {"time": ".3g", "max_error": ".2g"})
