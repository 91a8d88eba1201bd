"""The tutorials' imperative API (PyTorch conventions) on the reverse engine.

A `Tensor` is a reverse-mode `Node` of the ambient trace (level 0, always open): the
graphs users build with Tensor(..., requires_grad=True) and sweep with .backward().
grad_fn, no_grad, retain_grad, create_graph and in-place parameter updates live here;
the functional transforms never see them.

>>> x = Tensor(2.0, requires_grad=True)
>>> y = x ** 3 + 2 * x + 1
>>> y.backward(); x.grad
tensor(14.)
"""
from __future__ import annotations

import operator
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import numpy as anp
from . import reverse as _reverse
from .boundary import check_direction, complex_error, float_dtype, owned, zeros_like_float
from .core import Axis, Box, Value, new_level, raw, shape_of
from .reverse import Node, ReverseTrace, grad_mode, make_input
from .sweep import backward_name, collect, sweep


class AmbientTrace(ReverseTrace):
    """Level 0: the graphs of the Tensor API. Never closes; untracked results stay
    Tensors (with requires_grad False), as in PyTorch."""

    __slots__ = ()

    def constant(self, ans: Value) -> Tensor:
        return _plain(ans)


AMBIENT = AmbientTrace(0)
# non-leaf Tensors that asked for their .grad, by id (a WeakSet would compare Tensors
# with ==, which is elementwise); an entry goes when its Tensor dies
_retaining: dict[int, weakref.ref] = {}


def _retained(t):
    ref = _retaining.get(id(t))
    return ref is not None and ref() is t


def _plain(value, requires_grad=False):
    t = make_input(value, AMBIENT, Tensor)
    t._rg = requires_grad
    t._grad = None
    return t


def _read_only(v):
    """A read-only view of an array (floats as they are): what a graph saved stays put."""
    if type(v) is np.ndarray:
        v = v.view()
        v.flags.writeable = False
    return v


def _accumulate(t, g, taken):
    """Add g into t.grad; a plain g becomes an array t's .grad owns (never the caller's
    gradient= array, a view, or another Tensor's .grad: ids in `taken`)."""
    g = raw(g) if not isinstance(g, Tensor) else g
    old = getattr(t, "_grad", None)  # unset on a non-leaf before its first backward
    if old is None:
        t._grad = g if isinstance(g, Tensor) else _plain(owned(g, taken))
    elif isinstance(g, Tensor) or old.requires_grad:
        t._grad = old + g
    else:
        t._grad = _plain(old._value + g)


# ----------------------------------------------------------------- grad_fn ----

class GradFn:
    """The record behind a Tensor (PyTorch's grad_fn): y.grad_fn.name() -> 'MulBackward0'."""

    __slots__ = ("_node",)

    def __init__(self, node: Node) -> None:
        self._node = node

    def name(self) -> str:
        return backward_name(self._node._prim)

    @property
    def next_functions(self) -> tuple[tuple[GradFn | None, int], ...]:
        """The records (or AccumulateGrad for leaves) feeding this one."""
        out = []
        for p in self._node._parents or ():
            if p is None:
                out.append((None, 0))
            elif p._prim is None:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((GradFn(p), 0))
        return tuple(out)

    def __eq__(self, other):
        return type(other) is type(self) and other._node is self._node

    def __hash__(self):
        return id(self._node)

    def __repr__(self):
        return f"<{self.name()} object at {id(self._node):#x}>"


class AccumulateGrad(GradFn):
    """A leaf's end of the graph: backward() adds into its .grad."""

    __slots__ = ()

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def variable(self) -> Tensor:
        return self._node

    next_functions = ()


# ------------------------------------------------------------------ Tensor ----

def _tensor_value(data, requires_grad):
    if isinstance(data, Tensor):
        data = data._value
    if type(data) is float:
        return data
    if isinstance(data, complex) or (not isinstance(data, Box) and np.iscomplexobj(data)):
        raise complex_error("Tensor(): the data is complex")
    if isinstance(data, (bool, int, np.bool_)) or isinstance(data, (list, tuple)):
        data = np.asarray(data, dtype=np.float64)
        return float(data) if data.shape == () else data
    if isinstance(data, (np.ndarray, np.generic)):
        if requires_grad and data.dtype.kind != "f":
            raise TypeError(f"only floating-point Tensors can require gradients, got dtype "
                            f"{data.dtype}; pass float data, e.g. x.astype(float)")
        return data.copy() if isinstance(data, np.ndarray) else data
    if isinstance(data, Box):
        raise TypeError(f"Tensor(): cannot wrap a traced {type(data).__name__}")
    raise TypeError(f"Tensor(): cannot make a Tensor from a {type(data).__name__}")


