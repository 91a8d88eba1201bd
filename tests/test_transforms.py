"""jacobian(mode=...) and recommend_mode."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit.study import workloads as problems
from adkit.transforms import HESSIAN_MODES

rng = np.random.default_rng(3)


def test_recommend_mode_picks_reverse_for_losses():
    mode, reason = adkit.recommend_mode(problems.sum_of_squares, np.ones(1000))
    assert mode == "reverse"
    assert reason.startswith("n=1000 inputs, m=1 output: 1 reverse sweep vs 1000 forward passes")


def test_recommend_mode_picks_forward_for_tall_jacobians():
    mode, reason = adkit.recommend_mode(lambda x: problems.tall_map(x, 50), np.ones(3))
    assert mode == "forward"
    assert "n=3 inputs, m=50 outputs: 50 reverse sweeps vs 3 forward passes" in reason


def test_recommend_mode_square_prefers_forward():
    assert adkit.recommend_mode(np.sin, np.ones(4))[0] == "forward"


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_modes_agree(mode):
    W = rng.standard_normal((4, 6))
    x = rng.standard_normal(6)
    np.testing.assert_allclose(adkit.jacobian(lambda x: problems.dense_tanh(x, W), mode=mode)(x),
                               problems.dense_tanh_jacobian(x, W), rtol=1e-13)


def test_jacobian_auto_uses_the_mode_with_fewer_passes():
    with adkit.count() as c:
        adkit.jacobian(problems.rosenbrock)(np.ones(30))
    assert c.reverse_passes == 1 and c.forward_passes == 0
    with adkit.count() as c:
        adkit.jacobian(lambda x: problems.tall_map(x, 40))(np.ones(2))
    assert c.forward_passes >= 1 and c.reverse_passes == 0


def test_jacobian_rejects_unknown_modes():
    with pytest.raises(ValueError, match="mode='sideways'"):
        adkit.jacobian(np.sin, mode="sideways")


# ---- mode= is obeyed: each mode makes exactly the passes that mode makes

def passes(fn, *args):
    with adkit.count() as c:
        fn(*args)
    return c.forward_passes, c.directions, c.recordings, c.reverse_passes


@pytest.mark.parametrize("n,m", [(2, 6), (6, 2), (4, 4)])
@pytest.mark.parametrize("chunk", [1, 2, None])
def test_jacobian_makes_the_passes_of_the_mode_it_was_given(n, m, chunk):
    W = rng.standard_normal((m, n))
    f = lambda x: problems.dense_tanh(x, W)  # noqa: E731
    x = rng.standard_normal(n)
    k = n if chunk is None else chunk  # the default chunk for n <= 64 is n
    fwd = (math.ceil(n / k), n, 0, 0)  # ceil(n / k) passes of k directions
    rev = (0, 0, 1, m)  # 1 recording + m sweeps
    assert passes(adkit.jacobian(f, mode="forward", chunk=chunk), x) == fwd
    assert passes(adkit.jacobian(f, mode="reverse", chunk=chunk), x) == rev
    assert passes(adkit.jacobian(f, mode="auto", chunk=chunk), x) == (fwd if n <= m else rev)
    expected = problems.dense_tanh_jacobian(x, W)
    for mode in ("forward", "reverse", "auto"):
        np.testing.assert_allclose(adkit.jacobian(f, mode=mode, chunk=chunk)(x), expected,
                                   rtol=1e-13)


@pytest.mark.parametrize("chunk", [1, 2, None])
@pytest.mark.parametrize("mode", list(HESSIAN_MODES))
def test_hessian_makes_the_passes_of_the_nesting_it_was_given(mode, chunk):
    n = 5
    x = rng.standard_normal(n)
    P = math.ceil(n / (n if chunk is None else chunk))  # forward passes of one jacfwd
    expected = {
        # ceil(n/k) forward passes, each through one reverse-mode gradient
        "forward-over-reverse": (P, n, P, P),
        # ceil(n/k) outer passes, each running an inner forward gradient of ceil(n/k) passes
        "forward-over-forward": (P + P * P, n + P * n, 0, 0),
        # one outer recording of one inner gradient (1 recording + 1 sweep), n outer sweeps
        "reverse-over-reverse": (0, 0, 2, 1 + n),
        # one outer recording of the inner forward gradient (ceil(n/k) passes), n sweeps
        "reverse-over-forward": (P, n, 1, n),
    }[mode]
    h = adkit.hessian(problems.rosenbrock, mode=mode, chunk=chunk)
    assert passes(h, x) == expected
    eps = 1e-6  # against central differences of the exact gradient
    fd = np.array([(problems.rosenbrock_grad(x + eps * e) - problems.rosenbrock_grad(x - eps * e))
                   / (2 * eps) for e in np.eye(n)])
    np.testing.assert_allclose(h(x), fd, rtol=1e-6, atol=1e-5)


# ---- recommend_mode's cost model: measured passes and sweeps, not pass counts alone

def test_jacobian_costs_counts_the_passes_and_ops_it_times():
    W = rng.standard_normal((3, 5))
    c = adkit.transforms.jacobian_costs(lambda x: problems.dense_tanh(x, W), np.ones(5), chunk=2)
    assert (c["n"], c["m"], c["chunk"], c["forward_passes"], c["reverse_sweeps"]) == (5, 3, 2, 3, 3)
    assert (c["jvp_ops"], c["record_ops"], c["vjp_ops"]) == (2, 2, 2)  # matmul and tanh
    over = adkit.transforms.transform_overheads()
    assert c["forward"] == pytest.approx(over["jacfwd"] + 3 * c["time_pass"])
    assert c["reverse"] == pytest.approx(over["jacrev"] + c["time_recording"]
                                         + 3 * (c["time_sweep"] + over["jacrev_output"]))
    assert min(c["time_pass"], c["time_recording"], c["time_sweep"]) > 0


def test_jacobian_costs_takes_trees_argnums_and_kwargs():
    def f(a, b, scale=1.0):
        return {"y": scale * np.sin(a["u"]) * b, "z": b * 2.0}
    c = adkit.transforms.jacobian_costs(f, {"u": np.ones(3)}, 2.0, argnums=(0, 1), scale=3.0)
    assert (c["n"], c["m"], c["forward_passes"]) == (4, 4, 1)


def test_ties_and_near_ties_go_to_the_cheaper_measured_mode():
    costs = {"n": 10, "m": 10, "chunk": 1, "time_pass": 2e-5, "jvp_ops": 2,
             "time_recording": 1e-5, "time_sweep": 1e-5, "vjp_ops": 2}
    # n = m: the pass-count rule said forward; a sweep cheaper than a pass says reverse
    assert adkit.transforms.choose_mode(dict(costs, forward=2e-4, reverse=1.2e-4))[0] == "reverse"
    assert adkit.transforms.choose_mode(dict(costs, forward=1e-4, reverse=1.2e-4))[0] == "forward"
    assert adkit.transforms.choose_mode(dict(costs, forward=1e-4, reverse=1e-4))[0] == "forward"


def test_recommend_mode_states_its_estimate_and_is_not_counted():
    with adkit.count() as c:
        mode, reason = adkit.recommend_mode(lambda x: problems.tall_map(x, 50), np.ones(3))
    assert (c.forward_passes, c.recordings, c.reverse_passes, c.total()) == (0, 0, 0, 0)
    assert mode == "forward"
    assert "measured a forward pass of 3 directions" in reason
    assert "forward mode about" in reason and "reverse mode about" in reason


def test_recommend_mode_of_an_empty_jacobian_uses_the_pass_counts():
    assert adkit.recommend_mode(lambda x: x[:0], np.ones(3)) == (
        "reverse", "n=3 inputs, m=0 outputs: 0 reverse sweeps vs 3 forward passes "
        "(1 chunked pass of 3 directions)")


# ---- the pass-count rule and its reason, word for word; hvp's extra arguments

CHOICES = [  # (n, m, chunk) -> (mode, reason)
    ((1, 1, None), ("forward", "n=1 input, m=1 output: 1 reverse sweep vs 1 forward pass")),
    ((2, 1, None), ("reverse", "n=2 inputs, m=1 output: 1 reverse sweep vs 2 forward passes "
                               "(1 chunked pass of 2 directions)")),
    ((100, 1, None), ("reverse", "n=100 inputs, m=1 output: 1 reverse sweep vs 100 forward "
                                 "passes (2 chunked passes of 50 directions)")),
    ((100, 1, 1), ("reverse", "n=100 inputs, m=1 output: 1 reverse sweep vs 100 forward "
                              "passes")),
    ((100, 1, 100), ("reverse", "n=100 inputs, m=1 output: 1 reverse sweep vs 100 forward "
                                "passes (1 chunked pass of 100 directions)")),
    ((5, 7, None), ("forward", "n=5 inputs, m=7 outputs: 7 reverse sweeps vs 5 forward passes "
                               "(1 chunked pass of 5 directions)")),
    ((0, 3, None), ("forward", "n=0 inputs, m=3 outputs: 3 reverse sweeps vs 0 forward "
                               "passes")),
    ((3, 2, 2), ("reverse", "n=3 inputs, m=2 outputs: 2 reverse sweeps vs 3 forward passes "
                            "(2 chunked passes of 2 directions)")),
]


@pytest.mark.parametrize("args,expected", CHOICES)
def test_the_pass_count_rule_and_its_reason(args, expected):
    from adkit import transforms
    assert transforms._choose(*args) == expected


def test_hvp_and_recommend_mode_pass_extra_arguments_on():
    f = lambda x, a, scale=1.0: anp.sum(a * x ** 3) * scale  # noqa: E731
    x, v = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    np.testing.assert_array_equal(adkit.hvp(f, x, v, 2.0, scale=3.0), 36.0 * x)
    # k=3 reaches f: 3 outputs (the mode itself comes from timings, so it is not asserted)
    assert adkit.recommend_mode(lambda x, k=1: x[:k], np.ones(3), k=3)[1].startswith(
        "n=3 inputs, m=3 outputs")
    assert adkit.recommend_mode(lambda x, k=1: x[:k], np.ones(3))[1].startswith(
        "n=3 inputs, m=1 output")


def test_hessian_rejects_unknown_modes_word_for_word():
    with pytest.raises(ValueError) as e:
        adkit.hessian(np.sin, mode="sideways")
    assert str(e.value) == ("hessian: mode='sideways'; choose one of ('forward-over-reverse', "
                            "'forward-over-forward', 'reverse-over-reverse', "
                            "'reverse-over-forward')")


def test_jacobian_auto_passes_keywords_on():
    J = adkit.jacobian(lambda x, s=1.0: x * s)(np.ones(2), s=3.0)
    np.testing.assert_array_equal(J, 3.0 * np.eye(2))


def test_jacobian_auto_errors_name_jacobian():
    with pytest.raises(TypeError, match="^jacobian"):
        adkit.jacobian(np.sin)("a")
