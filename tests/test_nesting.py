"""Nested derivatives through function-style ops (not only Python operators): every op
here meets an outer and an inner traced value in one call, so bind must hand it to the
innermost level. Each case is a perturbation-confusion test, d/dx [x * d/dy g(x, y)],
with a closed-form answer, in every pair of modes."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward

D = {"fwd": forward.derivative, "rev": adkit.grad}
PAIRS = [(o, i) for o in D for i in D]
MASK = np.array([True, False])

user_mul = adkit.primitive(lambda a, b: a * b, name="user_mul",
                           jvp=(lambda t, ans, a, b: t * b, lambda t, ans, a, b: t * a),
                           vjp=(lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a),
                           batched=True)


def confusion(inner, g, y0):
    """x -> x * d/dy g(x, y) at y = y0, the inner derivative by `inner`."""
    return lambda x: x * D[inner](lambda y: g(x, y))(y0)


# (name, g(x, y), y0, d/dx [x * dg/dy(x, y0)] at x = 3), dg/dy worked out by hand
CASES = [
    ("multiply", lambda x, y: anp.multiply(x, y), 2.0, 6.0),  # x * x -> 2x
    ("multiply, reversed", lambda x, y: anp.multiply(y, x), 2.0, 6.0),
    ("multiply, nested", lambda x, y: anp.multiply(anp.multiply(x, y), y), 1.0, 12.0),
    # x * 2xy at y = 1 = 2x^2 -> 4x
    ("maximum, x wins", lambda x, y: anp.maximum(x, y) * y, 1.0, 6.0),  # x y -> x
    ("maximum, y wins", lambda x, y: anp.maximum(y, x) * y, 5.0, 10.0),  # y^2 -> 2y = 10
    ("minimum", lambda x, y: anp.minimum(x, y) * y, 5.0, 6.0),  # x y -> x
    ("maximum tie", lambda x, y: anp.maximum(x, x * y), 1.0, 3.0),  # tie at y=1: x/2 -> x^2/2
    ("where", lambda x, y: anp.sum(anp.where(MASK, x, y) * y), 1.0, 8.0),
    # x y + y^2 -> x + 2 at y = 1 -> x^2 + 2x -> 2x + 2
    ("where, reversed", lambda x, y: anp.sum(anp.where(MASK, y, x) * x), 1.0, 6.0),
    # x y + x^2 -> x -> x^2 -> 2x
    ("user primitive", lambda x, y: user_mul(x, y), 2.0, 6.0),
    ("user primitive of boxes", lambda x, y: user_mul(user_mul(x, y), y), 1.0, 12.0),
    ("exp method", lambda x, y: (x * y).exp(), 0.0, 6.0),  # d/dy e^(xy) at 0 = x -> x^2
    ("sum method", lambda x, y: (anp.multiply(x, y) * np.ones(3)).sum(), 2.0, 18.0),
    # 3 x y -> 3x -> 3x^2 -> 6x
    ("sin method", lambda x, y: anp.multiply(x, y).sin(), 0.0, 6.0),  # x cos(0) = x -> x^2
    ("numpy function", lambda x, y: np.multiply(x, np.exp(y)), 0.0, 6.0),  # x e^y -> x
]


@pytest.mark.parametrize("outer,inner", PAIRS)
@pytest.mark.parametrize("name,g,y0,expected", CASES, ids=[c[0] for c in CASES])
def test_no_perturbation_confusion_through_function_style_ops(name, g, y0, expected, outer,
                                                              inner):
    assert D[outer](confusion(inner, g, y0))(3.0) == expected


@pytest.mark.parametrize("outer,inner", PAIRS)
def test_closure_inner_derivative_through_functions(outer, inner):
    # d/dx [ d/dy (x * y * exp(y)) at y = x ] = d/dx [x (1 + x) e^x] = (1 + 3x + x^2) e^x
    f = lambda x: D[inner](lambda y: anp.multiply(x, y * anp.exp(y)))(x)  # noqa: E731
    x = 0.5
    assert math.isclose(D[outer](f)(x), (1 + 3 * x + x * x) * math.exp(x), rel_tol=1e-14)


@pytest.mark.parametrize("outer,inner", PAIRS)
def test_array_nesting_through_sum_and_where(outer, inner):
    # the inner derivative d/dy sum(where(m, x y, y^2)) at y = 1 is x0 + x2 + 2 (m masks
    # x1 out), so f(x) = sum(x) (x0 + x2 + 2) and df/dx_j = (x0 + x2 + 2) + sum(x) m_j
    m = np.array([True, False, True])
    x = np.array([1.0, 2.0, 3.0])

    def f(x):
        inner_d = D[inner](lambda y: anp.sum(anp.where(m, anp.multiply(x, y), y * y)))(1.0)
        return anp.sum(x) * inner_d

    expected = (x[0] + x[2] + 2.0) + x.sum() * m
    grad = {"fwd": forward.grad, "rev": adkit.grad}[outer]
    np.testing.assert_array_equal(grad(f)(x), expected)


@pytest.mark.parametrize("inner", list(D))
def test_tensor_graph_through_a_transform_and_function_style_ops(inner):
    # y = x * d/dt multiply(x, t) = x^2 on the Tensor graph: dy/dx = 2x
    x = Tensor(3.0, requires_grad=True)
    y = x * D[inner](lambda t: anp.multiply(x, t))(2.0)
    y.backward()
    assert y.item() == 9.0 and x.grad.item() == 6.0
    # through maximum and a method: d/dt max(x, t) * t at t = 1 = x -> x^2 again
    x = Tensor(3.0, requires_grad=True)
    z = (x * D[inner](lambda t: anp.maximum(x, t) * t)(1.0)).exp()
    z.backward()
    assert math.isclose(x.grad.item(), 6.0 * math.exp(9.0), rel_tol=1e-14)


@pytest.mark.parametrize("a,b,c", [(o, m, i) for o in D for m in D for i in D])
def test_three_levels_through_functions(a, b, c):
    # d/dx d/dy d/dz [multiply(x, multiply(y, z)) + maximum(x, y) * z]
    #   at y = 2, z = 1, x = 5 (x > y: maximum = x): d/dz = x y + x, d/dy = x, d/dx = 1
    def h(x):
        return D[b](lambda y: D[c](
            lambda z: anp.multiply(x, anp.multiply(y, z)) + anp.maximum(x, y) * z)(1.0))(2.0)
    assert D[a](h)(5.0) == 1.0
