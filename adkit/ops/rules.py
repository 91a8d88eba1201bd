"""How rules are written: the constructors every primitive is built with.

One convention for built-in and user primitives alike (`Primitive.defjvp` and
`Primitive.defvjp` take one rule per argument):

    JVP rule i: (t, ans, *args, **params) -> argument i's contribution to ans's tangent
    VJP rule i: (g, ans, *args, **params) -> the cotangent of argument i

`per_argument_rules` turns such rules into a primitive's joint rules (summing the
contributions, padding and broadcasting tangents, undoing broadcasting in cotangents).
On top of it:

    elementwise(name, impl, *partials)   partial i is d ans / d arg i, a plain function of
                                         (ans, *args); JVP_i = t * partial_i,
                                         VJP_i = g * partial_i (unbroadcast)
    linear(name, impl, batched, transpose)
                                         JVP = impl on the tangent (`batched` applies it to
                                         a tangent with a leading direction axis); VJP =
                                         the transpose

Tangents carry k directions on a leading axis: shape (k,) + shape(ans).
"""
from __future__ import annotations

import dis
import functools
import inspect
import math
from collections.abc import Callable, Sequence

import numpy as np

from ..core import FLOAT64, Primitive, Value, _counters, bind, ndim_of, shape_of

Rule = Callable[..., object]
ndarray = np.ndarray  # (one global lookup in the rules' hot paths)


# ----------------------------------------------------------- broadcasting helpers ----

def pad_tangent(t: Value, nd: int) -> Value:
    """Insert singleton axes after the direction axis so t broadcasts to rank nd."""
    tshape = shape_of(t)
    return shape.reshape(t, tshape[:1] + (1,) * (nd + 1 - len(tshape)) + tshape[1:])


def broadcast_tangent(t: Value | None, ans: Value) -> Value | None:
    """Broadcast a tangent of shape (k, ...) to (k,) + shape(ans)."""
    want = shape_of(ans)
    tshape = shape_of(t)
    if t is None or tshape[1:] == want:
        return t
    return shape.broadcast_to(pad_tangent(t, len(want)), tshape[:1] + want)


_SUMMED = {}  # (g's shape, the target shape) -> (the axes unbroadcast sums, lead): a few pairs


def unbroadcast(g: Value, to_shape: tuple[int, ...]) -> Value:
    """Sum g down to `to_shape`, undoing numpy broadcasting (the VJP of a broadcast)."""
    gshape = shape_of(g)
    if gshape == to_shape:
        return g
    plan = _SUMMED.get((gshape, to_shape))
    if plan is None:
        plan = _summed(gshape, to_shape)
        if len(_SUMMED) < 1024:  # bounded: a program of many shapes recomputes
            _SUMMED[gshape, to_shape] = plan
    axes, lead = plan
    if type(g) is ndarray and not _counters:  # a plain array: what the ops do, sooner
        if lead and g.dtype is FLOAT64 and g.flags.c_contiguous:
            # sum_p.impl's own branch for leading axes (a bias's gradient), without its checks
            return reductions.sum_leading(g, lead)
        g = reductions.sum_p.impl(g, axes) if axes else g
        return g if g.shape == to_shape else g.reshape(to_shape)
    if axes:
        g = reductions.sum(g, axes)
    return g if shape_of(g) == to_shape else shape.reshape(g, to_shape)


def _summed(gshape, to_shape):
    """(the axes unbroadcast sums g over; how many they are when they are only leading
    axes of a nonempty g, which reductions.sum_leading sums, else 0)."""
    lead = len(gshape) - len(to_shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(to_shape) if n == 1 and gshape[lead + i] != 1)
    return axes, lead if 0 < lead == len(axes) and to_shape and math.prod(gshape) else 0


def size_of(shape: tuple[int, ...], axis: tuple[int, ...] | None) -> int:
    """How many elements a reduction over axis combines."""
    return math.prod(shape) if axis is None else math.prod(shape[a] for a in axis)


