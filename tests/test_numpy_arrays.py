"""Exact values of the array functions' derivatives where they are known or conventional:
prod and cumprod at zeros (every mode, second order too), sort at ties, sinc at 0, mod,
hypot at the origin, fmax with ties and nans, astype, lists of traced values, and the
errors for what adkit cannot honour."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor
from adkit.testing import check_grads

JACOBIANS = {"fwd": adkit.jacfwd, "rev": adkit.jacrev}


def jacobians(f, x):
    """f's Jacobian at x in forward and in reverse mode."""
    return [jac(f)(x) for jac in JACOBIANS.values()]


def hessians(f, x):
    """f's Hessian four ways: forward/reverse over forward/reverse."""
    return [outer(inner(f))(x) for outer in JACOBIANS.values() for inner in JACOBIANS.values()]


@pytest.mark.parametrize("x,grad", [([2.0, 3.0, 0.0], [0.0, 0.0, 6.0]),
                                    ([0.0, 3.0, 0.0], [0.0, 0.0, 0.0]),
                                    ([2.0, 3.0, 4.0], [12.0, 8.0, 6.0])])
def test_prod_gradient_is_the_product_of_the_others_even_at_zeros(x, grad):
    for g in jacobians(anp.prod, np.array(x)):
        np.testing.assert_array_equal(g, grad)


def test_prod_hessian_at_one_and_two_zeros():
    want = {(2.0, 3.0, 0.0): [[0, 0, 3], [0, 0, 2], [3, 2, 0]],
            (0.0, 3.0, 0.0): [[0, 0, 3], [0, 0, 0], [3, 0, 0]]}
    for x, h in want.items():
        for got in hessians(anp.prod, np.array(x)):
            np.testing.assert_array_equal(got, h)


def test_prod_over_axes_with_zeros_matches_the_product_of_the_others():
    x = np.array([[[1.5, 0.0], [2.0, -1.0]], [[0.5, 4.0], [0.0, 0.0]]])
    for axis in [None, 0, 1, 2, (0, 2)]:
        g = adkit.grad(lambda y, axis=axis: anp.sum(anp.prod(y, axis) * 1.0))(x)
        others = np.zeros_like(x)
        for i in np.ndindex(x.shape):  # d/dx_i of sum(prod(x, axis)), one element at a time
            e = np.zeros_like(x)
            e[i] = 1.0
            others[i] = (np.prod(x + e, axis) - np.prod(x, axis)).sum()  # linear in x_i
        np.testing.assert_array_equal(g, others)


def test_cumprod_jacobian_with_zeros():
    want = [[1, 0, 0, 0], [0, 2, 0, 0], [0, 6, 0, 0], [0, 0, 0, 0]]
    for jac in jacobians(anp.cumprod, np.array([2.0, 0.0, 3.0, 0.0])):
        np.testing.assert_array_equal(jac, want)
    # second order at two zeros: d^2 cumprod(x)[3] / dx1 dx3 = x0 x2 = 6
    for h in hessians(lambda x: anp.cumprod(x)[3], np.array([2.0, 0.0, 3.0, 0.0])):
        np.testing.assert_array_equal(h, [[0, 0, 0, 0], [0, 0, 0, 6], [0, 0, 0, 0], [0, 6, 0, 0]])


def test_cumsum_transpose_is_the_reversed_cumsum():
    _, f_vjp = adkit.vjp(lambda x: anp.cumsum(x, axis=1), np.zeros((2, 4)))
    np.testing.assert_array_equal(f_vjp(np.ones((2, 4)))[0], [[4, 3, 2, 1]] * 2)


def test_sort_at_ties_follows_the_stable_order():
    x = np.array([2.0, 1.0, 2.0, 1.0])
    perm = np.eye(4)[[1, 3, 0, 2]]  # sorted[i] = x[argsort(x, kind="stable")[i]]
    for jac in jacobians(anp.sort, x):
        np.testing.assert_array_equal(jac, perm)
    t = Tensor(x, requires_grad=True)
    (np.sort(t) * np.arange(4.0)).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [2.0, 0.0, 3.0, 1.0])


def test_sinc_derivatives_at_zero():
    assert adkit.grad(anp.sinc)(0.0) == 0.0
    assert math.isclose(adkit.grad(adkit.grad(anp.sinc))(0.0), -math.pi ** 2 / 3, rel_tol=1e-14)
    assert adkit.jacfwd(anp.sinc)(np.zeros(2)).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert type(anp.sinc(0.0)) is float and anp.sinc(0.0) == 1.0


