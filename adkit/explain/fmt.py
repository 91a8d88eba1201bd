"""How explanations write numbers, names and tables (text, Markdown, CSV).

Numbers are written as in Baydin et al.'s tables: three decimals, trailing zeros dropped
(0.693, 10, -0.284); arrays by their shape and a short preview.

>>> num(11.652071455223084), num(-0.0), num(np.arange(5.0))
('11.652', '0', '(5,) [0, 1, 2, …]')
"""
from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

BAR = "\u0304"  # combining macron: v̄ (an adjoint)
DOT = "\u0307"  # combining dot above: v̇ (a tangent)
PREVIEW = 3  # array elements shown before "…"


def num(x: Any) -> str:
    """A number as the paper writes it, or an array as "(shape) [first elements, …]"."""
    if x is None:
        return ""
    a = np.asarray(x)
    if a.ndim == 0:
        return _scalar(float(a))
    flat = a.ravel()
    body = ", ".join(_scalar(float(v)) for v in flat[:PREVIEW])
    more = ", …" if flat.size > PREVIEW else ""
    return f"{a.shape} [{body}{more}]"


def _scalar(x: float) -> str:
    if x == 0:
        return "0"  # also -0.0
    if not math.isfinite(x):
        return str(x)
    if 1e-3 <= abs(x) < 1e6:
        text = f"{x:.3f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return f"{x:.3g}"


def bar(name: str) -> str:
    """The adjoint of a variable: bar("v3") -> "v̄3" (precomposed where Unicode has it)."""
    return unicodedata.normalize("NFC", name[0] + BAR + name[1:])


def dot(name: str) -> str:
    """The tangent of a variable: dot("v3") -> "v̇3" (precomposed where Unicode has it)."""
    return unicodedata.normalize("NFC", name[0] + DOT + name[1:])


def width(text: str) -> int:
    """Columns text takes in a terminal: combining marks take none.

    >>> width(bar("v0")), width(dot("x1"))
    (2, 2)
    """
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def pad(text: str, n: int) -> str:
    return text + " " * (n - width(text))


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns under a header and a rule.

    >>> print(text_table(["a", "b"], [["1", "22"]]))
    a │ b
    ──┼───
    1 │ 22
    """
    widths = [max(width(c) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return " │ ".join(pad(c, w) for c, w in zip(cells, widths)).rstrip()

    rule = "─┼─".join("─" * w for w in widths)
    return "\n".join([line(header), rule] + [line(r) for r in rows])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown (GitHub) table; '|' inside a cell is escaped.

    >>> print(markdown_table(["a", "b"], [["1", "2"]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    def line(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header)] + [line(r) for r in rows])


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with a header line ("\\n" line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
