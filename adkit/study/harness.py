"""The experiment harness: timing, memory, work counting, gradient methods and sweeps.

Every measurement of the study is made here, so your own function can go through the
same ones as the experiments:

>>> from adkit.study import harness, workloads
>>> row = harness.measure_gradient(workloads.rosenbrock, np.ones(100), "reverse")
>>> row["recordings"], row["reverse_passes"], row["time"] > 0    # and ops, memory...
(1, 1, True)

`sweep` runs a grid of cells and saves the rows after each one through an
adkit.study.store.ResultStore (one pair of files per parameter set), so an interrupted
sweep resumes where it stopped and a sweep with other parameters keeps the earlier rows.
"""
import gc
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from adkit import counting, forward, reverse
from adkit.box import ArrayBox
from adkit.core import Trace, bind, new_level, shape_of

from .store import DEFAULT_RESULTS, ResultStore

# ------------------------------------------------------------------- timing ----

def time_call(fn: Callable[[], Any], repeats: int = 5, warmup: int = 1,
              budget: float | None = None, clock: Callable[[], float] = time.perf_counter
              ) -> dict:
    """Median wall time of fn() over `repeats` runs (after `warmup`), with its spread.

    With a `budget` in seconds, stops repeating once the budget is spent (at least one
    timed run). Returns {"median", "q25", "q75", "min", "repeats"} in seconds (of
    `clock`: time.process_time gives CPU time, which other programs do not inflate).

    >>> harness.time_call(lambda: sum(range(100)), repeats=3)["repeats"]
    3
    """
    for _ in range(warmup):
        fn()
    times = []
    start = clock()
    for _ in range(max(1, repeats)):
        t0 = clock()
        fn()
        times.append(clock() - t0)
        if budget is not None and clock() - start > budget:
            break
    q = statistics.quantiles(times, n=4) if len(times) > 1 else [times[0]] * 3
    return {"median": statistics.median(times), "q25": q[0], "q75": q[2],
            "min": min(times), "repeats": len(times)}


def time_rounds(fns: dict[Any, Callable[[], Any]], rounds: int = 5,
                budget: float | None = None, min_time: float = 0.002, collect: bool = False,
                freeze: bool = True, known: dict | None = None,
                clock: Callable[[], float] = time.perf_counter) -> dict[Any, list[float]]:
    """Time every callable of `fns` ({key: fn}) once a round, round after round (in a
    rotating order), so all meet the same machine speed; compare them by per-round ratios.

    A timing repeats fn to last about `min_time` s (calibrated on a warm-up call). After 3
    rounds, stops once `budget` s are spent. collect=True runs gc.collect() (untimed)
    before each timing; freeze=True moves the objects alive at the start out of the
    collector's sight (gc.freeze), so a library's garbage collections do not traverse
    the modules of the others (importing torch and jax slows micrograd down 1.7x).
    `known` maps keys to the seconds of an earlier warm call: those that took longer
    than min_time are not calibrated (saves a call of a slow function). `clock`:
    time.process_time times CPU seconds, which other programs on the machine do not
    inflate. Returns {key: [seconds per call, one per round]}.

    >>> t = harness.time_rounds({"a": lambda: sum(range(10)), "b": lambda: sum(range(10**4))})
    >>> harness.median_ratio(t["b"], t["a"]) > 1
    True
    """
    keys = list(fns)
    if not keys:
        return {}
    if freeze:
        gc.collect()
        gc.freeze()
    try:
        known = known or {}
        loops = {k: 1 if known.get(k, 0) >= min_time else _loops(fns[k], min_time)
                 for k in keys}
        times = {k: [] for k in keys}
        start = clock()
        for r in range(rounds):
            for k in keys[r % len(keys):] + keys[:r % len(keys)]:
                if collect:
                    gc.collect()
                fn, n = fns[k], loops[k]
                t0 = clock()
                for _ in range(n):
                    fn()
                times[k].append((clock() - t0) / n)
            if budget is not None and r + 1 >= min(3, rounds) and \
                    clock() - start > budget:
                break
    finally:
        if freeze:
            gc.unfreeze()
    return times


