"""Which mode computes a full Jacobian faster, over a grid of input sizes n and outputs m.

f(x) = tanh(W x) with W of shape m x n. Forward mode makes n passes of one direction
(jacfwd(f, chunk=1)) or ceil(n / k) passes of k directions (the default jacfwd, k at most
64), reverse mode one recording and m sweeps (jacrev). The three are timed round by round
in CPU time (time.process_time: other programs on the machine do not inflate it), and in
each cell adkit.recommend_mode predicts the winner from its measured cost model, for one
direction per pass and for the default chunks; the pass-count rule (forward when
n <= m) is recorded beside it.

Columns of crossover.csv (one row per cell; times in CPU seconds, medians over rounds):

    n, m                     inputs and outputs
    time_forward             jacfwd(f, chunk=1): n passes of 1 direction
    time_forward_chunked     jacfwd(f): forward_chunked_passes passes of `chunk` directions
    time_reverse             jacrev(f): 1 recording + m sweeps
    forward_passes, forward_chunked_passes, chunk, recordings, reverse_passes
                             counted by adkit.count() in one run of each
    winner, speedup          the faster of forward (1 direction) and reverse, and by how much
    winner_chunked, speedup_chunked      the same for chunked forward against reverse
    predicted, agrees        recommend_mode(f, x, chunk=1) and whether it picked `winner`
    predicted_chunked, agrees_chunked    recommend_mode(f, x) and `winner_chunked`
    estimate_forward, estimate_forward_chunked, estimate_reverse
                             the cost model's estimates [s] (adkit.transforms.jacobian_costs)
    predicted_by_passes, agrees_by_passes    the pass-count rule n <= m against `winner`
    max_error                largest difference of the forward Jacobians from jacrev's
    reason                   recommend_mode's reason (chunk=1)
"""
import time
from collections.abc import Callable

import numpy as np

from adkit import counting, forward, reverse, transforms

from .. import harness, workloads

NAME = "crossover"


def params(quick: bool) -> dict:
    """The grid: the same sizes for n and m, and the timing's rounds and budget.

    >>> params(quick=True)["n"]
    [1, 3, 10, 30, 100, 300]
    """
    sizes = [1, 3, 10, 30, 100, 300] if quick else harness.log_grid(1, 1000, per_decade=2)
    return {"n": sizes, "m": sizes, "repeats": 5 if quick else 9,
            "budget_s": 0.5 if quick else 3.0}


def cells(p: dict) -> list[dict]:
    """One cell per (n, m).

    >>> cells({"n": [1, 2], "m": [3]})
    [{'n': 1, 'm': 3}, {'n': 2, 'm': 3}]
    """
    return [{"n": n, "m": m} for n in p["n"] for m in p["m"]]


def _faster(t_forward, t_reverse):
    """(winner, speedup) of two times.

    >>> _faster(1.0, 3.0)
    ('forward', 3.0)
    """
    if t_forward <= t_reverse:
        return "forward", t_reverse / t_forward
    return "reverse", t_forward / t_reverse


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): the three Jacobians' times and passes, the winners and the
    predictions.

    >>> row = cell_runner({"repeats": 1, "budget_s": 0.1})({"n": 2, "m": 3})
    >>> row["forward_passes"], row["reverse_passes"], row["predicted_by_passes"]
    (2, 3, 'forward')
    """
    def run_cell(cell):
        n, m = cell["n"], cell["m"]
        W = np.random.default_rng(n * 7919 + m).standard_normal((m, n)) / np.sqrt(n)
        f = lambda x: workloads.dense_tanh(x, W)  # noqa: E731
        x = np.linspace(-1.0, 1.0, n)
        jacs = {"forward": forward.jacfwd(f, chunk=1), "forward_chunked": forward.jacfwd(f),
                "reverse": reverse.jacrev(f)}
        values, counts = {}, {}  # each mode's Jacobian and its passes, counted
        for name, j in jacs.items():
            with counting.count() as counts[name]:
                values[name] = j(x)
        err = float(max(np.max(np.abs(values[name] - values["reverse"]))
                        for name in ("forward", "forward_chunked")))
        rounds = harness.time_rounds({name: (lambda j=j: j(x)) for name, j in jacs.items()},
                                     rounds=p["repeats"], budget=p["budget_s"],
                                     clock=time.process_time)
        times = {name: float(np.median(ts)) for name, ts in rounds.items()}
        winner, speedup = _faster(times["forward"], times["reverse"])
        winner_k, speedup_k = _faster(times["forward_chunked"], times["reverse"])
        one = transforms.jacobian_costs(f, x, chunk=1)  # what recommend_mode measures
        chunked = transforms.jacobian_costs(f, x)
        predicted, reason = transforms.choose_mode(one)
        predicted_k = transforms.choose_mode(chunked)[0]
        by_passes = "forward" if n <= m else "reverse"
        return {"time_forward": times["forward"],
                "time_forward_chunked": times["forward_chunked"],
                "time_reverse": times["reverse"],
                "forward_passes": counts["forward"].forward_passes,
                "forward_chunked_passes": counts["forward_chunked"].forward_passes,
                "chunk": chunked["chunk"], "recordings": counts["reverse"].recordings,
                "reverse_passes": counts["reverse"].reverse_passes,
                "winner": winner, "speedup": speedup,
                "winner_chunked": winner_k, "speedup_chunked": speedup_k,
                "predicted": predicted, "agrees": predicted == winner,
                "predicted_chunked": predicted_k, "agrees_chunked": predicted_k == winner_k,
                "estimate_forward": one["forward"],
                "estimate_forward_chunked": chunked["forward"],
                "estimate_reverse": one["reverse"],
                "predicted_by_passes": by_passes, "agrees_by_passes": by_passes == winner,
                "max_error": err, "reason": reason}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"n": 2, "m": 3, "winner": "forward", "speedup": 1.5}]))
    n  m  time_forward  time_forward_chunked  time_reverse   winner  speedup  predicted ...
    2  3             -                     -             -  forward      1.5          - ...
    """
    return harness.table(rows, ["n", "m", "time_forward", "time_forward_chunked",
                                "time_reverse", "winner", "speedup", "predicted", "agrees",
                                "winner_chunked", "predicted_chunked", "agrees_chunked"],
                         {"time_forward": ".3g", "time_forward_chunked": ".3g",
                          "time_reverse": ".3g", "speedup": ".3g"})
