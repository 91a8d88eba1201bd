"""adkit and its peers on the same workloads, timed round by round in one process.

Workloads (adkit.study.peers): a 1000-op chain on float64[8] (per-op overhead), logistic
regression (X 256 x n), an MLP 32-h-h-10, micrograd's scalar MLP on 100 points, and the
deepest chain of scalar ops each backward handles. Libraries: adkit (adkit.grad and the
Tensor API), numpy by hand, HIPS autograd, micrograd, PyTorch, JAX eager and JAX jit;
an absent one gets a note. Every loss and gradient is checked against the numpy
reference. Each round times every library once, and every ratio is the median of the
per-round ratios: on a machine whose speed drifts, only ratios within a round compare.
Every library runs on one thread (OMP/OPENBLAS/MKL_NUM_THREADS=1 and XLA_FLAGS, unless
already set): on 2 shared cores a second thread that spin-waits for a busy core makes
small ops 100x slower (PyTorch's MLP h=16 went from 0.5 ms to 120 ms). Writes
peers.json, peers.csv and peers.md (a table of the ratios).

    python experiments/peers.py [--quick] [--out DIR]

Columns of peers.csv (one row per workload, size and library; times in seconds):

    workload, size, library  what was differentiated, its size, by which library
    ops                      scalar ops in a chain workload
    time_loss, time_grad, time_first, rounds    medians over rounds; the first call
    ratio                    time_grad / time_loss of the same library (median of rounds)
    ratio_vs_numpy, ratio_vs_autograd, ratio_vs_micrograd    against those libraries
    per_op, growth           time_grad / ops; time against the 10x shorter chain
    bytes_per_op             tracemalloc's bytes per recorded op (deep chains)
    max_error, error, note   against the numpy reference; why a row has no times

>>> rows = measure_group("chain", 10, dict(params(quick=True), libraries=["adkit", "numpy"],
...                                        rounds=1, min_time_s=0.0))
>>> rows["adkit"]["max_error"] < 1e-12, rows["adkit"]["ratio_vs_numpy"] > 0
(True, True)
"""
import os
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import harness, peers
from ..store import DEFAULT_RESULTS, ResultStore, write_atomic

THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}


def single_thread() -> None:
    """Ask every library for one thread (unless the user chose): numpy reads this only
    if it is not imported yet; torch and jax, imported later, always do."""
    for var, value in THREAD_ENV.items():
        os.environ.setdefault(var, value)


NAME = "peers"
COLUMNS = ["ops", "time_loss", "time_grad", "time_first", "rounds", "ratio", "ratio_vs_numpy",
           "ratio_vs_autograd", "ratio_vs_micrograd", "per_op", "growth", "bytes_per_op",
           "max_error", "error", "note"]
_VERSUS = [("numpy", "loss", "ratio_vs_numpy"), ("autograd", "grad", "ratio_vs_autograd"),
           ("micrograd", "grad", "ratio_vs_micrograd")]


def params(quick: bool) -> dict:
    """The grid: the workloads' sizes, every library, the rounds and the time budgets."""
    return {"workloads": {"chain": [1000], "logistic": [10] if quick else [10, 100_000],
                          "mlp": [16] if quick else [16, 1024], "scalar_mlp": [100],
                          "deep_chain": [10 ** k for k in range(2, 6 if quick else 7)]},
            "libraries": list(peers.LIBRARIES), "rounds": 5 if quick else 15,
            "budget_s": 3.0 if quick else 20.0, "call_budget_s": 3.0 if quick else 20.0,
            "min_time_s": 0.003 if quick else 0.01,
            "memory_max_depth": 10 ** 4 if quick else 10 ** 5,
            "versions": {lib: peers.version(lib) for lib in peers.LIBRARIES}}


