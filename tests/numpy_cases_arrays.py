"""Cases of test_numpy_coverage for every adkit.numpy name but the products and linalg ones
(einsum, tensordot, kron, cross, linalg.*: numpy_cases_linalg.py): elementwise functions,
reductions, cumulative ones, shape and joining, indexing, padding and sorting. Each case
is written once over a namespace (both): adkit.numpy is differentiated, numpy gives the
value. Inputs stay away from kinks (sort: distinct values; mod: away from its jumps)."""
import numpy as np
from test_numpy_coverage import both

rng = np.random.default_rng(29)
nan, inf = np.nan, np.inf


def normal(*shape):
    return rng.standard_normal(shape)


def uniform(lo, hi, *shape):
    return rng.uniform(lo, hi, shape)


def signed(*shape):
    """|values| in [0.3, 1.5] with random signs: away from 0."""
    return rng.choice([-1.0, 1.0], shape) * uniform(0.3, 1.5, *shape)


def joined(xp, parts, axis):
    """The pieces of a split, weighted 1, 2, 3, ... and joined again (one array out)."""
    return xp.concatenate([p * (i + 1.0) for i, p in enumerate(parts)], axis)


A, A2, B3, V = normal(3, 4), normal(3, 4), normal(2, 3, 4), normal(4)
POS = uniform(0.5, 2.0, 3, 4)
S, SV = signed(3, 4), signed(4)
UNIT = uniform(-0.9, 0.9, 3, 4)
NANS = np.array([nan, 0.1, nan, -0.2])
SPECIAL = np.array([nan, inf, -inf, 0.0])
MOD_X = rng.integers(-2, 3, (3, 4)) + 0.5 + uniform(-0.1, 0.1, 3, 4)  # x / y 0.1 from an int
MOD_Y = rng.choice([-1.0, 1.0], 4) * uniform(0.9, 1.1, 4)
ZEROS = [np.array([2.0, 3.0, 0.0]), np.array([0.0, 3.0, 0.0]),
         np.array([[1.5, 0.0, 2.0], [0.0, 0.0, -1.0], [0.5, 2.0, 1.5]])]


def unary(name, x, **kw):
    return both(lambda xp, x: getattr(xp, name)(x, **kw))(x)


def binary(name, x, y):
    return both(lambda xp, x, y: getattr(xp, name)(x, y))(x, y)


