"""adkit.Value: micrograd's scalar API on the reverse engine, compared with micrograd."""
import math
import sys

import pytest

import adkit
from adkit import Value
from adkit.reverse import Node

micrograd = pytest.importorskip("micrograd.engine")


def sanity(V):
    """micrograd's test_engine.py: test_sanity_check."""
    x = V(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return x, y


def more_ops(V):
    """micrograd's test_engine.py: test_more_ops."""
    a, b = V(-4.0), V(2.0)
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return a, b, g


def test_micrograds_engine_tests_give_micrograds_numbers():
    (x, y), (mx, my) = sanity(Value), sanity(micrograd.Value)
    assert (y.data, x.grad) == (my.data, mx.grad) == (-20.0, 46.0)
    (a, b, g), (ma, mb, mg) = more_ops(Value), more_ops(micrograd.Value)
    assert g.data == pytest.approx(mg.data, rel=1e-12)
    assert (a.grad, b.grad) == pytest.approx((ma.grad, mb.grad), rel=1e-12)
    assert type(g.data) is float and type(a.grad) is float


def test_every_node_gets_its_grad_and_prev_is_ordered():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    d = e + c
    f = Value(-2.0, label="f")
    L = d * f
    L.backward()
    assert [v.grad for v in (a, b, c, d, e, f, L)] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0, 1.0]
    assert L._prev == (d, f) and e._prev == (a, b) and a._prev == ()
    assert (L._op, (a ** 2)._op, a.relu()._op, (a - b)._op, a._op) == ("*", "**2", "ReLU",
                                                                      "-", "")
    assert isinstance(L, Node) and L.primitive.name == "mul"  # an engine record


def test_the_tutorials_neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    assert o.data == pytest.approx(math.sqrt(0.5))
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))
    e = (2 * n).exp()
    o2 = (e - 1) / (e + 1)  # tanh spelled out, as in the lecture
    assert o2.data == pytest.approx(o.data)
    assert Value(math.e).log().data == pytest.approx(1.0)


def test_a_hundred_thousand_deep_chain_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        y.backward()
    finally:
        sys.setrecursionlimit(limit)
    assert x.grad == 1.0


def test_a_second_backward_adds_the_same_gradients_again():
    x = Value(3.0)
    y = x * x * x
    y.backward()
    y.backward()
    assert x.grad == 54.0  # 2 * 27: exactly twice, not micrograd's compounding


def test_backward_walk_node_by_node_equals_backward():
    """The tutorials' manual walk: o.grad = 1, then each node's _backward() in reverse
    topological order (the engine's newest-first record order)."""
    x = Value(2.0)
    y = x * x + x
    y.grad = 1.0
    for node in adkit.sweep.collect([y]):
        node._backward()
    assert x.grad == 5.0


def test_numbers_either_side_and_training_updates():
    x = Value(4.0)
    assert [v.data for v in (2 + x, 2 - x, 2 * x, 2 / x, 2 ** Value(3), x ** 0.5, -x)] == \
        [6.0, -2.0, 8.0, 0.5, 8.0, 2.0, -4.0]
    x.data -= 0.5
    x.grad = 0
    assert (x.data, x.grad, type(x.grad)) == (3.5, 0.0, float)
    assert repr(x) == "Value(data=3.5, grad=0.0)" and float(x) == 3.5
    with adkit.no_grad():
        z = x * 2
    assert z._prev == () and z.data == 7.0
    assert Value(1.0) != Value(1.0) and Value(2.0) > 1  # identity; numbers by value


def test_clear_errors():
    with pytest.raises(TypeError, match="history is recorded by the engine"):
        Value(1.0, (Value(2.0),), "+")
    with pytest.raises(TypeError, match="not with a Tensor"):
        Value(1.0) + adkit.Tensor(1.0)
    with pytest.raises(TypeError, match="one real number, got a str"):
        Value("1")
