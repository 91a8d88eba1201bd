"""Reductions: sum, max, min, prod and logsumexp over axes (None or a sorted tuple)."""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..core import (
    FLOAT64,
    SCALAR_TYPES,
    Primitive,
    Value,
    bind,
    float_dtype,
    nondiff,
    raw,
    shape_of,
)
from . import cumulative, elementwise, shape
from .rules import batched_axis, keepdims_shape, linear, size_of

__all__ = ["amax", "amin", "logsumexp", "mean", "prod", "sum", "sum_transpose"]


def _reduce_impl(ufunc):
    def impl(x, axis=None, keepdims=False):
        if type(x) in SCALAR_TYPES:
            return x
        return ufunc.reduce(x, axis=axis, keepdims=keepdims)  # np.sum etc. minus wrappers
    return impl


def _logsumexp_impl(x, axis=None, keepdims=False):
    if type(x) in SCALAR_TYPES:
        return x
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) slices: avoid inf - inf
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return out
    out = np.squeeze(out, axis=axis)
    return out[()] if out.ndim == 0 else out


def sum_transpose(g: Value, x: Value, axis: tuple[int, ...] | None = None,
                  keepdims: bool = False) -> Value:
    """The VJP of a sum: g broadcast back to x's shape."""
    xshape = shape_of(x)
    gshape = shape_of(g)
    if gshape == xshape:
        return g
    if not keepdims and gshape != ():
        g = shape.reshape(g, keepdims_shape(xshape, axis))
    return shape.broadcast_to(g, xshape)


def _sum_impl(x, axis=None, keepdims=False):
    """np.sum's value: numpy's reduction, or BLAS's over leading axes (sum_leading)."""
    if type(x) in SCALAR_TYPES:
        return x
    if axis and axis[-1] == len(axis) - 1 and type(x) is np.ndarray and x.dtype == FLOAT64 \
            and len(axis) < x.ndim and x.size and x.flags.c_contiguous:
        return sum_leading(x, len(axis), keepdims)
    return np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.sum minus its wrappers


_ONES = {}  # read-only vectors of ones by length (short ones only): sum_leading's


def sum_leading(x: np.ndarray, k: int, keepdims: bool = False) -> np.ndarray:
    """x summed over its first k axes (x a nonempty C-contiguous float64 array with axes
    left): a vector of ones times x as a matrix. BLAS does that 1.7-13x faster than
    numpy's reduction over a leading axis (a bias's gradient: g summed over the batch),
    to rounding.

    >>> sum_leading(np.arange(6.0).reshape(3, 2), 1)
    array([6., 9.])
    """
    dims = x.shape
    rows = dims[0] if k == 1 else math.prod(dims[:k])
    ones = _ONES.get(rows)
    if ones is None:
        ones = np.ones(rows)
        ones.flags.writeable = False
        if rows <= 4096 and len(_ONES) < 64:
            _ONES[rows] = ones
    if len(dims) == 2 and not keepdims:  # a matrix's column sums (k is 1)
        return np.dot(ones, x)
    out = np.dot(ones, x.reshape(rows, -1))
    return out.reshape((1,) * k + dims[k:] if keepdims else dims[k:])


sum_p = linear("sum", _sum_impl,
               lambda t, axis=None, keepdims=False: sum(t, batched_axis(axis, t), keepdims),
               sum_transpose)
sum_p.pure_rules = True  # rules built from ops alone: a compiled tape may expand them


def _mean_impl(x, axis=None, keepdims=False):
    """The sum (sum_p's), then one division by the count: np.mean's value, to rounding."""
    return _sum_impl(x, axis, keepdims) / float(size_of(shape_of(x), axis))


def mean_transpose(g: Value, x: Value, axis: tuple[int, ...] | None = None,
                   keepdims: bool = False) -> Value:
    """The VJP of a mean: g / count broadcast back to x's shape (as g * (1 / count))."""
    n = size_of(shape_of(x), axis)
    return sum_transpose(g * (1.0 / n if n else math.inf), x, axis, keepdims)


mean_p = linear("mean", _mean_impl,
                lambda t, axis=None, keepdims=False: mean(t, batched_axis(axis, t), keepdims),
                mean_transpose)
mean_p.pure_rules = True


@nondiff
def extreme_weights(ar, xr, axis, keepdims):
    """Where x attains its max/min along axis, weights 1/count (ties share evenly)."""
    if type(xr) in SCALAR_TYPES:
        return 1.0
    if not keepdims:
        ar = np.reshape(ar, keepdims_shape(xr.shape, axis))
    mask = xr == ar
    w = mask / np.sum(mask, axis=axis, keepdims=True)
    return w.astype(xr.dtype, copy=False) if xr.dtype.kind == "f" else w


