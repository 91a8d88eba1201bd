"""Shape, joining and array creation under numpy's names: reshape, transpose, stack, ...
(every one linear: each is made of reshape/transpose/broadcast_to/concatenate)."""
from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..core import Axis, Box, Value, ndim_of, shape_of
from .common import check, implements, normalize_axis, one_axis, unsupported

__all__ = ["array", "asarray", "atleast_1d", "atleast_2d", "broadcast_to", "concatenate",
           "expand_dims", "hstack", "moveaxis", "ravel", "reshape", "squeeze", "stack", "swapaxes",
           "transpose", "vstack"]


def _as_shape(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)


@implements(np.reshape)
def reshape(a: ArrayLike, shape: int | Sequence[int] | None = None, order: str = "C", *,
            newshape: int | Sequence[int] | None = None, copy: bool | None = None) -> Value:
    if order != "C":
        raise unsupported("reshape", "order")
    shape = _as_shape(newshape if shape is None else shape)
    if -1 in shape:  # resolve it here, so rules can prepend a direction axis freely
        known = math.prod(n for n in shape if n != -1)
        size = math.prod(shape_of(a))
        if shape.count(-1) > 1 or known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape an array of shape {shape_of(a)} "
                             f"into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if shape == shape_of(a) and isinstance(a, Box):
        return a
    return ops.reshape(a, shape)


@implements(np.ravel)
def ravel(a: ArrayLike, order: str = "C") -> Value:
    return reshape(a, (-1,), order)


@implements(np.transpose)
def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Value:
    nd = ndim_of(a)
    if axes is None:
        axes = tuple(range(nd))[::-1]
    else:
        axes = tuple(int(x) % nd for x in axes)
        if sorted(axes) != list(range(nd)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of {nd} axes")
    return ops.transpose(a, axes)


@implements(np.swapaxes)
def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Value:
    nd = ndim_of(a)
    perm = list(range(nd))
    i, j = one_axis(axis1, nd, "swapaxes"), one_axis(axis2, nd, "swapaxes")
    perm[i], perm[j] = perm[j], perm[i]
    return ops.transpose(a, tuple(perm))


@implements(np.moveaxis)
def moveaxis(a: ArrayLike, source: int, destination: int) -> Value:
    nd = ndim_of(a)
    src, dst = one_axis(source, nd, "moveaxis"), one_axis(destination, nd, "moveaxis")
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return ops.transpose(a, tuple(perm))


@implements(np.expand_dims)
def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Value:
    shape = list(shape_of(a))
    for ax in normalize_axis(axis, len(shape) + (1 if isinstance(axis, int) else len(axis)),
                             "expand_dims"):
        shape.insert(ax, 1)
    return ops.reshape(a, tuple(shape))


@implements(np.squeeze)
def squeeze(a: ArrayLike, axis: Axis = None) -> Value:
    shape = shape_of(a)
    axes = normalize_axis(axis, len(shape), "squeeze")
    if axes is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    if builtins.any(shape[i] != 1 for i in axes):
        raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size "
                         f"not equal to one (shape {shape}, axis {axis})")
    return ops.reshape(a, tuple(n for i, n in enumerate(shape) if i not in axes))


@implements(np.broadcast_to)
def broadcast_to(array: ArrayLike, shape: int | Sequence[int], subok: bool = False) -> Value:
    shape = _as_shape(shape)
    if shape == shape_of(array):
        return array
    return ops.broadcast_to(array, shape)


@implements(np.concatenate)
def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0, out: None = None,
                dtype: DTypeLike = None, casting: str | None = None) -> Value:
    check("concatenate", out=out)
    arrays = [array(a) for a in arrays]
    if axis is not None:
        axis = one_axis(axis, ndim_of(arrays[0]), "concatenate")
    return ops.concatenate(arrays, axis)


@implements(np.stack)
def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None,
          dtype: DTypeLike = None, casting: str | None = None) -> Value:
    check("stack", out=out)
    arrays = [array(a) for a in arrays]
    if not arrays:
        raise ValueError("stack: need at least one array to stack")
    axis = one_axis(axis, ndim_of(arrays[0]) + 1, "stack")
    return ops.concatenate([expand_dims(a, axis) for a in arrays], axis)


@implements(np.hstack)
def hstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, 0 if ndim_of(arrays[0]) == 1 else 1)


@implements(np.vstack)
def vstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    return concatenate([atleast_2d(a) for a in tup], 0)


@implements(np.atleast_1d)
def atleast_1d(a: ArrayLike) -> Value:
    return reshape(a, (1,)) if ndim_of(a) == 0 else a


@implements(np.atleast_2d)
def atleast_2d(a: ArrayLike) -> Value:
    nd = ndim_of(a)
    return reshape(a, (1,) * (2 - nd) + shape_of(a)) if nd < 2 else a


def _holds_box(obj):
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return builtins.any(_holds_box(o) for o in obj)
    return False


def array(obj: Any, dtype: DTypeLike = None, copy: bool | None = True,
          ndmin: int = 0) -> Value:
    """numpy.array that also stacks (nested) lists of boxes, keeping their derivatives."""
    if isinstance(obj, Box):
        return obj
    if isinstance(obj, (list, tuple)) and _holds_box(obj):
        return stack([array(o) for o in obj])
    return np.array(obj, dtype=dtype, copy=copy, ndmin=ndmin)


def asarray(a: ArrayLike, dtype: DTypeLike = None) -> Value:
    return a if isinstance(a, Box) else array(a, dtype=dtype, copy=None)
