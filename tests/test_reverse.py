"""Reverse mode: vjp (record once, sweep many times), grad, value_and_grad, jacrev."""
import gc
import math
import sys
import weakref

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import Tensor, reverse, sweep
from adkit.study import workloads as problems
from tests.test_program import as_function, registry_cases

rng = np.random.default_rng(11)


def test_vjp_records_once_and_sweeps_many_times():
    W = rng.standard_normal((4, 3))
    x = rng.standard_normal(3)
    y, f_vjp = adkit.vjp(lambda x: problems.dense_tanh(x, W), x)
    J = problems.dense_tanh_jacobian(x, W)
    for _ in range(3):
        u = rng.standard_normal(4)
        (ct,) = f_vjp(u)
        np.testing.assert_allclose(ct, u @ J, rtol=1e-13)
    with pytest.raises(ValueError, match="cotangent of shape"):
        f_vjp(np.ones(3))


def test_vjp_with_several_inputs_and_outputs():
    y, f_vjp = adkit.vjp(lambda a, b: (a * b, a + b), 2.0, 3.0)
    assert y == (6.0, 5.0)
    assert f_vjp((1.0, 0.0)) == (3.0, 2.0)
    assert f_vjp((0.0, 1.0)) == (1.0, 1.0)


def test_grad_argnums_and_value_and_grad():
    f = lambda x, y, z: x * y + z  # noqa: E731
    assert adkit.grad(f)(2.0, 3.0, 4.0) == 3.0
    assert adkit.grad(f, argnums=1)(2.0, 3.0, 4.0) == 2.0
    assert adkit.grad(f, argnums=(0, 2))(2.0, 3.0, 4.0) == (3.0, 1.0)
    assert adkit.value_and_grad(f, argnums=-1)(2.0, 3.0, 4.0) == (10.0, 1.0)
    with pytest.raises(ValueError, match="argnums=5"):
        adkit.grad(f, argnums=5)(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="argnums must be"):
        adkit.grad(f, argnums="x")


def test_grad_of_a_dict_of_parameters():
    sizes = [3, 4, 2]
    X, Y, theta = problems.mlp_data(sizes, batch=5)
    params = problems.mlp_unflatten(theta, sizes)
    tree = {"layers": [{"W": W, "b": b} for W, b in params]}

    def loss(tree):
        p = [(layer["W"], layer["b"]) for layer in tree["layers"]]
        err = problems.mlp_predict(p, X) - Y
        return anp.mean(err * err)

    g = adkit.grad(loss)(tree)
    flat = adkit.grad(problems.mlp_loss)(theta, X, Y, sizes)
    np.testing.assert_allclose(g["layers"][0]["W"].ravel(), flat[:12], rtol=1e-13)
    assert g["layers"][1]["b"].shape == (2,)


def test_grad_requires_a_scalar_output():
    with pytest.raises(TypeError, match=r"f must return a scalar \(got shape \(2,\)\)"):
        adkit.grad(lambda x: x * 2)(np.ones(2))
    with pytest.raises(TypeError, match="got a tuple"):
        adkit.grad(lambda x: (x, x))(1.0)


def test_unused_inputs_get_zeros_not_none():
    gx, gy = adkit.grad(lambda x, y: anp.sum(x ** 2), argnums=(0, 1))(np.ones(3), np.ones(2))
    np.testing.assert_array_equal(gx, 2 * np.ones(3))
    np.testing.assert_array_equal(gy, np.zeros(2))
    assert adkit.grad(lambda x: 3.0)(1.0) == 0.0
    np.testing.assert_array_equal(adkit.jacrev(lambda x: np.zeros(2))(np.ones(3)),
                                  np.zeros((2, 3)))
    (ct,) = adkit.vjp(lambda x: 1.0, np.ones(2))[1](1.0)
    np.testing.assert_array_equal(ct, np.zeros(2))


def test_jacrev_shapes():
    A = rng.standard_normal((2, 3))
    J = adkit.jacrev(lambda X: A @ X)(rng.standard_normal((3, 4)))
    assert J.shape == (2, 4, 3, 4)
    np.testing.assert_allclose(J[1, 2], np.outer(A[1], np.eye(4)[2]))
    assert adkit.jacrev(lambda x: x ** 2)(3.0) == 6.0


