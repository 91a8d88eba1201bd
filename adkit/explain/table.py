"""Evaluation traces as tables: Baydin et al. (2018, JMLR), Tables 2 and 3.

Forward mode lists each variable v_i with its value and its tangent v̇_i (one forward
pass of the forward engine, seeded on one input); reverse mode lists each v_i with its
final adjoint v̄_i, then the adjoint steps v̄_j += v̄_i ∂v_i/∂v_j in the order the reverse
engine's sweep made them.

>>> t = trace(lambda x1, x2: x1 * x2, 2.0, 5.0, mode="reverse")
>>> [(r["name"], r["value"], r["adjoint"]) for r in t.rows]
[('v-1', 2.0, 5.0), ('v0', 5.0, 2.0), ('v1', 10.0, 1.0)]
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from .fmt import bar, csv_text, dot, markdown_table, num, text_table
from .program import Program, of
from .sweeps import adjoints, tangents

MODES = ("forward", "reverse")


def input_index(prog: Program, wrt: int | str) -> int:
    """The position of input `wrt` (its number, or its name such as "x1")."""
    labels = [v.label for v in prog.inputs]
    if isinstance(wrt, str):
        if wrt not in labels:
            raise ValueError(f"wrt={wrt!r} is not an input; the inputs are {', '.join(labels)}")
        return labels.index(wrt)
    if not -len(labels) <= wrt < len(labels):
        raise ValueError(f"wrt={wrt} is out of range for {len(labels)} inputs")
    return wrt % len(labels)


class TraceTable:
    """One evaluation trace: `.rows` (one dict per variable, in evaluation order) and,
    in reverse mode, `.steps` (one dict per adjoint step, in sweep order)."""

    def __init__(self, prog: Program, mode: str, rows: list[dict], steps: list[dict],
                 wrt: str | None = None) -> None:
        self.program = prog
        self.mode = mode
        self.rows = rows
        self.steps = steps
        self.wrt = wrt
        self.kind = "tangent" if mode == "forward" else "adjoint"

    def _cells(self, r: dict[str, Any]) -> list[str]:
        return [r["name"], r["expr"], num(r["value"]), num(r[self.kind])]

    def _header(self) -> list[str]:
        return ["var", "definition", "value", f"{self.kind} " + (dot("v") if self.mode ==
                                                                 "forward" else bar("v"))]

    def title(self) -> str:
        prog = self.program
        name = prog.title or "f"
        if self.mode == "forward":
            return (f"Forward mode: {name} at {prog.at()}; tangents seeded on {self.wrt} "
                    f"({dot(self.wrt)} = 1, other inputs 0)")
        return f"Reverse mode: {name} at {prog.at()}; adjoints seeded {bar(prog.y)} = 1"

    def result(self) -> str:
        """The last line: y and its derivative(s), as the paper ends its tables."""
        y = self.rows[self.program.output.index]
        out = self.program.y
        head = f"{out} = {y['name']} = {num(y['value'])}"
        if self.mode == "forward":
            return f"{head}; {dot(out)} = ∂{out}/∂{self.wrt} = {num(y['tangent'])}"
        grads = ", ".join(f"{bar(r['label'])} = {bar(r['name'])} = {num(r['adjoint'])}"
                          for r in self.rows if r["op"] == "input")
        return f"{head}; {grads}"

    def __str__(self) -> str:
        parts = [self.title(), text_table(self._header(), [self._cells(r) for r in self.rows]),
                 self.result()]
        if self.steps:
            parts += ["", f"Adjoint steps, in sweep order ({bar('v')}j += {bar('v')}i "
                          "∂vi/∂vj):"] + [s["text"] for s in self.steps]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return f"<TraceTable {self.mode} mode, {len(self.rows)} variables>"

    def to_markdown(self) -> str:
        """The table (and the adjoint steps, as a numbered list) in Markdown."""
        title = self.title().replace("*", "\\*").replace("_", "\\_")
        parts = [f"*{title}*", "",
                 markdown_table(self._header(), [self._cells(r) for r in self.rows]), "",
                 self.result()]
        if self.steps:
            parts += ["", "Adjoint steps, in sweep order:", ""]
            parts += [f"{i + 1}. {s['text']}" for i, s in enumerate(self.steps)]
        return "\n".join(parts) + "\n"

    _repr_markdown_ = to_markdown

    def to_html(self) -> str:
        """The table (and the adjoint steps, as a numbered list) as an HTML fragment."""
        def row(cells, tag="td"):
            return "<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in cells) + "</tr>"

        body = "".join(row(self._cells(r)) for r in self.rows)
        parts = [f"<p><em>{escape(self.title())}</em></p>",
                 f'<table class="trace">{row(self._header(), "th")}{body}</table>',
                 f"<p>{escape(self.result())}</p>"]
        if self.steps:
            items = "".join(f"<li>{escape(s['text'])}</li>" for s in self.steps)
            parts += ["<p>Adjoint steps, in sweep order:</p>", f"<ol>{items}</ol>"]
        return "\n".join(parts)

    _repr_html_ = to_html

    def to_csv(self, steps: bool = False) -> str:
        """The rows as CSV (numbers in full precision); steps=True: the adjoint steps."""
        if steps:
            keys = ["target", "source", "adjoint", "partial", "contribution", "value", "text"]
            return csv_text(keys, [[_csv(s[k]) for k in keys] for s in self.steps])
        keys = ["name", "op", "inputs", "expr", "value", self.kind]
        return csv_text(keys, [[_csv(r[k]) for k in keys] for r in self.rows])


def _csv(x: Any) -> Any:
    if isinstance(x, list):
        return " ".join(x)
    if isinstance(x, float) or x is None or isinstance(x, str):
        return "" if x is None else x
    return num(x)


def trace(f: Callable, *args: Any, mode: str = "reverse", wrt: int | str = 0,
          seed: Any = None) -> TraceTable:
    """The evaluation trace of f at args, in forward or reverse mode, as a table.

    Forward mode seeds the tangent of input `wrt` (a number or a name) with `seed`
    (default 1, or ones for an array); reverse mode seeds ȳ with `seed` (default ones).
    f may also be a Value or a Tensor (its graph) or an adkit.reverse.record(...).

    >>> print(trace(lambda x: anp.sin(x) * x, 1.0, mode="forward").rows[-1]["tangent"])
    1.3817732906760363
    """
    if mode not in MODES:
        raise ValueError(f"trace: mode must be 'forward' or 'reverse', got {mode!r}")
    prog = of(f, *args)
    common = [{"name": v.name, "op": v.op, "inputs": [p.name for p in v.parents],
               "label": v.label, "expr": v.expr, "value": v.value} for v in prog.vars]
    if mode == "forward":
        k = input_index(prog, wrt)
        for row, t in zip(common, tangents(prog, k, seed)):
            row["tangent"] = t
        return TraceTable(prog, mode, common, [], prog.inputs[k].label)
    sweep = adjoints(prog, seed)
    for row, a in zip(common, sweep.values):
        row["adjoint"] = a
    steps = [{"target": s.target.name if s.target else None, "source": s.source.name,
              "adjoint": s.adjoint, "partial": s.partial, "contribution": s.contribution,
              "value": s.value, "text": s.text} for s in sweep.steps]
    return TraceTable(prog, mode, common, steps)
