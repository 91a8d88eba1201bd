"""The generated report: every chart, with what the measured numbers say under it.

`write()` turns experiments/results/ (and experiments/figures/) into experiments/REPORT.md;
each section's explainer turns one experiment's rows into sentences:

>>> from adkit.study import report
>>> print(report.hessian_scaling([{"n": 4, "method": "hvp", "forward_passes": 1,
...                                "recordings": 1, "reverse_passes": 1, "time": 2e-4}]))
hvp made 1 forward pass, 1 recording and 1 sweep at every n (here n = 4, 200 us).
"""
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .experiments.loss_scaling import PEERS
from .experiments.peers import body as peers_table
from .harness import fit_slope
from .peers import LABELS
from .store import DEFAULT_FIGURES, DEFAULT_RESULTS, load, write_atomic

TITLE = "# adkit: forward mode vs reverse mode, measured"
REPORT = Path("experiments") / "REPORT.md"

# The paragraph that opens a section, before its measured numbers.
_INTRO = {
    "loss_scaling": "Reverse mode's gradient costs a roughly constant multiple of f at every "
    "n — the cheap-gradient principle — while forward mode and differences cost a multiple "
    "that grows like n. For small n the multiple is dominated by adkit's per-op overhead on "
    "tiny arrays; it falls towards the 1-4x band as f's arithmetic grows. "
    "time(gradient)/time(f) for reverse mode:",
    "cheap_gradient": "ops(grad f)/ops(f) counts every primitive applied to data that depends "
    "on x, the rules' own arithmetic included, weighted by elements (matmul by its "
    "multiply-adds). The textbook bounds count memory moves too; in pure flops a product's "
    "tangent (u'v + uv') costs 3 operations against 1, which is why product-heavy functions "
    "can sit above 2.5.",
}


def _fmt_t(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.3g} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} us"


def _fmt_b(nbytes):
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= size:
            return f"{nbytes / size:.3g} {unit}"
    return f"{nbytes:.0f} B"


def _x(v):
    return f"{v:.3g}x"


def _by(rows, **match):
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def _slope(rows, x, y):
    pts = sorted((r[x], r[y]) for r in rows if r.get(y))
    s = fit_slope([p[0] for p in pts], [p[1] for p in pts])
    return None if s is None else (0.0 if abs(s) < 0.005 else s)


def _passes(r):
    return {"finite_differences": r.get("evaluations"), "reverse": r.get("reverse_passes")
            }.get(r["method"], r.get("forward_passes"))


def _versus_peers(at, rev):
    """' PyTorch took 1.3x adkit's reverse-mode time, JAX jit 0.2x.' (the peers that ran)."""
    ran = [(LABELS[m], at[m]["time"] / rev["time"]) for m in PEERS
           if (at.get(m) or {}).get("time")]
    if not ran:
        return ""
    return (f" {ran[0][0]} took {_x(ran[0][1])} adkit's reverse-mode time"
            + "".join(f", {label} {_x(v)}" for label, v in ran[1:]) + ".")


