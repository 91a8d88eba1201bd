"""Shape, joining and array creation under numpy's names: reshape, transpose, stack, flip,
roll, repeat, tile, ... and array() (every one linear: each is made of reshape, transpose,
broadcast_to, getitem and concatenate), and astype."""
from __future__ import annotations

import builtins
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..boundary import complex_error
from ..core import Axis, Box, Value, ndim_of, raw, shape_of
from ..ops.shape import along
from .common import check, implements, normalize_axis, one_axis, unsupported

__all__ = ["array", "asarray", "astype", "atleast_1d", "atleast_2d", "atleast_3d",
           "broadcast_to", "concatenate", "expand_dims", "flip", "fliplr", "flipud", "hstack",
           "moveaxis", "ravel", "repeat", "reshape", "roll", "rot90", "squeeze", "stack",
           "swapaxes", "tile", "transpose", "vstack"]


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
    arrays = _joinable([array(a) for a in arrays], dtype, casting, "concatenate")
    if axis is not None:
        axis = one_axis(axis, ndim_of(arrays[0]), "concatenate")
    return ops.concatenate(arrays, axis)


@implements(np.stack)
def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None,
          dtype: DTypeLike = None, casting: str | None = None) -> Value:
    check("stack", out=out)
    arrays = _joinable([array(a) for a in arrays], dtype, casting, "stack")
    if not arrays:
        raise ValueError("stack: need at least one array to stack")
    axis = one_axis(axis, ndim_of(arrays[0]) + 1, "stack")
    return ops.concatenate([expand_dims(a, axis) for a in arrays], axis)


@implements(np.hstack)
def hstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, 0 if ndim_of(arrays[0]) == 1 else 1, dtype=dtype,
                       casting=casting)


@implements(np.vstack)
def vstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    return concatenate([atleast_2d(a) for a in tup], 0, dtype=dtype, casting=casting)


def _each(upgrade, arys):
    """numpy's atleast_nd convention: one array for one argument, else a tuple."""
    out = tuple(upgrade(as_array(a)) for a in arys)
    return out[0] if len(out) == 1 else out


def _at_least(a, nd):
    return reshape(a, (1,) * (nd - ndim_of(a)) + shape_of(a)) if ndim_of(a) < nd else a


@implements(np.atleast_1d)
def atleast_1d(*arys: ArrayLike) -> Value | tuple[Value, ...]:
    """numpy.atleast_1d: a scalar becomes shape (1,); several arguments give a tuple."""
    return _each(lambda a: _at_least(a, 1), arys)


@implements(np.atleast_2d)
def atleast_2d(*arys: ArrayLike) -> Value | tuple[Value, ...]:
    """numpy.atleast_2d: (n,) becomes (1, n); several arguments give a tuple."""
    return _each(lambda a: _at_least(a, 2), arys)


def _to_3d(a):
    shape = shape_of(a)
    if len(shape) >= 3:
        return a
    return reshape(a, ((1, 1, 1), (1,) + shape + (1,), shape + (1,))[len(shape)])


@implements(np.atleast_3d)
def atleast_3d(*arys: ArrayLike) -> Value | tuple[Value, ...]:
    """numpy.atleast_3d: (n,) -> (1, n, 1) and (m, n) -> (m, n, 1)."""
    return _each(_to_3d, arys)


def _holds_box(obj):
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return builtins.any(_holds_box(o) for o in obj)
    return False


def array(obj: Any, dtype: DTypeLike = None, copy: bool | None = True,
          ndmin: int = 0) -> Value:
    """numpy.array that also stacks (nested) lists of boxes, keeping their derivatives."""
    if isinstance(obj, (list, tuple)) and _holds_box(obj):
        obj = stack([array(o) for o in obj])
    elif not isinstance(obj, Box):
        return np.array(obj, dtype=dtype, copy=copy, ndmin=ndmin)
    return _at_least(obj if dtype is None else astype(obj, dtype), ndmin)


def asarray(a: ArrayLike, dtype: DTypeLike = None) -> Value:
    return a if isinstance(a, Box) and dtype is None else array(a, dtype=dtype, copy=None)


def as_array(a: ArrayLike) -> Value:
    """a, with a list or tuple (which may hold boxes) made an array, as numpy's
    functions take array-likes: anp.sum([x, y]) stacks x and y first."""
    return array(a) if type(a) is list or type(a) is tuple else a


def as_dtype(a: ArrayLike, dtype: DTypeLike) -> Value:
    """a as an array of dtype (None: as it is): numpy's dtype= of a reduction or a
    running sum, which casts each element before it accumulates."""
    return a if dtype is None else astype(as_array(a), dtype)


def _joinable(arrays, dtype, casting, fn):
    """numpy's dtype= and casting= for joining arrays: each cast to dtype (default: their
    common type) if the casting rule ('same_kind' by default) allows it."""
    if dtype is None and casting is None:
        return arrays
    dtypes = [np.result_type(raw(a)) for a in arrays]
    target = np.result_type(*dtypes) if dtype is None else np.dtype(dtype)
    rule = "same_kind" if casting is None else casting
    for d in dtypes:
        if not np.can_cast(d, target, rule):
            raise TypeError(f"{fn}: cannot cast array data from {d} to {target} according "
                            f"to the rule {rule!r}")
    return [a if d == target else astype(a, target) for a, d in zip(arrays, dtypes)]


