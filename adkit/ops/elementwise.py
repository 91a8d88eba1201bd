"""Elementwise primitives: arithmetic, exp/log, trigonometric and hyperbolic functions,
piecewise-linear ones (abs, relu, maximum, minimum, mod), where, and the dtype cast."""
import math
import operator

import numpy as np

from ..core import SCALAR_TYPES, Primitive, Value, bind, float_dtype, nondiff, raw
from .rules import (
    arg_x,
    arg_y,
    defjvp,
    defvjp,
    elementwise,
    function,
    linear,
    minus_one,
    one,
    uniform,
    uniform_number,
)

__all__ = ["absolute", "add", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
           "arctanh", "astype", "cos", "cosh", "div", "exp", "expm1", "hypot", "log", "log1p",
           "logaddexp", "logaddexp2", "maximum", "minimum", "mod", "mul", "neg", "power", "relu",
           "sigmoid", "sin", "sinc", "sinh", "sqrt", "sub", "tan", "tanh", "where"]


def _is_scalar(x):
    return type(x) in SCALAR_TYPES


# ---------------------------------------------------------------- values ----

def _power_np(x, p):
    """np.power; a float array to the power 2 (a Python number) is np.square, as numpy's
    own x ** 2 is: x * x correctly rounded, in half np.power's time (its loop calls pow)."""
    if type(p) in (int, float) and p == 2 and type(x) is np.ndarray and x.dtype.kind == "f":
        return np.square(x)
    return np.power(x, p)


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


_LN2 = math.log(2.0)


def _logaddexp_math(x, y):
    if x == y:  # also inf, inf and -inf, -inf, where x - y is nan
        return x + _LN2
    return max(x, y) + math.log1p(math.exp(-abs(x - y)))


def _logaddexp2_math(x, y):
    if x == y:
        return x + 1.0
    return max(x, y) + math.log1p(2.0 ** -abs(x - y)) / _LN2


def _sinc_math(x):
    if x == 0:
        return 1.0
    y = math.pi * x
    return math.sin(y) / y


def _astype_impl(x, dtype):
    out = np.asarray(x).astype(dtype)
    return out if out.ndim else out[()]


# ---------------------------------------------------------------- partials ----
# Rules use adkit's ops (div, power, ...) rather than Python operators where a Python
# float could divide by zero, so scalar and array paths agree and rules nest.

@nondiff
def sign(x):
    if _is_scalar(x):
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0 * x)  # nan stays nan
    return np.sign(x)


@nondiff
def step(x):
    return float(x > 0) if _is_scalar(x) else (x > 0).astype(float_dtype(x))


@nondiff
def tie_weight(x, y, first):
    """d max(x, y)/dx: 1 where x wins, 0 where it loses, 1/2 at ties (split evenly)."""
    win = (x > y) if first else (x < y)
    if _is_scalar(x) and _is_scalar(y):
        return 1.0 if win else (0.5 if x == y else 0.0)
    w = win.astype(float_dtype(x) if not _is_scalar(x) else float_dtype(y))
    tie = x == y
    if np.count_nonzero(tie):  # (a third of tie.any()'s cost on small arrays)
        w = w + np.multiply(tie, 0.5, dtype=w.dtype)  # keep w's dtype
    return w


def _reciprocal(y):
    # a nonzero Python float divides directly; anything else through div (1/0 -> inf)
    return 1.0 / y if type(y) is float and y != 0.0 else div(1.0, y)


def _pow_dx(ans, x, p):
    # x**0 is the constant 1: slope 0 even at x == 0, where p * x**(p-1) is 0 * inf
    pr = raw(p)
    if _is_scalar(pr):
        if pr == 2 and p is pr:  # a constant 2: the square's slope, without x ** 1
            return x * p
        return 0.0 if pr == 0 else p * power(x, p - 1)
    return p * power(x, where(pr == 0, 1.0, p - 1))


