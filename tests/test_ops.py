"""The primitive table's constructors: the unrolled elementwise rules (the engines' hot
path) give exactly what the generic per-argument rules give."""
import itertools

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit.ops import linalg, rules

rng = np.random.default_rng(7)
ELEMENTWISE = sorted(name for name, p in adkit.registry.items()
                     if getattr(p, "partials", None) is not None)
SHAPES = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((4, 1), (1, 2)), ((2,), ())]


def _point(name, shape):
    x = rng.uniform(0.2, 0.9, shape) + (name == "arccosh")  # inside every primitive's domain
    return float(x) if shape == () else x


def _same(a, b):
    assert (a is None) == (b is None)
    if a is not None:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert np.shape(a) == np.shape(b)


def test_every_elementwise_primitive_is_covered():
    assert {"add", "sub", "mul", "div", "pow", "maximum", "sin", "exp"} <= set(ELEMENTWISE)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", SHAPES)
def test_fast_elementwise_rules_equal_the_generic_ones(name, shapes):
    prim = adkit.registry[name]
    args = [_point(name, s) for s in shapes[:len(prim.partials)]]
    _same_rules(rules.fast_elementwise_rules(prim.partials),
                rules.generic_elementwise_rules(prim), prim.impl(*args), args)


def _same_rules(a, b, ans, args):
    """Two (jvp, vjp) pairs give the same tangents and cotangents for every subset of
    live arguments."""
    for live in itertools.product([True, False], repeat=len(args)):
        if not any(live):
            continue
        ts = [rng.standard_normal((2,) + np.shape(x)) if on else None
              for x, on in zip(args, live)]
        _same(a[0](ts, ans, *args), b[0](ts, ans, *args))
        wanted = [object() if on else None for on in live]
        g0 = rng.standard_normal(np.shape(ans))
        for g in (g0, float(g0)) if np.shape(ans) == () else (g0,):  # scalar code's float too
            for u, v in zip(a[1](g, wanted, ans, *args), b[1](g, wanted, ans, *args)):
                _same(u, v)
                assert type(g) is not float or type(u) is type(v), (type(u), type(v))
        if np.shape(ans):  # a cotangent that is one number broadcast (a sum's)
            c = np.broadcast_to(1.7, np.shape(ans))
            for u, v in zip(a[1](c, wanted, ans, *args), b[1](np.full(c.shape, 1.7), wanted,
                                                            ans, *args)):
                _same(u, v)


@pytest.mark.parametrize("f,want", [
    (lambda x: anp.sum(-x), lambda x: -np.ones_like(x)),
    (lambda x: anp.sum(1.0 - x), lambda x: -np.ones_like(x)),
    (lambda x: anp.sum(3.0 * (x - 1.0) ** 2), lambda x: 6.0 * (x - 1.0)),
    (lambda x: anp.sum(anp.exp(x) * 2.0), lambda x: 2.0 * np.exp(x)),
])
def test_a_sums_cotangent_stays_one_number_until_a_product_needs_an_array(f, want):
    """The uniform fast paths (products with the number, -c broadcast) give the generic
    gradient, and what grad hands out is a writable array of its own."""
    x = rng.standard_normal((3, 4))
    g = adkit.grad(f)(x)
    np.testing.assert_array_equal(g, want(x))
    assert g.flags.writeable and g.flags.owndata and all(g.strides)


def test_uniform_is_a_read_only_view_of_one_number():
    u = rules.uniform(-2.5, (3, 2))
    assert u.shape == (3, 2) and not any(u.strides) and not u.flags.writeable
    np.testing.assert_array_equal(u, np.full((3, 2), -2.5))
    assert rules.uniform_number(u) == -2.5 and rules.uniform_number(np.zeros((0,))) is None


def test_per_argument_rules_name_a_missing_rule():
    prim = adkit.Primitive("half_for_test", lambda x, y: x * y, register=False)
    prim.defvjp(lambda g, ans, x, y: g * y, None)
    with pytest.raises(TypeError, match="'half_for_test' has no VJP rule for its argument 1"):
        adkit.grad(prim, argnums=1)(2.0, 3.0)


