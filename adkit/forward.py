"""Forward mode: dual numbers carrying k tangent directions through one pass.

A Dual holds `value` (shape S) and tangents of shape (k,) + S: each primitive applies
its JVP rule to all k directions at once. A constant's tangent is a symbolic zero
(None) that rules skip. jvp pushes one direction; jacfwd(f, chunk=k) seeds k basis
directions per pass and so makes ceil(n / k) passes (ForwardDiff's chunks).

>>> from adkit import forward
>>> forward.derivative(lambda x: x ** 3)(2.0)
12.0
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import counting
from . import numpy as anp
from . import tree as _tree
from .boundary import (
    assemble_jacobian,
    check_argnums,
    check_direction,
    complex_error,
    inputs_of,
    outputs_of,
    owned,
    prepare_input,
    to_output,
    zeros_like_float,
    zeros_tangent,
)
from .box import ArrayBox
from .core import (
    Box,
    Primitive,
    Trace,
    Value,
    _evaluate,
    bind,
    float_dtype,
    missing_rule,
    new_level,
    raw,
    shape_of,
)
from .tree import Spec

_counters = counting._active


class ForwardTrace(Trace):
    """One level of forward mode: applies JVP rules to the Duals it owns."""

    __slots__ = ()

    def process(self, prim: Primitive, args: tuple[Value, ...],
                params: dict[str, Any]) -> Value:
        arity = len(args)
        if arity == 1:  # the Dual that brought prim here: the hot path
            a = args[0]
            va, ta = a._value, a._tangent
            primals, tangents = (va,), (ta,)
            live = ta is not None
            direct = not isinstance(va, Box)
        elif arity == 2:  # (the loop below, unrolled)
            a, b = args
            if type(a) is Dual and a._trace is self:
                va, ta = a._value, a._tangent
            else:
                va, ta = a, None
            if type(b) is Dual and b._trace is self:
                vb, tb = b._value, b._tangent
            else:
                vb, tb = b, None
            primals, tangents = (va, vb), (ta, tb)
            live = ta is not None or tb is not None
            direct = not (isinstance(va, Box) or isinstance(vb, Box))
        else:
            primals, tangents, live = [], [], False
            for a in args:
                if type(a) is Dual and a._trace is self:
                    primals.append(a._value)
                    tangents.append(a._tangent)
                    live = live or a._tangent is not None
                else:
                    primals.append(a)
                    tangents.append(None)
            direct = False
        if direct and not _counters:  # plain primals: bind's own work, without its search
            ans = _evaluate(prim, primals, params)
        else:
            ans = bind(prim, *primals, **params)
        if not live:
            return ans
        jvp = prim.jvp
        if jvp is None:
            raise missing_rule(prim, "jvp")
        if _counters:
            jvp = counting.counted("jvp", prim.name, jvp)
        t = jvp(tangents, ans, *primals, **params) if params else jvp(tangents, ans, *primals)
        return ans if t is None else _dual(ans, t, self)


# Level 1: Duals that users build by hand, e.g. Dual(2.0, 1.0). Never closes.
MANUAL = ForwardTrace(1)


def _dual(value, tangent, trace):
    d = Dual.__new__(Dual)
    d._value = value
    d._tangent = tangent
    d._trace = trace
    d._level = trace.level
    return d


class Dual(ArrayBox):
    """A dual number: a value and its tangent(s), pushed through f by forward mode.

    >>> d = Dual(2.0, 1.0)
    >>> y = d * d + 3 * d
    >>> y.value, y.tangent
    (10.0, 7.0)
    """

    __slots__ = ("_tangent",)

    def __init__(self, value: ArrayLike, tangent: ArrayLike | None = None) -> None:
        value = prepare_input(value, "Dual")
        if tangent is not None:
            tangent = np.asarray(raw(tangent), dtype=float_dtype(value))
            vshape = shape_of(value)
            if tangent.shape == vshape:
                tangent = tangent[None]
            elif tangent.shape[1:] != vshape:
                raise ValueError(f"Dual: a tangent must have the value's shape {vshape} "
                                 f"(one direction) or (k,) + {vshape} (k directions), "
                                 f"got {tangent.shape}")
        self._value = value
        self._tangent = tangent
        self._trace = MANUAL
        self._level = MANUAL.level

    @property
    def value(self) -> Value:
        return self._value

    primal = value

    @property
    def tangent(self) -> Value:
        """The tangent (for k directions: shape (k,) + value shape; for one: value shape)."""
        t = self._tangent
        if t is None:
            return zeros_like_float(self._value)
        return to_output(t[0], self._value) if shape_of(t)[0] == 1 else t

    @property
    def tangents(self) -> Value | None:
        """All k tangent directions, shape (k,) + value shape."""
        return self._tangent

    def __float__(self):
        raise TypeError("float() of a Dual would drop its tangent; use d.value")

    __int__ = __index__ = __float__

    def __array__(self, dtype=None, copy=None):
        raise TypeError("converting a Dual to a numpy array would drop its tangent; "
                        "use adkit.numpy functions on it, or d.value for the value alone")

    def __repr__(self):
        return f"Dual({self._value!r}, {self.tangent!r})"


def _seed_chunk(leaves, sizes, start, stop, trace):
    """Box the leaves whose flat indices fall in [start, stop) with basis tangents."""
    k = stop - start
    boxed, offset = [], 0
    for x, n in zip(leaves, sizes):
        lo, hi = max(start, offset), min(stop, offset + n)
        if lo < hi:
            t = np.zeros((k, n), dtype=float_dtype(x))
            rows = np.arange(lo, hi)
            t[rows - start, rows - offset] = 1.0
            boxed.append(_dual(x, t.reshape((k,) + shape_of(x)), trace))
        else:
            boxed.append(x)
        offset += n
    return boxed


def _tangent_of(y, trace, k):
    if type(y) is Dual and y._trace is trace and y._tangent is not None:
        t = y._tangent
        if t.dtype.kind == "c" if type(t) is np.ndarray else np.iscomplexobj(raw(t)):
            raise complex_error("forward mode: the tangent of f's output is complex")
        return y._value, y._tangent
    return y, zeros_tangent(y, k)


def _run(f, args, kwargs, rebuild, boxed, trace, k):
    """One forward pass: f on the boxed inputs; returns (out spec, values, tangents)."""
    if counting._active:
        counting.add_forward_pass(k)
    try:
        out = f(*rebuild(boxed), **kwargs)
    finally:
        trace.done = True
    leaves, spec = outputs_of(out, "forward mode")
    pairs = [_tangent_of(y, trace, k) for y in leaves]
    return spec, [p[0] for p in pairs], [p[1] for p in pairs]


def _push(f, primals, tangents, k, fn):
    """One forward pass of k directions; tangent leaves have shape (k,) + primal shape
    (k=None: one direction, tangents shaped as the primals)."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(f"{fn}(f, primals, tangents): primals and tangents must be tuples, "
                        f"e.g. {fn}(f, (x,), (v,))")
    p_leaves, p_spec = _tree.flatten(tuple(primals))
    t_leaves, t_spec = _tree.flatten(tuple(tangents))
    if p_spec != t_spec:
        raise ValueError(f"{fn}: tangents must have the same structure as primals")
    trace = ForwardTrace(new_level())
    boxed = []
    taken = {id(a) for a in p_leaves + t_leaves}  # results never alias what came in
    for i, (x, t) in enumerate(zip(p_leaves, t_leaves)):
        x = prepare_input(x, fn)
        want = shape_of(x) if k is None else (k,) + shape_of(x)
        t = check_direction(t, x, fn, "tangent", i, shape=want)
        if k is None:  # one direction: add the direction axis (bookkeeping, not work)
            if not isinstance(t, ArrayBox):  # an array or a float: a view, as reshape makes,
                t = np.asarray(t)[None]  # without its dispatch
            else:
                with counting.paused():
                    t = anp.reshape(t, (1,) + want)
        boxed.append(_dual(x, t, trace))
    spec, values, ts = _run(f, (), {}, lambda b: _tree.unflatten(p_spec, b), boxed, trace,
                            1 if k is None else k)
    out = _tree.unflatten(spec, [owned(to_output(v, v), taken) for v in values])
    tout = _tree.unflatten(spec, [owned(to_output(t[0], v) if k is None else t, taken)
                                  for t, v in zip(ts, values)])
    return out, tout