def loss_scaling(rows: Sequence[dict]) -> str:
    """The loss_scaling section: each method's passes and time at the largest n, and slopes."""
    lines = []
    methods = list(dict.fromkeys(r["method"] for r in rows))
    for prob in dict.fromkeys(r["problem"] for r in rows):
        pr = _by(rows, problem=prob)
        n = max(r["n"] for r in pr)
        at = {r["method"]: r for r in pr if r["n"] == n}
        rev = at.get("reverse")
        fwd = at.get("forward_chunk1")
        parts = []
        if rev:
            parts.append(f"reverse mode took {rev['recordings']} recording and "
                         f"{rev['reverse_passes']} sweep, {_fmt_t(rev['time'])} = "
                         f"{_x(rev['ratio'])} the time of f")
        if fwd:
            how = "extrapolated from timed passes to" if fwd["extrapolated"] else "took"
            parts.append(f"forward mode with 1 direction per pass made {fwd['forward_passes']}"
                         f" passes and {how} {_fmt_t(fwd['time'])}"
                         + (f" ({_x(fwd['time'] / rev['time'])} reverse mode)" if rev else ""))
        chunked = at.get("forward_chunked")
        if chunked:
            parts.append(f"with {chunked['chunk']} directions per pass, "
                         f"{chunked['forward_passes']} passes and {_fmt_t(chunked['time'])}")
        fd = at.get("finite_differences")
        if fd:
            parts.append(f"central differences: {fd['evaluations']} evaluations of f, "
                         f"{_fmt_t(fd['time'])}, max error {fd['max_error']:.2g}")
        slopes = ", ".join(
            f"{m.replace('_', ' ')} {s:.2f}" for m in methods
            if (s := _slope([dict(r, p=_passes(r)) for r in _by(pr, method=m)], "n", "p"))
            is not None)
        tslopes = ", ".join(f"{m.replace('_', ' ')} {s:.2f}" for m in methods
                            if (s := _slope(_by(pr, method=m), "n", "time")) is not None)
        lines.append(f"- **{prob.replace('_', ' ')}**, at n = {n}: " + "; ".join(parts) +
                     "." + (_versus_peers(at, rev) if rev else "") +
                     f" Fitted slopes of passes against n: {slopes}; of time: {tslopes}.")
    return ("Passes grow like n for finite differences and forward mode (slope 1) and stay "
            "at 1 for reverse mode (slope 0); the time follows the passes once the arrays "
            "are large enough for the arithmetic to outweigh Python's per-operation "
            "overhead.\n\n" + "\n".join(lines))


def gradient_ratio(rows: Sequence[dict]) -> str:
    """The gradient_ratio section: reverse mode's time(gradient)/time(f) at both ends."""
    rev = _by(rows, method="reverse")
    if not rev:
        return ""
    lines = []
    for prob in dict.fromkeys(r["problem"] for r in rev):
        pr = sorted(_by(rev, problem=prob), key=lambda r: r["n"])
        lines.append(f"- {prob.replace('_', ' ')}: {_x(pr[0]['ratio'])} at n = {pr[0]['n']}, "
                     f"{_x(pr[-1]['ratio'])} at n = {pr[-1]['n']}")
    return _INTRO["loss_scaling"] + "\n\n" + "\n".join(lines)


def output_scaling(rows: Sequence[dict]) -> str:
    """The output_scaling section: sweeps against passes at the largest m, and slopes."""
    lines = []
    for name in dict.fromkeys(r["map"] for r in rows):
        mr = _by(rows, map=name)
        m = max(r["m"] for r in mr)
        at = {r["method"]: r for r in mr if r["m"] == m}
        rev, fwd = at.get("reverse"), at.get("forward_chunk1")
        if rev and fwd:
            lines.append(
                f"- **{name.replace('_', ' ')}** at m = {m}: reverse mode made "
                f"{rev['reverse_passes']} sweeps in {_fmt_t(rev['time'])}, forward mode "
                f"{fwd['forward_passes']} passes in {_fmt_t(fwd['time'])} "
                f"({_x(rev['time'] / fwd['time'])} faster); time slopes against m: reverse "
                f"{_slope(_by(mr, method='reverse'), 'm', 'time'):.2f}, forward "
                f"{_slope(_by(mr, method='forward_chunk1'), 'm', 'time'):.2f}.")
    n = rows[0]["n"] if rows else "?"
    return (f"With n = {n} inputs fixed, forward mode's passes do not depend on m while "
            "reverse mode needs one sweep per output: tall Jacobians belong to forward "
            "mode.\n\n" + "\n".join(lines))