def mul_rules(which):
    """mul's (fast, generic) rule: which = 0 for the JVPs, 1 for the VJPs."""
    prim = adkit.registry["mul"]
    return (rules.fast_elementwise_rules(prim.partials)[which],
            rules.generic_elementwise_rules(prim)[which])


SQUARE_SHAPES = [(), (3,), (2, 3)]


@pytest.mark.parametrize("shape", SQUARE_SHAPES)
def test_the_square_fast_path_gives_the_sum_of_both_shares(shape):
    """x * x with both arguments one node: one cotangent, equal to the generic two."""
    fast, generic = mul_rules(1)
    x = rng.standard_normal(shape) if shape else 0.7
    g = rng.standard_normal(shape) if shape else 1.3
    node = object()
    a, b = fast(g, (node, node), x * x, x, x)
    c, d = generic(g, (node, node), x * x, x, x)
    assert b is None
    np.testing.assert_array_equal(a, c + d)
    if shape:  # a cotangent that is one number broadcast (a sum's): the same values
        ones = np.broadcast_to(1.3, shape)
        np.testing.assert_array_equal(fast(ones, (node, node), x * x, x, x)[0],
                                      np.add(*generic(ones, (node, node), x * x, x, x)))
    x2 = rng.standard_normal(shape) if shape else 0.2  # x * y with y == x but not x
    _same(fast(g, (node, node), x * x2, x, x2)[1], generic(g, (node, node), x * x2, x, x2)[1])


@pytest.mark.parametrize("shape", SQUARE_SHAPES)
def test_the_square_fast_path_pushes_one_tangent_equal_to_both_terms(shape):
    """x * x with one tangent for both arguments: 2 t x, exactly the generic t x + x t."""
    fast, generic = mul_rules(0)
    x = rng.standard_normal(shape) if shape else 0.7
    t = rng.standard_normal((2,) + shape)
    np.testing.assert_array_equal(fast([t, t], x * x, x, x), generic([t, t], x * x, x, x))
    other = rng.standard_normal((2,) + shape)  # two different tangents: the general path
    np.testing.assert_array_equal(fast([t, other], x * x, x, x),
                                  generic([t, other], x * x, x, x))


# ---- the constructors, run here: the primitive table is built once at import, so these
# rebuild its entries with the same constructors and check them against the originals

@pytest.fixture
def scratch_registry():
    """Primitives registered inside a test are removed after it."""
    before = set(adkit.registry)
    yield
    for name in set(adkit.registry) - before:
        del adkit.registry[name]


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", SHAPES)
def test_elementwise_rebuilt_with_its_constructor_equals_the_table(name, shapes):
    prim = adkit.registry[name]
    again = rules.elementwise(name, prim.impl, *prim.partials, scalar=prim.scalar_impl,
                              builtin=False)
    assert again.name == name and again.partials == prim.partials and not again.builtin
    assert again.scalar_impl is prim.scalar_impl
    args = [_point(name, s) for s in shapes[:len(prim.partials)]]
    _same(again(*args), prim(*args))
    _same_rules((again.jvp, again.vjp), (prim.jvp, prim.vjp), prim.impl(*args), args)


def test_an_elementwise_primitive_of_three_arguments_uses_the_generic_rules():
    fma = rules.elementwise("fma_for_test", lambda x, y, z: x * y + z,
                            lambda ans, x, y, z: y, lambda ans, x, y, z: x,
                            lambda ans, x, y, z: 1.0, builtin=False)
    x, y, z = np.array([1.0, 2.0]), np.array([[3.0], [4.0]]), 0.5
    J = adkit.jacfwd(fma, argnums=(0, 1, 2))(x, y, z)
    R = adkit.jacrev(fma, argnums=(0, 1, 2))(x, y, z)
    for a, b in zip(J, R):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(J[2], np.ones((2, 2)))
    np.testing.assert_array_equal(J[0][1], [[4.0, 0.0], [0.0, 4.0]])


def test_a_registered_constructor_entry_is_builtin(scratch_registry):
    p = rules.elementwise("cube_for_test", lambda x: x ** 3, lambda ans, x: 3 * x * x)
    assert adkit.registry["cube_for_test"] is p and p.builtin
    assert adkit.grad(p)(2.0) == 12.0 and adkit.jvp(p, (2.0,), (1.0,)) == (8.0, 12.0)


