"""numpy's names and signatures over adkit's primitives: `import adkit.numpy as anp`.

Everything here differentiates in both modes; composites (mean, var, dot, stack, ...)
are built from the primitives in adkit.ops. Boxes route plain numpy calls here too
(`np.sin(x)`, `np.sum(x)` via __array_ufunc__/__array_function__, through the tables
each family module fills with `implements`); a numpy function with no rule raises a
TypeError naming it instead of silently dropping the derivative.

    elementwise.py  arithmetic, exp/log, trigonometric, where, clip, ...
    reductions.py   sum, mean, var, std, max, min, logsumexp, softmax
    manipulation.py reshape, transpose, stack, concatenate, ... and array()
    products.py     dot, inner, vdot, outer, trace
    linalg.py       adkit.numpy.linalg: norm
    constant.py     piecewise-constant functions (sign, argmax, ...): derivative 0

>>> import adkit, adkit.numpy as anp
>>> adkit.grad(lambda x: anp.sum(anp.sin(x) ** 2))(np.zeros(3))
array([0., 0., 0.])
"""
from __future__ import annotations

import numpy as _np

from . import elementwise, linalg, manipulation, products, reductions
from .common import FUNCTIONS, UFUNC_REDUCE, UFUNCS, normalize_axis
from .constant import BY_NAME as _CONSTANT
from .elementwise import *  # noqa: F403 (each family lists its names in __all__)
from .manipulation import *  # noqa: F403
from .products import *  # noqa: F403
from .reductions import *  # noqa: F403

pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, _np.newaxis
float64, float32 = _np.float64, _np.float32
globals().update(_CONSTANT)  # sign, floor, argmax, ...: see constant.py

__all__ = (["FUNCTIONS", "UFUNCS", "UFUNC_REDUCE", "e", "float32", "float64", "inf", "linalg",
            "nan", "newaxis", "normalize_axis", "pi", "supported"]
           + elementwise.__all__ + manipulation.__all__ + products.__all__ + reductions.__all__
           + sorted(_CONSTANT))


def supported() -> list[str]:
    """Names of the numpy functions adkit differentiates (or passes through as constants).

    >>> "sin" in anp.supported() and "argmax" in anp.supported()
    True
    """
    names = {getattr(f, "__name__", str(f)) for f in list(UFUNCS) + list(FUNCTIONS)}
    return sorted(names)


def _document():
    """Give each numpy-named function without a docstring a pointer to numpy's."""
    for name in __all__:
        fn = globals()[name]
        if callable(fn) and getattr(fn, "__module__", "").startswith(__name__) \
                and not getattr(fn, "__doc__", None):
            fn.__doc__ = (f"numpy.{name} for adkit: the same arguments and values, "
                          "differentiable in both modes (see numpy's documentation).")


_document()