class Tensor(Node):
    """A value that records the operations applied to it, for reverse mode.

    >>> a = Tensor([2.0, 3.0], requires_grad=True)
    >>> (a ** 2).sum().backward()
    >>> a.grad
    tensor([4., 6.])
    """

    # _rg and _grad are set on leaves; a computed Tensor always requires grad, and has
    # a .grad only after retain_grad() and a backward()
    __slots__ = ("_rg", "_grad")

    def __init__(self, data: ArrayLike, requires_grad: bool = False) -> None:
        self._value = _tensor_value(data, requires_grad)
        self._trace = AMBIENT
        self._level = 0
        self._rg = bool(requires_grad)
        self._prim = self._params = self._grad = None
        self._arity = self._seq = 0

    # ---- what the tutorials use
    @property
    def data(self) -> Value:
        """The raw value (a float or a read-only view of the array), outside the graph.

        Graphs keep the values they used, so they cannot be written in place: assign a
        new value (x.data = ...) or update under no_grad() (x -= lr * x.grad).
        """
        return _read_only(self._value)

    @data.setter
    def data(self, value: ArrayLike) -> None:
        self._value = _tensor_value(value, False)

    @property
    def grad(self) -> Tensor | None:
        """d(output)/d(self) accumulated by backward(): an untracked Tensor, or None."""
        if self._prim is not None and not _retained(self):
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being "
                "accessed. Its .grad attribute won't be populated during backward(). If "
                "you indeed want the .grad field to be populated for a non-leaf Tensor, "
                "use .retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return getattr(self, "_grad", None)

    @grad.setter
    def grad(self, value: ArrayLike | None) -> None:
        if value is not None:
            g = value._value if isinstance(value, Tensor) else value
            if shape_of(g) != shape_of(self._value):
                raise ValueError(f"assigned .grad of shape {shape_of(g)} for a Tensor of "
                                 f"shape {shape_of(self._value)}; they must match")
            g = check_direction(g, self._value, "Tensor.grad", "gradient")
            value = value if isinstance(value, Tensor) and raw(value) is g else _plain(
                owned(g, {id(value), id(self._value)}))
        self._grad = value

    @property
    def requires_grad(self) -> bool:
        return self._prim is not None or self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        self.requires_grad_(flag)

    def requires_grad_(self, flag: bool = True) -> Tensor:
        if self._prim is not None:
            raise RuntimeError("you can only change requires_grad of leaf Tensors; use "
                               "y.detach() to get an untracked copy of a computed one")
        if flag and float_dtype(self._value) != np.result_type(raw(self._value)):
            raise TypeError("only floating-point Tensors can require gradients")
        self._rg = bool(flag)
        return self

    @property
    def is_leaf(self) -> bool:
        return self._prim is None

    @property
    def grad_fn(self) -> GradFn | None:
        """The record that made this Tensor (None for leaves and untracked Tensors)."""
        return GradFn(self) if self._prim is not None else None

    def retain_grad(self) -> None:
        """Also keep .grad for this non-leaf Tensor on the next backward()."""
        if self._prim is not None:
            key = id(self)
            _retaining[key] = weakref.ref(self, lambda _, key=key: _retaining.pop(key, None))

    def detach(self) -> Tensor:
        """The same value with no history: an untracked Tensor (a constant)."""
        return _plain(self._value)

    def backward(self, gradient: ArrayLike | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's .grad.

        A non-scalar output needs gradient= (the vector v of v^T J). The graph's saved
        values are freed afterwards unless retain_graph=True.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "this Tensor was computed under no_grad() or only from Tensors with "
                "requires_grad=False, so there is no graph to differentiate")
        shape = shape_of(self._value)
        if gradient is None:
            if shape != ():
                raise RuntimeError(
                    f"backward() on a non-scalar output (shape {shape}) needs `gradient=`: "
                    f"the vector v of v^T J, e.g. y.backward(gradient=np.ones({shape})); "
                    "or reduce the output to a scalar first (y.sum().backward())")
            gradient = 1.0
        elif isinstance(gradient, Tensor):
            gradient = gradient if create_graph and gradient.requires_grad else gradient._value
        if shape_of(gradient) != shape:
            raise ValueError(f"backward(): gradient has shape {shape_of(gradient)} but the "
                             f"output has shape {shape}; they must match")
        taken = {id(gradient)}
        gradient = check_direction(gradient, self._value, "backward()", "gradient", 0,
                                   "the output")
        retain = create_graph if retain_graph is None else retain_graph
        nodes = collect([self])
        keep = None
        if _retaining:
            keep = {n: (lambda g, n=n: _accumulate(n, g, taken))
                    for n in nodes if _retained(n)}
        if create_graph:
            adj = sweep(nodes, [(self, gradient)], boxed=True, free=not retain, keep=keep)
        else:
            with no_grad():
                adj = sweep(nodes, [(self, gradient)], free=not retain, keep=keep)
        for t, g in adj.items():
            if t._prim is None and t._rg:
                _accumulate(t, g, taken)

    def zero_(self) -> Tensor:
        """Set the value to zeros in place (as x.grad.zero_() between steps)."""
        if self.requires_grad and grad_mode.threshold <= 0:
            raise RuntimeError("zero_() on a Tensor that requires grad: do it under "
                               "adkit.no_grad(), or zero its .grad instead")
        self._value = zeros_like_float(self._value) if shape_of(self._value) == () \
            else np.zeros_like(self._value)
        return self

    # ---- leaving the graph
    def item(self) -> float:
        """The value of a one-element Tensor (any shape) as a Python number."""
        v = np.asarray(self._value)
        if v.size != 1:
            raise ValueError(f"item(): a Tensor with {v.size} elements cannot be "
                             "converted to a Python scalar")
        return v.reshape(()).item()

    def numpy(self) -> np.ndarray:
        """The value as a read-only numpy array (it may be saved by a graph)."""
        return _read_only(np.asarray(self._value))

    def tolist(self) -> Any:
        return np.asarray(self._value).tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        if dtype is not None or copy:
            return np.array(self._value, dtype=dtype, copy=True)
        return _read_only(np.asarray(self._value))

    # ---- in-place updates (parameter steps under no_grad)
    def _inplace(self, fn, other):
        tracked = self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
        if tracked and grad_mode.threshold <= 0:
            if self._prim is None and self._rg:
                raise RuntimeError(
                    "a leaf Tensor that requires grad is being used in an in-place "
                    "operation; update parameters under `with adkit.no_grad():`")
            return fn(self, other)
        with no_grad():
            self._value = fn(self, other)._value
        return self

    def __iadd__(self, other): return self._inplace(operator.add, other)
    def __isub__(self, other): return self._inplace(operator.sub, other)
    def __imul__(self, other): return self._inplace(operator.mul, other)
    def __itruediv__(self, other): return self._inplace(operator.truediv, other)

    # ---- PyTorch's everyday methods (dim= and keepdim= as well as numpy's names)
    def clone(self) -> Tensor:
        """A copy that stays in the graph (its gradient flows back to self)."""
        return self * 1.0 if self.requires_grad else _plain(np.array(self._value, copy=True)
                                                            if shape_of(self._value) else
                                                            self._value)

    def sum(self, dim: Axis = None, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool | None = None) -> Tensor:
        return anp.sum(self, _dim(dim, axis), keepdims=_keep(keepdim, keepdims))

    def mean(self, dim: Axis = None, keepdim: bool = False, *, axis: Axis = None,
             keepdims: bool | None = None) -> Tensor:
        return anp.mean(self, _dim(dim, axis), keepdims=_keep(keepdim, keepdims))

    def max(self, dim: int | None = None, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool | None = None) -> Tensor | MinMax:
        """The largest value; with dim, (values, indices) along dim as torch.max (with
        numpy's axis=, the values alone)."""
        return _extreme(self, anp.max, np.argmax, dim, axis, _keep(keepdim, keepdims))

    def min(self, dim: int | None = None, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool | None = None) -> Tensor | MinMax:
        """The smallest value; with dim, (values, indices) along dim as torch.min (with
        numpy's axis=, the values alone)."""
        return _extreme(self, anp.min, np.argmin, dim, axis, _keep(keepdim, keepdims))

    def view(self, *shape: int | Sequence[int]) -> Tensor:
        """The same values in a new shape (as reshape; -1 infers one size)."""
        return self.reshape(*shape)

    def numel(self) -> int:
        return int(np.size(self._value))

    def __repr__(self) -> str:
        """As PyTorch prints it: tensor(14.), tensor([4., 6.], requires_grad=True)."""
        extra = ""
        dtype = np.result_type(self._value)
        if dtype not in (np.float64, np.int64):  # the defaults (PyTorch's: float32, int64)
            extra += f", dtype={dtype}"
        if self._prim is not None:
            extra += f", grad_fn=<{backward_name(self._prim)}>"
        elif self._rg:
            extra += ", requires_grad=True"
        return f"tensor({_format(np.asarray(self._value))}{extra})"

    __str__ = __repr__


