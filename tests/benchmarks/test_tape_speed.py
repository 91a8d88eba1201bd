"""Replayed tapes against the eager transforms (pytest-benchmark), in the same groups as
test_engine_speed.py and test_peer_speed.py so their rows sit together. Each benchmark
checks its result against a hand-written gradient (itself checked against central
differences in tests/test_workloads.py and test_engine_speed.py).

Targets (issue 12), as ratios within a group: tape.grad / numpy loss <= 2.5 for
logistic regression n = 10 and the MLP 32-16-16-10; tape.grad within 1.5x of the chain's
hand-written forward + backward; within 1.15x of the hand-written gradient at n = 10^5.
"""
import numpy as np
import pytest

import adkit
from adkit.study import peers, workloads

X8 = peers.CHAIN_X
CHAIN_GROUP = "per-op chain: float64[8], 1000 ops, forward+backward"


@pytest.mark.benchmark(group=CHAIN_GROUP)
def test_chain_tape_grad(benchmark):
    tape = adkit.record(workloads.sin_chain, X8)
    g = benchmark(tape.grad, X8)
    np.testing.assert_allclose(g, workloads.sin_chain_grad(X8), rtol=1e-12)


@pytest.mark.parametrize("n", [10, 100_000])
def test_logistic_tape_grad(benchmark, n):
    benchmark.group = f"logistic regression, X 256 x {n}: grad/loss"
    w, X, y = peers.logistic_args(n)
    tape = adkit.record(workloads.logistic_loss, w, X, y)
    g = benchmark(tape.grad, w, X, y)
    np.testing.assert_allclose(g, workloads.logistic_loss_grad(w, X, y), rtol=1e-10,
                               atol=1e-14)


@pytest.mark.parametrize("h", [16, 1024])
def test_mlp_tape_grad(benchmark, h):
    benchmark.group = f"MLP 32-{h}-{h}-10, batch 64: grad and loss"
    params, X, Y = peers.mlp_args(h)
    tape = adkit.record(lambda p, X, Y: workloads.mlp_params_loss(p, X, Y), params, X, Y)
    grads = benchmark(tape.grad, params, X, Y)
    want = workloads.mlp_params_grad(params, X, Y)
    np.testing.assert_allclose(peers.as_numpy(grads), peers.as_numpy(want), rtol=1e-9,
                               atol=1e-13)
