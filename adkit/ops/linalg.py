"""Linear algebra primitives: matmul (every rank numpy's @ accepts), einsum, inv, solve,
det, logabsdet and vector p-norms. The factorizations are in decompositions.py."""
from __future__ import annotations

import string

import numpy as np

from ..core import Primitive, Value, _counters, bind, float_dtype, ndim_of, raw, shape_of
from . import reductions
from .elementwise import absolute, div, neg, power, where
from .reductions import sum_transpose
from .rules import (
    batched_axis,
    broadcast_tangent,
    function,
    keepdims_shape,
    pad_tangent,
    unbroadcast,
)
from .shape import reshape, transpose

__all__ = ["det", "einsum", "inv", "logabsdet", "matmul", "matrix_transpose", "solve",
           "vector_norm"]


def _promoted(a, b):
    """matmul operands as >= 2-D (a 1-D a is a row, a 1-D b a column) and the
    shape of their product, so one rule covers every case."""
    a2 = reshape(a, (1,) + shape_of(a)) if ndim_of(a) == 1 else a
    b2 = reshape(b, shape_of(b) + (1,)) if ndim_of(b) == 1 else b
    sa, sb = shape_of(a2), shape_of(b2)
    out = np.broadcast_shapes(sa[:-2], sb[:-2]) + (sa[-2], sb[-1])
    return a2, b2, out


