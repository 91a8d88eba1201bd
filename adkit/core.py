"""The shared expression frontend: primitives, boxes, traces and `bind`.

A primitive is one record holding its value (`impl`), its JVP rule and its VJP rule.
`bind(prim, *args)` is the single dispatch point: with no box among the arguments it
calls `impl`; otherwise the box with the highest level hands the primitive to its trace
(forward: dual numbers, reverse: tape). Each jvp/vjp call runs at a fresh level, so
nested derivatives never mix their perturbations.

Rule signatures (rules are written with adkit's own ops, so they nest):
    jvp(tangents, ans, *args, **params) -> tangent of ans, shape (k,) + shape(ans)
        tangents[i] is None for an argument that carries no perturbation.
    vjp(g, wanted, ans, *args, **params) -> tuple of cotangents, one per argument
        wanted[i] is None for an argument that needs no cotangent (return None there).
"""
from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import counting

# Annotation aliases (hints only: nothing checks them at run time). Arguments a user passes
# (floats, arrays, lists, boxes) are annotated numpy.typing.ArrayLike; the values the
# engines compute with and return are annotated Value.
Value = Any  # a Python float, a numpy array or scalar, or a Box (a value traced at a level)
Axis = int | Sequence[int] | None  # numpy's axis argument

_counters = counting._active  # the list of open count() contexts, shared in place

SCALAR_TYPES = (float, int, np.float64)


class Primitive:
    """One differentiable operation: its value, JVP rule and VJP rule side by side.

    Rules are given per argument (`defjvp`, `defvjp`: the convention of every built-in
    and user primitive) or, for the few that need all arguments at once, jointly
    (`def_rules`). Calling a primitive binds it.

    >>> square_p = Primitive("square", lambda x: x * x, register=False)
    >>> square_p.defjvp(lambda t, ans, x: 2 * x * t, batched=True)
    <primitive square>
    >>> square_p.defvjp(lambda g, ans, x: 2 * x * g)
    <primitive square>
    >>> adkit.grad(square_p)(3.0)
    6.0
    """

    # Whether the rules, applied to traced values, record everything they depend on: no
    # mask or zero test taken from raw values (a compiled tape then expands them into
    # ops; adkit.program). True, or a predicate of which arguments are traced.
    pure_rules: bool | Callable[[tuple[bool, ...]], bool] = False
    nondiff = False  # a plain function of values with no derivative (see `nondiff`)
    # Whether the VJP rule reads the primitive's own result (ans). Where it does not, a
    # one-shot sweep (grad) frees a big result once the ops that read it are swept: the
    # rule gets a stand-in of its shape and dtype. (Elementwise primitives work it out
    # from their partials; see rules.reads_first_argument.)
    vjp_reads_ans = True

    def __init__(self, name: str, impl: Callable, jvp: Callable | None = None,
                 vjp: Callable | None = None, scalar_impl: Callable | None = None,
                 builtin: bool = True, register: bool = True) -> None:
        self.name = name
        self.impl = impl
        self.scalar_impl = scalar_impl  # for Python floats (math.sin, ...): no 0-d arrays
        self.jvp = jvp
        self.vjp = vjp
        self.builtin = builtin
        if register:
            if name in registry:
                raise ValueError(f"a primitive named {name!r} is already registered")
            registry[name] = self

    def defjvp(self, *rules: Callable | None, batched: bool = False) -> Primitive:
        """Set the JVP from one rule per argument, (t, ans, *args, **params) -> that
        argument's contribution to the output tangent (None: not differentiable there).
        A rule sees one direction shaped like its argument; with batched=True all k at
        once, shape (k,) + arg shape (right for elementwise rules, and faster)."""
        from .ops.rules import defjvp
        return defjvp(self, *rules, batched=batched)

    def defvjp(self, *rules: Callable | None) -> Primitive:
        """Set the VJP from one rule per argument, (g, ans, *args, **params) -> the
        cotangent of that argument (None: not differentiable there)."""
        from .ops.rules import defvjp
        return defvjp(self, *rules)

    def def_rules(self, jvp: Callable | None = None, vjp: Callable | None = None) -> Primitive:
        """Set joint rules over all arguments: jvp(tangents, ans, *args, **params) and
        vjp(g, wanted, ans, *args, **params) (see this module's docstring)."""
        if jvp is not None:
            self.jvp = jvp
        if vjp is not None:
            self.vjp = vjp
        return self

    def __call__(self, *args: Value, **params: Any) -> Value:
        return bind(self, *args, **params)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


registry = {}


class Box:
    """Base of the engines' boxed values (Dual, Tensor): a value at a trace's level."""

    __slots__ = ("_value", "_trace", "_level")


class Trace:
    """One level of differentiation. Engines subclass it and implement `process`."""

    __slots__ = ("level", "done", "__weakref__")

    def __init__(self, level: int) -> None:
        self.level = level
        self.done = False

    def process(self, prim: Primitive, args: tuple[Value, ...],  # pragma: no cover - abstract
                params: dict[str, Any]) -> Value:
        raise NotImplementedError

    def escaped(self, prim: Primitive) -> RuntimeError:
        return RuntimeError(
            f"{prim.name}: an intermediate value of a finished {type(self).__name__} "
            f"(level {self.level}) escaped its transform and was used again; "
            "return derivatives from the transform instead of keeping traced values")