def keepdims_shape(xshape: tuple[int, ...], axis: tuple[int, ...] | None) -> tuple[int, ...]:
    """`xshape` with the reduced axes kept as 1s."""
    if axis is None:
        return (1,) * len(xshape)
    return tuple(1 if i in axis else n for i, n in enumerate(xshape))


def batched_axis(axis: tuple[int, ...] | None, t: Value) -> tuple[int, ...]:
    """A reduction's axes on a tangent with a leading direction axis.

    >>> batched_axis(None, np.zeros((2, 3, 4))), batched_axis((0, 2), np.zeros((2, 3, 4, 5)))
    ((1, 2), (1, 3))
    """
    if axis is None:
        nd = t.ndim if type(t) is ndarray else ndim_of(t)
        return _AFTER_FIRST[nd] if nd < len(_AFTER_FIRST) else tuple(range(1, nd))
    shifted = _SHIFTED.get(axis) if type(axis) is tuple else None
    if shifted is None:
        shifted = tuple(a + 1 for a in axis)
        if len(_SHIFTED) < 256 and type(axis) is tuple:
            _SHIFTED[axis] = shifted
    return shifted


_AFTER_FIRST = [tuple(range(1, n)) for n in range(33)]  # every axis after the first, by ndim
_SHIFTED = {}  # axis -> the same axes one further along: a few reductions' axes


def _add_into(out, term, fresh, negate=False):
    """out + term (out - term with negate=True); in place when out is a fresh array of
    the same shape and dtype."""
    if fresh and type(out) is np.ndarray and type(term) is np.ndarray \
            and out.shape == term.shape and out.dtype == term.dtype:
        if negate:
            out -= term
        else:
            out += term
        return out
    return out - term if negate else out + term


# ------------------------------------------------------------- per-argument rules ----

def _rule_for(prim, rules, i, kind):
    rule = rules[i] if i < len(rules) else None
    if rule is None:
        raise TypeError(f"primitive {prim.name!r} has no {kind} rule for its argument {i}; "
                        f"give one with {prim.name}.def{kind.lower()}(...) (or do not "
                        "differentiate with respect to that argument)")
    return rule


def per_argument_rules(prim: Primitive, jvps: Sequence[Rule | None] | None = None,
                       vjps: Sequence[Rule | None] | None = None,
                       batched: bool = True) -> tuple[Callable | None, Callable | None]:
    """prim's joint (jvp, vjp) rules from per-argument rules.

    A batched JVP rule gets all k directions at once, shape (k,) + arg shape (right for
    elementwise rules); otherwise it sees one direction and the results are stacked.
    """
    jvp = vjp = None
    if jvps is not None:
        def jvp(tangents, ans, *args, **params):
            nd = ndim_of(ans)
            out = None
            for i, t in enumerate(tangents):
                if t is None:
                    continue
                rule = _rule_for(prim, jvps, i, "JVP")
                if not batched:  # one direction at a time, stacked on the direction axis
                    term = _stack([rule(t[j], ans, *args, **params)
                                   for j in range(shape_of(t)[0])])
                else:
                    if ndim_of(args[i]) < nd:
                        t = pad_tangent(t, nd)
                    term = rule(t, ans, *args, **params)
                out = term if out is None else out + term  # never in place: a rule may return t
            return broadcast_tangent(out, ans)
    if vjps is not None:
        def vjp(g, wanted, ans, *args, **params):
            return tuple(None if w is None else
                         unbroadcast(_rule_for(prim, vjps, i, "VJP")(g, ans, *args, **params),
                                     shape_of(args[i]))
                         for i, w in enumerate(wanted))
    return jvp, vjp


def _stack(terms):
    return shape.concatenate([shape.reshape(t, (1,) + shape_of(t)) for t in terms], 0)


def defjvp(prim: Primitive, *rules: Rule | None, batched: bool = False) -> Primitive:
    """Set prim's JVP from one rule per argument (None: not differentiable there)."""
    prim.jvp = per_argument_rules(prim, jvps=rules, batched=batched)[0]
    return prim