@implements(*[f for f in [getattr(np, "astype", None)] if f is not None])  # numpy >= 2.1
def astype(x: ArrayLike, dtype: DTypeLike, /, *, copy: bool = True,
           device: str | None = None) -> Value:
    """x as dtype: a float dtype keeps the derivatives (cast alike); an integer or bool
    cast is a constant (derivative 0).

    >>> adkit.grad(lambda x: anp.sum(x.astype(np.float32) * x.astype(int)))(np.array([1.5]))
    array([1.])
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return ops.astype(x, dtype)
    if dtype.kind == "c":
        raise complex_error(f"astype({dtype})")
    return np.asarray(raw(x)).astype(dtype)


# ------------------------------------------------------- rearranging elements ----

@implements(np.flip)
def flip(m: ArrayLike, axis: Axis = None) -> Value:
    """numpy.flip: reversed along axis (all axes for None), a getitem with step -1."""
    m = as_array(m)
    nd = ndim_of(m)
    axes = range(nd) if axis is None else normalize_axis(axis, nd, "flip")
    idx = [slice(None)] * nd
    for a in axes:
        idx[a] = slice(None, None, -1)
    return ops.getitem(m, tuple(idx))


@implements(np.fliplr)
def fliplr(m: ArrayLike) -> Value:
    """numpy.fliplr: reversed along axis 1."""
    if ndim_of(as_array(m)) < 2:
        raise ValueError("fliplr: input must be >= 2-d")
    return flip(m, 1)


@implements(np.flipud)
def flipud(m: ArrayLike) -> Value:
    """numpy.flipud: reversed along axis 0."""
    if ndim_of(as_array(m)) < 1:
        raise ValueError("flipud: input must be >= 1-d")
    return flip(m, 0)


@implements(np.rot90)
def rot90(m: ArrayLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> Value:
    """numpy.rot90: k quarter turns from axes[0] towards axes[1]."""
    m = as_array(m)
    nd = ndim_of(m)
    if len(axes) != 2:
        raise ValueError("rot90: len(axes) must be 2")
    a0, a1 = one_axis(axes[0], nd, "rot90"), one_axis(axes[1], nd, "rot90")
    if a0 == a1:
        raise ValueError("rot90: axes must be different")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(m, (a0, a1))
    perm = list(range(nd))
    perm[a0], perm[a1] = a1, a0
    return ops.transpose(flip(m, a1), tuple(perm)) if k == 1 else \
        flip(ops.transpose(m, tuple(perm)), a1)


@implements(np.roll)
def roll(a: ArrayLike, shift: int | Sequence[int], axis: Axis = None) -> Value:
    """numpy.roll, as two slices joined (no index arrays, so the VJP is cheap too)."""
    a = as_array(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    shape = shape_of(a)
    total = [0] * len(shape)
    for s, ax in np.broadcast(np.asarray(shift), np.asarray(axis)):
        total[one_axis(int(ax), len(shape), "roll")] += int(s)
    for ax, s in enumerate(total):
        n = shape[ax]
        if n and s % n:
            cut = n - s % n
            a = ops.concatenate([ops.getitem(a, along(ax, slice(cut, None))),
                                 ops.getitem(a, along(ax, slice(None, cut)))], ax)
    return a


@implements(np.repeat)
def repeat(a: ArrayLike, repeats: int | ArrayLike, axis: int | None = None) -> Value:
    """numpy.repeat: one count is a broadcast (whose VJP is a sum), counts an index."""
    a = as_array(a)
    if axis is None:
        a, axis = ravel(a), 0
    shape = shape_of(a)
    axis = one_axis(axis, len(shape), "repeat")
    counts = np.asarray(raw(repeats))
    if counts.size != 1:
        return ops.getitem(a, along(axis, np.repeat(np.arange(shape[axis]), counts)))
    r = int(counts.reshape(()))
    if r < 0:
        raise ValueError("repeat: repeats may not contain negative values")
    head, tail = shape[:axis + 1], shape[axis + 1:]
    wide = ops.broadcast_to(ops.reshape(a, head + (1,) + tail), head + (r,) + tail)
    return ops.reshape(wide, shape[:axis] + (shape[axis] * r,) + tail)


@implements(np.tile)
def tile(A: ArrayLike, reps: int | Sequence[int]) -> Value:
    """numpy.tile, as a broadcast and a reshape."""
    A = as_array(A)
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    nd = builtins.max(len(reps), ndim_of(A))
    shape = (1,) * (nd - ndim_of(A)) + shape_of(A)
    reps = (1,) * (nd - len(reps)) + reps
    spread = ops.reshape(A, tuple(v for n in shape for v in (1, n)))
    wide = ops.broadcast_to(spread, tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return ops.reshape(wide, tuple(r * n for r, n in zip(reps, shape)))
