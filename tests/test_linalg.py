"""adkit.numpy.linalg and the contractions (einsum, tensordot, kron, cross): exact known
derivatives in both modes, second derivatives, zero-safe norms, numpy dispatch and
clear errors. (test_registry and test_numpy_coverage check every rule numerically.)"""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import forward

A = np.array([[2.0, 1.0], [1.0, 3.0]])  # det 5, symmetric positive definite
rng = np.random.default_rng(5)


def both_modes(f, x):
    """f's gradient by reverse mode and by forward mode (they must agree)."""
    g_rev = adkit.grad(f)(x)
    g_fwd = forward.grad(f)(x)
    np.testing.assert_allclose(g_fwd, g_rev, rtol=1e-12, atol=1e-15)
    return g_rev


def test_det_of_a_known_matrix_and_its_gradient_det_times_inverse_transpose():
    assert anp.linalg.det(A) == pytest.approx(5.0)
    np.testing.assert_allclose(both_modes(anp.linalg.det, A), [[3.0, -1.0], [-1.0, 2.0]])
    b = rng.standard_normal((4, 4))
    np.testing.assert_allclose(both_modes(anp.linalg.det, b),
                               np.linalg.det(b) * np.linalg.inv(b).T, rtol=1e-10)


def test_gradient_of_logdet_of_spd_is_the_inverse_and_its_hessian_is_minus_inv_inv():
    logdet = lambda a: anp.linalg.slogdet(a)[1]  # noqa: E731
    np.testing.assert_allclose(both_modes(logdet, A), np.linalg.inv(A), rtol=1e-12)
    h = adkit.hessian(logdet)(A)
    ai = np.linalg.inv(A)
    np.testing.assert_allclose(h, -np.einsum("li,jk->ijkl", ai, ai), rtol=1e-12)
    sign, logabs = anp.linalg.slogdet(np.array([[1.0, 2.0], [3.0, 4.0]]))  # det -2
    assert (sign, logabs) == (-1.0, pytest.approx(np.log(2.0)))


def test_eigenvalues_of_a_diagonal_matrix_and_their_gradients():
    d = np.diag([1.0, 3.0, 2.0])
    w, v = anp.linalg.eigh(d)
    np.testing.assert_allclose(w, [1.0, 2.0, 3.0])
    np.testing.assert_allclose(np.abs(v), np.eye(3)[:, [0, 2, 1]])
    for k, i in enumerate([0, 2, 1]):  # d w_k / dA = v_k v_k^T
        g = both_modes(lambda a, k=k: anp.linalg.eigh(a)[0][k], d)
        np.testing.assert_allclose(g, np.outer(np.eye(3)[i], np.eye(3)[i]), atol=1e-15)


def test_einsum_trace_has_gradient_identity_and_diagonal_a_jacobian_of_ones():
    x = rng.standard_normal((3, 3))
    np.testing.assert_array_equal(both_modes(lambda a: anp.einsum("ii", a), x), np.eye(3))
    jac = adkit.jacrev(lambda a: anp.einsum("ii->i", a))(x)
    np.testing.assert_array_equal(jac, np.einsum("ij,ik->ijk", np.eye(3), np.eye(3)))
    np.testing.assert_array_equal(adkit.jacfwd(lambda a: anp.einsum("ii->i", a))(x), jac)


def test_svd_reconstructs_and_the_nuclear_norm_has_gradient_u_vt():
    x = rng.standard_normal((4, 3))
    u, s, vh = anp.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose((u * s) @ vh, x, atol=1e-12)
    np.testing.assert_allclose(s, np.linalg.svd(x, compute_uv=False), rtol=1e-14)
    nu, _, nvh = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(both_modes(lambda a: anp.linalg.norm(a, "nuc"), x), nu @ nvh,
                               rtol=1e-10)


def test_cholesky_gradient_is_symmetric_and_matches_finite_differences():
    g = both_modes(lambda a: anp.sum(anp.linalg.cholesky(a) ** 2), A)
    np.testing.assert_allclose(g, g.T)
    e = np.array([[0.3, -0.2], [-0.2, 0.5]])  # a symmetric direction
    fd = (np.sum(np.linalg.cholesky(A + 1e-6 * e) ** 2)
          - np.sum(np.linalg.cholesky(A - 1e-6 * e) ** 2)) / 2e-6
    assert np.sum(g * e) == pytest.approx(fd, rel=1e-7)


@pytest.mark.parametrize("ord,x", [(None, np.zeros(3)), (2, np.zeros(3)), (3, np.zeros(3)),
                                   (0.5, np.zeros(3)), (1, np.zeros(3)), (np.inf, np.zeros(3)),
                                   ("fro", np.zeros((2, 2))), ("nuc", np.zeros((2, 2))),
                                   (2, np.zeros((2, 2))), (None, np.zeros((2, 2, 2)))])
