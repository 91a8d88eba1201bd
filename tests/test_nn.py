"""adkit.nn: micrograd's demo (moons, MLP(2, [16, 16, 1]), SVM max-margin loss) trains
unchanged on adkit.Value, with micrograd's gradients."""
import random

import pytest

from adkit import Value, nn
from adkit.study.workloads import moons

micrograd_nn = pytest.importorskip("micrograd.nn")
micrograd_engine = pytest.importorskip("micrograd.engine")


def demo_loss(model, X, y, V):
    """micrograd's demo.ipynb loss, verbatim but for the Value class."""
    inputs = [list(map(V, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def test_demo_trains_and_the_loss_goes_down():
    X, y = moons(40, seed=1)
    random.seed(1337)
    model = nn.MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    losses = []
    for k in range(6):
        total_loss, acc = demo_loss(model, X, y, Value)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
    assert losses[-1] < 0.5 * losses[0]  # micrograd's own run: 0.999, 3.04, ..., 0.269
    assert 0.0 <= acc <= 1.0 and type(losses[0]) is float


def test_gradients_equal_micrographs_on_the_same_network():
    X, y = moons(20, seed=2)
    random.seed(7)
    ours = nn.MLP(2, [16, 16, 1])
    random.seed(7)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    for model, V in ((ours, Value), (theirs, micrograd_engine.Value)):
        loss, _ = demo_loss(model, X, y, V)
        model.zero_grad()
        loss.backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-12)
    assert repr(ours) == repr(theirs)
