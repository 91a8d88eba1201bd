"""What every transform does at its edges: check and convert inputs (argnums, dtypes),
give Python floats back for Python-float problems, and assemble Jacobian trees."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import tree as _tree
from .core import Box, Value, float_dtype, raw, shape_of
from .tree import Spec

_NUMPY_VALUES = (np.ndarray, np.generic)


def complex_error(what: str) -> TypeError:
    """The one error for complex numbers, which adkit refuses everywhere."""
    return TypeError(f"{what}: adkit differentiates real functions of real inputs only; "
                     "complex numbers are not supported (carry the real and imaginary parts "
                     "as two real arrays instead)")


def prepare_input(x: ArrayLike, fn: str) -> Value:
    """A differentiable value: floats stay floats, ints become floats, arrays float."""
    if (type(x) is np.ndarray and x.dtype.kind == "f") or type(x) is float or isinstance(x, Box):
        return x
    if isinstance(x, complex) or np.iscomplexobj(x):
        raise complex_error(f"{fn}: an input has dtype {np.result_type(x)}")
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{fn}: cannot differentiate with respect to a bool ({x!r})")
    if isinstance(x, int):
        return float(x)
    if isinstance(x, (list, tuple)):
        x = np.asarray(x)
    if isinstance(x, _NUMPY_VALUES):
        kind = x.dtype.kind
        if kind == "f":
            return x
        if kind in "iu":
            return x.astype(np.float64)
        raise TypeError(f"{fn}: cannot differentiate with respect to an array of dtype "
                        f"{x.dtype}; adkit differentiates real floating-point arrays "
                        "(convert with .astype(float))")
    raise TypeError(f"{fn}: cannot differentiate with respect to a {type(x).__name__}; "
                    "pass a float, a numpy array, or a tuple/list/dict of them")


def outputs_of(out: Any, fn: str) -> tuple[list[Value], Spec]:
    """Flatten f's output, refusing anything that is not a number or numeric array."""
    leaves, spec = _tree.flatten(out)
    for y in leaves:
        if type(y) is float:
            continue
        value = raw(y)
        if isinstance(value, _NUMPY_VALUES):
            complex_value = value.dtype.kind == "c"
        else:
            complex_value = type(value) is not float and np.iscomplexobj(value)
        if complex_value:
            raise complex_error(f"{fn}: f returned a complex value (dtype "
                                f"{np.result_type(value)})")
        if isinstance(y, Box):
            continue
        if isinstance(y, (int, np.number, np.ndarray)) and not isinstance(y, bool) \
                and np.result_type(y).kind in "iuf":
            continue
        raise TypeError(f"{fn}: f returned a {type(y).__name__}"
                        f"{' of dtype ' + str(y.dtype) if hasattr(y, 'dtype') else ''}; it "
                        "must return real numbers, numpy arrays, or tuples/lists/dicts of them")
    return leaves, spec


def check_argnums(argnums: int | tuple[int, ...]) -> None:
    ok = isinstance(argnums, int) or (isinstance(argnums, tuple) and argnums and
                                      all(isinstance(a, int) for a in argnums))
    if not ok or isinstance(argnums, bool):
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints, "
                        f"got {argnums!r}")


def normalize_argnums(argnums: int | tuple[int, ...], nargs: int,
                      fn: str) -> int | tuple[int, ...]:
    """argnums with negative indexes resolved as Python does; out-of-range or repeated
    arguments are refused (a repeated one would split its gradient)."""
    if type(argnums) is int and 0 <= argnums < nargs:  # the common case
        return argnums
    given = (argnums,) if isinstance(argnums, int) else argnums
    resolved = []
    for a in given:
        if not -nargs <= a < nargs:
            raise ValueError(f"{fn}: argnums={argnums!r} but the function was called with "
                             f"{nargs} positional argument(s)")
        a = a % nargs
        if a in resolved:
            raise ValueError(f"{fn}: argnums={argnums!r} names argument {a} twice; name "
                             "each argument once")
        resolved.append(a)
    return resolved[0] if isinstance(argnums, int) else tuple(resolved)


def inputs_of(args: Sequence[Any], argnums: int | tuple[int, ...],
              fn: str) -> tuple[list[Value], Spec, Callable[[list[Value]], list[Any]]]:
    """Flatten the differentiated arguments.

    Returns (prepared leaves, their tree spec, rebuild) where rebuild(new_leaves) gives
    the full argument list with the differentiated arguments replaced.
    """
    argnums = normalize_argnums(argnums, len(args), fn)
    tree = args[argnums] if type(argnums) is int else tuple(args[a] for a in argnums)
    leaves, spec = _tree.flatten(tree)
    leaves = [prepare_input(x, fn) for x in leaves]

    def rebuild(new_leaves):
        new = _tree.unflatten(spec, new_leaves)
        out = list(args)
        if isinstance(argnums, int):
            out[argnums] = new
        else:
            for a, v in zip(argnums, new):
                out[a] = v
        return out

    return leaves, spec, rebuild


