"""Elementwise losses at n = 10^5 (issue 14): sum of squares and Rosenbrock, each path
beside its hand-written numpy counterpart in one group, so a row's ratio to the numpy
rows is read off one run.

Targets: adkit.grad within 2x of the hand-written gradient, adkit.jvp within 1.5x of the
hand-written loss + directional derivative, the same through a replayed tape within 1.3x.
Every benchmark checks its result (the hand-written ones against central differences in
tests/test_workloads.py).
"""
import numpy as np
import pytest

import adkit
from adkit.study import workloads

N = 100_000
X = np.random.default_rng(0).standard_normal(N)
V = np.random.default_rng(1).standard_normal(N)


def sum_of_squares_jvp_by_hand(x, v):
    return np.sum(x * x), 2.0 * np.dot(x, v)


def rosenbrock_jvp_by_hand(x, v):
    a, b, va, vb = x[:-1], x[1:], v[:-1], v[1:]
    r, s = b - a * a, 1.0 - a
    return np.sum(100.0 * r * r + s * s), np.sum(200.0 * r * (vb - 2.0 * a * va) - 2.0 * s * va)


LOSSES = {"sum of squares": (workloads.sum_of_squares, workloads.sum_of_squares_grad,
                             sum_of_squares_jvp_by_hand),
          "Rosenbrock": (workloads.rosenbrock, workloads.rosenbrock_grad, rosenbrock_jvp_by_hand)}
PATHS = ["numpy loss", "numpy gradient by hand", "numpy loss + jvp by hand", "adkit.grad",
         "adkit.jvp", "tape.grad", "tape.jvp"]


def replayed(f):
    tape = adkit.record(f, X)
    tape.grad(X), tape.grad(X)  # the second call compiles the gradient sweep
    tape.jvp((X,), (V,)), tape.jvp((X,), (V,))
    return tape


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("loss", list(LOSSES))
def test_elementwise_loss(benchmark, loss, path):
    benchmark.group = f"{loss}, n = 10^5"
    f, grad_by_hand, jvp_by_hand = LOSSES[loss]
    value, slope = jvp_by_hand(X, V)
    gradient = grad_by_hand(X)
    run = {"numpy loss": lambda: f(X, xp=np),
           "numpy gradient by hand": lambda: grad_by_hand(X),
           "numpy loss + jvp by hand": lambda: jvp_by_hand(X, V),
           "adkit.grad": lambda: adkit.grad(f)(X),
           "adkit.jvp": lambda: adkit.jvp(f, (X,), (V,))}
    if path.startswith("tape"):
        tape = replayed(f)
        run = {"tape.grad": lambda: tape.grad(X), "tape.jvp": lambda: tape.jvp((X,), (V,))}
    out = benchmark(run[path])
    if "grad" in path:
        np.testing.assert_allclose(out, gradient, rtol=1e-12, atol=1e-9)
    elif "jvp" in path:
        np.testing.assert_allclose(out, (value, slope), rtol=1e-10)
    else:
        assert np.isclose(out, value, rtol=1e-12)
