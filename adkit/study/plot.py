"""Charts of the experiments' results. The only module of adkit that imports matplotlib
(with the Agg backend, so no screen is needed); nothing imports it but the command line.

Each chart function takes a results dict (adkit.study.store.load) or its list of rows:

>>> from adkit.study import plot
>>> rows = [{"n": 1, "m": 1, "winner": "forward", "speedup": 1.5, "agrees": True}]
>>> fig = plot.crossover(rows)      # then plot.save(fig, "figures/crossover"): .png, .svg
>>> fig.axes[0].get_xlabel()
'inputs n (forward mode: n passes)'
"""
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .harness import fit_slope  # noqa: E402
from .peers import LABELS  # noqa: E402
from .store import DEFAULT_FIGURES, DEFAULT_RESULTS, load  # noqa: E402

STYLE = {  # one colour and marker per method, the same in every chart
    "finite_differences": ("#7f7f7f", "s", "central differences"),
    "forward_chunk1": ("#1f77b4", "o", "forward, 1 direction/pass"),
    "forward_chunked": ("#17becf", "D", "forward, k directions/pass"),
    "reverse": ("#d62728", "^", "reverse"),
    "hvp": ("#2ca02c", "o", "hvp (forward over reverse)"),
    "hessian_fwd_rev_chunk1": ("#1f77b4", "s", "Hessian, forward over reverse, k=1"),
    "hessian_fwd_rev_chunked": ("#17becf", "D", "Hessian, forward over reverse, chunked"),
    "hessian_rev_rev": ("#d62728", "^", "Hessian, reverse over reverse"),
    "tangent": ("#1f77b4", "o", "forward: one tangent (JVP)"),
    "autograd": ("#8c564b", "v", "HIPS autograd", "--"),  # peers: dashed (4th: line style)
    "torch": ("#ff7f0e", "P", "PyTorch", "--"),
    "jax": ("#2ca02c", "X", "JAX eager", "--"),
    "jax_jit": ("#e377c2", "*", "JAX jit", "--"),
}
Results = dict | Sequence[dict]  # store.load's {"meta", "rows"}, or just the rows
PROBLEM_TITLES = {"sum_of_squares": "sum of squares", "logistic_regression":
                  "logistic regression", "rosenbrock": "Rosenbrock", "mlp": "MLP loss",
                  "tall_map": "[sin(k x_(k mod n))]", "dense_tanh": "tanh(W x)"}


def _rows(results):
    return results["rows"] if isinstance(results, dict) else list(results)


def _style(method):
    return STYLE.get(method, ("#9467bd", "x", method))


def _series(rows, x, y, **match):
    """Sorted (x, y, row) of the rows matching `match` with a positive y."""
    pts = [(r[x], r[y], r) for r in rows
           if all(r.get(k) == v for k, v in match.items()) and r.get(y)]
    return sorted(pts, key=lambda p: p[0])


def _slope_label(label, xs, ys):
    slope = fit_slope(xs, ys)
    if slope is None:
        return label
    return f"{label} (slope {0.0 if abs(slope) < 0.005 else slope:.2f})"


def _loglog(ax, title, xlabel, ylabel):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)


def _plot_methods(ax, rows, x, y, methods, slope=True, **match):
    for method in methods:
        pts = _series(rows, x, y, method=method, **match)
        if not pts:
            continue
        color, marker, label, *ls = _style(method)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        ax.plot(xs, ys, color=color, marker=marker, ms=4, lw=1.5, ls=ls[0] if ls else "-",
                label=_slope_label(label, xs, ys) if slope else label)
        extra = [(p[0], p[1]) for p in pts if p[2].get("extrapolated")]
        if extra:
            ax.plot(*zip(*extra), ls="none", marker=marker, ms=8, mfc="white", color=color)
    many = len(ax.get_legend_handles_labels()[0]) > 5
    if many:  # a two-column legend, in headroom above the data (y is drawn on a log scale)
        lo, hi = ax.dataLim.y0, ax.dataLim.y1
        ax.set_ylim(lo / (hi / lo) ** 0.05, hi * (hi / lo) ** 0.45)
    ax.legend(fontsize=6.5 if many else 7, loc="upper left", ncol=2 if many else 1)


