"""Property tests (hypothesis): random broadcasting shapes, axes and chunk sizes at smooth
points (checked against central differences), and strategies that aim at the edges on
purpose (exact ties, zeros, infinities), checked against exact closed-form derivatives."""
import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import adkit
import adkit.numpy as anp
from adkit import ops
from adkit.testing import check_grads
from tests.closed_forms import elementwise_jacobian, jacobians, reduction_jacobian, tie_weights

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, width=64)
POSITIVE = st.floats(0.3, 2.0, allow_nan=False, width=64)
BINARY = {"add": (ops.add, FLOATS), "sub": (ops.sub, FLOATS), "mul": (ops.mul, FLOATS),
          "div": (ops.div, POSITIVE), "pow": (ops.power, POSITIVE),
          "maximum": (ops.maximum, FLOATS), "minimum": (ops.minimum, FLOATS)}
SETTINGS = settings(max_examples=25, deadline=None)
SHAPES = mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3)
AXES = st.one_of(st.none(), st.lists(st.integers(0, 2), min_size=1, max_size=3,
                                     unique=True).map(lambda a: tuple(sorted(a))))


def distinct(x, y, gap):
    """No two broadcast-paired elements of x and y closer than gap."""
    return not np.any(np.abs(np.subtract(x, y)) < gap)


@SETTINGS
@given(st.sampled_from(sorted(BINARY)), SHAPES, st.data())
def test_binary_ops_broadcast_correctly_in_both_modes(name, shapes, data):
    fn, elements = BINARY[name]
    x = data.draw(arrays(np.float64, shapes.input_shapes[0], elements=FLOATS), label="x")
    y = data.draw(arrays(np.float64, shapes.input_shapes[1], elements=elements), label="y")
    if name == "pow":
        x = np.abs(x) + 0.3
    if name in ("maximum", "minimum"):
        # the slope jumps at ties, which central differences straddle: smooth points only
        # here (test_extremum_at_exact_ties checks the ties exactly)
        assume(distinct(x, y, 1e-3))
    check_grads(fn, x, y)


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3)),
              elements=FLOATS, unique=True),
       st.sampled_from(["sum", "max", "min", "logsumexp", "mean"]), AXES, st.booleans())
def test_reductions_over_any_axes(x, name, axis, keepdims):
    if name in ("max", "min"):  # smooth points only: no near-ties anywhere in x
        assume(x.size == 1 or np.min(np.diff(np.sort(x.ravel()))) > 1e-3)
    fn = getattr(anp, name)
    check_grads(lambda x: fn(x, axis=axis, keepdims=keepdims), x)


@SETTINGS
@given(st.integers(1, 7), st.integers(1, 7), st.data())
def test_jacfwd_equals_jacrev_at_any_chunk(n, m, data):
    W = data.draw(arrays(np.float64, (m, n), elements=FLOATS), label="W")
    x = data.draw(arrays(np.float64, (n,), elements=FLOATS), label="x")
    chunk = data.draw(st.integers(1, n), label="chunk")
    f = lambda x: anp.tanh(W @ x) * x[0]  # noqa: E731
    np.testing.assert_allclose(adkit.jacfwd(f, chunk=chunk)(x), adkit.jacrev(f)(x),
                               rtol=1e-12, atol=1e-14)


# ---- the edges on purpose: few distinct values, so ties, zeros and infinities are common

TIES = st.sampled_from([-1.0, 0.0, 1.0, 2.0])
WITH_INF = st.sampled_from([-math.inf, -1.0, 0.0, 1.0, math.inf])


@SETTINGS
@given(st.sampled_from(["maximum", "minimum"]), SHAPES, st.sampled_from([TIES, WITH_INF]),
       st.data())
def test_extremum_at_exact_ties_and_infinities(name, shapes, values, data):
    x = data.draw(arrays(np.float64, shapes.input_shapes[0], elements=values), label="x")
    y = data.draw(arrays(np.float64, shapes.input_shapes[1], elements=values), label="y")
    first = name == "maximum"
    np.testing.assert_array_equal(getattr(anp, name)(x, y), getattr(np, name)(x, y))
    expected = (elementwise_jacobian(tie_weights(x, y, first), x.shape),
                elementwise_jacobian(tie_weights(x, y, not first), y.shape))
    for mode, got in jacobians(getattr(anp, name), x, y).items():
        for g, e in zip(got, expected):
            np.testing.assert_array_equal(g, e, err_msg=mode)


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3)),
              elements=st.sampled_from([-1.0, 0.0, 1.0, math.inf])),
       st.sampled_from(["max", "min"]), AXES, st.booleans())
def test_reduction_ties_share_the_slope_evenly(x, name, axis, keepdims):
    ext = getattr(np, name)(x, axis=axis, keepdims=True)
    hit = (x == ext).astype(float)
    weights = hit / hit.sum(axis=axis, keepdims=True)  # each tied extreme gets 1/count
    f = lambda x: getattr(anp, name)(x, axis=axis, keepdims=keepdims)  # noqa: E731
    np.testing.assert_array_equal(f(x), getattr(np, name)(x, axis=axis, keepdims=keepdims))
    for mode, (J,) in jacobians(f, x).items():
        np.testing.assert_allclose(J, reduction_jacobian(weights, axis, keepdims), rtol=1e-15,
                                   atol=0, err_msg=mode)


@SETTINGS
@given(st.integers(1, 6), st.data())
def test_power_at_zero_bases_and_zero_exponents(n, data):
    x = data.draw(arrays(np.float64, (n,), elements=st.sampled_from([0.0, 0.5, 1.0, 2.0])),
                  label="x")
    p = data.draw(arrays(np.float64, (n,), elements=st.sampled_from([0.0, 1.0, 2.0, 3.0])),
                  label="p")
    # d/dx x**p = p x**(p-1), 0 where p == 0; d/dp x**p = x**p log x, 0 where x == 0
    dx = np.where(p == 0, 0.0, p * x ** np.maximum(p - 1, 0.0))
    dp = np.where(x == 0, 0.0, x ** p * np.log(np.where(x == 0, 1.0, x)))
    for mode, (jx, jp) in jacobians(lambda x, p: x ** p, x, p).items():
        np.testing.assert_array_equal(jx, np.diag(dx), err_msg=mode)
        np.testing.assert_allclose(jp, np.diag(dp), rtol=1e-15, atol=0, err_msg=mode)


@SETTINGS
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4)),
              elements=st.sampled_from([-math.inf, -1.0, 0.0, 2.0])))
def test_logsumexp_ignores_minus_inf_entries(x):
    x = x.copy()
    x[:, 0] = np.where(np.isinf(x[:, 0]), 0.0, x[:, 0])  # every row has a finite entry
    e = np.exp(x)
    softmax = e / e.sum(axis=1, keepdims=True)  # exactly 0 at the -inf entries
    np.testing.assert_allclose(anp.logsumexp(x, axis=1), np.log(e.sum(axis=1)), rtol=1e-15)
    for mode, (J,) in jacobians(lambda x: anp.logsumexp(x, axis=1), x).items():
        np.testing.assert_allclose(J, reduction_jacobian(softmax, (1,), False), rtol=1e-14,
                                   atol=0, err_msg=mode)
