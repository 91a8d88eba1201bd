"""checkpoint(fn): the same derivatives as fn in every mode and nesting, the extra
evaluations in adkit.count(), and a tape that keeps only the blocks' inputs."""
import gc
import tracemalloc

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, forward, reverse
from adkit.checkpointing.recompute import Outputs
from adkit.testing import check_grads

rng = np.random.default_rng(0)
X = rng.uniform(-1.0, 1.0, 4)


def layers(x, k):
    for _ in range(k):
        x = anp.tanh(x * 1.1 + 0.1)
    return x


def chain(block, blocks):
    """blocks applications of block, then a scalar."""
    def f(x):
        for _ in range(blocks):
            x = block(x)
        return anp.sum(x * x)
    return f


def two_outputs(x, y):
    return anp.sin(x) * y, anp.exp(x * y)


def tree_block(p, x, *, scale, depth=2):  # a dict and floats in, a dict out; depth static
    h = layers(p["w"] * x + p["b"], depth)
    return {"h": h * scale, "total": anp.sum(h)}


def tree_loss(block):
    def f(p, x, scale):
        out = block(p, x, scale=scale, depth=3)
        return anp.sum(out["h"] ** 2) + block(p, x, scale=scale)["total"]
    return f


P = {"w": rng.uniform(-1.0, 1.0, 4), "b": 0.1}


def assert_trees_close(got, want):
    leaves, spec = adkit.tree.flatten(got)
    want_leaves, want_spec = adkit.tree.flatten(want)
    assert spec == want_spec
    for a, b in zip(leaves, want_leaves):
        assert type(a) is type(b)
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


# ------------------------------------------------------------------ derivatives ----

def test_values_and_gradients_equal_the_plain_ones():
    block = lambda x: layers(x, 3)  # noqa: E731
    f, g = chain(block, 4), chain(adkit.checkpoint(block), 4)
    assert g(X) == f(X)
    assert_trees_close(adkit.grad(g)(X), adkit.grad(f)(X))


def test_trees_keywords_floats_and_static_arguments():
    f, g = tree_loss(tree_block), tree_loss(adkit.checkpoint(tree_block))
    assert_trees_close(adkit.grad(g, argnums=(0, 1, 2))(P, X, 1.5),
                       adkit.grad(f, argnums=(0, 1, 2))(P, X, 1.5))
    block = adkit.checkpoint(lambda x: x * 2.0)
    assert block(3.0) == 6.0 and type(block(3.0)) is float
    assert adkit.grad(block)(3.0) == 2.0


def test_constant_arrays_are_kept_as_arguments_other_values_passed_as_they_are():
    seen = []

    def scaled(x, w, k, name):
        seen.append((k, name))
        return x * w * k

    block = adkit.checkpoint(scaled)
    w = np.full(1000, 2.0)
    rec = reverse.record(lambda x: block(x, w, 3, name="tag"), np.ones(1000))
    assert rec.nbytes()["array_bytes"] == 2 * w.nbytes  # w, as x * w would keep it, and out
    assert seen == [(3, "tag")] and adkit.grad(lambda x: block(x, w, 3, "t")[0])(X[:1]) == 6.0


def test_cotangents_of_several_outputs_add_leafwise():
    a = Outputs([1.0, None, np.ones(2)], spec=None)
    b = Outputs([2.0, 3.0, None], spec=None)
    total = a + b
    assert type(total) is Outputs and total[:2] == (3.0, 3.0) and total[2] is a[2]
    assert (total + a)[0] == 4.0


@pytest.mark.parametrize("jac", [adkit.jacfwd, adkit.jacrev])
def test_jacobians_of_a_block_with_two_outputs(jac):
    assert_trees_close(jac(adkit.checkpoint(two_outputs), argnums=(0, 1))(X, 0.7),
                       jac(two_outputs, argnums=(0, 1))(X, 0.7))


def test_jvp_and_vjp():
    block = adkit.checkpoint(two_outputs)
    assert_trees_close(adkit.jvp(block, (X, 0.7), (np.ones(4), 1.0)),
                       adkit.jvp(two_outputs, (X, 0.7), (np.ones(4), 1.0)))
    ct = (np.ones(4), np.arange(4.0))
    assert_trees_close(adkit.vjp(block, X, 0.7)[1](ct), adkit.vjp(two_outputs, X, 0.7)[1](ct))


def test_check_grads_to_second_order():
    block = adkit.checkpoint(two_outputs)
    check_grads(lambda x, y: anp.sum(block(x, y)[0] * block(x, y)[1]), X, 0.7, order=2)
    check_grads(lambda x: block(x, x[0])[1], X, order=2)  # only one output used


@pytest.mark.parametrize("mode", ["forward-over-reverse", "forward-over-forward",
                                  "reverse-over-reverse", "reverse-over-forward"])
def test_hessians_in_every_mix_of_modes(mode):
    block = lambda x: layers(x, 2)  # noqa: E731
    f, g = chain(block, 3), chain(adkit.checkpoint(block), 3)
    np.testing.assert_allclose(adkit.hessian(g, mode=mode)(X), adkit.hessian(f, mode=mode)(X),
                               rtol=1e-12, atol=1e-14)