def test_long_chain_has_no_recursion_limit():
    n = 100_000
    assert n > 10 * sys.getrecursionlimit()

    def chain(x):
        for _ in range(n):
            x = x * 1.000001
        return x

    g = adkit.grad(chain)(1.0)
    assert math.isclose(g, 1.000001 ** n, rel_tol=1e-9)
    x = Tensor(1.0, requires_grad=True)
    y = chain(x)
    y.backward()
    assert math.isclose(x.grad.item(), 1.000001 ** n, rel_tol=1e-9)
    del y  # freeing a deep graph must not overflow the C stack either
    gc.collect()


def test_functional_tape_is_freed_after_the_call():
    seen = []

    def f(x):
        y = x * 2
        seen.append(weakref.ref(y))
        return anp.sum(y * y)

    adkit.grad(f)(np.ones(3))
    gc.collect()
    assert seen[0]() is None


def test_no_grad_inside_a_transform_stops_that_derivative():
    def f(x):
        with adkit.no_grad():
            c = x * x  # treated as a constant
        return c * x

    assert adkit.grad(f)(3.0) == 9.0

    def g(x):  # a transform started inside no_grad records as usual
        return adkit.grad(lambda y: y ** 2)(x)

    with adkit.no_grad():
        assert g(3.0) == 6.0


def test_escaped_traced_value_is_an_error():
    kept = []

    def f(x):
        kept.append(x * 1.0)
        return x * 2

    adkit.grad(f)(1.0)
    with pytest.raises(RuntimeError, match="escaped its transform"):
        kept[0] + 1.0


def test_converting_a_traced_value_to_numpy_is_an_error():
    with pytest.raises(TypeError, match="would drop its derivative"):
        adkit.grad(lambda x: float(x))(1.0)
    with pytest.raises(TypeError, match="would drop its derivative"):
        adkit.grad(lambda x: np.asarray(x).sum())(np.ones(2))


def test_control_flow_on_values():
    def f(x):
        return x * x if x > 0 else -x

    assert adkit.grad(f)(3.0) == 6.0
    assert adkit.grad(f)(-3.0) == -1.0


def test_sweep_counts_and_retains():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * x).sum()
    nodes = sweep.collect([y])
    assert [n.grad_fn.name() for n in nodes] == ["SumBackward0", "MulBackward0"]


@pytest.mark.parametrize("bad", [None, "a", True, np.array(["x"]), 1j])
def test_non_numeric_outputs_are_refused(bad):
    with pytest.raises(TypeError, match="f returned a"):
        adkit.grad(lambda x: bad)(1.0)
    with pytest.raises(TypeError, match="f returned a"):
        adkit.jacfwd(lambda x: bad)(1.0)


def test_unrolled_process_records_what_the_generic_unbox_gives():
    """ReverseTrace.process unrolls one and two arguments; unbox is the generic loop."""
    prims = adkit.registry
    checked = []

    def f(x):
        trace, c = x._trace, np.array([1.0, -2.0])
        for name, args in [("mul", (x, c)), ("mul", (c, x)), ("mul", (x, x)), ("sin", (x,)),
                           ("add", (x, 1.0)), ("sub", (2.0, x)), ("add", (x * 2.0, x))]:
            node = trace.process(prims[name], args, {})
            vals, parents = trace.unbox(args)
            assert len(node._vals) == len(vals) and len(node._parents) == len(parents)
            assert all(a is b for a, b in zip(node._vals, vals))
            assert all(a is b for a, b in zip(node._parents, parents))
            checked.append(name)
        return anp.sum(x)

    adkit.grad(f)(np.array([0.5, 1.5]))
    assert len(checked) == 7


def test_collect_finds_the_records_a_transform_tapes_newest_first():
    """One way to collect records: the tape a transform keeps is what collect() finds
    from the outputs (plus records nothing uses, which the sweep skips)."""
    def f(x):
        anp.sin(x)  # recorded, but no output depends on it
        y = anp.exp(x) * x
        return anp.sum(y * y) + anp.sum(y)

    rec = reverse.record(f, np.array([0.5, 1.5]))
    found = sweep.collect(rec.outputs)
    assert found == [r for r in rec.records[::-1] if r.primitive.name != "sin"]
    assert [r.primitive.name for r in found] == ["add", "sum", "sum", "mul", "mul", "exp"]