def test_function_wraps_a_primitive_with_a_name_and_a_doc():
    fn = rules.function(adkit.registry["sin"], "my_sine", "Sine, again.")
    assert fn.__name__ == fn.__qualname__ == "my_sine" and fn.__doc__ == "Sine, again."
    assert fn(0.5) == np.sin(0.5) and adkit.grad(fn)(0.0) == 1.0


def test_reductions_rebuilt_with_their_constructors_equal_the_table(scratch_registry):
    from adkit.ops import reductions
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    for ufunc, impl in ((np.add, np.sum), (np.maximum, np.max), (np.minimum, np.min)):
        again = reductions._reduce_impl(ufunc)
        assert again(2.5) == 2.5
        for axis in (None, (0,), (1,), (0, 1)):
            for keepdims in (False, True):
                _same(again(x, axis=axis, keepdims=keepdims),
                      impl(x, axis=axis, keepdims=keepdims))
        _same(again(x), impl(x))
    for name, weights in (("max", reductions.extreme_weights), ("min", None)):
        table = adkit.registry[name]
        fresh = reductions._weighted(name + "_again", reductions._reduce_impl(
            np.maximum if name == "max" else np.minimum),
            weights or reductions.extreme_weights)
        assert adkit.registry[name + "_again"] is fresh
        for axis in (None, (1,), (0,)):
            for keepdims in (False, True):
                ans = table.impl(x, axis=axis, keepdims=keepdims)
                _same(fresh.impl(x, axis=axis, keepdims=keepdims), ans)
                t = rng.standard_normal((2,) + x.shape)
                _same(fresh.jvp([t], ans, x, axis=axis, keepdims=keepdims),
                      table.jvp([t], ans, x, axis=axis, keepdims=keepdims))
                g = rng.standard_normal(np.shape(ans))
                _same(fresh.vjp(g, [object()], ans, x, axis=axis, keepdims=keepdims)[0],
                      table.vjp(g, [object()], ans, x, axis=axis, keepdims=keepdims)[0])


# ---- the elementwise and shape primitives' details

def test_scalar_extremum_rebuilt_keeps_numpys_nan_rule():
    import operator

    from adkit.ops import elementwise as ew
    nan = float("nan")
    for first_wins, pick in ((operator.ge, max), (operator.le, min)):
        fn = ew._extremum_scalar(first_wins)
        assert fn(1.0, 2.0) == pick(1.0, 2.0) and fn(2.0, 1.0) == pick(1.0, 2.0)
        assert fn(3.0, 3.0) == 3.0
        assert all(np.isnan(fn(a, b)) for a, b in ((nan, 1.0), (1.0, nan), (nan, nan)))


def test_scalar_paths_of_sigmoid_relu_abs_and_where():
    assert anp.sigmoid(0.9) == anp.sigmoid(np.array([0.9]))[0]  # the same formula for x >= 0
    assert anp.sigmoid(-0.9) == anp.sigmoid(np.array([-0.9]))[0]
    assert anp.relu(-2.0) == 0.0 and anp.relu(2.0) == 2.0
    assert adkit.grad(anp.absolute)(0.5) == 1.0 and adkit.grad(anp.absolute)(-0.5) == -1.0
    assert adkit.grad(anp.relu)(0.5) == 1.0
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(anp.relu(x)))(
        np.array([-1.0, 0.0, 1.0])), [0.0, 0.0, 1.0])
    w = anp.where(True, 1.0, 2.0)
    assert type(w) is float and w == 1.0 and anp.where(False, 1.0, 2.0) == 2.0


FLOAT32_SLOPES = [  # x = [0.5, 1, 2]: no ties here (test_float32_slopes_at_ties has them)
    ("maximum", lambda x: anp.maximum(x, np.float32(1.5))),
    ("maximum of a float", lambda x: anp.maximum(1.5, x)),
    ("minimum", lambda x: anp.minimum(x, x[::-1] + np.float32(0.25))),
    ("abs", anp.absolute), ("relu", anp.relu),
    ("getitem", lambda x: x[np.array([0, 0, 2])]),
    ("concatenate", lambda x: anp.concatenate([x, np.ones(2, np.float32)])),
]


