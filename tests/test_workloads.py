"""adkit.study.workloads: each workload written once runs the same on every namespace, and
the hand-written numpy gradients match adkit's."""
import numpy as np
import pytest

import adkit
from adkit.study import peers, workloads
from tests.closed_forms import (
    assert_directional_derivatives,
    logistic_loss_by_logaddexp,
    mlp_loss_plain,
    scalar_mlp_loss_plain,
    sin_chain_by_math,
    unflatten_like,
)


def test_numpy_references_match_adkit():
    params, X, Y = peers.mlp_args(5)
    g = adkit.grad(workloads.mlp_params_loss)(params, X, Y)
    np.testing.assert_allclose(peers.as_numpy(g),
                               peers.as_numpy(workloads.mlp_params_grad(params, X, Y)),
                               rtol=1e-12, atol=1e-15)
    wts, X, y = peers.scalar_mlp_args(7)
    value, g = adkit.value_and_grad(workloads.scalar_mlp_loss)(wts, X, y)
    ref_value, ref_grad = workloads.scalar_mlp_by_hand(wts, X, y)
    assert value == pytest.approx(ref_value, rel=1e-13)
    np.testing.assert_allclose(peers.as_numpy(g), ref_grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(workloads.sin_chain_grad(peers.CHAIN_X, 3),
                               adkit.grad(lambda x: workloads.sin_chain(x, 3))(peers.CHAIN_X))


def test_hand_written_gradients_and_jacobians_match_adkit():
    rng = np.random.default_rng(0)
    x, W = rng.standard_normal(4), rng.standard_normal((3, 4))
    X, y = workloads.logistic_data(4)
    for f, by_hand in [(workloads.sum_of_squares, workloads.sum_of_squares_grad),
                       (workloads.rosenbrock, workloads.rosenbrock_grad),
                       (lambda w: workloads.logistic_loss(w, X, y),
                        lambda w: workloads.logistic_loss_grad(w, X, y))]:
        np.testing.assert_allclose(adkit.grad(f)(x), by_hand(x), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(adkit.jacrev(lambda x: workloads.dense_tanh(x, W))(x),
                               workloads.dense_tanh_jacobian(x, W), rtol=1e-12)
    np.testing.assert_allclose(adkit.jacfwd(workloads.elementwise_map)(x),
                               workloads.elementwise_map_jacobian(x), rtol=1e-12, atol=1e-15)
    assert adkit.grad(lambda x: workloads.deep_chain(x, 50))(1.0) == pytest.approx(
        workloads.deep_chain_grad(50), rel=1e-15)


def test_each_workload_gives_numpys_value_on_plain_numpy():
    x = np.linspace(-1.0, 1.0, 5)
    X, Y, theta = workloads.mlp_data([5, 3, 2], batch=4)
    cases = [(workloads.sum_of_squares, (x,)), (workloads.rosenbrock, (x,)),
             (workloads.elementwise_map, (x,)), (workloads.softplus, (x,)),
             (workloads.dense_tanh, (x, np.ones((2, 5)))), (workloads.tall_map, (x, 7)),
             (workloads.sin_chain, (x, 4)), (workloads.baydin, (2.0, 5.0)),
             (workloads.mlp_loss, (theta, X, Y, [5, 3, 2]))]
    for f, args in cases:
        np.testing.assert_array_equal(f(*args), f(*args, xp=np))
    assert workloads.baydin(*workloads.BAYDIN_POINT, xp=np) == workloads.BAYDIN_VALUE


def test_the_flat_and_the_listed_mlp_are_one_function():
    sizes = [3, 4, 2]
    X, Y, theta = workloads.mlp_data(sizes, batch=5)
    params = workloads.mlp_unflatten(theta, sizes, xp=np)
    assert workloads.mlp_loss(theta, X, Y, sizes) == workloads.mlp_params_loss(params, X, Y)
    flat = adkit.grad(workloads.mlp_loss)(theta, X, Y, sizes)
    np.testing.assert_allclose(flat, peers.as_numpy(workloads.mlp_params_grad(params, X, Y)),
                               rtol=1e-12, atol=1e-15)


# ---- the hand-written gradients against references that share no code with them or adkit

def test_hand_written_gradients_match_central_differences_of_independent_losses():
    x = peers.CHAIN_X
    assert_directional_derivatives(lambda v: sin_chain_by_math(v, 50), x,
                                   workloads.sin_chain_grad(x, 50))
    w, X, y = peers.logistic_args(40)
    assert logistic_loss_by_logaddexp(w, X, y) == pytest.approx(
        float(workloads.logistic_loss(w, X, y, xp=np)), rel=1e-14)
    assert_directional_derivatives(lambda v: logistic_loss_by_logaddexp(v, X, y), w,
                                   workloads.logistic_loss_grad(w, X, y))
    params, X, Y = peers.mlp_args(6)
    theta = peers.as_numpy(params)
    assert mlp_loss_plain(params, X, Y) == pytest.approx(
        float(workloads.mlp_params_loss(params, X, Y, xp=np)), rel=1e-14)
    assert_directional_derivatives(lambda t: mlp_loss_plain(unflatten_like(params, t), X, Y),
                                   theta, peers.as_numpy(workloads.mlp_params_grad(params, X, Y)))
    wts, X, y = peers.scalar_mlp_args(7)
    loss, g = workloads.scalar_mlp_by_hand(wts, X, y)
    assert loss == pytest.approx(scalar_mlp_loss_plain(wts, X, y), rel=1e-13)
    assert_directional_derivatives(lambda t: scalar_mlp_loss_plain(unflatten_like(wts, t), X, y),
                                   peers.as_numpy(wts), g)


def test_hand_written_gradients_match_hips_autograd():
    autograd = pytest.importorskip("autograd")
    agnp = pytest.importorskip("autograd.numpy")
    x = peers.CHAIN_X
    np.testing.assert_allclose(autograd.grad(lambda v: workloads.sin_chain(v, 50, xp=agnp))(x),
                               workloads.sin_chain_grad(x, 50), rtol=1e-13)
    w, X, y = peers.logistic_args(40)
    np.testing.assert_allclose(
        autograd.grad(lambda v: agnp.mean(agnp.logaddexp(0.0, -y * (X @ v))))(w),
        workloads.logistic_loss_grad(w, X, y), rtol=1e-12, atol=1e-16)
    params, X, Y = peers.mlp_args(6)
    g = autograd.grad(lambda p: workloads.mlp_params_loss(p, X, Y, xp=agnp))(params)
    np.testing.assert_allclose(peers.as_numpy(g),
                               peers.as_numpy(workloads.mlp_params_grad(params, X, Y)),
                               rtol=1e-12, atol=1e-15)
