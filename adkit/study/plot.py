"""Charts of the experiments' results. With plot_peers (the peers chart), the only module
of the study that imports matplotlib (with the Agg backend, so no screen is needed);
nothing imports it but the command line.

Each chart function takes a results dict (adkit.study.store.load) or its list of rows:

>>> from adkit.study import plot
>>> rows = [{"n": 1, "m": 1, "winner": "forward", "speedup": 1.5, "agrees": True,
...          "winner_chunked": "forward", "speedup_chunked": 1.6, "agrees_chunked": True}]
>>> fig = plot.crossover(rows)      # then plot.save(fig, "figures/crossover"): .png, .svg
>>> [ax.get_title().splitlines()[0] for ax in fig.axes]
['forward with 1 direction a pass (n passes)', 'forward with the default chunks ...']
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
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

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


def _end_labels(ax, items):
    """Texts (x, y, text, color) at the right ends of lines, nudged apart vertically."""
    ax.margins(x=0.12)
    ax.get_xlim(), ax.get_ylim()  # the limits, with that margin, before placing
    gap = 8 * ax.figure.dpi / 72  # pixels between two labels' centres
    placed = []
    for py, x, y, text, color in sorted((ax.transData.transform((x, y))[1], x, y, text, c)
                                        for x, y, text, c in items):
        placed.append(py if not placed else max(py, placed[-1] + gap))
        ax.annotate(text, (x, y), xytext=(4, (placed[-1] - py) * 72 / ax.figure.dpi),
                    textcoords="offset points", color=color, fontsize=6.5, va="center")


def _plot_methods(ax, rows, x, y, methods, slope=True, labels=None, **match):
    """A line per method (hollow markers: extrapolated; `labels` replaces STYLE's); with
    slope=True the fitted log-log slope at each line's end."""
    ends = []
    for method in methods:
        pts = _series(rows, x, y, method=method, **match)
        if not pts:
            continue
        color, marker, label, *ls = _style(method)
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        ax.plot(xs, ys, color=color, marker=marker, ms=4, lw=1.5, ls=ls[0] if ls else "-",
                label=(labels or {}).get(method, label))
        extra = [(p[0], p[1]) for p in pts if p[2].get("extrapolated")]
        if extra:
            ax.plot(*zip(*extra), ls="none", marker=marker, ms=8, mfc="white", color=color)
        s = fit_slope(xs, ys) if slope else None
        if s is not None:
            ends.append((xs[-1], ys[-1], f"{0.0 if abs(s) < 0.005 else s:.2f}", color))
    ax.set_yscale("log")  # before placing the labels: they are placed in display space
    _end_labels(ax, ends)


def _figure_legend(fig, axes, extra=(), note=None, ncol=4):
    """One legend for the whole figure, under its title (every label once, in order of
    appearance, then `extra` handles), a `note` line under it; lays the panels out below."""
    handles = {}
    for ax in axes:
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
    for h in extra:
        handles.setdefault(h.get_label(), h)
    height = fig.get_figheight()
    top = 1 - 0.45 / height  # below the suptitle
    fig.legend(list(handles.values()), list(handles), loc="upper center", fontsize=8,
               bbox_to_anchor=(0.5, top), ncol=min(ncol, max(1, len(handles))), frameon=False)
    bottom = top - (0.21 * math.ceil(len(handles) / ncol) + 0.04) / height
    if note:
        fig.text(0.5, bottom, note, ha="center", va="top", fontsize=8, color="#444444")
        bottom -= 0.2 / height
    fig.tight_layout(rect=(0, 0, 1, bottom))


def _missing_peers(rows, key="method"):
    """'not installed, so not drawn: PyTorch, JAX jit' for the peers whose rows say so."""
    absent = dict.fromkeys(LABELS.get(r[key], r[key]) for r in rows
                           if (r.get("note") or "").startswith("not installed"))
    return f"not installed, so not drawn: {', '.join(absent)}" if absent else None


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


def _passes_and_time(rows, title, key, x, xlabel, passes_label, time_label, note=None,
                     labels=None):
    """Two panels per group (rows sharing `key`): passes and time against x, one legend."""
    groups = list(dict.fromkeys(r[key] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = _grid(2 * len(groups), title, height=3.6)
    for i, group in enumerate(groups):
        name = PROBLEM_TITLES.get(group, group)
        for ax, y, ylabel in ((axes[2 * i], "passes", passes_label),
                              (axes[2 * i + 1], "time", time_label)):
            _plot_methods(ax, rows, x, y, methods, labels=labels, **{key: group})
            _loglog(ax, f"{name}: {y}", xlabel, ylabel)
    extra = [Line2D([], [], ls="none", marker="o", mfc="white", color="k",
                    label="hollow: extrapolated from timed passes")] \
        if any(r.get("extrapolated") for r in rows) else []
    _figure_legend(fig, axes, extra, "numbers at the line ends: fitted log-log slopes"
                   + (f"; {note}" if note else ""))
    return fig


def _chunk_label(rows):
    """The chunked method's label with the chunk sizes it used.

    >>> _chunk_label([{"method": "forward_chunked", "n": n, "chunk": k}
    ...               for n, k in ((10, 10), (100, 50), (1000, 63))])
    'forward, k directions/pass (k = n up to n = 10; k = 50-63 above)'
    """
    ks = sorted({(r["n"], r["chunk"]) for r in rows
                 if r.get("method") == "forward_chunked" and r.get("chunk")})
    small = [n for n, k in ks if k == n]
    big = sorted({k for n, k in ks if k != n})
    parts = ([f"k = n up to n = {max(small)}"] if small else []) + (
        [f"k = {big[0]}-{big[-1]} above" if len(big) > 1 else f"k = {big[0]} above"]
        if big else [])
    return f"forward, k directions/pass ({'; '.join(parts)})" if parts else \
        STYLE["forward_chunked"][2]


def loss_scaling(results: Results) -> Figure:
    """Passes and time for the gradient of each loss against n (log-log, fitted slopes)."""
    rows = [dict(r, passes=_passes(r)) for r in _rows(results)]
    return _passes_and_time(rows, "Gradient of a loss f: R^n -> R as n grows", "problem",
                            "n", "inputs n", "passes (f evaluations for differences)",
                            "time for the gradient [s]", _missing_peers(rows),
                            {"forward_chunked": _chunk_label(rows)})


def gradient_ratio(results: Results) -> Figure:
    """time(grad f)/time(f) against n per method; reverse mode's bound of 4 (in op
    counts) drawn, its points above it ringed."""
    rows = _rows(results)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, axes = _grid(len(problems), "Cost of the gradient relative to f", height=3.8)
    above = total = 0
    for ax, prob in zip(axes, problems):
        ax.axhline(4, color=STYLE["reverse"][0], ls="--", lw=1,
                   label="reverse mode's bound: 4x f (in op counts)")
        _plot_methods(ax, rows, "n", "ratio", methods, slope=False, problem=prob,
                      labels={"forward_chunked": _chunk_label(rows)})
        over = [p[:2] for p in _series(rows, "n", "ratio", problem=prob, method="reverse")]
        total += len(over)
        over = [p for p in over if p[1] > 4]
        above += len(over)
        if over:
            ax.plot(*zip(*over), ls="none", marker="o", ms=11, mfc="none", mec="k", mew=1.2,
                    label="reverse mode above its bound")
        _loglog(ax, PROBLEM_TITLES.get(prob, prob), "inputs n", "time(gradient) / time(f)")
    note = (f"reverse mode above the bound in {above} of {total} cells: the bound counts "
            "operations, the time adds Python's overhead per op")
    missing = _missing_peers(rows)
    _figure_legend(fig, axes, note=note + (f"; {missing}" if missing else ""))
    return fig


def output_scaling(results: Results) -> Figure:
    """Passes and time for the full Jacobian as the number of outputs m grows."""
    rows = [dict(r, passes=r["forward_passes"] + r["reverse_passes"]) for r in _rows(results)]
    n = rows[0]["n"] if rows else "?"
    return _passes_and_time(rows, f"Jacobian of f: R^{n} -> R^m as m grows (k = {n} "
                            "directions in one chunked pass)", "map", "m", "outputs m",
                            "passes (sweeps for reverse)", "time for the Jacobian [s]")


def measured_boundary(rows: Sequence[dict], key: str = "winner") -> dict[int, int | None]:
    """For each n, the smallest m from which forward mode wins (None if it never does);
    key="winner_chunked" for chunked forward mode.

    >>> measured_boundary([{"n": 1, "m": 1, "winner": "reverse"},
    ...                    {"n": 1, "m": 2, "winner": "forward"}])
    {1: 2}
    """
    out = {}
    for n in sorted({r["n"] for r in rows}):
        wins = sorted(r["m"] for r in rows if r["n"] == n and r.get(key) == "forward")
        out[n] = wins[0] if wins else None
    return out


FILLS = {"forward": "#b6cff4", "reverse": "#f4b6b6"}  # light blue and light red


def _winner_map(ax, rows, suffix, title):
    """Which mode was faster in each (n, m) cell and by how much (* where recommend_mode
    picked the other), the n = m cells framed, the measured boundary drawn."""
    ns, ms = sorted({r["n"] for r in rows}), sorted({r["m"] for r in rows})
    cell = {(r["n"], r["m"]): r for r in rows}
    grid = [[float(cell[n, m]["winner" + suffix] == "forward") if (n, m) in cell else math.nan
             for n in ns] for m in ms]
    ax.imshow(grid, origin="lower", cmap=ListedColormap([FILLS["reverse"], FILLS["forward"]]),
              vmin=0, vmax=1, aspect="auto")
    for (n, m), r in cell.items():
        j, i = ns.index(n), ms.index(m)
        miss = r.get("agrees" + suffix) is False
        ax.text(j, i, f"{r['winner' + suffix][0].upper()} {r['speedup' + suffix]:.1f}x"
                + "*" * miss, ha="center", va="center", fontsize=7,
                fontweight="bold" if miss else "normal")
        if n == m:
            ax.add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, ec="#555555",
                                   ls="--", lw=1.2))
    bound = measured_boundary(rows, "winner" + suffix)
    top = len(ms) - 0.5  # a column where forward never wins: the boundary above the grid
    ys = [top if bound[n] is None else ms.index(bound[n]) - 0.5 for n in ns]
    for j, y in enumerate(ys):
        ax.plot([j - 0.5, j + 0.5], [y, y], color="k", lw=2.5, solid_capstyle="butt")
        if j + 1 < len(ys):
            ax.plot([j + 0.5, j + 0.5], [y, ys[j + 1]], color="k", lw=2.5)
        if bound[ns[j]] is None:
            ax.text(j, top, "forward\nnever wins", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(ns)), [str(n) for n in ns])
    ax.set_yticks(range(len(ms)), [str(m) for m in ms])
    ax.set_xlabel("inputs n")
    ax.set_ylabel("outputs m (reverse mode: m sweeps)")
    agree = [r.get("agrees" + suffix) for r in rows]
    right = f"; recommend_mode right in {sum(agree)} of {len(agree)} cells" \
        if None not in agree else ""
    ax.set_title(title + right, fontsize=9.5, pad=24)


