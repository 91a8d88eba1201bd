"""numpy functions that are piecewise constant (sign, floor, argmax, comparisons, ...):
applied to the raw values, they pass through boxes with derivative 0."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core import concrete
from .common import implements

UFUNCS = [np.sign, np.floor, np.ceil, np.rint, np.trunc, np.isnan, np.isinf, np.isfinite,
          np.equal, np.not_equal, np.greater, np.greater_equal, np.less, np.less_equal,
          np.logical_and, np.logical_or, np.logical_not, np.logical_xor, np.signbit]
FUNCTIONS = [np.round, np.around, np.argmax, np.argmin, np.argsort, np.nonzero, np.shape,
             np.ndim, np.size, np.zeros_like, np.ones_like, np.empty_like, np.full_like,
             np.allclose, np.isclose, np.array_equal, np.count_nonzero, np.any, np.all]


def constant(np_fn: Callable) -> Callable:
    """np_fn on the raw values of its arguments: piecewise constant, derivative 0.

    >>> constant(np.sign)(adkit.Dual(-2.0, 1.0))
    np.float64(-1.0)
    """
    def fn(*args, **kwargs):
        return concrete(np_fn, *args, **kwargs)
    fn.__name__ = fn.__qualname__ = np_fn.__name__
    fn.__doc__ = f"numpy.{np_fn.__name__} on raw values: piecewise constant, derivative 0."
    return implements(np_fn)(fn)


BY_NAME = {f.__name__: constant(f) for f in UFUNCS + FUNCTIONS}
BY_NAME["fix"] = BY_NAME["trunc"]
BY_NAME["around"] = BY_NAME["round"]
