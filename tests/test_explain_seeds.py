"""The tutorials' walkthroughs (the project's seed tutorials), reproduced with adkit: the
graph built op by op, then the backward walk node by node, gradients accumulating."""
import pytest

import adkit
from adkit import Tensor, Value, explain


def ops_and_values(y):
    prog = explain.program.of(y)
    return [(v.symbol, v.value) for v in prog.records]


def test_lego_blocks_x_times_x_plus_3_and_x_used_twice():
    """Seed 1: x * x + 3 is two blocks, [*] -> 4 and [+ 3] -> 7; in x * x + x every
    path back to x adds to its gradient: 5."""
    x = Tensor(2.0, requires_grad=True)
    assert ops_and_values(x * x + 3) == [("*", 4.0), ("+", 7.0)]
    y = x * x + x
    s = explain.steps(y)
    assert sum("its adjoint accumulates" in f.caption for f in s) == 2
    y.backward()
    assert x.grad.item() == 5.0


def test_x_times_3_plus_5_and_gradients_accumulate():
    """Seed 2: x --(x3)--> y --(+5)--> z, dz/dx = 3; then 14, then 28 (accumulating)."""
    x = Tensor(2.0, requires_grad=True)
    z = x * 3 + 5
    dot = explain.graph(z).to_dot()
    assert dot.count('style=dashed, label="3"') == 1 and 'label="5"' in dot
    z.backward()
    assert x.grad.item() == 3.0
    x.grad.zero_()
    for expected in (14.0, 28.0):
        y = x ** 3 + 2 * x + 1
        y.backward()
        assert x.grad.item() == expected


def test_backward_pass_chain_rule_in_action():
    """Seed 3: f = (a + b) * c; f.grad = 1, then df/d(a+b) = c and df/dc = a + b, then
    df/da = df/db = c, each by one node's local rule, in reverse topological order."""
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(4.0, label="c")
    s = a + b
    s.label = "s"
    f = s * c
    f.label = "f"
    t = explain.trace(f)
    assert [step["text"] for step in t.steps] == [
        "v̄2 = f̄ = 1", "v̄1 = v̄2 ∂v2/∂v1 = 1 × 4 = 4", "v̄0 = v̄2 ∂v2/∂v0 = 1 × 3 = 3",
        "v̄-2 = v̄1 ∂v1/∂v-2 = 4 × 1 = 4", "v̄-1 = v̄1 ∂v1/∂v-1 = 4 × 1 = 4"]
    assert [r["label"] for r in t.rows] == ["a", "b", "c", "s", "f"]
    f.grad = 1.0  # the walk by hand, as the tutorial writes it
    for node in adkit.sweep.collect([f]):
        node._backward()
    assert (a.grad, b.grad, c.grad, s.grad) == (4.0, 4.0, 3.0, 4.0)


def test_intuition_guide_sensitivity_and_accumulation():
    """Seed 4: z = x * x gives 4 at x = 2; z = x + x gives 2 (+= twice); z = x * y gives
    x.grad = y, y.grad = x."""
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0
    x = Value(2.0)
    (x + x).backward()
    assert x.grad == 2.0
    x, y = Value(2.0), Value(3.0)
    z = x * y
    z.backward()
    assert (x.grad, y.grad) == (3.0, 2.0)
    x, y = Value(2.0), Value(3.0)
    z = (x + y) * x
    z.backward()
    assert (x.grad, y.grad) == (7.0, 2.0)


def test_micrograds_backward_topological_order_grad_one_then_each_backward():
    """Seed 5: backward() sorts the graph topologically, sets the output's grad to 1 and
    calls each node's _backward; the engine's collect gives that order without recursion."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    order = adkit.sweep.collect([z])
    assert [n._op for n in order] == ["+", "+", "*"]  # newest first: a reverse topological
    z.backward()
    assert (z.grad, x.grad) == (1.0, 3.0)
    with pytest.raises(TypeError):
        Value(1.0, (x,), "+")  # the history comes from the engine, not from the caller
