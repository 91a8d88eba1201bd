"""Replayable tapes: record once, replay forward and backward at new inputs, guards on
branches, nesting with the transforms, counting."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit.memory import memory
from adkit.study import workloads as w

rng = np.random.default_rng(3)


def test_baydin_replayed_exactly():
    tape = adkit.record(w.baydin, 1.0, 1.0, argnums=(0, 1))
    assert len(tape) == 5  # ln, mul, sin, add, sub: the paper's v1..v5
    assert tape(*w.BAYDIN_POINT) == w.BAYDIN_VALUE
    assert tape.grad(*w.BAYDIN_POINT) == w.BAYDIN_GRAD
    assert tape.jvp(w.BAYDIN_POINT, (1.0, 0.0)) == (w.BAYDIN_VALUE, 5.5)


@pytest.mark.parametrize("name", ["rosenbrock", "sum_of_squares", "logistic", "mlp"])
def test_replays_match_the_transforms_at_new_points(name):
    if name == "logistic":
        X, y = w.logistic_data(7)
        f, args = w.logistic_loss, (rng.standard_normal(7), X, y)
    elif name == "mlp":
        sizes = [3, 5, 2]
        X, Y, theta = w.mlp_data(sizes, batch=4)
        f, args = (lambda t, X, Y: w.mlp_loss(t, X, Y, sizes)), (theta, X, Y)
    else:
        f, args = getattr(w, name), (rng.standard_normal(6),)
    tape = adkit.record(f, *args)
    new = (args[0] + 0.3 * rng.standard_normal(args[0].shape),) + args[1:]
    np.testing.assert_allclose(tape(*new), f(*new), rtol=1e-15)
    np.testing.assert_allclose(tape.grad(*new), adkit.grad(f)(*new), rtol=1e-13)
    v = rng.standard_normal(args[0].shape)
    np.testing.assert_allclose(tape.jvp(new, (v,))[1], adkit.jvp(
        lambda x: f(x, *new[1:]), (new[0],), (v,))[1], rtol=1e-12)
    assert tape.vjp(new, 2.0)[1] == pytest.approx(2 * adkit.grad(f)(*new), rel=1e-12)


def test_data_arguments_are_inputs_too():
    X, y = w.logistic_data(4)
    x0 = rng.standard_normal(4)
    tape = adkit.record(w.logistic_loss, x0, X, y)
    X2, y2 = X * 2.0 + 1.0, -y
    np.testing.assert_allclose(tape.grad(x0, X2, y2), w.logistic_loss_grad(x0, X2, y2),
                               rtol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_in_each_mode(mode):
    f = lambda x: anp.tanh(x[:, None] * x[None, :3])  # noqa: E731
    x = rng.standard_normal(4)
    tape = adkit.record(f, x)
    with adkit.count() as c:
        J = tape.jacobian(x, mode=mode, chunk=2)
    np.testing.assert_allclose(J, adkit.jacfwd(f)(x), rtol=1e-13)
    assert c.recordings == 0
    if mode == "forward":
        assert (c.forward_passes, c.directions, c.reverse_passes) == (2, 4, 0)
    else:  # n = 4 < m = 12 would pick forward under auto: check the reverse sweeps
        assert c.reverse_passes == (12 if mode == "reverse" else 0)


def test_replays_count_passes_and_no_recordings():
    tape = adkit.record(w.rosenbrock, np.ones(4))
    with adkit.count() as c:
        tape.grad(np.zeros(4))
    assert (c.recordings, c.forward_passes, c.reverse_passes) == (0, 1, 1)
    assert c.total("record") == 0 and c.total("vjp") == len(tape)
    assert c.total("eval") >= len(tape)


def test_nesting_a_tape_inside_the_transforms():
    f = w.rosenbrock
    x = np.array([0.5, -0.2, 1.3])
    tape = adkit.record(f, np.zeros(3))
    np.testing.assert_allclose(adkit.grad(tape)(x), adkit.grad(f)(x), rtol=1e-14)
    np.testing.assert_allclose(adkit.jacfwd(tape.grad)(x), adkit.hessian(f)(x), rtol=1e-12)
    np.testing.assert_allclose(adkit.hessian(tape)(x), adkit.hessian(f)(x), rtol=1e-12)


def test_nbytes_is_what_a_sweep_keeps():
    tape = adkit.record(lambda x: anp.sum(anp.sin(x) * x), np.zeros(1000))
    assert tape.nbytes == 8000 * 2 + 8  # sin and mul results, and the sum
    assert "3 ops" in repr(tape)


# ----------------------------------------------------------------- guards ----

def branchy(x):
    return x * x if x > 0 else -x


def test_a_branch_change_is_never_replayed_silently():
    tape = adkit.record(branchy, 2.0)
    assert tape.grad(3.0) == 6.0
    with pytest.raises(adkit.BranchChanged, match=r"op 0: x0 > 0 was True, now False"):
        tape.grad(-1.0)
    with pytest.raises(adkit.BranchChanged, match="record again"):
        tape(-1.0)


def test_retape_records_again_on_a_branch_change():
    tape = adkit.record(branchy, 2.0, retape=True)
    assert tape.grad(-1.0) == -1.0 and tape(-2.0) == 2.0
    assert tape.grad(4.0) == 8.0


@pytest.mark.parametrize("f,x0,x1", [
    (lambda x: anp.sum(anp.where(x > 0, x, 0.0)), np.array([1.0, -1.0]),
     np.array([-1.0, 1.0])),
    (lambda x: x[anp.argmax(x)] * 2.0, np.array([1.0, 3.0]), np.array([3.0, 1.0])),
    (lambda x: max(x, 1.0) * x, 2.0, 0.5),
    (lambda x: anp.sum(x * anp.sign(x)), np.array([1.0, -2.0]), np.array([-1.0, -2.0])),
])
def test_masks_indices_and_signs_are_guards_too(f, x0, x1):
    tape = adkit.record(f, x0)
    np.testing.assert_allclose(tape.grad(x0), adkit.grad(f)(x0))
    with pytest.raises(adkit.BranchChanged):
        tape.grad(x1)
    np.testing.assert_allclose(adkit.record(f, x0, retape=True).grad(x1), adkit.grad(f)(x1))


def test_input_shapes_and_types_are_guarded():
    tape = adkit.record(lambda x: anp.sum(x * x), np.ones(3))
    with pytest.raises(adkit.BranchChanged, match=r"input 0 is float64 array of shape \(4,\)"):
        tape.grad(np.ones(4))
    with pytest.raises(adkit.BranchChanged, match="a Python float"):
        tape(2.0)
    retaping = adkit.record(lambda x: anp.sum(x * x), np.ones(3), retape=True)
    np.testing.assert_array_equal(retaping.grad(np.ones(4)), 2 * np.ones(4))


# ----------------------------------------------------------- bad input ----

def test_record_refuses_traced_inputs_and_captured_traced_values():
    with pytest.raises(TypeError, match="record a tape outside transforms"):
        adkit.grad(lambda x: adkit.record(anp.sin, x)(x))(1.0)
    with pytest.raises(TypeError, match="traced value of an enclosing transform"):
        adkit.grad(lambda x: adkit.record(lambda y: y * x, 1.0)(1.0))(1.0)


def test_tape_directions_are_validated():
    tape = adkit.record(anp.sin, np.ones(3))
    with pytest.raises(TypeError, match="cotangent 0 is None"):
        tape.vjp((np.ones(3),), None)
    with pytest.raises(TypeError, match="complex"):
        tape.jvp((np.ones(3),), (np.ones(3) * 1j,))
    with pytest.raises(ValueError, match="structure"):
        tape.grad(np.ones(3), 2.0)
    with pytest.raises(TypeError, match="f must return a scalar"):
        tape.grad(np.ones(3))


def test_memory_accounting_for_functional_and_tensor_recordings():
    n = 1000
    f = lambda x: anp.sum(anp.sin(x) * x)  # noqa: E731
    m = memory(adkit.reverse.record(f, np.ones(n)))
    x = adkit.Tensor(np.ones(n), requires_grad=True)
    mt = memory(f(x))
    for mem in (m, mt):
        assert mem["records"] == 3
        assert mem["by_primitive"] == {"sin": 8 * n, "mul": 8 * n, "sum": 32}
        # a sweep holds mul's adjoint while it makes those of sin(x) and of x
        assert mem["peak_sweep_bytes"] == mem["array_bytes"] + 3 * 8 * n


def test_one_array_passed_as_two_arguments_gets_both_gradients():
    a = np.array([1.0, 2.0])
    tape = adkit.record(lambda x, y: anp.sum(x * y), a, a, argnums=(0, 1))
    gx, gy = tape.grad(a, a)
    np.testing.assert_array_equal(gx, a)
    np.testing.assert_array_equal(gy, a)
    sq = adkit.record(lambda x: anp.sum(x * x), a)
    np.testing.assert_array_equal(sq.grad(a), 2 * a)
