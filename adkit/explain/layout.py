"""Where a Program's nodes go in a picture, and what one picture shows (`Look`).

micrograd's draw_dot style, left to right: a box per variable, a small oval per op
between its inputs and its output, and a grey box per constant argument. The columns
are networkx's topological generations of that graph (inputs left, the output right),
in evaluation order within a column, with inputs and constants moved right to just
before their first use. Sizes are in inches (monospaced text).

networkx is imported only when a layout is made.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .fmt import num, width
from .program import Program, Var

FONT = 10            # points
CHAR = 0.602 * FONT / 72  # inches per character of DejaVu Sans Mono
BOX_H = 0.34         # a box's height
ROW = 0.62           # distance between the centres of two boxes in one column
GAP = 0.42           # between two columns
MARGIN = 0.25

# How a variable looks: face colour, edge colour, text colour, line width
STYLES = {
    "plain": ("#ffffff", "#333333", "#111111", 1.0),
    "hidden": ("#f4f4f4", "#c8c8c8", "#a0a0a0", 1.0),   # not computed yet
    "lit": ("#e6f0fa", "#1f77b4", "#111111", 1.0),       # value known (forward pass)
    "current": ("#ffd68a", "#d95f02", "#111111", 2.2),   # the node this frame is about
    "target": ("#fff1b8", "#d62728", "#111111", 2.2),    # receiving an adjoint
    "done": ("#fbe3e1", "#d62728", "#111111", 1.0),      # its adjoint is final
}


@dataclass
class Look:
    """What one picture shows: a text and a style per variable, highlighted edges
    (parent, child, colour, label: the child's op passes something to or from the
    parent) and a caption."""

    texts: dict[Var, str]
    styles: dict[Var, str]
    edges: list[tuple[Var, Var, str, str]] = field(default_factory=list)
    caption: str = ""
    current: Var | None = None


@dataclass
class Layout:
    """Centres and sizes (inches) of every node; keys ("v", i), ("op", i), ("c", i, j)."""

    boxes: dict[tuple, tuple[float, float, float, float]]
    column: dict[tuple, int]
    width: float
    height: float


def var_text(v: Var, value: str, deriv: str = "") -> str:
    """micrograd's record: "a │ data 2 │ grad 6" (the derivative part may be empty)."""
    return " │ ".join(p for p in (v.label, value, deriv) if p)


def text_size(text: str) -> tuple[float, float]:
    lines = text.split("\n")
    return max(width(line) for line in lines) * CHAR + 0.24, BOX_H + (len(lines) - 1) * 0.18


def make(prog: Program, widest: dict[Var, str], caption_lines: int = 0) -> Layout:
    """Positions for prog's nodes, each variable's box as wide as its widest text.

    >>> from adkit.explain.program import of
    >>> prog = of(lambda x: anp.sin(x) * 2.0, 1.0)
    >>> lay = make(prog, {v: v.label for v in prog.vars})
    >>> sorted(lay.column.items())  # inputs left, each op before its output
    [(('c', 2, 1), 2), (('op', 1), 1), (('op', 2), 3), (('v', 0), 0), (('v', 1), 2), (('v', 2), 4)]
    """
    import networkx as nx

    g = nx.DiGraph()
    size = {}
    for v in prog.vars:
        if not v.is_input:
            for j, a in enumerate(v.args):
                if not isinstance(a, Var):
                    g.add_edge(("c", v.index, j), ("op", v.index))
                    size[("c", v.index, j)] = text_size(num(a))
            for p in v.parents:
                g.add_edge(("v", p.index), ("op", v.index))
            g.add_edge(("op", v.index), ("v", v.index))
            w, _ = text_size(v.symbol)
            size[("op", v.index)] = (max(w, 0.4), BOX_H * 0.85)
        g.add_node(("v", v.index))
        size[("v", v.index)] = text_size(widest[v])
    order = {n: i for i, n in enumerate(g.nodes)}
    layer = {n: k for k, gen in enumerate(nx.topological_generations(g)) for n in gen}
    for n in g.nodes:  # inputs and constants: just before their first use
        if g.in_degree(n) == 0 and g.out_degree(n):
            layer[n] = min(layer[s] for s in g.successors(n)) - 1
    columns = [sorted((n for n in g.nodes if layer[n] == k), key=order.get)
               for k in range(max(layer.values()) + 1)]
    tall = max(h for _, h in size.values())
    row = max(ROW, tall + 0.28)
    span = max(len(col) - 1 for col in columns) * row
    mid = MARGIN + tall / 2 + span / 2
    boxes, x = {}, MARGIN
    for col in columns:
        w = max(size[n][0] for n in col)
        for r, n in enumerate(col):  # a constant sits at the right, next to its op
            cx = x + w - size[n][0] / 2 if n[0] == "c" else x + w / 2
            boxes[n] = (cx, mid + ((len(col) - 1) / 2 - r) * row, *size[n])
        x += w + GAP
    return Layout(boxes, layer, x - GAP + MARGIN, span + tall + 2 * MARGIN + 0.32 * caption_lines)
