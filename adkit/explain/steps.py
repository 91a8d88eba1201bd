"""Step by step: the forward pass lighting up each variable as it is computed, then (in
reverse mode) the engine's backward sweep, one adjoint step per frame.

Each frame is a picture of the same graph with a caption: which node is being computed
or processed, its value (and tangent, in forward mode), and in the sweep the adjoint
flowing back along one edge, accumulating where a value was used twice.

>>> s = steps(lambda x: x * x + x, 2.0)
>>> len(s), s[0].caption, s[-1].caption
(9, 'Forward pass: v0 = x = 2', 'Done: one reverse sweep gave x̄ = v̄0 = 5')
>>> print(s[6].caption)
v̄0 = v̄0 + v̄1 ∂v1/∂v0 = 1 + 1 × 2 = 3 (v0 = x is used again: its adjoint accumulates)
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fmt import bar, dot, num
from .layout import Layout, Look, make
from .program import Program, Var, of
from .sweeps import adjoints, tangents
from .table import MODES, TraceTable, input_index, trace


@dataclass
class Frame:
    """One picture of the walk: its caption, phase ("forward" or "backward"), the
    variable it highlights, and what each node shows."""

    caption: str
    phase: str
    current: Var | None
    look: Look

    @property
    def name(self) -> str:
        """The highlighted variable's name ("" for none)."""
        return self.current.name if self.current is not None else ""


def _texts(prog: Program, known: int, derivs: dict, word: str) -> dict[Var, str]:
    """Each variable's box: its value once computed (index < known), its derivative."""
    out = {}
    for v in prog.vars:
        value = f"data {num(v.value)}" if v.index < known else "data ?"
        d = f"{word} {num(derivs[v])}" if v in derivs else f"{word} ?"
        out[v] = " │ ".join((v.label, value, d))
    return out


def _forward_frames(prog: Program, ts: list | None) -> list[Frame]:
    frames = []
    word = "tangent" if ts is not None else "grad"
    for v in prog.vars:
        derivs = {u: ts[u.index] for u in prog.vars[:v.index + 1]} if ts is not None else {}
        styles = {u: "lit" if u.index < v.index else "current" if u is v else "hidden"
                  for u in prog.vars}
        edges = [(p, v, "forward", "") for p in v.parents]
        text = f"{v.name} = {v.expr} = {num(v.value)}"
        if ts is not None:
            text += f", {dot(v.name)} = {num(ts[v.index])}"
        text = ("Forward pass: " if v.index == 0 else "") + text
        frames.append(Frame(text, "forward", v, Look(_texts(prog, v.index + 1, derivs, word),
                                                     styles, edges, text, v)))
    return frames


def _backward_frames(prog: Program) -> list[Frame]:
    frames, running, done = [], {}, set()
    n = len(prog.vars)
    for step in adjoints(prog).steps:
        src, tgt = step.source, step.target
        if tgt is None:
            running[src] = step.value
            caption, edges, tgt = f"Backward sweep: {step.text}", [], src
        else:
            running[tgt] = step.value
            caption = step.text
            if step.before is not None:
                who = tgt.name if tgt.label == tgt.name else f"{tgt.name} = {tgt.label}"
                caption += f" ({who} is used again: its adjoint accumulates)"
            edges = [(tgt, src, "backward", num(step.contribution))]
        done |= {v for v in running if v.index > src.index and not v.is_input}
        styles = {v: "current" if v is src else "target" if v is tgt else
                  "done" if v in done else "lit" for v in prog.vars}
        frames.append(Frame(caption, "backward", src, Look(_texts(prog, n, running, "grad"),
                                                           styles, edges, caption, src)))
    grads = ", ".join(f"{bar(v.label)} = {bar(v.name)} = {num(running.get(v, 0.0))}"
                      for v in prog.inputs)
    styles = {v: "done" for v in prog.vars}
    caption = f"Done: one reverse sweep gave {grads}"
    frames.append(Frame(caption, "backward", None,
                        Look(_texts(prog, n, running, "grad"), styles, [], caption)))
    return frames


class Steps(Sequence):
    """The frames of one walk: len(steps), steps[i] (a Frame), steps.save(path)."""

    def __init__(self, prog: Program, frames: list[Frame], mode: str, wrt: int = 0) -> None:
        self.program = prog
        self.frames = frames
        self.mode = mode
        self.wrt = wrt

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, i: int) -> Frame:
        return self.frames[i]

    def __repr__(self) -> str:
        return f"<Steps {self.mode} mode, {len(self)} frames>"

    def layout(self, caption_lines: int = 1) -> Layout:
        """One layout for every frame: each box as wide as its widest text."""
        widest = {}
        for f in self.frames:
            for v, text in f.look.texts.items():
                if len(text) > len(widest.get(v, "")):
                    widest[v] = text
        return make(self.program, widest, caption_lines)

    def figure(self, i: int) -> Any:
        """Frame i as a matplotlib Figure, with its caption (imports matplotlib)."""
        from . import draw
        return draw.figure(self.program, self.layout(), self.frames[i].look)

    def table(self) -> TraceTable:
        """The trace table of the same walk."""
        return trace(self.program, mode=self.mode, wrt=self.wrt)

    def save(self, path: str | os.PathLike, seconds: float = 1.2) -> Path:
        """Write the frames as .gif (matplotlib animation, pillow writer) or .html (one
        self-contained page: inline SVG frames, previous/next buttons, a slider, arrow
        keys).

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     steps(lambda x: x * x, 3.0).save(f"{tmp}/s.html").suffix
        '.html'
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".gif":
            from . import draw
            return draw.animate(self.program, self.layout(), [f.look for f in self],
                                path, seconds)
        if suffix in (".html", ".htm"):
            from . import html
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html.page(self), encoding="utf-8")
            return path
        raise ValueError(f"cannot save steps as {path.name!r}: use .gif or .html")


def steps(obj: Any, *args: Any, mode: str = "reverse", wrt: int | str = 0) -> Steps:
    """The frames of f's evaluation at args (or of a Value's or Tensor's graph): the
    forward pass node by node (with tangents seeded on input `wrt` in forward mode),
    then in reverse mode the backward sweep, one adjoint step per frame.

    >>> for frame in steps(lambda x: 3.0 * x, 2.0, mode="forward"):
    ...     print(frame.caption)
    Forward pass: v0 = x = 2, v̇0 = 1
    v1 = 3 * v0 = 6, v̇1 = 3
    Done: one forward pass gave ẏ = ∂y/∂x = 3
    """
    if mode not in MODES:
        raise ValueError(f"steps: mode must be 'forward' or 'reverse', got {mode!r}")
    prog = of(obj, *args)
    if mode == "forward":
        k = input_index(prog, wrt)
        ts = tangents(prog, k)
        frames = _forward_frames(prog, ts)
        others = "" if len(prog.inputs) == 1 else "; every other input needs a pass of its own"
        y, x = prog.y, prog.inputs[k].label
        caption = (f"Done: one forward pass gave {dot(y)} = ∂{y}/∂{x} = "
                   f"{num(ts[prog.output.index])}{others}")
        frames.append(Frame(caption, "forward", None, Look(
            frames[-1].look.texts, {v: "lit" for v in prog.vars}, [], caption)))
        return Steps(prog, frames, mode, k)
    return Steps(prog, _forward_frames(prog, None) + _backward_frames(prog), mode)
