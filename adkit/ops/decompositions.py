"""Matrix factorizations: cholesky, eigh and svd, for stacks of real matrices.

eigh and svd have several outputs; their primitives return them packed into one array
(unpacked with eigh_parts / svd_parts), so the engines see one value per primitive:

    eigh (..., n, n) -> (..., 1 + n, n): eigenvalues w on row 0, then eigenvectors V
    svd  (..., m, n) -> (..., m + 1 + n, k), k = min(m, n): U, then s, then V = Vh^T

cholesky and eigh factor the symmetric part (a + a^T) / 2 of their input, as JAX does
(numpy reads one triangle; on symmetric input the values agree), so their derivatives
take symmetric perturbations and give symmetric gradients. Rules: Murray 2016 and
Giles 2008 (cholesky), Giles 2008 section 3.1 / JAX's eigh_jvp_rule (eigh), Townsend
2016 and JAX's svd_jvp_rule (svd). A zero gap between two eigenvalues (singular values)
contributes 0 instead of 1/0: eigenvectors (U, V) are differentiable only where the values
are distinct, but functions of the values alone (sums, norms) stay finite there.
"""
from __future__ import annotations

import numpy as np

from ..core import Primitive, Value, bind, float_dtype, ndim_of, raw, shape_of
from . import reductions
from .elementwise import div, where
from .linalg import matmul, solve
from .linalg import matrix_transpose as _mT
from .shape import concatenate, getitem, reshape

__all__ = ["cholesky", "eigh", "eigh_parts", "svd", "svd_parts"]


def _sym(x):
    return 0.5 * (x + _mT(x))


def _sym_np(a):
    """The symmetric part of plain arrays (for the values: no ops, so nothing counted)."""
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def _eye(n, like):
    return np.eye(n, dtype=float_dtype(like))


def _row(v):
    """A stack of vectors (..., n) as rows (..., 1, n): scales a matrix's columns."""
    return reshape(v, shape_of(v)[:-1] + (1,) + shape_of(v)[-1:])


def _col(v):
    """A stack of vectors (..., n) as columns (..., n, 1): scales a matrix's rows."""
    return reshape(v, shape_of(v) + (1,))


def _diagonal(x):
    return reductions.sum(x * _eye(shape_of(x)[-1], x), (ndim_of(x) - 1,))


def _diag(v):
    return _row(v) * _eye(shape_of(v)[-1], v)


def _inverse_gaps(w):
    """F[..., i, j] = 1 / (w[j] - w[i]); 0 where w[j] == w[i] (the diagonal, and ties)."""
    d = _row(w) - _col(w)
    tie = raw(d) == 0
    return where(tie, 0.0, div(1.0, where(tie, 1.0, d)))


def _safe_inverse(s):
    """1 / s, 0 where s == 0."""
    zero = raw(s) == 0
    return where(zero, 0.0, div(1.0, where(zero, 1.0, s)))


def _stack_rows(*parts):
    """Matrices joined along their rows (the second-to-last axis)."""
    return concatenate(parts, ndim_of(parts[-1]) - 2)


def _rows(x, start, stop):
    return getitem(x, (Ellipsis, slice(start, stop), slice(None)))


# ---------------------------------------------------------------- cholesky ----

def _phi(x):
    """Murray's Phi: the lower triangle of x with its diagonal halved."""
    n = shape_of(x)[-1]
    return x * (np.tril(np.ones((n, n), dtype=float_dtype(x))) - 0.5 * _eye(n, x))


def _cholesky_jvp(ts, L, a):
    y = solve(L, _mT(solve(L, _sym(ts[0]))))  # L^-1 dA L^-T (dA symmetric)
    return matmul(L, _phi(y))


def _cholesky_vjp(g, wanted, L, a):
    lt = _mT(L)
    p = _phi(matmul(lt, g))
    return (_sym(_mT(solve(lt, _mT(solve(lt, p))))),)  # L^-T P L^-1


cholesky_p = Primitive("cholesky", lambda a: np.linalg.cholesky(_sym_np(a))).def_rules(
    jvp=_cholesky_jvp, vjp=_cholesky_vjp)
cholesky_p.pure_rules = True  # rules built from ops alone: a compiled tape may expand them


def cholesky(a: Value) -> Value:
    """The lower Cholesky factor L of the symmetric part of a: L @ L.T == (a + a.T) / 2.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 5.0]]))
    array([[2., 0.],
           [1., 2.]])
    """
    return bind(cholesky_p, a)


