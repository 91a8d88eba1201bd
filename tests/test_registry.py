"""Every registered primitive, in both modes, at several shapes (broadcasting included):
JVP against central differences, VJP by the inner-product test, forward == reverse,
and the same for the derivatives of the rules themselves (order 2)."""
import importlib
from pathlib import Path

import numpy as np
import pytest

import adkit
from adkit import ops
from adkit.testing import check_grads

rng = np.random.default_rng(0)


def uniform(lo, hi, shape):
    if shape is None:  # a Python float
        return float(rng.uniform(lo, hi))
    return rng.uniform(lo, hi, shape)


def signed(shape, lo=0.2, hi=1.5):
    """Values bounded away from 0 (for abs, relu and friends, whose slope jumps at 0)."""
    mag = uniform(lo, hi, shape)
    sign = rng.choice([-1.0, 1.0], size=() if shape is None else shape)
    return float(mag * sign) if shape is None else mag * sign


SCALAR = None  # a Python float argument
UNARY_SHAPES = [SCALAR, (), (4,), (2, 3)]
BINARY_SHAPES = [(SCALAR, SCALAR), ((3,), (3,)), ((2, 3), (3,)), ((3, 1), (1, 4)),
                 (SCALAR, (2, 3)), ((2, 1, 3), (4, 1)), ((), (2,))]


def unary(lo, hi):
    return [((uniform(lo, hi, s),), {}) for s in UNARY_SHAPES]


def binary(lo=-2.0, hi=2.0, lo2=None, hi2=None):
    lo2, hi2 = (lo, hi) if lo2 is None else (lo2, hi2)
    return [((uniform(lo, hi, a), uniform(lo2, hi2, b)), {}) for a, b in BINARY_SHAPES]


def reductions():
    x = rng.standard_normal((3, 4, 2))
    return [((x,), dict(axis=None, keepdims=False)), ((x,), dict(axis=(1,), keepdims=False)),
            ((x,), dict(axis=(0, 2), keepdims=True)), ((x[0],), dict(axis=(1,), keepdims=True)),
            ((2.5,), dict(axis=None, keepdims=False))]


def matmul_cases():
    s = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
         ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((3,), (5, 3, 2)),
         ((5, 2, 3), (3,))]
    return [((rng.standard_normal(a), rng.standard_normal(b)), {}) for a, b in s]


def getitem_cases():
    x = rng.standard_normal((4, 3, 5))
    idx = [(1,), (slice(1, 3),), (Ellipsis, 2), (np.array([0, 2, 2]),),
           (np.array([[0, 1], [3, 3]]), slice(None), np.array([4, 0])),  # advanced, split
           (slice(None), np.array([0, 2]), np.array([1, 1])),            # advanced, adjacent
           (x[:, 0, 0] > 0,), (None, 1, Ellipsis), (2, 1, 3)]
    return [((x,), dict(idx=i)) for i in idx]


def scatter_add_cases():
    out = []
    for idx, gshape in [((slice(1, 3),), (2, 3)), ((np.array([0, 2, 0]),), (3, 3)),
                        ((Ellipsis, 1), (4,)), ((np.array([1, 1]), np.array([0, 2])), (2,))]:
        out.append(((rng.standard_normal(gshape),), dict(idx=idx, shape=(4, 3))))
    return out


def where_fn(c):
    return lambda x, y: ops.where(c, x, y)