class MinMax(NamedTuple):
    """What Tensor.max(dim) and Tensor.min(dim) return, as PyTorch's: values, indices."""
    values: Tensor
    indices: Tensor


def _dim(dim, axis):
    return axis if dim is None else dim


def _keep(keepdim, keepdims):
    return bool(keepdim if keepdims is None else keepdims)


def _extreme(t, reduce, arg, dim, axis, keepdim):
    values = reduce(t, _dim(dim, axis), keepdims=keepdim)
    if dim is None or not isinstance(dim, (int, np.integer)):  # numpy's axis=: values
        return values
    indices = arg(np.asarray(t._value), axis=dim)
    if keepdim:
        indices = np.expand_dims(indices, dim)
    return MinMax(values, _plain(indices))


def _format(v):
    """Numbers as PyTorch prints them: whole numbers as 14., others with 4 decimals,
    scientific notation for very large or very small magnitudes."""
    if v.dtype.kind != "f":
        return np.array2string(v, separator=", ")
    finite = np.abs(v[np.isfinite(v)])
    whole = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    big = finite.size > 0 and (finite.max() >= 1e8 or (
        finite[finite > 0].size > 0 and finite[finite > 0].min() < 1e-4) or
        (not whole and finite.max() / max(finite[finite > 0].min(), 1e-300) > 1e3
         if finite[finite > 0].size else False))
    if big:
        def fmt(x):
            return np.format_float_scientific(x, precision=4, exp_digits=2, unique=False)
    elif whole:
        def fmt(x):
            return f"{x:.0f}." if np.isfinite(x) else str(x)
    else:
        def fmt(x):
            return f"{x:.4f}" if np.isfinite(x) else str(x)
    return np.array2string(v, separator=", ", formatter={"float_kind": fmt},
                           prefix="tensor(")