def crossover(rows: Sequence[dict]) -> str:
    """The crossover section: how often recommend_mode was right, and the boundary."""
    from .plot import measured_boundary  # the same definition the chart draws
    agree = sum(r["agrees"] for r in rows)
    bound = measured_boundary(rows)
    desc = ", ".join(f"n={n}: m>={m}" if m is not None else f"n={n}: never"
                     for n, m in bound.items())
    wrong = [r for r in rows if not r["agrees"]]
    worst = max(wrong, key=lambda r: r["speedup"]) if wrong else None
    text = (f"The prediction (forward when n <= m, from the pass counts alone) matched the "
            f"measured winner in {agree} of {len(rows)} cells. Measured boundary — the "
            f"smallest m at which forward mode wins, for each n: {desc}. ")
    if worst:
        rev_won = sum(r["winner"] == "reverse" for r in wrong)
        text += (f"Where it missed, the faster mode won by at most {_x(worst['speedup'])} "
                 f"(n = {worst['n']}, m = {worst['m']}). In {rev_won} of the {len(wrong)} "
                 "misses reverse mode won where forward was predicted: a reverse sweep "
                 "costs less than a forward pass of one direction here, which moves the "
                 "measured boundary above the diagonal n = m. ")
    big = max(rows, key=lambda r: r["speedup"])
    chunk_wins = sum(r["winner_with_chunks"] == "forward_chunked" for r in rows)
    return text + (f"The largest speed-up was {_x(big['speedup'])} ({big['winner']} mode, "
                   f"n = {big['n']}, m = {big['m']}). With k directions per forward pass "
                   f"(chunked), forward mode beat reverse mode in {chunk_wins} of {len(rows)} "
                   "cells.")


def cheap_gradient(rows: Sequence[dict]) -> str:
    """The cheap_gradient section: the flop and time ratios against their bounds."""
    lines = []
    for mode in ("reverse", "tangent"):
        mr = _by(rows, mode=mode)
        if not mr:
            continue
        lo, hi = min(mr, key=lambda r: r["work_ratio"]), max(mr, key=lambda r: r["work_ratio"])
        over = [r for r in mr if not r["within_bound"]]
        lines.append(
            f"- **{mode}**: flops ratio from {hi['work_ratio']:.3g} "
            f"({hi['problem'].replace('_', ' ')}) down to {lo['work_ratio']:.3g} "
            f"({lo['problem'].replace('_', ' ')}); bound {mr[0]['bound']}: "
            + ("all within." if not over else
               f"exceeded by {', '.join(sorted({r['problem'].replace('_', ' ') for r in over}))} "
               f"(up to {max(r['work_ratio'] for r in over):.3g})."))
        lines.append(f"  time ratio from {min(r['time_ratio'] for r in mr):.3g} to "
                     f"{max(r['time_ratio'] for r in mr):.3g}.")
    return _INTRO["cheap_gradient"] + "\n\n" + "\n".join(lines)


def tape_memory(rows: Sequence[dict]) -> str:
    """The tape_memory section: bytes per recorded op against forward mode's flat peak."""
    ops = sorted(_by(rows, sweep="ops"), key=lambda r: r["records"])
    if not ops:
        return ""
    last = ops[-1]
    per = last["tape_bytes"] / last["records"]
    record = last["tape_overhead_bytes"] / last["records"]
    forward_peaks = [r["peak_forward"] for r in ops]
    return (f"At n = {last['n']} floats ({_fmt_b(last['array_bytes'])} an array), the tape "
            f"held {_fmt_b(last['tape_bytes'])} for {last['records']} recorded ops: "
            f"{_fmt_b(per)} per op, of which {_fmt_b(record)} "
            f"is the record itself. Slope of tape bytes against ops: "
            f"{_slope(ops, 'records', 'tape_bytes'):.2f}. Forward mode's peak stayed at "
            f"{_fmt_b(min(forward_peaks))}-{_fmt_b(max(forward_peaks))} "
            f"whatever the number of ops (slope {_slope(ops, 'records', 'peak_forward'):.2f}): "
            "a dual number forgets each op once it is done, a tape cannot.")


