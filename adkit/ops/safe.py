"""Zero-safe primitives: for a function that is flat where a factor of its chain rule is
infinite (the root of a sum of squares at 0), a slope of 0 there instead of 0 * inf."""
from __future__ import annotations

import math

import numpy as np

from ..core import SCALAR_TYPES, raw
from .elementwise import div, where
from .rules import elementwise, function

__all__ = ["safe_sqrt"]


def _root_slope(ans):
    # 0.5 / sqrt(u), and 0 where u == 0; the inner where keeps inf out of the other
    # branch, so the rule's own derivatives stay finite too (the "double where")
    a = raw(ans)
    if type(a) in SCALAR_TYPES:
        return 0.0 if a == 0 else div(0.5, ans)
    zero = a == 0
    return where(zero, 0.0, div(0.5, where(zero, 1.0, ans)))


safe_sqrt_p = elementwise("safe_sqrt", np.sqrt, lambda ans, x: _root_slope(ans),
                          scalar=math.sqrt)
safe_sqrt = function(safe_sqrt_p, "safe_sqrt",
                     "sqrt(u) with slope 0 where u == 0: for u a sum of squares or a variance, "
                     "whose own derivative vanishes there (std, norm).")
