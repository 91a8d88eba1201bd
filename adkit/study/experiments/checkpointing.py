"""Checkpointing: the memory of reverse mode traded for recomputed forward steps.

One chain, x_{k+1} = x_k + h tanh(w * x_k) for l steps on n floats (an explicit Euler
ODE, 4 recorded ops a step), loss 0.5 |x_l|^2, its gradient with respect to x_0 and w by
three strategies: store-all (plain adkit.grad: every intermediate on the tape),
every-sqrt(l) (adkit.checkpoint on blocks of about sqrt(l) steps: each step evaluated
twice) and revolve with s = 1..8 snapshots (adkit.checkpointing.chain_value_and_grad: the
binomial schedule's t(l, s) extra steps). Measured beside the theoretical counts: step
evaluations, the tracemalloc peak, the bytes the sweep holds (tapes by
Recording.nbytes(), plus snapshots) and the time.

Columns of checkpointing.csv (one row per strategy and snapshots; states are n floats):

    strategy, steps, n, snapshots, blocks    store_all, sqrt (blocks) or revolve (s)
    step_evals, extra_steps, theory_extra_steps    calls of the step function, those
                             beyond l, and the theory's count (t(l, s) for revolve)
    tanh_evals, recordings   adkit.count()'s tanh evaluations and recordings
    theory_states, theory_held_arrays    states stored and arrays held, in theory
    state_bytes              the bytes of one state
    peak_bytes, peak_states  tracemalloc's peak while computing the gradient
    held_bytes, held_states  what the sweep holds: tapes (nbytes) + snapshots
    time, repeats            the gradient's median time [s]
    loss, max_error          the loss, and the largest difference from store-all's gradient
"""
import math
from collections.abc import Callable

import numpy as np

import adkit
import adkit.numpy as anp
from adkit import reverse
from adkit.checkpointing import chain_value_and_grad, optimal_forward_steps, revolve

from .. import harness

NAME = "checkpointing"
H = 0.1
RECORDED = 4  # arrays of n floats a recorded step keeps: w * x, tanh, h * tanh, the sum


def params(quick: bool) -> dict:
    """The grid: one chain, store-all, every-sqrt(l) and revolve with 1..8 snapshots.

    >>> params(quick=True)["steps"], params(quick=True)["snapshots"]
    (100, [1, 2, 3, 4, 5, 6, 7, 8])
    """
    return {"steps": 100 if quick else 1000, "n": 10_000, "snapshots": list(range(1, 9)),
            "repeats": 5 if quick else 7, "budget_s": 0.3 if quick else 10.0}


def cells(p: dict) -> list[dict]:
    """Store-all, every-sqrt(l), then revolve at each number of snapshots.

    >>> cells({"steps": 9, "n": 2, "snapshots": [2]})  # doctest: +NORMALIZE_WHITESPACE
    [{'strategy': 'store_all', 'steps': 9, 'n': 2, 'snapshots': None},
     {'strategy': 'sqrt', 'steps': 9, 'n': 2, 'snapshots': None},
     {'strategy': 'revolve', 'steps': 9, 'n': 2, 'snapshots': 2}]
    """
    base = {"steps": p["steps"], "n": p["n"]}
    return ([{"strategy": s, **base, "snapshots": None} for s in ("store_all", "sqrt")]
            + [{"strategy": "revolve", **base, "snapshots": s} for s in p["snapshots"]])


def step(x, w):
    return x + H * anp.tanh(w * x)


def loss(x):
    return 0.5 * anp.sum(x * x)


def advance(x, w, count, step_fn=step):
    """count steps from x."""
    for _ in range(count):
        x = step_fn(x, w)
    return x


