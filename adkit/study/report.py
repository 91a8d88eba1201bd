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
    "tiny arrays; it falls towards the bound of 4 as f's arithmetic grows. "
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


def _boundary_text(rows, key):
    from .plot import measured_boundary  # the same definition the chart draws
    return ", ".join(f"n={n}: m>={m}" if m is not None else f"n={n}: never"
                     for n, m in measured_boundary(rows, key).items())


def crossover(rows: Sequence[dict]) -> str:
    """The crossover section: how often recommend_mode picked the winner, and the boundary.

    >>> print(crossover([{"n": 1, "m": 1, "winner": "reverse", "speedup": 1.2,
    ...                   "predicted": "reverse", "agrees": True, "agrees_by_passes": False}]))
    recommend_mode picked the faster mode in 1 of 1 cells (100%) ...
    """
    n = len(rows)
    agree, by_passes = sum(r["agrees"] for r in rows), sum(r["agrees_by_passes"] for r in rows)
    text = (f"recommend_mode picked the faster mode in {agree} of {n} cells "
            f"({100 * agree / n:.0f}%) with one direction per forward pass; the pass-count "
            f"rule alone (forward when n <= m) in {by_passes} of {n} "
            f"({100 * by_passes / n:.0f}%). Its cost model times one forward pass, one "
            "recording and one sweep of f (CPU time, the fastest of a few) and scales them "
            "by the passes each mode makes, so a tie n = m goes to the cheaper of a pass and "
            "a sweep. The times here are CPU seconds (time.process_time), which other "
            "programs on the machine do not inflate. ")
    wrong = [r for r in rows if not r["agrees"]]
    if wrong:
        worst = max(wrong, key=lambda r: r["speedup"])
        text += (f"Where it missed, the faster mode won by at most {_x(worst['speedup'])} "
                 f"(n = {worst['n']}, m = {worst['m']}). ")
    text += ("Measured boundary, the smallest m at which forward mode wins for each n: "
             f"{_boundary_text(rows, 'winner')}. ")
    big = max(rows, key=lambda r: r["speedup"])
    text += (f"The largest speed-up was {_x(big['speedup'])} ({big['winner']} mode, "
             f"n = {big['n']}, m = {big['m']}).")
    chunked = [r for r in rows if r.get("winner_chunked")]
    if chunked:
        wins = sum(r["winner_chunked"] == "forward" for r in chunked)
        right = sum(r["agrees_chunked"] for r in chunked)
        ks = sorted({r["chunk"] for r in chunked})
        text += (f"\n\nWith the default chunks (one pass of n directions up to n = 64, "
                 f"else ceil(n / 64) equal passes; here k <= {ks[-1]}), forward mode beat "
                 f"reverse mode in {wins} of "
                 f"{len(chunked)} cells, and recommend_mode picked the faster in {right} of "
                 f"{len(chunked)} ({100 * right / len(chunked):.0f}%). Measured boundary: "
                 f"{_boundary_text(chunked, 'winner_chunked')}.")
    return text + "\n\nEvery cell's times, estimates and predictions are in crossover.csv."


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
            "a dual number forgets each op once it is done, a tape cannot."
            + _sweep_peak_note(last))


def _sweep_peak_note(row: dict) -> str:
    """adkit.memory's accounting beside what tracemalloc measured (older results lack it)."""
    if "sweep_peak_bytes" not in row:
        return ""
    return (f" adkit.memory's model of the sweep's peak (the residuals plus the adjoints "
            f"alive at once) is {_fmt_b(row['sweep_peak_bytes'])} against the "
            f"{_fmt_b(row['peak_reverse'])} tracemalloc measured for the whole gradient; the "
            f"same chain built with adkit.Tensor keeps {row['tensor_records']} records and "
            f"{_fmt_b(row['tensor_array_bytes'])} of arrays, and a replayed tape "
            f"(adkit.record) keeps {_fmt_b(row['replay_tape_bytes'])} for a sweep.")


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


def checkpointing(rows: Sequence[dict]) -> str:
    """The checkpointing section: step evaluations, memory and time of each strategy."""
    first = rows[0]
    steps, state = first["steps"], first["state_bytes"]
    base = next((r["time"] for r in rows if r["strategy"] == "store_all"), None)
    names = {"store_all": "store all", "sqrt": "every sqrt(l) steps", "revolve": "revolve"}
    table = ["| strategy | extra step evaluations (theory) | held by the sweep [states] "
             "(theory) | peak [states] | time |", "|---|---|---|---|---|"]
    for r in rows:
        label = names[r["strategy"]] + (f", s = {r['snapshots']}" if r["snapshots"] else
                                        f" ({r['blocks']} blocks)" if r.get("blocks") else "")
        ratio = f" ({_x(r['time'] / base)})" if base else ""
        table.append(f"| {label} | {r['extra_steps']} ({r['theory_extra_steps']}) | "
                     f"{r['held_states']:.3g} ({r['theory_held_arrays']}) | "
                     f"{r['peak_states']:.3g} | {_fmt_t(r['time'])}{ratio} |")
    agree = sum(r["extra_steps"] == r["theory_extra_steps"] == r["tanh_evals"] - steps
                for r in rows)
    text = (f"One chain, x_(k+1) = x_k + h tanh(w x_k), l = {steps} steps on "
            f"n = {first['n']} floats ({_fmt_b(state)} a state, the unit below), its "
            "gradient with respect to x_0 and w by store-all (plain grad), "
            "adkit.checkpoint on blocks of about sqrt(l) steps, and revolve "
            "(adkit.checkpointing.chain_value_and_grad) with s snapshots. Every strategy gave "
            f"the store-all gradient (largest relative difference "
            f"{max(r['max_error'] for r in rows):.1g}). The measured extra step evaluations "
            f"matched the theory (t(l, s) for revolve) in {agree} of {len(rows)} cells, "
            "counted twice: calls of the step function and adkit.count()'s tanh "
            "evaluations. Held by the sweep: the tapes' bytes by Recording.nbytes() plus "
            "the snapshots, against the theory's arrays (4 a recorded step, 1 for the loss, "
            "1 a snapshot); peak: tracemalloc while the gradient is computed.")
    rev = sorted(_by(rows, strategy="revolve"), key=lambda r: r["snapshots"])
    if len(rev) > 1:
        lo, hi = rev[0], rev[-1]
        per = (hi["peak_states"] - lo["peak_states"]) / (hi["snapshots"] - lo["snapshots"])
        text += (f" Each snapshot cost {per:.2f} states of peak; the rest of revolve's "
                 f"peak, {lo['peak_states'] - lo['snapshots']:.3g} states whatever s, is the "
                 "working set of one recorded step (vjp's private copies of x and w, the "
                 "step's records, the pullback's temporaries, the adjoints).")
    every = next((r for r in rows if r["strategy"] == "sqrt"), None)
    if base and every and every["time"] < base:
        text += (f" Recomputing was faster than storing here: every-sqrt(l) evaluated each "
                 f"step twice in {_x(every['time'] / base)} store-all's time, which pays for "
                 f"allocating a {_fmt_b(first['state_bytes'] * rows[0]['held_states'])} tape.")
    return text + "\n\n" + "\n".join(table)