def test_mod_slopes_and_operators():
    assert adkit.grad(anp.mod, argnums=(0, 1))(7.5, 2.0) == (1.0, -3.0)
    assert adkit.grad(anp.remainder, argnums=(0, 1))(-7.5, 2.0) == (1.0, 4.0)
    assert adkit.grad(lambda x: x % 2.0)(7.5) == 1.0
    assert adkit.grad(lambda y: 7.5 % y)(2.0) == -3.0
    assert adkit.grad(lambda x: np.mod(x, 2.0).sum())(np.array([7.5, -1.0])).tolist() == [1, 1]
    assert anp.mod(-1.0, 3.0) == 2.0 and type(anp.mod(-1.0, 3.0)) is float


def test_hypot_has_slope_zero_at_the_origin():
    assert adkit.grad(anp.hypot, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    assert adkit.grad(anp.hypot, argnums=(0, 1))(3.0, 4.0) == (0.6, 0.8)
    g = adkit.grad(lambda x: anp.sum(anp.hypot(x, 0.0)))(np.array([0.0, -2.0]))
    np.testing.assert_array_equal(g, [0.0, -1.0])


def test_fmax_fmin_split_ties_and_skip_nans():
    assert adkit.grad(anp.fmax, argnums=(0, 1))(2.0, 2.0) == (0.5, 0.5)
    assert adkit.grad(anp.fmin, argnums=(0, 1))(2.0, math.nan) == (1.0, 0.0)
    g = adkit.grad(lambda x: anp.sum(anp.fmax(x, np.array([np.nan, 5.0, 0.0]))))(np.ones(3))
    np.testing.assert_array_equal(g, [1.0, 0.0, 1.0])


def test_nan_to_num_has_slope_zero_where_it_replaces():
    g = adkit.grad(lambda x: anp.sum(anp.nan_to_num(x + np.array([0.0, np.inf, np.nan]))))(
        np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0])


def test_astype_float_keeps_the_derivative_int_is_constant():
    x = np.array([1.25, 2.5])
    g = adkit.grad(lambda x: anp.sum(x.astype(np.float32) * 2 + x.astype(int)))(x)
    assert g.dtype == np.float64 and g.tolist() == [2.0, 2.0]
    assert adkit.jacfwd(lambda x: x.astype(np.float32))(x).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        adkit.grad(lambda x: anp.sum(x.astype(complex)))(x)


def test_lists_of_traced_values_are_arrays():
    assert adkit.grad(lambda x: anp.mean([x, x + 2.0]))(1.5) == 1.0
    assert adkit.grad(lambda x, y: anp.sum([x, y * 3]), argnums=(0, 1))(1.0, 2.0) == (1.0, 3.0)
    assert adkit.grad(lambda x: anp.max([x, 2 * x]))(1.0) == 2.0
    np.testing.assert_array_equal(
        adkit.grad(lambda x: anp.sum(anp.cumprod([x, x])))(3.0), 1 + 2 * 3.0)


def test_refusals_name_the_argument():
    x = np.ones((2, 3))
    with pytest.raises(TypeError, match="x.sort\\(\\) sorts in place"):
        adkit.grad(lambda x: x.sort())(x)
    with pytest.raises(TypeError, match="mode='mean' on a traced array"):
        adkit.grad(lambda x: anp.sum(anp.pad(x, 1, mode="mean")))(x)
    with pytest.raises(TypeError, match="order= is not supported"):
        anp.sort(x, order="a")
    with pytest.raises(TypeError, match="out= is not supported"):
        anp.cumsum(x, out=np.empty(6))
    with pytest.raises(TypeError, match="constant_values must be plain numbers"):
        adkit.grad(lambda x: anp.sum(anp.pad(np.ones(2), 1, constant_values=x)))(1.0)
    with pytest.raises(TypeError, match="directive 'r'"):
        anp.r_["r", x, x]
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds"):
        anp.cumsum(x, axis=2)
    with pytest.raises(ValueError, match="equal division"):
        anp.split(np.ones(5), 2)


DTYPED = [("sum", {}), ("mean", {}), ("prod", {}), ("cumsum", {}), ("cumprod", {}),
          ("sum", {"axis": 0}), ("mean", {"axis": 1, "keepdims": True})]


