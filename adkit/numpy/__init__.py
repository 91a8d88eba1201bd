"""numpy's names and signatures over adkit's primitives: `import adkit.numpy as anp`.

Everything here differentiates in both modes; composites (mean, var, dot, stack, ...)
are built from the primitives in adkit.ops. Boxes route plain numpy calls here too
(`np.sin(x)`, `np.sum(x)` via __array_ufunc__/__array_function__, through the tables
each family module fills with `implements`); a numpy function with no rule raises a
TypeError naming it instead of silently dropping the derivative.

    elementwise.py  arithmetic, exp/log, trigonometric, hyperbolic, where, clip, mod,
                    fmax, nan_to_num, ...
    reductions.py   sum, prod, mean, var, std, max, min, logsumexp, softmax
    cumulative.py   cumsum, cumprod, diff
    manipulation.py reshape, transpose, stack, concatenate, flip, roll, repeat, tile, ...,
                    array() and astype
    joining.py      column_stack, dstack, append, r_, c_, split and its variants
    indexing.py     take, take_along_axis, diag, diagonal, tril, triu, pad, sort, partition
    products.py     dot, inner, vdot, outer, trace, einsum, tensordot, kron, cross
    linalg.py       adkit.numpy.linalg: inv, solve, det, slogdet, cholesky, eigh, svd,
                    pinv, norm (every ord)
    constant.py     piecewise-constant functions (sign, argmax, ...): derivative 0

>>> import adkit, adkit.numpy as anp
>>> adkit.grad(lambda x: anp.sum(anp.sin(x) ** 2))(np.zeros(3))
array([0., 0., 0.])
"""
from __future__ import annotations

import numpy as _np

from . import (
    cumulative,
    elementwise,
    indexing,
    joining,
    linalg,
    manipulation,
    products,
    reductions,
)
from .common import FUNCTIONS, UFUNC_REDUCE, UFUNCS, normalize_axis
from .constant import BY_NAME as _CONSTANT
from .cumulative import *  # noqa: F403
from .elementwise import *  # noqa: F403 (each family lists its names in __all__)
from .indexing import *  # noqa: F403
from .joining import *  # noqa: F403
from .manipulation import *  # noqa: F403
from .products import *  # noqa: F403
from .reductions import *  # noqa: F403

pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, _np.newaxis
float64, float32 = _np.float64, _np.float32
globals().update(_CONSTANT)  # sign, floor, argmax, ...: see constant.py

__all__ = (["FUNCTIONS", "UFUNCS", "UFUNC_REDUCE", "e", "float32", "float64", "inf", "linalg",
            "nan", "newaxis", "normalize_axis", "pi", "supported"]
           + cumulative.__all__ + elementwise.__all__ + indexing.__all__ + joining.__all__
           + manipulation.__all__ + products.__all__ + reductions.__all__
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
