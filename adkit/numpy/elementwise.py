"""Elementwise functions under numpy's names: the primitives, and composites of them."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Value, raw
from ..ops import (
    absolute,
    add,
    arccos,
    arcsin,
    arctan,
    cos,
    cosh,
    exp,
    expm1,
    log,
    log1p,
    maximum,
    minimum,
    power,
    relu,
    sigmoid,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from ..ops import div as divide
from ..ops import mul as multiply
from ..ops import neg as negative
from ..ops import sub as subtract
from .common import UFUNCS, check, implements

abs = absolute
true_divide = divide

for _np_fn, _fn in [
        (np.add, add), (np.subtract, subtract), (np.multiply, multiply), (np.divide, divide),
        (np.power, power), (np.float_power, power), (np.negative, negative), (np.exp, exp),
        (np.log, log), (np.log1p, log1p), (np.expm1, expm1), (np.sqrt, sqrt), (np.sin, sin),
        (np.cos, cos), (np.tan, tan), (np.sinh, sinh), (np.cosh, cosh), (np.tanh, tanh),
        (np.arcsin, arcsin), (np.arccos, arccos), (np.arctan, arctan),
        (np.absolute, absolute), (np.fabs, absolute), (np.maximum, maximum),
        (np.minimum, minimum)]:
    UFUNCS[_np_fn] = _fn
__all__ = ["abs", "absolute", "add", "arccos", "arcsin", "arctan", "clip", "cos", "cosh",
           "divide", "exp", "exp2", "expm1", "log", "log10", "log1p", "log2", "maximum",
           "minimum", "multiply", "negative", "positive", "power", "reciprocal", "relu",
           "sigmoid", "sin", "sinh", "sqrt", "square", "subtract", "tan", "tanh",
           "true_divide", "where"]


@implements(np.positive)
def positive(x: ArrayLike) -> Value:
    return x


@implements(np.square)
def square(x: ArrayLike) -> Value:
    return multiply(x, x)


@implements(np.reciprocal)
def reciprocal(x: ArrayLike) -> Value:
    return divide(1.0, x)


@implements(np.log2)
def log2(x: ArrayLike) -> Value:
    return divide(log(x), math.log(2.0))


@implements(np.log10)
def log10(x: ArrayLike) -> Value:
    return divide(log(x), math.log(10.0))


@implements(np.exp2)
def exp2(x: ArrayLike) -> Value:
    return power(2.0, x)


@implements(np.where)
def where(condition: ArrayLike, x: ArrayLike | None = None,
          y: ArrayLike | None = None) -> Value | tuple[np.ndarray, ...]:
    """numpy.where; the condition is a plain mask (it carries no derivative)."""
    if x is None and y is None:
        return np.where(raw(condition))
    return ops.where(raw(condition), x, y)


@implements(np.clip)
def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None,
         out: None = None, **kwargs: Any) -> Value:
    check("clip", out=out)
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    if a_min is not None:
        a = maximum(a, a_min)
    if a_max is not None:
        a = minimum(a, a_max)
    return a
