"""Recording a tape: the trace that watches f run, and the entries of a tape's code.

While f runs under a tape recording, its TapeTrace records every primitive application
(an Op) and watches values leave differentiation: a comparison, a truth value or an
argmax becomes a Guard, checked again at every replay, and a core.nondiff function of
traced values (a mask, a tie weight) becomes an op, computed again at every replay.
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .core import SCALAR_TYPES, Box, raw, shape_of
from .reverse import ReverseTrace, make_input

__all__ = ["BranchChanged", "Guard", "Op", "TapeTrace", "make_op", "same", "short",
           "symbol_of"]


class BranchChanged(RuntimeError):
    """A replay reached a point where f would take another branch than when recorded."""


class Op(NamedTuple):
    """One recorded primitive application: env[out] = prim(*env[args], **params)."""
    prim: Any
    args: tuple        # env slots of the arguments
    params: dict
    out: int           # env slot of the result
    wanted: tuple      # per argument: its slot where a derivative flows, else None
    value: Callable    # the value on plain arguments, params bound (math for floats)
    vjp: Callable      # the VJP rule, params bound (None: the primitive has none)


class Guard(NamedTuple):
    """A value that left differentiation (a comparison, a truth value, an argmax):
    fn(*env[args]) must come out as `expected` on replay."""
    fn: Callable
    args: tuple        # env slots
    kwargs: dict
    expected: Any
    position: int      # how many ops were recorded before it


SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">=",
            operator.eq: "==", operator.ne: "!="}


class TapeTrace(ReverseTrace):
    """A reverse trace that also watches values leave differentiation (guards)."""

    __slots__ = ("guards",)

    def __init__(self, level):
        super().__init__(level, [])
        self.guards = []

    def watch(self, fn, args, kwargs, out):
        """Called by core.concrete: keep fn's outcome if it depends on this trace."""
        if any(self._node_in(a) is not None for a in (*args, *kwargs.values())):
            self.guards.append((fn, args, kwargs, out, len(self.tape)))

    def record_nondiff(self, prim, args, params):
        """Called by a core.nondiff function: record it as an op when it reads this
        trace's values (a replay then computes it anew), else None."""
        parents = [self._node_in(a) for a in args]
        if all(p is None for p in parents):
            return None
        vals = tuple(raw(a) for a in args)
        node = make_input(prim.impl(*vals, **params), self)
        node._prim = prim
        node._set_record(vals, tuple(parents))
        node._params = params or None
        self.tape.append(node)
        return node

    def _node_in(self, a):
        """The node of this trace inside a (through boxes of other traces), or None."""
        while isinstance(a, Box):
            if a._trace is self:
                return a
            a = a._value
        return None


def symbol_of(fn: Callable) -> str | None:
    """The operator a guard's comparison prints as (x0 > 0), or None."""
    return SYMBOLS.get(fn)


def make_op(rec, args: tuple, out: int, wanted: tuple) -> Op:
    """The Op of one recorded node (its value and VJP with params bound)."""
    prim, params = rec._prim, rec._params or {}
    if prim.scalar_impl is not None and all(type(v) in SCALAR_TYPES for v in rec._vals):
        value = prim.scalar_impl
    else:
        value = functools.partial(prim.impl, **params) if params else prim.impl
    vjp = prim.vjp
    if vjp is not None and params:
        vjp = functools.partial(vjp, **params)
    return Op(prim, args, params, out, wanted, value, vjp)


def meta_of(v: Any) -> tuple:
    """(shape, dtype) of a recorded value: what a compiled program plans buffers by."""
    return shape_of(v), np.result_type(v)


def same(a: Any, b: Any) -> bool:
    """Whether a guard came out as recorded (arrays elementwise, nan equal to nan)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True)
                                                  if np.asarray(a).dtype.kind in "fc"
                                                  else np.array_equal(a, b))
    return a == b or (a != a and b != b)



def short(v: Any) -> str:
    """A value as a guard message prints it (numpy scalars plainly, big arrays by shape)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, np.ndarray) and v.size > 4:
        return f"array of shape {v.shape}"
    return repr(v.tolist() if isinstance(v, np.ndarray) else v)
