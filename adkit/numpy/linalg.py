"""The part of numpy.linalg adkit differentiates: `adkit.numpy.linalg`."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Axis, Value, ndim_of
from ..ops import absolute, sqrt
from ..ops import mul as multiply
from .common import implements, normalize_axis


@implements(np.linalg.norm)
def norm(x: ArrayLike, ord: float | str | None = None, axis: Axis = None,
         keepdims: bool = False) -> Value:
    """Vector 1-, 2- and inf-norms and the Frobenius norm (slope at 0 is nan, as x/|x|)."""
    axes = normalize_axis(axis, ndim_of(x), "norm")
    if ord in (None, 2, "fro") and (ord != 2 or axes is not None or ndim_of(x) == 1):
        return sqrt(ops.sum(multiply(x, x), axes, keepdims))
    if ord == 1 and (ndim_of(x) == 1 or (axes is not None and len(axes) == 1)):
        return ops.sum(absolute(x), axes, keepdims)
    if ord in (np.inf, "inf") and (ndim_of(x) == 1 or (axes is not None and len(axes) == 1)):
        return ops.amax(absolute(x), axes, keepdims)
    raise TypeError(f"adkit.numpy.linalg.norm: ord={ord!r} on a {ndim_of(x)}-D array is "
                    "not supported (vector norms 1, 2, inf and the Frobenius norm are)")
