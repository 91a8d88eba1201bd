"""Compiled tape sweeps (adkit.program): a tape's grad, vjp and jvp, recorded once as a
program, give what the rules give, at points other than the one compiled at, for every
registered primitive; nothing value-dependent is frozen; guards still stop a replay;
results are owned; the generated source is built from slot numbers only."""
import re

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import program as program_module
from adkit.study import workloads
from tests.test_registry import DOMAINS

rng = np.random.default_rng(7)


def registry_cases():
    out = []
    for name in sorted(DOMAINS):
        for i, case in enumerate(DOMAINS[name]):
            out.append(pytest.param(name, case, id=f"{name}-{i}"))
    return out


def as_function(name, case):
    if callable(case[0]):
        return case[0], case[1]
    (args, params) = case
    prim = adkit.registry[name]
    return (lambda *xs: prim(*xs, **params)), args


def nearby(x):
    """Another point of the same domain: each value scaled by 1 +- 5% (signs kept)."""
    if isinstance(x, float):
        return x * (1 + 0.05 * rng.uniform(-1, 1))
    return np.asarray(x * (1 + 0.05 * rng.uniform(-1, 1, np.shape(x))))


def compiled(tape, method, *call):
    """Call tape.method twice (the second call compiles), and check a program exists."""
    for _ in range(2):
        getattr(tape, method)(*call)
    assert tape._programs, f"tape.{method} was not compiled"


