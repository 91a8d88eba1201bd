"""Graph shapes the reverse sweep must get right, with closed-form answers: fan-out,
diamonds (balanced and not), a shared subexpression, a leaf reused in several places, a
node used twice by one op, long fan-in; and retain_grad on a diamond's inner nodes.

A sweep that visits a node before every use of it has added its adjoint, or that
overwrites an adjoint instead of adding to it, fails these. Each graph is built once
and run through the Tensor API, adkit.grad and forward mode."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward

X, Y = 0.7, 1.3


def fan_out(x, y):
    a = x * y
    return a.exp() + a * 3.0 + a.sin()


def diamond(x, y):
    a = x * y
    return a.sin() * a.cos()  # sin(2a) / 2


def unbalanced_diamond(x, y):
    a = x * y
    b = ((a.sin() * 3.0).exp() + 1.0).log()  # a long branch ...
    return b * a  # ... and a short one, meeting again


def shared_subexpression(x, y):
    s = x * y
    return s.exp() + s * s + s / y


def reused_leaf(x, y):
    return x * y + x.sin() + x * 3.0 - x / y + y


def used_twice_by_one_op(x, y):
    a = x + y
    return a * a + x * x


def long_fan_in(x, y):
    out = x * 0.0
    for i in range(1, 51):
        out = out + x * (i + y)
    return out


def fan_in_one_op(x, y):
    return anp.sum(anp.stack([x * (i + y) for i in range(1, 51)]))


def _unbalanced(x, y):
    a = x * y
    b = math.log(math.exp(3 * math.sin(a)) + 1.0)
    e = math.exp(3 * math.sin(a))
    db_da = e * 3 * math.cos(a) / (e + 1.0)
    dout_da = db_da * a + b
    return dout_da * y, dout_da * x


# name -> (graph, (d/dx, d/dy) at (x, y) by hand)
GRAPHS = {
    "fan_out": (fan_out, lambda x, y: (y * (math.exp(x * y) + 3 + math.cos(x * y)),
                                       x * (math.exp(x * y) + 3 + math.cos(x * y)))),
    "diamond": (diamond, lambda x, y: (y * math.cos(2 * x * y), x * math.cos(2 * x * y))),
    "unbalanced_diamond": (unbalanced_diamond, _unbalanced),
    "shared_subexpression": (shared_subexpression, lambda x, y: (
        y * math.exp(x * y) + 2 * x * y * y + 1.0, x * math.exp(x * y) + 2 * x * x * y)),
    "reused_leaf": (reused_leaf, lambda x, y: (y + math.cos(x) + 3.0 - 1.0 / y,
                                               x + x / (y * y) + 1.0)),
    "used_twice_by_one_op": (used_twice_by_one_op, lambda x, y: (2 * (x + y) + 2 * x,
                                                                 2 * (x + y))),
    "long_fan_in": (long_fan_in, lambda x, y: (1275.0 + 50 * y, 50 * x)),
    "fan_in_one_op": (fan_in_one_op, lambda x, y: (1275.0 + 50 * y, 50 * x)),
}


@pytest.mark.parametrize("name", list(GRAPHS))
def test_tensor_backward_on_graph_shapes(name):
    graph, expected = GRAPHS[name]
    x, y = Tensor(X, requires_grad=True), Tensor(Y, requires_grad=True)
    graph(x, y).backward()
    np.testing.assert_allclose((x.grad.item(), y.grad.item()), expected(X, Y), rtol=1e-13)
    graph(x, y).backward()  # a second graph accumulates into the same leaves
    np.testing.assert_allclose((x.grad.item(), y.grad.item()),
                               2 * np.array(expected(X, Y)), rtol=1e-13)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_functional_modes_on_graph_shapes(name):
    graph, expected = GRAPHS[name]
    for grad in (adkit.grad, forward.grad):
        np.testing.assert_allclose(grad(graph, argnums=(0, 1))(X, Y), expected(X, Y),
                                   rtol=1e-13)


@pytest.mark.parametrize("name", list(GRAPHS))
def test_graph_shapes_on_arrays(name):
    graph, expected = GRAPHS[name]
    xs, ys = np.array([0.7, -0.4, 1.1]), np.array([1.3, 0.6, -0.9])
    want = np.array([expected(a, b) for a, b in zip(xs, ys)]).T
    x, y = Tensor(xs, requires_grad=True), Tensor(ys, requires_grad=True)
    graph(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), want[0], rtol=1e-13)
    np.testing.assert_allclose(y.grad.numpy(), want[1], rtol=1e-13, atol=1e-14)


def test_retain_grad_on_the_inner_nodes_of_a_diamond():
    x, y = Tensor(X, requires_grad=True), Tensor(Y, requires_grad=True)
    a = x * y
    b, c = a.sin(), a.cos()
    out = b * c
    for t in (a, b, c, out):
        t.retain_grad()
    out.backward()
    s = X * Y
    assert out.grad.item() == 1.0
    assert math.isclose(b.grad.item(), math.cos(s), rel_tol=1e-15)  # d(b c)/db = c
    assert math.isclose(c.grad.item(), math.sin(s), rel_tol=1e-15)
    # both branches added into a: cos(a) c - sin(a) b = cos(2a)
    assert math.isclose(a.grad.item(), math.cos(2 * s), rel_tol=1e-13)
    assert math.isclose(x.grad.item(), Y * math.cos(2 * s), rel_tol=1e-13)


def retain_used_twice_and_fanned_out(value):
    x = Tensor(value, requires_grad=True)
    a = x * 3.0
    a.retain_grad()
    (a * a + a.exp()).sum().backward()
    av = np.asarray(a.numpy())
    np.testing.assert_allclose(a.grad.numpy(), 2 * av + np.exp(av), rtol=1e-15)
    np.testing.assert_allclose(x.grad.numpy(), 3 * a.grad.numpy(), rtol=1e-15)


def test_retain_grad_on_a_node_used_twice_and_on_a_fan_out():
    retain_used_twice_and_fanned_out(2.0)


def test_retain_grad_on_an_array_node():
    retain_used_twice_and_fanned_out(np.array([1.0, 2.0]))
