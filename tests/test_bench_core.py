"""Core speed benchmarks (pytest-benchmark). Each also checks its result.

Run `pytest tests/test_bench_core.py --benchmark-only` for the table; compare rows of a
group (same workload, same run) as ratios. CI runs them once with --benchmark-disable.
Peers (HIPS autograd, micrograd) are used when installed (`pip install -e '.[peers]'`).
"""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import peers, problems

X8 = peers.CHAIN_X  # the chain: 333 steps of sin, mul, add (999 ops) + the final sum
chain = peers.chain  # chain(numpy-like module, x)
chain_grad_by_hand = peers.chain_grad  # its gradient written out in numpy
CHAIN_GRAD = chain_grad_by_hand(X8)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_numpy_forward_only(benchmark):
    y = benchmark(chain, np, X8)
    assert math.isfinite(y)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_numpy_hand_written_gradient(benchmark):
    g = benchmark(chain_grad_by_hand, X8)
    np.testing.assert_allclose(g, CHAIN_GRAD)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_adkit_grad(benchmark):
    g = benchmark(adkit.grad(lambda x: chain(anp, x)), X8)
    np.testing.assert_allclose(g, CHAIN_GRAD, rtol=1e-12)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_adkit_tensor_backward(benchmark):
    def run():
        x = adkit.Tensor(X8, requires_grad=True)
        chain(anp, x).backward()
        return x.grad.numpy()

    np.testing.assert_allclose(benchmark(run), CHAIN_GRAD, rtol=1e-12)


@pytest.mark.benchmark(group="per-op chain: float64[8], 1000 ops, forward+backward")
def test_chain_hips_autograd(benchmark):
    autograd = pytest.importorskip("autograd")
    import autograd.numpy as agnp
    g = benchmark(autograd.grad(lambda x: chain(agnp, x)), X8)
    np.testing.assert_allclose(g, CHAIN_GRAD, rtol=1e-12)


LOGISTIC_SIZES = [10, 100_000]
_logistic_cache = {}


def logistic(n):
    if n not in _logistic_cache:
        X, y = problems.logistic_data(n, rows=256, seed=1)
        w = np.random.default_rng(2).standard_normal(n) * 0.1
        _logistic_cache[n] = (X, y, w, problems.logistic_loss_grad(w, X, y))
    return _logistic_cache[n]


def numpy_logistic_loss(w, X, y):
    z = -y * (X @ w)
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))))


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_loss_numpy(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, _ = logistic(n)
    assert np.isclose(benchmark(numpy_logistic_loss, w, X, y), problems.logistic_loss(w, X, y))


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_grad_numpy_by_hand(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, g = logistic(n)
    np.testing.assert_allclose(benchmark(problems.logistic_loss_grad, w, X, y), g)


@pytest.mark.parametrize("n", LOGISTIC_SIZES)
def test_logistic_grad_adkit(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    X, y, w, g = logistic(n)
    grad = adkit.grad(problems.logistic_loss)
    np.testing.assert_allclose(benchmark(grad, w, X, y), g, rtol=1e-10, atol=1e-14)


SCALAR_MLP = dict(nin=2, nouts=[16, 16, 1])


def scalar_mlp_step(make, grad_of):
    X, y = problems.moons(100, seed=0)
    params = problems.scalar_mlp_params(make=make, seed=0, **SCALAR_MLP)
    loss = problems.scalar_mlp_loss(params, X, y)
    loss.backward()
    return loss, grad_of(params[0][0][0])


_MLP_REFERENCE = {}


def mlp_reference():
    if not _MLP_REFERENCE:
        X, y = problems.moons(100, seed=0)
        params = problems.scalar_mlp_params(seed=0, **SCALAR_MLP)
        value, grads = adkit.value_and_grad(problems.scalar_mlp_loss)(params, X, y)
        _MLP_REFERENCE.update(value=value, g=grads[0][0][0])
    return _MLP_REFERENCE


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_adkit_tensor(benchmark):
    loss, g = benchmark(scalar_mlp_step, lambda v: adkit.Tensor(v, requires_grad=True),
                        lambda p: p.grad.item())
    ref = mlp_reference()
    assert math.isclose(loss.item(), ref["value"], rel_tol=1e-12)
    assert math.isclose(g, ref["g"], rel_tol=1e-9)


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_adkit_functional(benchmark):
    X, y = problems.moons(100, seed=0)
    params = problems.scalar_mlp_params(seed=0, **SCALAR_MLP)
    value, grads = benchmark(adkit.value_and_grad(problems.scalar_mlp_loss), params, X, y)
    ref = mlp_reference()
    assert type(value) is float and value == ref["value"] and grads[0][0][0] == ref["g"]


@pytest.mark.benchmark(group="scalar MLP(2, [16, 16, 1]) on 100 points: build + backward")
def test_scalar_mlp_micrograd(benchmark):
    engine = pytest.importorskip("micrograd.engine")
    loss, g = benchmark(scalar_mlp_step, engine.Value, lambda p: p.grad)
    ref = mlp_reference()
    assert math.isclose(loss.data, ref["value"], rel_tol=1e-12)
    assert math.isclose(g, ref["g"], rel_tol=1e-9)
