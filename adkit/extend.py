"""Extending adkit: your own primitives, and stop_gradient.

A primitive you declare is a `Primitive` like the built-in ones, with rules in the same
per-argument convention: it works in both engines, under nesting (write its rules with
adkit.numpy so they can be differentiated again), in counting and in check_grads.

>>> @adkit.primitive
... def softplus(x):
...     return np.logaddexp(0.0, x)           # the value, on plain numbers
>>> _ = softplus.defvjp(lambda g, ans, x: g * anp.sigmoid(x))
>>> _ = softplus.defjvp(lambda t, ans, x: t * anp.sigmoid(x), batched=True)
>>> adkit.grad(softplus)(0.0)
0.5
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .core import Box, Primitive, Value, raw

Rules = Callable | Sequence[Callable | None]


def primitive(fn: Callable | None = None, *, name: str | None = None,
              jvp: Rules | None = None, vjp: Rules | None = None,
              batched: bool = False) -> Primitive | Callable[[Callable], Primitive]:
    """Declare fn (computing a value on plain numbers) as a new primitive.

    As a decorator, then add rules: f.defjvp(rule_x, rule_y), f.defvjp(rule_x, rule_y)
    (Primitive.defjvp and Primitive.defvjp); or in one call with jvp= and vjp=.
    Keyword arguments of fn are parameters (not differentiated).

    >>> logaddexp = adkit.primitive(np.logaddexp,
    ...     jvp=(lambda t, ans, x, y: t * anp.exp(x - ans),
    ...          lambda t, ans, x, y: t * anp.exp(y - ans)),
    ...     vjp=(lambda g, ans, x, y: g * anp.exp(x - ans),
    ...          lambda g, ans, x, y: g * anp.exp(y - ans)), batched=True)
    >>> adkit.grad(logaddexp, argnums=(0, 1))(0.0, 0.0)
    (0.5, 0.5)
    """
    if fn is None:
        return functools.partial(primitive, name=name, jvp=jvp, vjp=vjp, batched=batched)
    prim = Primitive(name or fn.__name__, fn, builtin=False, register=False)
    functools.update_wrapper(prim, fn)
    if jvp is not None:
        prim.defjvp(*_as_tuple(jvp), batched=batched)
    if vjp is not None:
        prim.defvjp(*_as_tuple(vjp))
    return prim


def _as_tuple(rules):
    return tuple(rules) if isinstance(rules, (tuple, list)) else (rules,)


def stop_gradient(x: Value) -> Value:
    """x as a constant: no derivative flows through it, in any mode or level.

    >>> adkit.grad(lambda x: x * adkit.stop_gradient(x))(3.0)
    3.0
    """
    from .tensors import Tensor
    if isinstance(x, Tensor):
        return x.detach()
    return raw(x) if isinstance(x, Box) else x
