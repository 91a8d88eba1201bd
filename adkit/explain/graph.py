"""Computation-graph pictures in micrograd's draw_dot style, from the engine's records.

Each variable is a record box "label │ data │ grad", each op a small oval between its
inputs and its output, laid out left to right by depth; `.to_dot()` writes Graphviz
DOT, `.save()` a PNG or SVG (no Graphviz needed), `.figure()` a matplotlib Figure.

>>> from adkit import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> y = a * b; y.label = "y"; y.backward()
>>> print(graph(y).to_dot())  # doctest: +ELLIPSIS
digraph {
  rankdir=LR; node [fontname="DejaVu Sans Mono"];
  n0 [shape=record, label="{ a | data 2 | grad -3 }"];
  ...
  n2_op -> n2;
}
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..tensors import Tensor
from ..value import Value
from .fmt import num
from .layout import Look, make
from .program import Program, Var, of
from .sweeps import adjoints

MAX_DRAWN = 400  # variables: beyond this a picture is unreadable


def _grads(obj: Any, prog: Program) -> dict | None:
    """Each variable's gradient to show: a Value's .grad (every node), a Tensor's .grad
    (leaves, and retained ones), a function's adjoints from one reverse sweep."""
    if isinstance(obj, Value):
        return {v: v.node.grad for v in prog.vars}
    if isinstance(obj, Tensor):
        grads = {v: getattr(v.node, "_grad", None) for v in prog.vars}
        return {v: g.numpy() for v, g in grads.items() if g is not None}
    if callable(obj) and not isinstance(obj, Program) and np.size(prog.output.value) == 1:
        return dict(zip(prog.vars, adjoints(prog).values))
    return None


def _dot_escape(text: str) -> str:
    for c in '\\{}|<>"':
        text = text.replace(c, "\\" + c)
    return text


class Graph:
    """A drawing of one computation graph (see graph())."""

    def __init__(self, prog: Program, grads: dict | None = None) -> None:
        if len(prog.vars) > MAX_DRAWN:
            raise ValueError(f"graph: {len(prog.vars)} variables are too many to draw "
                             f"(the limit is {MAX_DRAWN}); draw a smaller example")
        self.program = prog
        self.grads = grads

    def fields(self, v: Var) -> list[str]:
        """The record's fields: label, data and (when known) grad."""
        out = [v.label, f"data {num(v.value)}"]
        if self.grads is not None and v in self.grads:
            out.append(f"grad {num(self.grads[v])}")
        return out

    def look(self) -> Look:
        return Look({v: " │ ".join(self.fields(v)) for v in self.program.vars}, {})

    def to_dot(self) -> str:
        """Graphviz DOT text (rankdir=LR, record nodes, one op node per record)."""
        lines = ["digraph {", '  rankdir=LR; node [fontname="DejaVu Sans Mono"];']
        for v in self.program.vars:
            label = " | ".join(_dot_escape(f) for f in self.fields(v))
            lines.append(f'  n{v.index} [shape=record, label="{{ {label} }}"];')
            if v.is_input:
                continue
            lines.append(f'  n{v.index}_op [label="{_dot_escape(v.symbol)}"];')
            for j, a in enumerate(v.args):
                if hasattr(a, "index"):
                    lines.append(f"  n{a.index} -> n{v.index}_op;")
                else:
                    lines.append(f'  c{v.index}_{j} [shape=box, style=dashed, '
                                 f'label="{_dot_escape(num(a))}"];')
                    lines.append(f"  c{v.index}_{j} -> n{v.index}_op;")
            lines.append(f"  n{v.index}_op -> n{v.index};")
        return "\n".join(lines + ["}"])

    def figure(self) -> Any:
        """A matplotlib Figure of the graph (imports matplotlib and networkx)."""
        from . import draw
        look = self.look()
        return draw.figure(self.program, make(self.program, look.texts), look)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the picture: .png or .svg (matplotlib), or .dot (the DOT text).

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     graph(lambda x: x * x, 3.0).save(f"{tmp}/g.svg").stat().st_size > 1000
        True
        """
        path = Path(path)
        if path.suffix.lower() == ".dot":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.to_dot() + "\n", encoding="utf-8")
            return path
        from . import draw
        return draw.save(self.figure(), path)

    def _repr_svg_(self) -> str:
        from . import draw
        return draw.svg_text(self.figure(), "g-")


def graph(obj: Any, *args: Any) -> Graph:
    """The computation graph of a Value or Tensor (with .grad after backward()), of an
    adkit.reverse.record(...), or of f at args (with the adjoints of one reverse sweep
    as the grads, when f returns a scalar).

    >>> g = graph(lambda x: anp.sin(x) * x, 1.0)
    >>> [f for v in g.program.vars for f in g.fields(v)]
    ['x', 'data 1', 'grad 1.382', 'v1', 'data 0.841', 'grad 1', 'v2', 'data 0.841', 'grad 1']
    """
    prog = of(obj, *args)
    return Graph(prog, _grads(obj, prog))