def block_sizes(steps: int) -> list[int]:
    """Blocks of round(sqrt(l)) steps (the last one shorter if need be).

    >>> block_sizes(10)
    [3, 3, 3, 1]
    """
    k = max(1, round(math.sqrt(steps)))
    return [k] * (steps // k) + ([steps % k] if steps % k else [])


def objective(cell: dict, step_fn: Callable = step) -> Callable:
    """loss(x_l) as a function of (x0, w), for store-all and every-sqrt(l) to
    differentiate; the latter runs the chain as checkpointed blocks."""
    steps = cell["steps"]
    if cell["strategy"] == "store_all":
        return lambda x0, w: loss(advance(x0, w, steps, step_fn))
    block = adkit.checkpoint(advance)  # count and step_fn are passed as they are

    def blocked(x0, w):
        x = x0
        for count in block_sizes(steps):
            x = block(x, w, count, step_fn)
        return loss(x)
    return blocked


def gradient(cell: dict, step_fn: Callable = step) -> Callable:
    """run(x0, w) -> (loss, (d/dx0, d/dw)) by the cell's strategy."""
    if cell["strategy"] == "revolve":
        return lambda x0, w: chain_value_and_grad(step_fn, x0, cell["steps"],
                                                  cell["snapshots"], loss, w)
    return adkit.value_and_grad(objective(cell, step_fn), argnums=(0, 1))


def theory(cell: dict) -> dict:
    """The theoretical counts: extra step evaluations (beyond the l recorded ones); the
    states stored for the sweep (x_0..x_{l-1}; the blocks' inputs and one block's
    states; the snapshots); and the state-sized arrays the sweep holds at its busiest
    (each recorded step keeps RECORDED arrays, the loss one more).

    >>> theory({"strategy": "sqrt", "steps": 10, "snapshots": None})
    {'extra_steps': 10, 'stored_states': 7, 'held_arrays': 17}
    """
    steps, s = cell["steps"], cell["snapshots"]
    if cell["strategy"] == "revolve":
        return {"extra_steps": optimal_forward_steps(steps, s), "stored_states": s,
                "held_arrays": s + RECORDED + 1}
    if cell["strategy"] == "store_all":
        return {"extra_steps": 0, "stored_states": steps, "held_arrays": RECORDED * steps + 1}
    sizes = block_sizes(steps)
    return {"extra_steps": steps, "stored_states": len(sizes) + sizes[0],
            "held_arrays": len(sizes) + RECORDED * sizes[0] + 1}


def held_bytes(cell: dict, x0: np.ndarray, w: np.ndarray) -> int:
    """Bytes the reverse sweep holds at its busiest: the tapes (Recording.nbytes()) and,
    for revolve, the snapshots its schedule keeps at once."""
    def tape(f):
        return reverse.record(f, x0, w).nbytes()["total_bytes"]
    if cell["strategy"] == "revolve":
        snapshots = revolve(cell["steps"], cell["snapshots"]).slots_used * x0.nbytes
        return snapshots + tape(lambda x, w: loss(step(x, w)))  # + one recorded step
    held = tape(objective(cell))
    if cell["strategy"] == "sqrt":  # + one block, recorded again in the sweep
        held += tape(lambda x, w: advance(x, w, block_sizes(cell["steps"])[0]))
    return held


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): step evaluations, memory and time of one strategy's gradient.

    >>> row = cell_runner({"repeats": 1, "budget_s": 0.1})(
    ...     {"strategy": "revolve", "steps": 10, "n": 100, "snapshots": 3})
    >>> row["extra_steps"], row["theory_extra_steps"], row["max_error"] < 1e-12
    (15, 15, True)
    """
    def run_cell(cell):
        n, steps = cell["n"], cell["steps"]
        x0 = np.linspace(-1.0, 1.0, n)
        w = np.linspace(0.5, 1.5, n)
        calls = []

        def counted_step(x, w):
            calls.append(1)
            return step(x, w)

        with adkit.count() as c:
            value, (g_x, g_w) = gradient(cell, counted_step)(x0, w)
        _, (want_x, want_w) = gradient({**cell, "strategy": "store_all"})(x0, w)
        fast = gradient(cell)
        expected = theory(cell)
        peak = harness.peak_bytes(lambda: fast(x0, w))
        held = held_bytes(cell, x0, w)
        timing = harness.time_call(lambda: fast(x0, w), repeats=p["repeats"],
                                   budget=p["budget_s"])
        error = max(np.max(np.abs(g_x - want_x)) / np.max(np.abs(want_x)),
                    np.max(np.abs(g_w - want_w)) / np.max(np.abs(want_w)))
        return {"step_evals": len(calls), "extra_steps": len(calls) - steps,
                "theory_extra_steps": expected["extra_steps"],
                "tanh_evals": c.ops["eval"]["tanh"], "recordings": c.recordings,
                "theory_states": expected["stored_states"],
                "theory_held_arrays": expected["held_arrays"], "state_bytes": x0.nbytes,
                "peak_bytes": peak, "peak_states": peak / x0.nbytes,
                "held_bytes": held, "held_states": held / x0.nbytes,
                "time": timing["median"], "repeats": timing["repeats"],
                "loss": float(value), "max_error": float(error),
                "blocks": len(block_sizes(steps)) if cell["strategy"] == "sqrt" else None}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"strategy": "revolve", "snapshots": 2, "extra_steps": 4}]))
    strategy  snapshots  extra_steps  theory_extra_steps  held_states  peak_states  time
     revolve          2            4                   -            -            -     -
    """
    return harness.table(rows, ["strategy", "snapshots", "extra_steps", "theory_extra_steps",
                                "held_states", "peak_states", "time"],
                         {"held_states": ".3g", "peak_states": ".3g", "time": ".3g"})
