"""Core speed benchmarks (pytest-benchmark). Each also checks its result.

Run `pytest tests/benchmarks/test_engine_speed.py --benchmark-only` for the table; compare
rows of a group (same workload, same run) as ratios. CI runs them once with
--benchmark-disable. Peers (HIPS autograd, micrograd) are used when installed
(`pip install -e '.[peers]'`).
"""
import math

import numpy as np
import pytest

import adkit
from adkit.study import peers, workloads
from tests.closed_forms import (
    assert_directional_derivatives,
    logistic_loss_by_logaddexp,
    scalar_mlp_loss_plain,
    sin_chain_by_math,
    unflatten_like,
)

# References here share no code with what they check: values by another computation,
# gradients by the hand-written numpy derivations, which are themselves checked against
# central differences here and in tests/test_workloads.py.
X8 = peers.CHAIN_X  # the chain: 333 steps of sin, mul, add (999 ops) + the final sum
chain = workloads.sin_chain  # chain(x, xp=numpy-like module)
chain_grad_by_hand = workloads.sin_chain_grad  # its gradient written out in numpy
CHAIN_VALUE = sin_chain_by_math(X8, 333)
CHAIN_GRAD = chain_grad_by_hand(X8)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_numpy_forward_only(benchmark):
    y = benchmark(chain, X8, xp=np)
    assert math.isclose(y, CHAIN_VALUE, rel_tol=1e-13)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_numpy_hand_written_gradient(benchmark):
    g = benchmark(chain_grad_by_hand, X8)
    assert_directional_derivatives(lambda x: sin_chain_by_math(x, 333), X8, g)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_adkit_grad(benchmark):
    g = benchmark(adkit.grad(chain), X8)
    np.testing.assert_allclose(g, CHAIN_GRAD, rtol=1e-12)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_adkit_tensor_backward(benchmark):
    def run():
        x = adkit.Tensor(X8, requires_grad=True)
        chain(x).backward()
        return x.grad.numpy()

    np.testing.assert_allclose(benchmark(run), CHAIN_GRAD, rtol=1e-12)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_hips_autograd(benchmark):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as agnp
    g = benchmark(autograd.grad(lambda x: chain(x, xp=agnp)), X8)
    np.testing.assert_allclose(g, CHAIN_GRAD, rtol=1e-12)


LOGISTIC_SIZES = [10, 100_000]


def logistic(n):
    """w, X, y of the peers' logistic workload and the gradient by hand."""
    w, X, y = peers.logistic_args(n)
    return X, y, w, workloads.logistic_loss_grad(w, X, y)


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_loss_numpy(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, _ = logistic(n)
    assert math.isclose(benchmark(workloads.logistic_loss, w, X, y, xp=np),
                        logistic_loss_by_logaddexp(w, X, y), rel_tol=1e-13)


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_grad_numpy_by_hand(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, _ = logistic(n)
    g = benchmark(workloads.logistic_loss_grad, w, X, y)
    assert_directional_derivatives(lambda v: logistic_loss_by_logaddexp(v, X, y), w, g)


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_grad_adkit(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, g = logistic(n)
    grad = adkit.grad(workloads.logistic_loss)
    np.testing.assert_allclose(benchmark(grad, w, X, y), g, rtol=1e-10, atol=1e-14)


def scalar_mlp_step(make, grad_of):
    X, y = workloads.moons(100, seed=0)
    params = workloads.scalar_mlp_params(make=make, seed=0, **peers.SCALAR_MLP)
    loss = workloads.scalar_mlp_loss(params, X, y)
    loss.backward()
    return loss, [grad_of(p) for layer in params for neuron in layer for p in neuron]


_MLP_REFERENCE = {}


def mlp_reference():
    """The loss one point and one neuron at a time, and the gradient by hand (vectorized
    numpy), checked here against central differences of that loss."""
    if not _MLP_REFERENCE:
        params, X, y = peers.scalar_mlp_args(100)
        loss, g = workloads.scalar_mlp_by_hand(params, X, y)
        value = scalar_mlp_loss_plain(params, X, y)
        assert math.isclose(loss, value, rel_tol=1e-13)
        assert_directional_derivatives(
            lambda t: scalar_mlp_loss_plain(unflatten_like(params, t), X, y),
            peers.as_numpy(params), g)
        _MLP_REFERENCE.update(value=value, g=g)
    return _MLP_REFERENCE


def assert_scalar_mlp(loss, grads):
    ref = mlp_reference()
    assert math.isclose(loss, ref["value"], rel_tol=1e-12)
    np.testing.assert_allclose(peers.as_numpy(grads), ref["g"], rtol=1e-9, atol=1e-13)


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_adkit_tensor(benchmark):
    loss, g = benchmark(scalar_mlp_step, lambda v: adkit.Tensor(v, requires_grad=True),
                        lambda p: p.grad.item())
    assert_scalar_mlp(loss.item(), g)


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_adkit_functional(benchmark):
    params, X, y = peers.scalar_mlp_args(100)
    value, grads = benchmark(adkit.value_and_grad(workloads.scalar_mlp_loss), params, X, y)
    assert type(value) is float
    assert_scalar_mlp(value, grads)


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_micrograd(benchmark):
    engine = pytest.importorskip("micrograd.engine")
    loss, g = benchmark(scalar_mlp_step, engine.Value, lambda p: p.grad)
    assert_scalar_mlp(loss.data, g)
