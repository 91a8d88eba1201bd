"""The part of numpy.linalg adkit differentiates: `adkit.numpy.linalg`.

inv, solve, det, slogdet, cholesky, eigh, svd, pinv and norm (every ord numpy accepts
for real input), on stacks of matrices too. Real input only; eigh and cholesky factor
the symmetric part (a + a^T) / 2 (numpy reads one triangle: the same on symmetric
input). Derivatives need what they need mathematically: invertible matrices, distinct
eigenvalues (eigenvectors), distinct nonzero singular values (U, V).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .. import ops
from ..core import Axis, Box, Value, ndim_of, raw, shape_of
from ..ops import absolute, matrix_transpose
from .common import implements, one_axis

__all__ = ["EighResult", "SVDResult", "SlogdetResult", "cholesky", "det", "eigh", "inv",
           "norm", "pinv", "slogdet", "solve", "svd"]

LinAlgError = np.linalg.LinAlgError


class SlogdetResult(NamedTuple):
    sign: Value
    logabsdet: Value


class EighResult(NamedTuple):
    eigenvalues: Value
    eigenvectors: Value


class SVDResult(NamedTuple):
    U: Value
    S: Value
    Vh: Value


def real_array(fn: str, x: ArrayLike) -> Value:
    """x as a value adkit's ops take (lists and integers become float arrays); complex
    input is refused: adkit's rules are for real arrays.

    >>> real_array("linalg.inv", [[1, 2], [3, 4]]).dtype
    dtype('float64')
    """
    if not (isinstance(x, Box) or type(x) is float):
        x = np.asarray(x)
        x = x.astype(np.float64) if x.dtype.kind in "biu" else x
    dt = np.result_type(raw(x))
    if dt.kind not in "f":
        raise TypeError(f"adkit.numpy.{fn}: input of dtype {dt} is not supported; adkit "
                        "differentiates real arrays (for complex ones, split the real and "
                        "imaginary parts)")
    return x


def _matrices(fn: str, a: ArrayLike, square: bool = True) -> tuple[Value, int, int]:
    """a as a real (stack of) matrices, and its last two axes m, n (equal if square)."""
    a = real_array(f"linalg.{fn}", a)
    shape = shape_of(a)
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        what = "square matrix (..., n, n)" if square else "matrix (..., m, n)"
        raise LinAlgError(f"adkit.numpy.linalg.{fn}: expected a {what}, got an array of "
                          f"shape {shape}")
    return (a,) + shape[-2:]


@implements(np.linalg.inv)
def inv(a: ArrayLike) -> Value:
    """The inverse of a square matrix, or of each in a stack.

    >>> adkit.grad(lambda a: anp.linalg.inv(a)[0, 0])(np.diag([2.0, 4.0]))
    array([[-0.25, -0.  ],
           [-0.  , -0.  ]])
    """
    a, _, _ = _matrices("inv", a)
    return ops.inv(a)


@implements(np.linalg.solve)
def solve(a: ArrayLike, b: ArrayLike) -> Value:
    """x with a @ x = b: b a vector (n,) or a stack of matrices (..., n, k), as numpy 2.

    >>> adkit.grad(lambda b: anp.sum(anp.linalg.solve(np.diag([2.0, 4.0]), b)))(np.ones(2))
    array([0.5 , 0.25])
    """
    a, n, _ = _matrices("solve", a)
    b = real_array("linalg.solve", b)
    sb = shape_of(b)
    if len(sb) == 1 and sb[0] == n:
        x = ops.solve(a, ops.reshape(b, (n, 1)))
        return ops.reshape(x, shape_of(x)[:-1])
    if len(sb) < 2 or sb[-2] != n:
        raise ValueError(f"adkit.numpy.linalg.solve: b of shape {sb} does not fit a of shape "
                         f"{shape_of(a)}; b must be ({n},) or a stack of ({n}, k) matrices")
    return ops.solve(a, b)


@implements(np.linalg.det)
def det(a: ArrayLike) -> Value:
    """The determinant; its gradient is det(a) inv(a)^T (a must be invertible).

    >>> adkit.grad(anp.linalg.det)(np.array([[2.0, 1.0], [1.0, 3.0]]))
    array([[ 3., -1.],
           [-1.,  2.]])
    """
    a, _, _ = _matrices("det", a)
    return ops.det(a)


@implements(np.linalg.slogdet)
def slogdet(a: ArrayLike) -> SlogdetResult:
    """(sign, log|det a|): the sign is piecewise constant, log|det| has gradient inv(a)^T.

    >>> adkit.grad(lambda a: anp.linalg.slogdet(a)[1])(np.diag([2.0, 4.0]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    a, _, _ = _matrices("slogdet", a)
    return SlogdetResult(np.linalg.slogdet(raw(a))[0], ops.logabsdet(a))


@implements(np.linalg.cholesky)
def cholesky(a: ArrayLike, /, *, upper: bool = False) -> Value:
    """The Cholesky factor L (L @ L.T == a) of a symmetric positive-definite a
    (upper=True: L.T); the gradient is symmetric.

    >>> adkit.grad(lambda a: anp.linalg.cholesky(a)[1, 1])(np.diag([4.0, 9.0]))
    array([[0.        , 0.        ],
           [0.        , 0.16666667]])
    """
    a, _, _ = _matrices("cholesky", a)
    lower = ops.cholesky(a)
    return matrix_transpose(lower) if upper else lower


@implements(np.linalg.eigh)
def eigh(a: ArrayLike, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of a symmetric a. Eigenvectors are
    defined up to sign (and need distinct eigenvalues to be differentiable).

    >>> adkit.grad(lambda a: anp.linalg.eigh(a)[0][1])(np.diag([1.0, 3.0]))
    array([[0., 0.],
           [0., 1.]])
    """
    if UPLO not in ("L", "U"):
        raise ValueError(f"adkit.numpy.linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    a, _, _ = _matrices("eigh", a)
    return EighResult(*ops.eigh_parts(ops.eigh(a)))


@implements(np.linalg.svd)
def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> SVDResult | Value:
    """a = U diag(S) Vh; compute_uv=False gives S alone. U and Vh are defined up to sign
    (and need distinct nonzero singular values to be differentiable); full_matrices=True
    is supported for square matrices, where it equals full_matrices=False.

    >>> adkit.grad(lambda a: anp.linalg.svd(a, compute_uv=False)[0])(np.diag([3.0, 1.0]))
    array([[1., 0.],
           [0., 0.]])
    """
    a, m, n = _matrices("svd", a, square=False)
    if not compute_uv:
        return ops.svd_parts(ops.svd(a), m)[1]
    if hermitian:
        raise TypeError("adkit.numpy.linalg.svd: hermitian=True with compute_uv=True is not "
                        "supported; pass hermitian=False (the same factorization up to signs)")
    if full_matrices and m != n:
        raise TypeError(f"adkit.numpy.linalg.svd: full_matrices=True on a {m}x{n} matrix is "
                        "not supported (the extra singular vectors are not unique); pass "
                        "full_matrices=False")
    u, s, v = ops.svd_parts(ops.svd(a), m)
    return SVDResult(u, s, matrix_transpose(v))


@implements(np.linalg.pinv)
def pinv(a: ArrayLike, rcond: ArrayLike | None = None, hermitian: bool = False, *,
         rtol: ArrayLike | None = None) -> Value:
    """The pseudo-inverse of a full-rank matrix: (a^T a)^-1 a^T, or a^T (a a^T)^-1 when
    a is wide. A rank-deficient a (a singular value <= rcond (or rtol) times the largest)
    raises LinAlgError; hermitian=True gives the same result.

    >>> anp.linalg.pinv(np.array([[2.0], [0.0]]))
    array([[0.5, 0. ]])
    """
    a, m, n = _matrices("pinv", a, square=False)
    if rcond is not None and rtol is not None:
        raise ValueError("adkit.numpy.linalg.pinv: pass rcond or rtol, not both")
    cut = rcond if rcond is not None else rtol if rtol is not None else \
        max(m, n) * np.finfo(np.result_type(raw(a), 1.0)).eps
    s = np.linalg.svd(raw(a), compute_uv=False)
    if np.any(s <= np.asarray(cut)[..., None] * s[..., :1]):
        raise LinAlgError(f"adkit.numpy.linalg.pinv: a of shape {shape_of(a)} is "
                          "rank-deficient (a singular value is below the cutoff); adkit's "
                          "pinv is for full-rank matrices (regularize, e.g. a + eps * I)")
    at = matrix_transpose(a)
    if m >= n:
        return ops.solve(ops.matmul(at, a), at)
    return matrix_transpose(ops.solve(ops.matmul(a, at), a))


# -------------------------------------------------------------------- norm ----

def _vector(x, ord, axis, keepdims):
    if ord in (None, 2):
        return ops.vector_norm(x, 2.0, axis, keepdims)
    if isinstance(ord, str):
        raise ValueError(f"adkit.numpy.linalg.norm: invalid norm order {ord!r} for vectors "
                         "(use a number, inf or -inf)")
    if ord == np.inf:
        return ops.amax(absolute(x), axis, keepdims)
    if ord == -np.inf:
        return ops.amin(absolute(x), axis, keepdims)
    if ord == 0:  # the count of nonzeros: piecewise constant
        return np.linalg.norm(raw(x), 0, axis, keepdims)
    if ord == 1:
        return ops.sum(absolute(x), axis, keepdims)
    return ops.vector_norm(x, float(ord), axis, keepdims)


def _singular_values(x, row, col):
    rest = tuple(i for i in range(ndim_of(x)) if i not in (row, col))
    x = ops.transpose(x, rest + (row, col))
    return ops.svd_parts(ops.svd(x), shape_of(x)[-2])[1]


def _matrix(x, ord, row, col, keepdims):
    if ord in (None, "fro", "f"):
        return ops.vector_norm(x, 2.0, tuple(sorted((row, col))), keepdims)
    if ord in (2, -2, "nuc"):
        s = _singular_values(x, row, col)
        last = (ndim_of(s) - 1,)
        out = ops.sum(s, last) if ord == "nuc" else \
            ops.amax(s, last) if ord == 2 else ops.amin(s, last)
    elif ord in (1, -1, np.inf, -np.inf):
        summed, over = (row, col) if ord in (1, -1) else (col, row)
        over -= over > summed  # its index once `summed` is gone
        out = (ops.amax if ord > 0 else ops.amin)(ops.sum(absolute(x), (summed,)), (over,))
    else:
        raise ValueError(f"adkit.numpy.linalg.norm: invalid norm order {ord!r} for matrices "
                         "(use None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf)")
    if keepdims:
        shape = list(shape_of(x))
        shape[row] = shape[col] = 1
        out = ops.reshape(out, tuple(shape))
    return out


@implements(np.linalg.norm)
def norm(x: ArrayLike, ord: float | str | None = None, axis: Axis = None,
         keepdims: bool = False) -> Value:
    """numpy.linalg.norm for every ord: vectors (p-norms, inf, -inf, 0: a count) and
    matrices ('fro', 'nuc', 1, -1, 2, -2, inf, -inf). Slope 0 at x = 0, not nan.

    >>> adkit.grad(anp.linalg.norm)(np.zeros(2)), adkit.grad(anp.linalg.norm)(np.ones(2))
    (array([0., 0.]), array([0.70710678, 0.70710678]))
    """
    x = real_array("linalg.norm", x)
    nd = ndim_of(x)
    if axis is None:
        if ord is None:
            return ops.vector_norm(x, 2.0, None, keepdims)
        if nd not in (1, 2):
            raise ValueError(f"adkit.numpy.linalg.norm: ord={ord!r} with axis=None needs a 1-D "
                             f"or 2-D array, got shape {shape_of(x)}; give axis")
        axis = tuple(range(nd))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(one_axis(a, nd, "norm") for a in axes)
    if len(axes) == 1:
        return _vector(x, ord, axes, keepdims)
    if len(axes) != 2:
        raise ValueError(f"adkit.numpy.linalg.norm: axis={axis!r} names {len(axes)} axes; a "
                         "norm takes 1 (vectors) or 2 (matrices)")
    if axes[0] == axes[1]:
        raise ValueError(f"adkit.numpy.linalg.norm: duplicate axes in axis={axis!r}")
    return _matrix(x, ord, axes[0], axes[1], keepdims)