@pytest.mark.parametrize("name,f", FLOAT32_SLOPES, ids=[c[0] for c in FLOAT32_SLOPES])
def test_float32_stays_float32_through_piecewise_and_shape_rules(name, f):
    x = np.array([0.5, 1.0, 2.0], np.float32)
    assert adkit.jacfwd(f)(x).dtype == np.float32
    assert adkit.jacrev(f)(x).dtype == np.float32


def test_float32_slopes_at_ties():
    x = np.array([0.5, 1.0, 2.0], np.float32)
    assert adkit.jacfwd(lambda x: anp.maximum(x, np.float32(1.0)))(x).dtype == np.float32


def test_broadcast_to_copies_small_results_and_views_big_ones():
    small = anp.broadcast_to(np.ones(64), (64, 64))  # 4096 elements: a fresh copy
    big = anp.broadcast_to(np.arange(65.0), (65, 65))  # more: a read-only view
    assert small.flags.writeable and not big.flags.writeable
    np.testing.assert_array_equal(big, np.broadcast_to(np.arange(65.0), (65, 65)))
    assert anp.broadcast_to(2.0, (2,)).dtype == np.float64
    assert anp.broadcast_to(np.arange(2), (3, 2)).dtype == np.arange(2).dtype
    assert anp.broadcast_to(np.ones(2, np.float32), (3, 2)).dtype == np.float32


def test_repeated_advanced_indices_add_up_in_both_modes():
    x = np.arange(6.0).reshape(2, 3)
    for f in (lambda x: x[0, [0, 0]], lambda x: x[[1, 1], 2], lambda x: x[:, [2, 2]]):
        J = adkit.jacrev(f)(x)
        np.testing.assert_array_equal(adkit.jacfwd(f)(x), J)
        g = adkit.grad(lambda x, f=f: anp.sum(f(x)))(x)
        np.testing.assert_array_equal(g, J.reshape((-1,) + x.shape).sum(axis=0))
        assert g.sum() == J[..., 0, 0].size and g.max() == 2.0


@pytest.mark.parametrize("index", [
    (Ellipsis, np.array([True, False, True])),
    (np.array([[True, False], [False, True]]), Ellipsis),
    (Ellipsis, None, 1),
    (0, Ellipsis, np.array([2, 0])),
    (slice(None, -1),), (1,), (None, slice(1, None), 0), (np.int64(1), Ellipsis, slice(0, 2)),
])
def test_ellipsis_with_masks_new_axes_and_integer_arrays_in_forward_mode(index):
    x = np.arange(12.0).reshape(2, 2, 3)
    f = lambda x: x[index]  # noqa: E731
    np.testing.assert_array_equal(adkit.jacfwd(f)(x), adkit.jacrev(f)(x))
    np.testing.assert_array_equal(f(x), x[index])


@pytest.mark.parametrize("index", [(slice(1, None),), (Ellipsis, 0), (None, slice(None, 2))])
def test_slicing_in_forward_over_reverse_mode(index):
    """A basic index's tangent is the same index one axis along, and so is the tangent of
    its transpose (scatter_add): the Hessian of sum(x[idx]**3) is diag(6 x) on the picked
    entries."""
    x = np.arange(1.0, 7.0).reshape(2, 3)
    H = adkit.hessian(lambda x: anp.sum(x[index] ** 3))(x)
    picked = np.zeros_like(x)
    picked[index] = 1.0
    np.testing.assert_array_equal(H, np.diag((6 * x * picked).ravel()).reshape(2, 3, 2, 3))


def test_concatenate_flattened_in_forward_mode_with_a_constant():
    x = np.ones((2, 2))
    J = adkit.jacfwd(lambda x: anp.concatenate([x, np.zeros(3)], axis=None))(x)
    np.testing.assert_array_equal(J, np.vstack([np.eye(4), np.zeros((3, 4))]).reshape(7, 2, 2))