@pytest.mark.parametrize("name,kw", DTYPED)
@pytest.mark.parametrize("dtype", [np.float32, np.int64, int])
def test_dtype_is_the_accumulator_and_result_type_as_numpys(name, kw, dtype):
    x = np.array([[1.5, 2.25, -3.75], [0.5, 4.0, 2.5]])
    ours, theirs = getattr(anp, name)(x, dtype=dtype, **kw), getattr(np, name)(x, dtype=dtype, **kw)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    assert np.result_type(ours) == np.result_type(theirs)
    if np.dtype(dtype).kind == "f":  # a float dtype keeps the derivative
        g = adkit.grad(lambda v: anp.sum(getattr(anp, name)(v, dtype=dtype, **kw)))(x)
        want = adkit.grad(lambda v: anp.sum(getattr(anp, name)(v, **kw)))(x)
        np.testing.assert_allclose(g, want, rtol=1e-5)
    else:  # an integer one is a constant, as astype(int): its tangent is zero
        _, t = adkit.jvp(lambda v: getattr(anp, name)(v, dtype=dtype, **kw), (x,),
                         (np.ones_like(x),))
        np.testing.assert_array_equal(t, np.zeros(np.shape(theirs)))


def test_var_std_trace_and_joining_take_numpys_dtype_casting_and_correction():
    x = np.array([1.5, 2.5, 3.75])
    for name in ("var", "std"):
        for kw in ({"dtype": np.float32}, {"correction": 1}, {"ddof": 1}):
            ours, theirs = getattr(anp, name)(x, **kw), getattr(np, name)(x, **kw)
            np.testing.assert_allclose(ours, theirs, rtol=1e-6)
            assert np.result_type(ours) == np.result_type(theirs)
        with pytest.raises(TypeError, match=f"{name}\\(dtype=int64\\): adkit computes"):
            getattr(anp, name)(x, dtype=np.int64)
        with pytest.raises(ValueError, match="ddof and correction"):
            getattr(anp, name)(x, ddof=1, correction=1)
        with pytest.raises(TypeError, match="mean= is not supported .adkit computes the mean"):
            getattr(anp, name)(x, mean=2.0)
        with pytest.raises(TypeError, match="unexpected keyword"):
            getattr(anp, name)(x, bogus=1)
    assert anp.trace(np.eye(2) * 1.5, dtype=int) == np.trace(np.eye(2) * 1.5, dtype=int) == 2
    for name in ("concatenate", "stack", "hstack", "vstack"):
        ours = getattr(anp, name)([x, x], dtype=np.float32)
        np.testing.assert_array_equal(ours, getattr(np, name)([x, x], dtype=np.float32))
        assert ours.dtype == np.float32
        with pytest.raises(TypeError, match="from float64 to int64 according to the rule "
                                            "'same_kind'"):
            getattr(anp, name)([x, x], dtype=int)
    with pytest.raises(TypeError, match="from int64 to float64 according to the rule 'no'"):
        anp.concatenate([x, np.arange(2)], casting="no")
    g = adkit.grad(lambda v: anp.sum(anp.stack([v, v * v], dtype=np.float32)))(x)
    np.testing.assert_allclose(g, 1 + 2 * x, rtol=1e-6)


def test_plain_inputs_give_numpys_values_and_types():
    x = np.arange(6.0).reshape(2, 3)
    assert anp.pad(np.arange(4), 1, mode="mean").tolist() == np.pad(np.arange(4), 1,
                                                                       mode="mean").tolist()
    assert anp.diag(np.array([1, 2])).dtype == np.diag(np.array([1, 2])).dtype
    assert anp.r_[1.0, x[0]].tolist() == np.r_[1.0, x[0]].tolist()
    for name in ["prod", "cumsum", "cumprod", "sort", "flip", "tril"]:
        np.testing.assert_array_equal(getattr(anp, name)(x), getattr(np, name)(x))


def test_methods_and_plain_numpy_calls_on_traced_arrays():
    x = np.array([[2.0, 0.5, 3.0], [1.5, 4.0, 0.25]])

    def f(x):
        return (x.prod(axis=1).sum() + x.cumsum(1).sum() + x.cumprod().sum()
                + x.repeat(2, axis=0).sum() + x.take([0, 4]).sum() + x.trace(1)
                + x.diagonal().sum() + np.multiply.reduce(x, axis=0).sum()
                + np.cumsum(x).sum() + np.prod(np.tile(x, 2)) + np.sort(x)[:, 0].sum()
                + np.roll(x, 1)[0, 0] + np.pad(x, 1, mode="edge").sum() + np.hypot(x, 1.0).sum())

    check_grads(f, x)
    t = Tensor(x, requires_grad=True)
    assert isinstance(np.cumprod(t), Tensor) and isinstance(anp.r_[t[0], t[1]], Tensor)
    np.testing.assert_array_equal(t.argsort(), np.argsort(x))
    assert t.argmax() == np.argmax(x)