def hessian_scaling(rows: Sequence[dict]) -> str:
    """The hessian_scaling section: hvp's passes against each full Hessian's."""
    n = max(r["n"] for r in rows)
    at = {r["method"]: r for r in rows if r["n"] == n}
    parts = []
    if "hvp" in at:
        hv = at["hvp"]
        parts.append(f"hvp made {hv['forward_passes']} forward pass, {hv['recordings']} "
                     f"recording and {hv['reverse_passes']} sweep at every n (here "
                     f"n = {n}, {_fmt_t(hv['time'])})")
    if "hessian_fwd_rev_chunk1" in at:
        h = at["hessian_fwd_rev_chunk1"]
        parts.append(f"the full Hessian by forward over reverse made {h['forward_passes']} "
                     f"passes ({_fmt_t(h['time'])}, {_x(h['time'] / at['hvp']['time'])} the hvp)"
                     if "hvp" in at else "")
    if "hessian_fwd_rev_chunked" in at:
        h = at["hessian_fwd_rev_chunked"]
        parts.append(f"chunked, {h['forward_passes']} passes ({_fmt_t(h['time'])})")
    if "hessian_rev_rev" in at:
        h = at["hessian_rev_rev"]
        parts.append(f"reverse over reverse: {h['recordings']} recordings and "
                     f"{h['reverse_passes']} sweeps ({_fmt_t(h['time'])})")
    return "; ".join(p for p in parts if p) + "."


def peers(rows: Sequence[dict]) -> str:
    """The peers section: the same table as results/peers.md."""
    return peers_table(rows)


SECTIONS = [  # (chart stem, experiment, heading, explainer)
    ("loss_scaling", "loss_scaling", "Gradients of losses as n grows", loss_scaling),
    ("gradient_ratio", "loss_scaling", "What a gradient costs relative to f", gradient_ratio),
    ("output_scaling", "output_scaling", "Jacobians as the number of outputs grows",
     output_scaling),
    ("crossover", "crossover", "Where forward mode starts to win", crossover),
    ("cheap_gradient", "cheap_gradient", "The cheap-gradient principle", cheap_gradient),
    ("tape_memory", "tape_memory", "Memory: the tape against dual numbers", tape_memory),
    ("hessian_scaling", "hessian_scaling", "Second order: hvp against the full Hessian",
     hessian_scaling),
    ("peers", "peers", "adkit against its peers", peers),
]


def generate(results_dir: Any = DEFAULT_RESULTS, figures_dir: Any = DEFAULT_FIGURES,
             out: Any = REPORT) -> str:
    """The report's Markdown text, from the results (and figures) found on disk.

    >>> generate("no_results").splitlines()[0]
    '# adkit: forward mode vs reverse mode, measured'
    """
    out = Path(out)
    parts = [TITLE, "", "Generated by `adkit report` from the results in "
             f"`{os.path.relpath(results_dir, out.parent)}/`; do not edit by hand.", ""]
    meta = None
    for stem, experiment, heading, explain in SECTIONS:
        path = Path(results_dir) / f"{experiment}.json"
        if not path.exists():
            continue
        data = load(experiment, results_dir)
        meta = meta or data["meta"]
        parts += [f"## {heading}", ""]
        png = Path(figures_dir) / f"{stem}.png"
        if png.exists():
            parts += [f"![{heading}]({os.path.relpath(png, out.parent)})", ""]
        parts += [explain(data["rows"]) if data["rows"] else "(no results)", ""]
    if meta:
        parts += ["## How these numbers were made", "",
                  f"Measured on {meta['date']}: adkit {meta['adkit']}, numpy {meta['numpy']}, "
                  f"Python {meta['python']}, {meta['platform']} ({meta['cpu_count']} CPUs). "
                  "Times are medians over repeats; compare them as ratios within a run, "
                  "not across machines. Each experiment's exact parameters are in its "
                  "results JSON.", ""]
    return "\n".join(parts)


def write(results_dir: Any = DEFAULT_RESULTS, figures_dir: Any = DEFAULT_FIGURES,
          out: Any = REPORT) -> Path:
    """Write the report atomically; returns its path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write("no_results", out=Path(tmp) / "REPORT.md").name
    'REPORT.md'
    """
    write_atomic(out, generate(results_dir, figures_dir, out))
    return Path(out)