def test_no_op_reshape_transpose_and_broadcast_record_nothing():
    with adkit.count() as c:
        adkit.grad(lambda x: anp.sum(anp.broadcast_to(anp.transpose(anp.reshape(
            x, (2, 3)), (0, 1)), (2, 3))))(np.ones((2, 3)))
    assert set(c.ops["record"]) == {"sum"}


def test_a_linear_primitive_from_its_constructor(scratch_registry):
    scale = rules.linear("scale_for_test", lambda x, c: x * c,
                         lambda t, c: t * c,  # the op on a tangent with a direction axis
                         lambda g, x, c: g * c)  # its transpose
    assert adkit.registry["scale_for_test"] is scale and scale.builtin
    x = np.array([1.0, 2.0])
    f = lambda x: scale(x, c=3.0)  # noqa: E731
    np.testing.assert_array_equal(adkit.jacfwd(f)(x), 3.0 * np.eye(2))
    np.testing.assert_array_equal(adkit.jacrev(f)(x), 3.0 * np.eye(2))
    assert adkit.jvp(f, (x,), (np.array([1.0, -1.0]),))[1].tolist() == [3.0, -3.0]
    private = rules.linear("scale_private", lambda x, c: x * c, lambda t, c: t * c,
                           lambda g, x, c: g * c, builtin=False)
    assert not private.builtin


def test_a_non_builtin_linear_primitive_is_not_registered(scratch_registry):
    rules.linear("twice_defined", lambda x: x, lambda t: t, lambda g, x: g, builtin=False)
    rules.linear("twice_defined", lambda x: x, lambda t: t, lambda g, x: g, builtin=False)
    assert "twice_defined" not in adkit.registry


@pytest.mark.parametrize("index", [
    (0, np.array([[True, False], [False, True]]), Ellipsis),  # a mask after an integer
    (np.array([[0, 1], [1, 0]]), Ellipsis),  # a 2-D integer array before ...
    (Ellipsis, np.array([[0, 1], [1, 1]])),
])
def test_ellipsis_counts_each_index_by_the_axes_it_uses(index):
    x = np.arange(24.0).reshape(2, 2, 2, 3)
    f = lambda x: x[index]  # noqa: E731
    np.testing.assert_array_equal(f(x), x[index])
    np.testing.assert_array_equal(adkit.jacfwd(f)(x), adkit.jacrev(f)(x))


def test_an_added_tangent_is_never_written_in_place():
    # x + 2x reuses x's tangent as its first term; adding 2x's into it in place would
    # corrupt the tangent that the last "+ x" uses
    f = lambda x: (x + x * 2.0) + x  # noqa: E731
    np.testing.assert_array_equal(adkit.jacfwd(f)(np.ones(2)), 4.0 * np.eye(2))
    assert adkit.jvp(f, (np.ones(2),), (np.ones(2),))[1].tolist() == [4.0, 4.0]


def test_a_user_elementwise_with_one_product_partial_is_not_a_square():
    xy_plus_y = rules.elementwise("xy_plus_y", lambda x, y: x * y + y, rules.arg_y,
                                  lambda ans, x, y: x + 1.0, builtin=False)
    # f(x) = x * x + x: slope 2x + 1 (a square's shortcut would give 2x)
    assert adkit.grad(lambda x: xy_plus_y(x, x))(3.0) == 7.0
    assert adkit.grad(lambda x: anp.sum(xy_plus_y(x, x)))(np.array([3.0])).tolist() == [7.0]


def test_batched_rules_with_parameters_and_a_transpose_that_reads_x(scratch_registry):
    p = adkit.primitive(lambda x, scale: x * scale, name="bscaled", batched=True,
                        jvp=lambda t, ans, x, scale: t * scale)
    assert adkit.jvp(lambda x: p(x, scale=3.0), (np.ones(2),), (np.ones(2),))[1].tolist() == \
        [3.0, 3.0]
    tile = rules.linear("tile_for_test", lambda x, n: np.tile(x, n),
                        lambda t, n: anp.concatenate([t] * n, 1),
                        lambda g, x, n: anp.sum(anp.reshape(g, (n,) + x.shape), 0))
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(adkit.grad(lambda x: anp.sum(tile(x, n=3) ** 2))(x),
                                  6.0 * x)


