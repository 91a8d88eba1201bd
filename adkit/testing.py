"""Checking derivatives: `check_grads` tests a function's derivatives in both modes.

>>> from adkit.testing import check_grads
>>> check_grads(lambda x: np.sin(x) * x, np.array([0.3, 1.2]), order=2)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from . import tree as _tree
from .core import Box
from .forward import jacobian_forward, jvp
from .reverse import jacobian_reverse, vjp

MODES = ("fwd", "rev")


def _vdot(a_leaves, b_leaves):
    return float(sum(np.sum(np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64))
                     for a, b in zip(a_leaves, b_leaves)))


def _random_like(leaves, rng):
    return [rng.standard_normal(np.shape(x)) if np.shape(x) else float(rng.standard_normal())
            for x in leaves]


def _assert_close(what, got, want, rtol, atol):
    got_l, _ = _tree.flatten(got)
    want_l, _ = _tree.flatten(want)
    for g, w in zip(got_l, want_l):
        g, w = np.asarray(g, dtype=np.float64), np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            raise AssertionError(f"{what}: shape {g.shape} != expected {w.shape}")
        err = np.abs(g - w)
        bound = atol + rtol * np.abs(w)
        if not np.all(err <= bound):
            i = np.unravel_index(np.argmax(err - bound), err.shape) if err.shape else ()
            raise AssertionError(
                f"{what}: mismatch, max abs error {np.max(err):.3g} (at index {i}: got "
                f"{g[i]!r}, expected {w[i]!r}; rtol={rtol}, atol={atol})")


def _shift(leaves, dirs, eps):
    return [x + eps * d for x, d in zip(leaves, dirs)]


def check_grads(f: Callable, *args: Any, modes: Iterable[str] = MODES, order: int = 1,
                eps: float = 1e-5, rtol: float = 1e-5, atol: float = 1e-7,
                seed: int = 0) -> None:
    """Check f's derivatives at args (all positional args are differentiated).

    - fwd: the JVP in a random direction v against central differences;
    - rev: the VJP by the inner-product test <u, J v> == <J^T u, v>;
    - both: the full Jacobians of forward and reverse mode agree (for small problems);
    - order=k checks the derivatives of the jvp/vjp functions themselves, to order k.
    Raises AssertionError naming the failed check. Use float64 inputs.
    """
    modes = tuple(modes)
    for m in modes:
        if m not in MODES:
            raise ValueError(f"check_grads: unknown mode {m!r}; use a subset of {MODES}")
    rng = np.random.default_rng(seed)
    leaves, spec = _tree.flatten(tuple(args))
    leaves = [np.asarray(x, dtype=np.float64) if not isinstance(x, (float, Box)) else x
              for x in leaves]
    call = lambda ls: f(*_tree.unflatten(spec, ls))  # noqa: E731
    v = _random_like(leaves, rng)
    y = call(leaves)
    y_leaves, y_spec = _tree.flatten(y)

    fd = _tree.tree_map(lambda a, b: (np.asarray(a) - np.asarray(b)) / (2 * eps),
                        call(_shift(leaves, v, eps)), call(_shift(leaves, v, -eps)))
    jv = fd
    if "fwd" in modes:
        y_fwd, jv = jvp(f, tuple(_tree.unflatten(spec, leaves)), tuple(_tree.unflatten(spec, v)))
        _assert_close("forward value", y_fwd, y, 1e-12, 1e-12)
        scale = max(1.0, float(max((np.max(np.abs(a)) for a in _tree.flatten(fd)[0]),
                                   default=0.0)))
        _assert_close("JVP vs central differences", jv, fd, rtol, atol * scale)
    if "rev" in modes:
        u = _tree.unflatten(y_spec, _random_like(y_leaves, rng))
        y_rev, f_vjp = vjp(f, *_tree.unflatten(spec, leaves))
        _assert_close("reverse value", y_rev, y, 1e-12, 1e-12)
        ct = f_vjp(u)
        lhs = _vdot(_tree.flatten(u)[0], _tree.flatten(jv)[0])
        rhs = _vdot(_tree.flatten(ct)[0], v)
        tol_rtol = 1e-9 if "fwd" in modes else rtol
        _assert_close("VJP inner-product test <u, Jv> = <J^T u, v>", rhs, lhs, tol_rtol,
                      atol * max(1.0, abs(lhs)))
    if set(modes) == set(MODES) and sum(np.size(x) for x in leaves) * \
            sum(np.size(t) for t in y_leaves) <= 20000:
        argnums = tuple(range(len(args)))
        jf = jacobian_forward(f, args, {}, argnums, None)[1]
        jr = jacobian_reverse(f, args, {}, argnums)[1]
        _assert_close("forward-mode Jacobian == reverse-mode Jacobian", jf, jr, 1e-9, 1e-12)
    if order > 1:
        if "fwd" in modes:
            v_tree = tuple(_tree.unflatten(spec, v))
            check_grads(lambda *xs: jvp(f, xs, v_tree)[1], *args, modes=modes,
                        order=order - 1, eps=eps, rtol=rtol, atol=atol, seed=seed + 1)
        if "rev" in modes:
            u = _tree.unflatten(y_spec, _random_like(y_leaves, rng))
            check_grads(lambda *xs: vjp(f, *xs)[1](u), *args, modes=modes,
                        order=order - 1, eps=eps, rtol=rtol, atol=atol, seed=seed + 2)
