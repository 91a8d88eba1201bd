"""Elementwise primitives: arithmetic, exp/log, trigonometric and hyperbolic functions,
piecewise-linear ones (abs, relu, maximum, minimum) and where."""
import math
import operator

import numpy as np

from ..core import SCALAR_TYPES, Primitive, float_dtype, raw
from .rules import arg_x, arg_y, defjvp, defvjp, elementwise, function, linear, minus_one, one

__all__ = ["absolute", "add", "arccos", "arcsin", "arctan", "cos", "cosh", "div", "exp", "expm1",
           "log", "log1p", "maximum", "minimum", "mul", "neg", "power", "relu", "sigmoid", "sin",
           "sinh", "sqrt", "sub", "tan", "tanh", "where"]


def _is_scalar(x):
    return type(x) in SCALAR_TYPES


# ---------------------------------------------------------------- values ----

def _sigmoid_np(x):
    e = np.exp(-np.abs(x))  # stable for large |x|: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_math(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu_scalar(x):
    return x if (x > 0 or x != x) else 0.0


def _extremum_scalar(first_wins):
    # numpy's rule for floats, nan propagates: x wins if it is larger (smaller) or nan
    return lambda x, y: x if (first_wins(x, y) or x != x) else y


def _where_impl(c, x, y):
    if type(x) in SCALAR_TYPES and type(y) in SCALAR_TYPES and isinstance(c, (bool, np.bool_)):
        return x if c else y
    return np.where(c, x, y)


# ---------------------------------------------------------------- partials ----
# Rules use adkit's ops (div, power, ...) rather than Python operators where a Python
# float could divide by zero, so scalar and array paths agree and rules nest.

def _sign(x):
    x = raw(x)
    if _is_scalar(x):
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0 * x)  # nan stays nan
    return np.sign(x)


def _step(x):
    x = raw(x)
    return float(x > 0) if _is_scalar(x) else (x > 0).astype(float_dtype(x))


def _tie_weight(x, y, first):
    """d max(x, y)/dx: 1 where x wins, 0 where it loses, 1/2 at ties (split evenly)."""
    x, y = raw(x), raw(y)
    win = (x > y) if first else (x < y)
    if _is_scalar(x) and _is_scalar(y):
        return 1.0 if win else (0.5 if x == y else 0.0)
    w = win.astype(float_dtype(x) if not _is_scalar(x) else float_dtype(y))
    tie = x == y
    return w + 0.5 * tie if tie.any() else w


def _reciprocal(y):
    # a nonzero Python float divides directly; anything else through div (1/0 -> inf)
    return 1.0 / y if type(y) is float and y != 0.0 else div(1.0, y)


def _pow_dx(ans, x, p):
    # x**0 is the constant 1: slope 0 even at x == 0, where p * x**(p-1) is 0 * inf
    pr = raw(p)
    if _is_scalar(pr):
        return 0.0 if pr == 0 else p * power(x, p - 1)
    return p * power(x, where(pr == 0, 1.0, p - 1))


def _pow_dp(ans, x, p):
    # d/dp x**p = x**p log x, taken as 0 at x == 0 (x**p is then 0 or 1)
    xr = raw(x)
    if _is_scalar(xr):
        return 0.0 if xr == 0 else ans * log(x)
    return ans * log(where(xr == 0, 1.0, x))


# ---------------------------------------------------------------- the table ----

add_p = elementwise("add", operator.add, one, one)
sub_p = elementwise("sub", operator.sub, one, minus_one)
mul_p = elementwise("mul", operator.mul, arg_y, arg_x)  # d(xy)/dx = y, d(xy)/dy = x
div_p = elementwise("div", operator.truediv, lambda ans, x, y: _reciprocal(y),
                    lambda ans, x, y: neg(div(ans, y)),  # -x/y**2 = -ans/y
                    scalar=operator.truediv)
pow_p = elementwise("pow", np.power, _pow_dx, _pow_dp, scalar=math.pow)
maximum_p = elementwise("maximum", np.maximum,  # ties split the slope evenly
                        lambda ans, x, y: _tie_weight(x, y, True),
                        lambda ans, x, y: _tie_weight(x, y, False),
                        scalar=_extremum_scalar(operator.ge))
minimum_p = elementwise("minimum", np.minimum,
                        lambda ans, x, y: _tie_weight(x, y, False),
                        lambda ans, x, y: _tie_weight(x, y, True),
                        scalar=_extremum_scalar(operator.le))

neg_p = linear("neg", operator.neg, lambda t: neg(t), lambda g, x: neg(g))

