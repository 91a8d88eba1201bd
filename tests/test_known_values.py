"""Exact values: Baydin et al. 2018, every example in the seed tutorials, Rosenbrock,
and the edge cases of pow."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward, reverse
from adkit.study import workloads as problems

X1, X2 = problems.BAYDIN_POINT
VALUE = problems.BAYDIN_VALUE
GRAD = problems.BAYDIN_GRAD


# ---- Baydin et al. 2018: f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5)

def test_baydin_value():
    assert problems.baydin(X1, X2) == VALUE == 11.652071455223084


def test_baydin_reverse_mode():
    value, grad = adkit.value_and_grad(problems.baydin, argnums=(0, 1))(X1, X2)
    assert value == VALUE
    assert grad == GRAD == (5.5, 1.7163378145367738)
    assert all(type(g) is float for g in grad)
    assert reverse.grad(problems.baydin, argnums=(0, 1))(X1, X2) == GRAD


def test_baydin_forward_mode():
    assert forward.grad(problems.baydin, argnums=(0, 1))(X1, X2) == GRAD
    y, dy = adkit.jvp(problems.baydin, (X1, X2), (1.0, 0.0))
    assert (y, dy) == (VALUE, GRAD[0])
    y, dy = adkit.jvp(problems.baydin, (X1, X2), (0.0, 1.0))
    assert (y, dy) == (VALUE, GRAD[1])


def test_baydin_dual_numbers_by_hand():
    y = problems.baydin(adkit.Dual(X1, 1.0), X2)
    assert (y.value, y.tangent) == (VALUE, GRAD[0])


def test_baydin_tensor_api():
    x1, x2 = Tensor(X1, requires_grad=True), Tensor(X2, requires_grad=True)
    y = problems.baydin(x1, x2)
    assert y.item() == VALUE
    y.backward()
    assert (x1.grad.item(), x2.grad.item()) == GRAD


def test_baydin_with_plain_numpy_functions_on_arrays():
    f = lambda x: np.log(x[0]) + x[0] * x[1] - np.sin(x[1])  # noqa: E731
    x = np.array([X1, X2])
    np.testing.assert_array_equal(adkit.grad(f)(x), GRAD)
    np.testing.assert_array_equal(forward.grad(f)(x), GRAD)


# ---- the seed tutorials

def test_seed_x_squared_plus_x():
    x = Tensor(2.0, requires_grad=True)
    y = x * x + x
    y.backward()
    assert x.grad.item() == 5.0


def test_seed_chain_x_times_3_plus_5():
    x = Tensor(2.0, requires_grad=True)
    y = x * 3
    z = y + 5
    z.backward()
    assert x.grad.item() == 3.0
    assert z.grad_fn.name() == "AddBackward0"
    assert y.grad_fn.name() == "MulBackward0"


def test_seed_gradients_accumulate_14_then_28():
    x = Tensor(2.0, requires_grad=True)
    y = x ** 3 + 2 * x + 1
    y.backward()
    assert repr(x.grad) == "tensor(14.)"
    y = x ** 3 + 2 * x + 1
    y.backward()
    assert repr(x.grad) == "tensor(28.)"
    x.grad.zero_()
    assert x.grad.item() == 0.0


def test_seed_exercise_3x2_4x_5_three_backwards_give_16_32_48():
    x = Tensor(2.0, requires_grad=True)
    seen = []
    for _ in range(3):
        y = 3 * x ** 2 + 4 * x + 5
        y.backward()
        seen.append(x.grad.item())
    assert seen == [16.0, 32.0, 48.0]


def test_seed_no_grad_then_backward_raises_and_grad_is_unchanged():
    x = Tensor(2.0, requires_grad=True)
    (3 * x ** 2 + 4 * x + 5).backward()
    before = x.grad.item()
    with adkit.no_grad():
        y = 3 * x ** 2 + 4 * x + 5
        assert y.requires_grad is False and y.grad_fn is None
        with pytest.raises(RuntimeError,
                           match="element 0 of tensors does not require grad and does not "
                                 "have a grad_fn"):
            y.backward()
    assert x.grad.item() == before


def test_seed_detach_stops_tracking():
    x = Tensor(2.0, requires_grad=True)
    d = x.detach()
    assert d.requires_grad is False and d.item() == 2.0
    with pytest.raises(RuntimeError, match="does not require grad"):
        (d * 3).backward()


def test_seed_grad_fn_of_x_times_2():
    x = Tensor(3.0, requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == "MulBackward0"
    assert "MulBackward0" in repr(y.grad_fn)
    assert x.grad_fn is None and x.is_leaf


def test_seed_vector_a_squared_sum():
    a = Tensor([2.0, 3.0], requires_grad=True)
    b = (a ** 2).sum()
    b.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [4.0, 6.0])
    assert repr(a.grad) == "tensor([4., 6.])"


def test_seed_2x3_4x_1_at_3_gives_58():
    x = Tensor(3.0, requires_grad=True)
    y = 2 * x ** 3 + 4 * x + 1
    assert y.grad_fn is not None
    y.backward()
    assert x.grad.item() == 58.0


def test_seed_a_plus_b_times_c():
    a, b, c = (Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0))
    f = (a + b) * c
    f.backward()
    assert (a.grad.item(), b.grad.item(), c.grad.item()) == (10.0, 10.0, -1.0)


def test_seed_value_used_twice_accumulates():
    x = Tensor(2.0, requires_grad=True)
    (x + x).backward()
    assert x.grad.item() == 2.0
    x, y = Tensor(2.0, requires_grad=True), Tensor(3.0, requires_grad=True)
    z = (x + y) * x
    z.backward()
    assert (z.item(), x.grad.item(), y.grad.item()) == (10.0, 7.0, 2.0)
    x, y = Tensor(2.0, requires_grad=True), Tensor(3.0, requires_grad=True)
    (x * y).backward()
    assert (x.grad.item(), y.grad.item()) == (3.0, 2.0)


def test_seed_chain_plus3_times2_relu_sum():
    x = Tensor([-4.0, -1.0, 2.0], requires_grad=True)
    loss = anp.relu((x + 3) * 2).sum()
    loss.backward()
    assert loss.item() == 0.0 + 4.0 + 10.0
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 2.0, 2.0])


def test_seed_mixing_tracked_and_untracked():
    a = Tensor(5.0, requires_grad=True)
    b = Tensor(4.0)
    (a * b).backward()
    assert a.grad.item() == 4.0 and b.grad is None


# ---- Rosenbrock and pow edge cases

def test_rosenbrock_gradient_at_known_points():
    x = np.array([-1.2, 1.0])
    expected = [-215.6, -88.0]  # the classic starting point
    np.testing.assert_allclose(adkit.grad(problems.rosenbrock)(x), expected, rtol=1e-14)
    np.testing.assert_allclose(forward.grad(problems.rosenbrock)(x), expected, rtol=1e-14)
    np.testing.assert_array_equal(adkit.grad(problems.rosenbrock)(np.ones(5)), np.zeros(5))
    x = np.random.default_rng(3).standard_normal(7)
    np.testing.assert_allclose(adkit.grad(problems.rosenbrock)(x), problems.rosenbrock_grad(x),
                               rtol=1e-13)


def test_pow_edges_x_to_the_zero_and_zero_to_the_p():
    # d/dx x**0 = 0 everywhere, also at x = 0 (not 0 * 0**-1 = nan)
    assert adkit.grad(lambda x: x ** 0)(0.0) == 0.0
    assert forward.derivative(lambda x: x ** 0)(0.0) == 0.0
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(x ** 0.0))(np.zeros(3)),
                                  np.zeros(3))
    # d/dp 0**p = 0 (taken as 0 at x = 0), d/dx x**1 at 0 = 1, d/dx x**2 at 0 = 0
    assert adkit.grad(lambda p: 0.0 ** p)(2.0) == 0.0
    assert adkit.grad(lambda x: x ** 1)(0.0) == 1.0
    assert adkit.grad(lambda x: x ** 2)(0.0) == 0.0
    assert adkit.grad(lambda x, p: x ** p, argnums=(0, 1))(0.0, 3.0) == (0.0, 0.0)
    # a negative base with an integer exponent
    assert adkit.grad(lambda x: x ** 3)(-2.0) == 12.0
    assert math.isclose(adkit.grad(lambda p: 2.0 ** p)(3.0), 8 * math.log(2.0))


def test_python_floats_stay_floats():
    g = adkit.grad(lambda x: anp.sin(x) * x)(1.0)
    assert type(g) is float
    assert g == math.cos(1.0) * 1.0 + math.sin(1.0)
    assert type(forward.derivative(anp.exp)(0.0)) is float
