"""Linear algebra primitives: matmul (every rank numpy's @ accepts)."""
from __future__ import annotations

import operator

import numpy as np

from ..core import Primitive, Value, bind, ndim_of, shape_of
from .rules import pad_tangent, unbroadcast
from .shape import reshape, transpose

__all__ = ["matmul"]


def _promoted(a, b):
    """matmul operands as >= 2-D (a 1-D a is a row, a 1-D b a column) and the
    shape of their product, so one rule covers every case."""
    a2 = reshape(a, (1,) + shape_of(a)) if ndim_of(a) == 1 else a
    b2 = reshape(b, shape_of(b) + (1,)) if ndim_of(b) == 1 else b
    sa, sb = shape_of(a2), shape_of(b2)
    out = np.broadcast_shapes(sa[:-2], sb[:-2]) + (sa[-2], sb[-1])
    return a2, b2, out


def _swap_last(x):
    n = ndim_of(x)
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _outer(u, v):
    """u[:, None] * v[None, :] for vectors u, v."""
    return reshape(u, shape_of(u) + (1,)) * v


def _matmul_jvp(tangents, ans, a, b):
    ta, tb = tangents
    na, nb = ndim_of(a), ndim_of(b)
    if na > 2 or nb > 2:
        return _batched_matmul_jvp(ta, tb, ans, a, b)
    out = None if ta is None else matmul(ta, b)  # the direction axis rides as a batch axis
    if tb is not None:
        term = matmul(a, tb) if nb == 2 else matmul(tb, _swap_last(a) if na == 2 else a)
        out = term if out is None else out + term
    return out


def _matmul_vjp(g, wanted, ans, a, b):
    na, nb = ndim_of(a), ndim_of(b)
    if na > 2 or nb > 2:
        return _batched_matmul_vjp(g, wanted, a, b)
    ga = gb = None
    if wanted[0] is not None:  # d/da: g b^T, shaped as a
        ga = (g * b if na == 1 and nb == 1 else _outer(g, b) if nb == 1 else
              matmul(b, g) if na == 1 else matmul(g, _swap_last(b)))
    if wanted[1] is not None:  # d/db: a^T g, shaped as b
        gb = (g * a if na == 1 and nb == 1 else matmul(g, a) if nb == 1 else
              _outer(a, g) if na == 1 else matmul(_swap_last(a), g))
    return ga, gb


def _batched_matmul_jvp(ta, tb, ans, a, b):
    a2, b2, out2 = _promoted(a, b)
    k = shape_of(ta if ta is not None else tb)[:1]
    out = None
    if ta is not None:
        out = matmul(pad_tangent(reshape(ta, k + shape_of(a2)), len(out2)), b2)
    if tb is not None:
        term = matmul(a2, pad_tangent(reshape(tb, k + shape_of(b2)), len(out2)))
        out = term if out is None else out + term
    return reshape(out, k + shape_of(ans))


def _batched_matmul_vjp(g, wanted, a, b):
    a2, b2, out2 = _promoted(a, b)
    g2 = reshape(g, out2)
    ga = gb = None
    if wanted[0] is not None:
        ga = reshape(unbroadcast(matmul(g2, _swap_last(b2)), shape_of(a2)), shape_of(a))
    if wanted[1] is not None:
        gb = reshape(unbroadcast(matmul(_swap_last(a2), g2), shape_of(b2)), shape_of(b))
    return ga, gb


matmul_p = Primitive("matmul", operator.matmul).def_rules(jvp=_matmul_jvp, vjp=_matmul_vjp)


def matmul(a: Value, b: Value) -> Value:
    """a @ b, numpy's matmul for every rank."""
    return bind(matmul_p, a, b)
