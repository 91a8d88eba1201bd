"""Memory: what the reverse-mode tape holds, against forward mode's.

A chain of L steps x = sin(x) * 0.999 + 0.001 (3 recorded ops a step) on arrays of n floats.
Sweep "ops": n fixed, L growing; sweep "n": L fixed, n growing. Recorded: records on the
tape, bytes the tape keeps alive (arrays and records), peak bytes allocated while
computing the gradient by reverse mode and one directional derivative by forward mode
(which keeps nothing once each op is done, so its memory does not grow with L).
"""
import numpy as np

from .. import bench, forward, reverse
from .. import numpy as anp

NAME = "tape_memory"


def chain(x, steps):
    for _ in range(steps):
        x = anp.sin(x) * 0.999 + 0.001
    return anp.sum(x)


def params(quick):
    return {"ops_sweep": {"n": 1000, "steps": bench.log_grid(3, 1000 if quick else 10_000, 2)},
            "n_sweep": {"steps": 100, "n": bench.log_grid(10, 10_000 if quick else 1_000_000,
                                                          2)}}


def cells(p):
    out = [{"sweep": "ops", "steps": s, "n": p["ops_sweep"]["n"]}
           for s in p["ops_sweep"]["steps"]]
    return out + [{"sweep": "n", "steps": p["n_sweep"]["steps"], "n": n}
                  for n in p["n_sweep"]["n"]]


def cell_runner(p):
    def run_cell(cell):
        steps, n = cell["steps"], cell["n"]
        x = np.linspace(0.1, 1.0, n)
        f = lambda x: chain(x, steps)  # noqa: E731
        tape = reverse.record(f, x).nbytes()
        peak_rev = bench.peak_bytes(lambda: reverse.grad(f)(x))
        peak_fwd = bench.peak_bytes(lambda: forward.jvp(f, (x,), (np.ones(n),)))
        return {"records": tape["records"], "tape_bytes": tape["total_bytes"],
                "tape_array_bytes": tape["array_bytes"],
                "tape_overhead_bytes": tape["overhead_bytes"],
                "bytes_per_record": tape["total_bytes"] / tape["records"],
                "peak_reverse": peak_rev, "peak_forward": peak_fwd,
                "array_bytes": x.nbytes}

    return run_cell


def summary(rows):
    return bench.table(rows, ["sweep", "steps", "n", "records", "tape_bytes",
                              "bytes_per_record", "peak_reverse", "peak_forward"],
                       {"bytes_per_record": ".4g"})