def _validate(p):
    for lib in p["libraries"]:
        peers.available(lib)  # raises on an unknown name
    for name, sizes in p["workloads"].items():
        peers.workload(name)
        for s in sizes:
            if not isinstance(s, int) or s < 1:
                raise ValueError(f"{name}: sizes must be positive integers, got {s!r}")
            if name == "chain":
                peers.chain_steps(s)


def cells(p: dict) -> list[dict]:
    """One cell per (workload, size, library that has the workload)."""
    return [{"workload": name, "size": size, "library": lib}
            for name, sizes in p["workloads"].items() for size in sizes
            for lib in p["libraries"] if lib in peers.workload(name).libraries]


def cell_runner(p: dict) -> Callable[[dict], dict]:
    """run_cell(cell) -> row; the first cell of a (workload, size) measures all of its
    libraries together, round by round, and the others take their rows from that run."""
    group, gave_up = {}, {}

    def run_cell(cell):
        key = (cell["workload"], cell["size"])
        if key not in group:
            group.clear()
            group[key] = measure_group(*key, p, gave_up)
        return group[key][cell["library"]]

    return run_cell


def measure_group(name: str, size: int, p: dict,
                  gave_up: dict | None = None) -> dict[str, dict]:
    """{library: row} for one workload and size: each library checked, then all timed
    together round by round. gave_up ({(workload, library): row}) carries the failures
    and skips of smaller sizes: a deeper chain is then not tried."""
    gave_up = {} if gave_up is None else gave_up
    w = peers.workload(name)
    ref = peers.reference(name, size)
    rows, fns, known = {}, {}, {}
    for lib in [lib for lib in p["libraries"] if lib in w.libraries]:
        rows[lib] = row = dict.fromkeys(COLUMNS)
        row["ops"] = size if name in ("chain", "deep_chain") else None
        if (name, lib) in gave_up:
            old = gave_up[name, lib]
            row["error"] = old["error"]
            row["note"] = (f"not run: {old['error'] or 'skipped for time'} at "
                           f"{w.size_name} {old['size']}")
            continue
        for kind, (fn, seconds) in _prepare(name, size, lib, ref, p, row).items():
            fns[lib, kind] = fn
            if lib not in ("jax", "jax_jit"):  # their first calls compile
                known[lib, kind] = seconds
        if row["error"] or (row["note"] or "").startswith("skipped"):
            gave_up[name, lib] = dict(row, size=size)
    times = harness.time_rounds(fns, p["rounds"], p["budget_s"], p["min_time_s"],
                              collect=w.scalar, known=known)
    for lib, row in rows.items():
        if (lib, "grad") in times:
            row.update(_ratios(lib, times, row["ops"]))
    return rows


