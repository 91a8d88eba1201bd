"""Drawing a Look with matplotlib (the Agg canvas of a bare Figure: no pyplot, no
screen): the one renderer behind PNG, SVG, GIF and the HTML stepper's frames.

Imported only when something is drawn; it imports matplotlib.
"""
from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MplPath

from .fmt import num
from .layout import FONT, GAP, MARGIN, STYLES, Layout, Look
from .program import Program, Var

MONO = "DejaVu Sans Mono"
FORWARD, BACKWARD = "#1f77b4", "#d62728"  # the colours of plot.py: forward blue, reverse red
EDGE = "#555555"


def _box(ax, box, text, face, edge, color, lw, round_=0.06, size=FONT, z=2):
    x, y, w, h = box
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, zorder=z,
                                boxstyle=f"round,pad=0,rounding_size={round_}",
                                facecolor=face, edgecolor=edge, linewidth=lw))
    ax.text(x, y, text, ha="center", va="center", family=MONO, fontsize=size, color=color,
            zorder=z + 1)


def _arrow(ax, a, b, color, lw=1.0, rad=0.0, z=1, label="", reverse=False, skip=False):
    """An arrow from the right side of box a to the left side of box b (or back). One
    that skips columns runs level with a until just before b, below or above the boxes
    between them."""
    start = (a[0] + a[2] / 2, a[1])
    end = (b[0] - b[2] / 2, b[1])
    points = [start, end]
    if skip:
        points.insert(1, (end[0] - GAP * 0.8, start[1]))
    if reverse:
        points.reverse()
    style = {"arrowstyle": "-|>", "mutation_scale": 11, "color": color, "linewidth": lw,
             "zorder": z}
    if len(points) == 2:
        ax.add_patch(FancyArrowPatch(*points, connectionstyle=f"arc3,rad={rad}", shrinkA=1,
                                     shrinkB=1, **style))
    else:
        path = MplPath(points, [MplPath.MOVETO] + [MplPath.LINETO] * 2)
        ax.add_patch(FancyArrowPatch(path=path, **style))
    if label:
        mid = points[1] if len(points) == 3 else points[0]
        ax.text((mid[0] + points[-1][0]) / 2, (mid[1] + points[-1][1]) / 2, label,
                ha="center", va="center", family=MONO, fontsize=FONT, color=color,
                fontweight="bold", zorder=6,
                bbox={"facecolor": "white", "edgecolor": color, "pad": 1.5, "lw": 0.8})


def _skips(lay: Layout, a: tuple, b: tuple) -> bool:
    return lay.column[b] - lay.column[a] > 1


def render(ax: Axes, prog: Program, lay: Layout, look: Look) -> None:
    """Draw look on ax (cleared first), in the layout's inch coordinates."""
    ax.clear()
    ax.set_xlim(0, lay.width)
    ax.set_ylim(0, lay.height)
    ax.set_axis_off()
    boxes = lay.boxes
    lit = {(p, c) for p, c, _, _ in look.edges} | {(None, c) for _, c, _, _ in look.edges}
    for v in prog.records:  # plain edges first, leaving out the highlighted ones
        op = boxes[("op", v.index)]
        seen = {}
        for j, a in enumerate(v.args):
            if isinstance(a, Var):
                k = seen[a] = seen.get(a, -1) + 1  # a parent used twice: a second, bent edge
                if (a, v) not in lit:
                    _arrow(ax, boxes[("v", a.index)], op, EDGE, rad=0.35 * k,
                           skip=_skips(lay, ("v", a.index), ("op", v.index)))
            else:
                _box(ax, boxes[("c", v.index, j)], num(a), "#f7f7f7", "#aaaaaa", "#666666",
                     0.8)
                _arrow(ax, boxes[("c", v.index, j)], op, "#aaaaaa")
        if (None, v) not in lit:
            _arrow(ax, op, boxes[("v", v.index)], EDGE)
        style = look.styles.get(v, "plain")
        face, edge = ("#f4f4f4", "#c8c8c8") if style == "hidden" else ("#eeeeee", "#555555")
        _box(ax, op, v.symbol, face, edge, STYLES[style][2], 0.8, round_=op[3] / 2)
    outs, twice = set(), {}
    for parent, child, kind, label in look.edges:
        op = boxes[("op", child.index)]
        color = BACKWARD if kind == "backward" else FORWARD
        back = kind == "backward"
        k = twice[parent, child] = twice.get((parent, child), -1) + 1
        _arrow(ax, boxes[("v", parent.index)], op, color, lw=2.4, z=4, label=label,
               reverse=back, rad=0.35 * k,
               skip=_skips(lay, ("v", parent.index), ("op", child.index)))
        if (child, kind) not in outs:  # the op's own output edge, in the same colour
            outs.add((child, kind))
            _arrow(ax, op, boxes[("v", child.index)], color, lw=2.4, z=4, reverse=back)
    for v in prog.vars:
        face, edge, color, lw = STYLES[look.styles.get(v, "plain")]
        _box(ax, boxes[("v", v.index)], look.texts[v], face, edge, color, lw)
    if look.caption:
        ax.text(MARGIN, lay.height - 0.12, look.caption, ha="left", va="top",
                fontsize=FONT + 1, color="#222222", wrap=False)


def figure(prog: Program, lay: Layout, look: Look) -> Figure:
    """A new Figure of the layout's size showing look.

    >>> from adkit.explain import graph, layout
    >>> g = graph(lambda x: x * x, 3.0)
    >>> look = g.look()
    >>> figure(g.program, layout.make(g.program, look.texts), look).get_size_inches().round(1)
    array([5.5, 0.8])
    """
    fig = Figure(figsize=(lay.width, lay.height))
    ax = fig.add_axes((0, 0, 1, 1))
    render(ax, prog, lay, look)
    return fig


def save(fig: Figure, path: str | os.PathLike, dpi: int = 110) -> Path:
    """Write fig as .png or .svg (by the suffix), making the folder if needed."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in ("png", "svg"):
        raise ValueError(f"cannot save a picture as {path.name!r}: use .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "adkit"}):
        fig.savefig(path, format=fmt, dpi=dpi, facecolor="white")
    return path


def svg_text(fig: Figure, prefix: str) -> str:
    """fig as an inline <svg> element: no XML prolog, DOCTYPE or metadata, text kept as
    text, ids prefixed (so several SVGs can share one page)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "adkit"}):
        fig.savefig(buf, format="svg", facecolor="white")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s(?:xmlns(?::\w+)?)="[^"]*"', "", svg)
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}\1"', svg)
    return re.sub(r"#([A-Za-z_][\w.-]*)\)", rf"#{prefix}\1)", svg).replace(
        'xlink:href="#', f'xlink:href="#{prefix}')


def animate(prog: Program, lay: Layout, looks: Sequence[Look], path: str | os.PathLike,
            seconds: float = 1.2, dpi: int = 80) -> Path:
    """Write looks as an animated GIF (matplotlib's animation, pillow writer)."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(lay.width, lay.height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    anim = FuncAnimation(fig, lambda i: render(ax, prog, lay, looks[i]), frames=len(looks),
                         init_func=lambda: None, repeat=False)
    anim.save(path, writer=PillowWriter(fps=1 / seconds), dpi=dpi)
    return path