@pytest.mark.parametrize("name,case", registry_cases())
def test_compiled_sweeps_equal_the_rules_away_from_where_they_were_compiled(name, case):
    fn, args = as_function(name, case)
    y = fn(*args)
    weights = rng.standard_normal(np.shape(y))
    argnums = tuple(range(len(args)))

    def loss(*xs):
        return anp.sum(fn(*xs) * weights)

    at = [nearby(x) for x in args]
    # grad
    tape = adkit.record(loss, *args, argnums=argnums)
    compiled(tape, "grad", *args)
    want = adkit.grad(loss, argnums=argnums)(*at)
    for g, w in zip(tape.grad(*at), want):
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)
    # vjp
    tape = adkit.record(fn, *args, argnums=argnums)
    compiled(tape, "vjp", args, weights)
    value, cts = tape.vjp(at, weights)
    want_value, pullback = adkit.vjp(fn, *at)
    np.testing.assert_allclose(value, want_value, rtol=1e-14)
    for c, w in zip(cts, pullback(weights)):
        np.testing.assert_allclose(c, w, rtol=1e-13, atol=1e-15)
    # jvp, two directions in one sweep
    tangents = [np.stack([rng.standard_normal(np.shape(x)) for _ in range(2)]) for x in args]
    compiled(tape, "jvp", args, tangents)
    value, t = tape.jvp(at, tangents)
    for k in range(2):
        _, want_t = adkit.jvp(fn, tuple(at), tuple(np.asarray(v)[k] for v in tangents))
        np.testing.assert_allclose(np.asarray(t)[k], want_t, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("f", [lambda x: anp.sum(anp.maximum(x, 0.0) * x),
                               lambda x: anp.sum(anp.abs(x) * x),
                               lambda x: anp.sum(anp.minimum(x, 0.5 * x) ** 2),
                               lambda x: anp.max(x * x) + anp.min(x)])
def test_masks_are_computed_again_not_frozen(f):
    x = np.array([1.0, 2.0, -3.0, 0.5])
    tape = adkit.record(f, x)
    compiled(tape, "grad", x)
    for other in (-x, x[::-1].copy(), np.array([-1.0, 0.25, 3.0, -2.0])):
        np.testing.assert_array_equal(tape.grad(other), adkit.grad(f)(other))


def test_a_changed_branch_still_stops_a_compiled_replay():
    def f(x):
        return anp.sum(x * x) if anp.sum(x) > 0 else anp.sum(anp.sin(x))

    x = np.ones(3)
    tape = adkit.record(f, x)
    compiled(tape, "grad", x)
    with pytest.raises(adkit.BranchChanged, match=r"op 1: v0 > 0 was True, now False"):
        tape.grad(-x)
    again = adkit.record(f, x, retape=True)
    compiled(again, "grad", x)
    np.testing.assert_array_equal(again.grad(-x), np.cos(-x))
    np.testing.assert_array_equal(again.grad(x), 2 * x)


def test_compiled_results_are_owned():
    x = np.arange(3.0)
    tape = adkit.record(lambda x: anp.sum(x), x)  # the gradient is a constant of the program
    compiled(tape, "grad", x)
    g1 = tape.grad(x)
    g1[:] = 7.0
    g2 = tape.grad(x)
    np.testing.assert_array_equal(g2, np.ones(3))
    assert g1 is not g2
    identity = adkit.record(lambda x: x, x)
    compiled(identity, "jvp", (x,), (x,))
    value, t = identity.jvp((x,), (x,))
    assert value is not x and t is not x and not np.shares_memory(t, x)


def test_a_replay_never_writes_into_its_inputs_or_constants():
    n = 3 * program_module.IN_PLACE_SIZE
    x = rng.standard_normal(n)
    scale = np.full(n, 3.0)
    keep_x, keep_scale = x.copy(), scale.copy()

    def f(x):
        return workloads.rosenbrock(x) + anp.sum(anp.exp(x) * scale)

    tape = adkit.record(f, x)
    compiled(tape, "grad", x)
    source = tape._programs["grad"].source
    assert "_add_at" not in source  # functions are never named in the source ...
    g = tape.grad(x)
    np.testing.assert_array_equal(x, keep_x)
    np.testing.assert_array_equal(scale, keep_scale)
    np.testing.assert_allclose(g, workloads.rosenbrock_grad(x) + 3 * np.exp(x), rtol=1e-12,
                               atol=1e-10)


def test_a_gradient_needs_no_loss_and_no_ones():
    """Dead ops are dropped and a broadcast 1 folds away: sum(x * x) is one multiply."""
    x = np.ones(5)
    tape = adkit.record(workloads.sum_of_squares, x)
    compiled(tape, "grad", x)
    assert len(tape._programs["grad"]) == 1


def test_uniform_constants_become_numbers_and_others_stay_arrays():
    x = np.arange(4.0)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    for c, want in ((np.full(4, 2.5), np.full(4, 2.5)), (w, w)):
        tape = adkit.record(lambda x, c=c: anp.sum(x * c), x)
        compiled(tape, "grad", x)
        np.testing.assert_array_equal(tape.grad(x + 1), want)


W = np.linspace(0.5, 2.0, 12).reshape(3, 4)
FUSED = [  # (f, how many sums of products its jvp program makes: value and tangent)
    (lambda x: anp.sum(x * x), 2),
    (lambda x: anp.sum(x * W), 2),
    (lambda x: anp.sum(W * anp.sin(x)), 2),
    (lambda x: anp.sum(x * anp.cos(x) * 3.0), 1),  # 3 * (x cos x): the value sums a product
    (lambda x: anp.sum(x * x, axis=0)[1], 0),  # not every axis
    (lambda x: anp.sum(x * x, keepdims=True)[0, 0], 0),
    (lambda x: anp.sum(x * W[0]), 0),  # a broadcast: the product is bigger than either
    (lambda x: (lambda y: anp.sum(y) + y[0, 0])(x * x), 0),  # the product is read twice
    (lambda x: anp.sum(x.astype(np.float32) * np.float32(2)), 0),
    (lambda x: anp.mean(x * x), 2),  # a mean: the dot product over the count
    (lambda x: anp.mean(W * x * 0.5), 2),
    (lambda x: anp.mean(x * x, axis=1)[0], 0),
]


def sums_of_products(program):
    return sum(step[0].func in (program_module._dot_all, program_module._dot_batch)
               for step in program._steps if hasattr(step[0], "func"))


@pytest.mark.parametrize("f,fused", FUSED)
def test_sums_of_products_are_dot_products_with_numpys_values(f, fused):
    """sum(a * b) of two float64 arrays of one shape runs as one dot product (the tangent
    as a batch of them); elsewhere the product and its sum stay."""
    x, v = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    tape = adkit.record(f, x)
    compiled(tape, "jvp", (x,), (v,))
    compiled(tape, "grad", x)
    assert sums_of_products(tape.program("jvp")) == fused
    x2, v2 = nearby(x), rng.standard_normal((2, 3, 4))
    value, slope = tape.jvp((x2,), (v2[0],))
    want_value, want_slope = adkit.jvp(f, (x2,), (v2[0],))
    assert type(value) is type(want_value) and np.shape(slope) == np.shape(want_slope)
    np.testing.assert_allclose([value, slope], [want_value, want_slope], rtol=1e-13)
    _, slopes = tape.jvp((x2,), (v2,))  # k = 2 directions in one replay
    np.testing.assert_allclose(slopes, [adkit.jvp(f, (x2,), (d,))[1] for d in v2], rtol=1e-13)
    np.testing.assert_allclose(tape.grad(x2), adkit.grad(f)(x2), rtol=1e-13)


LINE = re.compile(r"def run\((v\d+, )*\):|    v\d+ = f\d+\((v\d+(, v\d+)*)?\)|"
                  r"    if not f\d+\((v\d+(, v\d+)*)?\): raise Stale|    (v\d+ = )+None|"
                  r"    return \[((_copy\()?v\d+\)?(, )?)*\]")


@pytest.mark.parametrize("f,args", [
    (workloads.rosenbrock, (np.linspace(-1, 1, 5),)),
    (workloads.logistic_loss, (np.ones(3), np.ones((4, 3)), np.array([1.0, -1, 1, -1]))),
    (lambda x: anp.sum(x * x) if anp.sum(x) > 0 else 0.0, (np.ones(2),))])
def test_generated_source_is_slot_numbers_only_and_runs_like_the_loop(f, args):
    tape = adkit.record(f, *args)
    compiled(tape, "grad", *args)
    program = tape._programs["grad"]
    for line in program.source.splitlines():
        assert LINE.fullmatch(line), line
    leaves = tape._exact_leaves(args)
    for a, b in zip(program.run(leaves), program.interpret(leaves)):
        np.testing.assert_array_equal(a, b)


def test_long_programs_run_in_the_loop(monkeypatch):
    monkeypatch.setattr(program_module, "MAX_GENERATED", 10)
    x = np.linspace(0.1, 1.0, 8)
    tape = adkit.record(workloads.sin_chain, x)
    compiled(tape, "grad", x)
    assert tape._programs["grad"].source is None
    np.testing.assert_allclose(tape.grad(x), workloads.sin_chain_grad(x), rtol=1e-12)


def test_counting_and_nesting_use_the_rules_after_compiling():
    x = np.array([0.3, -0.7])
    f = lambda x: anp.sum(anp.sin(x) * x)  # noqa: E731
    tape = adkit.record(f, x)
    compiled(tape, "grad", x)
    with adkit.count() as c:
        g = tape.grad(x)
    assert (c.forward_passes, c.reverse_passes, c.recordings) == (1, 1, 0)
    assert c.ops["vjp"]["sin"] == 1
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-15)
    hess = adkit.jacfwd(tape.grad)(x)
    np.testing.assert_allclose(hess, adkit.hessian(f)(x), rtol=1e-14)