AmbientTrace.node_type = Tensor


# ----------------------------------------------------------------- grad mode ----

class no_grad:
    """Stop recording: results computed inside are constants (requires_grad False).

    >>> x = Tensor(2.0, requires_grad=True)
    >>> with adkit.no_grad():
    ...     z = x * 2
    >>> z.requires_grad
    False

    Inside a function given to adkit.grad it stops that derivative too; a transform
    started inside the block records as usual (as torch.func does).
    """

    def __init__(self) -> None:
        self._saved = []  # a stack: the same object may be entered again inside itself

    def __enter__(self):
        self._saved.append(grad_mode.threshold)
        grad_mode.threshold = new_level()
        _reverse.no_grad_blocks += 1
        return self

    def __exit__(self, *exc):
        grad_mode.threshold = self._saved.pop()
        _reverse.no_grad_blocks -= 1
        return False

    def __call__(self, fn: Callable) -> Callable:
        def wrapped(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = getattr(fn, "__doc__", None)
        return wrapped


class enable_grad(no_grad):
    """Record again inside a no_grad() block."""

    def __enter__(self):
        self._saved.append(grad_mode.threshold)
        grad_mode.threshold = 0
        _reverse.no_grad_blocks += 1
        return self


def is_grad_enabled() -> bool:
    """False inside no_grad() (Tensor operations are not recorded), else True."""
    return grad_mode.threshold <= 0