def test_has_aux_as_in_jax():
    def f(x):
        y = anp.sum(x * x)
        return y, {"y": y, "twice": x * 2}

    (value, aux), g = adkit.value_and_grad(f, has_aux=True)(np.array([1.0, 2.0]))
    assert value == 5.0 and aux["y"] == 5.0 and not isinstance(aux["y"], adkit.Tensor)
    np.testing.assert_array_equal(aux["twice"], [2.0, 4.0])
    assert type(aux["twice"]) is np.ndarray  # plain, no derivative through it
    g2, aux2 = adkit.grad(f, has_aux=True)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g, [2.0, 4.0])
    np.testing.assert_array_equal(g2, g)
    assert aux2["y"] == 5.0
    with pytest.raises(TypeError, match="must return a pair"):
        adkit.grad(lambda x: x * x, has_aux=True)(1.0)


def test_linearize_evaluates_f_once_and_pushes_tangents_after():
    calls = []

    def f(x):
        calls.append(1)
        return anp.sin(x) * x

    x = np.array([0.5, 1.5])
    with adkit.count() as c:
        y, f_jvp = adkit.linearize(f, x)
        t1, t2 = f_jvp(np.array([1.0, 0.0])), f_jvp(np.array([0.0, 2.0]))
    assert len(calls) == 1 and c.ops["eval"]["sin"] == 1 and c.ops["eval"]["mul"] == 1
    np.testing.assert_array_equal(y, np.sin(x) * x)
    want = np.cos(x) * x + np.sin(x)
    np.testing.assert_allclose(t1, [want[0], 0.0], rtol=1e-15)
    np.testing.assert_allclose(t2, [0.0, 2 * want[1]], rtol=1e-15)
    assert (c.recordings, c.forward_passes, c.reverse_passes) == (1, 2, 0)


# ---- the reverse engine's details, each observable

def test_untracked_tensors_record_nothing_for_any_number_of_arguments():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    for y in (a + b, 2.0 * a, anp.sin(a), anp.where(np.array([True, False]), a, b),
              anp.concatenate([a, b, a])):
        assert isinstance(y, Tensor) and not y.requires_grad and y.grad_fn is None


def test_computed_tensors_are_parents_of_many_argument_ops():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = anp.where(np.array([True, False]), x * 2.0, x * 3.0)
    z = anp.concatenate([x * 1.0, anp.sin(x)])
    (anp.sum(y) + anp.sum(z)).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0 + 1.0 + np.cos(1.0), 3.0 + 1.0 + np.cos(2.0)],
                               rtol=1e-15)


def test_a_node_seeded_twice_adds_its_cotangents():
    def f(x):
        y = x * 2.0
        return y, y  # the same record is both outputs

    _, f_vjp = adkit.vjp(f, 3.0)
    assert f_vjp((1.0, 10.0)) == (22.0,)
    _, f_vjp = adkit.vjp(lambda x: (anp.sin(x), anp.sin(x)), 0.0)
    assert f_vjp((1.0, 10.0)) == (11.0,)


def test_create_graph_passes_ans_and_params_to_the_rules():
    x = Tensor(np.array([[0.5, 1.0], [1.5, 2.0]]), requires_grad=True)
    y = anp.sum(anp.exp(x) * x, axis=0)  # exp's rule uses its answer; sum has an axis
    y.backward(gradient=np.ones(2), create_graph=True)
    g = x.grad
    v = x.numpy()
    np.testing.assert_allclose(g.numpy(), np.exp(v) * (v + 1.0), rtol=1e-15)
    x.grad = None
    anp.sum(g).backward()  # d/dx of e^x (x + 1) = e^x (x + 2)
    np.testing.assert_allclose(x.grad.numpy(), np.exp(v) * (v + 2.0), rtol=1e-15)


