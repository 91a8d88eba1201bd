"""adkit.count(): exact pass counts of each mode."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import forward
from adkit.study import workloads as problems

N, M = 7, 3
W = np.random.default_rng(2).standard_normal((M, N))


def f(x):  # R^7 -> R^3
    return problems.dense_tanh(x, W)


X = np.linspace(-1.0, 1.0, N)


def test_jacfwd_chunk_1_makes_n_forward_passes():
    with adkit.count() as c:
        adkit.jacfwd(f, chunk=1)(X)
    assert (c.forward_passes, c.directions) == (N, N)
    assert (c.recordings, c.reverse_passes) == (0, 0)
    assert c.total("jvp") > 0 and c.total("vjp") == 0 and c.total("record") == 0


@pytest.mark.parametrize("chunk", [2, 3, N])
def test_jacfwd_chunk_k_makes_ceil_n_over_k_passes(chunk):
    with adkit.count() as c:
        adkit.jacfwd(f, chunk=chunk)(X)
    assert c.forward_passes == math.ceil(N / chunk)
    assert c.directions == N


def test_jacrev_makes_1_recording_and_m_reverse_passes():
    with adkit.count() as c:
        adkit.jacrev(f)(X)
    assert (c.recordings, c.reverse_passes, c.forward_passes) == (1, M, 0)
    # each recorded op is swept once per output
    assert c.total("vjp") == M * c.total("record")


def test_grad_counts_1_recording_and_1_sweep():
    with adkit.count() as c:
        adkit.grad(problems.rosenbrock)(np.ones(50))
    assert (c.recordings, c.reverse_passes, c.forward_passes) == (1, 1, 0)


def test_forward_grad_of_a_loss_needs_n_passes():
    with adkit.count() as c:
        forward.grad(problems.sum_of_squares, chunk=1)(np.ones(40))
    assert c.forward_passes == 40


def test_ops_are_counted_by_kind_and_name():
    with adkit.count() as c:
        anp.sin(np.ones(3))
        adkit.grad(lambda x: anp.sum(anp.sin(x)))(np.ones(3))
    assert c.ops["eval"]["sin"] == 2
    assert c.ops["record"]["sin"] == 1 and c.ops["record"]["sum"] == 1
    assert c.ops["vjp"]["sin"] == 1 and c.by_name("vjp")["sum"] == 1
    assert c.ops["eval"]["cos"] == 1  # sin's VJP rule evaluates cos
    assert c.total() == sum(c.total(k) for k in ("eval", "jvp", "record", "vjp"))
    assert "reverse passes 1" in c.summary() and c.as_dict()["recordings"] == 1


def test_nested_counts_see_everything_and_nothing_leaks_outside():
    with adkit.count() as outer:
        with adkit.count() as inner:
            adkit.grad(anp.sin)(1.0)
        adkit.jvp(anp.sin, (1.0,), (1.0,))
    assert inner.reverse_passes == 1 and inner.forward_passes == 0
    assert outer.reverse_passes == 1 and outer.forward_passes == 1
    with adkit.count() as later:
        pass
    assert later.total() == 0


def test_tensor_backward_counts_a_reverse_pass():
    x = adkit.Tensor(2.0, requires_grad=True)
    with adkit.count() as c:
        (x * x).backward()
    assert c.reverse_passes == 1 and c.ops["record"]["mul"] == 1


def test_assembling_a_jacobian_is_not_counted_as_work():
    """jacfwd/jacrev count only the primitives of f and of its rules, not the
    concatenate/reshape/transpose that put the Jacobian together."""
    with adkit.count() as fwd:
        adkit.jacfwd(f, chunk=2)(X)
    with adkit.count() as rev:
        adkit.jacrev(f)(X)
    with adkit.count() as one:
        adkit.jvp(f, (X,), (X,))
    for c in (fwd, rev, one):
        for kind in ("eval", "jvp", "record", "vjp"):
            assert not {"concatenate", "reshape"} & set(c.ops[kind]), c.ops
    assert fwd.ops["eval"]["transpose"] == fwd.forward_passes  # W.T in matmul's JVP rule
    assert one.ops["eval"]["transpose"] == 1
    assert "transpose" not in rev.ops["eval"] and set(rev.ops["record"]) == {"matmul", "tanh"}


def test_forward_grad_refuses_a_vector_output_after_one_pass():
    with adkit.count() as c, pytest.raises(TypeError, match="f must return a scalar"):
        forward.grad(lambda x: x * 2.0, chunk=1)(np.ones(30))
    assert c.forward_passes == 1


# ---- times by primitive: count() also measures where each kind's time went

def slow_primitive(seconds):
    """A user primitive whose VJP and JVP rules sleep: a known cost to find again."""
    import time
    prim = adkit.Primitive("slow_for_test", lambda x: x * 2.0, register=False)
    prim.defvjp(lambda g, ans, x: (time.sleep(seconds), g * 2.0)[1])
    prim.defjvp(lambda t, ans, x: (time.sleep(seconds), t * 2.0)[1])
    return prim


def test_rule_times_are_measured_by_primitive():
    prim = slow_primitive(0.005)
    f = lambda x: anp.sum(prim(anp.sin(x)))  # noqa: E731
    x = np.ones(3)
    with adkit.count() as c:
        adkit.grad(f)(x)
        adkit.jvp(f, (x,), (x,))
    assert c.seconds["vjp"]["slow_for_test"] >= 0.005
    assert c.seconds["jvp"]["slow_for_test"] >= 0.005
    assert c.seconds["vjp"]["sin"] < 0.005  # each primitive's own time, not its neighbour's
    for kind in ("eval", "jvp", "vjp"):  # every counted application is timed, and only those
        assert set(c.seconds[kind]) == set(c.ops[kind])
    assert c.as_dict()["seconds"]["vjp"]["slow_for_test"] == c.seconds["vjp"]["slow_for_test"]


def test_a_tapes_rule_sweeps_are_timed_too():
    prim = slow_primitive(0.002)
    x = np.ones(3)
    tape = adkit.record(lambda x: anp.sum(prim(x)), x)
    with adkit.count() as c:
        tape.grad(x)
        tape.jvp((x,), (x,))
    assert c.seconds["vjp"]["slow_for_test"] >= 0.002
    assert c.seconds["jvp"]["slow_for_test"] >= 0.002


def test_nested_counts_share_times_and_paused_blocks_add_none():
    prim = slow_primitive(0.002)
    x = np.ones(2)
    with adkit.count() as outer:
        with adkit.count() as inner:
            adkit.grad(lambda x: anp.sum(prim(x)))(x)
        with adkit.counting.paused():
            adkit.grad(lambda x: anp.sum(prim(x)))(x)
    assert outer.seconds["vjp"]["slow_for_test"] == inner.seconds["vjp"]["slow_for_test"]
    assert outer.ops["vjp"]["slow_for_test"] == 1


def test_profile_lists_the_slowest_first_and_refuses_an_untimed_kind():
    prim = slow_primitive(0.003)
    with adkit.count() as c:
        adkit.grad(lambda x: anp.sum(anp.cos(prim(x))))(np.ones(4))
    lines = c.profile("vjp").splitlines()
    assert lines[0].split() == ["vjp", "calls", "total", "per", "call"]
    assert lines[1].split()[:2] == ["slow_for_test", "1"] and lines[1].split()[3] == "ms"
    assert len(c.profile("vjp", top=1).splitlines()) == 2
    with pytest.raises(ValueError, match="kind 'record' is not timed"):
        c.profile("record")