def _loops(fn, min_time):
    """Calls per timing so that one lasts about min_time (a slow call is timed alone)."""
    for _ in range(2):  # the first call may be a cold one: then calibrate on a second
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return 1
    return max(1, min(10_000, int(min_time / dt))) if dt > 0 else 10_000


def median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """The median over rounds of a[r] / b[r] (two lists from one time_rounds call).

    >>> harness.median_ratio([2.0, 3.0, 8.0], [1.0, 1.0, 2.0])
    3.0
    """
    if not a or len(a) != len(b):
        raise ValueError("median_ratio: need two equally long, non-empty lists of times")
    return statistics.median(x / y for x, y in zip(a, b))


def first_call(fn: Callable[[], Any]) -> tuple[float, Any, Exception | None]:
    """(seconds, result, exception) of one call of fn; a raised Exception is caught.

    >>> seconds, out, err = harness.first_call(lambda: 1 / 0)
    >>> out, type(err).__name__
    (None, 'ZeroDivisionError')
    """
    t0 = time.perf_counter()
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - the failure is the measurement
        return time.perf_counter() - t0, None, e
    return time.perf_counter() - t0, out, None


# ------------------------------------------------------------------- memory ----

def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated while fn() runs (Python objects and numpy buffers).

    >>> harness.peak_bytes(lambda: np.ones(1000)) >= 8000
    True
    """
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


def recorded_bytes(record: Callable[[], Any]) -> int:
    """Bytes that tracemalloc sees held by the graph record() returns (Python objects and
    numpy buffers; C++ tapes such as torch's are invisible). The collector is paused
    meanwhile, so freeing older garbage does not hide part of the graph.

    >>> harness.recorded_bytes(lambda: adkit.vjp(anp.sin, np.ones(1000))) >= 8000
    True
    """
    was_tracing, was_collecting = tracemalloc.is_tracing(), gc.isenabled()
    if not was_tracing:
        tracemalloc.start()
    gc.disable()
    try:
        base = tracemalloc.get_traced_memory()[0]
        graph = record()
        held = tracemalloc.get_traced_memory()[0] - base
        del graph
        return max(0, held)
    finally:
        if was_collecting:
            gc.enable()
        if not was_tracing:
            tracemalloc.stop()


# --------------------------------------------------------------------- work ----

def counted(fn: Callable[[], Any]) -> tuple[Any, counting.Count]:
    """(fn(), the adkit.count() record of what it did).

    >>> out, c = harness.counted(lambda: adkit.grad(anp.sin)(0.0))
    >>> out, c.reverse_passes
    (1.0, 1)
    """
    with counting.count() as c:
        out = fn()
    return out, c


class _Watched(ArrayBox):
    __slots__ = ()


def _watch(value, trace):
    """value in a box of `trace` (Box's fields are the extension interface's)."""
    box = _Watched.__new__(_Watched)
    box._value, box._trace, box._level = value, trace, trace.level
    return box


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
        return _watch(ans, self)


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


def work(fn: Callable, *args: Any) -> dict:
    """How many primitive applications fn(*args) makes, and a flop estimate, counting
    every op on data that depends on args (rules' arithmetic included).

    >>> harness.work(workloads.sum_of_squares, np.ones(10))
    {'ops': 2, 'flops': 20, 'by_name': {'mul': 1, 'sum': 1}}
    """
    trace = _WorkTrace(new_level())
    try:
        fn(*[_watch(x, trace) for x in args])
    finally:
        trace.done = True
    return {"ops": trace.ops, "flops": trace.flops, "by_name": dict(trace.by_name)}


# --------------------------------------------------------- gradient methods ----

def finite_differences(f: Callable, x: Any, h: float | None = None) -> np.ndarray:
    """Central differences: 2n evaluations of f. h defaults to cbrt(eps) * max(1, |x|).

    >>> harness.finite_differences(lambda x: float(np.sum(x ** 2)), np.array([1.0, 2.0]))
    array([2., 4.])
    """
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


def gradient_fn(f: Callable, method: str, chunk: int | None = None) -> Callable:
    """x -> grad f(x) by one of GRADIENT_METHODS.

    >>> harness.gradient_fn(workloads.sum_of_squares, "forward_chunk1")(np.array([1.0, 2.0]))
    array([2., 4.])
    """
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


def measure_gradient(f: Callable, x: Any, method: str, chunk: int | None = None,
                     repeats: int = 5, budget: float = 10.0, reference: Any = None) -> dict:
    """Everything the loss experiments record for one gradient method at one point.

    Runs the method for real when its predicted time fits the `budget` (seconds);
    otherwise times single passes and extrapolates (marked extrapolated=True; the error
    is then measured on the sampled directions only). `reference` is the gradient to
    compare against (e.g. reverse mode's). See the module's example.
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


# ------------------------------------------------------------------- sweeps ----

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


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C during a sweep, with what was saved: .store (its rows and paths), .done
    and .total cells."""

    def __init__(self, store: ResultStore, done: int, total: int):
        super().__init__(f"{store.name}: {done} of {total} cells saved in {store.json_path}")
        self.store, self.done, self.total = store, done, total


def sweep(name: str, cells: Iterable[dict], run_cell: Callable[[dict], dict], params: Any,
          out_dir: Any = DEFAULT_RESULTS, resume: bool = True, progress: bool = True,
          seed: int = 0, label: str | None = None) -> ResultStore:
    """Run run_cell(cell) -> row for every cell (a dict of parameters), saving after
    each one, so an interrupted sweep keeps its finished cells and resumes after them.

    The rows go to out_dir/runs/<name>-<label>-<id>.json and .csv, one pair per parameter
    set (see adkit.study.store); a completed sweep becomes out_dir/<name>.json and .csv.
    An unwritable out_dir fails (store.StoreError) before the first cell; a Ctrl-C raises
    Interrupted, a KeyboardInterrupt that tells what was saved.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     done = harness.sweep("squares", [{"n": 2}, {"n": 3}], lambda c: {"y": c["n"] ** 2},
    ...                          params={"n": [2, 3]}, out_dir=out, progress=False)
    >>> done.rows
    [{'n': 2, 'y': 4}, {'n': 3, 'y': 9}]
    """
    store = ResultStore(name, params, out_dir, seed, label)
    store.prepare()
    if resume:
        store.resume()
    cells = list(cells)
    store.meta["cells"] = len(cells)
    store.save()  # a consistent pair from the start, even if an earlier run was killed
    done = 0
    bar = _progress(len(cells), name, progress)
    try:
        for cell in cells:
            if not store.has(cell):
                bar.set_postfix_str(" ".join(f"{k}={v}" for k, v in cell.items()))
                row = dict(cell)
                row.update(run_cell(cell))
                store.add(row)
                store.save()
            done += 1
            bar.update()
        store.meta["complete"] = True
        store.save()
    except BaseException as e:
        store.publish()  # current only where no complete results are
        if isinstance(e, KeyboardInterrupt) and not isinstance(e, Interrupted):
            raise Interrupted(store, done, len(cells)) from None
        raise
    finally:
        bar.close()
    store.publish()
    return store


# --------------------------------------------------- grids, fits and tables ----

def log_grid(lo: float, hi: float, per_decade: int = 2) -> list[int]:
    """Integers from lo to hi, about evenly spaced on a log scale.

    >>> harness.log_grid(1, 1000, per_decade=1)
    [1, 10, 100, 1000]
    """
    count = int(round(math.log10(hi / lo) * per_decade)) + 1
    return sorted({int(round(v)) for v in np.logspace(math.log10(lo), math.log10(hi), count)})


def fit_slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The slope of log y against log x (least squares): the exponent of y ~ x^slope.

    >>> round(harness.fit_slope([1, 10, 100], [2, 200, 20000]), 6)
    2.0
    """
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x and y and x > 0 and y > 0]
    if len(pts) < 2:
        return None
    lx, ly = np.array(pts).T
    return float(np.polyfit(lx, ly, 1)[0])


def table(rows: Sequence[dict], columns: Sequence[str], fmt: dict | None = None) -> str:
    """A small fixed-width text table for the console.

    >>> print(harness.table([{"n": 10, "time": 0.001234}], ["n", "time"]))
     n     time
    10  0.00123
    """
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