def test_transforms_pass_keyword_arguments_on():
    f = lambda x, scale=1.0: anp.sin(x) * scale  # noqa: E731
    assert adkit.grad(f)(0.0, scale=3.0) == 3.0
    assert adkit.value_and_grad(f)(0.0, scale=3.0) == (0.0, 3.0)
    assert adkit.jacrev(f)(0.0, scale=3.0) == 3.0


def test_detach_inside_a_transform_gives_the_plain_value():
    seen = []
    adkit.grad(lambda x: seen.append(x.detach()) or anp.sum(x))(np.ones(2))
    assert type(seen[0]) is np.ndarray and seen[0].tolist() == [1.0, 1.0]


def test_float32_in_float32_out_in_every_reverse_transform():
    x = np.array([0.5, 1.5], np.float32)
    f = lambda x: anp.sum(anp.sin(x) * x)  # noqa: E731
    value, g = adkit.value_and_grad(f)(x)
    assert np.asarray(value).dtype == np.float32 and g.dtype == np.float32
    y, f_vjp = adkit.vjp(lambda x: anp.sin(x), x)
    assert y.dtype == np.float32 and f_vjp(np.ones(2))[0].dtype == np.float32
    assert adkit.jacrev(lambda x: anp.sin(x))(x).dtype == np.float32
    assert type(adkit.grad(lambda x: x * 2.0)(np.float32(1.0))) is np.float32
    assert adkit.grad(lambda x: anp.sum(x * 2.0))(np.array([1, 2])).dtype == np.float64
    assert type(adkit.vjp(anp.sin, 1.0)[0]) is float


def test_a_user_rule_returning_float64_for_float32_inputs_is_cast():
    p = adkit.Primitive("sum64", lambda x: np.sum(x), register=False)
    p.def_rules(vjp=lambda g, wanted, ans, x: (np.ones(np.shape(x), np.float64) * g,))
    g = adkit.grad(p)(np.ones(3, np.float32))
    assert g.dtype == np.float32 and g.tolist() == [1.0, 1.0, 1.0]


def test_recording_keeps_its_inputs_outputs_and_counts_its_bytes():
    x = np.ones(1000)
    rec = reverse.record(lambda x: anp.sum(anp.sin(x)), x)
    assert len(rec) == 2 and rec.inputs[0]._value is x
    assert [r.primitive.name for r in rec.records] == ["sin", "sum"]
    sizes = rec.nbytes()
    # the sin output (8000 bytes) and the sum's scalar; the input is the caller's
    assert sizes["records"] == 2
    assert sizes["array_bytes"] == 8000 + sys.getsizeof(np.float64(0.0))
    # a record keeps its one or two arguments in its own slots: its size is all there is
    assert sizes["overhead_bytes"] == sum(sys.getsizeof(r) for r in rec.records)
    where = reverse.record(lambda x: anp.sum(anp.where(x > 0, x, 2.0 * x)), x)
    three = [r for r in where.records if len(r._vals) == 3]  # where's: two tuples too
    assert three and where.nbytes()["overhead_bytes"] == sum(sys.getsizeof(r) for r in
                                                             where.records) + sum(
        sys.getsizeof(r._vals) + sys.getsizeof(r._parents) for r in three)
    assert sizes["total_bytes"] == sizes["array_bytes"] + sizes["overhead_bytes"]
    assert set(sizes) == {"records", "array_bytes", "overhead_bytes", "total_bytes",
                          "by_primitive", "peak_sweep_bytes"}


def test_grad_fn_names_split_words_like_pytorch():
    two_words = adkit.primitive(np.sin, name="my_sin_op",
                                vjp=lambda g, ans, x: g * anp.cos(x))
    x = Tensor(1.0, requires_grad=True)
    assert two_words(x).grad_fn.name() == "MySinOpBackward0"
    assert Tensor([1.0, 2.0], requires_grad=True)[0].grad_fn.name() == "GetitemBackward0"