def crossover(results: Results) -> Figure:
    """Heatmaps over (n, m): the faster mode for the full Jacobian and by how much,
    forward with one direction per pass and with the default chunks, each against
    reverse mode; recommend_mode's misses starred."""
    rows = _rows(results)
    chunked = all("winner_chunked" in r for r in rows)
    fig, axes = plt.subplots(1, 1 + chunked, figsize=(7.2 * (1 + chunked), 6.8), squeeze=False)
    axes = list(axes[0])
    _winner_map(axes[0], rows, "", "forward with 1 direction a pass (n passes)\nagainst "
                "reverse (1 recording + m sweeps)")
    if chunked:
        k = max((r["chunk"] for r in rows if r.get("chunk")), default=64)
        _winner_map(axes[1], rows, "_chunked", f"forward with the default chunks (ceil(n / k) "
                    f"passes, k <= {k} directions each)\nagainst reverse (1 recording + m "
                    "sweeps)")
    fig.suptitle("Full Jacobian of tanh(W x): the faster mode and its speed-up (CPU time)",
                 fontsize=12)
    _figure_legend(fig, [], [
        Patch(color=FILLS["forward"], label="forward faster (F)"),
        Patch(color=FILLS["reverse"], label="reverse faster (R)"),
        Line2D([], [], color="k", lw=2.5, label="measured boundary: forward wins above it"),
        Patch(fill=False, ec="#555555", ls="--", label="the n = m cells"),
        Line2D([], [], ls="none", marker="$*$", color="k",
               label="recommend_mode picked the other mode")], ncol=3)
    return fig


