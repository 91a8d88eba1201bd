"""adkit.extend and the Primitive record: user primitives declared every supported way
(decorator with and without arguments, one call with rules, rules added later), built
inside the tests so each declaration runs here; the registry; stop_gradient."""
import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit import core, forward

X = np.array([0.5, -1.0, 2.0])


def unbatched_rule(t, ans, x):
    """A JVP rule that only handles one direction at a time (shape of x)."""
    assert np.shape(t) == np.shape(x), "rule called with all directions at once"
    return t * anp.cos(x)


def batched_rule(t, ans, x):
    assert np.shape(t)[1:] == np.shape(x), "rule called with one direction"
    return t * anp.cos(x)


def check_sin_like(prim):
    np.testing.assert_allclose(adkit.jacfwd(prim, chunk=3)(X), np.diag(np.cos(X)), rtol=1e-15)
    np.testing.assert_allclose(adkit.grad(lambda x: anp.sum(prim(x)))(X), np.cos(X),
                               rtol=1e-15)


def test_primitive_as_a_plain_decorator_defaults_to_one_direction_per_rule_call():
    @adkit.primitive
    def my_sin(x):
        """sine, as a user primitive."""
        return np.sin(x)

    my_sin.defjvp(unbatched_rule)
    my_sin.defvjp(lambda g, ans, x: g * anp.cos(x))
    check_sin_like(my_sin)
    assert my_sin.name == "my_sin" and my_sin.__doc__ == "sine, as a user primitive."
    assert my_sin.__wrapped__.__name__ == "my_sin"
    assert my_sin.builtin is False and "my_sin" not in adkit.registry


def test_primitive_with_keyword_arguments_as_a_decorator():
    @adkit.primitive(name="sin_kw", jvp=batched_rule, vjp=lambda g, ans, x: g * anp.cos(x),
                     batched=True)
    def f(x):
        return np.sin(x)

    assert f.name == "sin_kw" and f.__name__ == "f"
    check_sin_like(f)


@pytest.mark.parametrize("batched,rule", [(False, unbatched_rule), (True, batched_rule)])
def test_primitive_in_one_call_with_single_rules_and_rule_tuples(batched, rule):
    one = adkit.primitive(np.sin, name="sin_one", jvp=rule,
                          vjp=lambda g, ans, x: g * anp.cos(x), batched=batched)
    check_sin_like(one)
    two = adkit.primitive(lambda x, y: x * y, name="mul_two",
                          jvp=[lambda t, ans, x, y: t * y, lambda t, ans, x, y: t * x],
                          vjp=(lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x))
    assert adkit.grad(two, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)
    assert adkit.jvp(two, (2.0, 3.0), (1.0, 10.0)) == (6.0, 23.0)


def test_user_primitives_may_share_a_name_and_are_not_registered():
    a = adkit.primitive(np.sin, name="shared_name")
    b = adkit.primitive(np.cos, name="shared_name")
    assert a is not b and "shared_name" not in adkit.registry
    assert (a.builtin, b.builtin) == (False, False)
    with pytest.raises(TypeError, match="'shared_name' has no JVP rule"):
        adkit.jvp(b, (1.0,), (1.0,))


def test_a_primitive_without_rules_given_later_has_none():
    p = adkit.primitive(np.tanh, name="tanh_bare")
    assert p.jvp is None and p.vjp is None
    assert p(0.5) == np.tanh(0.5)


def test_primitive_record_defaults_register_it_as_builtin():
    name = "registered_for_test"
    try:
        p = core.Primitive(name, np.negative)
        assert adkit.registry[name] is p and p.builtin is True and p.scalar_impl is None
        with pytest.raises(ValueError, match=f"^a primitive named '{name}' is already "
                                             "registered$"):
            core.Primitive(name, np.negative)
        assert adkit.registry[name] is p
    finally:
        adkit.registry.pop(name, None)
    q = core.Primitive("unregistered_for_test", np.negative, register=False)
    assert "unregistered_for_test" not in adkit.registry and q.builtin is True


def test_primitive_scalar_impl_is_used_for_python_floats():
    calls = []

    def scalar(x):
        calls.append(x)
        return x * x * x

    cube = core.Primitive("cube_scalar", lambda x: np.asarray(x) ** 3, scalar_impl=scalar,
                          register=False)
    assert cube.scalar_impl is scalar
    y = cube(2.0)
    assert y == 8.0 and type(y) is float and calls == [2.0]
    assert isinstance(cube(np.array([2.0])), np.ndarray) and calls == [2.0]


def test_defjvp_method_passes_the_primitive_and_batched():
    for batched, rule in ((False, unbatched_rule), (True, batched_rule)):
        p = core.Primitive("sin_method", np.sin, register=False)
        assert p.defjvp(rule, batched=batched) is p
        assert p.defvjp(lambda g, ans, x: g * anp.cos(x)) is p
        check_sin_like(p)
    two = core.Primitive("mul_method", lambda x, y: x * y, register=False)
    two.defjvp(lambda t, ans, x, y: t * y, lambda t, ans, x, y: t * x)
    assert forward.grad(two, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)


