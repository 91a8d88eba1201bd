"""Non-smooth and edge points on arrays, in both modes, against closed forms: ties in
maximum/minimum (elementwise, broadcasting) and in max/min reductions along axes, zero
exponents at x = 0, logsumexp over slices of -inf, and nan through the scalar paths."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import forward
from tests.closed_forms import (
    assert_jacobians,
    elementwise_jacobian,
    jacobians,
    reduction_jacobian,
    tie_weights,
)

nan, inf = math.nan, math.inf


# ---- maximum / minimum: ties on arrays, with and without broadcasting

TIE_CASES = {  # x, y: exact ties at some positions, both orders of winning at others
    "same shape": (np.array([1.0, 2.0, 3.0, 2.0]), np.array([2.0, 2.0, 1.0, 2.0])),
    "row broadcast": (np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]), np.array([2.0, 2.0, 2.0])),
    "outer broadcast": (np.array([[0.0], [1.0], [2.0]]), np.array([[2.0, 1.0, 0.0]])),
    "0-d against 1-d": (np.array(1.0), np.array([0.0, 1.0, 2.0])),
}


@pytest.mark.parametrize("case", list(TIE_CASES))
@pytest.mark.parametrize("fn,first", [(anp.maximum, True), (anp.minimum, False)])
def test_elementwise_extremum_ties_share_the_slope_evenly_on_arrays(fn, first, case):
    x, y = TIE_CASES[case]
    np.testing.assert_array_equal(fn(x, y), (np.maximum if first else np.minimum)(x, y))
    wx, wy = tie_weights(x, y, first), tie_weights(x, y, not first)
    assert (wx == 0.5).any()  # the case really has a tie
    assert_jacobians(fn, (x, y), (elementwise_jacobian(wx, x.shape),
                                  elementwise_jacobian(wy, y.shape)))


@pytest.mark.parametrize("fn", [anp.maximum, anp.minimum])
def test_extremum_ties_with_a_python_float_on_either_side(fn):
    x = np.array([1.0, 2.0, 3.0])
    first = fn is anp.maximum
    w = tie_weights(x, 2.0, first)  # [0, 1/2, 1] for maximum, [1, 1/2, 0] for minimum
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(fn(x, 2.0)))(x), w)
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(fn(2.0, x)))(x), w)
    np.testing.assert_array_equal(forward.grad(lambda x: anp.sum(fn(2.0, x)), chunk=1)(x), w)
    # the Python float's own slope: the sum of its weights
    g = adkit.grad(lambda c: anp.sum(fn(x, c)))(2.0)
    assert g == forward.derivative(lambda c: anp.sum(fn(x, c)))(2.0) == 1.5
    assert type(g) is float


def test_tensor_maximum_ties_share_the_slope():
    x = adkit.Tensor([1.0, 2.0, 2.0], requires_grad=True)
    y = adkit.Tensor([2.0, 2.0, 1.0], requires_grad=True)
    anp.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(y.grad.numpy(), [1.0, 0.5, 0.0])


# ---- max / min reductions: ties along an axis share the slope evenly

X2 = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [5.0, 0.0, 5.0], [5.0, 0.0, -1.0]])
X3 = np.array([[[1.0, 4.0], [2.0, 2.0]], [[4.0, 0.0], [2.0, 1.0]]])
T = 1.0 / 3.0
REDUCTION_CASES = [  # (name, x, axis, weights), written out by hand
    ("max", X2, (1,), [[0, .5, .5], [T, T, T], [.5, 0, .5], [1, 0, 0]]),
    ("min", X2, (1,), [[1, 0, 0], [T, T, T], [0, 1, 0], [0, 0, 1]]),
    ("max", X2, (0,), [[0, 1, 0], [0, 0, 0], [.5, 0, 1], [.5, 0, 0]]),
    ("min", X2, (0,), [[1, 0, 0], [0, 0, 0], [0, .5, 0], [0, .5, 1]]),
    ("max", X2, None, [[0, 0, 0], [0, 0, 0], [T, 0, T], [T, 0, 0]]),
    ("min", X2, (0, 1), [[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]]),
    ("max", X3, (0, 2), [[[0, .5], [T, T]], [[.5, 0], [T, 0]]]),
    ("min", X3, (0, 2), [[[0, 0], [0, 0]], [[0, 1], [0, 1]]]),
    ("max", X3, (1,), [[[0, 1], [1, 0]], [[1, 0], [0, 1]]]),
    ("min", X3, (1,), [[[1, 0], [0, 1]], [[0, 1], [1, 0]]]),
    ("max", X3, (2,), [[[0, 1], [.5, .5]], [[1, 0], [1, 0]]]),
    ("min", X3, (2,), [[[1, 0], [.5, .5]], [[0, 1], [0, 1]]]),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name,x,axis,weights", REDUCTION_CASES)
def test_reduction_ties_along_an_axis_share_the_slope_evenly(name, x, axis, weights, keepdims):
    weights = np.array(weights, dtype=float)
    fn = getattr(anp, name)
    f = lambda x: fn(x, axis=axis, keepdims=keepdims)  # noqa: E731
    np.testing.assert_array_equal(f(x), getattr(np, name)(x, axis=axis, keepdims=keepdims))
    expected = reduction_jacobian(weights, axis, keepdims)
    for mode, (J,) in jacobians(f, x).items():
        np.testing.assert_allclose(J, expected, rtol=1e-15, atol=0, err_msg=mode)


def test_reduction_ties_through_tensor_methods_and_numpy_functions():
    x = adkit.Tensor(X2, requires_grad=True)
    (x.max(axis=1).sum() + np.min(x, axis=0).sum()).backward()
    expected = np.array(REDUCTION_CASES[0][3]) + np.array(REDUCTION_CASES[3][3])
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)


# ---- x ** p with an array p containing 0, at x containing 0

def test_pow_with_zero_exponents_in_an_array_at_zero():
    x = np.array([0.0, 0.0, 0.0, 0.0, 2.0, -1.5, 3.0])
    p = np.array([0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 2.0])
    dx = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 6.0]  # p x**(p-1), and 0 wherever p == 0
    np.testing.assert_array_equal(x ** p, [1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 9.0])
    f = lambda x: x ** p  # noqa: E731
    assert_jacobians(f, (x,), (np.diag(dx),))
    assert_jacobians(lambda x: anp.power(x, p), (x,), (np.diag(dx),))
    # the other argument: d/dp x**p = x**p log x, 0 at x == 0 (only x >= 0 here)
    xp = np.abs(x)
    dp = [0.0, 0.0, 0.0, 0.0, math.log(2.0), math.log(1.5), 9.0 * math.log(3.0)]
    for mode, (J,) in jacobians(lambda p: xp ** p, p).items():
        np.testing.assert_allclose(J, np.diag(dp), rtol=1e-15, atol=0, err_msg=mode)


def test_pow_with_a_python_zero_base_and_an_array_exponent():
    p = np.array([0.0, 1.0, 2.0])
    # sum(x ** p) = 1 + x + x**2: slope 1 at x = 0
    assert adkit.grad(lambda x: anp.sum(x ** p))(0.0) == 1.0
    assert forward.derivative(lambda x: anp.sum(x ** p))(0.0) == 1.0
    # and an array base with a Python zero exponent
    np.testing.assert_array_equal(adkit.jacfwd(lambda x: x ** 0.0)(np.zeros(2)), np.zeros((2, 2)))


def test_pow_second_derivative_at_zero_with_array_exponents():
    p = np.array([0.0, 1.0, 2.0, 3.0])
    # d2/dx2 x**p = p (p-1) x**(p-2): [0, 0, 2, 0] at x = 0
    H = adkit.hessian(lambda x: anp.sum(x ** p))(np.zeros(4))
    np.testing.assert_array_equal(H, np.diag([0.0, 0.0, 2.0, 0.0]))


# ---- logsumexp over a slice of -inf

NEG_INF_ROWS = np.array([[-inf, -inf, -inf], [0.0, 1.0, -inf], [2.0, 2.0, 2.0]])


def test_logsumexp_of_an_all_minus_inf_slice_is_minus_inf():
    out = anp.logsumexp(NEG_INF_ROWS, axis=1)
    assert out[0] == -inf
    np.testing.assert_allclose(out[1:], [math.log(1.0 + math.e), 2.0 + math.log(3.0)])


def test_logsumexp_slopes_where_some_entries_are_minus_inf():
    x = NEG_INF_ROWS[1:]
    softmax = np.array([[1.0, math.e, 0.0], [1.0, 1.0, 1.0]])
    softmax /= softmax.sum(axis=1, keepdims=True)
    for mode, (J,) in jacobians(lambda x: anp.logsumexp(x, axis=1), x).items():
        np.testing.assert_allclose(J, reduction_jacobian(softmax, (1,), False), rtol=1e-15,
                                   err_msg=mode)


def test_logsumexp_slope_over_an_all_minus_inf_slice_is_not_nan():
    for mode, (J,) in jacobians(lambda x: anp.logsumexp(x, axis=1), NEG_INF_ROWS).items():
        assert not np.isnan(J).any(), mode


# ---- nan through the scalar (math) paths of maximum, minimum, relu and abs

NAN_PAIRS = [(nan, 1.0), (1.0, nan), (nan, nan), (-inf, nan), (nan, inf)]


@pytest.mark.parametrize("x,y", NAN_PAIRS)
@pytest.mark.parametrize("fn", [anp.maximum, anp.minimum])
def test_nan_propagates_through_the_scalar_extremum_as_numpy(fn, x, y):
    value = fn(x, y)
    assert type(value) is float and math.isnan(value)
    assert math.isnan((np.maximum if fn is anp.maximum else np.minimum)(x, y))
    # the scalar path's slopes are the array path's
    arrays = adkit.grad(lambda a, b: anp.sum(fn(a, b)), argnums=(0, 1))(np.array([x]),
                                                                        np.array([y]))
    want = tuple(float(a[0]) for a in arrays)
    rev = adkit.grad(fn, argnums=(0, 1))(x, y)
    fwd = forward.grad(fn, argnums=(0, 1))(x, y)
    for got in (rev, fwd):
        np.testing.assert_array_equal(got, want)
    y_rev, f_vjp = adkit.vjp(fn, x, y)
    assert math.isnan(y_rev) and math.isnan(adkit.jvp(fn, (x, y), (1.0, 1.0))[0])


@pytest.mark.parametrize("fn", [anp.relu, anp.absolute])
def test_nan_propagates_through_scalar_relu_and_abs(fn):
    assert math.isnan(fn(nan)) and math.isnan(fn(np.array([nan]))[0])
    rev, fwd = adkit.grad(fn)(nan), forward.derivative(fn)(nan)
    arr = adkit.grad(lambda x: anp.sum(fn(x)))(np.array([nan]))[0]
    np.testing.assert_array_equal([rev, fwd], [arr, arr])


def test_logsumexp_values_at_large_and_mixed_scales():
    assert anp.logsumexp(np.array([1000.0, 1000.0])) == 1000.0 + math.log(2.0)
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]])  # one shift per row, not one overall
    np.testing.assert_allclose(anp.logsumexp(x, axis=1), [1000.0 + math.log(2.0),
                                                          -1000.0 + math.log(2.0)], rtol=1e-15)
    np.testing.assert_allclose(anp.logsumexp(x.T, axis=0), anp.logsumexp(x, axis=1), rtol=0)
    out = anp.logsumexp(np.ones((1, 3)), axis=1)
    assert out.shape == (1,) and anp.logsumexp(np.ones((1, 3)), axis=1, keepdims=True).shape \
        == (1, 1)
    whole = anp.logsumexp(np.zeros(3))
    assert type(whole) is np.float64 and whole == math.log(3.0)
    assert anp.logsumexp(2.5) == 2.5


def test_float32_reductions_keep_float32_slopes():
    x = np.array([[1.0, 3.0, 3.0]], np.float32)
    for fn in (anp.max, anp.min, anp.logsumexp, anp.sum):
        assert adkit.jacfwd(lambda x, fn=fn: fn(x, axis=1))(x).dtype == np.float32
        assert adkit.grad(lambda x, fn=fn: anp.sum(fn(x, axis=1)))(x).dtype == np.float32


# ---- edge points of the newer elementwise functions, on both paths (floats and arrays)

def test_hypot_has_slope_zero_at_the_origin():
    assert adkit.grad(anp.hypot, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    assert adkit.grad(anp.hypot, argnums=(0, 1))(3.0, 4.0) == (0.6, 0.8)
    x = np.array([0.0, 3.0])
    for mode, (jx, jy) in jacobians(anp.hypot, x, 4.0 / 3.0 * x).items():
        np.testing.assert_allclose(jx, np.diag([0.0, 0.6]), rtol=1e-15, err_msg=mode)
        np.testing.assert_allclose(jy, np.diag([0.0, 0.8]), rtol=1e-15, err_msg=mode)


def test_safe_sqrt_has_slope_zero_at_zero():
    from adkit.ops import safe_sqrt
    assert adkit.grad(safe_sqrt)(0.0) == 0.0 and adkit.grad(safe_sqrt)(4.0) == 0.25
    assert type(adkit.grad(safe_sqrt)(4.0)) is float
    for mode, (J,) in jacobians(safe_sqrt, np.array([0.0, 4.0])).items():
        np.testing.assert_array_equal(J, np.diag([0.0, 0.25]), err_msg=mode)


def test_mod_slopes_are_one_and_minus_the_floor_quotient():
    for x, y in ((5.0, 3.0), (-5.0, 3.0), (5.0, -3.0), (6.0, 3.0), (7.5, 1.0)):
        assert adkit.grad(anp.mod, argnums=(0, 1))(x, y) == (1.0, -math.floor(x / y))
    x, y = np.array([5.0, -5.0, 7.5]), np.array([3.0, 3.0, 1.0])
    for mode, (jx, jy) in jacobians(anp.mod, x, y).items():
        np.testing.assert_array_equal(jx, np.eye(3), err_msg=mode)
        np.testing.assert_array_equal(jy, np.diag(-np.floor(x / y)), err_msg=mode)


def test_logaddexp_and_logaddexp2_at_equal_arguments():
    assert anp.logaddexp(1.0, 1.0) == 1.0 + math.log(2.0)
    assert anp.logaddexp2(1.0, 1.0) == 2.0
    assert anp.logaddexp2(1.0, 3.0) == np.logaddexp2(1.0, 3.0)
    assert anp.logaddexp2(1.0, 1.25) == np.logaddexp2(1.0, 1.25)
    assert anp.logaddexp(-inf, -inf) == -inf and anp.logaddexp2(inf, inf) == inf


def test_sinc_values_and_slopes_near_and_away_from_zero():
    assert anp.sinc(0.0) == 1.0 and abs(anp.sinc(1.0)) < 1e-16
    for x in (0.0, 0.05, -0.05, 0.1, 0.3, 2.5):
        slope = 0.0 if x == 0 else (math.cos(math.pi * x) - np.sinc(x)) / x
        assert math.isclose(forward.derivative(anp.sinc)(x), slope, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(adkit.grad(anp.sinc)(x), slope, rel_tol=1e-12, abs_tol=1e-15)
    x = np.array([0.0, 0.05, 0.3])
    want = [0.0] + [(math.cos(math.pi * v) - np.sinc(v)) / v for v in x[1:]]
    for mode, (J,) in jacobians(anp.sinc, x).items():
        np.testing.assert_allclose(J, np.diag(want), rtol=1e-12, atol=1e-15, err_msg=mode)
    assert math.isclose(adkit.grad(adkit.grad(anp.sinc))(0.0), -math.pi ** 2 / 3, rel_tol=1e-14)


def test_astype_of_a_scalar_is_a_numpy_scalar():
    from adkit import ops
    y = ops.astype(2.0, np.dtype(np.float32))
    assert type(y) is np.float32 and y == 2.0
    assert ops.astype(np.ones(2), np.dtype(np.float32)).dtype == np.float32


def test_dividing_by_a_python_zero_follows_numpy():
    with np.errstate(divide="ignore"):
        assert adkit.grad(lambda x: x / 0.0)(1.0) == inf
        assert forward.derivative(lambda x: x / 0.0)(1.0) == inf


def test_mod_by_zero_has_no_warning_from_its_slope():
    import warnings
    with warnings.catch_warnings():  # the value's own warning, as numpy's
        warnings.filterwarnings("ignore", "invalid value encountered in (remainder|fmod)")
        assert adkit.grad(anp.mod, argnums=1)(5.0, 0.0) == -inf
        g = adkit.grad(lambda y: anp.sum(anp.mod(np.array([5.0, 0.0, 6.0]), y)))(
            np.array([0.0, 0.0, 3.0]))
    assert g[0] == -inf and g[2] == -2.0


def test_float32_arrays_against_python_floats_keep_float32_slopes():
    x = np.array([0.5, 1.0, 2.0], np.float32)
    for f in (lambda x: anp.maximum(x, 1.5), lambda x: anp.minimum(x, 1.5)):
        assert adkit.jacfwd(f)(x).dtype == np.float32


def test_a_no_op_cast_records_nothing():
    from adkit import ops
    with adkit.count() as c:
        adkit.grad(lambda x: anp.sum(ops.astype(x, np.dtype(np.float64))))(np.ones(2))
    assert set(c.ops["record"]) == {"sum"}