def replay(rows: Sequence[dict]) -> str:
    """The replay section: grad/loss for each method at the smallest and largest n."""
    lines = []
    for prob in dict.fromkeys(r["problem"] for r in rows):
        for method in dict.fromkeys(r["method"] for r in rows):
            pts = sorted((r for r in _by(rows, problem=prob, method=method) if r.get("ratio")),
                         key=lambda r: r["n"])
            if pts:
                lines.append(f"- {prob.replace('_', ' ')}, {method}: {_x(pts[0]['ratio'])} at "
                             f"n = {pts[0]['n']}, {_x(pts[-1]['ratio'])} at n = {pts[-1]['n']}")
    return ("A replayed tape skips the tracing of f (no boxes, no dispatch) and, from its "
            "second call, runs a compiled sweep (adkit.program): its reverse sweep recorded "
            "once as the numpy calls the rules make, without the loss's own ops, with big "
            "arrays written into dying buffers. The gap to eager reverse mode is tracing and "
            "rule overhead; the gap to the hand-written gradient is what remains of it (one "
            "check of the inputs per call, ops a person would fuse). "
            "time(gradient)/time(numpy loss):\n\n" + "\n".join(lines))


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
    ("checkpointing", "checkpointing", "Checkpointing: memory for recomputation",
     checkpointing),
    ("replay", "replay", "Replayed tapes against eager reverse mode", replay),
    ("peers", "peers", "adkit against its peers", peers),
]


def how_modes_work(figures_dir: Any = DEFAULT_FIGURES, out: Any = REPORT) -> list[str]:
    """The report's first section: Baydin et al.'s running example traced by both modes
    (adkit.explain), with the figures/modes.png picture when it has been drawn.

    >>> how_modes_work("no_figures")[0]
    '## How each mode works'
    """
    from ..explain import expression, modes, trace
    f = expression(modes.RUNNING)
    fwd, rev = modes.counts(f, *modes.AT)
    parts = ["## How each mode works", "",
             "The running example of Baydin et al. (2018), f(x1, x2) = ln x1 + x1 x2 - sin x2 "
             "at (2, 5), as adkit's engines ran it. Forward mode carries a tangent along "
             "with each value: one pass gives the derivative along one input, so the "
             "gradient takes one pass per input. Reverse mode records the forward pass "
             "once, then one backward sweep carries the adjoint of the output back to every "
             f"input at once. {modes.counts_line(fwd, rev)}.", ""]
    png = Path(figures_dir) / "modes.png"
    if png.exists():
        parts += [f"![How each mode works]({os.path.relpath(png, Path(out).parent)})", ""]
    for mode in ("forward", "reverse"):
        parts += [trace(f, *modes.AT, mode=mode).to_markdown()]
    return parts


def generate(results_dir: Any = DEFAULT_RESULTS, figures_dir: Any = DEFAULT_FIGURES,
             out: Any = REPORT) -> str:
    """The report's Markdown text, from the results (and figures) found on disk.

    >>> generate("no_results").splitlines()[0]
    '# adkit: forward mode vs reverse mode, measured'
    """
    out = Path(out)
    rel = os.path.relpath(results_dir, out.parent)
    parts = [TITLE, "", f"Generated by `adkit report` from the results in `{rel}/`; do not "
             "edit by hand.", ""]
    parts += how_modes_work(figures_dir, out)
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
                  "not across machines" + (
                      "; glibc's malloc thresholds were pinned (adkit.study.allocator), so "
                      "big arrays do not page-fault by the allocator's history"
                      if meta.get("malloc_pinned") else "") +
                  ". Each experiment's exact parameters are in its results JSON.", "",
                  f"The numbers behind each chart are in `{rel}/<experiment>.csv`: one "
                  "header line, then a row per cell (`csv.DictReader` or "
                  "`pandas.read_csv` read it as it is). Each experiment's module docstring "
                  "lists its columns: `python -m pydoc adkit.study.experiments.<experiment>`"
                  ", or the README's *Results anyone can load*.", ""]
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