MODE_STYLE = {"reverse": (STYLE["reverse"][0], "reverse mode: the whole gradient"),
              "tangent": (STYLE["tangent"][0], "forward mode: one tangent (1 direction)")}


def cheap_gradient(results: Results) -> Figure:
    """ops(grad f)/ops(f) and time(grad f)/time(f) with the theoretical bounds (colour:
    the mode; marker and line: the problem); points above their mode's bound ringed."""
    rows = _rows(results)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    looks = dict(zip(problems, zip("osD^vP", ["-", "--", ":", "-.", "-", "--"])))
    bounds = {r["mode"]: r["bound"] for r in rows}
    fig, axes = _grid(2, "The cheap-gradient principle: a derivative costs a few times f",
                      width=12, height=4.8)
    for ax, y, ylabel in ((axes[0], "work_ratio", "flops(derivative) / flops(f)"),
                          (axes[1], "time_ratio", "time(derivative) / time(f)")):
        above = []
        for mode, (color, _) in MODE_STYLE.items():
            for prob in problems:
                pts = _series(rows, "n", y, problem=prob, mode=mode)
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, ms=5,
                            marker=looks[prob][0], ls=looks[prob][1])
                    above += [p[:2] for p in pts if p[1] > p[2]["bound"]]
            if bounds.get(mode):
                ax.axhline(bounds[mode], color=color, ls=(0, (6, 3)), lw=1)
        if above:
            ax.plot(*zip(*above), ls="none", marker="o", ms=12, mfc="none", mec="k", mew=1.2)
        ax.set_xscale("log")
        ax.set_ylim(0, 1.12 * max([r[y] for r in rows if r.get(y)] + [4.0]))
        ax.grid(True, alpha=0.3)
        ax.set_xlabel("inputs n")
        ax.set_ylabel(ylabel)
        n = sum(1 for r in rows if r.get(y))
        ax.set_title(f"{ylabel}: {len(above)} of {n} points above their mode's bound "
                     "(ringed)", fontsize=10)
    handles = [Line2D([], [], color=c, lw=2, label=label) for c, label in MODE_STYLE.values()]
    handles += [Line2D([], [], color="k", marker=m, ls=ls, label=PROBLEM_TITLES.get(p, p))
                for p, (m, ls) in looks.items()]
    handles += [Line2D([], [], color=MODE_STYLE[mode][0], ls=(0, (6, 3)), lw=1,
                       label=f"{mode}'s theoretical bound: {b:g} (op counts)")
                for mode, b in bounds.items() if mode in MODE_STYLE]
    handles += [Line2D([], [], ls="none", marker="o", ms=10, mfc="none", mec="k",
                       label="above its mode's bound")]
    _figure_legend(fig, [], handles, "the bounds count operations; the times add "
                   "Python's overhead per operation, which weighs most at small n", ncol=4)
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
                                        ("sweep_peak_bytes", "#8c564b", "x",
                                         "reverse: peak, adkit.memory's model"),
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
    _figure_legend(fig, axes, note="numbers at the line ends: fitted log-log slopes")
    return fig


