"""The primitive table's constructors: the unrolled elementwise rules (the engines' hot
path) give exactly what the generic per-argument rules give."""
import itertools

import numpy as np
import pytest

import adkit
from adkit.ops import rules

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
    fast = rules.fast_elementwise_rules(prim.partials)
    generic = rules.generic_elementwise_rules(prim)
    args = [_point(name, s) for s in shapes[:len(prim.partials)]]
    ans = prim.impl(*args)
    for live in itertools.product([True, False], repeat=len(args)):
        if not any(live):
            continue
        ts = [rng.standard_normal((2,) + np.shape(a)) if on else None
              for a, on in zip(args, live)]
        _same(fast[0](ts, ans, *args), generic[0](ts, ans, *args))
        g = rng.standard_normal(np.shape(ans))
        wanted = [object() if on else None for on in live]
        for a, b in zip(fast[1](g, wanted, ans, *args), generic[1](g, wanted, ans, *args)):
            _same(a, b)


def test_per_argument_rules_name_a_missing_rule():
    prim = adkit.Primitive("half_for_test", lambda x, y: x * y, register=False)
    prim.defvjp(lambda g, ans, x, y: g * y, None)
    with pytest.raises(TypeError, match="'half_for_test' has no VJP rule for its argument 1"):
        adkit.grad(prim, argnums=1)(2.0, 3.0)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_the_square_fast_path_gives_the_sum_of_both_shares(shape):
    """x * x with both arguments one node: one cotangent, equal to the generic two."""
    prim = adkit.registry["mul"]
    fast = rules.fast_elementwise_rules(prim.partials)[1]
    generic = rules.generic_elementwise_rules(prim)[1]
    x = rng.standard_normal(shape) if shape else 0.7
    g = rng.standard_normal(shape) if shape else 1.3
    node = object()
    a, b = fast(g, (node, node), x * x, x, x)
    c, d = generic(g, (node, node), x * x, x, x)
    assert b is None
    np.testing.assert_array_equal(a, c + d)
    x2 = rng.standard_normal(shape) if shape else 0.2  # x * y with y == x but not x
    _same(fast(g, (node, node), x * x2, x, x2)[1], generic(g, (node, node), x * x2, x, x2)[1])
