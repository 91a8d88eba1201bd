"""Reverse a chain of steps by a revolve schedule: the gradient of loss(x_l), where
x_{k+1} = step(x_k), keeping at most `snapshots` states instead of all l."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..reverse import vjp
from ..tree import tree_map
from .schedule import revolve


def chain_value_and_grad(step: Callable, x0: Any, steps: int, snapshots: int,
                         loss: Callable, params: Any = None) -> tuple[Any, Any]:
    """(loss(x_l), its gradient) for x_{k+1} = step(x_k) (or step(x_k, params)), by
    Griewank's revolve schedule: at most `snapshots` states stored (x_0 included), each
    step recorded once, optimal_forward_steps(l, s) extra evaluations of step.

    The gradient is d loss / d x0, or (d/d x0, d/d params) when params are given.
    States and params may be trees of arrays; step must not write into its input.

    >>> value, g = adkit.checkpointing.chain_value_and_grad(anp.sin, 1.0, 3, 2, lambda x: x)
    >>> g == adkit.grad(lambda x: anp.sin(anp.sin(anp.sin(x))))(1.0)
    True
    """
    primals = (lambda x: (x,)) if params is None else (lambda x: (x, params))
    slots = [None] * snapshots
    x = x0
    value = g_x = g_params = None
    for a in revolve(steps, snapshots):
        if a.kind == "advance":
            for _ in range(a.step, a.to):
                x = step(*primals(x))
        elif a.kind == "takeshot":
            slots[a.slot] = x
        elif a.kind == "restore":
            x = slots[a.slot]
        else:  # a turn: record step at x and sweep back over it (the first: the loss too)
            if a.kind == "firsturn":
                value, f_vjp = vjp(lambda *p: loss(step(*p)), *primals(x))
                grads = f_vjp(1.0)
            else:
                grads = vjp(step, *primals(x))[1](g_x)
            g_x = grads[0]
            if params is not None:
                g_params = grads[1] if g_params is None else tree_map(
                    lambda u, v: u + v, g_params, grads[1])
    return value, (g_x if params is None else (g_x, g_params))