# -------------------------------------------------------------------- eigh ----

def _eigh_impl(a):
    w, v = np.linalg.eigh(_sym_np(a))
    return np.concatenate([w[..., None, :], v], axis=-2)


def eigh_parts(packed: Value) -> tuple[Value, Value]:
    """(w, V) from eigh's packed output (or from a cotangent of it).

    >>> eigh_parts(eigh(np.diag([3.0, 1.0])))[0]
    array([1., 3.])
    """
    return getitem(packed, (Ellipsis, 0, slice(None))), _rows(packed, 1, None)


def _eigh_jvp(ts, ans, a):
    w, v = eigh_parts(ans)
    m = matmul(matmul(_mT(v), _sym(ts[0])), v)  # V^T dA V
    return _stack_rows(_row(_diagonal(m)), matmul(v, _inverse_gaps(w) * m))


def _eigh_vjp(g, wanted, ans, a):
    w, v = eigh_parts(ans)
    gw, gv = eigh_parts(g)
    inner = _diag(gw) + _inverse_gaps(w) * matmul(_mT(v), gv)
    return (_sym(matmul(matmul(v, inner), _mT(v))),)


eigh_p = Primitive("eigh", _eigh_impl).def_rules(jvp=_eigh_jvp, vjp=_eigh_vjp)


def eigh(a: Value) -> Value:
    """Eigenvalues (ascending) and eigenvectors of the symmetric part of a, packed as
    (..., 1 + n, n); eigh_parts splits them."""
    return bind(eigh_p, a)


# --------------------------------------------------------------------- svd ----

def _svd_impl(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.concatenate([u, s[..., None, :], np.swapaxes(vh, -1, -2)], axis=-2)


def svd_parts(packed: Value, m: int) -> tuple[Value, Value, Value]:
    """(U, s, V) from svd's packed output (or a cotangent of it) for an m-row input.

    >>> [p.shape for p in svd_parts(svd(np.ones((4, 2))), 4)]
    [(4, 2), (2,), (2, 2)]
    """
    return (_rows(packed, 0, m), getitem(packed, (Ellipsis, m, slice(None))),
            _rows(packed, m + 1, None))


def _svd_jvp(ts, ans, a):
    m, n = shape_of(a)[-2:]
    u, s, v = svd_parts(ans, m)
    t = ts[0]
    ds = matmul(matmul(_mT(u), t), v)  # U^T dA V
    f = _inverse_gaps(s * s)
    dss, sds = ds * _row(s), _col(s) * ds  # dS diag(s), diag(s) dS
    du = matmul(u, f * (dss + _mT(dss)))
    dv = matmul(v, f * (sds + _mT(sds)))
    if m > n:  # the part of dA V outside U's columns
        dav = matmul(t, v)
        du = du + (dav - matmul(u, matmul(_mT(u), dav))) * _row(_safe_inverse(s))
    if n > m:
        dau = matmul(_mT(t), u)
        dv = dv + (dau - matmul(v, matmul(_mT(v), dau))) * _row(_safe_inverse(s))
    return _stack_rows(du, _row(_diagonal(ds)), dv)


def _svd_vjp(g, wanted, ans, a):
    m, n = shape_of(a)[-2:]
    u, s, v = svd_parts(ans, m)
    gu, gs, gv = svd_parts(g, m)
    f = _inverse_gaps(s * s)
    x, z = matmul(_mT(u), gu), matmul(_mT(v), gv)
    inner = (f * (x - _mT(x))) * _row(s) + _diag(gs) + _col(s) * (f * (z - _mT(z)))
    out = matmul(matmul(u, inner), _mT(v))
    if m > n:  # (I - U U^T) gU S^-1 V^T
        out = out + matmul((gu - matmul(u, x)) * _row(_safe_inverse(s)), _mT(v))
    if n > m:  # U S^-1 gV^T (I - V V^T)
        out = out + matmul(u, _col(_safe_inverse(s)) * _mT(gv - matmul(v, z)))
    return (out,)


svd_p = Primitive("svd", _svd_impl).def_rules(jvp=_svd_jvp, vjp=_svd_vjp)


def svd(a: Value) -> Value:
    """The thin SVD a = U diag(s) V^T of a (..., m, n) stack, packed as
    (..., m + 1 + n, min(m, n)); svd_parts splits it."""
    return bind(svd_p, a)
