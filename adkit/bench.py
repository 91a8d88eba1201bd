"""The experiment harness: parameter sweeps, timing, counting, memory and results files.

Use it to run your own function through the same measurements as the experiments:

>>> from adkit import bench
>>> bench.measure_gradient(my_loss, x, "reverse")        # passes, ops, time, memory
>>> store = bench.sweep("my_study", [{"n": 10}, {"n": 100}], run_cell, params={"n": [10, 100]})

Results are written atomically (a temporary file, then a rename) as JSON and CSV with
metadata (versions, machine, threads, seed, date, the exact parameters); re-running a
sweep with the same parameters skips the cells already in the file.
"""
import argparse
import csv
import datetime
import io
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from . import __version__, counting, forward, reverse
from .box import ArrayBox
from .core import Trace, bind, new_level, shape_of

DEFAULT_RESULTS = Path("experiments") / "results"
DEFAULT_FIGURES = Path("experiments") / "figures"


# ------------------------------------------------------------------ measuring ----

def time_call(fn, repeats=5, warmup=1, budget=None):
    """Median wall time of fn() over `repeats` runs (after `warmup`), with its spread.

    With a `budget` in seconds, stops repeating once the budget is spent (at least one
    timed run). Returns {"median", "q25", "q75", "min", "repeats"} in seconds.
    """
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if budget is not None and time.perf_counter() - start > budget:
            break
    q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return {"median": statistics.median(times), "q25": q[0], "q75": q[2],
            "min": min(times), "repeats": len(times)}


