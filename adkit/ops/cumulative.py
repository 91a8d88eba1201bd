"""Cumulative primitives along one axis: cumsum (linear: its transpose is the reversed
cumsum) and cumprod, whose rules are exact where x has zeros, to every order."""
from __future__ import annotations

import numpy as np

from ..core import Primitive, Value, bind, float_dtype, raw, shape_of
from . import elementwise, shape
from .rules import linear
from .shape import along

__all__ = ["cumprod", "cumsum"]


def _cumsum_impl(x, axis, reverse):
    if reverse:
        flip = along(axis, slice(None, None, -1))
        return np.cumsum(x[flip], axis)[flip]
    return np.cumsum(x, axis)


cumsum_p = linear("cumsum", _cumsum_impl,
                  lambda t, axis, reverse: cumsum(t, axis + 1, reverse),
                  lambda g, x, axis, reverse: cumsum(g, axis, not reverse))
cumsum_p.pure_rules = True  # rules built from ops alone: a compiled tape may expand them


# ---------------------------------------------------------------- cumprod ----
# Without zeros the slopes are ans * cumsum(t / x) and revcumsum(g * ans) / x: formulas
# that hold on a neighbourhood of x, so their own derivatives are right too. With zeros
# the rules follow the product scan (Hillis-Steele: log2(n) rounds of y[i] * y[i - d]),
# built from multiplications alone: a polynomial, exact at the zeros to every order.

def _has_zero(x):
    return bool(np.any(raw(x) == 0))


def _scan_levels(x, axis):
    """[(y, d)]: the scan's inputs y and shifts d = 1, 2, 4, ... (the last output,
    cumprod(x), is not needed)."""
    n = shape_of(x)[axis]
    levels, y, d = [], x, 1
    while d < n:
        levels.append((y, d))
        tail = shape.getitem(y, along(axis, slice(d, None))) * \
            shape.getitem(y, along(axis, slice(None, n - d)))
        y = shape.concatenate([shape.getitem(y, along(axis, slice(None, d))), tail], axis)
        d *= 2
    return levels


def _scan_jvp(t, x, axis):
    """The scan's tangent: (y_i y_{i-d})' = y_i' y_{i-d} + y_i y_{i-d}' (t: k directions)."""
    n, a = shape_of(x)[axis], axis + 1
    for y, d in _scan_levels(x, axis):
        tail = (shape.getitem(t, along(a, slice(d, None)))
                * shape.getitem(y, along(axis, slice(None, n - d)))
                + shape.getitem(y, along(axis, slice(d, None)))
                * shape.getitem(t, along(a, slice(None, n - d))))
        t = shape.concatenate([shape.getitem(t, along(a, slice(None, d))), tail], a)
    return t


def _scan_vjp(g, x, axis):
    """The transpose of _scan_jvp: the rounds in reverse order."""
    n = shape_of(x)[axis]
    for y, d in reversed(_scan_levels(x, axis)):
        late = shape.getitem(g, along(axis, slice(d, None)))
        zeros = np.zeros(shape_of(g)[:axis] + (d,) + shape_of(g)[axis + 1:], float_dtype(g))
        g = (shape.concatenate([shape.getitem(g, along(axis, slice(None, d))),
                                late * shape.getitem(y, along(axis, slice(None, n - d)))], axis)
             + shape.concatenate([late * shape.getitem(y, along(axis, slice(d, None))), zeros],
                                 axis))
    return g


def _cumprod_jvp(ts, ans, x, axis):
    if _has_zero(x):
        return _scan_jvp(ts[0], x, axis)
    return ans * cumsum(elementwise.div(ts[0], x), axis + 1)


def _cumprod_vjp(g, wanted, ans, x, axis):
    if _has_zero(x):
        return (_scan_vjp(g, x, axis),)
    return (elementwise.div(cumsum(g * ans, axis, True), x),)


cumprod_p = Primitive("cumprod", lambda x, axis: np.cumprod(x, axis)).def_rules(
    jvp=_cumprod_jvp, vjp=_cumprod_vjp)


def cumsum(x: Value, axis: int, reverse: bool = False) -> Value:
    """Running sums along axis (an int; x at least 1-D); reverse: from the end."""
    return bind(cumsum_p, x, axis=axis, reverse=reverse)


def cumprod(x: Value, axis: int) -> Value:
    """Running products along axis (an int; x at least 1-D)."""
    return bind(cumprod_p, x, axis=axis)
