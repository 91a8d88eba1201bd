"""micrograd's scalar `Value`, on adkit's reverse engine.

The tutorials' code runs unchanged (`from adkit import Value`): `.data` and `.grad` are
Python floats, operators take Values and numbers on either side, and `backward()` fills
in every node's `.grad`. Underneath, a Value is a record of the reverse engine (a `Node`
on an always-open trace of its own): its ops are the engine's primitives, and
`backward()` is the engine's `collect` and `sweep`. So there is no recursion limit (a
10**5-deep chain works), `_prev` is ordered, and a second `backward()` adds exactly the
same gradients again.

>>> a, b = Value(2.0), Value(-3.0)
>>> y = a * b + a ** 2
>>> y.backward()
>>> y.data, a.grad, b.grad
(-2.0, 1.0, 2.0)
"""
from __future__ import annotations

import numbers
from typing import Any

from .core import Box, Primitive
from .ops.elementwise import (
    add_p,
    div_p,
    exp_p,
    log_p,
    mul_p,
    neg_p,
    pow_p,
    relu_p,
    sigmoid_p,
    sub_p,
    tanh_p,
)
from .reverse import Node, ReverseTrace, make_input
from .sweep import collect, sweep

# micrograd's names for the ops it draws (`_op`); other primitives show their own name
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "neg": "neg", "relu": "ReLU"}


def op_symbol(node: Node) -> str:
    """The op a record shows in a picture, micrograd's way: '+', '*', '**2', 'ReLU', ...

    >>> op_symbol(Value(3.0) ** 2)
    '**2'
    """
    prim = node._prim
    if prim is None:
        return ""
    if prim.name == "pow" and node._parents[1] is None:
        return f"**{node._vals[1]:g}"
    return SYMBOLS.get(prim.name, prim.name)


class ValueTrace(ReverseTrace):
    """The trace every Value lives on: always open, never owned by a transform."""

    __slots__ = ()

    def constant(self, ans: Any) -> Value:
        return _leaf(float(ans))  # an op under adkit.no_grad(): a Value with no history


def _leaf(data: float, label: str = "") -> Value:
    v = make_input(data, VALUES, Value)
    v._grad = 0.0
    v.label = label
    return v


def _number(x: Any, what: str) -> float:
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    if isinstance(x, Box):
        raise TypeError(f"{what}: a Value combines with Values and Python numbers, not "
                        f"with a {type(x).__name__}")
    raise TypeError(f"{what}: a Value holds one real number, got a {type(x).__name__}")


class Value(Node):
    """A scalar that records the ops applied to it (micrograd's API).

    >>> x = Value(2.0, label="x")
    >>> y = x * x + x        # x is used twice: its gradients add up
    >>> y.backward(); x.grad
    5.0
    """

    # no __slots__: a computed Value starts with these defaults, as micrograd's does
    _grad = 0.0
    label = ""

    def __init__(self, data: float, _children: tuple = (), _op: str = "",
                 label: str = "") -> None:
        if _children or _op:
            raise TypeError("Value(data, label=...): a Value's history is recorded by the "
                            "engine; build it with operators and methods (a * b, a.tanh())")
        self._value = _number(data, "Value()")
        self._trace = VALUES
        self._level = VALUES.level
        self._prim = self._params = None
        self._arity = self._seq = 0
        self._grad = 0.0
        self.label = label

    # ---- micrograd's attributes
    @property
    def data(self) -> float:
        return self._value

    @data.setter
    def data(self, value: float) -> None:  # p.data -= lr * p.grad: later ops see the new value
        self._value = _number(value, "Value.data")

    @property
    def grad(self) -> float:
        """d(output)/d(self) summed over every backward() since it was last zeroed."""
        return self._grad

    @grad.setter
    def grad(self, value: float) -> None:
        self._grad = _number(value, "Value.grad")

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The Values this one was computed from, in argument order (numbers left out)."""
        return tuple(p for p in self._parents or () if p is not None)

    @property
    def _op(self) -> str:
        return op_symbol(self)

    # ---- ops: each is one engine primitive
    def _apply(self, prim: Primitive, *args: Any) -> Value:
        vals = tuple(a if isinstance(a, Value) else _number(a, prim.name) for a in args)
        return VALUES.process(prim, vals, {})

    def __add__(self, other): return self._apply(add_p, self, other)
    def __radd__(self, other): return self._apply(add_p, other, self)
    def __sub__(self, other): return self._apply(sub_p, self, other)
    def __rsub__(self, other): return self._apply(sub_p, other, self)
    def __mul__(self, other): return self._apply(mul_p, self, other)
    def __rmul__(self, other): return self._apply(mul_p, other, self)
    def __truediv__(self, other): return self._apply(div_p, self, other)
    def __rtruediv__(self, other): return self._apply(div_p, other, self)
    def __pow__(self, other): return self._apply(pow_p, self, other)
    def __rpow__(self, other): return self._apply(pow_p, other, self)
    def __neg__(self): return self._apply(neg_p, self)
    def relu(self) -> Value: return self._apply(relu_p, self)
    def tanh(self) -> Value: return self._apply(tanh_p, self)
    def exp(self) -> Value: return self._apply(exp_p, self)
    def log(self) -> Value: return self._apply(log_p, self)
    def sigmoid(self) -> Value: return self._apply(sigmoid_p, self)

    # ---- the backward walk
    def backward(self) -> None:
        """Add d(self)/d(node) into every node's .grad: this Value, its intermediates and
        its leaves (one engine sweep, newest record first; no recursion)."""
        records = collect([self])
        keep = {n: n._add_grad for n in records}
        for node, g in sweep(records, [(self, 1.0)], keep=keep).items():
            if node._prim is None:
                node._add_grad(g)

    def _add_grad(self, g: float) -> None:
        self._grad += float(g)

    def _backward(self) -> None:
        """One step of the walk, as micrograd's: apply this node's VJP rule to its .grad
        and add the results into its inputs' .grad (a no-op for a leaf)."""
        if self._prim is None:
            return
        gs = self._prim.vjp(self._grad, self._parents, self._value, *self._vals,
                            **(self._params or {}))
        for p, g in zip(self._parents, gs):
            if p is not None and g is not None:  # None: merged into another share (x * x)
                p._add_grad(g)

    # ---- identity, as micrograd's (numbers compare by value: v > 0)
    __eq__, __ne__, __hash__ = object.__eq__, object.__ne__, object.__hash__

    # ---- leaving the graph
    def item(self) -> float: return self._value
    def __float__(self) -> float: return self._value
    def detach(self) -> Value: return _leaf(self._value)

    def __repr__(self) -> str:
        return f"Value(data={self._value}, grad={self._grad})"


VALUES = ValueTrace(0)
ValueTrace.node_type = Value
