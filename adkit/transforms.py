"""Transforms that choose or combine the two modes: jacobian(mode=...), recommend_mode,
hessian (any nesting of the two modes) and hvp."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .boundary import check_argnums, inputs_of, outputs_of
from .core import Value, shape_of
from .forward import default_chunk, jacfwd, jacobian_forward, jvp
from .forward import grad as forward_grad
from .reverse import grad, jacobian_reverse, jacrev

MODES = ("auto", "forward", "reverse")


def _sizes(f, args, kwargs, argnums):
    leaves, _, _ = inputs_of(args, argnums, "recommend_mode")
    n = sum(int(np.prod(shape_of(x))) for x in leaves)
    out_leaves, _ = outputs_of(f(*args, **kwargs), "recommend_mode")
    m = sum(int(np.prod(shape_of(y))) for y in out_leaves)
    return n, m


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('s') else 's'}"


def _choose(n, m, chunk=None):
    k = default_chunk(n) if chunk is None else chunk
    chunked = math.ceil(n / k) if n else 0
    mode = "forward" if n <= m else "reverse"
    reason = (f"n={n} input{'s' * (n != 1)}, m={m} output{'s' * (m != 1)}: "
              f"{_plural(m, 'reverse sweep')} vs {_plural(n, 'forward pass')}")
    if k > 1 and chunked < n:
        reason += f" ({_plural(chunked, 'chunked pass')} of {k} directions)"
    return mode, reason


def recommend_mode(f: Callable, *args: Any, argnums: int | tuple[int, ...] = 0,
                   chunk: int | None = None, **kwargs: Any) -> tuple[str, str]:
    """Which mode makes fewer passes for the full Jacobian of f at args, and why.

    Evaluates f once to learn its number of outputs m; forward mode needs n passes
    (one per input direction), reverse mode 1 recording + m sweeps.

    >>> adkit.recommend_mode(lambda x: (x ** 2).sum(), np.ones(1000))
    ('reverse', 'n=1000 inputs, m=1 output: 1 reverse sweep vs 1000 forward passes ...')
    """
    check_argnums(argnums)
    n, m = _sizes(f, args, kwargs, argnums)
    return _choose(n, m, chunk)


def jacobian(f: Callable, mode: str = "auto", argnums: int | tuple[int, ...] = 0,
             chunk: int | None = None) -> Callable:
    """The Jacobian (shape out.shape + in.shape) by the mode you pick, or by the one
    with fewer passes (mode="auto": forward when n <= m, else reverse).

    >>> adkit.jacobian(lambda x: x ** 2, mode="reverse")(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if mode not in MODES:
        raise ValueError(f"jacobian: mode={mode!r}; choose one of {MODES}")
    check_argnums(argnums)

    def jac_fn(*args, **kwargs):
        chosen = mode
        if mode == "auto":
            chosen = _choose(*_sizes(f, args, kwargs, argnums))[0]
        if chosen == "forward":
            return jacobian_forward(f, args, kwargs, argnums, chunk)[1]
        return jacobian_reverse(f, args, kwargs, argnums)[1]

    return jac_fn


HESSIAN_MODES = {
    # outer-over-inner: the inner mode makes the gradient, the outer one differentiates it
    "forward-over-reverse": lambda f, argnums, chunk: jacfwd(grad(f, argnums), argnums, chunk),
    "forward-over-forward": lambda f, argnums, chunk: jacfwd(
        forward_grad(f, argnums, chunk), argnums, chunk),
    "reverse-over-reverse": lambda f, argnums, chunk: jacrev(grad(f, argnums), argnums),
    "reverse-over-forward": lambda f, argnums, chunk: jacrev(
        forward_grad(f, argnums, chunk), argnums),
}


def hessian(f: Callable, argnums: int | tuple[int, ...] = 0,
            mode: str = "forward-over-reverse", chunk: int | None = None) -> Callable:
    """The Hessian of a scalar f (shape in.shape + in.shape), by two nested modes.

    The default, forward over reverse, takes ceil(n / chunk) forward passes through one
    reverse-mode gradient each; mode= picks any of HESSIAN_MODES for comparison.

    >>> adkit.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    if mode not in HESSIAN_MODES:
        raise ValueError(f"hessian: mode={mode!r}; choose one of {tuple(HESSIAN_MODES)}")
    check_argnums(argnums)
    return HESSIAN_MODES[mode](f, argnums, chunk)


def hvp(f: Callable, x: ArrayLike, v: ArrayLike, *args: Any, **kwargs: Any) -> Value:
    """The Hessian-vector product H(x) @ v without forming H: one forward pass (direction
    v) through one reverse-mode gradient, whatever n is. Extra args go to f.

    >>> adkit.hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    return jvp(lambda x: grad(f)(x, *args, **kwargs), (x,), (v,))[1]