def defvjp(prim: Primitive, *rules: Rule | None) -> Primitive:
    """Set prim's VJP from one rule per argument (None: not differentiable there)."""
    prim.vjp = per_argument_rules(prim, vjps=rules)[1]
    return prim


# ------------------------------------------------------------------ elementwise ----
# Plain partials the fast path below recognizes: with them add, sub and mul skip the
# generic rules' multiplications by +-1 and their shape checks.

def one(ans: Value, x: Value, y: Value) -> float:
    """d(x + y)/dx = d(x + y)/dy = d(x - y)/dx = 1."""
    return 1.0


def minus_one(ans: Value, x: Value, y: Value) -> float:
    """d(x - y)/dy = -1."""
    return -1.0


def arg_x(ans: Value, x: Value, y: Value) -> Value:
    """d(x * y)/dy = x."""
    return x


def arg_y(ans: Value, x: Value, y: Value) -> Value:
    """d(x * y)/dx = y."""
    return y


def elementwise(name: str, impl: Callable, *partials: Callable, scalar: Callable | None = None,
                builtin: bool = True) -> Primitive:
    """A broadcasting elementwise primitive from its partial derivatives.

    Partial i is d ans / d arg i as a function of (ans, *args); `scalar` computes the
    value for Python floats (e.g. math.sin) so scalar code never builds 0-d arrays.

    >>> import math
    >>> cube_p = elementwise("cube", lambda x: x ** 3, lambda ans, x: 3 * x * x,
    ...                      scalar=lambda x: x ** 3, builtin=False)
    >>> adkit.grad(cube_p)(2.0)
    12.0
    """
    prim = Primitive(name, impl, scalar_impl=scalar, builtin=builtin, register=builtin)
    prim.partials = partials
    prim.vjp_reads_ans = any(map(reads_first_argument, partials))
    prim.jvp, prim.vjp = fast_elementwise_rules(partials) or generic_elementwise_rules(prim)
    return prim


_FRAME_READERS = frozenset({"locals", "vars", "eval", "exec", "_getframe", "currentframe"})


def reads_first_argument(fn: Callable) -> bool:
    """Whether fn may read its first parameter (a partial's ans): its code loads it by
    name. True whenever that cannot be told (not a Python function, *args, a closure
    over it), so a False is certain.

    >>> reads_first_argument(lambda ans, x: ans), reads_first_argument(lambda ans, x: x)
    (True, False)
    """
    code = getattr(fn, "__code__", None)
    if code is None or not code.co_argcount or code.co_flags & inspect.CO_VARARGS:
        return True
    name = code.co_varnames[0]
    if name in code.co_cellvars or not _FRAME_READERS.isdisjoint(code.co_names):
        return True
    return any("FAST" in i.opname and (i.argval == name or (
        type(i.argval) is tuple and name in i.argval)) for i in dis.get_instructions(code))


def generic_elementwise_rules(prim: Primitive) -> tuple[Callable | None, Callable | None]:
    """An elementwise primitive's (jvp, vjp) as per-argument rules t * partial_i."""
    rules = tuple(_times(p) for p in prim.partials)
    return per_argument_rules(prim, rules, rules)


def _times(partial):
    """The per-argument rule t * partial (JVP) or g * partial (VJP)."""
    return lambda t, ans, *args: t * partial(ans, *args)


