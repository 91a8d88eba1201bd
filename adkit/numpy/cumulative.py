"""Running sums and products, and differences, under numpy's names: cumsum, cumprod,
diff."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..core import Value, ndim_of, shape_of
from ..ops.shape import along
from .common import check, implements, one_axis
from .manipulation import as_array, as_dtype, broadcast_to, concatenate, ravel

__all__ = ["cumprod", "cumsum", "diff"]


def _along_axis(a, axis, fn):
    a = as_array(a)
    if axis is None or ndim_of(a) == 0:
        return ravel(a), 0
    return a, one_axis(axis, ndim_of(a), fn)


@implements(np.cumsum)
def cumsum(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
           out: None = None) -> Value:
    """numpy.cumsum (axis None: of the flattened array); its VJP is the reversed cumsum."""
    check("cumsum", out=out)
    return ops.cumsum(*_along_axis(as_dtype(a, dtype), axis, "cumsum"))


@implements(np.cumprod)
def cumprod(a: ArrayLike, axis: int | None = None, dtype: DTypeLike = None,
            out: None = None) -> Value:
    """numpy.cumprod; derivatives exact where a has zeros.

    >>> adkit.jacobian(anp.cumprod)(np.array([2.0, 0.0, 3.0]))
    array([[1., 0., 0.],
           [0., 2., 0.],
           [0., 6., 0.]])
    """
    check("cumprod", out=out)
    return ops.cumprod(*_along_axis(as_dtype(a, dtype), axis, "cumprod"))


@implements(np.diff)
def diff(a: ArrayLike, n: int = 1, axis: int = -1, prepend: ArrayLike | None = None,
         append: ArrayLike | None = None) -> Value:
    """numpy.diff: a[1:] - a[:-1] along axis, n times (prepend/append joined first)."""
    a = as_array(a)
    nd = ndim_of(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    if n < 0:
        raise ValueError(f"diff: order must be non-negative but got {n}")
    axis = one_axis(axis, nd, "diff")
    shape = shape_of(a)

    def edge(values):  # a scalar is one slice of a along axis
        values = as_array(values)
        return broadcast_to(values, shape[:axis] + (1,) + shape[axis + 1:]) \
            if ndim_of(values) == 0 else values

    parts = ([] if prepend is None else [edge(prepend)]) + [a] + \
        ([] if append is None else [edge(append)])
    if len(parts) > 1:
        a = concatenate(parts, axis)
    for _ in range(n):
        a = ops.sub(ops.getitem(a, along(axis, slice(1, None))),
                    ops.getitem(a, along(axis, slice(None, -1))))
    return a
