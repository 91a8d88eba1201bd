"""The operator and method mixin shared by both engines' boxes (Dual and Tensor).

Operators go straight to `bind`; numpy's own functions reach adkit.numpy through
__array_ufunc__ / __array_function__ (NEP 13/18). Comparisons return plain values:
they are piecewise constant and carry no derivative.
"""
from __future__ import annotations

import math
import operator
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import numpy as anp
from .core import Axis, Box, Value, bind, concrete, raw
from .ops.elementwise import absolute, add_p, div_p, mod_p, mul_p, neg_p, pow_p, sub_p
from .ops.linalg import matmul_p
from .ops.shape import getitem


def _operator(prim):
    """The method pair (x op y, y op x) for a binary primitive.

    Picks the innermost trace as bind does (the higher level; self on a tie) and hands
    it the op directly: one Python call sooner, and calls are most of the per-op cost.
    """
    def forward(self, other):
        trace = self._trace
        if isinstance(other, Box):
            if other._level > self._level:
                trace = other._trace
        elif type(other) is list:
            other = np.asarray(other)
        if trace.done:
            return bind(prim, self, other)  # raises the escaped-value error
        return trace.process(prim, (self, other), {})

    def reflected(self, other):
        trace = self._trace
        if isinstance(other, Box):
            if other._level >= self._level:
                trace = other._trace
        elif type(other) is list:
            other = np.asarray(other)
        if trace.done:
            return bind(prim, other, self)
        return trace.process(prim, (other, self), {})

    return forward, reflected


def _index(idx):
    idx = idx if isinstance(idx, tuple) else (idx,)
    out = []
    for i in idx:
        if isinstance(i, Box):
            raise TypeError("an index must be a plain integer, slice or integer array, "
                            f"not a traced {type(i).__name__}; indices carry no derivative")
        out.append(np.asarray(i) if isinstance(i, list) else i)
    return tuple(out)


_UFUNCS = anp.UFUNCS


