"""The two modes run over a Program by the engines themselves, watched step by step.

`tangents` pushes one direction through the program's records with the forward engine
(`adkit.jvp`: each record's JVP rule); `adjoints` runs the reverse engine's own `sweep`
over the records, watching which adjoint each record receives, and applies each record's
VJP rule (the one the sweep applies) to split it into its contributions per input, and to
a unit cotangent for the partial derivatives ∂v_i/∂v_j.

>>> from adkit.explain import program
>>> prog = program.of(lambda x1, x2: x1 * x2, 2.0, 5.0)
>>> tangents(prog, wrt=0)
[1.0, 0.0, 5.0]
>>> [s.text for s in adjoints(prog).steps]
['v̄1 = ȳ = 1', 'v̄-1 = v̄1 ∂v1/∂v-1 = 1 × 5 = 5', 'v̄0 = v̄1 ∂v1/∂v0 = 1 × 2 = 2']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..boundary import zeros_like_float
from ..core import FLOAT64, float_dtype, shape_of
from ..forward import Dual, jvp
from ..sweep import sweep
from ..tensors import no_grad
from .fmt import bar, num
from .program import Program, Var


def ones_like(x: Any) -> Any:
    """1.0 for a float, else an array of ones of x's shape and float dtype."""
    if shape_of(x) == () and float_dtype(x) == FLOAT64:
        return 1.0
    return np.ones(shape_of(x), float_dtype(x))


def tangents(prog: Program, wrt: int = 0, seed: Any = None) -> list[Any]:
    """Every variable's tangent, one forward pass with the inputs' tangents seeded:
    `seed` (default ones) on input number `wrt`, zeros on the others."""
    inputs = prog.inputs
    xs = tuple(v.value for v in inputs)
    seeds = tuple((ones_like(x) if seed is None else seed) if i == wrt
                  else zeros_like_float(x) for i, x in enumerate(xs))
    made = {}

    def replay(*boxed):  # the recorded primitives, in order, on the forward engine's Duals
        env = dict(zip(inputs, boxed))
        for v in prog.records:
            args = [env[a] if isinstance(a, Var) else a for a in v.args]
            env[v] = made[v] = v.node._prim(*args, **(v.node._params or {}))
        return env[prog.output]

    jvp(replay, xs, seeds)
    out = []
    for v in prog.vars:
        if v.is_input:
            out.append(seeds[v.index])
        else:
            d = made[v]
            out.append(d.tangent if isinstance(d, Dual) else zeros_like_float(v.value))
    return out


@dataclass
class Step:
    """One term of the sweep: target's adjoint += source's adjoint · ∂source/∂target."""

    target: Var | None   # None for the seed (the output's adjoint)
    source: Var
    adjoint: Any         # the source's adjoint, as the sweep handed it to its VJP rule
    partial: Any         # ∂source/∂target from the VJP rule on a unit cotangent (scalars)
    contribution: Any    # what the VJP rule gave the target
    value: Any           # the target's adjoint after this step
    before: Any = None   # ... and before it (None: the first contribution, an assignment)

    @property
    def text(self) -> str:
        """The step as Baydin et al.'s Table 3 writes it."""
        if self.target is None:
            y = self.source.label if self.source.label != self.source.name else "y"
            return f"{bar(self.source.name)} = {bar(y)} = {num(self.value)}"
        t, s = self.target.name, self.source.name
        term = f"{bar(s)} ∂{s}/∂{t}"
        if self.partial is not None:
            numbers = f"{_factor(self.adjoint)} × {_factor(self.partial)}"
        else:
            numbers = num(self.contribution)
        if self.before is None:
            return f"{bar(t)} = {term} = {numbers} = {num(self.value)}"
        return (f"{bar(t)} = {bar(t)} + {term} = {num(self.before)} + {numbers} = "
                f"{num(self.value)}")


def _factor(x: Any) -> str:
    text = num(x)
    return f"({text})" if text.startswith("-") else text


@dataclass
class Adjoints:
    """A watched reverse sweep: each variable's final adjoint and the steps in order."""

    values: list[Any]  # per variable (zeros where the output does not depend on it)
    steps: list[Step]


def _vjp(node, g):
    # one marker per argument (not the parents themselves), so an x * x record gives each
    # of its two edges its own share, as the table shows them, instead of one merged
    wanted = tuple(None if p is None else i for i, p in enumerate(node._parents))
    return node._prim.vjp(g, wanted, node._value, *node._vals, **(node._params or {}))


def adjoints(prog: Program, seed: Any = None) -> Adjoints:
    """One reverse sweep of the engine from the output (seed: default ones)."""
    out = prog.output
    seed = ones_like(out.value) if seed is None else seed
    by_node = {v.node: v for v in prog.vars}
    seen = []  # (record, adjoint) in the order the sweep processes them
    keep = {v.node: (lambda g, v=v: seen.append((v, g))) for v in prog.records}
    with no_grad():
        leaves = sweep(prog.newest_first(), [(out.node, seed)], keep=keep)
        final = {by_node[n]: g for n, g in leaves.items()}
        steps = [Step(None, out, seed, None, seed, seed)]
        running = {out: seed}
        for v, g in seen:
            final[v] = g
            scalar = np.size(v.value) == 1
            unit = _vjp(v.node, ones_like(v.value)) if scalar else None
            for i, (a, c) in enumerate(zip(v.args, _vjp(v.node, g))):
                if not isinstance(a, Var):
                    continue
                before = running.get(a)
                running[a] = c if before is None else before + c
                steps.append(Step(a, v, g, unit[i] if scalar else None, c, running[a], before))
    values = [final.get(v, zeros_like_float(v.value)) for v in prog.vars]
    return Adjoints(values, steps)