def test_nested_checkpoints():
    inner = adkit.checkpoint(lambda x: layers(x, 2))
    outer = adkit.checkpoint(lambda x: inner(inner(x)))
    f = chain(lambda x: layers(x, 4), 2)
    np.testing.assert_allclose(adkit.grad(chain(outer, 2))(X), adkit.grad(f)(X), rtol=1e-13)
    np.testing.assert_allclose(adkit.hessian(chain(outer, 2))(X), adkit.hessian(f)(X),
                               rtol=1e-12, atol=1e-14)


D = {"fwd": forward.derivative, "rev": adkit.grad}
PAIRS = [(o, i) for o in D for i in D]


@pytest.mark.parametrize("outer,inner", PAIRS)
def test_no_perturbation_confusion(outer, inner):
    mul = adkit.checkpoint(lambda a, b: a * b * b)
    f = lambda x: x * D[inner](lambda y: mul(x, y))(1.0)  # noqa: E731  x * 2xy -> 4x
    assert D[outer](f)(3.0) == 12.0
    closing = lambda x: x * D[inner](  # noqa: E731  a closure over the outer x is fine
        lambda y: adkit.checkpoint(lambda b: x * b * b)(y))(1.0)
    assert D[outer](closing)(3.0) == 12.0


@pytest.mark.parametrize("outer,inner", PAIRS)
def test_a_closure_over_an_inner_traced_value_is_refused(outer, inner):
    f = lambda x: x * D[inner](lambda y: adkit.checkpoint(lambda a: a * y * y)(x))(1.0)  # noqa: E731
    with pytest.raises(ValueError, match="pass that value to the block as an argument"):
        D[outer](f)(3.0)


# ------------------------------------------------------------------- Tensor API ----

def test_tensor_backward_through_a_block():
    block = adkit.checkpoint(lambda x: layers(x, 3))
    x, y = Tensor(X, requires_grad=True), Tensor(X, requires_grad=True)
    out = block(x)
    assert out.grad_fn.name() == "CheckpointLambdaBackward0"
    anp.sum(out ** 2).backward()
    anp.sum(layers(y, 3) ** 2).backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-13)


def test_tensor_create_graph_through_a_block():
    block = adkit.checkpoint(lambda x: anp.tanh(x) ** 3)
    grads = []
    for fn in (block, lambda x: anp.tanh(x) ** 3):
        x = Tensor(X, requires_grad=True)
        anp.sum(fn(x)).backward(create_graph=True)
        g, x.grad = x.grad, None
        anp.sum(g * g).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(*grads, rtol=1e-13)


def test_no_grad_records_nothing():
    x = Tensor(X, requires_grad=True)
    with adkit.no_grad():
        y = adkit.checkpoint(lambda x: anp.sin(x))(x)
    assert not y.requires_grad


# ---------------------------------------------------------------- counts, memory ----

def test_count_shows_the_second_recording():
    block = lambda x: layers(x, 5)  # noqa: E731
    with adkit.count() as plain:
        adkit.grad(chain(block, 4))(X)
    with adkit.count() as c:
        adkit.grad(chain(adkit.checkpoint(block), 4))(X)
    assert (plain.recordings, plain.reverse_passes) == (1, 1)
    assert (c.recordings, c.reverse_passes) == (1 + 4, 1 + 4)  # one more per block
    assert plain.ops["eval"]["tanh"] == 20 and c.ops["eval"]["tanh"] == 40  # twice
    assert c.ops["record"]["tanh"] == plain.ops["record"]["tanh"] == 20  # in the sweep
    assert c.ops["record"]["checkpoint_lambda"] == c.ops["vjp"]["checkpoint_lambda"] == 4


def test_forward_mode_count():
    with adkit.count() as c:
        adkit.jvp(adkit.checkpoint(lambda x: layers(x, 5)), (X,), (np.ones(4),))
    assert c.forward_passes == 2  # the block's JVP rule is a forward pass of its own
    assert c.ops["jvp"]["tanh"] == 5 and c.ops["eval"]["tanh"] == 10  # values computed twice


N, LAYERS, BLOCKS = 2000, 100, 10
XN = np.linspace(-1.0, 1.0, N)
PLAIN = chain(lambda x: layers(x, LAYERS // BLOCKS), BLOCKS)
CHECKPOINTED = chain(adkit.checkpoint(lambda x: layers(x, LAYERS // BLOCKS)), BLOCKS)


def test_tape_keeps_the_block_inputs_only():
    def states(f):
        return reverse.record(f, XN).nbytes()["array_bytes"] / XN.nbytes
    # a layer keeps x * 1.1, + 0.1 and tanh: 3 states; then x * x (x0 is the caller's)
    assert 3 * LAYERS <= states(PLAIN) < 3 * LAYERS + 2
    assert BLOCKS <= states(CHECKPOINTED) < BLOCKS + 2  # each block's output, then x * x


def held_states(f):
    """Bytes tracemalloc sees held by vjp's recording of f, in states."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        recording = adkit.vjp(f, XN)
        held = tracemalloc.get_traced_memory()[0] - base
        del recording
        return held / XN.nbytes
    finally:
        tracemalloc.stop()


def test_measured_memory_of_the_recording():
    plain, checkpointed = held_states(PLAIN), held_states(CHECKPOINTED)
    assert 3 * LAYERS <= plain < 3 * LAYERS + 12  # + x0's copy and the records
    assert BLOCKS <= checkpointed < BLOCKS + 4
    np.testing.assert_allclose(adkit.grad(CHECKPOINTED)(XN), adkit.grad(PLAIN)(XN), rtol=1e-13)
