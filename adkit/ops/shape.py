"""Shape and indexing primitives: reshape, transpose, broadcast_to, getitem and its
transpose scatter_add, concatenate. All linear: each JVP is the op on the tangent."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import FLOAT64, Primitive, Value, _counters, bind, float_dtype, ndim_of, shape_of
from .rules import linear, pad_tangent, unbroadcast, uniform

__all__ = ["broadcast_to", "concatenate", "getitem", "reshape", "scatter_add", "transpose"]


def along(axis: int, s: slice | np.ndarray) -> tuple[Any, ...]:
    """The index that applies s on axis (and takes everything on the axes before)."""
    return (slice(None),) * axis + (s,)


def _lead(t):
    return shape_of(t)[:1]


reshape_p = linear("reshape", lambda x, shape: np.asarray(x).reshape(shape),
                   lambda t, shape: reshape(t, _lead(t) + shape),
                   lambda g, x, shape: reshape(g, shape_of(x)))
transpose_p = linear("transpose", lambda x, axes: np.asarray(x).transpose(axes),
                     lambda t, axes: transpose(t, (0,) + tuple(a + 1 for a in axes)),
                     lambda g, x, axes: transpose(g, tuple(np.argsort(axes))))


def _broadcast_to_impl(x, shape):
    if math.prod(shape) > 4096:  # a view: no memory for big broadcasts (a number's is
        # the stride-0 view np.broadcast_to makes, made at a tenth of its cost)
        return uniform(x, shape) if shape_of(x) == () else np.broadcast_to(x, shape)
    dtype = FLOAT64 if type(x) is float else np.result_type(x)  # numpy's dtype
    out = np.empty(shape, dtype=dtype)
    out[...] = x  # small ones: a copy is faster than numpy's broadcast_to machinery
    return out


broadcast_to_p = linear(
    "broadcast_to", _broadcast_to_impl,
    lambda t, shape: broadcast_to(pad_tangent(t, len(shape)), _lead(t) + shape),
    lambda g, x, shape: unbroadcast(g, shape_of(x)))


# ---------------------------------------------------------------- indexing ----

def _is_basic_index(idx):
    """Only ints, slices, None and ...: no element can be selected twice."""
    for i in idx:
        t = type(i)
        if t is int or t is slice or i is None or i is Ellipsis:
            continue
        if isinstance(i, np.integer):
            continue
        return False
    return True


def _expand_ellipsis(idx, nd):
    """Replace `...` by explicit slices so the index touches exactly the first nd axes."""
    if not any(i is Ellipsis for i in idx):
        return idx
    used = 0
    for i in idx:
        if isinstance(i, np.ndarray) and i.dtype == bool:
            used += i.ndim
        elif i is not None and i is not Ellipsis:
            used += 1
    pos = next(j for j, i in enumerate(idx) if i is Ellipsis)
    return idx[:pos] + (slice(None),) * (nd - used) + idx[pos + 1:]


def _last_to_first(x):
    n = ndim_of(x)
    return transpose(x, (n - 1,) + tuple(range(n - 1)))


def _first_to_last(x):
    n = ndim_of(x)
    return transpose(x, tuple(range(1, n)) + (0,))


def _batched_getitem(t, idx):
    if _is_basic_index(idx):  # ints, slices, None, ...: the direction axis stays first
        return getitem(t, (slice(None),) + idx)
    # With the direction axis moved last and `...` spelled out, any index (basic or
    # advanced, adjacent or not) leaves that axis last in the result.
    full = _expand_ellipsis(idx, ndim_of(t) - 1)
    return _last_to_first(getitem(_first_to_last(t), full))


def _scatter_add_impl(g, idx, shape):
    out = np.zeros(shape, dtype=float_dtype(g))
    if _is_basic_index(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


def _batched_scatter_add(t, idx, shape):
    if _is_basic_index(idx):  # (as _batched_getitem)
        return scatter_add(t, (slice(None),) + idx, _lead(t) + shape)
    full = _expand_ellipsis(idx, len(shape))
    return _last_to_first(scatter_add(_first_to_last(t), full, shape + _lead(t)))


getitem_p = linear("getitem", lambda x, idx: x[idx], _batched_getitem,
                   lambda g, x, idx: scatter_add(g, idx, shape_of(x)))
scatter_add_p = linear("scatter_add", _scatter_add_impl, _batched_scatter_add,
                       lambda g, x, idx, shape: getitem(g, idx))


# ------------------------------------------------------------- concatenate ----

def _concatenate_jvp(tangents, ans, *xs, axis):
    k = next(shape_of(t)[0] for t in tangents if t is not None)
    ts = [np.zeros((k,) + shape_of(x), dtype=float_dtype(ans)) if t is None else t
          for t, x in zip(tangents, xs)]
    if axis is None:
        return concatenate([reshape(t, (k, -1)) for t in ts], 1)
    return concatenate(ts, axis + 1)


def _concatenate_vjp(g, wanted, ans, *xs, axis):
    out, start = [], 0
    for w, x in zip(wanted, xs):
        n = math.prod(shape_of(x)) if axis is None else shape_of(x)[axis]
        if w is None:
            out.append(None)
        elif axis is None:
            out.append(reshape(getitem(g, (slice(start, start + n),)), shape_of(x)))
        else:
            out.append(getitem(g, (slice(None),) * axis + (slice(start, start + n),)))
        start += n
    return tuple(out)


concatenate_p = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis))
concatenate_p.def_rules(jvp=_concatenate_jvp, vjp=_concatenate_vjp)


# ------------------------------------------------- functions over the primitives ----

def reshape(x: Value, shape: tuple[int, ...]) -> Value:
    """x with a new shape (a tuple of ints, no -1)."""
    return x if shape_of(x) == shape else bind(reshape_p, x, shape=shape)


def transpose(x: Value, axes: tuple[int, ...]) -> Value:
    """x with its axes permuted (a full tuple)."""
    return x if axes == tuple(range(len(axes))) else bind(transpose_p, x, axes=axes)


def broadcast_to(x: Value, shape: tuple[int, ...]) -> Value:
    """x broadcast to shape."""
    if shape_of(x) == shape:
        return x
    if type(x) is float and not _counters:  # a number (a loss's cotangent): the op, sooner
        return _broadcast_to_impl(x, shape)
    return bind(broadcast_to_p, x, shape=shape)


def getitem(x: Value, idx: tuple[Any, ...]) -> Value:
    """x[idx] for a tuple idx of ints, slices, None, ... and integer/boolean arrays."""
    return bind(getitem_p, x, idx=idx)


def scatter_add(g: Value, idx: tuple[Any, ...], shape: tuple[int, ...]) -> Value:
    """zeros(shape) with g added at idx (getitem's transpose)."""
    return bind(scatter_add_p, g, idx=idx, shape=shape)


def concatenate(xs: Sequence[Value], axis: int | None) -> Value:
    """xs joined along axis (None: flattened first)."""
    return bind(concatenate_p, *xs, axis=axis)


for _prim in (reshape_p, transpose_p, broadcast_to_p, getitem_p, scatter_add_p, concatenate_p):
    _prim.pure_rules = True  # rules built from ops alone: a compiled tape may expand them
concatenate_p.vjp_reads_ans = False  # slices of g
