"""The cheap-gradient principle: what a gradient costs relative to the function.

For each loss and size: time(grad f)/time(f) and the operation counts ops(grad f)/ops(f)
(primitive applications and a flop estimate, counting the rules' own arithmetic) for
reverse mode (the whole gradient) and for one forward-mode tangent (one directional
derivative), against the theoretical bounds: reverse <= 4, tangent <= 2.5 in op counts.
"""
import numpy as np

from .. import bench, forward, reverse
from .loss_scaling import PROBLEMS, make_problem, problem_size

NAME = "cheap_gradient"
BOUNDS = {"reverse": 4.0, "tangent": 2.5}


def params(quick):
    return {"problems": PROBLEMS, "n": [10, 100, 1000] if quick else [10, 100, 1000, 10_000,
                                                                       100_000],
            "modes": list(BOUNDS), "repeats": 5 if quick else 9,
            "budget_s": 1.0 if quick else 5.0}


def cells(p):
    sizes = dict.fromkeys((prob, problem_size(prob, n)) for prob in p["problems"]
                          for n in p["n"])
    return [{"problem": prob, "n": n, "mode": mode} for (prob, n) in sizes
            for mode in p["modes"]]


def cell_runner(p):
    def run_cell(cell):
        f, x, _ = make_problem(cell["problem"], cell["n"])
        if cell["mode"] == "reverse":
            g = reverse.grad(f)
        else:
            v = np.random.default_rng(1).standard_normal(x.shape)
            g = lambda x: forward.jvp(f, (x,), (v,))[1]  # noqa: E731
        t_f = bench.time_call(lambda: f(x), repeats=p["repeats"], budget=p["budget_s"])
        t_g = bench.time_call(lambda: g(x), repeats=p["repeats"], budget=p["budget_s"])
        w_f, w_g = bench.work(f, x), bench.work(g, x)
        ratio = w_g["flops"] / w_f["flops"]
        bound = BOUNDS[cell["mode"]]
        return {"time_f": t_f["median"], "time": t_g["median"],
                "time_ratio": t_g["median"] / t_f["median"],
                "ops_f": w_f["ops"], "ops": w_g["ops"], "ops_ratio": w_g["ops"] / w_f["ops"],
                "flops_f": w_f["flops"], "flops": w_g["flops"], "work_ratio": ratio,
                "bound": bound, "within_bound": ratio <= bound}

    return run_cell


def summary(rows):
    return bench.table(rows, ["problem", "n", "mode", "time_ratio", "ops_ratio", "work_ratio",
                              "bound", "within_bound"],
                       {"time_ratio": ".3g", "ops_ratio": ".3g", "work_ratio": ".3g"})
