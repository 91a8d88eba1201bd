"""Both modes on one picture: for f: R^n -> R, n forward passes (one per input, each a
full pass over the same graph, tangents seeded on that input) against one reverse sweep
(the adjoints of every variable at once), with what adkit.count() saw each mode do.

The running example is Baydin et al.'s f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5):

>>> fwd, rev = counts(expression(RUNNING), *AT)
>>> fwd.forward_passes, rev.recordings, rev.reverse_passes
(2, 1, 1)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import forward, reverse
from ..counting import Count, count
from .expr import expression
from .fmt import dot, num
from .layout import Look, make
from .program import Program, of
from .sweeps import adjoints, tangents

RUNNING = "log(x1) + x1*x2 - sin(x2)"
AT = (2.0, 5.0)


def counts(f: Any, *args: Any) -> tuple[Count, Count]:
    """What adkit.count() sees: forward.grad with one direction per pass, then grad."""
    argnums = tuple(range(len(args)))
    with count() as fwd:
        forward.grad(f, argnums=argnums, chunk=1)(*args)
    with count() as rev:
        reverse.grad(f, argnums=argnums)(*args)
    return fwd, rev


def counts_line(fwd: Count, rev: Count) -> str:
    """One sentence with both modes' counts."""
    return (f"adkit.count(): forward mode (one direction per pass) made "
            f"{fwd.forward_passes} forward passes applying {fwd.total('jvp')} JVP rules; "
            f"reverse mode made {rev.recordings} recording and {rev.reverse_passes} reverse "
            f"sweep applying {rev.total('vjp')} VJP rules")


def _panels(prog: Program) -> list[Look]:
    looks = []
    n = len(prog.inputs)
    edges = [(p, v) for v in prog.records for p in v.parents]
    for k, x in enumerate(prog.inputs):
        ts = tangents(prog, k)
        texts = {v: f"{v.label} │ data {num(v.value)} │ tangent {num(ts[v.index])}"
                 for v in prog.vars}
        styles = {v: "current" if v is x else "lit" for v in prog.vars}
        caption = (f"Forward pass {k + 1} of {n}: {dot(x.label)} = 1, the other inputs 0  →  "
                   f"∂y/∂{x.label} = {num(ts[prog.output.index])}")
        looks.append(Look(texts, styles, [(p, v, "forward", "") for p, v in edges], caption))
    sweep = adjoints(prog)
    texts = {v: f"{v.label} │ data {num(v.value)} │ grad {num(sweep.values[v.index])}"
             for v in prog.vars}
    grads = ", ".join(f"∂y/∂{x.label} = {num(sweep.values[x.index])}" for x in prog.inputs)
    flows = [(s.target, s.source, "backward", num(s.contribution))
             for s in sweep.steps if s.target is not None]
    looks.append(Look(texts, {v: "done" for v in prog.vars}, flows,
                      f"One reverse sweep (after one recorded forward pass)  →  {grads}"))
    return looks


def figure(f: Any, *args: Any) -> Any:
    """The picture: n forward passes above one reverse sweep, the counts on top.

    >>> len(figure(lambda a, b: a * b, 2.0, 5.0).axes)  # 2 forward passes, 1 sweep
    3
    """
    from . import draw
    prog = of(f, *args)
    looks = _panels(prog)
    widest = {v: max((look.texts[v] for look in looks), key=len) for v in prog.vars}
    lay = make(prog, widest, caption_lines=1)
    head = 0.75
    fig = draw.Figure(figsize=(lay.width, lay.height * len(looks) + head))
    total = lay.height * len(looks) + head
    for i, look in enumerate(looks):
        bottom = (lay.height * (len(looks) - 1 - i)) / total
        render_ax = fig.add_axes((0, bottom, 1, lay.height / total))
        draw.render(render_ax, prog, lay, look)
    fwd, rev = counts(f, *args)
    fig.text(0.01, 1 - 0.12 / total, f"{prog.title or 'f'} at {prog.at()}: forward mode "
             f"needs one pass per input, reverse mode one sweep for all of them",
             ha="left", va="top", fontsize=12, weight="bold")
    fig.text(0.01, 1 - 0.45 / total, counts_line(fwd, rev), ha="left", va="top",
             fontsize=10, color="#333333")
    return fig


def save(figures_dir: str | os.PathLike, stem: str = "modes") -> list[Path]:
    """Draw the running example's picture as stem.png and stem.svg in figures_dir."""
    from . import draw
    fig = figure(expression(RUNNING), *AT)
    return [draw.save(fig, Path(figures_dir) / f"{stem}.{ext}") for ext in ("png", "svg")]