def _floor_quotient(x, y):
    """floor(x / y) as mod rounds it: a plain value (d mod(x, y)/dy = -floor(x / y))."""
    x, y = raw(x), raw(y)
    if _is_scalar(x) and _is_scalar(y) and y != 0:
        return float(x // y)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(x, y)


def _over(x, ans):
    """x / ans, and 0 where ans == 0: hypot's slope, 0 at the origin as abs's is at 0.
    The inner where keeps 0/0 out of the branch not taken (the "double where")."""
    a = raw(ans)
    if _is_scalar(a):
        return 0.0 if a == 0 else div(x, ans)
    zero = a == 0
    if not zero.any():
        return div(x, ans)
    return where(zero, 0.0, div(x, where(zero, 1.0, ans)))


# d sinc/dx = 2 pi^2 x sum_n c_n (pi x)^(2n-2), the Maclaurin series: near 0, where the
# closed form is 0/0, it gives the slope and its own derivatives (-pi^2/3 at 0) exactly.
_SINC_SMALL = 0.1
_SINC_SERIES = [(-1) ** n * n / math.factorial(2 * n + 1) for n in range(1, 8)]


def _sinc_series_slope(x):
    u = math.pi ** 2 * (x * x)
    p = _SINC_SERIES[-1]
    for c in reversed(_SINC_SERIES[:-1]):
        p = p * u + c
    return 2 * math.pi ** 2 * x * p


def _sinc_slope(ans, x):
    """(cos(pi x) - sinc(x)) / x, by the series where |x| < 0.1."""
    xr = raw(x)
    if _is_scalar(xr):
        if abs(xr) < _SINC_SMALL:
            return _sinc_series_slope(x)
        return div(cos(math.pi * x) - ans, x)
    small = np.abs(xr) < _SINC_SMALL
    if not small.any():
        return div(cos(math.pi * x) - ans, x)
    big = where(small, 1.0, x)
    return where(small, _sinc_series_slope(where(small, x, 0.0)),
                 div(cos(math.pi * big) - ans, big))


def _pow_dp(ans, x, p):
    # d/dp x**p = x**p log x, taken as 0 at x == 0 (x**p is then 0 or 1)
    xr = raw(x)
    if _is_scalar(xr):
        return 0.0 if xr == 0 else ans * log(x)
    return ans * log(where(xr == 0, 1.0, x))


def _negated(g):
    """-g; a number broadcast stays one (no pass over a stride-0 view)."""
    c = uniform_number(g)
    return neg(g) if c is None else uniform(-c, g.shape)


def _pow_dx_times(c, ans, x, p):
    """c * _pow_dx(ans, x, p) in one pass where p is the constant 2 (c a number)."""
    if _is_scalar(p) and p == 2 and type(x) is np.ndarray:
        return x * (2 * c)
    return None


_pow_dx.times = _pow_dx_times


# ---------------------------------------------------------------- the table ----

add_p = elementwise("add", operator.add, one, one)
sub_p = elementwise("sub", operator.sub, one, minus_one)
mul_p = elementwise("mul", operator.mul, arg_y, arg_x)  # d(xy)/dx = y, d(xy)/dy = x
div_p = elementwise("div", operator.truediv, lambda ans, x, y: _reciprocal(y),
                    lambda ans, x, y: neg(div(ans, y)),  # -x/y**2 = -ans/y
                    scalar=operator.truediv)
pow_p = elementwise("pow", _power_np, _pow_dx, _pow_dp, scalar=math.pow)
maximum_p = elementwise("maximum", np.maximum,  # ties split the slope evenly
                        lambda ans, x, y: tie_weight(x, y, True),
                        lambda ans, x, y: tie_weight(x, y, False),
                        scalar=_extremum_scalar(operator.ge))
minimum_p = elementwise("minimum", np.minimum,
                        lambda ans, x, y: tie_weight(x, y, False),
                        lambda ans, x, y: tie_weight(x, y, True),
                        scalar=_extremum_scalar(operator.le))

neg_p = linear("neg", operator.neg, lambda t: neg(t), lambda g, x: _negated(g))

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
abs_p = elementwise("abs", np.abs, lambda ans, x: sign(x),  # slope 0 at x == 0 (numpy's sign)
                    scalar=abs)
relu_p = elementwise("relu", lambda x: np.maximum(x, 0), lambda ans, x: step(x),  # 0 at 0
                     scalar=_relu_scalar)

mod_p = elementwise("mod", np.mod, one,  # slope 1 in x, -floor(x / y) in y, as JAX's
                    lambda ans, x, y: -_floor_quotient(x, y), scalar=operator.mod)
hypot_p = elementwise("hypot", np.hypot, lambda ans, x, y: _over(x, ans),
                      lambda ans, x, y: _over(y, ans), scalar=math.hypot)
arctan2_p = elementwise("arctan2", np.arctan2, lambda ans, y, x: div(x, x * x + y * y),
                        lambda ans, y, x: neg(div(y, x * x + y * y)), scalar=math.atan2)
logaddexp_p = elementwise("logaddexp", np.logaddexp, lambda ans, x, y: exp(x - ans),
                          lambda ans, x, y: exp(y - ans), scalar=_logaddexp_math)
logaddexp2_p = elementwise("logaddexp2", np.logaddexp2, lambda ans, x, y: power(2.0, x - ans),
                           lambda ans, x, y: power(2.0, y - ans), scalar=_logaddexp2_math)
arcsinh_p = elementwise("arcsinh", np.arcsinh, lambda ans, x: div(1.0, sqrt(x * x + 1.0)),
                        scalar=math.asinh)
arccosh_p = elementwise("arccosh", np.arccosh,
                        lambda ans, x: div(1.0, sqrt((x - 1.0) * (x + 1.0))), scalar=math.acosh)
arctanh_p = elementwise("arctanh", np.arctanh, lambda ans, x: div(1.0, (1.0 - x) * (1.0 + x)),
                        scalar=math.atanh)
sinc_p = elementwise("sinc", np.sinc, _sinc_slope, scalar=_sinc_math)
astype_p = linear("astype", _astype_impl, lambda t, dtype: astype(t, dtype),
                  lambda g, x, dtype: astype(g, float_dtype(x)))

where_p = Primitive("where", _where_impl)  # the condition c carries no derivative
defjvp(where_p, None, lambda t, ans, c, x, y: where(c, t, 0.0),
       lambda t, ans, c, x, y: where(c, 0.0, t), batched=True)
defvjp(where_p, None, lambda g, ans, c, x, y: where(c, g, 0.0),
       lambda g, ans, c, x, y: where(c, 0.0, g))

# Rules built from ops alone (masks by nondiff functions, no raw values): a compiled tape
# may expand them. pow and
# mod read their second argument's value (p == 0, floor(x / y)): pure when it is constant.
for _prim in (add_p, sub_p, mul_p, div_p, neg_p, exp_p, log_p, log1p_p, expm1_p, sqrt_p,
              sin_p, cos_p, tan_p, sinh_p, cosh_p, tanh_p, arcsin_p, arccos_p, arctan_p,
              sigmoid_p, arctan2_p, logaddexp_p, logaddexp2_p, arcsinh_p, arccosh_p,
              arctanh_p, astype_p, where_p, abs_p, relu_p, maximum_p, minimum_p):
    _prim.pure_rules = True
pow_p.pure_rules = mod_p.pure_rules = lambda traced: not traced[1]

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
mod = function(mod_p, "mod", "x mod y with y's sign (numpy's remainder); slope 1 in x, "
               "-floor(x / y) in y.")
hypot = function(hypot_p, "hypot", "sqrt(x**2 + y**2) without overflow; slope 0 at the origin.")
arctan2 = function(arctan2_p, "arctan2", "The angle of the point (x2, x1), in (-pi, pi].")
logaddexp = function(logaddexp_p, "logaddexp", "log(exp(x) + exp(y)), computed stably.")
logaddexp2 = function(logaddexp2_p, "logaddexp2", "log2(2**x + 2**y), computed stably.")
arcsinh = function(arcsinh_p, "arcsinh", "Inverse hyperbolic sine.")
arccosh = function(arccosh_p, "arccosh", "Inverse hyperbolic cosine.")
arctanh = function(arctanh_p, "arctanh", "Inverse hyperbolic tangent.")
sinc = function(sinc_p, "sinc", "sin(pi x) / (pi x), 1 at 0; exact derivatives at 0 too.")


def astype(x: Value, dtype: np.dtype) -> Value:
    """x cast to the floating-point dtype `dtype`; its derivatives are cast alike."""
    return x if np.result_type(raw(x)) == dtype else bind(astype_p, x, dtype=dtype)