CHECKPOINT_STYLE = {"store_all": ("#d62728", "^", "store all (plain grad)"),
                    "sqrt": ("#ff7f0e", "D", "every sqrt(l) steps (checkpoint)"),
                    "revolve": ("#1f77b4", "o", "revolve, s snapshots")}


def checkpointing(results: Results) -> Figure:
    """Memory against recomputation for one chain: store-all, every-sqrt(l) blocks and
    revolve with s snapshots; measured bytes beside the theoretical counts, and time."""
    rows = _rows(results)
    steps = rows[0]["steps"] if rows else 1
    fig, axes = _grid(2, f"Checkpointing a chain of l = {steps} steps: memory for "
                      "recomputation", width=13, height=5.0)
    ax = axes[0]
    for strategy, (color, marker, _) in CHECKPOINT_STYLE.items():
        pts = sorted((r["step_evals"] / r["steps"], r) for r in rows
                     if r["strategy"] == strategy)
        xs = [x for x, _ in pts]
        ax.plot(xs, [r["held_states"] for _, r in pts], color=color, marker=marker, ms=6)
        ax.plot(xs, [r["peak_states"] for _, r in pts], color=color, marker=marker, ms=6,
                mfc="white", ls="--")
        ax.plot([1 + r["theory_extra_steps"] / r["steps"] for _, r in pts],
                [r["theory_held_arrays"] for _, r in pts], color="k", marker="x", ms=5,
                ls="none")
        labelled = sorted(pts, key=lambda p: p[1]["snapshots"] or 0)
        for x, r in labelled[:4] + labelled[4:][-1:]:  # of the crowded high s, the last
            if r["strategy"] == "revolve":
                ax.annotate(f"s={r['snapshots']}", (x, r["held_states"]), fontsize=7,
                            xytext=(2, -11) if r["snapshots"] <= 4 else (-24, 4),
                            textcoords="offset points")
    _loglog(ax, "memory against step evaluations", "step evaluations / l "
            "(store all: 1; checkpoint blocks: 2; revolve: 1 + t(l, s) / l)",
            "memory [states of n floats]")
    kinds = [Line2D([], [], color="k", marker="o", label="held by the sweep: tapes "
                    "(nbytes) + snapshots"),
             Line2D([], [], color="k", marker="o", mfc="white", ls="--",
                    label="peak while computing the gradient (tracemalloc)"),
             Line2D([], [], color="k", marker="x", ls="none", label="theory: t(l, s) and "
                    "arrays held")]
    ax.legend(handles=[Patch(color=c, label=label) for c, _, label in
                       CHECKPOINT_STYLE.values()] + kinds, fontsize=7, loc="upper right")
    ax = axes[1]
    base = next((r["time"] for r in rows if r["strategy"] == "store_all"), None)
    if base:
        for strategy, (color, marker, label) in CHECKPOINT_STYLE.items():
            pts = sorted((r["step_evals"] / r["steps"], r["time"] / base) for r in rows
                         if r["strategy"] == strategy)
            if pts:
                ax.plot(*zip(*pts), color=color, marker=marker, ms=6, label=label)
        most = max(r["step_evals"] / r["steps"] for r in rows)
        ax.plot([1, most], [1, most], color="#7f7f7f", ls=":", lw=1,
                label="time proportional to step evaluations")
    _loglog(ax, "time of the gradient (medians)", "step evaluations / l",
            "time / time(store all)")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