def test_has_aux_passes_keywords_and_returns_plain_aux():
    g, aux = adkit.grad(lambda x, s=1.0: (x * x * s, {"v": x * 2.0, "n": 3}), has_aux=True)(
        3.0, s=2.0)
    assert g == 12.0 and aux == {"n": 3, "v": 6.0} and type(aux["v"]) is float
    (value, aux), g = adkit.value_and_grad(lambda x: (anp.sum(x * x), x * 1.0),
                                           has_aux=True)(np.ones(2, np.float32))
    assert aux.dtype == np.float32 and type(aux) is np.ndarray and g.tolist() == [2.0, 2.0]
    with pytest.raises(TypeError) as e:
        adkit.grad(lambda x: x * 2.0, has_aux=True)(1.0)
    assert str(e.value) == "has_aux=True: f must return a pair (output, aux), got Node"


def test_concrete_sees_through_boxes_in_keywords_too():
    from adkit import core
    assert core.concrete(lambda a, b=0.0: a > b, adkit.Dual(2.0, 1.0), b=adkit.Dual(3.0, 1.0)) \
        is False
    assert core.concrete(lambda a, b=0.0: a > b, adkit.Dual(4.0, 1.0), b=adkit.Dual(3.0, 1.0)) \
        is True


def test_a_scalar_index_and_a_repeated_list_add_up():
    x = np.arange(6.0).reshape(2, 3)
    g = adkit.grad(lambda x: anp.sum(x[np.int64(0), [0, 0]]))(x)
    np.testing.assert_array_equal(g, [[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    t = Tensor(np.ones(3, np.float32), requires_grad=True)
    t[np.array([0, 0])].sum().backward()
    assert t.grad.numpy().dtype == np.float32 and t.grad.tolist() == [2.0, 0.0, 0.0]


def test_a_gradient_never_aliases_an_input_array():
    swap = adkit.primitive(lambda x, y: np.sum(x * y), name="swap_rules",
                           vjp=(lambda g, ans, x, y: y, lambda g, ans, x, y: x))
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gx, gy = adkit.grad(swap, argnums=(0, 1))(x, y)
    assert gx.tolist() == [3.0, 4.0] and gy.tolist() == [1.0, 2.0]
    assert not np.shares_memory(gx, y) and not np.shares_memory(gy, x)
    (ct,) = adkit.vjp(lambda x: x, x)[1](x)
    assert ct.tolist() == [1.0, 2.0] and not np.shares_memory(ct, x)


# ---- a one-shot sweep frees a result its rule does not read (Primitive.vjp_reads_ans)
# once its readers are swept: every such primitive, with every result dropped, gives the
# same gradient

DECLARED = [c for c in registry_cases() if not adkit.registry[c.values[0]].vjp_reads_ans]


def test_the_primitives_that_read_no_ans_are_the_expected_ones():
    names = {c.values[0] for c in DECLARED}
    assert {"add", "sub", "mul", "sin", "log", "sum", "matmul", "getitem"} <= names
    assert not names & {"exp", "tanh", "sqrt", "div", "pow", "sigmoid", "logsumexp"}


@pytest.mark.parametrize("name,case", DECLARED)
def test_freeing_unread_values_changes_no_gradient(name, case, monkeypatch):
    fn, args = as_function(name, case)
    weights = np.random.default_rng(3).standard_normal(np.shape(fn(*args)))

    def loss(*xs):
        return anp.sum(anp.sin(fn(*xs)) * weights)  # sin: the output's own value is read

    argnums = tuple(range(len(args)))
    want = adkit.grad(loss, argnums=argnums)(*args)
    monkeypatch.setattr(reverse, "DROP_SIZE", 0)  # every array counts as big
    for g, w in zip(adkit.grad(loss, argnums=argnums)(*args), want):
        np.testing.assert_array_equal(g, w)


def test_a_sum_of_squares_frees_its_square_before_its_rule_runs(monkeypatch):
    """x * x is read by no rule (mul reads x, sum reads shapes): mul's rule gets a
    stand-in, so the square is freed before the gradient is allocated."""
    seen = []
    mul = adkit.registry["mul"]
    real = mul.vjp

    def spy(g, wanted, ans, *args):
        seen.append(type(ans) is np.ndarray and not any(ans.strides))
        return real(g, wanted, ans, *args)

    monkeypatch.setattr(mul, "vjp", spy)
    x = np.arange(float(sweep.DROP_SIZE))
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(x * x))(x), 2 * x)
    assert seen == [True]
