"""Memory: what the reverse-mode tape holds, against forward mode's.

A chain of L steps x = sin(x) * 0.999 + 0.001 (3 recorded ops a step) on arrays of n floats.
Sweep "ops": n fixed, L growing; sweep "n": L fixed, n growing. Recorded: records on the
tape, bytes the tape keeps alive (arrays and records), peak bytes allocated while
computing the gradient by reverse mode and one directional derivative by forward mode
(which keeps nothing once each op is done, so its memory does not grow with L).

Columns of tape_memory.csv (one row per cell; bytes):

    sweep, steps, n          which sweep ("ops" or "n"), L and the array size
    records                  records on the tape
    tape_bytes, tape_array_bytes, tape_overhead_bytes    what the tape keeps alive: all,
                             its arrays, its records; bytes_per_record = tape / records
    peak_reverse, peak_forward    tracemalloc's peak: reverse-mode gradient, one JVP
    sweep_peak_bytes         adkit.memory's model of the reverse peak: the residuals plus
                             the most adjoints alive at once during the sweep
    tensor_records, tensor_array_bytes    the same chain built with adkit.Tensor: its
                             records and the bytes they keep (adkit.memory on the output)
    replay_tape_bytes        what a replayed tape (adkit.record) keeps for one sweep
    array_bytes              the bytes of one array of n floats
"""
from collections.abc import Callable

import numpy as np

import adkit
from adkit import forward, reverse
from adkit.memory import memory

from .. import harness, workloads

NAME = "tape_memory"


def params(quick: bool) -> dict:
    """The grid: an "ops" sweep (L steps growing) and an "n" sweep (array size growing).

    >>> params(quick=True)["ops_sweep"]
    {'n': 1000, 'steps': [3, 10, 31, 98, 313, 1000]}
    """
    return {"ops_sweep": {"n": 1000, "steps": harness.log_grid(3, 1000 if quick else 10_000)},
            "n_sweep": {"steps": 100,
                        "n": harness.log_grid(10, 10_000 if quick else 1_000_000)}}


def cells(p: dict) -> list[dict]:
    """One cell per point of each sweep.

    >>> cells({"ops_sweep": {"n": 10, "steps": [3]}, "n_sweep": {"steps": 5, "n": [20]}})
    [{'sweep': 'ops', 'steps': 3, 'n': 10}, {'sweep': 'n', 'steps': 5, 'n': 20}]
    """
    out = [{"sweep": "ops", "steps": s, "n": p["ops_sweep"]["n"]}
           for s in p["ops_sweep"]["steps"]]
    return out + [{"sweep": "n", "steps": p["n_sweep"]["steps"], "n": n}
                  for n in p["n_sweep"]["n"]]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell): the tape's size and both modes' peak memory on the sin chain.

    >>> row = cell_runner(params(quick=True))({"sweep": "ops", "steps": 3, "n": 10})
    >>> row["records"], row["tape_bytes"] > 0
    (10, True)
    """
    def run_cell(cell):
        steps, n = cell["steps"], cell["n"]
        x = np.linspace(0.1, 1.0, n)
        f = lambda x: workloads.sin_chain(x, steps)  # noqa: E731
        tape = memory(reverse.record(f, x))
        peak_rev = harness.peak_bytes(lambda: reverse.grad(f)(x))
        peak_fwd = harness.peak_bytes(lambda: forward.jvp(f, (x,), (np.ones(n),)))
        tensor = memory(f(adkit.Tensor(x, requires_grad=True)))
        return {"records": tape["records"], "tape_bytes": tape["total_bytes"],
                "tape_array_bytes": tape["array_bytes"],
                "tape_overhead_bytes": tape["overhead_bytes"],
                "bytes_per_record": tape["total_bytes"] / tape["records"],
                "peak_reverse": peak_rev, "peak_forward": peak_fwd,
                "sweep_peak_bytes": tape["peak_sweep_bytes"],
                "tensor_records": tensor["records"],
                "tensor_array_bytes": tensor["array_bytes"],
                "replay_tape_bytes": adkit.record(f, x).nbytes,
                "array_bytes": x.nbytes}

    return run_cell


def summary(rows: list[dict]) -> str:
    """The rows as a console table.

    >>> print(summary([{"sweep": "ops", "steps": 3, "n": 10, "records": 10}]))
    sweep  steps   n  records  tape_bytes  bytes_per_record  peak_reverse  peak_forward
      ops      3  10       10           -                 -             -             -
    """
    return harness.table(rows, ["sweep", "steps", "n", "records", "tape_bytes",
                                "bytes_per_record", "peak_reverse", "peak_forward"],
                         {"bytes_per_record": ".4g"})
