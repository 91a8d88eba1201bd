"""More joining and the splitting under numpy's names: column_stack, dstack, append, r_, c_,
split, array_split, hsplit, vsplit, dsplit (concatenate and slices: all linear)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Value, ndim_of, shape_of
from ..ops.shape import along
from .common import implements, one_axis
from .manipulation import as_array, atleast_3d, concatenate, ravel, reshape, transpose

__all__ = ["append", "array_split", "c_", "column_stack", "dsplit", "dstack", "hsplit", "r_",
           "split", "vsplit"]


@implements(np.column_stack)
def column_stack(tup: Sequence[ArrayLike]) -> Value:
    """numpy.column_stack: 1-D arrays become columns of a 2-D array."""
    cols = [as_array(a) for a in tup]
    return concatenate([reshape(a, (-1, 1)) if ndim_of(a) < 2 else a for a in cols], 1)


@implements(np.dstack)
def dstack(tup: Sequence[ArrayLike]) -> Value:
    """numpy.dstack: join along a third axis (after atleast_3d)."""
    return concatenate([atleast_3d(a) for a in tup], 2)


@implements(np.append)
def append(arr: ArrayLike, values: ArrayLike, axis: int | None = None) -> Value:
    """numpy.append: values after arr along axis (both flattened for None)."""
    if axis is None:
        return concatenate([ravel(as_array(arr)), ravel(as_array(values))], 0)
    return concatenate([arr, values], axis)


class AxisConcatenator:
    """numpy's r_ and c_ over traced values: `anp.r_[x, 0:2, y]` joins along an axis.

    An optional first string sets "axis[,ndmin[,trans1d]]" as numpy's does; slices
    become numpy's ranges (constants).

    >>> anp.c_[np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    array([[1., 3.],
           [2., 4.]])
    """

    def __init__(self, name: str, axis: int, ndmin: int, trans1d: int) -> None:
        self.name, self.axis, self.ndmin, self.trans1d = name, axis, ndmin, trans1d

    def __getitem__(self, key: Any) -> Value:
        items = list(key) if isinstance(key, tuple) else [key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        if items and isinstance(items[0], str):
            spec = items.pop(0)
            try:
                given = [int(v) for v in spec.split(",")]
            except ValueError:
                raise TypeError(f"adkit.numpy.{self.name}: the directive {spec!r} is not "
                                "supported (an axis string such as '0' or '-1,2,0' is)") from None
            axis, ndmin, trans1d = given + [ndmin, trans1d][len(given) - 1:]
        parts = [self._upgrade(as_array(np.r_[i] if isinstance(i, slice) else i), ndmin,
                               trans1d) for i in items]
        return concatenate(parts, axis)

    @staticmethod
    def _upgrade(a, ndmin, trans1d):
        """numpy's array(a, ndmin=ndmin), then trans1d places a's own axes."""
        nd = ndim_of(a)
        if nd >= ndmin:
            return a
        a = reshape(a, (1,) * (ndmin - nd) + shape_of(a))
        if trans1d == -1:
            return a
        k1 = trans1d + (ndmin - nd + 1 if trans1d < 0 else 0)
        axes = list(range(ndmin))
        return transpose(a, axes[:k1] + axes[ndmin - nd:] + axes[k1:ndmin - nd])


r_ = AxisConcatenator("r_", 0, 1, -1)
c_ = AxisConcatenator("c_", -1, 2, 0)


# ---------------------------------------------------------------- splitting ----

@implements(np.array_split)
def array_split(ary: ArrayLike, indices_or_sections: int | Sequence[int],
                axis: int = 0) -> list[Value]:
    """numpy.array_split: n sections (the first ones one longer) or cuts at indices."""
    ary = as_array(ary)
    axis = one_axis(axis, ndim_of(ary), "array_split")
    n = shape_of(ary)[axis]
    if np.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("array_split: number sections must be larger than 0")
        each, extra = divmod(n, sections)
        bounds = np.cumsum([0] + extra * [each + 1] + (sections - extra) * [each]).tolist()
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [n]
    return [ops.getitem(ary, along(axis, slice(lo, hi))) for lo, hi in zip(bounds, bounds[1:])]


@implements(np.split)
def split(ary: ArrayLike, indices_or_sections: int | Sequence[int],
          axis: int = 0) -> list[Value]:
    """numpy.split: like array_split, but n sections must be equal."""
    ary = as_array(ary)
    if np.ndim(indices_or_sections) == 0:
        n = shape_of(ary)[one_axis(axis, ndim_of(ary), "split")]
        if int(indices_or_sections) and n % int(indices_or_sections):
            raise ValueError("split: array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def _split_along(name, ary, indices_or_sections, nd, axis):
    ary = as_array(ary)
    if ndim_of(ary) < nd:
        raise ValueError(f"{name} only works on arrays of {nd} or more dimensions")
    return split(ary, indices_or_sections, axis)


@implements(np.hsplit)
def hsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Value]:
    """numpy.hsplit: split along axis 1 (axis 0 of a 1-D array)."""
    ary = as_array(ary)
    return _split_along("hsplit", ary, indices_or_sections, 1, 1 if ndim_of(ary) > 1 else 0)


@implements(np.vsplit)
def vsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Value]:
    """numpy.vsplit: split along axis 0 (of an array of 2 or more dimensions)."""
    return _split_along("vsplit", ary, indices_or_sections, 2, 0)


@implements(np.dsplit)
def dsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Value]:
    """numpy.dsplit: split along axis 2 (of an array of 3 or more dimensions)."""
    return _split_along("dsplit", ary, indices_or_sections, 3, 2)
