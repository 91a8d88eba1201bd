"""Which mode computes a full Jacobian faster, over a grid of input sizes n and outputs m.

f(x) = tanh(W x) with W of shape m x n. Forward mode makes n passes (one direction each),
reverse mode one recording and m sweeps; adkit.recommend_mode predicts the winner from
those pass counts (forward when n <= m). Each cell records both times, the winner, by how
much, the prediction and whether they agree; chunked forward mode (k directions per pass)
is timed too.
"""
from collections.abc import Callable

import numpy as np

from adkit import forward, reverse, transforms

from .. import harness, workloads

NAME = "crossover"


def params(quick: bool) -> dict:
    """The grid: the same sizes for n and m, and the timing's repeats and budget.

    >>> params(quick=True)["n"]
    [1, 3, 10, 30, 100, 300]
    """
    sizes = [1, 3, 10, 30, 100, 300] if quick else harness.log_grid(1, 1000, per_decade=2)
    return {"n": sizes, "m": sizes, "repeats": 3 if quick else 5,
            "budget_s": 0.5 if quick else 3.0}


def cells(p: dict) -> list[dict]:
    """One cell per (n, m).

    >>> cells({"n": [1, 2], "m": [3]})
    [{'n': 1, 'm': 3}, {'n': 2, 'm': 3}]
    """
    return [{"n": n, "m": m} for n in p["n"] for m in p["m"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): both modes' Jacobian times, the winner and the prediction.

    >>> row = cell_runner({"repeats": 1, "budget_s": 0.1})({"n": 2, "m": 3})
    >>> row["forward_passes"], row["reverse_passes"], row["predicted"]
    (2, 3, 'forward')
    """
    def run_cell(cell):
        n, m = cell["n"], cell["m"]
        W = np.random.default_rng(n * 7919 + m).standard_normal((m, n)) / np.sqrt(n)
        f = lambda x: workloads.dense_tanh(x, W)  # noqa: E731
        x = np.linspace(-1.0, 1.0, n)
        fwd, fwd_k, rev = forward.jacfwd(f, chunk=1), forward.jacfwd(f), reverse.jacrev(f)
        err = float(np.max(np.abs(fwd(x) - rev(x))))
        times = {name: harness.time_call(lambda j=j: j(x), repeats=p["repeats"],
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


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"n": 2, "m": 3, "winner": "forward", "speedup": 1.5}]))
    n  m  time_forward  time_forward_chunked  time_reverse   winner  speedup  predicted  agrees
    2  3             -                     -             -  forward      1.5          -       -
    """
    return harness.table(rows, ["n", "m", "time_forward", "time_forward_chunked",
                                "time_reverse", "winner", "speedup", "predicted", "agrees"],
                         {"time_forward": ".3g", "time_forward_chunked": ".3g",
                          "time_reverse": ".3g", "speedup": ".3g"})
