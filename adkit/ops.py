"""The primitive table: each op's value, JVP rule and VJP rule, written once.

Constructors keep most rules to a line:
  elementwise(name, impl, *partials)  partial i is d ans / d arg i as a function of
                                      (ans, *args) or a marker (ONE, NEG_ONE, ARG0,
                                      ARG1); JVP = sum_i partial_i * t_i,
                                      VJP_i = unbroadcast(g * partial_i, shape(arg_i))
  linear(name, impl, batched, transpose)
                                      JVP = impl on the tangent (`batched` applies it to
                                      a tangent with a leading direction axis); VJP = the
                                      transpose
and a full record for the few that fit neither (matmul, where, max/min, concatenate).
Tangents carry k directions on a leading axis: shape (k,) + shape(ans).
"""
import functools
import math
import operator

import numpy as np

from .core import Primitive, bind, raw, shape_of, ndim_of, float_dtype, SCALAR_TYPES

ONE = "one"          # partial derivative identically +1 (add)
NEG_ONE = "neg_one"  # partial derivative identically -1 (sub)
ARG0 = "arg0"        # partial derivative = the first argument  (d(xy)/dy = x)
ARG1 = "arg1"        # partial derivative = the second argument (d(xy)/dx = y)


# ---------------------------------------------------------------- constructors ----

def elementwise(name, impl, *partials, scalar=None, builtin=True):
    """A broadcasting elementwise primitive from its partial derivatives.

    `scalar` computes the value for Python floats (e.g. math.sin) so scalar code never
    builds 0-d arrays. >>> sin_p = elementwise("sin", np.sin, lambda ans, x: cos(x),
    ...                                         scalar=math.sin)
    """
    prim = Primitive(name, impl, scalar_impl=scalar, builtin=builtin)
    if len(partials) == 1:
        (partial,) = partials
        prim.jvp = lambda ts, ans, x: ts[0] * partial(ans, x)
        prim.vjp = lambda g, wanted, ans, x: (g * partial(ans, x),)
    else:
        prim.jvp = _elementwise_jvp(partials)
        prim.vjp = _elementwise_vjp(partials)
    return prim


def _scaled(t, partial, ans, args):
    """t * partial(ans, *args), with the marker partials (+-1, an argument) inlined."""
    if partial is ONE:
        return t
    if partial is NEG_ONE:
        return neg(t)
    if partial is ARG0 or partial is ARG1:
        return t * args[partial is ARG1]
    return t * partial(ans, *args)


def _elementwise_jvp(partials):
    def jvp(tangents, ans, *args):
        nd = ndim_of(ans)
        out = None
        for t, partial, x in zip(tangents, partials, args):
            if t is None:
                continue
            if ndim_of(x) < nd:
                t = pad_tangent(t, nd)
            term = _scaled(t, partial, ans, args)
            if out is None:
                out, fresh = term, partial is not ONE  # a product is a new array ...
            elif fresh and type(out) is np.ndarray and type(term) is np.ndarray \
                    and out.shape == term.shape and out.dtype == term.dtype:
                out += term  # ... so it can take the sum in place: one array fewer
            else:
                out, fresh = out + term, True
        return broadcast_tangent(out, ans)
    return jvp


def _elementwise_vjp(partials):
    if len(partials) == 2:  # unrolled for the binary ops: the reverse sweep's hot path
        p0, p1 = partials

        def vjp2(g, wanted, ans, x, y):
            g0 = g1 = None
            if wanted[0] is not None:
                g0 = g if p0 is ONE else g * y if p0 is ARG1 else _scaled(g, p0, ans, (x, y))
                if getattr(g0, "shape", ()) != getattr(x, "shape", ()):
                    g0 = unbroadcast(g0, shape_of(x))
            if wanted[1] is not None:
                g1 = g if p1 is ONE else g * x if p1 is ARG0 else _scaled(g, p1, ans, (x, y))
                if getattr(g1, "shape", ()) != getattr(y, "shape", ()):
                    g1 = unbroadcast(g1, shape_of(y))
            return g0, g1
        return vjp2

    def vjp(g, wanted, ans, *args):
        return tuple(None if w is None else unbroadcast(_scaled(g, p, ans, args), shape_of(x))
                     for w, p, x in zip(wanted, partials, args))
    return vjp