exp_p = elementwise("exp", np.exp, lambda ans, x: ans, scalar=math.exp)
log_p = elementwise("log", np.log, lambda ans, x: div(1.0, x), scalar=math.log)
log1p_p = elementwise("log1p", np.log1p, lambda ans, x: div(1.0, 1.0 + x), scalar=math.log1p)
expm1_p = elementwise("expm1", np.expm1, lambda ans, x: ans + 1.0, scalar=math.expm1)
sqrt_p = elementwise("sqrt", np.sqrt, lambda ans, x: div(0.5, ans), scalar=math.sqrt)
sin_p = elementwise("sin", np.sin, lambda ans, x: cos(x), scalar=math.sin)
cos_p = elementwise("cos", np.cos, lambda ans, x: neg(sin(x)), scalar=math.cos)
tan_p = elementwise("tan", np.tan, lambda ans, x: 1.0 + ans * ans, scalar=math.tan)
sinh_p = elementwise("sinh", np.sinh, lambda ans, x: cosh(x), scalar=math.sinh)
cosh_p = elementwise("cosh", np.cosh, lambda ans, x: sinh(x), scalar=math.cosh)
tanh_p = elementwise("tanh", np.tanh, lambda ans, x: 1.0 - ans * ans, scalar=math.tanh)
arcsin_p = elementwise("arcsin", np.arcsin, lambda ans, x: div(1.0, sqrt(1.0 - x * x)),
                       scalar=math.asin)
arccos_p = elementwise("arccos", np.arccos, lambda ans, x: neg(div(1.0, sqrt(1.0 - x * x))),
                       scalar=math.acos)
arctan_p = elementwise("arctan", np.arctan, lambda ans, x: div(1.0, 1.0 + x * x),
                       scalar=math.atan)
sigmoid_p = elementwise("sigmoid", _sigmoid_np, lambda ans, x: ans * (1.0 - ans),
                        scalar=_sigmoid_math)
abs_p = elementwise("abs", np.abs, lambda ans, x: _sign(x),  # slope 0 at x == 0 (numpy's sign)
                    scalar=abs)
relu_p = elementwise("relu", lambda x: np.maximum(x, 0), lambda ans, x: _step(x),  # 0 at 0
                     scalar=_relu_scalar)

where_p = Primitive("where", _where_impl)  # the condition c carries no derivative
defjvp(where_p, None, lambda t, ans, c, x, y: where(c, t, 0.0),
       lambda t, ans, c, x, y: where(c, 0.0, t), batched=True)
defvjp(where_p, None, lambda g, ans, c, x, y: where(c, g, 0.0),
       lambda g, ans, c, x, y: where(c, 0.0, g))


# ------------------------------------------------- functions over the primitives ----

add = function(add_p, "add", "x + y, broadcasting.")
sub = function(sub_p, "subtract", "x - y, broadcasting.")
mul = function(mul_p, "multiply", "x * y, broadcasting.")
div = function(div_p, "divide", "x / y, broadcasting (x / 0 gives inf, as numpy).")
power = function(pow_p, "power", "x ** p; the slope of x ** 0 is 0, also at x = 0.")
neg = function(neg_p, "negative", "-x.")
maximum = function(maximum_p, "maximum", "Elementwise max; ties share the slope evenly.")
minimum = function(minimum_p, "minimum", "Elementwise min; ties share the slope evenly.")
exp = function(exp_p, "exp", "e ** x.")
log = function(log_p, "log", "Natural logarithm.")
log1p = function(log1p_p, "log1p", "log(1 + x), accurate for small x.")
expm1 = function(expm1_p, "expm1", "exp(x) - 1, accurate for small x.")
sqrt = function(sqrt_p, "sqrt", "Square root.")
sin = function(sin_p, "sin", "Sine.")
cos = function(cos_p, "cos", "Cosine.")
tan = function(tan_p, "tan", "Tangent.")
sinh = function(sinh_p, "sinh", "Hyperbolic sine.")
cosh = function(cosh_p, "cosh", "Hyperbolic cosine.")
tanh = function(tanh_p, "tanh", "Hyperbolic tangent.")
arcsin = function(arcsin_p, "arcsin", "Inverse sine.")
arccos = function(arccos_p, "arccos", "Inverse cosine.")
arctan = function(arctan_p, "arctan", "Inverse tangent.")
sigmoid = function(sigmoid_p, "sigmoid", "1 / (1 + exp(-x)), computed without overflow.")
absolute = function(abs_p, "absolute", "|x|; slope 0 at x = 0 (numpy's sign).")
relu = function(relu_p, "relu", "max(x, 0); slope 0 at x = 0.")
where = function(where_p, "where", "x where c else y; c is a plain mask.")