def jvp(f: Callable, primals: tuple | list, tangents: tuple | list) -> tuple[Any, Any]:
    """Forward mode, one pass: (f(*primals), J @ tangents).

    >>> adkit.jvp(np.sin, (0.0,), (1.0,))
    (0.0, 1.0)
    """
    return _push(f, primals, tangents, None, "jvp")


def jvp_batch(f: Callable, primals: tuple | list, tangents: tuple | list) -> tuple[Any, Any]:
    """Forward mode, one pass of k directions at once (ForwardDiff's chunk): each
    tangent has shape (k,) + primal shape; returns (f(*primals), the k J @ v's stacked).

    >>> adkit.forward.jvp_batch(np.sin, (0.0,), (np.array([1.0, 2.0]),))
    (0.0, array([1., 2.]))
    """
    ks = {shape_of(t)[0] for t in _tree.flatten(tuple(tangents))[0] if shape_of(t)}
    if len(ks) != 1:
        raise ValueError("jvp_batch: every tangent needs the same leading number of "
                         f"directions k, got {sorted(ks) or 'none'}")
    return _push(f, primals, tangents, ks.pop(), "jvp_batch")


def default_chunk(n: int) -> int:
    """A balanced chunk size: at most 64 directions (fewer for big inputs, to bound
    memory at about 2**22 tangent entries per input), spread evenly over the passes."""
    threshold = max(1, min(64, 2 ** 22 // max(n, 1)))
    if n <= threshold:
        return max(n, 1)
    passes = -(-n // threshold)
    return -(-n // passes)


def check_chunk(chunk: int | None, n: int, fn: str = "jacfwd") -> int:
    if chunk is None:
        return default_chunk(n)
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) \
            or not 1 <= chunk <= max(n, 1):
        raise ValueError(f"{fn}: chunk={chunk!r} is invalid for a function of n={n} inputs; "
                         f"pass an integer 1 <= chunk <= {max(n, 1)}, or None for the "
                         f"default ({default_chunk(n)})")
    return int(chunk)


def jacobian_forward(f: Callable, args: Sequence[Any], kwargs: dict[str, Any],
                     argnums: int | tuple[int, ...], chunk: int | None,
                     check: Callable[[Spec, list], None] | None = None) -> tuple[Any, Any]:
    """(output tree, Jacobian tree) by ceil(n / chunk) forward passes; check(spec,
    values) vets the output after the first pass, before the others are made."""
    leaves, in_spec, rebuild = inputs_of(args, argnums, "jacfwd")
    sizes = [int(np.prod(shape_of(x))) for x in leaves]
    n = sum(sizes)
    k = check_chunk(chunk, n)
    chunks, spec, values = [], None, None
    for start in range(0, max(n, 1), k):
        stop = min(n, start + k)
        trace = ForwardTrace(new_level())
        boxed = _seed_chunk(leaves, sizes, start, stop, trace)
        spec, values, ts = _run(f, args, kwargs, rebuild, boxed, trace, stop - start)
        if check is not None and not chunks:
            check(spec, values)
        chunks.append(ts)
    with counting.paused():  # assembling the Jacobian is bookkeeping, not work
        rows = [anp.concatenate([c[j] for c in chunks], 0) if len(chunks) > 1
                else chunks[0][j] for j in range(len(values))]
        offsets = np.cumsum([0] + sizes)

        def block(j, i):  # rows are input directions: (n_i,) + out shape -> out + in shape
            ishape, oshape = shape_of(leaves[i]), shape_of(values[j])
            b = anp.reshape(rows[j][offsets[i]:offsets[i + 1]], ishape + oshape)
            ni, no = len(ishape), len(oshape)
            return anp.transpose(b, tuple(range(ni, ni + no)) + tuple(range(ni)))

        jac = assemble_jacobian(spec, values, in_spec, leaves, block)
    return _tree.unflatten(spec, [to_output(v, v) for v in values]), jac


def jacfwd(f: Callable, argnums: int | tuple[int, ...] = 0,
           chunk: int | None = None) -> Callable:
    """Jacobian by forward mode: ceil(n / chunk) passes of `chunk` directions each.

    Shape: out.shape + in.shape. >>> adkit.jacfwd(np.sin)(np.zeros(2))
    array([[1., 0.],
           [0., 1.]])
    """
    check_argnums(argnums)

    def jac_fn(*args, **kwargs):
        return jacobian_forward(f, args, kwargs, argnums, chunk)[1]
    return jac_fn


def derivative(f: Callable) -> Callable:
    """d f / dx for a scalar x, by one forward pass (f may return any shape).

    >>> forward.derivative(np.exp)(0.0)
    1.0
    """
    def df(x, *args, **kwargs):
        if shape_of(x) != ():
            raise ValueError(f"derivative: x must be a scalar, got shape {shape_of(x)}; "
                             "use jacfwd for array inputs")
        return jvp(lambda x: f(x, *args, **kwargs), (x,), (1.0,))[1]
    return df


def grad(f: Callable, argnums: int | tuple[int, ...] = 0,
         chunk: int | None = None) -> Callable:
    """Gradient of a scalar function by forward mode (ceil(n / chunk) passes).

    >>> forward.grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    check_argnums(argnums)

    def scalar_output(spec, values):
        if spec is not _tree.LEAF or shape_of(values[0]) != ():
            got = f"a {spec[0].__name__}" if spec is not _tree.LEAF \
                else f"shape {shape_of(values[0])}"
            raise TypeError(f"forward.grad: f must return a scalar, got {got}; use jacfwd "
                            "for vector outputs")

    def grad_fn(*args, **kwargs):
        return jacobian_forward(f, args, kwargs, argnums, chunk, scalar_output)[1]
    return grad_fn
