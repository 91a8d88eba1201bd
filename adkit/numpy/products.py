"""Products under numpy's names: dot, inner, vdot, outer, trace."""
from __future__ import annotations

import builtins

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..core import Value, ndim_of, shape_of
from ..ops import matmul
from ..ops import mul as multiply
from .common import UFUNCS, check, implements
from .manipulation import moveaxis, ravel, reshape
from .reductions import sum

__all__ = ["matmul", "dot", "inner", "outer", "trace", "vdot"]
UFUNCS[np.matmul] = matmul


def _contract(a, b0):
    """sum_l a[..., l] * b0[l, ...]: a's last axis against b0's first."""
    n = shape_of(b0)[0]
    out_shape = shape_of(a)[:-1] + shape_of(b0)[1:]
    flat = matmul(reshape(a, (-1, n)), reshape(b0, (n, -1)))
    return reshape(flat, out_shape)


@implements(np.dot)
def dot(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    """numpy.dot for any ranks (scalars multiply; N-D contracts a[-1] with b[-2])."""
    check("dot", out=out)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    k = shape_of(b)[-2] if nb >= 2 else shape_of(b)[0]
    if shape_of(a)[-1] != k:
        raise ValueError(f"dot: shapes {shape_of(a)} and {shape_of(b)} not aligned: "
                         f"{shape_of(a)[-1]} (dim {na - 1}) != {k} (dim {builtins.max(nb - 2, 0)})")
    if nb <= 2:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -2, 0))


@implements(np.inner)
def inner(a: ArrayLike, b: ArrayLike) -> Value:
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply(a, b)
    if ndim_of(b) == 1:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -1, 0))


@implements(np.vdot)
def vdot(a: ArrayLike, b: ArrayLike) -> Value:
    return matmul(ravel(a), ravel(b))


@implements(np.outer)
def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    check("outer", out=out)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


@implements(np.trace)
def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1,
          dtype: DTypeLike = None, out: None = None) -> Value:
    check("trace", out=out)
    if (offset, axis1, axis2) != (0, 0, 1) or ndim_of(a) != 2:
        raise TypeError("adkit.numpy.trace supports the main diagonal of a 2-D array only")
    n = builtins.min(shape_of(a))
    return sum(ops.getitem(a, (np.arange(n), np.arange(n))))
