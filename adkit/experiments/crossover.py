"""Which mode computes a full Jacobian faster, over a grid of input sizes n and outputs m.

f(x) = tanh(W x) with W of shape m x n. Forward mode makes n passes (one direction each),
reverse mode one recording and m sweeps; adkit.recommend_mode predicts the winner from
those pass counts (forward when n <= m). Each cell records both times, the winner, by how
much, the prediction and whether they agree; chunked forward mode (k directions per pass)
is timed too.
"""
import numpy as np

from .. import bench, forward, problems, reverse, transforms

NAME = "crossover"


def params(quick):
    sizes = [1, 3, 10, 30, 100, 300] if quick else bench.log_grid(1, 1000, per_decade=2)
    return {"n": sizes, "m": sizes, "repeats": 3 if quick else 5,
            "budget_s": 0.5 if quick else 3.0}


def cells(p):
    return [{"n": n, "m": m} for n in p["n"] for m in p["m"]]


def cell_runner(p):
    def run_cell(cell):
        n, m = cell["n"], cell["m"]
        W = np.random.default_rng(n * 7919 + m).standard_normal((m, n)) / np.sqrt(n)
        f = lambda x: problems.dense_tanh(x, W)  # noqa: E731
        x = np.linspace(-1.0, 1.0, n)
        fwd, fwd_k, rev = forward.jacfwd(f, chunk=1), forward.jacfwd(f), reverse.jacrev(f)
        err = float(np.max(np.abs(fwd(x) - rev(x))))
        times = {name: bench.time_call(lambda j=j: j(x), repeats=p["repeats"],
                                       budget=p["budget_s"])["median"]
                 for name, j in (("forward", fwd), ("forward_chunked", fwd_k),
                                 ("reverse", rev))}
        winner = "forward" if times["forward"] <= times["reverse"] else "reverse"
        predicted, reason = transforms.recommend_mode(f, x, chunk=1)
        return {"time_forward": times["forward"], "time_forward_chunked":
                times["forward_chunked"], "time_reverse": times["reverse"],
                "forward_passes": n, "reverse_passes": m, "winner": winner,
                "speedup": max(times["forward"], times["reverse"]) / min(
                    times["forward"], times["reverse"]),
                "predicted": predicted, "agrees": predicted == winner,
                "winner_with_chunks": "forward_chunked" if times["forward_chunked"] <=
                times["reverse"] else "reverse", "max_error": err, "reason": reason}

    return run_cell


def summary(rows):
    return bench.table(rows, ["n", "m", "time_forward", "time_forward_chunked",
                              "time_reverse", "winner", "speedup", "predicted", "agrees"],
                       {"time_forward": ".3g", "time_forward_chunked": ".3g",
                        "time_reverse": ".3g", "speedup": ".3g"})
