"""Test domains of the array primitives (merged into test_registry's DOMAINS): prod,
cumsum, cumprod (zeros included: one and two in a reduction), mod, hypot, arctan2, the
inverse hyperbolic functions, logaddexp(2), sinc (0 included) and astype."""
import numpy as np

from adkit import ops

rng = np.random.default_rng(17)
SCALAR = None  # a Python float argument
UNARY_SHAPES = [SCALAR, (), (4,), (2, 3)]
BINARY_SHAPES = [(SCALAR, SCALAR), ((3,), (3,)), ((2, 3), (3,)), ((3, 1), (1, 4)),
                 (SCALAR, (2, 3)), ((2, 1, 3), (4, 1)), ((), (2,))]


def uniform(lo, hi, shape):
    return float(rng.uniform(lo, hi)) if shape is None else rng.uniform(lo, hi, shape)


def signed(lo, hi, shape):
    """|values| in [lo, hi], random signs: away from 0 (and from the origin, for pairs)."""
    sign = rng.choice([-1.0, 1.0], size=() if shape is None else shape)
    return float(sign * uniform(lo, hi, shape)) if shape is None else sign * uniform(lo, hi, shape)


def unary(lo, hi):
    return [((uniform(lo, hi, s),), {}) for s in UNARY_SHAPES]


def binary(make_x, make_y):
    return [((make_x(a), make_y(b)), {}) for a, b in BINARY_SHAPES]


def mod_dividend(shape):
    """k + 1/2 + u, |u| < 0.1: x / y stays 0.1 from an integer for |y| in [0.9, 1.1],
    so mod has no jump within a finite-difference step."""
    k = rng.integers(-2, 3, size=() if shape is None else shape)
    x = k + 0.5 + uniform(-0.1, 0.1, shape)
    return float(x) if shape is None else x


def reductions(x):
    return [((x,), dict(axis=None, keepdims=False)), ((x,), dict(axis=(1,), keepdims=False)),
            ((x,), dict(axis=(0, 2), keepdims=True)), ((x[0],), dict(axis=(1,), keepdims=True))]


def with_zeros(*rows):
    """A 2-D array of nonzero values with zeros where the rows say 0."""
    return np.array(rows, dtype=float) * signed(0.5, 1.5, (len(rows), len(rows[0])))


ZEROS_2D = with_zeros([1, 0, 1, 1], [0, 1, 0, 1], [1, 1, 1, 1])  # one, two, no zeros a row
ZEROS_1D = [np.array([2.0, 3.0, 0.0]), np.array([0.0, 3.0, 0.0]), np.array([0.0]),
            np.array([1.5, 0.0, -2.0, 0.0, 0.5])]


def running():
    """cumsum/cumprod cases: along each axis, zeros included."""
    x3 = signed(0.5, 1.5, (2, 3, 4))
    cases = [((x,), dict(axis=0)) for x in [signed(0.5, 1.5, (5,))] + ZEROS_1D]
    return cases + [((ZEROS_2D,), dict(axis=1)), ((ZEROS_2D,), dict(axis=0)),
                    ((x3,), dict(axis=2)), ((x3,), dict(axis=1))]


DOMAINS = {
    "prod": reductions(signed(0.5, 1.5, (3, 4, 2))) + [
        ((x,), dict(axis=None, keepdims=False)) for x in ZEROS_1D] + [
        ((ZEROS_2D,), dict(axis=(1,), keepdims=False)),
        ((ZEROS_2D,), dict(axis=(0,), keepdims=True)),
        ((ZEROS_2D,), dict(axis=None, keepdims=False)),
        ((np.stack([ZEROS_2D, ZEROS_2D[::-1]], 1),), dict(axis=(0, 2), keepdims=False)),
        ((2.5,), dict(axis=None, keepdims=False))],
    "cumsum": [(args, dict(params, reverse=reverse))
               for reverse in (False, True) for args, params in running()],
    "cumprod": running(),
    "mod": binary(mod_dividend, lambda s: signed(0.9, 1.1, s)),
    "hypot": binary(lambda s: signed(0.3, 2.0, s), lambda s: signed(0.3, 2.0, s)),
    "arctan2": binary(lambda s: signed(0.3, 2.0, s), lambda s: signed(0.3, 2.0, s)),
    "logaddexp": binary(lambda s: uniform(-3, 3, s), lambda s: uniform(-3, 3, s)),
    "logaddexp2": binary(lambda s: uniform(-3, 3, s), lambda s: uniform(-3, 3, s)),
    "arcsinh": unary(-3, 3), "arccosh": unary(1.2, 3), "arctanh": unary(-0.8, 0.8),
    "sinc": unary(-2, 2) + [  # 0 and around the switch to the series at |x| = 0.1
        ((np.array([0.0, 0.05, -0.08, 0.1, -0.1 - 1e-3, 0.5, 1.0, -1.5]),), {}),
        ((0.0,), {}), ((0.03,), {}), ((-0.1,), {})],
    "astype": [((signed(0.5, 1.5, (2, 3)),), dict(dtype=np.dtype(np.float64))),
               ((1.5,), dict(dtype=np.dtype(np.float64))),
               (lambda x: ops.astype(ops.astype(x, np.dtype(np.longdouble)),
                                     np.dtype(np.float64)), (signed(0.5, 1.5, (3,)),), {})],
}