def test_def_rules_keeps_a_rule_not_given():
    p = core.Primitive("square_rules", lambda x: x * x, register=False)
    p.def_rules(jvp=lambda ts, ans, x: 2 * x * ts[0])
    p.def_rules(vjp=lambda g, wanted, ans, x: (2 * x * g,))
    assert forward.derivative(p)(3.0) == 6.0 and adkit.grad(p)(3.0) == 6.0
    assert repr(p) == "<primitive square_rules>"


def test_stop_gradient_on_every_kind_of_value():
    assert adkit.stop_gradient(1.5) == 1.5
    arr = np.ones(2)
    assert adkit.stop_gradient(arr) is arr
    t = adkit.Tensor(2.0, requires_grad=True)
    s = adkit.stop_gradient(t)
    assert isinstance(s, adkit.Tensor) and not s.requires_grad and s.item() == 2.0
    d = adkit.Dual(2.0, 1.0)
    assert adkit.stop_gradient(d) == 2.0 and type(adkit.stop_gradient(d)) is float


def test_rules_for_fewer_arguments_than_the_primitive_takes():
    half = adkit.primitive(lambda x, y: x * y, name="half_rules",
                           jvp=lambda t, ans, x, y: t * y, vjp=lambda g, ans, x, y: g * y)
    assert adkit.grad(half)(2.0, 3.0) == 3.0 and forward.derivative(half)(2.0, 3.0) == 3.0
    with pytest.raises(TypeError) as e:
        adkit.grad(half, argnums=1)(2.0, 3.0)
    assert str(e.value) == ("primitive 'half_rules' has no VJP rule for its argument 1; give "
                            "one with half_rules.defvjp(...) (or do not differentiate with "
                            "respect to that argument)")
    with pytest.raises(TypeError) as e:
        forward.grad(half, argnums=1)(2.0, 3.0)
    assert str(e.value) == ("primitive 'half_rules' has no JVP rule for its argument 1; give "
                            "one with half_rules.defjvp(...) (or do not differentiate with "
                            "respect to that argument)")


def test_unbatched_rules_see_each_direction_with_the_answer_and_parameters():
    seen = []

    def rule(t, ans, x, scale):
        seen.append((np.shape(t), float(np.sum(ans))))
        return t * scale

    p = adkit.primitive(lambda x, scale: x * scale, name="scaled", jvp=rule)
    J = adkit.jacfwd(lambda x: p(x, scale=3.0), chunk=2)(np.ones(2))
    np.testing.assert_array_equal(J, 3.0 * np.eye(2))
    assert seen == [((2,), 6.0), ((2,), 6.0)]
    vp = adkit.primitive(lambda x, scale: x * scale, name="scaled_vjp",
                         vjp=lambda g, ans, x, scale: g * scale)
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(vp(x, scale=3.0)))(np.ones(2)),
                                  [3.0, 3.0])


def test_batched_rules_get_padded_tangents_for_broadcast_arguments():
    p = adkit.primitive(np.multiply, name="bmul",
                        jvp=(lambda t, ans, x, y: t * y, lambda t, ans, x, y: t * x),
                        vjp=(lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x),
                        batched=True)
    x, y = np.array([[1.0], [2.0]]), np.array([3.0, 4.0, 5.0])
    for mode in (adkit.jacfwd, adkit.jacrev):
        Jx, Jy = mode(p, argnums=(0, 1))(x, y)
        assert Jx.shape == (2, 3, 2, 1) and Jy.shape == (2, 3, 3)
        np.testing.assert_array_equal(Jx[1, :, 1, 0], y)
        np.testing.assert_array_equal(Jy[:, 2, 2], x[:, 0])


@pytest.mark.parametrize("arity", [1, 2, 3])
@pytest.mark.parametrize("returned", ["too many", "too few", "not a tuple"])
def test_a_vjp_rule_returning_the_wrong_number_of_cotangents_is_named(arity, returned):
    p = core.Primitive(f"bad_vjp_{arity}", lambda *xs: sum(xs), register=False)
    p.def_rules(vjp=lambda g, wanted, ans, *xs: {"too many": (g,) * (arity + 1),
                                                 "too few": (g,) * (arity - 1),
                                                 "not a tuple": g}[returned])
    args = [1.0 + i for i in range(arity)]
    with pytest.raises(TypeError, match=f"VJP rule of 'bad_vjp_{arity}' returned .* for "
                                        f"{arity} argument"):
        adkit.grad(lambda x: p(x, *args[1:]))(args[0])
    xs = [adkit.Tensor(a, requires_grad=True) for a in args]
    with pytest.raises(TypeError, match="must return a tuple of"):
        p(*xs).backward()