def peak_bytes(fn):
    """Peak bytes allocated while fn() runs (Python objects and numpy buffers)."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        fn()
        return max(0, tracemalloc.get_traced_memory()[1] - base)
    finally:
        if not was_tracing:
            tracemalloc.stop()


def counted(fn):
    """(fn(), the adkit.count() record of what it did)."""
    with counting.count() as c:
        out = fn()
    return out, c


class _Watched(ArrayBox):
    __slots__ = ()


class _WorkTrace(Trace):
    """A pass-through trace that tallies every primitive applied to data derived from
    the inputs, including the arithmetic inside JVP/VJP rules."""

    __slots__ = ("ops", "flops", "by_name")

    def __init__(self, level):
        super().__init__(level)
        self.ops = self.flops = 0
        self.by_name = {}

    def process(self, prim, args, params):
        vals = [a._value if type(a) is _Watched and a._trace is self else a for a in args]
        ans = bind(prim, *vals, **params)
        self.ops += 1
        self.flops += _flops(prim.name, vals, ans)
        self.by_name[prim.name] = self.by_name.get(prim.name, 0) + 1
        box = _Watched.__new__(_Watched)
        box._value, box._trace, box._level = ans, self, self.level
        return box


def _size(x):
    return int(np.prod(shape_of(x))) if shape_of(x) else 1


def _flops(name, vals, ans):
    """A cost model: multiply-adds for matmul, input size for reductions, else output size."""
    if name == "matmul":
        a = shape_of(vals[0])
        inner = a[-1] if a else 1
        return 2 * _size(ans) * inner
    if name in ("sum", "max", "min", "logsumexp"):
        return _size(vals[0])
    return _size(ans)


def work(fn, *args):
    """How many primitive applications fn(*args) makes, and a flop estimate, counting
    every op on data that depends on args (rules' arithmetic included).

    >>> bench.work(adkit.grad(problems.rosenbrock), np.ones(10))["ops"]
    """
    trace = _WorkTrace(new_level())
    boxed = []
    for x in args:
        box = _Watched.__new__(_Watched)
        box._value, box._trace, box._level = x, trace, trace.level
        boxed.append(box)
    try:
        fn(*boxed)
    finally:
        trace.done = True
    return {"ops": trace.ops, "flops": trace.flops, "by_name": dict(trace.by_name)}


# ---------------------------------------------------------- gradient methods ----

def finite_differences(f, x, h=None):
    """Central differences: 2n evaluations of f. h defaults to cbrt(eps) * max(1, |x|)."""
    x = np.asarray(x, dtype=float)
    g = np.empty_like(x)
    flat, gflat = x.ravel(), g.ravel()
    for i in range(flat.size):
        step = h if h is not None else 6e-6 * max(1.0, abs(flat[i]))
        orig = flat[i]
        flat[i] = orig + step
        up = f(x)
        flat[i] = orig - step
        down = f(x)
        flat[i] = orig
        gflat[i] = (up - down) / (2 * step)
    return g


GRADIENT_METHODS = {
    "finite_differences": {"label": "central differences", "passes": lambda n, k: 2 * n},
    "forward_chunk1": {"label": "forward mode, 1 direction per pass", "passes": lambda n, k: n},
    "forward_chunked": {"label": "forward mode, k directions per pass",
                        "passes": lambda n, k: math.ceil(n / k)},
    "reverse": {"label": "reverse mode", "passes": lambda n, k: 1},
}


def gradient_fn(f, method, chunk=None):
    """x -> grad f(x) by one of GRADIENT_METHODS."""
    if method == "finite_differences":
        return lambda x: finite_differences(f, x)
    if method == "forward_chunk1":
        return forward.grad(f, chunk=1)
    if method == "forward_chunked":
        return forward.grad(f, chunk=chunk)
    if method == "reverse":
        return reverse.grad(f)
    raise ValueError(f"unknown gradient method {method!r}; choose from {list(GRADIENT_METHODS)}")


def _one_pass(f, x, method, chunk):
    """What one pass of `method` costs: an evaluation of f (differences, which make 2n
    of them) or one forward pass of its k basis directions."""
    if method == "finite_differences":
        return lambda: f(x)
    n = x.size
    k = 1 if method == "forward_chunk1" else chunk
    seeds = np.zeros((k, n))
    seeds[np.arange(k), np.arange(k)] = 1.0
    seeds = seeds.reshape((k,) + x.shape)
    return lambda: forward.jvp_batch(f, (x,), (seeds,))


def measure_gradient(f, x, method, chunk=None, repeats=5, budget=10.0, reference=None):
    """Everything the loss experiments record for one gradient method at one point.

    Runs the method for real when its predicted time fits the `budget` (seconds);
    otherwise times single passes and extrapolates (marked extrapolated=True; the error
    is then measured on the sampled directions only). `reference` is the gradient to
    compare against (e.g. reverse mode's).
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    k = forward.default_chunk(n) if chunk is None else chunk
    passes = GRADIENT_METHODS[method]["passes"](n, k)
    t_f = time_call(lambda: f(x), repeats=repeats, budget=budget / 10)
    work_f = work(f, x)
    row = {"method": method, "n": n, "chunk": k if method == "forward_chunked" else
           (1 if method == "forward_chunk1" else None), "time_f": t_f["median"]}
    grad_fn = gradient_fn(f, method, k)
    one = _one_pass(f, x, method, k)
    t_one = time_call(one, repeats=3, budget=budget / 10)["median"]
    predicted = passes * t_one if method != "reverse" else 4 * t_f["median"]
    if predicted <= budget:
        grad, c = counted(lambda: grad_fn(x))
        work_g = work(grad_fn, x) if method != "finite_differences" else None
        timing = time_call(lambda: grad_fn(x), repeats=repeats, budget=budget)
        memory = peak_bytes(lambda: grad_fn(x))
        error = _max_error(grad, reference)
        row.update(extrapolated=False, time=timing["median"], time_q25=timing["q25"],
                   time_q75=timing["q75"], repeats=timing["repeats"])
    else:
        _, c_one = counted(one)
        c = _scaled_count(c_one, passes)
        work_g = None
        memory = peak_bytes(one)
        error = _sampled_error(f, x, method, k, reference)
        row.update(extrapolated=True, time=passes * t_one, time_q25=None, time_q75=None,
                   repeats=0, time_one_pass=t_one)
    row.update(forward_passes=c.forward_passes, directions=c.directions,
               recordings=c.recordings, reverse_passes=c.reverse_passes,
               evaluations=passes if method == "finite_differences" else None,
               ops_eval=c.total("eval"), ops_jvp=c.total("jvp"), ops_record=c.total("record"),
               ops_vjp=c.total("vjp"), ops=c.total(), peak_bytes=memory, max_error=error,
               ratio=row["time"] / t_f["median"] if t_f["median"] > 0 else None)
    if work_g is None:  # differences, or extrapolated: passes x the work of one pass
        one_work = work_f if method == "finite_differences" else work(
            lambda x: _one_pass(f, x, method, k)(), x)
        work_g = {k2: v * passes for k2, v in one_work.items() if k2 != "by_name"}
    row.update(work_ops_f=work_f["ops"], work_flops_f=work_f["flops"],
               work_ops=work_g["ops"], work_flops=work_g["flops"],
               work_ratio=work_g["flops"] / max(work_f["flops"], 1))
    return row


def _scaled_count(c_one, passes):
    c = counting.Count()
    c.forward_passes = c_one.forward_passes * passes
    c.directions = c_one.directions * passes
    for kind in counting.KINDS:
        for name, v in c_one.ops[kind].items():
            c.ops[kind][name] = v * passes
    return c


def _max_error(grad, reference):
    if reference is None:
        return None
    return float(np.max(np.abs(np.asarray(grad) - np.asarray(reference)))) if np.size(grad) else 0.0


def _sampled_error(f, x, method, k, reference, samples=3):
    """Max error over a few sampled gradient entries (for extrapolated methods)."""
    if reference is None:
        return None
    rng = np.random.default_rng(0)
    idx = rng.choice(x.size, size=min(samples, x.size), replace=False)
    ref = np.asarray(reference).ravel()
    errs = []
    for i in idx:
        if method == "finite_differences":
            step = 6e-6 * max(1.0, abs(x.ravel()[i]))
            e = np.zeros(x.size)
            e[i] = step
            e = e.reshape(x.shape)
            gi = (f(x + e) - f(x - e)) / (2 * step)
        else:
            e = np.zeros(x.size)
            e[i] = 1.0
            gi = forward.jvp(f, (x,), (e.reshape(x.shape),))[1]
        errs.append(abs(float(gi) - ref[i]))
    return float(max(errs))


# ------------------------------------------------------------------ results ----

def metadata(name, params, seed=0):
    """Where and how a result was produced."""
    threads = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                               "MKL_NUM_THREADS") if os.environ.get(v)}
    return {
        "experiment": name,
        "params": params,
        "seed": seed,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "adkit": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "thread_env": threads,
    }