def test_scalar_reductions_and_prod_keep_their_shapes_and_types():
    assert type(anp.logsumexp(2.5)) is float and anp.logsumexp(2.5) == 2.5
    assert anp.prod(np.ones((2, 3)), axis=1, keepdims=True).shape == (2, 1)
    assert adkit.jacfwd(lambda x: anp.prod(x))(np.array([0.0, 2.0, 3.0], np.float32)).dtype \
        == np.float32


def test_the_ops_functions_default_to_dropping_reduced_axes():
    from adkit import ops
    x = np.arange(6.0).reshape(2, 3) + 1.0
    for fn, ref in ((ops.sum, np.sum), (ops.amax, np.max), (ops.amin, np.min),
                    (ops.prod, np.prod)):
        np.testing.assert_array_equal(fn(x, (0,)), ref(x, axis=0))
        np.testing.assert_array_equal(fn(x), ref(x))
    assert ops.logsumexp(x, (1,)).shape == (2,)


def test_rules_defjvp_defaults_to_one_direction_per_call():
    p = adkit.Primitive("one_direction", np.sin, register=False)
    seen = []
    rules.defjvp(p, lambda t, ans, x: seen.append(np.shape(t)) or t * anp.cos(x))
    adkit.jacfwd(p, chunk=2)(np.zeros(2))
    assert seen == [(2,), (2,)]


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
def test_the_plain_array_paths_give_what_the_bound_ops_give(sa, sb):
    """matmul's VJP and unbroadcast on plain arrays call numpy directly; under count()
    (which tallies every op a rule binds) they bind their ops. Same values, same shapes."""
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    g = rng.standard_normal(np.shape(a @ b))
    vjp = adkit.registry["matmul"].vjp
    for wanted in ((object(), object()), (object(), None), (None, object())):
        fast = vjp(g, wanted, a @ b, a, b)
        with adkit.count() as c:
            bound = vjp(g, wanted, a @ b, a, b)
        for u, v in zip(fast, bound):
            _same(u, v)
    if np.ndim(g):  # (a dot product's g is a number: g * b binds nothing either way)
        assert sum(c.ops["eval"].values()) >= 1  # the bound path did bind its ops
    big = rng.standard_normal((4, 2, 3))
    targets = ((2, 3), (1, 3), (2, 1), (3,), (1, 1, 1), ())
    # C-ordered float64 (leading axes summed by BLAS), F-ordered, float32, empty
    for g, tos in ((big, targets), (np.asfortranarray(big), targets),
                   (big.astype(np.float32), targets),
                   (np.ones((4, 0, 3)), ((0, 3), (3,), (1, 0, 1), ()))):
        for to in tos:
            with adkit.count():
                bound = rules.unbroadcast(g, to)
            _same(rules.unbroadcast(g, to), bound)
            lead = g.ndim - len(to)
            axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(to) if n == 1)
            np.testing.assert_allclose(bound, np.sum(g, axis=axes).reshape(to), rtol=1e-6)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES + [((2, 2, 3), (2, 3, 4)), ((3,), (2, 3, 4))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.complex128])
def test_matmul_gives_numpys_matmul_for_every_rank_and_dtype(sa, sb, dtype):
    """Float64 matrices and vectors take np.dot (the same BLAS product, sooner); the
    values, shapes and dtypes are numpy's @ everywhere, transposed views included."""
    a = (rng.standard_normal(sa) * 4).astype(dtype)
    b = (rng.standard_normal(sb) * 4).astype(dtype)
    _same(linalg.matmul(a, b), a @ b)
    assert linalg.matmul(a, b).dtype == (a @ b).dtype
    if a.ndim == b.ndim == 2:
        at, bt = np.ascontiguousarray(a.T).T, np.ascontiguousarray(b.T).T  # F-ordered
        _same(linalg.matmul(at, bt), at @ bt)
        _same(linalg.matmul(b.T, a.T), b.T @ a.T)


@pytest.mark.parametrize("sa,sb", [((2, 3), (4, 5)), ((2, 3), (4,)), ((3,), (4, 5))])
def test_matmul_of_mismatched_shapes_raises_numpys_matmul_error(sa, sb):
    with pytest.raises(ValueError, match=r"matmul\(float64\[.*matmul: Input operand 1 has "
                                         r"a mismatch in its core dimension 0"):
        linalg.matmul(np.ones(sa), np.ones(sb))


