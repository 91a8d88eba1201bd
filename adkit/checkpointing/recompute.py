"""checkpoint(fn): a block whose intermediates are not kept but recomputed in the sweep.

Each checkpointed fn is one primitive. Its value runs fn on plain numbers, so a tape
holds only the block's inputs and outputs; its VJP rule runs fn again under adkit.vjp
from the saved inputs and pulls the cotangent back through that fresh recording; its
JVP rule is adkit's own forward mode of fn (forward mode keeps nothing anyway). Both
rules are adkit transforms, so the block nests in grad, jacfwd, hessian and
Tensor.backward(create_graph=True) like any primitive.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import tree as _tree
from ..core import Box, Primitive, Value, float_dtype, raw, shape_of
from ..forward import jvp_batch
from ..reverse import vjp


class Outputs(tuple):
    """The leaves of a block's output when it has several (one primitive, one value);
    `spec` rebuilds fn's output tree. Cotangents add leafwise, None being zero."""

    def __new__(cls, leaves: list[Value], spec: _tree.Spec) -> Outputs:
        out = super().__new__(cls, leaves)
        out.spec = spec
        return out

    def __add__(self, other: Outputs) -> Outputs:
        return Outputs([b if a is None else a if b is None else a + b
                        for a, b in zip(self, other)], self.spec)


def _pick(parts: Outputs, index: int) -> Value:
    return parts[index]


def _pick_vjp(g, wanted, ans, parts, index):
    leaves = [None] * len(raw(parts))
    leaves[index] = g
    return (Outputs(leaves, raw(parts).spec),)


# One output leaf of a block with several: its rules route that leaf's tangent and
# cotangent, so the sweep meets one record per leaf and one for the block.
pick_p = Primitive("checkpoint_output", _pick, register=False)
pick_p.def_rules(jvp=lambda ts, ans, parts, index: ts[0][index], vjp=_pick_vjp)


def _argument(x: Any) -> bool:
    """Traced values and float arrays are the primitive's arguments (so a tape counts a
    constant array as it counts any op's); anything else (floats, ints, strings, None,
    int arrays) is a constant of every level, passed to fn as it is."""
    return isinstance(x, Box) or (isinstance(x, np.ndarray) and x.dtype.kind == "f")


class Layout:
    """Where fn's arguments go: the (args, kwargs) tree, and its static leaves by place."""

    __slots__ = ("spec", "static")

    def __init__(self, spec: _tree.Spec, static: dict[int, Any]) -> None:
        self.spec = spec
        self.static = static

    def call(self, fn: Callable, dynamic: tuple[Value, ...]) -> Any:
        """fn(*args, **kwargs) with the primitive's arguments put back in their places."""
        it = iter(dynamic)
        n = len(dynamic) + len(self.static)
        leaves = [self.static[i] if i in self.static else next(it) for i in range(n)]
        args, kwargs = _tree.unflatten(self.spec, leaves)
        return fn(*args, **kwargs)


def _pack(out: Any) -> Value:
    leaves, spec = _tree.flatten(out)
    return leaves[0] if spec is _tree.LEAF else Outputs(leaves, spec)


def _replace(args, positions, values):
    full = list(args)
    for i, v in zip(positions, values):
        full[i] = v
    return full


def _rules(fn: Callable) -> tuple[Callable, Callable]:
    """The block's (jvp, vjp): fn pushed forward, or fn recorded again and swept back,
    differentiating only the arguments that carry a tangent or want a cotangent."""
    def jvp(tangents, ans, *args, layout):
        live = [i for i, t in enumerate(tangents) if t is not None]
        _, t = jvp_batch(lambda *xs: layout.call(fn, _replace(args, live, xs)),
                         tuple(args[i] for i in live), tuple(tangents[i] for i in live))
        return _pack(t)

    def vjp_rule(g, wanted, ans, *args, layout):
        live = [i for i, w in enumerate(wanted) if w is not None]
        _, f_vjp = vjp(lambda *xs: layout.call(fn, _replace(args, live, xs)),
                       *[args[i] for i in live])
        if isinstance(raw(ans), Outputs):  # leaves no cotangent reached are zeros
            values = raw(ans)
            g = _tree.unflatten(values.spec, [
                np.zeros(shape_of(v), float_dtype(v)) if gi is None else gi
                for gi, v in zip(g, values)])
        grads = iter(f_vjp(g))
        return tuple(next(grads) if w is not None else None for w in wanted)

    return jvp, vjp_rule


def _level(x: Value) -> int:
    """The highest level among the boxes wrapped in x (-1 for a plain value)."""
    level = -1
    while isinstance(x, Box):
        level = max(level, x._level)
        x = x._value
    return level


def checkpoint(fn: Callable) -> Callable:
    """fn as a block whose intermediates are not kept: reverse mode records only its
    inputs and outputs, and runs fn again from the inputs during the sweep.

    Gradients equal the plain ones; adkit.count() shows the second recording. Arguments
    and outputs may be trees of arrays and floats; keyword arguments are differentiated
    like positional ones, and leaves such as ints and strings are passed as they are.

    >>> block = adkit.checkpoint(lambda x: anp.sin(anp.sin(x)))
    >>> adkit.grad(lambda x: anp.sum(block(x)))(0.0)
    1.0
    """
    name = "checkpoint_" + re.sub(r"\W", "", getattr(fn, "__name__", "block"))
    prim = Primitive(name, lambda *args, layout: _pack(layout.call(fn, args)), register=False)
    prim.def_rules(*_rules(fn))

    @functools.wraps(fn)
    def checkpointed(*args: Any, **kwargs: Any) -> Any:
        leaves, spec = _tree.flatten((args, kwargs))
        static = {i: x for i, x in enumerate(leaves) if not _argument(x)}
        dynamic = [x for x in leaves if _argument(x)]
        out = prim(*dynamic, layout=Layout(spec, static))
        values = raw(out)
        if isinstance(values, Outputs):
            outs = [pick_p(out, index=i) for i in range(len(values))]
            out = _tree.unflatten(values.spec, outs)
        else:
            outs = [out]
        top = max((_level(x) for x in dynamic), default=-1)
        if top >= 0 and any(_level(y) > top for y in outs):
            raise ValueError(
                f"checkpoint({getattr(fn, '__name__', 'fn')}): the block uses a value "
                "traced by a transform inside the one differentiating its arguments (a "
                "variable it closes over); its derivative would be lost: pass that value "
                "to the block as an argument")
        return out

    return checkpointed
