"""Forward mode: dual numbers with k directions, jvp, chunked jacfwd."""
import math

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Dual, forward
from adkit.study import workloads as problems

rng = np.random.default_rng(7)
W = rng.standard_normal((5, 3))  # R^3 -> R^5
W_WIDE = rng.standard_normal((2, 6))  # R^6 -> R^2


def vector_functions():
    return [
        ("dense_tanh_tall", lambda x: problems.dense_tanh(x, W), rng.standard_normal(3)),
        ("dense_tanh_wide", lambda x: problems.dense_tanh(x, W_WIDE), rng.standard_normal(6)),
        ("tall_map", lambda x: problems.tall_map(x, 8), rng.standard_normal(3)),
        ("mixed", lambda x: anp.stack([x[0] * x[1], anp.sum(anp.exp(x)), x[-1] ** 3,
                                       anp.max(x)]), rng.standard_normal(5)),
        ("matrix_in", lambda A: anp.sum(A @ A.T, axis=0), rng.standard_normal((3, 2))),
    ]


@pytest.mark.parametrize("name,f,x", vector_functions(), ids=[v[0] for v in vector_functions()])
def test_jacfwd_equals_jacrev_at_every_chunk_size(name, f, x):
    n = x.size
    expected = adkit.jacrev(f)(x)
    assert expected.shape == np.shape(f(x)) + x.shape
    for chunk in sorted({1, 2, n - 1, n, None} - {0}, key=lambda c: c or 0):
        got = adkit.jacfwd(f, chunk=chunk)(x)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14,
                                   err_msg=f"chunk={chunk}")


