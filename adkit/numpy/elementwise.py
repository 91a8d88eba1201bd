"""Elementwise functions under numpy's names: the primitives, and composites of them
(fmax/fmin, nan_to_num, degrees/radians, log2, ...)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Box, Value, raw
from ..ops import (
    absolute,
    add,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cos,
    cosh,
    exp,
    expm1,
    hypot,
    log,
    log1p,
    logaddexp,
    logaddexp2,
    maximum,
    minimum,
    mod,
    power,
    relu,
    sigmoid,
    sin,
    sinc,
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

abs = fabs = absolute
true_divide = divide
float_power = power
remainder = mod

for _np_fn, _fn in [
        (np.add, add), (np.subtract, subtract), (np.multiply, multiply), (np.divide, divide),
        (np.power, power), (np.float_power, power), (np.negative, negative), (np.exp, exp),
        (np.log, log), (np.log1p, log1p), (np.expm1, expm1), (np.sqrt, sqrt), (np.sin, sin),
        (np.cos, cos), (np.tan, tan), (np.sinh, sinh), (np.cosh, cosh), (np.tanh, tanh),
        (np.arcsin, arcsin), (np.arccos, arccos), (np.arctan, arctan),
        (np.absolute, absolute), (np.fabs, absolute), (np.maximum, maximum),
        (np.minimum, minimum), (np.remainder, mod), (np.hypot, hypot), (np.arctan2, arctan2),
        (np.arcsinh, arcsinh), (np.arccosh, arccosh), (np.arctanh, arctanh),
        (np.logaddexp, logaddexp), (np.logaddexp2, logaddexp2)]:
    UFUNCS[_np_fn] = _fn
implements(np.sinc)(sinc)
__all__ = ["abs", "absolute", "add", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
           "arctanh", "clip", "cos", "cosh", "deg2rad", "degrees", "divide", "exp", "exp2", "expm1",
           "fabs", "float_power", "fmax", "fmin", "hypot", "log", "log10", "log1p", "log2",
           "logaddexp", "logaddexp2", "maximum", "minimum", "mod", "multiply", "nan_to_num",
           "negative", "positive", "power", "rad2deg", "radians", "reciprocal", "relu", "remainder",
           "sigmoid", "sin", "sinc", "sinh", "sqrt", "square", "subtract", "tan", "tanh",
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


@implements(np.deg2rad, np.radians)
def deg2rad(x: ArrayLike) -> Value:
    """numpy.deg2rad (and radians): x * pi / 180."""
    return multiply(x, math.pi / 180.0)


@implements(np.rad2deg, np.degrees)
def rad2deg(x: ArrayLike) -> Value:
    """numpy.rad2deg (and degrees): x * 180 / pi."""
    return multiply(x, 180.0 / math.pi)


radians, degrees = deg2rad, rad2deg


def _ignoring_nan(extremum, x1, x2):
    nan1, nan2 = np.isnan(raw(x1)), np.isnan(raw(x2))
    if not (np.any(nan1) or np.any(nan2)):
        return extremum(x1, x2)
    return ops.where(nan2, x1, ops.where(nan1, x2, extremum(x1, x2)))


@implements(np.fmax)
def fmax(x1: ArrayLike, x2: ArrayLike) -> Value:
    """numpy.fmax: maximum, but a nan loses to a number; ties share the slope evenly."""
    return _ignoring_nan(maximum, x1, x2)


@implements(np.fmin)
def fmin(x1: ArrayLike, x2: ArrayLike) -> Value:
    """numpy.fmin: minimum, but a nan loses to a number; ties share the slope evenly."""
    return _ignoring_nan(minimum, x1, x2)


@implements(np.nan_to_num)
def nan_to_num(x: ArrayLike, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Value:
    """numpy.nan_to_num; slope 1 at finite elements and 0 at the replaced ones."""
    if not isinstance(x, Box):
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    xr = raw(x)
    finite = np.isfinite(xr)
    if np.all(finite):
        return x
    return ops.where(finite, x, np.nan_to_num(xr, nan=nan, posinf=posinf, neginf=neginf))
