"""Indexing, diagonals, padding and sorting under numpy's names: take, take_along_axis,
diag, diagonal, tril, triu, pad, sort, partition. Each picks elements with getitem (its
VJP adds the cotangents back with scatter_add) or masks them with where; indices and
masks come from the plain values and carry no derivative."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Box, Value, float_dtype, ndim_of, raw, shape_of
from ..ops.shape import along
from .common import check, implements, one_axis, unsupported
from .manipulation import as_array, ravel

__all__ = ["diag", "diagonal", "pad", "partition", "sort", "take", "take_along_axis", "tril",
           "triu"]


def _plain(indices, fn):
    if isinstance(indices, Box):
        raise TypeError(f"{fn} must be plain numbers, not a traced {type(indices).__name__} "
                        "(adkit does not differentiate with respect to them)")
    return np.asarray(indices)


@implements(np.take)
def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None, out: None = None,
         mode: str = "raise") -> Value:
    """numpy.take: the elements at indices along axis (of the flattened a for None)."""
    check("take", out=out)
    a = as_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = one_axis(axis, ndim_of(a), "take")
    idx = _plain(indices, "take: indices")
    n = shape_of(a)[axis]
    if mode == "wrap":
        idx = np.mod(idx, n)
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}")
    return ops.getitem(a, along(axis, idx))


@implements(np.take_along_axis)
def take_along_axis(arr: ArrayLike, indices: ArrayLike, axis: int | None = -1) -> Value:
    """numpy.take_along_axis: arr's elements at indices along axis (one getitem).

    >>> anp.take_along_axis(np.array([[3.0, 1.0], [0.5, 2.0]]), np.array([[1], [0]]), 1)
    array([[1. ],
           [0.5]])
    """
    arr = as_array(arr)
    idx = _plain(indices, "take_along_axis: indices")
    if axis is None:
        arr, axis = ravel(arr), 0
    nd = ndim_of(arr)
    if idx.ndim != nd:
        raise ValueError(f"take_along_axis: indices has {idx.ndim} dimensions, arr has {nd}; "
                         "they must match")
    axis = one_axis(axis, nd, "take_along_axis")
    full = tuple(idx if d == axis else
                 np.arange(n).reshape((1,) * d + (n,) + (1,) * (nd - d - 1))
                 for d, n in enumerate(shape_of(arr)))
    return ops.getitem(arr, full)


# ------------------------------------------------------------------ diagonals ----

def _diagonal_indices(n1, n2, offset):
    start1, start2 = max(-offset, 0), max(offset, 0)
    k = max(0, min(n1 - start1, n2 - start2))
    return np.arange(start1, start1 + k), np.arange(start2, start2 + k)


@implements(np.diagonal)
def diagonal(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Value:
    """numpy.diagonal: the diagonal of the (axis1, axis2) planes, as the last axis."""
    a = as_array(a)
    nd = ndim_of(a)
    if nd < 2:
        raise ValueError("diagonal: the array must be at least 2-d")
    ax1, ax2 = one_axis(axis1, nd, "diagonal"), one_axis(axis2, nd, "diagonal")
    if ax1 == ax2:
        raise ValueError("diagonal: axis1 and axis2 cannot be the same")
    moved = ops.transpose(a, tuple(d for d in range(nd) if d not in (ax1, ax2)) + (ax1, ax2))
    rows, cols = _diagonal_indices(*shape_of(moved)[-2:], int(offset))
    return ops.getitem(moved, (Ellipsis, rows, cols))


@implements(np.diag)
def diag(v: ArrayLike, k: int = 0) -> Value:
    """numpy.diag: a 1-D v makes a square matrix with v on diagonal k; a 2-D v gives
    its diagonal k."""
    v = as_array(v)
    if not isinstance(v, Box):  # numpy's own (keeps integer dtypes)
        return np.diag(v, k)
    if ndim_of(v) == 2:
        return diagonal(v, k)
    if ndim_of(v) != 1:
        raise ValueError("diag: input must be 1- or 2-d")
    n = shape_of(v)[0] + abs(int(k))
    return ops.scatter_add(v, _diagonal_indices(n, n, int(k)), (n, n))


def _masked(m, k, keep):
    m = as_array(m)
    return ops.where(keep(np.tri(*shape_of(m)[-2:], k=k, dtype=bool)), m, 0)


@implements(np.tril)
def tril(m: ArrayLike, k: int = 0) -> Value:
    """numpy.tril: m with the elements above diagonal k set to 0 (a where, fixed mask)."""
    return _masked(m, int(k), lambda lower: lower)


@implements(np.triu)
def triu(m: ArrayLike, k: int = 0) -> Value:
    """numpy.triu: m with the elements below diagonal k set to 0 (a where, fixed mask)."""
    return _masked(m, int(k) - 1, lambda lower: ~lower)


# ------------------------------------------------------------------ padding ----

_INDEX_MODES = ("edge", "reflect", "symmetric", "wrap")


@implements(np.pad)
def pad(array: ArrayLike, pad_width: int | Sequence[Any], mode: str = "constant",
        **kwargs: Any) -> Value:
    """numpy.pad in modes constant, edge, reflect, symmetric and wrap.

    >>> anp.pad(np.array([1.0, 2.0, 3.0]), (1, 2), mode="reflect")
    array([2., 1., 2., 3., 2., 1.])
    """
    if "constant_values" in kwargs:
        kwargs["constant_values"] = _plain(kwargs["constant_values"], "pad: constant_values")
    array = as_array(array)
    if not isinstance(array, Box):  # numpy's own, every mode, its dtypes
        return np.pad(array, pad_width, mode=mode, **kwargs)
    if mode not in ("constant",) + _INDEX_MODES:
        raise TypeError(f"adkit.numpy.pad: mode={mode!r} on a traced array is not supported "
                        "(constant, edge, reflect, symmetric and wrap are)")
    shape = shape_of(array)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (len(shape), 2))
    if (widths < 0).any():
        raise ValueError("pad: index can't contain negative values")
    if mode in _INDEX_MODES:
        if kwargs.get("reflect_type", "even") != "even" or set(kwargs) - {"reflect_type"}:
            raise unsupported("pad", next(iter(kwargs)))
        # each output element is an input element: pad the indices, then take them
        idx = np.ix_(*(np.pad(np.arange(n), tuple(w), mode=mode) for n, w in zip(shape, widths)))
        return ops.getitem(array, idx)
    values = kwargs.pop("constant_values", 0)
    if kwargs:
        raise unsupported("pad", next(iter(kwargs)))
    inside = tuple(slice(b, b + n) for n, (b, _) in zip(shape, widths))
    out = ops.scatter_add(array, inside, tuple(n + b + e for n, (b, e) in zip(shape, widths)))
    frame = np.pad(np.zeros(shape, float_dtype(array)), widths, constant_values=values)
    return ops.add(out, frame) if frame.any() else out


# ------------------------------------------------------------------ sorting ----

def _ordered(name, a, axis, order, positions):
    """a's elements in the order positions(plain a, axis) gives, taken along axis."""
    if order is not None:
        raise unsupported(name, "order")
    a = as_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = one_axis(axis, ndim_of(a), name)
    return take_along_axis(a, positions(np.asarray(raw(a)), axis), axis)


@implements(np.sort)
def sort(a: ArrayLike, axis: int | None = -1, kind: str | None = None, order: None = None, *,
         stable: bool | None = None) -> Value:
    """numpy.sort; equal elements keep their order (a stable sort), so at ties each
    output's derivative is that of the input element it came from.

    >>> adkit.jacobian(anp.sort)(np.array([2.0, 1.0, 2.0]))
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 1.]])
    """
    return _ordered("sort", a, axis, order, lambda x, ax: np.argsort(x, ax, kind="stable"))


@implements(np.partition)
def partition(a: ArrayLike, kth: int | Sequence[int], axis: int | None = -1,
              kind: str = "introselect", order: None = None) -> Value:
    """numpy.partition (the permutation numpy.argpartition gives)."""
    return _ordered("partition", a, axis, order,
                    lambda x, ax: np.argpartition(x, kth, ax, kind=kind))
