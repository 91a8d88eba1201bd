"""Test domains of the linear algebra primitives (merged into test_registry's DOMAINS):
well-conditioned random matrices, stacks, and for eigh and svd functions of the packed
outputs that do not depend on the eigen/singular vectors' signs."""
import numpy as np

from adkit import ops

rng = np.random.default_rng(7)


def normal(*shape):
    return rng.standard_normal(shape)


def invertible(*shape):
    """Random matrices plus n I: well away from singular."""
    return normal(*shape) + shape[-1] * np.eye(shape[-1])


def spd(*shape):
    """Symmetric positive definite: a a^T + n I (distinct eigenvalues, almost surely)."""
    a = normal(*shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def einsum_case(spec, *shapes):
    return ((*[normal(*s) for s in shapes],), dict(subscripts=spec))


def eigh_fns():
    """Sign-invariant functions of eigh: weighted eigenvalues, products of V with V^T."""
    w8 = normal(3)

    def parts(a):
        return ops.eigh_parts(ops.eigh(a))
    return [lambda a: parts(a)[0] * w8,
            lambda a: parts(a)[1] ** 2,
            lambda a: (lambda w, v: ops.matmul(v * w8, ops.matrix_transpose(v)))(*parts(a))]


def svd_fns(m):
    """Sign-invariant functions of the thin svd of an m-row input."""
    def parts(a):
        return ops.svd_parts(ops.svd(a), m)
    return [lambda a: parts(a)[1],
            lambda a: parts(a)[0] ** 2,
            lambda a: (lambda u, s, v: v * v * s[..., None, :])(*parts(a)),
            lambda a: (lambda u, s, v: ops.matmul(u * s[..., None, :] ** 2,
                                                  ops.matrix_transpose(v)))(*parts(a))]


def vector_norm_cases():
    x = normal(3, 4)
    return [((normal(5),), dict(ord=2.0, axis=None, keepdims=False)),
            ((x,), dict(ord=2.0, axis=(0, 1), keepdims=True)),
            ((x,), dict(ord=3.0, axis=(1,), keepdims=False)),
            ((x,), dict(ord=-1.5, axis=(0,), keepdims=True)),
            ((x,), dict(ord=0.5, axis=(1,), keepdims=False)),
            ((x,), dict(ord=1.0, axis=None, keepdims=False)),
            ((2.5,), dict(ord=2.0, axis=None, keepdims=False))]


DOMAINS = {
    "einsum": [einsum_case("ij,jk->ik", (2, 3), (3, 4)),
               einsum_case("ii->i", (3, 3)), einsum_case("ii->", (3, 3)),
               einsum_case("ij,ij->", (2, 3), (2, 3)), einsum_case("ij->", (2, 3)),
               einsum_case("ij->ji", (2, 3)), einsum_case("i,j->ij", (2,), (3,)),
               einsum_case("aij,ajk->aik", (4, 2, 3), (4, 3, 2)),
               einsum_case("iij,jk,k->ki", (2, 2, 3), (3, 4), (4,)),
               einsum_case("iji->j", (3, 2, 3)), einsum_case(",i->i", (), (3,)),
               einsum_case("ijk,kji->", (2, 3, 4), (4, 3, 2))],
    "inv": [((invertible(3, 3),), {}), ((invertible(2, 3, 3),), {}), ((invertible(1, 1),), {})],
    "solve": [((invertible(3, 3), normal(3, 2)), {}), ((invertible(4, 3, 3), normal(3, 1)), {}),
              ((invertible(3, 3), normal(2, 3, 2)), {}),
              ((invertible(2, 1, 3, 3), normal(4, 3, 2)), {})],
    "det": [((invertible(3, 3),), {}), ((invertible(2, 3, 3),), {}), ((invertible(1, 1),), {})],
    "logabsdet": [((invertible(3, 3),), {}), ((invertible(2, 4, 4),), {}),
                  ((-invertible(2, 2),), {})],
    "vector_norm": vector_norm_cases(),
    "cholesky": [((spd(3, 3),), {}), ((spd(2, 4, 4),), {}), ((spd(1, 1),), {})],
    "eigh": [(f, (spd(*s),), {}) for f in eigh_fns() for s in [(3, 3), (2, 3, 3)]],
    "svd": [(f, (normal(*s),), {}) for s in [(3, 3), (4, 2), (2, 4), (2, 3, 2)]
            for f in svd_fns(s[-2])],
}
