"""Reductions under numpy's names: sum, prod, mean, var, std, max, min, and
logsumexp/softmax. Each takes array-likes as numpy does: anp.sum([x, y]) stacks first."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..core import Axis, Box, Value, ndim_of, shape_of
from ..ops import div as divide
from ..ops import exp
from ..ops import sub as subtract
from ..ops.rules import size_of
from .common import UFUNC_REDUCE, check, implements, normalize_axis
from .manipulation import as_array, as_dtype, astype

__all__ = ["amax", "amin", "log_softmax", "logsumexp", "max", "mean", "min", "prod", "softmax",
           "std", "sum", "var"]


def _reduce(op, name, a, axis, keepdims, **unsupported):
    """op over numpy's axis argument, refusing out=, initial= and where=."""
    for given in unsupported.values():
        if given is not None:
            check(name, **unsupported)
    a = as_array(a)
    if axis is not None:
        axis = normalize_axis(axis, ndim_of(a), name)
    return op(a, axis, bool(keepdims))


@implements(np.sum)
def sum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        keepdims: bool = False, initial: None = None, where: None = None) -> Value:
    return _reduce(ops.sum, "sum", as_dtype(a, dtype), axis, keepdims, out=out,
                   initial=initial, where=where)


@implements(np.mean)
def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, where: None = None) -> Value:
    """numpy.mean; dtype= is the sum's type and the result's, as numpy's."""
    m = _reduce(ops.mean, "mean", as_dtype(a, dtype), axis, keepdims, out=out, where=where)
    return m if dtype is None or np.dtype(dtype).kind == "f" else astype(m, dtype)


@implements(np.var)
def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False, where: None = None, *, mean: None = None,
        correction: float | None = None) -> Value:
    """numpy.var (correction= is ddof's array-API name); dtype= a float type to compute
    in."""
    check("var", out=out, where=where, mean=mean)
    ddof = _ddof("var", ddof, correction)
    a = _float_dtype("var", a, dtype)
    if not isinstance(a, Box) and np.iscomplexobj(a):  # numpy's |a - mean|^2: no derivative
        return np.var(a, axis=axis, ddof=ddof, keepdims=keepdims)
    axis = normalize_axis(axis, ndim_of(a), "var")
    d = subtract(a, ops.mean(a, axis, True))
    return divide(ops.sum(d * d, axis, bool(keepdims)), float(size_of(shape_of(a), axis) - ddof))


@implements(np.std)
def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False, where: None = None, *, mean: None = None,
        correction: float | None = None) -> Value:
    """numpy.std; its slope is 0 where it is flat (a constant input, a length-1 axis)."""
    check("std", out=out, where=where, mean=mean)
    ddof = _ddof("std", ddof, correction)
    a = _float_dtype("std", a, dtype)
    if not isinstance(a, Box) and np.iscomplexobj(a):
        return np.std(a, axis=axis, ddof=ddof, keepdims=keepdims)
    return ops.safe_sqrt(var(a, axis, None, None, ddof, keepdims))


def _ddof(fn, ddof, correction):
    """ddof, or correction= (its array-API name) in its place; not both, as numpy."""
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{fn}: ddof and correction can't be provided simultaneously")
    return correction


def _float_dtype(fn, a, dtype):
    """a as an array of dtype (None: as it is); a variance is computed in a float type."""
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise TypeError(f"{fn}(dtype={np.dtype(dtype)}): adkit computes a variance in a "
                        "floating type; pass a float dtype, or cast the result")
    return as_array(as_dtype(a, dtype))


@implements(np.max, np.amax)
def max(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
        initial: None = None, where: None = None) -> Value:
    """numpy.max; ties share the derivative evenly."""
    return _reduce(ops.amax, "max", a, axis, keepdims, out=out, initial=initial, where=where)


@implements(np.min, np.amin)
def min(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
        initial: None = None, where: None = None) -> Value:
    """numpy.min; ties share the derivative evenly."""
    return _reduce(ops.amin, "min", a, axis, keepdims, out=out, initial=initial, where=where)


@implements(np.prod)
def prod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, initial: None = None, where: None = None) -> Value:
    """numpy.prod; its derivative is exact where a has zeros (the product of the others).

    >>> adkit.grad(anp.prod)(np.array([2.0, 3.0, 0.0]))
    array([0., 0., 6.])
    """
    return _reduce(ops.prod, "prod", as_dtype(a, dtype), axis, keepdims, out=out,
                   initial=initial, where=where)


amax, amin = max, min
UFUNC_REDUCE.update({np.add: sum, np.maximum: max, np.minimum: min, np.multiply: prod})


def logsumexp(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Value:
    """log(sum(exp(a))) computed stably (as scipy.special.logsumexp)."""
    a = as_array(a)
    return ops.logsumexp(a, normalize_axis(axis, ndim_of(a), "logsumexp"), bool(keepdims))


def softmax(a: ArrayLike, axis: Axis = -1) -> Value:
    """exp(a) / sum(exp(a)) along axis (as scipy.special.softmax)."""
    return exp(subtract(a, logsumexp(a, axis, keepdims=True)))


def log_softmax(a: ArrayLike, axis: Axis = -1) -> Value:
    """a - logsumexp(a) along axis (as scipy.special.log_softmax)."""
    return subtract(a, logsumexp(a, axis, keepdims=True))