CASES = {
    # ---- elementwise
    "absolute": [unary("absolute", S)], "fabs": [unary("fabs", S)],
    "positive": [unary("positive", A)], "negative": [unary("negative", A)],
    "add": [binary("add", A, V), binary("add", A, 2.5)],
    "subtract": [binary("subtract", A, V), binary("subtract", 1.5, A)],
    "multiply": [binary("multiply", A, V), binary("multiply", A, A2)],
    "divide": [binary("divide", A, POS), binary("divide", 2.0, POS)],
    "power": [binary("power", POS, A), both(lambda xp, x: xp.power(x, 3.0))(A)],
    "float_power": [binary("float_power", POS, V)],
    "square": [unary("square", A)], "reciprocal": [unary("reciprocal", POS)],
    "sqrt": [unary("sqrt", POS)], "exp": [unary("exp", A)], "exp2": [unary("exp2", A)],
    "expm1": [unary("expm1", A)], "log": [unary("log", POS)], "log2": [unary("log2", POS)],
    "log10": [unary("log10", POS)], "log1p": [unary("log1p", POS - 0.4)],
    "sin": [unary("sin", A)], "cos": [unary("cos", A)], "tan": [unary("tan", UNIT)],
    "arcsin": [unary("arcsin", UNIT)], "arccos": [unary("arccos", UNIT)],
    "arctan": [unary("arctan", A)], "sinh": [unary("sinh", A)], "cosh": [unary("cosh", A)],
    "tanh": [unary("tanh", A)], "arcsinh": [unary("arcsinh", 3 * A)],
    "arccosh": [unary("arccosh", POS + 1.0)], "arctanh": [unary("arctanh", UNIT)],
    "arctan2": [binary("arctan2", S, SV), binary("arctan2", 0.7, S)],
    "hypot": [binary("hypot", S, SV), binary("hypot", S, 1.5)],
    "logaddexp": [binary("logaddexp", A, V), binary("logaddexp", A, 30.0)],
    "logaddexp2": [binary("logaddexp2", A, V)],
    "sinc": [unary("sinc", 2 * A), unary("sinc", np.array([0.0, 0.05, -0.5, 1.0]))],
    "deg2rad": [unary("deg2rad", 90 * A)], "radians": [unary("radians", 90 * A)],
    "rad2deg": [unary("rad2deg", A)], "degrees": [unary("degrees", A)],
    "remainder": [binary("remainder", MOD_X, MOD_Y), binary("mod", MOD_X, MOD_Y),
                  both(lambda xp, x, y: x % y)(MOD_X, MOD_Y),
                  both(lambda xp, x: 2.6 % x)(uniform(0.9, 1.1, 3))],
    "maximum": [binary("maximum", A, V)], "minimum": [binary("minimum", A, V)],
    "fmax": [binary("fmax", A, V), both(lambda xp, x: xp.fmax(x, NANS))(A),
             both(lambda xp, x: xp.fmax(NANS, x))(A)],
    "fmin": [binary("fmin", A, V), both(lambda xp, x: xp.fmin(x, NANS))(A)],
    "clip": [both(lambda xp, x: xp.clip(x, -0.5, 0.5))(A + 0.013)],
    "where": [both(lambda xp, x, y: xp.where(A > 0, x, y))(A2, V)],
    "nan_to_num": [unary("nan_to_num", A),
                   both(lambda xp, x: xp.nan_to_num(x + SPECIAL, nan=1.0, posinf=5.0))(A)],
    "astype": [both(lambda xp, x: xp.astype(x, np.float64) * xp.astype(3 * x, np.int64))(A),
               both(lambda xp, x: x.astype(np.float64) ** 2 + x.astype(bool))(A)],
    # ---- reductions
    "sum": [unary("sum", B3, axis=(0, 2)), both(lambda xp, x, y: xp.sum([x, y], axis=0))(A, A2)],
    "mean": [unary("mean", B3, axis=1, keepdims=True),
             both(lambda xp, x: xp.mean([x, x + 2.0]))(A)],
    "var": [unary("var", A, axis=0, ddof=1)], "std": [unary("std", B3, axis=(1, 2))],
    "max": [unary("max", A, axis=1)], "amax": [unary("amax", B3, axis=(0, 2), keepdims=True)],
    "min": [unary("min", A, axis=0)], "amin": [unary("amin", A)],
    "prod": [unary("prod", POS), unary("prod", B3, axis=(0, 2)), unary("prod", S, axis=1)]
    + [unary("prod", z) for z in ZEROS] + [unary("prod", ZEROS[2], axis=0)],
    "cumsum": [unary("cumsum", A), unary("cumsum", B3, axis=1)],
    "cumprod": [unary("cumprod", S), unary("cumprod", S, axis=1)]
    + [unary("cumprod", z, axis=-1) for z in ZEROS],
    "diff": [unary("diff", A), unary("diff", B3, n=2, axis=1),
             both(lambda xp, x, y: xp.diff(x, axis=0, prepend=y, append=1.0))(A, V[None])],
    # ---- products
    "dot": [binary("dot", A, V), binary("dot", A[:, :3], B3), binary("dot", A, 2.0)],
    "inner": [binary("inner", A, A2), binary("inner", V, A)],
    "vdot": [binary("vdot", A, A2)], "outer": [binary("outer", A[0], V)],
    "matmul": [binary("matmul", A, A2.T), binary("matmul", B3, V), binary("matmul", V, A.T)],
    "trace": [unary("trace", A), unary("trace", A, offset=1), unary("trace", A, offset=-2),
              unary("trace", B3, offset=1, axis1=2, axis2=1)],
    # ---- shape
    "reshape": [both(lambda xp, x: xp.reshape(x, (-1, 2)))(A)],
    "ravel": [unary("ravel", B3)], "transpose": [unary("transpose", B3, axes=(1, 2, 0))],
    "swapaxes": [both(lambda xp, x: xp.swapaxes(x, 0, -1))(B3)],
    "moveaxis": [both(lambda xp, x: xp.moveaxis(x, 0, -1))(B3)],
    "expand_dims": [unary("expand_dims", A, axis=(0, 2))],
    "squeeze": [both(lambda xp, x: xp.squeeze(x[:, None, :1], axis=1))(A)],
    "broadcast_to": [both(lambda xp, x: xp.broadcast_to(x, (2, 3, 4)))(V)],
    "atleast_1d": [unary("atleast_1d", 1.5),
                   both(lambda xp, x, y: xp.concatenate(xp.atleast_1d(x, y)))(1.5, V)],
    "atleast_2d": [unary("atleast_2d", V)],
    "atleast_3d": [unary("atleast_3d", 1.5), unary("atleast_3d", V), unary("atleast_3d", A)],
    "flip": [unary("flip", A), unary("flip", B3, axis=(0, 2))],
    "fliplr": [unary("fliplr", A)], "flipud": [unary("flipud", B3)],
    "rot90": [unary("rot90", A), unary("rot90", B3, k=2, axes=(1, 2)),
              unary("rot90", B3, k=-1, axes=(2, 0))],
    "roll": [both(lambda xp, x: xp.roll(x, 5))(A), both(lambda xp, x: xp.roll(x, -1, 1))(A),
             both(lambda xp, x: xp.roll(x, (1, 2, 1), (0, 2, 0)))(B3)],
    "repeat": [both(lambda xp, x: xp.repeat(x, 2))(A), both(lambda xp, x: xp.repeat(x, 3, 1))(A),
               both(lambda xp, x: xp.repeat(x, [2, 0, 1], axis=0))(A)],
    "tile": [both(lambda xp, x: xp.tile(x, 2))(A), both(lambda xp, x: xp.tile(x, (2, 1, 3)))(A),
             both(lambda xp, x: xp.tile(x, (2, 1)))(B3)],
    # ---- joining and splitting
    "concatenate": [both(lambda xp, x, y: xp.concatenate([x, y], axis=None))(A, V),
                    both(lambda xp, x, y: xp.concatenate([x, y[None]]))(A, V)],
    "stack": [both(lambda xp, x, y: xp.stack([x, y * 2], axis=-1))(A, A2)],
    "hstack": [both(lambda xp, x, y: xp.hstack([x, y]))(A, A2)],
    "vstack": [both(lambda xp, x, y: xp.vstack([x, y]))(A, V)],
    "dstack": [both(lambda xp, x, y: xp.dstack([x, y]))(A, A2),
               both(lambda xp, x, y: xp.dstack([x, y]))(V, V[::-1].copy())],
    "column_stack": [both(lambda xp, x, y: xp.column_stack([x, y]))(V, A.T.copy())],
    "append": [both(lambda xp, x, y: xp.append(x, y))(A, V),
               both(lambda xp, x, y: xp.append(x, y, axis=0))(A, V[None])],
    "r_": [both(lambda xp, x, y: xp.r_[x, 0:2, y, 1.5])(V, A[0].copy()),
           both(lambda xp, x, y: xp.r_["0,2,0", x, y])(V, A[0].copy())],
    "c_": [both(lambda xp, x, y: xp.c_[x, y])(V, A.T.copy())],
    "split": [both(lambda xp, x: joined(xp, xp.split(x, 2, axis=1), 1))(A),
              both(lambda xp, x: joined(xp, xp.split(x, [1, -1]), 0))(A)],
    "array_split": [both(lambda xp, x: joined(xp, xp.array_split(x, 3, axis=1), 1))(A)],
    "hsplit": [both(lambda xp, x: joined(xp, xp.hsplit(x, [1, 3]), 1))(A)],
    "vsplit": [both(lambda xp, x: joined(xp, xp.vsplit(x, 3), 0))(A)],
    "dsplit": [both(lambda xp, x: joined(xp, xp.dsplit(x, 2), 2))(B3)],
    # ---- indexing, diagonals, padding, sorting
    "take": [both(lambda xp, x: xp.take(x, [0, 5, 5, 11]))(A),
             both(lambda xp, x: xp.take(x, [[0, 3], [3, 3]], axis=1))(A),
             both(lambda xp, x: xp.take(x, [-5, 7], axis=1, mode="wrap"))(A)],
    "take_along_axis": [both(lambda xp, x: xp.take_along_axis(x, np.argsort(A, 1), 1))(A),
                        both(lambda xp, x: xp.take_along_axis(x, np.array([0, 0, 2]),
                                                              None))(A)],
    "diag": [unary("diag", V), unary("diag", V, k=-2), unary("diag", A, k=1)],
    "diagonal": [unary("diagonal", A), unary("diagonal", B3, offset=-1, axis1=2, axis2=1)],
    "tril": [unary("tril", A), unary("tril", B3, k=-1)],
    "triu": [unary("triu", A, k=1), unary("triu", V)],
    "pad": [both(lambda xp, x: xp.pad(x, 2))(A),
            both(lambda xp, x: xp.pad(x, ((1, 0), (2, 3)), constant_values=((1.5, 2), (3, -1))))(A)]
    + [both(lambda xp, x, m=m: xp.pad(x, ((2, 1), (5, 0)), mode=m))(A)
       for m in ("edge", "reflect", "symmetric", "wrap")],
    "sort": [unary("sort", A), unary("sort", B3, axis=0), unary("sort", A, axis=None)],
    "partition": [unary("partition", A, kth=2), unary("partition", B3, kth=(0, 1), axis=1)],
}