def test_jacobians_match_the_closed_form():
    x = rng.standard_normal(3)
    np.testing.assert_allclose(adkit.jacfwd(lambda x: problems.dense_tanh(x, W))(x),
                               problems.dense_tanh_jacobian(x, W), rtol=1e-13)
    np.testing.assert_allclose(adkit.jacfwd(problems.elementwise_map, chunk=2)(x),
                               problems.elementwise_map_jacobian(x), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("chunk", [0, -1, 4, 2.5, True])
def test_invalid_chunk_is_a_clear_value_error(chunk):
    with pytest.raises(ValueError, match=r"chunk=.* is invalid .* n=3 inputs"):
        adkit.jacfwd(np.sin, chunk=chunk)(np.ones(3))


def test_default_chunk_is_balanced():
    assert forward.default_chunk(1) == 1
    assert forward.default_chunk(10) == 10
    assert forward.default_chunk(64) == 64
    k = forward.default_chunk(100)
    assert k == 50 and math.ceil(100 / k) == 2  # two equal chunks, not 64 + 36
    assert forward.default_chunk(10 ** 6) * 10 ** 6 <= 2 ** 22 + 10 ** 6


def test_dual_numbers_by_hand():
    d = Dual(3.0, 1.0)
    y = d * d + anp.sin(d)
    assert y.value == 9.0 + math.sin(3.0)
    assert y.tangent == 6.0 + math.cos(3.0)
    assert repr(Dual(2.0, 1.0)) == "Dual(2.0, 1.0)"
    multi = Dual(np.array([1.0, 2.0]), np.eye(2))  # two directions at once
    out = multi * multi
    np.testing.assert_array_equal(out.tangents, [[2.0, 0.0], [0.0, 4.0]])
    assert Dual(2.0).tangent == 0.0
    with pytest.raises(ValueError, match="tangent must have"):
        Dual(np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="drop its tangent"):
        float(Dual(1.0, 1.0))


def test_jvp_shapes_and_structures():
    y, t = adkit.jvp(lambda x: x ** 2, (np.array([1.0, 2.0]),), (np.array([1.0, 0.5]),))
    np.testing.assert_array_equal(y, [1.0, 4.0])
    np.testing.assert_array_equal(t, [2.0, 2.0])
    y, t = adkit.jvp(lambda p: p["a"] * p["b"], ({"a": 2.0, "b": 3.0},), ({"a": 1.0, "b": 0.0},))
    assert (y, t) == (6.0, 3.0)
    (y1, y2), (t1, t2) = adkit.jvp(lambda x: (x, 2 * x), (1.0,), (1.0,))
    assert (t1, t2) == (1.0, 2.0)
    with pytest.raises(ValueError, match="tangent of shape"):
        adkit.jvp(np.sin, (np.ones(3),), (np.ones(2),))
    with pytest.raises(TypeError, match="must be tuples"):
        adkit.jvp(np.sin, 1.0, 1.0)


def test_derivative_and_forward_grad():
    assert forward.derivative(lambda x: x ** 3)(2.0) == 12.0
    np.testing.assert_array_equal(forward.derivative(lambda x: x * np.array([1.0, 2.0]))(5.0),
                                  [1.0, 2.0])
    with pytest.raises(ValueError, match="must be a scalar"):
        forward.derivative(np.sin)(np.ones(2))
    x = rng.standard_normal(6)
    np.testing.assert_allclose(forward.grad(problems.rosenbrock, chunk=4)(x),
                               problems.rosenbrock_grad(x), rtol=1e-13)
    with pytest.raises(TypeError, match="must return a scalar"):
        forward.grad(np.sin)(np.ones(2))


def test_output_independent_of_input_gives_zeros():
    J = adkit.jacfwd(lambda x: np.ones(2) * 3.0)(np.ones(3))
    np.testing.assert_array_equal(J, np.zeros((2, 3)))
    gx, gy = forward.grad(lambda x, y: y * 2.0, argnums=(0, 1))(np.ones(2), 1.0)
    np.testing.assert_array_equal(gx, np.zeros(2))
    assert gy == 2.0


def test_argnums_tuple_and_pytrees():
    f = lambda a, b: anp.sum(a * b["w"]) + b["c"]  # noqa: E731
    a, b = np.array([1.0, 2.0]), {"w": np.array([3.0, 4.0]), "c": 5.0}
    ja, jb = adkit.jacfwd(f, argnums=(0, 1), chunk=1)(a, b)
    np.testing.assert_array_equal(ja, [3.0, 4.0])
    np.testing.assert_array_equal(jb["w"], [1.0, 2.0])
    assert jb["c"] == 1.0


def test_float32_inputs_keep_their_dtype():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert adkit.jacfwd(lambda x: x * x)(x).dtype == np.float32
    assert adkit.grad(lambda x: anp.sum(x * x))(x).dtype == np.float32


def test_integer_inputs_are_differentiated_as_floats():
    assert adkit.grad(lambda x: x * x)(3) == 6.0
    np.testing.assert_array_equal(adkit.jacfwd(lambda x: 2 * x)(np.array([1, 2])), 2 * np.eye(2))
    with pytest.raises(TypeError, match="dtype complex128"):
        adkit.grad(lambda x: x)(np.array([1j]))


# ---- the forward engine's details, each observable

def test_constant_duals_stay_constants():
    c = Dual(2.0)  # no tangent: a constant of the manual level
    with adkit.count() as cnt:
        y = anp.sin(c) * Dual(3.0)
    assert type(y) is float and y == math.sin(2.0) * 3.0
    assert cnt.total("jvp") == 0
    assert c.tangent == 0.0 and c.tangents is None


def test_jvp_rules_are_counted_by_name():
    with adkit.count() as c:
        adkit.jvp(lambda x: anp.sin(x) * x, (1.0,), (1.0,))
    assert c.by_name("jvp") == {"sin": 1, "mul": 1}
    assert (c.forward_passes, c.directions) == (1, 1)


def test_only_the_seeded_leaf_is_traced_in_each_chunk():
    with adkit.count() as c:
        J = adkit.jacfwd(lambda x, y: anp.sin(x) + anp.cos(y), argnums=(0, 1), chunk=1)(1.0, 2.0)
    assert J == (math.cos(1.0), -math.sin(2.0))
    assert c.by_name("jvp") == {"sin": 1, "cos": 1, "add": 2}
    with adkit.count() as c:
        adkit.jacfwd(anp.sin)(1.0)  # n = 1: one pass
    assert c.forward_passes == 1


def test_dual_tangents_take_the_values_float_dtype():
    d = Dual(np.ones(2, np.float32), np.array([1, 2]))
    assert d.tangents.dtype == np.float32 and d.tangents.shape == (1, 2)
    d = Dual(1.0, 1)
    assert d.tangents.dtype == np.float64 and d.tangent == 1.0


def test_jvp_tangents_take_the_primals_dtype_and_may_be_traced():
    y, t = adkit.jvp(anp.sin, (np.zeros(2, np.float32),), (np.ones(2),))
    assert y.dtype == np.float32 and t.dtype == np.float32
    # a tangent that is itself traced: d/ds [J(x) (s v)] = J(x) v
    x = 0.3
    assert forward.derivative(lambda s: adkit.jvp(anp.sin, (x,), (s,))[1])(2.0) == math.cos(x)
    assert adkit.grad(lambda s: adkit.jvp(anp.sin, (x,), (s * s,))[1])(2.0) == 4 * math.cos(x)


def test_jvp_batch_pushes_k_directions_in_one_pass():
    x = np.array([0.5, 1.0, 1.5])
    V = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0]])
    with adkit.count() as c:
        y, T = forward.jvp_batch(anp.sin, (x,), (V,))
    assert (c.forward_passes, c.directions) == (1, 2)
    np.testing.assert_array_equal(y, np.sin(x))
    np.testing.assert_allclose(T, V * np.cos(x), rtol=1e-15)
    (y, z), (ty, tz) = forward.jvp_batch(lambda a, b: (a * b, a + b), (2.0, 3.0),
                                         (np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    assert (y, z) == (6.0, 5.0)
    np.testing.assert_array_equal(ty, [3.0, 2.0])
    np.testing.assert_array_equal(tz, [1.0, 1.0])


def test_jvp_of_a_single_direction_counts_one():
    with adkit.count() as c:
        adkit.jvp(anp.sin, (np.ones(3),), (np.ones(3),))
    assert (c.forward_passes, c.directions) == (1, 1)


def test_jvp_keeps_float_outputs_floats():
    y, t = adkit.jvp(anp.sin, (1.0,), (1.0,))
    assert type(y) is float and type(t) is float
    y, t = adkit.jvp(lambda x: x * 2.0, (np.float32(1.0),), (np.float32(1.0),))
    assert np.asarray(y).dtype == np.float32 and np.asarray(t).dtype == np.float32


def test_escaped_duals_are_refused():
    kept = []
    adkit.jvp(lambda x: kept.append(x * 2.0) or x, (1.0,), (1.0,))
    with pytest.raises(RuntimeError, match="escaped its transform"):
        kept[0] + 1.0


def test_derivative_jacfwd_and_grad_pass_extra_arguments_on():
    f = lambda x, a, scale=1.0: anp.sin(a * x) * scale  # noqa: E731
    assert forward.derivative(f)(0.0, 3.0, scale=2.0) == 6.0
    assert adkit.jacfwd(f)(0.0, 3.0, scale=2.0) == 6.0
    assert forward.grad(f)(0.0, 3.0, scale=2.0) == 6.0


def test_default_chunk_at_its_edges():
    assert [forward.default_chunk(n) for n in (0, 1, 64, 65, 129)] == [1, 1, 64, 33, 43]
    assert forward.default_chunk(100_000) == 41  # 2**22 // n directions at most, balanced
    assert type(forward.default_chunk(100_000)) is int
    assert forward.default_chunk(2 ** 22 + 1) == 1
    with pytest.raises(ValueError, match="chunk=2 is invalid"):
        forward.check_chunk(2, 1)
    assert forward.check_chunk(1, 0) == 1 and forward.check_chunk(None, 5) == 5


@pytest.mark.parametrize("name,args,params", [
    ("sin", ("d",), {}), ("sin", ("s",), {}), ("log", ("zero",), {}), ("mul", ("d", "c"), {}),
    ("mul", ("c", "d"), {}), ("mul", ("d", "d"), {}), ("add", ("d", 1.0), {}),
    ("sub", (2.0, "d"), {}), ("div", ("s", 0.0), {}), ("pow", ("s", 2.0), {}),
    ("sum", ("d",), {"axis": (0,), "keepdims": True}), ("maximum", ("d", "m"), {}),
])
def test_unrolled_process_gives_what_bind_gives(name, args, params):
    """ForwardTrace.process unrolls one and two plain primals and evaluates them at once
    (bind's own work without its search for a trace: math for floats); while counting it
    takes bind's path. Same values, same tangents, numpy's inf where math raises (1/0,
    log 0)."""
    prim = adkit.registry[name]
    trace = forward.ForwardTrace(adkit.core.new_level())
    make = {"d": lambda: forward._dual(np.array([0.5, -1.5]), np.array([[1.0, 2.0]]), trace),
            "s": lambda: forward._dual(3.0, np.array([2.0]), trace),
            "zero": lambda: forward._dual(0.0, np.array([1.0]), trace),
            "m": lambda: forward._dual(np.array([0.5, 1.0]), np.array([[3.0, -1.0]]), trace),
            "c": lambda: np.array([4.0, -0.5])}
    with np.errstate(divide="ignore"):
        fast = trace.process(prim, tuple(make[a]() if a in make else a for a in args), params)
        with adkit.count():
            bound = trace.process(prim, tuple(make[a]() if a in make else a for a in args),
                                  params)
    assert type(fast) is type(bound) is forward.Dual
    assert type(fast.value) is type(bound.value)
    np.testing.assert_array_equal(fast.value, bound.value)
    np.testing.assert_array_equal(fast.tangent, bound.tangent)


def test_a_complex_output_tangent_is_refused():
    """A rule that makes a complex tangent for a real value (a user's primitive) is
    refused at the output, never handed back."""
    p = adkit.Primitive("complex_slope", np.sin, register=False)
    p.defjvp(lambda t, ans, x: t * 1j)
    for x in (0.5, np.array([0.5, 1.0])):
        with pytest.raises(TypeError, match="the tangent of f's output is complex"):
            adkit.jvp(p, (x,), (x,))