def fast_elementwise_rules(partials: Sequence[Callable]) -> tuple[Callable, Callable] | None:
    """Unrolled (jvp, vjp) for unary and binary primitives (else None), with the
    partials one / minus_one / arg_x / arg_y inlined. The engines' hot path; a test
    checks that they give exactly what per_argument_rules gives."""
    if len(partials) == 1:
        (partial,) = partials
        return (lambda ts, ans, x: ts[0] * partial(ans, x),
                lambda g, wanted, ans, x: (g * partial(ans, x),))
    if len(partials) != 2:
        return None
    p0, p1 = partials
    square = p0 is arg_y and p1 is arg_x  # mul: x * x, one value twice
    passes_g = p0 is one and p1 is one  # add: g itself either way (vjp_of_a_sum)

    def jvp(tangents, ans, x, y):
        t0, t1 = tangents
        if square and x is y and t0 is t1 and t0 is not None:
            return broadcast_tangent(_doubled(t0 * x), ans)  # t*x + x*t as one array
        if type(ans) is ndarray:  # live arguments of ans's shape: nothing to pad or broadcast
            shape = ans.shape  # (the loop below, unrolled; _scaled inlined for mul)
            if (t0 is None or type(x) is ndarray and x.shape == shape) and \
                    (t1 is None or type(y) is ndarray and y.shape == shape):
                if t0 is None:
                    return None if t1 is None else t1 * x if p1 is arg_x else \
                        _scaled(t1, p1, ans, x, y)
                out = t0 * y if p0 is arg_y else _scaled(t0, p0, ans, x, y)
                if t1 is None:
                    return out
                if p1 is minus_one:
                    return _add_into(out, t1, p0 is not one, negate=True)
                return _add_into(out, _scaled(t1, p1, ans, x, y), p0 is not one)
        nd = ndim_of(ans)
        out, fresh = None, False
        for t, p, a in ((tangents[0], p0, x), (tangents[1], p1, y)):
            if t is None:
                continue
            if ndim_of(a) < nd:
                t = pad_tangent(t, nd)
            if out is not None and p is minus_one:  # sub: out - t, one pass (not + -t)
                out, fresh = _add_into(out, t, fresh, negate=True), True
                continue
            term = _scaled(t, p, ans, x, y)
            if out is None:
                out, fresh = term, p is not one  # a product is a new array ...
            else:
                out, fresh = _add_into(out, term, fresh), True  # ... so += may reuse it
        return broadcast_tangent(out, ans)

    def vjp(g, wanted, ans, x, y):
        kind = type(g)
        if kind is ndarray:
            if g.base is not None:  # a view: maybe one number broadcast
                c = uniform_number(g)
                if c is not None:
                    return uniform_vjp(g, c, wanted, ans, x, y)
            shape = g.shape  # g * partial keeps it: a partial broadcasts to ans's shape
        else:  # a box (a recorded sweep) or a number: each result says its shape
            shape = None
        if square and x is y and wanted[0] is not None and wanted[0] is wanted[1]:
            return _doubled(g * x), None  # the two shares g*x + g*x as one array
        # (_scaled inlined for the commonest partials)
        g0 = None if wanted[0] is None else g if p0 is one else g * y if p0 is arg_y else \
            _scaled(g, p0, ans, x, y)
        g1 = None if wanted[1] is None else g if p1 is one else g * x if p1 is arg_x else \
            _scaled(g, p1, ans, x, y)
        if kind is float:  # scalar code: x and y have shape () as ans has, none sums down
            return g0, g1
        if g0 is not None and \
                (shape if shape is not None else shape_of(g0)) != getattr(x, "shape", ()):
            g0 = unbroadcast(g0, shape_of(x))
        if g1 is not None and \
                (shape if shape is not None else shape_of(g1)) != getattr(y, "shape", ()):
            g1 = unbroadcast(g1, shape_of(y))
        return g0, g1

    def vjp_of_a_sum(g, wanted, ans, x, y):
        """add's: g itself for each argument (summed down where it was broadcast)."""
        if type(g) is float:  # scalar code: ans, x and y have shape ()
            return None if wanted[0] is None else g, None if wanted[1] is None else g
        shape = getattr(g, "shape", ())
        g0 = g1 = None
        if wanted[0] is not None:
            xs = getattr(x, "shape", ())
            g0 = g if xs == shape else unbroadcast(g, xs)
        if wanted[1] is not None:
            ys = getattr(y, "shape", ())
            g1 = g if ys == shape else unbroadcast(g, ys)
        return g0, g1

    def uniform_vjp(g, c, wanted, ans, x, y):
        """The cotangents where g holds the number c everywhere (a sum's broadcast
        cotangent): products with c, with no pass over g, for the arguments shaped like g
        (a broadcast argument sums g * partial down to its shape, as in general)."""
        if square and x is y and wanted[0] is not None and wanted[0] is wanted[1] \
                and shape_of(x) == g.shape:
            return x * (2 * c), None
        out = []
        for w, p, a in ((wanted[0], p0, x), (wanted[1], p1, y)):
            a_shape = shape_of(a)
            out.append(None if w is None else _times_number(g, c, p, ans, x, y)
                       if a_shape == g.shape else unbroadcast(_scaled(g, p, ans, x, y), a_shape))
        return tuple(out)

    return jvp, vjp_of_a_sum if passes_g else vjp