def linear(name, impl, batched, transpose, builtin=True):
    """A primitive linear in its one array argument (params are keywords).

    batched(t, **params) applies impl to a tangent with a leading direction axis;
    transpose(g, x, **params) maps an output cotangent back to x's shape.
    """
    prim = Primitive(name, impl, builtin=builtin)
    prim.jvp = lambda ts, ans, x, **params: batched(ts[0], **params)
    prim.vjp = lambda g, wanted, ans, x, **params: (transpose(g, x, **params),)
    return prim


def pad_tangent(t, nd):
    """Insert singleton axes after the direction axis so t broadcasts to rank nd."""
    tshape = shape_of(t)
    return reshape(t, tshape[:1] + (1,) * (nd + 1 - len(tshape)) + tshape[1:])


def broadcast_tangent(t, ans):
    """Broadcast a tangent of shape (k, ...) to (k,) + shape(ans)."""
    want = shape_of(ans)
    tshape = shape_of(t)
    if t is None or tshape[1:] == want:
        return t
    return broadcast_to(pad_tangent(t, len(want)), tshape[:1] + want)


def unbroadcast(g, shape):
    """Sum g down to `shape`, undoing numpy broadcasting (the VJP of a broadcast)."""
    gshape = shape_of(g)
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1)
    if axes:
        g = sum(g, axes)
    return g if shape_of(g) == shape else reshape(g, shape)


def keepdims_shape(shape, axis):
    """`shape` with the reduced axes kept as 1s."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def batched_axis(axis, t):
    """A reduction's axes on a tangent with a leading direction axis."""
    if axis is None:
        return tuple(range(1, ndim_of(t)))
    return tuple(a + 1 for a in axis)


def _is_scalar(x):
    return type(x) in SCALAR_TYPES


# ---------------------------------------------------------------- impls ----

def _sigmoid_np(x):
    e = np.exp(-np.abs(x))  # stable for large |x|: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_math(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _relu_scalar(x):
    return x if (x > 0 or x != x) else 0.0


def _extremum_scalar(first_wins):
    # numpy's rule for floats, nan propagates: x wins if it is larger (smaller) or nan
    return lambda x, y: x if (first_wins(x, y) or x != x) else y


def _where_impl(c, x, y):
    if type(x) in SCALAR_TYPES and type(y) in SCALAR_TYPES and isinstance(c, (bool, np.bool_)):
        return x if c else y
    return np.where(c, x, y)


def _reduce_impl(ufunc):
    def impl(x, axis=None, keepdims=False):
        if type(x) in SCALAR_TYPES:
            return x
        return ufunc.reduce(x, axis=axis, keepdims=keepdims)  # np.sum etc. minus wrappers
    return impl


def _logsumexp_impl(x, axis=None, keepdims=False):
    if type(x) in SCALAR_TYPES:
        return x
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)  # all -inf (or inf) slices: avoid inf - inf
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    if keepdims:
        return out
    out = np.squeeze(out, axis=axis)
    return out[()] if out.ndim == 0 else out


# ---------------------------------------------------------------- partials ----
# Rules use adkit's ops (div, power, ...) rather than Python operators where a Python
# float could divide by zero, so scalar and array paths agree and rules nest.

def _sign(x):
    x = raw(x)
    if _is_scalar(x):
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0 * x)  # nan stays nan
    return np.sign(x)


def _step(x):
    x = raw(x)
    return float(x > 0) if _is_scalar(x) else (x > 0).astype(float_dtype(x))


def _tie_weight(x, y, first):
    """d max(x, y)/dx: 1 where x wins, 0 where it loses, 1/2 at ties (split evenly)."""
    x, y = raw(x), raw(y)
    win = (x > y) if first else (x < y)
    if _is_scalar(x) and _is_scalar(y):
        return 1.0 if win else (0.5 if x == y else 0.0)
    w = win.astype(float_dtype(x) if not _is_scalar(x) else float_dtype(y))
    tie = x == y
    return w + 0.5 * tie if tie.any() else w


def _reciprocal(y):
    # a nonzero Python float divides directly; anything else through div (1/0 -> inf)
    return 1.0 / y if type(y) is float and y != 0.0 else div(1.0, y)


def _pow_dx(ans, x, p):
    # x**0 is the constant 1: slope 0 even at x == 0, where p * x**(p-1) is 0 * inf
    pr = raw(p)
    if _is_scalar(pr):
        return 0.0 if pr == 0 else p * power(x, p - 1)
    return p * power(x, where(pr == 0, 1.0, p - 1))


def _pow_dp(ans, x, p):
    # d/dp x**p = x**p log x, taken as 0 at x == 0 (x**p is then 0 or 1)
    xr = raw(x)
    if _is_scalar(xr):
        return 0.0 if xr == 0 else ans * log(x)
    return ans * log(where(xr == 0, 1.0, x))