def check_direction(v: Any, like: Value, fn: str, kind: str, index: int = 0,
                    target: str = "a primal", shape: tuple[int, ...] | None = None) -> Value:
    """A tangent or cotangent (`kind`) given for `like`: shape `shape` (default like's),
    cast to like's float dtype (ints are exact); None, complex or non-numeric values are
    refused."""
    want = shape_of(like) if shape is None else shape
    if type(v) is np.ndarray and v.shape == want and v.dtype == float_dtype(like):
        return v  # the common case: nothing to convert
    if type(v) is float and want == () and float_dtype(like) == np.float64:
        return v
    if v is None:
        raise TypeError(f"{fn}: {kind} {index} is None; pass zeros of shape {want} for no "
                        "perturbation")
    if isinstance(v, Box):
        a = v
    elif isinstance(v, complex) or np.iscomplexobj(v):
        raise complex_error(f"{fn}: {kind} {index} is complex")
    else:
        a = np.asarray(v)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{fn}: {kind} {index} has dtype {a.dtype}; pass real numbers")
    if shape_of(a) != want:
        raise ValueError(f"{fn}: a {kind} of shape {shape_of(a)} was given for {target} of "
                         f"shape {shape_of(like)}; it must be {want}")
    if isinstance(a, Box):
        return a
    a = a.astype(float_dtype(like), copy=False)
    return float(a) if a.shape == () and a.dtype == np.float64 else a


def owned(x: Value, taken: set) -> Value:
    """x as an array the user owns: a fresh, writeable copy where x is a view, read-only,
    or an object already handed out or given in (ids in `taken`, which x joins)."""
    if type(x) is np.ndarray:
        # x.base is None: x owns its memory (and the engine's own arrays are writeable)
        if x.base is not None or id(x) in taken or not x.flags.writeable:
            x = x.copy()
        taken.add(id(x))
    return x


def to_output(x: Value, like: Value) -> Value:
    """Give a Python float back where the problem is scalar float64 (not a 0-d array)."""
    if type(x) is float or isinstance(x, Box) or shape_of(like) != ():
        return x
    if isinstance(x, _NUMPY_VALUES) and x.shape == ():
        return float(x) if x.dtype == np.float64 else x[()]
    return x


def zeros_like_float(x: Value) -> Value:
    return to_output(np.zeros(shape_of(x), dtype=float_dtype(x)), x)


def zeros_tangent(y: Value, k: int) -> np.ndarray:
    return np.zeros((k,) + shape_of(y), dtype=float_dtype(y))


def assemble_jacobian(out_spec: Spec, out_values: Sequence[Value], in_spec: Spec,
                      in_leaves: Sequence[Value], block: Callable[[int, int], Value]) -> Any:
    """Nest Jacobian blocks as out-tree of in-tree; block(j, i) has shape
    out_j.shape + in_i.shape."""
    rows = []
    taken = {id(x) for x in in_leaves}
    for j, y in enumerate(out_values):
        row = [owned(to_output(block(j, i), y if shape_of(x) == () else x), taken)
               for i, x in enumerate(in_leaves)]
        rows.append(_tree.unflatten(in_spec, row))
    return _tree.unflatten(out_spec, rows)


def finish_gradient(g: Value, x: Value, taken: set) -> Value:
    """An input's gradient: zeros if it got none; its dtype; a float for a float; an
    array the caller owns (see owned)."""
    if type(g) is np.ndarray and type(x) is np.ndarray and g.dtype == x.dtype \
            and g.shape == x.shape and x.shape:  # the common cases
        return owned(g, taken)
    if type(g) is float and type(x) is float:
        return g
    if g is None:
        return zeros_like_float(x)
    if isinstance(g, Box):
        return to_output(g, x)
    if np.iscomplexobj(g):
        raise complex_error("the gradient of f is complex (f has a complex intermediate)")
    g = np.asarray(g)
    want = float_dtype(x)
    if g.dtype != want:
        g = g.astype(want)
    if g.shape != shape_of(x):  # a rule returned the wrong shape: never pass it on
        raise RuntimeError(f"internal error: gradient of shape {g.shape} for an input "
                           f"of shape {shape_of(x)}")
    return owned(to_output(g, x), taken)
