"""Cases of test_numpy_coverage for the products and numpy.linalg names: einsum,
tensordot, kron, cross, inv, solve, det, slogdet, cholesky, eigh, svd, pinv and norm
(every ord). eigh and svd are checked through functions that do not depend on the signs
of eigen/singular vectors."""
import warnings

import numpy as np
from domains_linalg import invertible, normal, spd

import adkit.numpy as anp

inf = np.inf


def both(fn):
    """Case(adkit's fn, ..., numpy's fn): fn(xp) written once over a namespace."""
    from test_numpy_coverage import Case
    return lambda *args, order=2: Case(lambda *xs: fn(anp, *xs), args, order,
                                       lambda *xs: fn(np, *xs))


def einsum(spec, *shapes):
    return both(lambda xp, *xs: xp.einsum(spec, *xs))(*[normal(*s) for s in shapes])


def quiet(fn):
    """fn with numpy's DeprecationWarning for 2-vector cross products silenced."""
    def call(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return fn(*args, **kwargs)
    return call


def cross(a_shape, b_shape, **kw):
    fn = quiet(lambda xp, a, b: xp.cross(a, b, **kw))
    return both(fn)(normal(*a_shape), normal(*b_shape))


def norm(x, order=2, **kw):
    return both(lambda xp, y: xp.linalg.norm(y, **kw))(x, order=order)


def eigh_cases(a):
    w8 = normal(a.shape[-1])
    fns = [lambda xp, a: xp.linalg.eigh(a)[0] * w8,
           lambda xp, a: xp.linalg.eigh(a).eigenvectors ** 2,
           lambda xp, a: (lambda w, v: (v * w8) @ xp.swapaxes(v, -1, -2))(*xp.linalg.eigh(a)),
           lambda xp, a: xp.linalg.eigh(a, UPLO="U")[0]]
    return [both(f)(a) for f in fns]


def svd_cases(a):
    fns = [lambda xp, a: xp.linalg.svd(a, compute_uv=False),
           lambda xp, a: xp.linalg.svd(a, full_matrices=False)[0] ** 2,
           lambda xp, a: xp.linalg.svd(a, full_matrices=False).Vh ** 2,
           lambda xp, a: (lambda u, s, vh: (u * s[..., None, :] ** 2) @ vh)(
               *xp.linalg.svd(a, full_matrices=False))]
    return [both(f)(a) for f in fns]


def _cases():
    return {
        "einsum": [
            einsum("ij,jk->ik", (2, 3), (3, 4)), einsum("ii->i", (3, 3)), einsum("ii", (3, 3)),
            einsum("ij,ij->", (2, 3), (2, 3)), einsum("ij,jk", (2, 3), (3, 2)),
            einsum("ba", (2, 3)), einsum("i,i", (4,), (4,)), einsum("i,j->ij", (2,), (3,)),
            einsum("...ij,...jk->...ik", (5, 2, 3), (3, 4)), einsum("...i,...i", (1, 3), (4, 3)),
            einsum("ij,ij->ij", (1, 3), (2, 3)), einsum("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
            einsum("iij->j", (2, 2, 3)), einsum("i...i", (3, 2, 3)), einsum(",ij->ij", (), (2, 2)),
            einsum("Ab,bC", (2, 3), (3, 2)), einsum("i j -> j i", (2, 3)),
            both(lambda xp, a, b: xp.einsum(a, [0, 1], b, [1, 2], [0, 2]))(normal(2, 3),
                                                                           normal(3, 2)),
            both(lambda xp, a: xp.einsum(a, [Ellipsis, 0, 0]))(normal(4, 2, 2))],
        "tensordot": [
            both(lambda xp, a, b: xp.tensordot(a, b))(normal(2, 3, 4), normal(3, 4, 2)),
            both(lambda xp, a, b: xp.tensordot(a, b, axes=1))(normal(2, 3), normal(3, 4)),
            both(lambda xp, a, b: xp.tensordot(a, b, axes=0))(normal(2), normal(3, 2)),
            both(lambda xp, a, b: xp.tensordot(a, b, axes=([1, 0], [0, 1])))(normal(3, 2, 4),
                                                                              normal(2, 3)),
            both(lambda xp, a, b: xp.tensordot(a, b, axes=(-1, 0)))(normal(2, 3), normal(3)),
            both(lambda xp, a, b: xp.tensordot(a, b, axes=2))(normal(2, 3), normal(2, 3))],
        "kron": [both(lambda xp, a, b: xp.kron(a, b))(normal(*sa), normal(*sb))
                 for sa, sb in [((2, 3), (2, 2)), ((3,), (2,)), ((2, 2), (3,)),
                                ((2, 1, 2), (2, 2)), ((), (2,))]],
        "cross": [cross((3,), (3,)), cross((4, 3), (3,)), cross((3, 4), (4, 3), axisa=0),
                  cross((4, 3), (3, 4), axisb=0, axisc=0), cross((2, 3, 2), (2, 3, 2), axis=1),
                  cross((2,), (2,)), cross((4, 2), (3,)), cross((3,), (2, 2))],
        "inv": [both(lambda xp, a: xp.linalg.inv(a))(invertible(*s)) for s in [(3, 3), (2, 3, 3)]],
        "solve": [both(lambda xp, a, b: xp.linalg.solve(a, b))(invertible(*sa), normal(*sb))
                  for sa, sb in [((3, 3), (3,)), ((3, 3), (3, 2)), ((4, 3, 3), (3,)),
                                 ((4, 3, 3), (4, 3, 2)), ((3, 3), (2, 3, 2)),
                                 ((2, 1, 3, 3), (4, 3, 1))]],
        "det": [both(lambda xp, a: xp.linalg.det(a))(invertible(*s)) for s in [(3, 3), (2, 3, 3)]]
        + [both(lambda xp, a: xp.linalg.det(a))(normal(4, 4))],
        "slogdet": [both(lambda xp, a: xp.linalg.slogdet(a)[1])(invertible(2, 3, 3)),
                    both(lambda xp, a: xp.linalg.slogdet(a).logabsdet)(spd(4, 4)),
                    both(lambda xp, a: xp.linalg.slogdet(a)[0] * xp.linalg.slogdet(a)[1])(
                        -invertible(3, 3))],
        "cholesky": [both(lambda xp, a: xp.linalg.cholesky(a))(spd(*s))
                     for s in [(3, 3), (2, 4, 4)]]
        + [both(lambda xp, a: xp.linalg.cholesky(a, upper=True))(spd(3, 3))],
        "eigh": eigh_cases(spd(3, 3)) + eigh_cases(spd(2, 4, 4)),
        "svd": svd_cases(normal(3, 3)) + svd_cases(normal(4, 2)) + svd_cases(normal(2, 2, 4))
        + [both(lambda xp, a: xp.linalg.svd(a)[0] ** 2)(normal(3, 3))],
        "pinv": [both(lambda xp, a: xp.linalg.pinv(a))(normal(*s))
                 for s in [(4, 2), (2, 4), (2, 5, 3)]]
        + [both(lambda xp, a: xp.linalg.pinv(a))(invertible(3, 3))],
        "norm": [norm(normal(5)), norm(normal(5), ord=2), norm(normal(5), ord=1),
                 norm(normal(5), ord=inf), norm(normal(5), ord=-inf), norm(normal(5), ord=0),
                 norm(normal(5), ord=3), norm(normal(5), ord=0.5), norm(normal(5), ord=-1.5),
                 norm(normal(3, 4), ord=-2, axis=0), norm(normal(3, 4), ord=4, axis=-1,
                                                         keepdims=True),
                 norm(normal(3, 4), ord=inf, axis=1, keepdims=True),
                 norm(normal(2, 3, 4)), norm(normal(2, 3, 4), keepdims=True),
                 norm(normal(3, 4), axis=(1,)),
                 norm(normal(3, 4)), norm(normal(3, 4), ord="fro"), norm(normal(3, 4), ord="nuc"),
                 norm(normal(3, 4), ord=2), norm(normal(3, 4), ord=-2),
                 norm(normal(4, 3), ord=1), norm(normal(4, 3), ord=-1),
                 norm(normal(4, 3), ord=inf), norm(normal(4, 3), ord=-inf),
                 norm(normal(3, 4), ord=1, axis=(1, 0)), norm(normal(3, 4), ord=inf, axis=(1, 0)),
                 norm(normal(2, 3, 4), ord="fro", axis=(2, 0), keepdims=True),
                 norm(normal(2, 3, 4), ord="nuc", axis=(2, 1)),
                 norm(normal(2, 3, 4), ord=-1, axis=(0, 2), keepdims=True),
                 norm(normal(2, 3, 4), ord=2, axis=(-1, -2)),
                 norm(np.zeros(3), order=1), norm(np.zeros((2, 2)), ord="fro", order=1),
                 norm(np.zeros(3), ord=3, order=1), norm(np.array([0.0, 3.0, -4.0])),
                 norm(np.array([0.0, 3.0, -4.0]), ord=3)],
    }


def __getattr__(name):
    # CASES is built when test_numpy_coverage first reads it (it defines Case, and it
    # imports this module): so importing this module first (--doctest-modules) is no cycle
    if name == "CASES":
        globals()["CASES"] = cases = _cases()
        return cases
    raise AttributeError(name)
