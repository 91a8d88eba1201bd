"""Full Jacobians of f: R^n -> R^m with n fixed and m growing.

Two maps: a mixing elementwise map [sin(k x_(k mod n))] and a dense layer tanh(W x). Forward
mode needs n passes (or one pass of n directions) whatever m is; reverse mode needs one
recording and m sweeps. Recorded per cell: passes, time, ops and the error between modes.
"""
import numpy as np

from .. import bench, counting, forward, problems, reverse

NAME = "output_scaling"
METHODS = {"forward_chunk1": lambda f: forward.jacfwd(f, chunk=1),
           "forward_chunked": lambda f: forward.jacfwd(f),
           "reverse": lambda f: reverse.jacrev(f)}
MAPS = ["tall_map", "dense_tanh"]


def make_map(name, n, m, seed=0):
    if name == "tall_map":
        return lambda x: problems.tall_map(x, m)
    W = np.random.default_rng(seed).standard_normal((m, n)) / np.sqrt(n)
    return lambda x: problems.dense_tanh(x, W)


def params(quick):
    return {"maps": MAPS, "methods": list(METHODS), "n": 8,
            "m": bench.log_grid(1, 1000 if quick else 10_000, per_decade=2),
            "repeats": 3 if quick else 5, "budget_s": 1.0 if quick else 5.0}


def cells(p):
    return [{"map": f, "m": m, "method": meth} for f in p["maps"] for m in p["m"]
            for meth in p["methods"]]


def cell_runner(p):
    n = p["n"]
    x = np.linspace(-1.0, 1.0, n)

    def run_cell(cell):
        f = make_map(cell["map"], n, cell["m"])
        jac = METHODS[cell["method"]](f)
        with counting.count() as c:
            J = jac(x)
        ref = forward.jacfwd(f)(x) if cell["method"] == "reverse" else reverse.jacrev(f)(x)
        t = bench.time_call(lambda: jac(x), repeats=p["repeats"], budget=p["budget_s"])
        t_f = bench.time_call(lambda: f(x), repeats=p["repeats"], budget=p["budget_s"] / 10)
        return {"n": n, "forward_passes": c.forward_passes, "recordings": c.recordings,
                "reverse_passes": c.reverse_passes, "ops": c.total(), "time": t["median"],
                "time_q25": t["q25"], "time_q75": t["q75"], "time_f": t_f["median"],
                "ratio": t["median"] / t_f["median"],
                "max_error": float(np.max(np.abs(J - ref)))}

    return run_cell


def summary(rows):
    return bench.table(rows, ["map", "n", "m", "method", "forward_passes", "reverse_passes",
                              "ops", "time", "ratio", "max_error"],
                       {"time": ".3g", "ratio": ".3g", "max_error": ".2g"})
