"""What every adkit.numpy function shares: the dispatch tables numpy's own functions
reach through `__array_ufunc__`/`__array_function__`, axes, and refusing the arguments
adkit cannot honour (out=, where=, ...)."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core import Axis

UFUNCS: dict = {}        # numpy ufunc -> adkit function
UFUNC_REDUCE: dict = {}  # numpy ufunc -> adkit function for ufunc.reduce
FUNCTIONS: dict = {}     # numpy function -> adkit function


def implements(*np_functions: Callable) -> Callable:
    """Register the decorated function as adkit's version of numpy's functions.

    >>> @implements(np.hypot)
    ... def my_hypot(x, y): ...
    >>> UFUNCS[np.hypot] is my_hypot
    True
    >>> del UFUNCS[np.hypot]
    """
    def register(fn):
        for f in np_functions:
            (UFUNCS if isinstance(f, np.ufunc) else FUNCTIONS)[f] = fn
        return fn
    return register


_INSTEAD = {"out": "adkit's functions return new arrays and never write in place",
            "where": "mask the input instead, e.g. with adkit.numpy.where",
            "initial": "combine the initial value with the result instead",
            "mean": "adkit computes the mean itself; pass the data alone",
            "dtype": "cast the operands or the result with astype instead"}


def unsupported(fn: str, arg: str) -> TypeError:
    why = _INSTEAD.get(arg, "adkit does not implement it")
    return TypeError(f"adkit.numpy.{fn}: the argument {arg}= is not supported ({why})")


def check(fn: str, **given: object) -> None:
    """Refuse every given argument that is not None."""
    for name, value in given.items():
        if value is not None:
            raise unsupported(fn, name)


def normalize_axis(axis: Axis, nd: int, fn: str = "reduction") -> tuple[int, ...] | None:
    """None, an int or a tuple of ints -> None or a sorted tuple of axes in [0, nd)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -nd <= a < nd:
            raise np.exceptions.AxisError(
                f"{fn}: axis {a} is out of bounds for an array of dimension {nd}")
        out.append(int(a) % nd if nd else 0)
    return tuple(sorted(out))


def one_axis(axis: int, nd: int, fn: str) -> int:
    """One axis in [0, nd)."""
    (a,) = normalize_axis(axis, nd, fn)
    return a