def matrix_transpose(x: Value) -> Value:
    """x with its last two axes swapped (each matrix of a stack transposed).

    >>> matrix_transpose(np.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    n = ndim_of(x)
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


_mT = matrix_transpose


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
        term = matmul(a, tb) if nb == 2 else matmul(tb, _mT(a) if na == 2 else a)
        out = term if out is None else out + term
    return out


def _matmul_vjp(g, wanted, ans, a, b):
    na, nb = ndim_of(a), ndim_of(b)
    if na > 2 or nb > 2:
        return _batched_matmul_vjp(g, wanted, a, b)
    # plain arrays, nothing counted: the same numpy calls the bound ops make, sooner
    plain = type(g) is type(a) is type(b) is np.ndarray and not _counters
    mm, mT, outer = _PLAIN_OPS if plain else _BOUND_OPS
    ga = gb = None
    if wanted[0] is not None:  # d/da: g b^T, shaped as a
        ga = (g * b if na == 1 and nb == 1 else outer(g, b) if nb == 1 else
              mm(b, g) if na == 1 else mm(g, mT(b)))
    if wanted[1] is not None:  # d/db: a^T g, shaped as b
        gb = (g * a if na == 1 and nb == 1 else mm(g, a) if nb == 1 else
              outer(a, g) if na == 1 else mm(mT(a), g))
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
        ga = reshape(unbroadcast(matmul(g2, _mT(b2)), shape_of(a2)), shape_of(a))
    if wanted[1] is not None:
        gb = reshape(unbroadcast(matmul(_mT(a2), g2), shape_of(b2)), shape_of(b))
    return ga, gb


_F64 = np.dtype(np.float64)
_DOT_SIZE = 4096  # elements: operands up to this size take np.dot (see _matmul_impl)


def _matmul_impl(a, b):
    """a @ b. Small float64 matrices and vectors go to np.dot, the same BLAS product
    without the matmul ufunc's dispatch (0.3-0.4 us of a 1-2 us product: a small MLP
    makes eight); big ones stay with matmul, which is up to 15% faster on a transposed
    operand (a weight's gradient, a.T @ g, at 64 x 1024 x 1024)."""
    if type(a) is np.ndarray is type(b) and a.dtype is _F64 is b.dtype \
            and 0 < a.ndim < 3 and 0 < b.ndim < 3 and a.size <= _DOT_SIZE >= b.size:
        try:
            return np.dot(a, b)
        except ValueError:  # mismatched shapes: numpy's matmul error, worded for matmul
            pass
    return a @ b


matmul_p = Primitive("matmul", _matmul_impl).def_rules(jvp=_matmul_jvp, vjp=_matmul_vjp)


matmul = function(matmul_p, "matmul", "a @ b, numpy's matmul for every rank.")


# (matmul, matrix transpose, outer product) as bound ops, and as the numpy calls they make
_BOUND_OPS = (matmul, _mT, _outer)
_PLAIN_OPS = (_matmul_impl, lambda x: x.T, lambda u, v: u[:, None] * v)


# ------------------------------------------------------------------ einsum ----
# subscripts are explicit and canonical here ('ij,jk->ik': letters only, no '...', no
# size-1 broadcasting, an output of distinct labels); adkit.numpy.einsum spells numpy's
# forms out. The JVP puts each tangent in its operand's place with the direction axis as
# one more label; the VJP contracts g with the other operands into operand i's labels.

def _einsum_impl(*operands, subscripts):
    big = len(operands) > 2 or any(np.size(x) > 4096 for x in operands)
    return np.einsum(subscripts, *operands, optimize=big)  # big ones: BLAS, best order


def _fresh(subscripts, n):
    """n labels that subscripts does not use."""
    free = [c for c in string.ascii_letters if c not in subscripts]
    if len(free) < n:
        raise ValueError(f"einsum: {subscripts!r} leaves {len(free)} of the 52 labels "
                         f"free but its derivative needs {n}; use fewer distinct labels")
    return free[:n]


def _einsum_jvp(tangents, ans, *xs, subscripts):
    ins, out = subscripts.split("->")
    ins = ins.split(",")
    (d,) = _fresh(subscripts, 1)
    total = None
    for i, t in enumerate(tangents):
        if t is not None:
            spec = ",".join(d + s if j == i else s for j, s in enumerate(ins)) + "->" + d + out
            term = einsum(*xs[:i], t, *xs[i + 1:], subscripts=spec)
            total = term if total is None else total + term
    return total


def _einsum_vjp(g, wanted, ans, *xs, subscripts):
    ins, out = subscripts.split("->")
    ins = ins.split(",")
    sizes = {c: n for s, x in zip(ins, xs) for c, n in zip(s, shape_of(x))}
    return tuple(None if w is None else _einsum_transpose(g, i, ins, out, xs, sizes)
                 for i, w in enumerate(wanted))


def _einsum_transpose(g, i, ins, out, xs, sizes):
    """Operand i's cotangent: g and the other operands contracted into ins[i]. A label
    only ins[i] has (summed out) comes from a ones vector; a repeated one (a diagonal)
    from an identity matrix pairing it with a fresh label."""
    specs = [out] + [s for j, s in enumerate(ins) if j != i]
    operands = [g] + [x for j, x in enumerate(xs) if j != i]
    have, target = set("".join(specs)), ""
    fresh = iter(_fresh(",".join(ins) + out, len(ins[i])))
    dtype = float_dtype(g)
    for c in ins[i]:
        if c in target:
            e = next(fresh)
            specs.append(c + e)
            operands.append(np.eye(sizes[c], dtype=dtype))
            target += e
            continue
        if c not in have:
            specs.append(c)
            operands.append(np.ones(sizes[c], dtype=dtype))
        target += c
    return einsum(*operands, subscripts=",".join(specs) + "->" + target)


einsum_p = Primitive("einsum", _einsum_impl).def_rules(jvp=_einsum_jvp, vjp=_einsum_vjp)


def einsum(*operands: Value, subscripts: str) -> Value:
    """numpy.einsum for explicit subscripts: letters only, '->' and a distinct output.

    >>> adkit.grad(lambda a: einsum(a, subscripts="ii->"))(np.ones((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return bind(einsum_p, *operands, subscripts=subscripts)


# ------------------------------------------------- inverse, solve, determinants ----
# Giles 2008, sections 2.2-2.3: d(A^-1) = -A^-1 dA A^-1, dx = A^-1 (db - dA x),
# d det A = det A tr(A^-1 dA); the transposes follow. Stacks of matrices broadcast.

def _sum_last2(x):
    n = ndim_of(x)
    return reductions.sum(x, (n - 2, n - 1))


def _as_matrix(x):
    """x with two trailing singleton axes, to scale a stack of matrices."""
    return reshape(x, shape_of(x) + (1, 1))


def _solve_jvp(tangents, ans, a, b):
    ta, tb = tangents
    nd = ndim_of(ans)
    rhs = None if tb is None else pad_tangent(tb, nd)
    if ta is not None:
        term = matmul(pad_tangent(ta, nd), ans)
        rhs = neg(term) if rhs is None else rhs - term
    return broadcast_tangent(solve(a, rhs), ans)


def _solve_vjp(g, wanted, ans, a, b):
    gb = solve(_mT(a), g)
    ga = None if wanted[0] is None else unbroadcast(neg(matmul(gb, _mT(ans))),
                                                      shape_of(a))
    return ga, None if wanted[1] is None else unbroadcast(gb, shape_of(b))


inv_p = Primitive("inv", np.linalg.inv).def_rules(
    jvp=lambda ts, ans, a: neg(matmul(matmul(ans, ts[0]), ans)),
    vjp=lambda g, wanted, ans, a: (neg(matmul(matmul(_mT(ans), g), _mT(ans))),))
solve_p = Primitive("solve", np.linalg.solve).def_rules(jvp=_solve_jvp, vjp=_solve_vjp)
det_p = Primitive("det", np.linalg.det).def_rules(
    jvp=lambda ts, ans, a: ans * _sum_last2(_mT(inv(a)) * ts[0]),
    vjp=lambda g, wanted, ans, a: (_as_matrix(g * ans) * _mT(inv(a)),))
logabsdet_p = Primitive("logabsdet", lambda a: np.linalg.slogdet(a)[1]).def_rules(
    jvp=lambda ts, ans, a: _sum_last2(_mT(inv(a)) * ts[0]),
    vjp=lambda g, wanted, ans, a: (_as_matrix(g) * _mT(inv(a)),))


def inv(a: Value) -> Value:
    """The inverse of a square matrix (or of each in a stack).

    >>> adkit.jvp(inv, (np.diag([2.0, 4.0]),), (np.eye(2),))[1]  # -A^-1 dA A^-1
    array([[-0.25  , -0.    ],
           [-0.    , -0.0625]])
    """
    return bind(inv_p, a)


def solve(a: Value, b: Value) -> Value:
    """x with a @ x = b, b a matrix (..., n, k); stacks broadcast.

    >>> adkit.grad(lambda b: solve(np.diag([2.0, 4.0]), b).sum())(np.ones((2, 1)))
    array([[0.5 ],
           [0.25]])
    """
    return bind(solve_p, a, b)


def det(a: Value) -> Value:
    """The determinant of a square matrix (or of each in a stack).

    >>> adkit.grad(det)(np.diag([2.0, 4.0]))  # det(A) A^-T
    array([[4., 0.],
           [0., 2.]])
    """
    return bind(det_p, a)


def logabsdet(a: Value) -> Value:
    """log |det a|: numpy.linalg.slogdet's second output.

    >>> adkit.grad(logabsdet)(np.array([[-2.0, 0.0], [0.0, 4.0]]))  # A^-T
    array([[-0.5 ,  0.  ],
           [-0.  ,  0.25]])
    """
    return bind(logabsdet_p, a)


# ------------------------------------------------------------- vector p-norms ----

def _vector_norm_impl(x, ord, axis, keepdims):
    x = np.asarray(x)
    if ord == 2:
        return np.sqrt(np.add.reduce(x * x, axis=axis, keepdims=keepdims))
    return np.add.reduce(np.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _norm_slope(ans, x, ord, axis, keepdims):
    """d |x|_p / dx = sign(x) (|x| / ans)^(p - 1), written so that no 0 * inf appears:
    0 where x is 0 (the subgradient at x = 0)."""
    if not keepdims:
        ans = reshape(ans, keepdims_shape(shape_of(x), axis))
    den = where(raw(ans) == 0, 1.0, ans)
    if ord == 2:
        return div(x, den)  # x is 0 wherever ans is
    xr = raw(x)
    return np.sign(xr) * power(where(xr == 0, 1.0, div(absolute(x), den)), ord - 1)


vector_norm_p = Primitive("vector_norm", _vector_norm_impl).def_rules(
    jvp=lambda ts, ans, x, ord, axis, keepdims: reductions.sum(
        ts[0] * _norm_slope(ans, x, ord, axis, keepdims), batched_axis(axis, ts[0]), keepdims),
    vjp=lambda g, wanted, ans, x, ord, axis, keepdims: (
        sum_transpose(g, x, axis, keepdims) * _norm_slope(ans, x, ord, axis, keepdims),))


def vector_norm(x: Value, ord: float, axis: tuple[int, ...] | None = None,
                keepdims: bool = False) -> Value:
    """(sum |x|^ord)^(1/ord) over axis (None or a sorted tuple); ord a nonzero float.
    Its slope at x = 0 is 0, not nan.

    >>> adkit.grad(lambda x: vector_norm(x, 2.0))(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    """
    return bind(vector_norm_p, x, ord=ord, axis=axis, keepdims=keepdims)


for _prim in (matmul_p, einsum_p, inv_p, solve_p, det_p, logabsdet_p):
    _prim.pure_rules = True  # rules built from ops alone: a compiled tape may expand them
matmul_p.vjp_reads_ans = False  # g @ b.T reads b, a.T @ g reads a