def _grid(n, title, width=11, height=4.0):
    cols = 2 if n > 1 else 1
    nrows = math.ceil(n / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(width, height * nrows), squeeze=False)
    fig.suptitle(title, fontsize=12)
    return fig, [ax for row in axes for ax in row]


def _passes(row):
    if row["method"] == "finite_differences":
        return row.get("evaluations")
    if row["method"] == "reverse":
        return row.get("reverse_passes")
    return row.get("forward_passes")


def _passes_and_time(rows, title, key, x, xlabel, passes_label, time_label):
    """Two panels per group (rows sharing `key`): passes and time against x."""
    groups = list(dict.fromkeys(r[key] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = _grid(2 * len(groups), title, height=3.6)
    for i, group in enumerate(groups):
        name = PROBLEM_TITLES.get(group, group)
        for ax, y, ylabel in ((axes[2 * i], "passes", passes_label),
                              (axes[2 * i + 1], "time", time_label)):
            _plot_methods(ax, rows, x, y, methods, **{key: group})
            _loglog(ax, f"{name}: {y}", xlabel, ylabel)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return fig


def loss_scaling(results: Results) -> Figure:
    """Passes and time for the gradient of each loss against n (log-log, fitted slopes)."""
    rows = [dict(r, passes=_passes(r)) for r in _rows(results)]
    return _passes_and_time(rows, "Gradient of a loss f: R^n -> R as n grows (hollow "
                            "markers: extrapolated from timed passes)", "problem", "n",
                            "inputs n", "passes (f evaluations for differences)",
                            "time for the gradient [s]")


def gradient_ratio(results: Results) -> Figure:
    """time(grad f)/time(f) against n per method, with the cheap-gradient band."""
    rows = _rows(results)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = _grid(len(problems), "Cost of the gradient relative to f", height=3.8)
    for ax, prob in zip(axes, problems):
        ax.axhspan(1, 4, color="#d62728", alpha=0.08, label="cheap gradient: 1-4x f")
        _plot_methods(ax, rows, "n", "ratio", methods, slope=False, problem=prob)
        _loglog(ax, PROBLEM_TITLES.get(prob, prob), "inputs n", "time(gradient) / time(f)")
    fig.tight_layout()
    return fig


def output_scaling(results: Results) -> Figure:
    """Passes and time for the full Jacobian as the number of outputs m grows."""
    rows = [dict(r, passes=r["forward_passes"] + r["reverse_passes"]) for r in _rows(results)]
    n = rows[0]["n"] if rows else "?"
    return _passes_and_time(rows, f"Jacobian of f: R^{n} -> R^m as m grows", "map", "m",
                            "outputs m", "passes (sweeps for reverse)",
                            "time for the Jacobian [s]")


def measured_boundary(rows: Sequence[dict]) -> dict[int, int | None]:
    """For each n, the smallest m from which forward mode wins (None if it never does).

    >>> measured_boundary([{"n": 1, "m": 1, "winner": "reverse"},
    ...                    {"n": 1, "m": 2, "winner": "forward"}])
    {1: 2}
    """
    out = {}
    for n in sorted({r["n"] for r in rows}):
        wins = sorted(r["m"] for r in rows if r["n"] == n and r["winner"] == "forward")
        out[n] = wins[0] if wins else None
    return out


def crossover(results: Results) -> Figure:
    """Heatmap over (n, m): which mode computes the Jacobian faster, and by how much."""
    rows = _rows(results)
    ns, ms = sorted({r["n"] for r in rows}), sorted({r["m"] for r in rows})
    cell = {(r["n"], r["m"]): r for r in rows}
    grid = [[(1 if cell[n, m]["winner"] == "forward" else 0) if (n, m) in cell else math.nan
             for n in ns] for m in ms]
    fig, ax = plt.subplots(figsize=(7.5, 6.2))
    ax.imshow(grid, origin="lower", cmap=ListedColormap(["#f4b6b6", "#b6cff4"]), vmin=0,
              vmax=1, aspect="auto")
    for i, m in enumerate(ms):
        for j, n in enumerate(ns):
            r = cell.get((n, m))
            if r:
                mark = "" if r["agrees"] else "*"
                ax.text(j, i, f"{r['winner'][0].upper()} {r['speedup']:.1f}x{mark}",
                        ha="center", va="center", fontsize=7)
    ax.plot([-0.5, len(ns) - 0.5], [-0.5, len(ms) - 0.5], "k--", lw=1.2)
    bound = measured_boundary(rows)
    bx = [j for j, n in enumerate(ns) if bound[n] is not None]
    by = [ms.index(bound[ns[j]]) - 0.5 for j in bx]
    ax.step(bx, by, where="mid", color="#2ca02c", lw=2.5)
    ax.set_xticks(range(len(ns)), [str(n) for n in ns])
    ax.set_yticks(range(len(ms)), [str(m) for m in ms])
    ax.set_xlabel("inputs n (forward mode: n passes)")
    ax.set_ylabel("outputs m (reverse mode: m sweeps)")
    ax.set_title("Full Jacobian of tanh(W x): the faster mode and its speed-up\n"
                 "(* = recommend_mode predicted the other mode)", fontsize=11)
    ax.legend(handles=[Patch(color="#b6cff4", label="forward faster (F)"),
                       Patch(color="#f4b6b6", label="reverse faster (R)"),
                       Line2D([], [], color="k", ls="--", label="predicted boundary n = m"),
                       Line2D([], [], color="#2ca02c", lw=2.5, label="measured boundary")],
              fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def cheap_gradient(results: Results) -> Figure:
    """ops(grad f)/ops(f) and time(grad f)/time(f) with the theoretical bounds."""
    rows = _rows(results)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    fig, axes = _grid(2, "The cheap-gradient principle: a gradient costs a few times f",
                      width=12, height=4.6)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, y, ylabel in ((axes[0], "work_ratio", "flops(gradient) / flops(f)"),
                          (axes[1], "time_ratio", "time(gradient) / time(f)")):
        for k, prob in enumerate(problems):
            for mode, ls, marker in (("reverse", "-", "^"), ("tangent", ":", "o")):
                pts = _series(rows, "n", y, problem=prob, mode=mode)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], ls=ls, marker=marker,
                            color=colors[k % len(colors)], ms=4,
                            label=f"{PROBLEM_TITLES.get(prob, prob)}, {mode}")
        if y == "work_ratio":
            ax.axhline(4.0, color="#d62728", lw=1, ls="--", label="bound: reverse <= 4")
            ax.axhline(2.5, color="#1f77b4", lw=1, ls="--", label="bound: tangent <= 2.5")
        _loglog(ax, ylabel, "inputs n", ylabel)
        ax.legend(fontsize=6.5, ncol=2)
    fig.tight_layout()
    return fig


def tape_memory(results: Results) -> Figure:
    """Bytes held by the reverse tape against recorded ops and against n."""
    rows = _rows(results)
    fig, axes = _grid(2, "Memory: the tape grows with the ops recorded; forward mode does not",
                      width=12, height=4.6)
    for ax, sweep, x, xlabel in ((axes[0], "ops", "records", "ops recorded on the tape"),
                                 (axes[1], "n", "n", "array size n (floats)")):
        for y, color, marker, label in (("tape_bytes", "#d62728", "^", "reverse: tape"),
                                        ("peak_reverse", "#ff7f0e", "v", "reverse: peak"),
                                        ("peak_forward", "#1f77b4", "o", "forward: peak")):
            pts = _series(rows, x, y, sweep=sweep)
            if pts:
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                ax.plot(xs, ys, color=color, marker=marker, ms=4, label=_slope_label(label, xs, ys))
        fixed = next((r for r in rows if r["sweep"] == sweep), None)
        note = (f"n = {fixed['n']}" if sweep == "ops" else f"{fixed['records']} ops") \
            if fixed else ""
        _loglog(ax, f"against {xlabel} ({note})", xlabel, "bytes")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def hessian_scaling(results: Results) -> Figure:
    """Passes and time: Hessian-vector products against full Hessians as n grows."""
    rows = [dict(r, passes=max(r["forward_passes"], r["reverse_passes"])) for r in _rows(results)]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = _grid(2, "Second order (Rosenbrock): H v without H costs the same at any n",
                      width=12, height=4.6)
    _plot_methods(axes[0], rows, "n", "passes", methods)
    _loglog(axes[0], "passes", "inputs n", "passes (forward passes or sweeps)")
    _plot_methods(axes[1], rows, "n", "time", methods)
    _loglog(axes[1], "time", "inputs n", "time [s]")
    fig.tight_layout()
    return fig


def peers(results: Results) -> Figure:
    """adkit against its peers, measured in one run: grad/loss per workload (bars) and
    the cost per op of ever deeper scalar chains (lines; missing points failed)."""
    rows = _rows(results)
    bars = [r for r in rows if r["workload"] != "deep_chain" and r.get("ratio")]
    groups = list(dict.fromkeys((r["workload"], r["size"]) for r in bars))
    libs = list(dict.fromkeys(r["library"] for r in rows))
    colors = {lib: c for lib, c in zip(libs, plt.rcParams["axes.prop_cycle"].by_key()["color"])}
    fig, axes = _grid(2, "adkit and its peers on the same workloads, measured in one run",
                      width=14, height=5.0)
    ax = axes[0]
    width = 0.8 / max(1, len(libs))
    for i, lib in enumerate(libs):
        pts = [(g, r["ratio"]) for g, key in enumerate(groups) for r in bars
               if (r["workload"], r["size"]) == key and r["library"] == lib]
        if pts:
            ax.bar([g + (i - (len(libs) - 1) / 2) * width for g, _ in pts], [v for _, v in pts],
                   width, label=LABELS.get(lib, lib), color=colors[lib])
    ax.set_xticks(range(len(groups)), [f"{w}\n{s}" for w, s in groups], fontsize=8)
    ax.set_yscale("log")
    ax.set_ylabel("time(gradient) / time(loss), same library  (lower is better)")
    ax.set_title("what a gradient costs relative to its own loss")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    ax = axes[1]
    for lib in libs:
        pts = sorted((r["size"], r["per_op"]) for r in rows
                     if r["workload"] == "deep_chain" and r["library"] == lib and r.get("per_op"))
        if pts:
            ax.plot(*zip(*pts), marker="o", ms=4, color=colors[lib], label=LABELS.get(lib, lib))
    _loglog(ax, "deep scalar chains: time per op\n(a line ends where backward failed or was "
            "skipped)", "chain length (ops)", "time per op, gradient [s]")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


CHARTS = {  # figure file stem -> (experiment whose results it draws, chart function)
    "loss_scaling": ("loss_scaling", loss_scaling),
    "gradient_ratio": ("loss_scaling", gradient_ratio),
    "output_scaling": ("output_scaling", output_scaling),
    "crossover": ("crossover", crossover),
    "cheap_gradient": ("cheap_gradient", cheap_gradient),
    "tape_memory": ("tape_memory", tape_memory),
    "hessian_scaling": ("hessian_scaling", hessian_scaling),
    "peers": ("peers", peers),
}


def save(fig: Figure, stem: str | os.PathLike) -> list[Path]:
    """Write fig as stem.png and stem.svg (each through a temporary file and a rename).

    >>> import tempfile
    >>> fig = hessian_scaling([{"n": 2, "method": "hvp", "forward_passes": 1,
    ...                         "reverse_passes": 1, "time": 1e-4}])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [p.name for p in save(fig, Path(out) / "hvp")]
    ['hvp.png', 'hvp.svg']
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = stem.with_suffix(f".{ext}")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fig.savefig(tmp, format=ext, dpi=110)
        os.replace(tmp, path)
        paths.append(path)
    plt.close(fig)
    return paths


def plot_all(results_dir: Any = DEFAULT_RESULTS,
             figures_dir: Any = DEFAULT_FIGURES) -> dict[str, list[Path]]:
    """Draw every chart whose results exist; returns {stem: [png, svg]}.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     plot_all(Path(out) / "no_results", Path(out) / "figures")
    {}
    """
    written = {}
    for stem, (experiment, chart) in CHARTS.items():
        path = Path(results_dir) / f"{experiment}.json"
        if path.exists():
            written[stem] = save(chart(load(experiment, results_dir)),
                                 Path(figures_dir) / stem)
    return written
