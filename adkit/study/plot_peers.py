"""The peers chart: adkit and the peer libraries on the same workloads (a part of
adkit.study.plot, which it is drawn with)."""
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from .peers import LABELS
from .plot import STYLE, Results, _figure_legend, _grid, _loglog, _missing_peers, _rows

PEER_COLORS = {"adkit": STYLE["reverse"][0], "adkit_tensor": "#ff9896", "numpy": "#222222",
               "autograd": STYLE["autograd"][0], "micrograd": "#9467bd",
               "torch": STYLE["torch"][0], "jax": STYLE["jax"][0], "jax_jit": STYLE["jax_jit"][0]}


def _times_axis(axis):
    """A log axis of ratios or times labelled in plain numbers (0.5, 1, 2, 5, 10, ...)."""
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _why_not(r):
    """A short reason a present library has no value: its error, or 'skipped'."""
    return r.get("error") or ("skipped (time)" if "skipped" in (r.get("note") or "") else "-")


def _library_bars(ax, bars, title, xlabel):
    """Horizontal bars on a log axis, one per (library, value or None, text)."""
    for i, (lib, value, text) in enumerate(bars):
        if value:
            ax.barh(i, value, color=PEER_COLORS[lib])
        ax.text(value or 0.01, i, f" {text}", va="center", fontsize=7,
                transform=ax.transData if value else ax.get_yaxis_transform())
    ax.set_yticks(range(len(bars)), [LABELS.get(lib, lib) for lib, _, _ in bars], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, axis="x", alpha=0.3)


def peers(results: Results) -> Figure:
    """adkit against its peers, measured in one run: grad/loss per workload, per-op
    overhead, time per op of deep scalar chains and the deepest chain each library
    differentiates. A library that is not installed is named, not left as an empty slot."""
    rows = _rows(results)
    ran = [r for r in rows if not (r.get("note") or "").startswith("not installed")]
    libs = [lib for lib in PEER_COLORS if any(r["library"] == lib for r in ran)]
    fig, axes = _grid(4, "adkit and its peers on the same workloads, measured in one run",
                      width=14, height=4.6)
    ax = axes[0]  # gradient / own loss, a group of bars per workload
    groups = list(dict.fromkeys((r["workload"], r["size"]) for r in ran
                                if r["workload"] != "deep_chain"))
    for g, key in enumerate(groups):
        here = [r for lib in libs for r in ran if (r["workload"], r["size"]) == key
                and r["library"] == lib]
        width = 0.8 / len(here)
        for i, r in enumerate(here):
            x = g + (i - (len(here) - 1) / 2) * width
            if r.get("ratio"):
                ax.bar(x, r["ratio"], width, color=PEER_COLORS[r["library"]])
                ax.text(x, r["ratio"], f"{r['ratio']:.2g}", ha="center", va="bottom",
                        fontsize=6)
            else:
                ax.text(x, 1, _why_not(r), rotation=90, ha="center", va="bottom", fontsize=6)
    ax.set_xticks(range(len(groups)), [f"{w}\n{s}" for w, s in groups], fontsize=8)
    ax.set_yscale("log")
    _times_axis(ax.yaxis)
    ax.set_ylabel("time(gradient) / time(loss)\n(log scale; lower is better)")
    ax.set_title("what a gradient costs relative to its own loss, same library", fontsize=10)
    ax.grid(True, axis="y", alpha=0.3)
    chain = {r["library"]: r for r in ran if r["workload"] == "chain"}
    size = next(iter(chain.values()))["size"] if chain else "?"
    _library_bars(axes[1], [(lib, r.get("per_op") and r["per_op"] * 1e6,
                             f"{r['per_op'] * 1e6:.3g} us" if r.get("per_op") else _why_not(r))
                            for lib in libs if (r := chain.get(lib))],
                  f"per-op overhead: a chain of {size} ops on float64[8]",
                  "microseconds per op, gradient (log scale)")
    _times_axis(axes[1].xaxis)
    axes[1].margins(x=0.25)
    ax = axes[2]  # deep scalar chains: time per op, and where each failed
    deep = [r for r in ran if r["workload"] == "deep_chain"]
    for lib in libs:
        pts = sorted((r["size"], r["per_op"] * 1e6) for r in deep
                     if r["library"] == lib and r.get("per_op"))
        if pts:
            ax.plot(*zip(*pts), marker="o", ms=4, color=PEER_COLORS[lib],
                    label=LABELS.get(lib, lib))
        failed = sorted(r["size"] for r in deep if r["library"] == lib and r.get("error")
                        and not (r.get("note") or "").startswith("not run"))
        if failed and pts:
            ax.plot(failed[0], pts[-1][1], marker="X", ms=9, color=PEER_COLORS[lib], ls="none")
            ax.annotate(next(r["error"] for r in deep if r["library"] == lib
                             and r["size"] == failed[0]), (failed[0], pts[-1][1]),
                        xytext=(6, 0), textcoords="offset points", fontsize=7, va="center")
    _loglog(ax, "", "chain length (ops)", "microseconds per op, gradient")
    ax.set_title("deep scalar chains: time per op (X: backward failed there)", fontsize=10)
    _times_axis(ax.yaxis)
    tried, bars = max((r["size"] for r in deep), default=1), []
    for lib in [lib for lib in libs if any(r["library"] == lib for r in deep)]:
        mine = [r for r in deep if r["library"] == lib]
        done = max((r["size"] for r in mine if r.get("time_grad") is not None), default=None)
        fail = min((r for r in mine if r.get("error")), key=lambda r: r["size"], default=None)
        why = (f"{fail['error']} at {fail['size']:,}" if fail else "largest tried"
               if done == tried else "deeper: skipped for time")
        bars.append((lib, done, f"{done or 0:,} ({why})"))
    _library_bars(axes[3], bars, "the deepest chain each library's backward completes",
                  "deepest chain differentiated (ops, log scale)")
    axes[3].set_xlim(1, tried * 30)
    handles = [Patch(color=PEER_COLORS[lib], label=LABELS.get(lib, lib)) for lib in libs]
    notes = [n for n in [_missing_peers(rows, "library"), "a library without a version of a "
                         "workload has no bar there"] if n]
    _figure_legend(fig, [], handles, "; ".join(notes), ncol=len(handles))
    return fig