# ---------------------------------------------------------------- the table ----

add_p = elementwise("add", operator.add, ONE, ONE)
sub_p = elementwise("sub", operator.sub, ONE, NEG_ONE)
mul_p = elementwise("mul", operator.mul, ARG1, ARG0)  # d(xy)/dx = y, d(xy)/dy = x
div_p = elementwise("div", operator.truediv, lambda ans, x, y: _reciprocal(y),  # primitive:
                    lambda ans, x, y: neg(div(ans, y)),                      # -x/y**2 = -ans/y
                    scalar=operator.truediv)
pow_p = elementwise("pow", np.power, _pow_dx, _pow_dp, scalar=math.pow)
maximum_p = elementwise("maximum", np.maximum,  # ties split the slope evenly
                        lambda ans, x, y: _tie_weight(x, y, True),
                        lambda ans, x, y: _tie_weight(x, y, False),
                        scalar=_extremum_scalar(operator.ge))
minimum_p = elementwise("minimum", np.minimum,
                        lambda ans, x, y: _tie_weight(x, y, False),
                        lambda ans, x, y: _tie_weight(x, y, True),
                        scalar=_extremum_scalar(operator.le))

neg_p = linear("neg", operator.neg, lambda t: neg(t), lambda g, x: neg(g))

exp_p = elementwise("exp", np.exp, lambda ans, x: ans, scalar=math.exp)
log_p = elementwise("log", np.log, lambda ans, x: div(1.0, x), scalar=math.log)
log1p_p = elementwise("log1p", np.log1p, lambda ans, x: div(1.0, 1.0 + x), scalar=math.log1p)
expm1_p = elementwise("expm1", np.expm1, lambda ans, x: ans + 1.0, scalar=math.expm1)
sqrt_p = elementwise("sqrt", np.sqrt, lambda ans, x: div(0.5, ans), scalar=math.sqrt)
sin_p = elementwise("sin", np.sin, lambda ans, x: cos(x), scalar=math.sin)
cos_p = elementwise("cos", np.cos, lambda ans, x: neg(sin(x)), scalar=math.cos)
tan_p = elementwise("tan", np.tan, lambda ans, x: 1.0 + ans * ans, scalar=math.tan)
sinh_p = elementwise("sinh", np.sinh, lambda ans, x: cosh(x), scalar=math.sinh)
cosh_p = elementwise("cosh", np.cosh, lambda ans, x: sinh(x), scalar=math.cosh)
tanh_p = elementwise("tanh", np.tanh, lambda ans, x: 1.0 - ans * ans, scalar=math.tanh)
arcsin_p = elementwise("arcsin", np.arcsin, lambda ans, x: div(1.0, sqrt(1.0 - x * x)),
                       scalar=math.asin)
arccos_p = elementwise("arccos", np.arccos, lambda ans, x: neg(div(1.0, sqrt(1.0 - x * x))),
                       scalar=math.acos)
arctan_p = elementwise("arctan", np.arctan, lambda ans, x: div(1.0, 1.0 + x * x),
                       scalar=math.atan)
sigmoid_p = elementwise("sigmoid", _sigmoid_np, lambda ans, x: ans * (1.0 - ans),
                        scalar=_sigmoid_math)
abs_p = elementwise("abs", np.abs, lambda ans, x: _sign(x),  # slope 0 at x == 0 (numpy's sign)
                    scalar=abs)
relu_p = elementwise("relu", lambda x: np.maximum(x, 0), lambda ans, x: _step(x),  # 0 at 0
                     scalar=_relu_scalar)


def _where_jvp(tangents, ans, c, x, y):
    out = None
    for t, arg, keep in ((tangents[1], x, True), (tangents[2], y, False)):
        if t is None:
            continue
        t = pad_tangent(t, ndim_of(ans)) if ndim_of(arg) < ndim_of(ans) else t
        term = where(c, t, 0.0) if keep else where(c, 0.0, t)
        out = term if out is None else out + term
    return broadcast_tangent(out, ans)


where_p = Primitive("where", _where_impl, jvp=_where_jvp, vjp=lambda g, wanted, ans, c, x, y: (
    None,
    unbroadcast(where(c, g, 0.0), shape_of(x)) if wanted[1] is not None else None,
    unbroadcast(where(c, 0.0, g), shape_of(y)) if wanted[2] is not None else None))