# Levels 0 and 1 belong to the always-open ambient traces (Tensor graphs, user Duals);
# every transform call takes a fresh, higher one.
_levels = itertools.count(2)


def new_level() -> int:
    """A fresh level, higher than every level handed out before."""
    return next(_levels)


def bind(prim: Primitive, *args: Value, **params: Any) -> Value:
    """Apply `prim` to `args`, handing it to the innermost trace among them."""
    top = None
    level = -1
    for a in args:
        if isinstance(a, Box) and a._level > level:
            top = a
            level = a._level
    if top is not None:
        trace = top._trace
        if trace.done:
            raise trace.escaped(prim)
        return trace.process(prim, args, params)
    if _counters:
        return evaluate(prim, args, params)
    if prim.scalar_impl is not None and type(args[0]) in SCALAR_TYPES and (
            len(args) == 1 or type(args[1]) in SCALAR_TYPES):
        return _evaluate(prim, args, params)
    try:
        return prim.impl(*args, **params) if params else prim.impl(*args)
    except (ValueError, TypeError, IndexError) as e:
        raise impl_error(prim, args, e) from e


def evaluate(prim: Primitive, args: tuple[Value, ...], params: dict[str, Any]) -> Value:
    """prim's value on plain arguments, counted as one 'eval'; Python floats take
    prim.scalar_impl (math) so scalar code never builds 0-d arrays."""
    if _counters:
        return counting.counted("eval", prim.name, _evaluate)(prim, args, params)
    return _evaluate(prim, args, params)


def _evaluate(prim, args, params):  # evaluate's work (uncounted callers come straight here)
    scalar = prim.scalar_impl
    if scalar is not None and type(args[0]) in SCALAR_TYPES and (
            len(args) == 1 or type(args[1]) in SCALAR_TYPES):
        try:
            return scalar(*args)
        except (ValueError, OverflowError, ZeroDivisionError):
            # math raises where numpy gives inf/nan (log(0), 1/0): give numpy's answer
            return float(prim.impl(*[np.float64(a) for a in args]))
    try:
        return prim.impl(*args, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise impl_error(prim, args, e) from e


def impl_error(prim: Primitive, args: tuple[Value, ...], e: Exception) -> Exception:
    """The impl's own error, prefixed with the primitive and its argument types."""
    return type(e)(f"{prim.name}{_describe(args)}: {e}")


def _describe(args):
    parts = []
    for a in args:
        if isinstance(a, np.ndarray):
            parts.append(f"{a.dtype}{list(a.shape)}")
        else:
            parts.append(type(a).__name__)
    return "(" + ", ".join(parts) + ")"


def raw(x: Value) -> Value:
    """Strip every level of boxing (for non-differentiable uses such as masks)."""
    while isinstance(x, Box):
        x = x._value
    return x


watchers = []  # traces that watch values leave differentiation (open tape recordings)


def concrete(fn: Callable, *args: Value, **kwargs: Value) -> Any:
    """fn on the raw values of its arguments: a value that leaves differentiation (a
    comparison, a truth value, a sign, an argmax). A trace that watches such values (an
    open tape recording, adkit.tape) is told, so it can check them when it replays.

    >>> concrete(lambda a, b: a > b, adkit.Dual(2.0, 1.0), 1.0)
    True
    """
    out = fn(*[raw(a) for a in args], **{k: raw(v) for k, v in kwargs.items()})
    if watchers:
        for trace in watchers:
            trace.watch(fn, args, kwargs, out)
    return out


def nondiff(fn: Callable) -> Callable:
    """fn of plain values (a mask, a tie weight, a sign) made usable on traced values: its
    result carries no derivative. An open tape recording records it as an op, so a
    replay computes it again from the replay's values instead of keeping it frozen.

    >>> step = nondiff(lambda x: (x > 0).astype(float))
    >>> step(adkit.Dual(np.array([-1.0, 2.0]), np.ones(2)))
    array([0., 1.])
    """
    prim = Primitive(getattr(fn, "__name__", "nondiff"), fn, builtin=False, register=False)
    prim.nondiff = prim.pure_rules = True

    @functools.wraps(fn)
    def apply(*args: Value, **params: Any) -> Value:
        if watchers:
            for trace in watchers:
                node = trace.record_nondiff(prim, args, params)
                if node is not None:
                    return node
        for a in args:
            if isinstance(a, Box):
                return fn(*map(raw, args), **params)
        return fn(*args, **params)  # plain values (a rule's on plain arrays): no copy

    return apply


FLOAT64 = np.dtype(np.float64)


def float_dtype(x: Value) -> np.dtype:
    """x's dtype if it is floating point, else float64 (Python floats are float64)."""
    while isinstance(x, Box):
        x = x._value
    dt = getattr(x, "dtype", None)
    return dt if dt is not None and dt.kind == "f" else FLOAT64


def shape_of(x: Value) -> tuple[int, ...]:
    return getattr(x, "shape", ())


def ndim_of(x: Value) -> int:
    return len(getattr(x, "shape", ()))


def missing_rule(prim: Primitive, rule: str) -> TypeError:
    what = "forward mode (jvp, jacfwd, hessian)" if rule == "jvp" else \
        "reverse mode (grad, vjp, backward)"
    return TypeError(
        f"primitive {prim.name!r} has no {rule.upper()} rule, so it cannot be "
        f"differentiated in {what}; define one with "
        f"{prim.name}.def{rule}(...) or use the other mode")