def write_atomic(path, text):
    """Write text to path through a temporary file and a rename: never a half file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _jsonable(v):
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


class ResultStore:
    """Rows of one experiment plus metadata, kept in <dir>/<name>.json and .csv."""

    def __init__(self, name, params, out_dir=DEFAULT_RESULTS, seed=0):
        self.name = name
        self.params = params
        self.dir = Path(out_dir)
        self.meta = metadata(name, params, seed)
        self.rows = []

    @property
    def json_path(self):
        return self.dir / f"{self.name}.json"

    @property
    def csv_path(self):
        return self.dir / f"{self.name}.csv"

    def resume(self):
        """Load the rows of an earlier run with the same parameters (if any)."""
        try:
            old = json.loads(self.json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        if old.get("meta", {}).get("params") == json.loads(json.dumps(self.params)):
            self.rows = old.get("rows", [])
        return len(self.rows)

    def has(self, key):
        return any(all(r.get(k) == v for k, v in key.items()) for r in self.rows)

    def add(self, row):
        self.rows.append({k: _jsonable(v) for k, v in row.items()})

    def save(self):
        self.meta["date"] = metadata(self.name, self.params)["date"]
        write_atomic(self.json_path, json.dumps({"meta": self.meta, "rows": self.rows},
                                                indent=1, default=_jsonable) + "\n")
        columns = []
        for r in self.rows:
            columns += [k for k in r if k not in columns]
        buf = io.StringIO()
        buf.write("".join(f"# {k}: {json.dumps(v, default=_jsonable)}\n"
                          for k, v in self.meta.items()))
        writer = csv.DictWriter(buf, fieldnames=columns)
        writer.writeheader()
        writer.writerows(self.rows)
        write_atomic(self.csv_path, buf.getvalue())


def load(name, out_dir=DEFAULT_RESULTS):
    """{"meta": ..., "rows": [...]} of a finished experiment."""
    return json.loads((Path(out_dir) / f"{name}.json").read_text(encoding="utf-8"))


def _progress(total, desc, enabled):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        tqdm = None
    if tqdm is None or not enabled:
        return _NoBar()
    return tqdm(total=total, desc=desc, unit="cell", leave=False, file=sys.stderr)


class _NoBar:
    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass

    def close(self):
        pass


def sweep(name, cells, run_cell, params, out_dir=DEFAULT_RESULTS, resume=True,
          progress=True, seed=0):
    """Run run_cell(cell) -> row for every cell (a dict of parameters), saving after
    each one, so an interrupted sweep keeps its finished cells and resumes after them.

    Returns the ResultStore.
    """
    store = ResultStore(name, params, out_dir, seed)
    if resume:
        store.resume()
    cells = list(cells)
    bar = _progress(len(cells), name, progress)
    try:
        for cell in cells:
            if not store.has(cell):
                bar.set_postfix_str(" ".join(f"{k}={v}" for k, v in cell.items()))
                row = dict(cell)
                row.update(run_cell(cell))
                store.add(row)
                store.save()
            bar.update()
    finally:
        bar.close()
    if not store.json_path.exists():
        store.save()
    return store


# ---------------------------------------------------------------- command line ----

def parser(name, doc):
    """The options every experiment script takes."""
    p = argparse.ArgumentParser(prog=f"experiments/{name}.py", description=doc)
    p.add_argument("--quick", action="store_true", help="a small grid that runs in about a minute")
    p.add_argument("--out", default=str(DEFAULT_RESULTS), help="results directory "
                   f"(default {DEFAULT_RESULTS})")
    p.add_argument("--fresh", action="store_true", help="ignore earlier results (no resume)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def log_grid(lo, hi, per_decade=2):
    """Integers from lo to hi, about evenly spaced on a log scale."""
    count = int(round(math.log10(hi / lo) * per_decade)) + 1
    return sorted({int(round(v)) for v in np.logspace(math.log10(lo), math.log10(hi), count)})


def fit_slope(xs, ys):
    """The slope of log y against log x (least squares): the exponent of y ~ x^slope."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x and y and x > 0 and y > 0]
    if len(pts) < 2:
        return None
    lx, ly = np.array(pts).T
    return float(np.polyfit(lx, ly, 1)[0])


def table(rows, columns, fmt=None):
    """A small fixed-width text table for the console."""
    fmt = fmt or {}
    out = [columns]
    for r in rows:
        out.append([_cell(r.get(c), fmt.get(c)) for c in columns])
    widths = [max(len(str(line[i])) for line in out) for i in range(len(columns))]
    return "\n".join("  ".join(str(v).rjust(w) for v, w in zip(line, widths)) for line in out)


def _cell(v, fmt):
    if v is None:
        return "-"
    if fmt:
        return format(v, fmt)
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)