def _sum_transpose(g, x, axis=None, keepdims=False):
    xshape = shape_of(x)
    gshape = shape_of(g)
    if gshape == xshape:
        return g
    if not keepdims and gshape != ():
        g = reshape(g, keepdims_shape(xshape, axis))
    return broadcast_to(g, xshape)


sum_p = linear("sum", _reduce_impl(np.add),
               lambda t, axis=None, keepdims=False: sum(t, batched_axis(axis, t), keepdims),
               _sum_transpose)


def _extreme_weights(ans, x, axis, keepdims):
    """Where x attains its max/min along axis, weights 1/count (ties share evenly)."""
    xr, ar = raw(x), raw(ans)
    if _is_scalar(xr):
        return 1.0
    if not keepdims:
        ar = np.reshape(ar, keepdims_shape(xr.shape, axis))
    mask = xr == ar
    w = mask / np.sum(mask, axis=axis, keepdims=True)
    return w.astype(xr.dtype, copy=False) if xr.dtype.kind == "f" else w


def _extreme(name, ufunc):
    def jvp(ts, ans, x, axis=None, keepdims=False):
        w = _extreme_weights(ans, x, axis, keepdims)
        return sum(ts[0] * w, batched_axis(axis, ts[0]), keepdims)

    def vjp(g, wanted, ans, x, axis=None, keepdims=False):
        w = _extreme_weights(ans, x, axis, keepdims)
        return (_sum_transpose(g, x, axis, keepdims) * w,)

    return Primitive(name, _reduce_impl(ufunc), jvp=jvp, vjp=vjp)


max_p = _extreme("max", np.maximum)
min_p = _extreme("min", np.minimum)


def _softmax_of(ans, x, axis, keepdims):
    """exp(x - logsumexp(x)): the slope of logsumexp, with ans kept broadcastable."""
    if not keepdims:
        ans = reshape(ans, keepdims_shape(shape_of(x), axis))
    return exp(x - ans)


logsumexp_p = Primitive(
    "logsumexp", _logsumexp_impl,
    jvp=lambda ts, ans, x, axis=None, keepdims=False: sum(
        ts[0] * _softmax_of(ans, x, axis, keepdims), batched_axis(axis, ts[0]), keepdims),
    vjp=lambda g, wanted, ans, x, axis=None, keepdims=False: (
        _sum_transpose(g, x, axis, keepdims) * _softmax_of(ans, x, axis, keepdims),))


# ------------------------------------------------------------ structural ops ----

def _lead(t):
    return shape_of(t)[:1]


reshape_p = linear("reshape", lambda x, shape: np.asarray(x).reshape(shape),
                   lambda t, shape: reshape(t, _lead(t) + shape),
                   lambda g, x, shape: reshape(g, shape_of(x)))
transpose_p = linear("transpose", lambda x, axes: np.asarray(x).transpose(axes),
                     lambda t, axes: transpose(t, (0,) + tuple(a + 1 for a in axes)),
                     lambda g, x, axes: transpose(g, tuple(np.argsort(axes))))
def _broadcast_to_impl(x, shape):
    if math.prod(shape) > 4096:
        return np.broadcast_to(x, shape)  # a view: no memory for big broadcasts
    out = np.empty(shape, dtype=float_dtype(x) if _is_scalar(x) else np.result_type(x))
    out[...] = x  # small ones: a copy is faster than numpy's broadcast_to machinery
    return out


broadcast_to_p = linear(
    "broadcast_to", _broadcast_to_impl,
    lambda t, shape: broadcast_to(pad_tangent(t, len(shape)), _lead(t) + shape),
    lambda g, x, shape: unbroadcast(g, shape_of(x)))


def _is_basic_index(idx):
    """Only ints, slices, None and ...: no element can be selected twice."""
    for i in idx:
        t = type(i)
        if t is int or t is slice or i is None or i is Ellipsis:
            continue
        if isinstance(i, np.integer):
            continue
        return False
    return True


def _expand_ellipsis(idx, nd):
    """Replace `...` by explicit slices so the index touches exactly the first nd axes."""
    if not any(i is Ellipsis for i in idx):
        return idx
    used = 0
    for i in idx:
        if isinstance(i, np.ndarray) and i.dtype == bool:
            used += i.ndim
        elif i is not None and i is not Ellipsis:
            used += 1
    pos = next(j for j, i in enumerate(idx) if i is Ellipsis)
    return idx[:pos] + (slice(None),) * (nd - used) + idx[pos + 1:]


