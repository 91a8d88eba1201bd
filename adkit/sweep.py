"""The reverse sweep: a graph's records walked newest first, each VJP rule applied once.

Sequence numbers follow execution order, so records sorted newest-first are a
topological order: `sweep` walks them with no recursion (a 10**6-op chain works) and
keeps adjoints in a local dict. A transform's trace lists its records as f runs
(adkit.reverse); for graphs that no transform owns (the Tensor API, adkit.Value),
`collect` finds the same records from the outputs.
"""
from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import counting
from .core import Primitive, Value, missing_rule
from .ops.rules import uniform

if TYPE_CHECKING:
    from .reverse import Node

_counters = counting._active
_by_sequence = operator.attrgetter("_seq")
DROP_SIZE = 1 << 13  # elements: grad frees results this big as soon as they are unread


def freed_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"Trying to backward through the graph a second time: the values saved by "
        f"{backward_name(node._prim)} were freed by the first backward(). Pass "
        "retain_graph=True to the first backward() to sweep the graph again, or "
        "rebuild the graph (recompute the output) before calling backward() again")


def backward_name(prim: Primitive) -> str:
    """The record's name as PyTorch spells it: mul -> 'MulBackward0'."""
    return "".join(part.capitalize() for part in prim.name.split("_")) + "Backward0"


def collect(outputs: Iterable[Node]) -> list[Node]:
    """The records reachable from `outputs`, newest first (a reverse topological
    order), found by an iterative walk over parent links.

    >>> x = adkit.Tensor(2.0, requires_grad=True)
    >>> [r.primitive.name for r in collect([anp.sin(x * x)])]
    ['sin', 'mul']
    """
    seen = set()
    nodes = []
    stack = list(outputs)
    pop, push, see, keep = stack.pop, stack.append, seen.add, nodes.append  # a hot loop
    while stack:
        node = pop()
        if node in seen:
            continue
        see(node)
        arity = node._arity
        if arity == 0:  # an input, or a record whose sweep freed it
            if node._prim is None:
                continue
            raise freed_error(node)
        keep(node)
        if arity > 0:  # one or two parents, unrolled
            p = node._p0
            if p is not None and p not in seen:
                push(p)
            if arity == 2:
                p = node._p1
                if p is not None and p not in seen:
                    push(p)
        else:
            for p in node._p0:
                if p is not None and p not in seen:
                    push(p)
    nodes.sort(key=_by_sequence, reverse=True)
    return nodes


def sweep(nodes: Iterable[Node], seeds: Iterable[tuple[Node, Value]], boxed: bool = False,
          free: bool = False, drop: bool = False, early: bool = False,
          keep: dict[Node, Callable[[Value], Any]] | None = None) -> dict[Node, Value]:
    """One reverse pass over `nodes` (newest first) from (output, cotangent) seeds.

    Records the seeds do not reach have no adjoint and are skipped. Returns the
    adjoints left at the leaves. boxed=True runs the VJP rules on the nodes themselves,
    so the sweep is recorded too (create_graph); free=True drops each record's saved
    values once used, drop=True its own value too (a one-shot sweep: grad; the peak
    then holds only what is still needed), early=True a value of DROP_SIZE elements or
    more before its rule runs when the rule does not read it (`vjp_reads_ans`);
    keep(node, g) is called with the adjoint of each node in `keep`.
    """
    if _counters:
        counting.add_reverse_pass()
    adj = {}
    for node, g in seeds:
        q = adj.get(node)
        adj[node] = g if q is None else q + g
    pop, get = adj.pop, adj.get
    counted = counting.counted if _counters else None
    extras = bool(counted or keep or early)  # one test per record when none is asked for
    for node in nodes:
        g = pop(node, None)
        if g is None:
            continue
        arity = node._arity
        vjp = node._prim.vjp
        if arity == 0 or vjp is None:
            raise freed_error(node) if arity == 0 else missing_rule(node._prim, "vjp")
        if extras:
            vjp = _extras(node, g, vjp, counted, keep, early)
        params = node._params
        if arity == 2 and not boxed:  # one and two arguments unrolled: the hot paths
            p0, p1 = node._p0, node._p1
            if params is None:
                gs = vjp(g, (p0, p1), node._value, node._v0, node._v1)
            else:
                gs = vjp(g, (p0, p1), node._value, node._v0, node._v1, **params)
            try:
                g0, g1 = gs
            except (TypeError, ValueError):
                raise _misshapen(node, gs) from None
            if p0 is not None and g0 is not None:
                q = get(p0)
                adj[p0] = g0 if q is None else q + g0
            if p1 is not None and g1 is not None:
                q = get(p1)
                adj[p1] = g1 if q is None else q + g1
        elif arity == 1 and not boxed:
            p0 = node._p0
            if params is None:
                gs = vjp(g, (p0,), node._value, node._v0)
            else:
                gs = vjp(g, (p0,), node._value, node._v0, **params)
            try:
                (g0,) = gs
            except (TypeError, ValueError):
                raise _misshapen(node, gs) from None
            if p0 is not None and g0 is not None:
                q = get(p0)
                adj[p0] = g0 if q is None else q + g0
        else:
            parents, vals = node._parents, node._vals
            if boxed:
                args = tuple(v if p is None else p for p, v in zip(parents, vals))
                gs = vjp(g, parents, node, *args, **(params or {}))
            else:
                gs = vjp(g, parents, node._value, *vals, **(params or {}))
            if not isinstance(gs, (tuple, list)) or len(gs) != len(parents):
                raise _misshapen(node, gs)
            for p, gp in zip(parents, gs):
                if p is not None and gp is not None:
                    q = get(p)
                    adj[p] = gp if q is None else q + gp
        if free:
            node._arity = 0
            node._v0 = node._v1 = node._p0 = node._p1 = None
            if drop:
                node._value = None
    return adj


def _misshapen(node, gs):
    n = len(node._parents)
    got = (f"{len(gs)} cotangents" if isinstance(gs, (tuple, list)) else
           f"a {type(gs).__name__}")
    return TypeError(f"the VJP rule of {node._prim.name!r} returned {got} for {n} "
                     f"argument(s); it must return a tuple of {n}, one per argument "
                     "(None where an argument needs none)")


def _extras(node, g, vjp, counted, keep, early):
    """sweep's work per record beyond the rule: counting and timing it, the keep hook,
    and freeing a big value its rule does not read (the rule then gets a stand-in of its
    shape and dtype; the readers of the value are all swept by now). Returns the rule."""
    if counted:
        vjp = counted("vjp", node._prim.name, vjp)
    if keep and node in keep:
        keep[node](g)
    if early:
        value = node._value
        if type(value) is np.ndarray and value.size >= DROP_SIZE and \
                not node._prim.vjp_reads_ans:
            node._value = uniform(np.zeros((), value.dtype), value.shape)
    return vjp