def _others(ans, x, axis, keepdims):
    """d prod / dx: at each element, the product of the others in its reduction."""
    xr = raw(x)
    if type(xr) in SCALAR_TYPES:
        return 1.0
    if not np.any(xr == 0):
        if not keepdims:
            ans = shape.reshape(ans, keepdims_shape(xr.shape, axis))
        return elementwise.div(ans, x)  # holds near x too, so its derivatives are right
    nd = xr.ndim
    reduced = tuple(range(nd)) if axis is None else axis
    perm = tuple(i for i in range(nd) if i not in reduced) + reduced
    moved = shape.transpose(x, perm)  # the reduced axes last, flattened into one
    a = nd - len(reduced)
    flat = shape.reshape(moved, shape_of(moved)[:a] + (math.prod(shape_of(moved)[a:]),))
    others = shape.reshape(_exclusive_products(flat, a), shape_of(moved))
    return shape.transpose(others, tuple(int(i) for i in np.argsort(perm)))


def _exclusive_products(x, a):
    """prod_{j<i} x_j * prod_{j>i} x_j along the last axis a, from cumprods both ways:
    products only, and cumprod's rules are exact at zeros, so this is exact to every
    order where x has zeros (where ans / x is 0 / 0)."""
    n = shape_of(x)[a]
    rev = shape.along(a, slice(None, None, -1))
    left = cumulative.cumprod(x, a)
    right = shape.getitem(cumulative.cumprod(shape.getitem(x, rev), a), rev)
    ones = np.ones(shape_of(x)[:a] + (1,), dtype=float_dtype(x))
    return (shape.concatenate([ones, shape.getitem(left, shape.along(a, slice(None, n - 1)))], a)
            * shape.concatenate([shape.getitem(right, shape.along(a, slice(1, None))), ones], a))


def _weighted(name, impl, weights):
    """A reduction whose slope at each element is weights(ans, x, axis, keepdims)."""
    prim = Primitive(name, impl)

    def jvp(ts, ans, x, axis=None, keepdims=False):
        w = weights(ans, x, axis, keepdims)
        return sum(ts[0] * w, batched_axis(axis, ts[0]), keepdims)

    def vjp(g, wanted, ans, x, axis=None, keepdims=False):
        return (sum_transpose(g, x, axis, keepdims) * weights(ans, x, axis, keepdims),)

    return prim.def_rules(jvp=jvp, vjp=vjp)


max_p = _weighted("max", _reduce_impl(np.maximum), extreme_weights)
min_p = _weighted("min", _reduce_impl(np.minimum), extreme_weights)
prod_p = _weighted("prod", _reduce_impl(np.multiply), _others)
max_p.pure_rules = min_p.pure_rules = True  # weights by a nondiff function: expandable


def _softmax_of(ans, x, axis, keepdims):
    """exp(x - logsumexp(x)): the slope of logsumexp, with ans kept broadcastable."""
    if not keepdims:
        ans = shape.reshape(ans, keepdims_shape(shape_of(x), axis))
    a = raw(ans)
    if np.any(np.isneginf(a)):  # an all -inf slice: weights 0 there, not exp(-inf + inf)
        ans = elementwise.where(np.isneginf(a), 0.0, ans)
    return elementwise.exp(x - ans)


logsumexp_p = Primitive("logsumexp", _logsumexp_impl).def_rules(
    jvp=lambda ts, ans, x, axis=None, keepdims=False: sum(
        ts[0] * _softmax_of(ans, x, axis, keepdims), batched_axis(axis, ts[0]), keepdims),
    vjp=lambda g, wanted, ans, x, axis=None, keepdims=False: (
        sum_transpose(g, x, axis, keepdims) * _softmax_of(ans, x, axis, keepdims),))


def _reduction(prim: Primitive, name: str, doc: str) -> Callable[..., Value]:
    """prim as a function of (x, axis, keepdims): axis is None or a sorted tuple."""
    def reduce(x: Value, axis: tuple[int, ...] | None = None, keepdims: bool = False) -> Value:
        return bind(prim, x, axis=axis, keepdims=keepdims)

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = doc
    return reduce


sum = _reduction(sum_p, "sum", "Sum over axis (None or a sorted tuple of axes).")
mean = _reduction(mean_p, "mean", "Mean over axis: one op, not a sum and a division.")
amax = _reduction(max_p, "amax", "Max over axis; ties share the slope evenly.")
amin = _reduction(min_p, "amin", "Min over axis; ties share the slope evenly.")
prod = _reduction(prod_p, "prod", "Product over axis; its slope is exact where x has zeros.")
logsumexp = _reduction(logsumexp_p, "logsumexp", "log(sum(exp(x))) over axis, computed stably.")
