"""numpy's names and signatures over adkit's primitives: `import adkit.numpy as anp`.

Everything here differentiates in both modes; composites (mean, var, dot, stack, ...)
are built from the primitives in adkit.ops. Boxes route plain numpy calls here too
(`np.sin(x)`, `np.sum(x)` via __array_ufunc__/__array_function__); a numpy function
with no rule raises a TypeError naming it instead of silently dropping the derivative.

>>> import adkit, adkit.numpy as anp
>>> adkit.grad(lambda x: anp.sum(anp.sin(x) ** 2))(np.zeros(3))
array([0., 0., 0.])
"""
from __future__ import annotations

import builtins
import math as _math
from collections.abc import Sequence
from typing import Any

import numpy as _np
from numpy.typing import ArrayLike, DTypeLike

from . import ops
from .core import Axis, Box, Value, ndim_of, raw, shape_of
from .ops import (
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
    matmul,
    maximum,
    minimum,
    power,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from .ops import broadcast_to as _broadcast_to
from .ops import div as divide
from .ops import mul as multiply
from .ops import neg as negative
from .ops import sub as subtract

abs = absolute
true_divide = divide
sigmoid, relu = ops.sigmoid, ops.relu  # beyond numpy: the activations
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, _np.newaxis
float64, float32 = _np.float64, _np.float32


def _unsupported(fn, arg):
    return TypeError(f"adkit.numpy.{fn}: the argument {arg}= is not supported "
                     "(adkit's functions return new arrays and never write in place)")


def _check(fn, **given):
    for name, value in given.items():
        if value is not None:
            raise _unsupported(fn, name)


def normalize_axis(axis: Axis, nd: int, fn: str = "reduction") -> tuple[int, ...] | None:
    """None, an int or a tuple of ints -> None or a sorted tuple of axes in [0, nd)."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, _np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not -nd <= a < nd:
            raise _np.exceptions.AxisError(
                f"{fn}: axis {a} is out of bounds for an array of dimension {nd}")
        out.append(int(a) % nd if nd else 0)
    return tuple(sorted(out))


def _one_axis(axis, nd, fn):
    (a,) = normalize_axis(axis, nd, fn)
    return a


def _size(shape, axis):
    return _math.prod(shape) if axis is None else _math.prod(shape[a] for a in axis)


# ---------------------------------------------------------------- elementwise ----

def positive(x: ArrayLike) -> Value:
    return x


def square(x: ArrayLike) -> Value:
    return multiply(x, x)


def reciprocal(x: ArrayLike) -> Value:
    return divide(1.0, x)


def log2(x: ArrayLike) -> Value:
    return divide(log(x), _math.log(2.0))


def log10(x: ArrayLike) -> Value:
    return divide(log(x), _math.log(10.0))


def exp2(x: ArrayLike) -> Value:
    return power(2.0, x)


def where(condition: ArrayLike, x: ArrayLike | None = None,
          y: ArrayLike | None = None) -> Value | tuple[_np.ndarray, ...]:
    """numpy.where; the condition is a plain mask (it carries no derivative)."""
    if x is None and y is None:
        return _np.where(raw(condition))
    return ops.where(raw(condition), x, y)


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None,
         out: None = None, **kwargs: Any) -> Value:
    _check("clip", out=out)
    a_min = kwargs.pop("min", a_min)
    a_max = kwargs.pop("max", a_max)
    if a_min is not None:
        a = maximum(a, a_min)
    if a_max is not None:
        a = minimum(a, a_max)
    return a


# ----------------------------------------------------------------- reductions ----

def sum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        keepdims: bool = False, initial: None = None, where: None = None) -> Value:
    _check("sum", out=out, initial=initial, where=where)
    return ops.sum(a, normalize_axis(axis, ndim_of(a), "sum"), bool(keepdims))


def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, where: None = None) -> Value:
    _check("mean", out=out, where=where)
    axis = normalize_axis(axis, ndim_of(a), "mean")
    return divide(ops.sum(a, axis, bool(keepdims)), float(_size(shape_of(a), axis)))


def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False, where: None = None, **kwargs: Any) -> Value:
    _check("var", out=out, where=where)
    axis = normalize_axis(axis, ndim_of(a), "var")
    d = subtract(a, divide(ops.sum(a, axis, True), float(_size(shape_of(a), axis))))
    return divide(ops.sum(d * d, axis, bool(keepdims)), float(_size(shape_of(a), axis) - ddof))


def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        ddof: int = 0, keepdims: bool = False, where: None = None, **kwargs: Any) -> Value:
    return sqrt(var(a, axis, dtype, out, ddof, keepdims, where))


def max(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
        initial: None = None, where: None = None) -> Value:
    """numpy.max; ties share the derivative evenly."""
    _check("max", out=out, initial=initial, where=where)
    return ops.amax(a, normalize_axis(axis, ndim_of(a), "max"), bool(keepdims))


def min(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
        initial: None = None, where: None = None) -> Value:
    """numpy.min; ties share the derivative evenly."""
    _check("min", out=out, initial=initial, where=where)
    return ops.amin(a, normalize_axis(axis, ndim_of(a), "min"), bool(keepdims))


amax, amin = max, min


def logsumexp(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Value:
    """log(sum(exp(a))) computed stably (as scipy.special.logsumexp)."""
    return ops.logsumexp(a, normalize_axis(axis, ndim_of(a), "logsumexp"), bool(keepdims))


def softmax(a: ArrayLike, axis: Axis = -1) -> Value:
    return exp(subtract(a, logsumexp(a, axis, keepdims=True)))


def log_softmax(a: ArrayLike, axis: Axis = -1) -> Value:
    return subtract(a, logsumexp(a, axis, keepdims=True))


# --------------------------------------------------------------- shape and copy ----

def _as_shape(shape):
    return (int(shape),) if isinstance(shape, (int, _np.integer)) else tuple(int(n) for n in shape)


def reshape(a: ArrayLike, shape: int | Sequence[int] | None = None, order: str = "C", *,
            newshape: int | Sequence[int] | None = None, copy: bool | None = None) -> Value:
    if order != "C":
        raise _unsupported("reshape", "order")
    shape = _as_shape(newshape if shape is None else shape)
    if -1 in shape:  # resolve it here, so rules can prepend a direction axis freely
        known = _math.prod(n for n in shape if n != -1)
        size = _math.prod(shape_of(a))
        if shape.count(-1) > 1 or known == 0 or size % known:
            raise ValueError(f"reshape: cannot reshape an array of shape {shape_of(a)} "
                             f"into shape {shape}")
        shape = tuple(size // known if n == -1 else n for n in shape)
    if shape == shape_of(a) and isinstance(a, Box):
        return a
    return ops.reshape(a, shape)


def ravel(a: ArrayLike, order: str = "C") -> Value:
    return reshape(a, (-1,), order)


def transpose(a: ArrayLike, axes: Sequence[int] | None = None) -> Value:
    nd = ndim_of(a)
    if axes is None:
        axes = tuple(range(nd))[::-1]
    else:
        axes = tuple(int(x) % nd for x in axes)
        if sorted(axes) != list(range(nd)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of {nd} axes")
    return ops.transpose(a, axes)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Value:
    nd = ndim_of(a)
    perm = list(range(nd))
    i, j = _one_axis(axis1, nd, "swapaxes"), _one_axis(axis2, nd, "swapaxes")
    perm[i], perm[j] = perm[j], perm[i]
    return ops.transpose(a, tuple(perm))


def moveaxis(a: ArrayLike, source: int, destination: int) -> Value:
    nd = ndim_of(a)
    src, dst = _one_axis(source, nd, "moveaxis"), _one_axis(destination, nd, "moveaxis")
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return ops.transpose(a, tuple(perm))


def expand_dims(a: ArrayLike, axis: int | Sequence[int]) -> Value:
    shape = list(shape_of(a))
    for ax in normalize_axis(axis, len(shape) + (1 if isinstance(axis, int) else len(axis)),
                             "expand_dims"):
        shape.insert(ax, 1)
    return ops.reshape(a, tuple(shape))


def squeeze(a: ArrayLike, axis: Axis = None) -> Value:
    shape = shape_of(a)
    axes = normalize_axis(axis, len(shape), "squeeze")
    if axes is None:
        axes = tuple(i for i, n in enumerate(shape) if n == 1)
    if builtins.any(shape[i] != 1 for i in axes):
        raise ValueError(f"squeeze: cannot select an axis to squeeze out which has size "
                         f"not equal to one (shape {shape}, axis {axis})")
    return ops.reshape(a, tuple(n for i, n in enumerate(shape) if i not in axes))


def broadcast_to(array: ArrayLike, shape: int | Sequence[int], subok: bool = False) -> Value:
    shape = _as_shape(shape)
    if shape == shape_of(array):
        return array
    return _broadcast_to(array, shape)


def concatenate(arrays: Sequence[ArrayLike], axis: int | None = 0, out: None = None,
                dtype: DTypeLike = None, casting: str | None = None) -> Value:
    _check("concatenate", out=out)
    arrays = [array(a) for a in arrays]
    if axis is not None:
        axis = _one_axis(axis, ndim_of(arrays[0]), "concatenate")
    return ops.concatenate(arrays, axis)


def stack(arrays: Sequence[ArrayLike], axis: int = 0, out: None = None,
          dtype: DTypeLike = None, casting: str | None = None) -> Value:
    _check("stack", out=out)
    arrays = [array(a) for a in arrays]
    if not arrays:
        raise ValueError("stack: need at least one array to stack")
    axis = _one_axis(axis, ndim_of(arrays[0]) + 1, "stack")
    return ops.concatenate([expand_dims(a, axis) for a in arrays], axis)


def hstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    arrays = [atleast_1d(a) for a in tup]
    return concatenate(arrays, 0 if ndim_of(arrays[0]) == 1 else 1)


def vstack(tup: Sequence[ArrayLike], dtype: DTypeLike = None,
           casting: str | None = None) -> Value:
    return concatenate([atleast_2d(a) for a in tup], 0)


def atleast_1d(a: ArrayLike) -> Value:
    return reshape(a, (1,)) if ndim_of(a) == 0 else a


def atleast_2d(a: ArrayLike) -> Value:
    nd = ndim_of(a)
    return reshape(a, (1,) * (2 - nd) + shape_of(a)) if nd < 2 else a


def _holds_box(obj):
    if isinstance(obj, Box):
        return True
    if isinstance(obj, (list, tuple)):
        return builtins.any(_holds_box(o) for o in obj)
    return False


def array(obj: Any, dtype: DTypeLike = None, copy: bool | None = True,
          ndmin: int = 0) -> Value:
    """numpy.array that also stacks (nested) lists of boxes, keeping their derivatives."""
    if isinstance(obj, Box):
        return obj
    if isinstance(obj, (list, tuple)) and _holds_box(obj):
        return stack([array(o) for o in obj])
    return _np.array(obj, dtype=dtype, copy=copy, ndmin=ndmin)


def asarray(a: ArrayLike, dtype: DTypeLike = None) -> Value:
    return a if isinstance(a, Box) else array(a, dtype=dtype, copy=None)


# ------------------------------------------------------------------ products ----

def _contract(a, b0):
    """sum_l a[..., l] * b0[l, ...]: a's last axis against b0's first."""
    n = shape_of(b0)[0]
    out_shape = shape_of(a)[:-1] + shape_of(b0)[1:]
    flat = matmul(reshape(a, (-1, n)), reshape(b0, (n, -1)))
    return reshape(flat, out_shape)


def dot(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    """numpy.dot for any ranks (scalars multiply; N-D contracts a[-1] with b[-2])."""
    _check("dot", out=out)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    k = shape_of(b)[-2] if nb >= 2 else shape_of(b)[0]
    if shape_of(a)[-1] != k:
        raise ValueError(f"dot: shapes {shape_of(a)} and {shape_of(b)} not aligned: "
                         f"{shape_of(a)[-1]} (dim {na - 1}) != {k} (dim {builtins.max(nb - 2, 0)})")
    if nb <= 2:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -2, 0))


def inner(a: ArrayLike, b: ArrayLike) -> Value:
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply(a, b)
    if ndim_of(b) == 1:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -1, 0))


def vdot(a: ArrayLike, b: ArrayLike) -> Value:
    return matmul(ravel(a), ravel(b))


def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    _check("outer", out=out)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1,
          dtype: DTypeLike = None, out: None = None) -> Value:
    _check("trace", out=out)
    if (offset, axis1, axis2) != (0, 0, 1) or ndim_of(a) != 2:
        raise TypeError("adkit.numpy.trace supports the main diagonal of a 2-D array only")
    n = builtins.min(shape_of(a))
    return sum(ops.getitem(a, (_np.arange(n), _np.arange(n))))


class _Linalg:
    """The part of numpy.linalg adkit differentiates."""

    @staticmethod
    def norm(x: ArrayLike, ord: float | str | None = None, axis: Axis = None,
             keepdims: bool = False) -> Value:
        """Vector 1-, 2- and inf-norms and the Frobenius norm (slope at 0 is nan, as x/|x|)."""
        axes = normalize_axis(axis, ndim_of(x), "norm")
        if ord in (None, 2, "fro") and (ord != 2 or axes is not None or ndim_of(x) == 1):
            return sqrt(ops.sum(multiply(x, x), axes, keepdims))
        if ord == 1 and (ndim_of(x) == 1 or (axes is not None and len(axes) == 1)):
            return ops.sum(absolute(x), axes, keepdims)
        if ord in (_np.inf, "inf") and (ndim_of(x) == 1 or (axes is not None and len(axes) == 1)):
            return ops.amax(absolute(x), axes, keepdims)
        raise TypeError(f"adkit.numpy.linalg.norm: ord={ord!r} on a {ndim_of(x)}-D array is "
                        "not supported (vector norms 1, 2, inf and the Frobenius norm are)")


linalg = _Linalg()


# -------------------------------------------------- functions with zero derivative ----

def _nondiff(np_fn):
    """Apply a piecewise-constant numpy function to the raw values (derivative 0)."""
    def fn(*args, **kwargs):
        return np_fn(*(raw(a) for a in args), **{k: raw(v) for k, v in kwargs.items()})
    fn.__name__ = np_fn.__name__
    fn.__doc__ = f"numpy.{np_fn.__name__} on raw values: piecewise constant, derivative 0."
    return fn


_NONDIFF_UFUNCS = [
    _np.sign, _np.floor, _np.ceil, _np.rint, _np.trunc, _np.isnan, _np.isinf, _np.isfinite,
    _np.equal, _np.not_equal, _np.greater, _np.greater_equal, _np.less, _np.less_equal,
    _np.logical_and, _np.logical_or, _np.logical_not, _np.logical_xor, _np.signbit]
_NONDIFF_FUNCS = [
    _np.round, _np.around, _np.argmax, _np.argmin, _np.argsort, _np.nonzero, _np.shape,
    _np.ndim, _np.size, _np.zeros_like, _np.ones_like, _np.empty_like, _np.full_like,
    _np.allclose, _np.isclose, _np.array_equal, _np.count_nonzero, _np.any, _np.all]

for _f in _NONDIFF_UFUNCS + _NONDIFF_FUNCS:
    globals()[_f.__name__] = _nondiff(_f)
fix = globals()["trunc"]

# numpy function -> adkit function, for __array_ufunc__ and __array_function__
UFUNCS = {
    _np.add: add, _np.subtract: subtract, _np.multiply: multiply, _np.divide: divide,
    _np.power: power, _np.negative: negative, _np.positive: positive, _np.exp: exp,
    _np.log: log, _np.log1p: log1p, _np.expm1: expm1, _np.sqrt: sqrt, _np.sin: sin,
    _np.cos: cos, _np.tan: tan, _np.sinh: sinh, _np.cosh: cosh, _np.tanh: tanh,
    _np.arcsin: arcsin, _np.arccos: arccos, _np.arctan: arctan, _np.absolute: absolute,
    _np.fabs: absolute, _np.maximum: maximum, _np.minimum: minimum, _np.matmul: matmul,
    _np.square: square, _np.reciprocal: reciprocal, _np.log2: log2, _np.log10: log10,
    _np.exp2: exp2, _np.float_power: power,
}
UFUNCS.update({f: globals()[f.__name__] for f in _NONDIFF_UFUNCS})
UFUNC_REDUCE = {_np.add: sum, _np.maximum: max, _np.minimum: min}

FUNCTIONS = {
    _np.sum: sum, _np.mean: mean, _np.var: var, _np.std: std, _np.max: max, _np.amax: max,
    _np.min: min, _np.amin: min, _np.dot: dot, _np.inner: inner, _np.vdot: vdot,
    _np.outer: outer, _np.trace: trace, _np.reshape: reshape, _np.ravel: ravel,
    _np.transpose: transpose, _np.swapaxes: swapaxes, _np.moveaxis: moveaxis,
    _np.expand_dims: expand_dims, _np.squeeze: squeeze, _np.broadcast_to: broadcast_to,
    _np.concatenate: concatenate, _np.stack: stack, _np.hstack: hstack, _np.vstack: vstack,
    _np.atleast_1d: atleast_1d, _np.atleast_2d: atleast_2d, _np.where: where,
    _np.clip: clip, _np.linalg.norm: linalg.norm,
}
FUNCTIONS.update({f: globals()[f.__name__] for f in _NONDIFF_FUNCS})
FUNCTIONS[_np.round] = FUNCTIONS[_np.around] = globals()["round"]


def supported() -> list[str]:
    """Names of the numpy functions adkit differentiates (or passes through as constants)."""
    names = {getattr(f, "__name__", str(f)) for f in list(UFUNCS) + list(FUNCTIONS)}
    return sorted(names)


def _document():
    """Give each numpy-named function without a docstring a pointer to numpy's."""
    for name, fn in list(globals().items()):
        if callable(fn) and not name.startswith("_") and getattr(fn, "__module__", None) \
                == __name__ and not getattr(fn, "__doc__", None):
            fn.__doc__ = (f"numpy.{name} for adkit: the same arguments and values, "
                          "differentiable in both modes (see numpy's documentation).")


_document()