def _last_to_first(x):
    n = ndim_of(x)
    return transpose(x, (n - 1,) + tuple(range(n - 1)))


def _first_to_last(x):
    n = ndim_of(x)
    return transpose(x, tuple(range(1, n)) + (0,))


def _batched_getitem(t, idx):
    # With the direction axis moved last and `...` spelled out, any index (basic or
    # advanced, adjacent or not) leaves that axis last in the result.
    full = _expand_ellipsis(idx, ndim_of(t) - 1)
    return _last_to_first(getitem(_first_to_last(t), full))


def _scatter_add_impl(g, idx, shape):
    out = np.zeros(shape, dtype=float_dtype(g))
    if _is_basic_index(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


def _batched_scatter_add(t, idx, shape):
    full = _expand_ellipsis(idx, len(shape))
    return _last_to_first(scatter_add(_first_to_last(t), full, shape + _lead(t)))


getitem_p = linear("getitem", lambda x, idx: x[idx], _batched_getitem,
                   lambda g, x, idx: scatter_add(g, idx, shape_of(x)))
scatter_add_p = linear("scatter_add", _scatter_add_impl, _batched_scatter_add,
                       lambda g, x, idx, shape: getitem(g, idx))


def _concatenate_jvp(tangents, ans, *xs, axis):
    k = next(shape_of(t)[0] for t in tangents if t is not None)
    ts = [np.zeros((k,) + shape_of(x), dtype=float_dtype(ans)) if t is None else t
          for t, x in zip(tangents, xs)]
    if axis is None:
        return concatenate([reshape(t, (k, -1)) for t in ts], 1)
    return concatenate(ts, axis + 1)


def _concatenate_vjp(g, wanted, ans, *xs, axis):
    out, start = [], 0
    for w, x in zip(wanted, xs):
        n = int(np.prod(shape_of(x))) if axis is None else shape_of(x)[axis]
        if w is not None:
            if axis is None:
                out.append(reshape(getitem(g, (slice(start, start + n),)), shape_of(x)))
            else:
                out.append(getitem(g, (slice(None),) * axis + (slice(start, start + n),)))
        else:
            out.append(None)
        start += n
    return tuple(out)


concatenate_p = Primitive("concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis),
                          jvp=_concatenate_jvp, vjp=_concatenate_vjp)


def _promoted(a, b):
    """matmul operands as >= 2-D (a 1-D a is a row, a 1-D b a column) and the
    shape of their product, so one rule covers every case."""
    a2 = reshape(a, (1,) + shape_of(a)) if ndim_of(a) == 1 else a
    b2 = reshape(b, shape_of(b) + (1,)) if ndim_of(b) == 1 else b
    sa, sb = shape_of(a2), shape_of(b2)
    out = np.broadcast_shapes(sa[:-2], sb[:-2]) + (sa[-2], sb[-1])
    return a2, b2, out


def _swap_last(x):
    n = ndim_of(x)
    return transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _outer(u, v):
    """u[:, None] * v[None, :] for vectors u, v."""
    return reshape(u, shape_of(u) + (1,)) * v


def _matmul_jvp(tangents, ans, a, b):
    ta, tb = tangents
    na, nb = ndim_of(a), ndim_of(b)
    if na > 2 or nb > 2:
        return _batched_matmul_jvp(ta, tb, ans, a, b)
    out = None if ta is None else matmul(ta, b)  # the direction axis rides as a batch axis
    if tb is not None:
        term = matmul(a, tb) if nb == 2 else matmul(tb, _swap_last(a) if na == 2 else a)
        out = term if out is None else out + term
    return out


def _matmul_vjp(g, wanted, ans, a, b):
    na, nb = ndim_of(a), ndim_of(b)
    if na > 2 or nb > 2:
        return _batched_matmul_vjp(g, wanted, a, b)
    ga = gb = None
    if wanted[0] is not None:  # d/da: g b^T, shaped as a
        ga = (g * b if na == 1 and nb == 1 else _outer(g, b) if nb == 1 else
              matmul(b, g) if na == 1 else matmul(g, _swap_last(b)))
    if wanted[1] is not None:  # d/db: a^T g, shaped as b
        gb = (g * a if na == 1 and nb == 1 else matmul(g, a) if nb == 1 else
              _outer(a, g) if na == 1 else matmul(_swap_last(a), g))
    return ga, gb


def _batched_matmul_jvp(ta, tb, ans, a, b):
    a2, b2, out2 = _promoted(a, b)
    k = _lead(ta if ta is not None else tb)
    out = None
    if ta is not None:
        out = matmul(pad_tangent(reshape(ta, k + shape_of(a2)), len(out2)), b2)
    if tb is not None:
        term = matmul(a2, pad_tangent(reshape(tb, k + shape_of(b2)), len(out2)))
        out = term if out is None else out + term
    return reshape(out, k + shape_of(ans))


def _batched_matmul_vjp(g, wanted, a, b):
    a2, b2, out2 = _promoted(a, b)
    g2 = reshape(g, out2)
    ga = gb = None
    if wanted[0] is not None:
        ga = reshape(unbroadcast(matmul(g2, _swap_last(b2)), shape_of(a2)), shape_of(a))
    if wanted[1] is not None:
        gb = reshape(unbroadcast(matmul(_swap_last(a2), g2), shape_of(b2)), shape_of(b))
    return ga, gb


matmul_p = Primitive("matmul", operator.matmul, jvp=_matmul_jvp, vjp=_matmul_vjp)


# ------------------------------------------------- functions over the primitives ----
# Positional, already-normalised parameters; adkit.numpy adds numpy's signatures.

def _function(prim, name, doc):
    """prim's function: bind with prim filled in. A functools.partial, not a def, so a
    call costs no extra Python frame (the frames are most of adkit's per-op cost)."""
    fn = functools.partial(bind, prim)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


add = _function(add_p, "add", "x + y, broadcasting.")
sub = _function(sub_p, "subtract", "x - y, broadcasting.")
mul = _function(mul_p, "multiply", "x * y, broadcasting.")
div = _function(div_p, "divide", "x / y, broadcasting (x / 0 gives inf, as numpy).")
power = _function(pow_p, "power", "x ** p; the slope of x ** 0 is 0, also at x = 0.")
neg = _function(neg_p, "negative", "-x.")
maximum = _function(maximum_p, "maximum", "Elementwise max; ties share the slope evenly.")
minimum = _function(minimum_p, "minimum", "Elementwise min; ties share the slope evenly.")
exp = _function(exp_p, "exp", "e ** x.")
log = _function(log_p, "log", "Natural logarithm.")
log1p = _function(log1p_p, "log1p", "log(1 + x), accurate for small x.")
expm1 = _function(expm1_p, "expm1", "exp(x) - 1, accurate for small x.")
sqrt = _function(sqrt_p, "sqrt", "Square root.")
sin = _function(sin_p, "sin", "Sine.")
cos = _function(cos_p, "cos", "Cosine.")
tan = _function(tan_p, "tan", "Tangent.")
sinh = _function(sinh_p, "sinh", "Hyperbolic sine.")
cosh = _function(cosh_p, "cosh", "Hyperbolic cosine.")
tanh = _function(tanh_p, "tanh", "Hyperbolic tangent.")
arcsin = _function(arcsin_p, "arcsin", "Inverse sine.")
arccos = _function(arccos_p, "arccos", "Inverse cosine.")
arctan = _function(arctan_p, "arctan", "Inverse tangent.")
sigmoid = _function(sigmoid_p, "sigmoid", "1 / (1 + exp(-x)), computed without overflow.")
absolute = _function(abs_p, "absolute", "|x|; slope 0 at x = 0 (numpy's sign).")
relu = _function(relu_p, "relu", "max(x, 0); slope 0 at x = 0.")


def where(c, x, y): return bind(where_p, c, x, y)
def sum(x, axis=None, keepdims=False): return bind(sum_p, x, axis=axis, keepdims=keepdims)
def amax(x, axis=None, keepdims=False): return bind(max_p, x, axis=axis, keepdims=keepdims)
def amin(x, axis=None, keepdims=False): return bind(min_p, x, axis=axis, keepdims=keepdims)
def logsumexp(x, axis=None, keepdims=False):
    return bind(logsumexp_p, x, axis=axis, keepdims=keepdims)
def reshape(x, shape):
    return x if shape_of(x) == shape else bind(reshape_p, x, shape=shape)


def transpose(x, axes):
    return x if axes == tuple(range(len(axes))) else bind(transpose_p, x, axes=axes)


def broadcast_to(x, shape):
    return x if shape_of(x) == shape else bind(broadcast_to_p, x, shape=shape)



def getitem(x, idx): return bind(getitem_p, x, idx=idx)
def scatter_add(g, idx, shape): return bind(scatter_add_p, g, idx=idx, shape=shape)
def concatenate(xs, axis): return bind(concatenate_p, *xs, axis=axis)
def matmul(a, b): return bind(matmul_p, a, b)