def test_norm_at_zero_has_slope_zero_not_nan_in_both_modes(ord, x):
    g = both_modes(lambda y: anp.linalg.norm(y, ord), x)
    assert not np.any(np.isnan(g))
    if ord not in ("nuc", 2) or x.ndim == 1:  # the matrix 2-norms have a subgradient there
        np.testing.assert_array_equal(g, np.zeros_like(x))
    _, t = adkit.jvp(lambda y: anp.linalg.norm(y, ord), (x,), (np.ones_like(x),))
    assert np.isfinite(t)


@pytest.mark.parametrize("ord", [None, 3, 4, "fro"])
def test_norm_where_smooth_has_finite_second_derivatives_at_zero_entries(ord):
    x = np.array([[0.0, 3.0], [-4.0, 0.0]]) if ord == "fro" else np.array([0.0, 3.0, -4.0])
    f = lambda y: anp.linalg.norm(y, ord)  # noqa: E731
    h = adkit.hessian(f)(x)
    assert np.all(np.isfinite(h))
    if ord is None:  # (I - u u^T) / |x|
        u = x / 5.0
        np.testing.assert_allclose(h, (np.eye(3) - np.outer(u, u)) / 5.0, atol=1e-15)


def test_vector_norm_ord_zero_counts_and_has_derivative_zero():
    x = np.array([0.0, 2.0, -1.0])
    assert anp.linalg.norm(x, 0) == 2.0
    np.testing.assert_array_equal(adkit.grad(lambda y: anp.linalg.norm(y, 0) + anp.sum(y))(x),
                                  np.ones(3))


def test_numpy_functions_dispatch_to_adkit_on_boxes():
    x = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    np.testing.assert_allclose(adkit.grad(lambda a: np.linalg.det(a))(x),
                               adkit.grad(anp.linalg.det)(x))
    g = adkit.grad(lambda a: np.sum(np.linalg.inv(a)) + np.einsum("ij,ji", a, a)
                   + np.sum(np.kron(a, a)) + np.linalg.norm(a, 2))(x)
    assert g.shape == (3, 3) and np.all(np.isfinite(g))


def test_cross_of_two_vectors_warns_like_numpy():
    with pytest.warns(DeprecationWarning, match="2-dimensional vectors are deprecated"):
        assert anp.cross(np.array([1.0, 2.0]), np.array([3.0, 4.0])) == -2.0


def test_pinv_of_full_rank_matrices_matches_numpy():
    for shape in [(4, 2), (2, 4), (3, 3)]:
        x = rng.standard_normal(shape)
        np.testing.assert_allclose(anp.linalg.pinv(x), np.linalg.pinv(x), rtol=1e-10)


ERRORS = [
    (lambda: anp.linalg.inv(np.ones((2, 3))), np.linalg.LinAlgError,
     r"linalg.inv: expected a square matrix .* shape \(2, 3\)"),
    (lambda: anp.linalg.det(np.eye(2) * 1j), TypeError, "linalg.det: input of dtype complex"),
    (lambda: anp.einsum("ij,jk", np.eye(2) * 1j, np.eye(2)), TypeError, "einsum: .*complex"),
    (lambda: anp.linalg.solve(np.eye(3), np.ones((2, 3))), ValueError,
     r"b of shape \(2, 3\) does not fit a of shape \(3, 3\)"),
    (lambda: anp.linalg.svd(np.ones((3, 2))), TypeError, "pass full_matrices=False"),
    (lambda: anp.linalg.svd(np.eye(2), hermitian=True), TypeError, "hermitian=False"),
    (lambda: anp.linalg.pinv(np.ones((3, 2))), np.linalg.LinAlgError, "rank-deficient"),
    (lambda: anp.linalg.norm(np.ones(3), "fro"), ValueError, "'fro' for vectors"),
    (lambda: anp.linalg.norm(np.ones((2, 2)), 3), ValueError, "3 for matrices"),
    (lambda: anp.linalg.norm(np.ones((2, 2, 2)), 2), ValueError, "give axis"),
    (lambda: anp.linalg.norm(np.ones((2, 2)), axis=(0, 0)), ValueError, "duplicate axes"),
    (lambda: anp.linalg.eigh(np.eye(2), UPLO="X"), ValueError, "UPLO"),
    (lambda: anp.einsum("ij->k", np.eye(2)), ValueError, "output label 'k'"),
    (lambda: anp.einsum("ij,jk", np.eye(2), np.ones((3, 2))), ValueError, "label 'j' has sizes"),
    (lambda: anp.einsum("...i->i", np.ones((2, 3))), ValueError, "add '...' to the output"),
    (lambda: anp.einsum("ijk", np.eye(2)), ValueError, r"shape \(2, 2\) does not fit"),
    (lambda: anp.tensordot(np.ones((2, 3)), np.ones((2, 3)), axes=([1], [1, 0])), ValueError,
     "shape-mismatch"),
    (lambda: anp.cross(np.ones(4), np.ones(3)), ValueError, "must be 2 or 3"),
]


@pytest.mark.parametrize("thunk,exc,match", ERRORS)
def test_unsupported_arguments_raise_clear_errors(thunk, exc, match):
    with pytest.raises(exc, match=match):
        thunk()
