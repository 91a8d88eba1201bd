"""Reverse mode: record once, sweep backwards as often as needed.

Each primitive applied to a traced value makes a `Node`: the new value and its record
(the primitive, its arguments' values as residuals, the traced parents, a sequence
number). A transform's trace lists its records as f runs; adkit.sweep walks them newest
first (the Tensor API's graphs, which no transform owns, are found by sweep.collect), and
records die with the outputs that reach them.

>>> y, f_vjp = vjp(lambda x: anp.sum(anp.sin(x)), np.zeros(3))
>>> f_vjp(1.0)
(array([1., 1., 1.]),)
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import numpy as np

from . import boundary, counting
from . import numpy as anp
from . import tree as _tree
from .box import ArrayBox
from .core import (
    FLOAT64,
    SCALAR_TYPES,
    Box,
    Primitive,
    Trace,
    Value,
    bind,
    float_dtype,
    new_level,
    raw,
    shape_of,
)
from .sweep import DROP_SIZE, sweep

_sequence = itertools.count(1)
_counters = counting._active


class GradMode(threading.local):
    """Reverse traces below `threshold` do not record. 0: everything records; no_grad()
    raises it past every level open so far (adkit.tensors)."""
    threshold = 0


grad_mode = GradMode()
no_grad_blocks = 0  # no_grad blocks open in any thread: 0 skips the thread-local check


class Node(ArrayBox):
    """A value computed on a reverse trace, and its record on the tape.

    An input has no primitive (`_prim` is None); every other node knows how it was
    made, so the sweep can apply its VJP rule.
    """

    # A record's arguments sit in slots, not tuples, so a graph holds one object the garbage
    # collector tracks per op (Python's full collections walk every one while a graph
    # grows). _arity 1 or 2: the values in _v0/_v1, the parents in _p0/_p1 (None where
    # no gradient is wanted); -1: tuples of them in _v0/_p0 (three or more arguments);
    # 0: no record (an input, or a record whose sweep freed it).
    __slots__ = ("_prim", "_arity", "_v0", "_v1", "_p0", "_p1", "_params", "_seq",
                 "__weakref__")
    _rg = True  # a transform's inputs always need their gradient

    @property
    def _vals(self) -> tuple[Value, ...] | None:
        """The record's argument values (None: no record)."""
        arity = self._arity
        return ((self._v0, self._v1) if arity == 2 else (self._v0,) if arity == 1 else
                self._v0 if arity < 0 else None)

    @property
    def _parents(self) -> tuple[Node | None, ...] | None:
        """The record's traced arguments, None for a constant (None: no record)."""
        arity = self._arity
        return ((self._p0, self._p1) if arity == 2 else (self._p0,) if arity == 1 else
                self._p0 if arity < 0 else None)

    def _set_record(self, vals: tuple[Value, ...], parents: tuple[Node | None, ...]) -> None:
        if len(vals) == 2:
            self._arity, (self._v0, self._v1), (self._p0, self._p1) = 2, vals, parents
        elif len(vals) == 1:
            self._arity, (self._v0,), (self._p0,) = 1, vals, parents
        else:
            self._arity, self._v0, self._p0 = -1, vals, parents

    @property
    def primitive(self) -> Primitive | None:
        """The primitive that made this value (None for an input)."""
        return self._prim

    def detach(self) -> Value:
        """The value as a constant of every level (no derivative flows through it)."""
        return raw(self)

    def backward(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("backward() is for Tensors built with adkit.Tensor; inside "
                           "adkit.grad/vjp return the value and let the transform "
                           "differentiate it")

    def _concrete(self, what: str) -> NoReturn:
        raise TypeError(f"{what} of a traced value inside a transform would drop its "
                        "derivative; use adkit.numpy functions on it instead")

    def item(self) -> float: self._concrete("item()")
    def numpy(self) -> np.ndarray: self._concrete("numpy()")
    def tolist(self) -> Any: self._concrete("tolist()")
    def __float__(self): self._concrete("float()")
    def __int__(self): self._concrete("int()")
    def __array__(self, dtype=None, copy=None): self._concrete("numpy.asarray()")


def make_input(value: Value, trace: ReverseTrace, node_type: type[Node] = Node) -> Node:
    """A leaf of `trace`: a value with no record, whose gradient is wanted."""
    x = node_type.__new__(node_type)
    x._value = value
    x._trace = trace
    x._level = trace.level
    x._prim = x._params = None
    x._arity = x._seq = 0
    return x


class ReverseTrace(Trace):
    """One level of reverse mode: records the ops applied to its nodes.

    While f runs, a transform's trace lists its records in `tape` (execution order);
    the transform takes the tape when f returns, so no trace <-> record cycle outlives
    the recording.
    """

    __slots__ = ("tape",)
    node_type = Node

    def __init__(self, level: int, tape: list[Node] | None = None) -> None:
        super().__init__(level)
        self.tape = tape

    def unbox(self, args: Sequence[Value]) -> tuple[tuple[Value, ...], tuple[Node | None, ...]]:
        """(values, parents) of args: a parent for each of this trace's nodes whose
        gradient is wanted, None for anything else (a constant)."""
        vals, parents = [], []
        for a in args:
            if isinstance(a, Box) and a._trace is self:
                vals.append(a._value)
                parents.append(a if a._prim is not None or a._rg else None)
            else:
                vals.append(a)
                parents.append(None)
        return tuple(vals), tuple(parents)

    def process(self, prim: Primitive, args: tuple[Value, ...],
                params: dict[str, Any]) -> Value:
        node_type = self.node_type
        arity = len(args)
        if arity == 2:  # one and two arguments unrolled: the engine's hot path
            a, b = args  # (unbox's loop inlined; a test checks they agree)
            if type(a) is node_type and a._trace is self:
                va, pa = a._value, (a if a._prim is not None or a._rg else None)
            else:
                va, pa = a, None
            if type(b) is node_type and b._trace is self:
                vb, pb = b._value, (b if b._prim is not None or b._rg else None)
            else:
                vb, pb = b, None
            live = pa is not None or pb is not None
            direct = not (isinstance(va, Box) or isinstance(vb, Box))
            fn = prim.scalar_impl
            if fn is None or type(va) not in SCALAR_TYPES or type(vb) not in SCALAR_TYPES:
                fn = prim.impl
        elif arity == 1:
            a = args[0]  # the only argument is the box that brought prim here
            va = a._value
            pa = a if a._prim is not None or a._rg else None
            live = pa is not None
            direct = not isinstance(va, Box)
            fn = prim.scalar_impl
            if fn is None or type(va) not in SCALAR_TYPES:
                fn = prim.impl
        else:
            vals, parents = self.unbox(args)
            live = any(p is not None for p in parents)
            direct = False
        if direct and not _counters:
            # plain values: what bind would do (fn: math for Python floats, else numpy), a
            # Python call sooner. On any error bind repeats the op, to give numpy's inf/nan
            # for floats or a clear message.
            try:
                if params:
                    ans = fn(va, vb, **params) if arity == 2 else fn(va, **params)
                else:  # (most ops: a call without an empty ** is a little faster)
                    ans = fn(va, vb) if arity == 2 else fn(va)
            except (ArithmeticError, ValueError, TypeError, IndexError):
                ans = (bind(prim, va, vb, **params) if arity == 2 else
                       bind(prim, va, **params))
        elif arity == 2:
            ans = bind(prim, va, vb, **params)
        elif arity == 1:
            ans = bind(prim, va, **params)
        else:
            ans = bind(prim, *vals, **params)
        if not live or (no_grad_blocks and self.level < grad_mode.threshold):
            return self.constant(ans)
        if _counters:
            counting.tally("record", prim.name)
        node = node_type.__new__(node_type)
        node._value = ans
        node._trace = self
        node._level = self.level
        node._prim = prim
        node._arity = arity if arity <= 2 else -1
        if arity == 2:
            node._v0, node._v1, node._p0, node._p1 = va, vb, pa, pb
        elif arity == 1:
            node._v0, node._p0 = va, pa
        else:
            node._v0, node._p0 = vals, parents
        node._params = params or None
        node._seq = next(_sequence)
        if self.tape is not None:
            self.tape.append(node)
        return node

    def constant(self, ans: Value) -> Value:
        """An untracked result: a plain value."""
        return ans


# ----------------------------------------------------------- functional API ----

def _record(f, args, kwargs, argnums, fn, keep_inputs=False):
    """Run f once on a fresh reverse trace.

    Returns (inputs, in spec, out leaves, out spec, trace, tape newest-first).
    keep_inputs=True records private copies of the input arrays, for a recording swept
    after the caller may have written into them (vjp).
    """
    leaves, in_spec, rebuild = boundary.inputs_of(args, argnums, fn)
    trace = ReverseTrace(new_level(), [])
    if keep_inputs:
        leaves = [x.copy() if type(x) is np.ndarray else x for x in leaves]
    inputs = [make_input(x, trace) for x in leaves]
    if _counters:
        counting.add_recording()
    try:
        out = f(*rebuild(inputs), **kwargs)
    finally:
        trace.done = True
        tape, trace.tape = trace.tape, None
    tape.reverse()
    out_leaves, out_spec = boundary.outputs_of(out, fn)
    return inputs, in_spec, out_leaves, out_spec, trace, tape


class Recording:
    """What reverse mode stores for one run of f: its records in execution order.

    >>> rec = record(lambda x: anp.sum(anp.sin(x)), np.ones(3))
    >>> [r.primitive.name for r in rec.records]
    ['sin', 'sum']
    """

    def __init__(self, inputs: list[Node], outputs: list[Value], records: list[Node]) -> None:
        self.inputs = inputs
        self.outputs = outputs
        self.records = records

    def __len__(self) -> int:
        return len(self.records)

    def nbytes(self) -> dict:
        """Bytes held by the tape (see adkit.memory.memory)."""
        from .memory import memory
        return memory(self)


def record(f: Callable, *args: Any) -> Recording:
    """Run f once on reverse-mode inputs and keep the recording (for inspection)."""
    inputs, _, out_leaves, _, _, tape = _record(f, args, {}, tuple(range(len(args))), "record")
    return Recording(inputs, out_leaves, tape[::-1])


def _owned(y, trace):
    return isinstance(y, Node) and y._trace is trace


def _value_of(y, trace):
    return y._value if _owned(y, trace) else y


def vjp(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """Reverse mode: record f once; the returned function sweeps back any cotangent.

    The recording keeps private copies of the primals and hands back copies of f's
    outputs, so writing into either never changes a later sweep.

    >>> y, f_vjp = adkit.vjp(np.sin, 0.0)
    >>> f_vjp(1.0)
    (1.0,)
    """
    argnums = tuple(range(len(primals)))
    inputs, in_spec, out_leaves, out_spec, trace, tape = _record(f, primals, {}, argnums,
                                                                 "vjp", keep_inputs=True)
    values = [_value_of(y, trace) for y in out_leaves]
    given = {id(a) for a in _tree.flatten(primals)[0]} | {id(x._value) for x in inputs}
    outs = [boundary.owned(boundary.to_output(v, v), given | {id(v)}) for v in values]

    def f_vjp(cotangent):
        ct_leaves, ct_spec = _tree.flatten(cotangent)
        if ct_spec != out_spec:
            raise ValueError("vjp: the cotangent must have the same structure as f's output")
        seeds = [(y, boundary.check_direction(c, v, "vjp", "cotangent", i, "an output"))
                 for i, (y, c, v) in enumerate(zip(out_leaves, ct_leaves, values))
                 if _owned(y, trace)]
        taken = given | {id(c) for c in ct_leaves} | {id(v) for v in values}
        adj = sweep(tape, seeds)
        return _tree.unflatten(in_spec, [boundary.finish_gradient(adj.get(x), x._value, taken)
                                         for x in inputs])

    return _tree.unflatten(out_spec, outs), f_vjp


def _big(inputs):
    """Whether an input has DROP_SIZE elements or more (grad then frees big results early)."""
    for x in inputs:
        v = x._value
        if type(v) is np.ndarray and v.size >= DROP_SIZE:
            return True
    return False


def _scalar_output(out_leaves, out_spec, fn):
    if out_spec is not _tree.LEAF or shape_of(out_leaves[0]) != ():
        got = (f"a {out_spec[0].__name__}" if out_spec is not _tree.LEAF
               else f"shape {shape_of(out_leaves[0])}")
        raise TypeError(f"{fn}: f must return a scalar (got {got}); for vector outputs use "
                        "jacrev/jacfwd, or vjp with a cotangent")
    return out_leaves[0]


def value_and_grad(f: Callable, argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable:
    """(f(x), grad f(x)) from one recording and one reverse sweep. With has_aux=True, f
    returns (output, aux) and the result is ((value, aux), grad), as in JAX; aux is
    returned as plain values (no derivative flows through it).

    >>> adkit.value_and_grad(lambda x: x ** 2)(3.0)
    (9.0, 6.0)
    >>> adkit.value_and_grad(lambda x: (x ** 2, x + 1), has_aux=True)(3.0)
    ((9.0, 4.0), 6.0)
    """
    boundary.check_argnums(argnums)

    def value_and_grad_fn(*args, **kwargs):
        main, aux = _split_aux(f) if has_aux else (f, None)
        inputs, in_spec, out_leaves, out_spec, trace, tape = _record(main, args, kwargs,
                                                                     argnums, "grad")
        y = _scalar_output(out_leaves, out_spec, "grad")
        value = _value_of(y, trace)
        adj = {}
        if _owned(y, trace):
            seed = 1.0 if type(value) is float or float_dtype(value) == FLOAT64 else \
                np.ones((), float_dtype(value))
            adj = sweep(tape, [(y, seed)], free=True, drop=True, early=_big(inputs))
        taken = {id(x._value) for x in inputs}
        grads = _tree.unflatten(in_spec, [boundary.finish_gradient(adj.get(x), x._value, taken)
                                          for x in inputs])
        value = boundary.to_output(value, value)
        return ((value, aux[0]) if has_aux else value), grads

    return value_and_grad_fn


def _split_aux(f):
    """f returning (output, aux) as a function returning output; aux, made plain, lands
    in the list returned beside it."""
    aux = []

    def main(*args, **kwargs):
        out = f(*args, **kwargs)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError("has_aux=True: f must return a pair (output, aux), got "
                            f"{type(out).__name__}")
        aux.append(_tree.tree_map(lambda v: boundary.to_output(raw(v), raw(v)), out[1]))
        return out[0]

    return main, aux


def grad(f: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False) -> Callable:
    """Gradient of a scalar function by reverse mode: 1 recording + 1 sweep. With
    has_aux=True, f returns (output, aux) and the result is (grad, aux).

    >>> adkit.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
    (5.0, 2.0)
    """
    vg = value_and_grad(f, argnums, has_aux)

    def grad_fn(*args, **kwargs):
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return grad_fn


def _one_hot(shape, index, dtype):
    if shape == ():
        return 1.0 if dtype == np.float64 else np.ones((), dtype)[()]
    seed = np.zeros(int(np.prod(shape)), dtype=dtype)
    seed[index] = 1.0
    return seed.reshape(shape)


def jacobian_reverse(f: Callable, args: Sequence[Any], kwargs: dict[str, Any],
                     argnums: int | tuple[int, ...]) -> tuple[Any, Any]:
    """(output tree, Jacobian tree) from 1 recording + m reverse sweeps."""
    inputs, in_spec, out_leaves, out_spec, trace, tape = _record(f, args, kwargs, argnums,
                                                                 "jacrev")
    values = [_value_of(y, trace) for y in out_leaves]
    rows = []  # rows[j][i]: list over output elements of d y_j[e] / d x_i
    for y, v in zip(out_leaves, values):
        per_input = [[] for _ in inputs]
        if _owned(y, trace):
            dtype = float_dtype(v)
            for e in range(int(np.prod(shape_of(v)))):
                adj = sweep(tape, [(y, _one_hot(shape_of(v), e, dtype))])
                taken = {id(x._value) for x in inputs}
                for i, x in enumerate(inputs):
                    per_input[i].append(boundary.finish_gradient(adj.get(x), x._value, taken))
        rows.append(per_input)

    def block(j, i):
        oshape, ishape = shape_of(values[j]), shape_of(inputs[i]._value)
        if not rows[j][i]:
            return np.zeros(oshape + ishape, dtype=float_dtype(inputs[i]._value))
        return anp.reshape(anp.stack(rows[j][i]), oshape + ishape)

    with counting.paused():  # assembling the Jacobian is bookkeeping, not work
        jac = boundary.assemble_jacobian(out_spec, values, in_spec, [x._value for x in inputs],
                                         block)
    return _tree.unflatten(out_spec, [boundary.to_output(v, v) for v in values]), jac


def jacrev(f: Callable, argnums: int | tuple[int, ...] = 0) -> Callable:
    """Jacobian by reverse mode: 1 recording + m sweeps (one per output element).

    Shape: out.shape + in.shape.

    >>> adkit.jacrev(lambda x: x[:2] * x[2])(np.ones(3))
    array([[1., 0., 1.],
           [0., 1., 1.]])
    """
    boundary.check_argnums(argnums)

    def jac_fn(*args, **kwargs):
        return jacobian_reverse(f, args, kwargs, argnums)[1]

    return jac_fn