def _prepare(name, size, lib, ref, p, row):
    """Check one library (filling row's note, error, max_error, time_first, bytes_per_op);
    return what to time: {"loss", "grad"} (+ "grad_small" for deep_chain), each a pair
    (callable, seconds its last call took)."""
    if not peers.available(lib):
        row["note"] = peers.missing_note(lib)
        return {}
    fns = {}
    if name == "deep_chain" and size >= 10:  # try a 10x shorter chain first
        small = peers.make_case(name, lib, size // 10)
        t, out, err = harness.first_call(small.grad)
        if err is not None:
            row.update(error=type(err).__name__,
                       note=f"not run: {type(err).__name__} already at depth {size // 10}")
            return {}
        if 10 * t > p["call_budget_s"]:
            row["note"] = (f"skipped: about {10 * t:.0f} s a call predicted "
                           f"(budget {p['call_budget_s']:g} s)")
            return {}
        peers.check(name, size // 10, small.loss(), out)
        fns["grad_small"] = (small.grad, t)
    case = peers.make_case(name, lib, size)
    if case.record is not None and size <= p["memory_max_depth"]:
        row["bytes_per_op"] = harness.recorded_bytes(case.record) / size
    row["time_first"], out, err = harness.first_call(case.grad)
    if err is not None:
        message = str(err) if len(str(err)) <= 60 else str(err)[:59] + "…"
        row.update(error=type(err).__name__, note=f"{type(err).__name__}: {message}")
        return {}
    t_loss, loss, _ = harness.first_call(case.loss)
    row["max_error"] = peers.check(name, size, loss, out, ref)
    return dict(fns, loss=(case.loss, t_loss), grad=(case.grad, row["time_first"]))


def _ratios(lib, times, ops):
    """Medians of the rounds' times and of the per-round ratios."""
    tg, tl = times[lib, "grad"], times[lib, "loss"]
    row = {"time_grad": statistics.median(tg), "time_loss": statistics.median(tl),
           "rounds": len(tg), "ratio": harness.median_ratio(tg, tl)}
    for peer, kind, column in _VERSUS:
        if (peer, kind) in times:
            row[column] = harness.median_ratio(tg, times[peer, kind])
    if ops:
        row["per_op"] = row["time_grad"] / ops
    if (lib, "grad_small") in times:
        row["growth"] = harness.median_ratio(tg, times[lib, "grad_small"])
    return row


def run(quick: bool = False, out: Any = DEFAULT_RESULTS, resume: bool = True,
        progress: bool = True, config: dict | None = None) -> ResultStore:
    """Run the comparison (config overrides entries of the grid, e.g. a tiny one in
    tests), write peers.md beside the JSON and CSV, and return the ResultStore."""
    single_thread()
    p = dict(params(quick), **(config or {}))
    _validate(p)
    store = harness.sweep(NAME, cells(p), cell_runner(p), p, out_dir=out, resume=resume,
                          progress=progress)
    write_atomic(Path(out) / f"{NAME}.md", markdown(store.rows, store.meta))
    return store


def summary(rows: list[dict]) -> str:
    """The rows as a console table."""
    cols = ["workload", "size", "library", "time_loss", "time_grad", "ratio", "ratio_vs_numpy",
            "ratio_vs_autograd", "ratio_vs_micrograd", "per_op", "growth", "bytes_per_op",
            "max_error", "note"]
    fmt = {c: ".3g" for c in cols[3:12]}
    fmt.update(max_error=".1e", bytes_per_op=".0f")
    return harness.table(rows, cols, fmt)


# ------------------------------------------------------------------ markdown ----

def _times(v):
    if v is None:
        return None
    return f"{v:,.0f}×" if v >= 100 else f"{v:.3g}×"


def _depth(d):
    k = len(str(d)) - 1
    return f"10^{k}" if d == 10 ** k else str(d)


def _measures(name, size, rows):
    """(label, row -> cell text or None) for one workload's lines of the table."""
    if name == "chain":
        return [(f"{size} ops on float64[8]: grad ÷ numpy forward",
                 lambda r: _times(r["ratio_vs_numpy"])),
                ("… grad ÷ HIPS autograd grad", lambda r: _times(r["ratio_vs_autograd"])),
                ("… µs per op (grad)", lambda r: r["per_op"] and f"{r['per_op'] * 1e6:.3g}")]
    if name in ("logistic", "mlp"):
        label = f"X 256 x {size}" if name == "logistic" else f"32-{size}-{size}-10, batch 64"
        return [(f"{label}: grad ÷ own loss", lambda r: _times(r["ratio"])),
                ("… grad ÷ numpy loss", lambda r: _times(r["ratio_vs_numpy"]))]
    if name == "scalar_mlp":
        return [(f"{size} points: build + backward ÷ micrograd's",
                 lambda r: _times(r["ratio_vs_micrograd"])),
                ("… grad ÷ own forward", lambda r: _times(r["ratio"]))]
    return [(f"depth {_depth(size)}: µs per op (grad)",
             lambda r: r["per_op"] and f"{r['per_op'] * 1e6:.3g}"),
            ("… time ÷ time at depth ÷ 10", lambda r: _times(r["growth"]))] + (
        [("… bytes per recorded op (tracemalloc)",
          lambda r: r["bytes_per_op"] and f"{r['bytes_per_op']:.0f}")]
        if any(r.get("bytes_per_op") for r in rows) else [])


def _status(r):
    if r["error"]:
        return r["error"]
    note = r["note"] or ""
    return "not installed" if note.startswith("not installed") else \
        "skipped (time)" if "skipped" in note else "—"


def _deepest(rows, lib):
    done = [r["size"] for r in rows if r["library"] == lib and r["time_grad"] is not None]
    failed = [r for r in rows if r["library"] == lib and r["error"]]
    skipped = [r for r in rows if r["library"] == lib and "skipped" in (r["note"] or "")]
    text = _depth(max(done)) if done else "none"
    if failed:
        first = min(failed, key=lambda r: r["size"])
        text += f" ({first['error']} at {_depth(first['size'])})"
    elif skipped:
        text += " (deeper: skipped for time)"
    mine = [r for r in rows if r["library"] == lib]
    return text if done or failed or skipped else _status(mine[0]) if mine else None


def markdown(rows: list[dict], meta: dict | None = None) -> str:
    """The ratios as a markdown document: a line per workload measure, a column per
    library, then the notes.

    >>> markdown([]).splitlines()[0]
    '# peers: adkit and its peers'
    """
    return f"# {NAME}: adkit and its peers\n\n" + body(rows, meta)


def body(rows: list[dict], meta: dict | None = None) -> str:
    """markdown() without its title (the report embeds it)."""
    libs = [lib for lib in peers.LIBRARIES if any(r["library"] == lib for r in rows)]
    lines = ["| workload | measure | " + " | ".join(peers.LABELS[lib] for lib in libs) + " |",
             "|---|---|" + "---:|" * len(libs)]
    groups = list(dict.fromkeys((r["workload"], r["size"]) for r in rows))
    for name, size in groups:
        group = {r["library"]: r for r in rows if (r["workload"], r["size"]) == (name, size)}
        for label, cell in _measures(name, size, list(group.values())):
            texts = [(cell(group[lib]) or _status(group[lib])) if lib in group else "n/a"
                     for lib in libs]
            lines.append(f"| {name} | {label} | " + " | ".join(texts) + " |")
    deep = [r for r in rows if r["workload"] == "deep_chain"]
    if deep:
        texts = [_deepest(deep, lib) or "n/a" for lib in libs]
        lines.append("| deep_chain | deepest chain that backward completes | "
                     + " | ".join(texts) + " |")
    return "\n".join([*_preamble(meta), "", *lines, "", *_notes(rows)]) + "\n"


def _preamble(meta):
    out = ["Each ratio is the median over rounds of a ratio of two times measured in the same "
           "round (every library timed once a round), so the machine's drift cancels; µs per "
           "op is a median time and drifts with the machine. Lower is better. n/a: the "
           "library has no version of that workload; —: not measured (see the notes)."]
    if meta:
        vers = ", ".join(f"{k} {v}" for k, v in meta["params"].get("versions", {}).items()
                         if v and k not in ("adkit_tensor", "jax_jit"))
        threads = ", ".join(f"{k}={v}" for k, v in (meta.get("thread_env") or {}).items())
        out.append(f"Measured {meta.get('date')} on {meta.get('machine')}, "
                   f"{meta.get('cpu_count')} cores ({threads or 'default threads'}); "
                   f"Python {meta.get('python')}; {vers}.")
    return out


def _notes(rows):
    notes = [f"- {peers.LABELS[r['library']]}, {r['workload']} {r['size']}: {r['note']}"
             for r in rows if r["note"] and not r["note"].startswith("not installed")]
    absent = dict.fromkeys(f"{peers.LABELS[r['library']]} {r['note'][len('not installed '):]}"
                           for r in rows if r["note"] and r["note"].startswith("not installed"))
    return (["Not installed: " + ", ".join(absent) + "."] if absent else []) + notes