REPLAY_STYLE = {"eager": ("#d62728", "^", "adkit.grad (traces f every call)"),
                "tape": ("#9467bd", "D", "adkit.record, replayed (tape.grad)"),
                "by_hand": ("#222222", "o", "numpy by hand"),
                "jax_jit": STYLE["jax_jit"][:3]}


def replay(results: Results) -> Figure:
    """time(gradient)/time(numpy loss) against n: eager reverse mode, a replayed tape,
    the hand-written gradient and JAX jit (when installed)."""
    rows = _rows(results)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    fig, axes = _grid(len(problems), "A tape recorded once and replayed against eager "
                      "reverse mode: what a gradient costs relative to the loss", height=5.0)
    for ax, prob in zip(axes, problems):
        for method, (color, marker, label) in REPLAY_STYLE.items():
            pts = _series(rows, "n", "ratio", problem=prob, method=method)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, marker=marker,
                        ms=5, label=label)
        _loglog(ax, PROBLEM_TITLES.get(prob, prob), "inputs n",
                "time(gradient) / time(numpy loss)\n(log scale; lower is better)")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    missing = sorted({r["method"] for r in rows if r.get("note")})
    _figure_legend(fig, axes, ncol=2, note=("not installed, so not drawn: " + ", ".join(
        REPLAY_STYLE[m][2] for m in missing)) if missing else None)
    return fig


from .plot_peers import peers  # noqa: E402 (its chart is built from the helpers above)

CHARTS = {  # figure file stem -> (experiment whose results it draws, chart function)
    "loss_scaling": ("loss_scaling", loss_scaling),
    "gradient_ratio": ("loss_scaling", gradient_ratio),
    "output_scaling": ("output_scaling", output_scaling),
    "crossover": ("crossover", crossover),
    "cheap_gradient": ("cheap_gradient", cheap_gradient),
    "tape_memory": ("tape_memory", tape_memory),
    "hessian_scaling": ("hessian_scaling", hessian_scaling),
    "checkpointing": ("checkpointing", checkpointing),
    "replay": ("replay", replay),
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
