"""Peer benchmarks (pytest-benchmark) not in test_engine_speed.py: the MLP 32-h-h-10 for
every library, adkit's 10^5- and 10^6-op scalar chains, and PyTorch / JAX on the chain and
logistic workloads of test_engine_speed.py (same group names, so their rows sit together
when both files run). Each benchmark also checks its result against adkit.study.peers'
numpy reference. Run `pytest tests/benchmarks/test_peer_speed.py --benchmark-only` for the
tables; compare rows of a group as ratios. CI runs them once with --benchmark-disable.
"""
import math

import numpy as np
import pytest

from adkit.study import peers, workloads
from tests.closed_forms import assert_directional_derivatives, mlp_loss_plain, unflatten_like

_references, _cases = {}, {}


def reference(workload, size):
    if (workload, size) not in _references:
        _references[workload, size] = peers.reference(workload, size)
    return _references[workload, size]


def case(workload, library, size, kind):
    """The `kind` ("loss" or "grad") callable of a Case, compiled (jax) outside the timing.
    Cases are kept, so the loss and grad benchmarks of jax_jit share their compilations."""
    if library in ("autograd", "torch", "jax", "jax_jit"):
        pytest.importorskip("jax" if library.startswith("jax") else library)
    key = (workload, library, size)
    if key not in _cases:
        if workload == "logistic" and any(k[2] != size for k in _cases if k[0] == workload):
            _cases.clear()  # X is 200 MB a library at n = 100000
        _cases[key] = peers.make_case(workload, library, size)
    fn = getattr(_cases[key], kind)
    if library.startswith("jax"):
        fn()
    return fn


def assert_grad(workload, size, g):
    ref = reference(workload, size)
    np.testing.assert_allclose(peers.as_numpy(g), ref.grad, rtol=ref.rtol, atol=ref.atol)


def assert_loss(workload, size, value):
    ref = reference(workload, size)
    np.testing.assert_allclose(peers.as_numpy(value), [ref.loss], rtol=ref.rtol, atol=ref.atol)


# ---------------------------------------------------------- MLP 32-h-h-10 ----

MLP_H = [16, 1024]
MLP_LIBRARIES = ["numpy", "adkit", "adkit_tensor", "autograd", "torch", "jax", "jax_jit"]


CHECK = {"grad": assert_grad, "loss": assert_loss}


def assert_mlp_independently(h, kind, result):
    """The numpy rows are the reference itself: check them against what shares no code
    with them, the loss written out again and central differences of it."""
    params, X, Y = peers.mlp_args(h)
    if kind == "loss":
        assert math.isclose(float(result), mlp_loss_plain(params, X, Y), rel_tol=1e-13)
    else:
        assert_directional_derivatives(
            lambda t: mlp_loss_plain(unflatten_like(params, t), X, Y), peers.as_numpy(params),
            peers.as_numpy(result))


@pytest.mark.parametrize("kind", list(CHECK))
@pytest.mark.parametrize("h", MLP_H)
@pytest.mark.parametrize("library", MLP_LIBRARIES)
def test_mlp(benchmark, library, h, kind):
    benchmark.group = f"MLP 32-{h}-{h}-10, batch 64: grad and loss"
    result = benchmark(case("mlp", library, h, kind))
    if library == "numpy":
        assert_mlp_independently(h, kind, result)
    else:
        CHECK[kind]("mlp", h, result)


# --------------------------------------------------- deep scalar chains ----

@pytest.mark.parametrize("library", ["adkit", "adkit_tensor"])
def test_scalar_chain_1e5(benchmark, library):
    benchmark.group = "scalar chain y = x * 1.0000001, 10^5 ops: forward + backward"
    g = benchmark.pedantic(peers.make_case("deep_chain", library, 10 ** 5).grad, rounds=5)
    assert math.isclose(float(g), workloads.DEEP_FACTOR ** 10 ** 5, rel_tol=1e-9)


@pytest.mark.slow
def test_scalar_chain_1e6_tensor_backward(benchmark):
    benchmark.group = "scalar chain y = x * 1.0000001, 10^6 ops: forward + backward"
    g = benchmark.pedantic(peers.make_case("deep_chain", "adkit_tensor", 10 ** 6).grad,
                           rounds=3)
    assert math.isclose(float(g), workloads.DEEP_FACTOR ** 10 ** 6, rel_tol=1e-9)


# ---------------------------- PyTorch and JAX on test_engine_speed's workloads ----

COMPILED = ["torch", "jax", "jax_jit"]
CHAIN_GROUP = "per-op chain: float64[8], 1000 ops, forward+backward"  # as test_engine_speed


@pytest.mark.parametrize("library", COMPILED)
def test_chain_grad(benchmark, library):
    benchmark.group = CHAIN_GROUP
    assert_grad("chain", 1000, benchmark(case("chain", library, 1000, "grad")))


@pytest.mark.parametrize("library", COMPILED)
def test_chain_forward(benchmark, library):
    benchmark.group = CHAIN_GROUP
    assert_loss("chain", 1000, benchmark(case("chain", library, 1000, "loss")))


LOGISTIC_SIZES = [10, 100_000]


@pytest.mark.parametrize("kind", list(CHECK))
@pytest.mark.parametrize("n", LOGISTIC_SIZES)
@pytest.mark.parametrize("library", COMPILED)
def test_logistic(benchmark, library, n, kind):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"  # as test_engine_speed
    CHECK[kind]("logistic", n, benchmark(case("logistic", library, n, kind)))