def _closure_over_ans(ans, x):
    def inner():
        return ans
    return inner()


@pytest.mark.parametrize("fn,reads", [
    (lambda ans, x: ans * x, True),
    (lambda ans, x: x * x, False),
    (lambda ans, x, y: [ans for _ in range(2)], True),
    (_closure_over_ans, True),
    (lambda ans, x: locals()["ans"], True),  # read without naming it: counted as read
    (lambda *a: a[1], True),
    (np.sin, True),  # not Python code: assumed to read
    (rules.one, False),
])
def test_reads_first_argument_says_false_only_when_certain(fn, reads):
    assert rules.reads_first_argument(fn) is reads


@pytest.mark.parametrize("x", [rng.standard_normal(7) * 1e3, rng.standard_normal((2, 3)),
                               rng.standard_normal(5).astype(np.float32), np.arange(4),
                               np.array(-0.0), 1.5])
@pytest.mark.parametrize("p", [2, 2.0, np.float64(2.0), 3.0, 0.5])
def test_pow_is_numpys_power_and_a_float_array_squared_is_exact(x, p):
    with np.errstate(invalid="ignore"):  # a negative number to the power 0.5
        ours, theirs = adkit.registry["pow"].impl(x, p), np.power(x, p)
    assert np.result_type(ours) == np.result_type(theirs)
    if np.result_type(ours) == np.result_type(x) and p == 2:  # x * x, correctly rounded
        np.testing.assert_array_equal(ours, np.multiply(x, x))
        np.testing.assert_allclose(ours, theirs, rtol=1e-15 if ours.dtype == np.float64 else 1e-7)
    else:
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("x", [1.5, np.float32(2.5), np.array(3.0), 4, np.ones(3), np.ones((1, 3))])
@pytest.mark.parametrize("shape", [(5000, 3), (2, 3)])
def test_broadcast_to_gives_what_numpy_broadcast_to_gives(x, shape):
    ours = adkit.registry["broadcast_to"].impl(x, shape)
    theirs = np.broadcast_to(x, shape)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype and ours.shape == shape
    if ours.size > 4096:  # big: a read-only view, as numpy's
        assert not ours.flags.writeable and ours.strides == theirs.strides


@pytest.mark.parametrize("shape,axis", [((3, 4), (0,)), ((1000, 7), (0,)), ((5, 6, 2), (0,)),
                                        ((5, 6, 2), (0, 1)), ((64, 1), (0,))])
@pytest.mark.parametrize("keepdims", [False, True])
def test_a_sum_over_leading_axes_is_numpys_to_rounding(shape, axis, keepdims):
    x = rng.standard_normal(shape)
    ours = adkit.registry["sum"].impl(x, axis, keepdims)
    theirs = np.sum(x, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert ours.flags.writeable


@pytest.mark.parametrize("x,axis", [(rng.standard_normal((50, 3)).astype(np.float32), (0,)),
                                    (rng.standard_normal((3, 50)).T, (0,)),
                                    (rng.standard_normal((50, 3)), (1,)),
                                    (np.arange(12).reshape(4, 3), (0,)),
                                    (rng.standard_normal((50, 3)), None),
                                    (np.zeros((0, 3)), (0,))])
def test_other_sums_are_numpys_exactly(x, axis):
    np.testing.assert_array_equal(adkit.registry["sum"].impl(x, axis), np.sum(x, axis=axis))


def test_a_bias_gradient_is_the_same_counted_replayed_or_not():
    X, W, b = rng.standard_normal((300, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)

    def f(W, b):
        return anp.sum(anp.tanh(X @ W + b) ** 2)

    plain = adkit.grad(f, argnums=(0, 1))(W, b)
    with adkit.count():
        counted = adkit.grad(f, argnums=(0, 1))(W, b)
    tape = adkit.record(f, W, b, argnums=(0, 1))
    tape.grad(W, b)
    replayed = tape.grad(W, b)  # the compiled program
    for other in (counted, replayed):
        for u, v in zip(plain, other):
            np.testing.assert_array_equal(u, v)