class ArrayBox(Box):
    __slots__ = ()
    __array_priority__ = 100.0
    __hash__ = object.__hash__

    # ---- numpy-like attributes
    # (the value is an array, a numpy scalar, a Python number or a box: all but Python
    # numbers have .shape; np.shape would dispatch first, at ten times the cost)
    shape = property(lambda self: getattr(self._value, "shape", ()))
    ndim = property(lambda self: len(getattr(self._value, "shape", ())))
    size = property(lambda self: math.prod(getattr(self._value, "shape", ())))
    dtype = property(lambda self: np.result_type(raw(self._value)))
    T = property(lambda self: anp.transpose(self))
    mT = property(lambda self: anp.swapaxes(self, -1, -2))

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    # ---- arithmetic
    __add__, __radd__ = _operator(add_p)
    __sub__, __rsub__ = _operator(sub_p)
    __mul__, __rmul__ = _operator(mul_p)
    __truediv__, __rtruediv__ = _operator(div_p)
    __pow__, __rpow__ = _operator(pow_p)
    __mod__, __rmod__ = _operator(mod_p)
    __matmul__, __rmatmul__ = _operator(matmul_p)

    def __neg__(self): return bind(neg_p, self)
    def __pos__(self): return self
    def __abs__(self): return absolute(self)
    def __getitem__(self, idx): return getitem(self, _index(idx))

    # ---- comparisons: plain values, no derivative
    def __lt__(self, other): return concrete(operator.lt, self, other)
    def __le__(self, other): return concrete(operator.le, self, other)
    def __gt__(self, other): return concrete(operator.gt, self, other)
    def __ge__(self, other): return concrete(operator.ge, self, other)
    def __eq__(self, other): return concrete(operator.eq, self, other)
    def __ne__(self, other): return concrete(operator.ne, self, other)

    def __bool__(self) -> bool:
        return concrete(bool, self)

    # ---- ndarray methods
    def sum(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return anp.sum(self, axis, keepdims=keepdims)
    def mean(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return anp.mean(self, axis, keepdims=keepdims)
    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Value:
        return anp.var(self, axis, ddof=ddof, keepdims=keepdims)
    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Value:
        return anp.std(self, axis, ddof=ddof, keepdims=keepdims)
    def max(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return anp.max(self, axis, keepdims=keepdims)
    def min(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return anp.min(self, axis, keepdims=keepdims)
    def dot(self, other: ArrayLike) -> Value: return anp.dot(self, other)
    def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Value:
        return anp.clip(self, min, max)
    def prod(self, axis: Axis = None, keepdims: bool = False) -> Value:
        return anp.prod(self, axis, keepdims=keepdims)
    def cumsum(self, axis: int | None = None) -> Value: return anp.cumsum(self, axis)
    def cumprod(self, axis: int | None = None) -> Value: return anp.cumprod(self, axis)
    def repeat(self, repeats: ArrayLike, axis: int | None = None) -> Value:
        return anp.repeat(self, repeats, axis)
    def take(self, indices: ArrayLike, axis: int | None = None) -> Value:
        return anp.take(self, indices, axis)
    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Value:
        return anp.diagonal(self, offset, axis1, axis2)
    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Value:
        return anp.trace(self, offset, axis1, axis2)
    def astype(self, dtype: DTypeLike, order: str = "K", casting: str = "unsafe",
               subok: bool = True, copy: bool = True) -> Value:
        """A float dtype keeps the derivative; an integer or bool cast is a constant."""
        return anp.astype(self, dtype)
    def argsort(self, axis: int | None = -1) -> np.ndarray: return np.argsort(raw(self), axis)
    def argmax(self, axis: int | None = None) -> Value: return np.argmax(raw(self), axis)
    def argmin(self, axis: int | None = None) -> Value: return np.argmin(raw(self), axis)

    def sort(self, *args: object, **kwargs: object) -> None:
        raise TypeError("x.sort() sorts in place, and a traced value cannot change; "
                        "use x = adkit.numpy.sort(x) (or np.sort(x)) instead")

    def ravel(self) -> Value: return anp.ravel(self)
    def flatten(self) -> Value: return anp.ravel(self)
    def squeeze(self, axis: Axis = None) -> Value: return anp.squeeze(self, axis)
    def swapaxes(self, a: int, b: int) -> Value: return anp.swapaxes(self, a, b)

    def reshape(self, *shape: int | Sequence[int]) -> Value:
        return anp.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: int | Sequence[int] | None) -> Value:
        return anp.transpose(self, axes[0] if len(axes) == 1 else (axes or None))

    # ---- Tensor-style elementwise methods
    def exp(self) -> Value: return anp.exp(self)
    def log(self) -> Value: return anp.log(self)
    def sqrt(self) -> Value: return anp.sqrt(self)
    def sin(self) -> Value: return anp.sin(self)
    def cos(self) -> Value: return anp.cos(self)
    def tanh(self) -> Value: return anp.tanh(self)
    def sigmoid(self) -> Value: return anp.sigmoid(self)
    def relu(self) -> Value: return anp.relu(self)
    def abs(self) -> Value: return anp.absolute(self)
    def pow(self, p: ArrayLike) -> Value: return self ** p

    # ---- numpy dispatch (NEP 13 / NEP 18)
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            fn = _UFUNCS.get(ufunc)
            if fn is not None:
                return fn(*inputs)
        if kwargs.get("out") is not None:
            raise TypeError(f"numpy.{ufunc.__name__}(..., out=...) would write a traced "
                            "value into a plain array and drop its derivative; "
                            "assign the result instead")
        if method == "reduce" and ufunc in anp.UFUNC_REDUCE:
            return anp.UFUNC_REDUCE[ufunc](*inputs, **kwargs)
        what = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        raise TypeError(f"adkit cannot differentiate numpy.{what}"
                        f"{' with ' + ', '.join(kwargs) if kwargs else ''}: it has no "
                        "adkit rule. Use a function from adkit.numpy (see "
                        "adkit.numpy.supported()) or define a primitive for it")

    def __array_function__(self, func, types, args, kwargs):
        fn = anp.FUNCTIONS.get(func)
        if fn is None:
            name = f"{func.__module__}.{func.__name__}".replace("numpy._core.", "numpy.")
            raise TypeError(f"adkit cannot differentiate {name}: it has no adkit rule. "
                            "Use a function from adkit.numpy (see adkit.numpy.supported()) "
                            "or define a primitive for it")
        return fn(*args, **kwargs)