def uniform_number(g: Value):
    """The number g holds everywhere when it is one number broadcast (a stride-0 view:
    a sum's cotangent), else None.

    >>> uniform_number(np.broadcast_to(2.0, (3,))), uniform_number(np.ones(3))
    (np.float64(2.0), None)
    """
    if type(g) is np.ndarray and g.base is not None and g.size > 1 and not any(g.strides):
        return g[(0,) * g.ndim]  # (the base test first: fresh arrays leave at once)
    return None


def uniform(c, shape: tuple[int, ...]) -> np.ndarray:
    """The number c broadcast to shape: a read-only stride-0 view, no memory and no pass
    (what np.broadcast_to makes, at a tenth of its cost)."""
    c = np.asarray(c)
    out = np.ndarray(shape, c.dtype, c, 0, (0,) * len(shape))
    out.flags.writeable = False
    return out


def _times_number(g, c, partial, ans, x, y):
    """g * partial(ans, x, y) where g is the number c everywhere, shaped like g: the
    partial times c (one pass, none over g), or c times a number partial broadcast."""
    if partial is one:
        return g
    if partial is minus_one:
        return uniform(-c, g.shape)
    times = getattr(partial, "times", None)  # c * partial in one pass, where it can
    p = times(c, ans, x, y) if times is not None else None
    if p is not None:
        return p
    p = partial(ans, x, y)
    if shape_of(p) == g.shape:
        return p * c
    if type(p) is float or isinstance(p, np.generic):
        return uniform(p * c, g.shape)
    return g * p


def _doubled(fresh):
    """2 * fresh, in place when fresh is an array (a product just made)."""
    if type(fresh) is np.ndarray:
        fresh *= 2.0
        return fresh
    return fresh * 2.0


def _scaled(t, partial, ans, x, y):
    """t * partial(ans, x, y), with the simple partials inlined."""
    if partial is one:
        return t
    if partial is minus_one:
        return elementwise_ops.neg(t)
    if partial is arg_x:
        return t * x
    if partial is arg_y:
        return t * y
    return t * partial(ans, x, y)


def linear(name: str, impl: Callable, batched: Callable, transpose: Callable,
           builtin: bool = True) -> Primitive:
    """A primitive linear in its one array argument (params are keywords).

    batched(t, **params) applies impl to a tangent with a leading direction axis;
    transpose(g, x, **params) maps an output cotangent back to x's shape.
    """
    prim = Primitive(name, impl, builtin=builtin, register=builtin)
    prim.vjp_reads_ans = False  # a linear map's transpose depends on no value
    prim.jvp = lambda ts, ans, x, **params: batched(ts[0], **params)
    prim.vjp = lambda g, wanted, ans, x, **params: (transpose(g, x, **params),)
    return prim


def function(prim: Primitive, name: str, doc: str) -> Callable:
    """prim's function: bind with prim filled in. A functools.partial, not a def, so a
    call costs no extra Python frame (the frames are most of adkit's per-op cost)."""
    fn = functools.partial(bind, prim)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


# The helpers above use ops built with the constructors above: imported last.
from . import elementwise as elementwise_ops  # noqa: E402
from . import reductions, shape  # noqa: E402