# name -> list of (args, params); a callable entry replaces the primitive by a function
DOMAINS = {
    "add": binary(), "sub": binary(), "mul": binary(),
    "div": binary(lo2=0.5, hi2=2.0),
    "pow": binary(0.3, 2.0, -2.0, 3.0) + [  # constant exponents on negative bases too
        (lambda x: ops.power(x, 2.0), (uniform(-2, 2, (3,)),), {}),
        (lambda x: ops.power(x, 3), (uniform(-2, 2, (2, 3)),), {}),
        (lambda x: ops.power(x, np.array([1.0, 2.0, 3.0])), (uniform(-2, 2, (2, 3)),), {})],
    "maximum": binary(), "minimum": binary(),
    "neg": unary(-2, 2), "exp": unary(-2, 2), "log": unary(0.2, 3), "log1p": unary(-0.5, 2),
    "expm1": unary(-2, 2), "sqrt": unary(0.2, 3), "safe_sqrt": unary(0.2, 3),
    "sin": unary(-3, 3), "cos": unary(-3, 3),
    "tan": unary(-1.2, 1.2), "sinh": unary(-2, 2), "cosh": unary(-2, 2),
    "tanh": unary(-2, 2), "arcsin": unary(-0.9, 0.9), "arccos": unary(-0.9, 0.9),
    "arctan": unary(-3, 3), "sigmoid": unary(-4, 4),
    "abs": [((signed(s),), {}) for s in UNARY_SHAPES],
    "relu": [((signed(s),), {}) for s in UNARY_SHAPES],
    "where": [(where_fn(rng.random((2, 3)) > 0.5), (rng.standard_normal((2, 3)),
                                                     rng.standard_normal((3,))), {}),
              (where_fn(np.array([True, False, True])), (rng.standard_normal((3,)), 1.5), {}),
              (where_fn(True), (2.0, 3.0), {})],
    "sum": reductions(), "mean": reductions(), "max": reductions(), "min": reductions(),
    "logsumexp": reductions(),
    "reshape": [((rng.standard_normal((2, 6)),), dict(shape=(3, 4))),
                ((rng.standard_normal((4,)),), dict(shape=(2, 1, 2))),
                ((1.5,), dict(shape=(1, 1)))],
    "transpose": [((rng.standard_normal((2, 3, 4)),), dict(axes=(2, 0, 1))),
                  ((rng.standard_normal((2, 3)),), dict(axes=(1, 0)))],
    "broadcast_to": [((rng.standard_normal((3,)),), dict(shape=(2, 3))),
                     ((rng.standard_normal((2, 1)),), dict(shape=(4, 2, 3))),
                     ((1.5,), dict(shape=(2, 2)))],
    "getitem": getitem_cases(),
    "scatter_add": scatter_add_cases(),
    "concatenate": [((rng.standard_normal((2, 3)), rng.standard_normal((1, 3))), dict(axis=0)),
                    ((rng.standard_normal((2, 3)), rng.standard_normal((2, 2)),
                      rng.standard_normal((2, 1))), dict(axis=1)),
                    ((rng.standard_normal((2, 2)), rng.standard_normal((3,))),
                     dict(axis=None))],
    "matmul": matmul_cases(),
}


# Families of primitives added later bring their domains in tests/domains_<family>.py,
# each a module with a DOMAINS dict of the same form.
for _path in sorted(Path(__file__).parent.glob("domains_*.py")):
    DOMAINS.update(importlib.import_module(_path.stem).DOMAINS)


def cases():
    return [pytest.param(name, case, id=f"{name}-{i}")
            for name in sorted(DOMAINS) for i, case in enumerate(DOMAINS[name])]


def test_every_registered_primitive_has_a_test_domain():
    builtin = {name for name, p in adkit.registry.items() if p.builtin}
    missing = builtin - set(DOMAINS)
    assert not missing, f"primitives without a test domain: {sorted(missing)}"


@pytest.mark.parametrize("name,case", cases())
def test_primitive_derivatives_both_modes_to_second_order(name, case):
    prim = adkit.registry[name]
    if callable(case[0]):
        fn, args, params = case
    else:
        (args, params), fn = case, None
        fn = lambda *xs: prim(*xs, **params)  # noqa: E731
    check_grads(fn, *args, modes=("fwd", "rev"), order=2)


def test_wrong_rule_is_caught():
    """The checker must fail on a primitive whose VJP disagrees with its JVP."""
    bad = adkit.Primitive("bad_sin_for_test", np.sin, register=False,
                          jvp=lambda ts, ans, x: ts[0] * np.cos(x),
                          vjp=lambda g, wanted, ans, x: (g * np.sin(x),))
    with pytest.raises(AssertionError, match="inner-product"):
        check_grads(lambda x: bad(x), np.array([0.3, 0.7]))
    bad_jvp = adkit.Primitive("bad_jvp_for_test", np.sin, register=False,
                              jvp=lambda ts, ans, x: ts[0] * 2.0,
                              vjp=lambda g, wanted, ans, x: (g * 2.0,))
    with pytest.raises(AssertionError, match="central differences"):
        check_grads(lambda x: bad_jvp(x), np.array([0.3, 0.7]))
