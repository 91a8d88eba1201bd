"""Reverse mode: record once, sweep backwards as often as needed.

Each primitive applied to a tracked Tensor makes a new Tensor that is also its tape
record: the primitive, its arguments' values (the residuals), the tracked parents and a
sequence number. Sequence numbers follow execution order, so sorting the reachable
records newest-first is a topological order: the sweep walks them with no recursion
(a 10**6-op chain works), keeps adjoints in a local dict, and records die with the
outputs that reach them.

The same Tensor is the tutorials' imperative API (PyTorch conventions): level 0 holds
the graphs users build with Tensor(..., requires_grad=True) and .backward().

>>> x = Tensor(2.0, requires_grad=True)
>>> y = x ** 3 + 2 * x + 1
>>> y.backward(); x.grad
Tensor(14.)
"""
import itertools
import operator
import sys
import threading

import numpy as np

from . import counting
from . import tree as _tree
from . import numpy as anp
from .box import ArrayBox
from .boundary import (inputs_of, outputs_of, to_output, zeros_like_float, float_dtype,
                       check_argnums, assemble_jacobian)
from .core import Box, FLOAT64, Trace, SCALAR_TYPES, bind, new_level, missing_rule, raw, shape_of

_sequence = itertools.count(1)
_counters = counting._active
_by_sequence = operator.attrgetter("_seq")


class _GradMode(threading.local):
    # Reverse traces below this level do not record. 0: everything records;
    # no_grad() raises it past every level open so far (Tensor graphs are level 0).
    threshold = 0


_mode = _GradMode()
_no_grad_blocks = 0  # no_grad blocks open in any thread: 0 skips the thread-local check


class ReverseTrace(Trace):
    """One level of reverse mode (a grad/vjp call): records ops on its Tensors.

    While f runs, `tape` lists the records in execution order; the transform takes the
    tape when f returns (so no trace <-> record cycle outlives the recording).
    """

    __slots__ = ("tape",)

    def __init__(self, level, tape=None):
        self.level = level
        self.done = False
        self.tape = tape

    def _unbox(self, a):
        if type(a) is Tensor and a._trace is self:
            return a._value, (a if a._rg else None)
        return a, None

    def process(self, prim, args, params):
        if len(args) == 2:  # the common arities, unrolled: this is the hot path
            a, b = args
            if type(a) is Tensor and a._trace is self:
                va, pa = a._value, (a if a._rg else None)
            else:
                va, pa = a, None
            if type(b) is Tensor and b._trace is self:
                vb, pb = b._value, (b if b._rg else None)
            else:
                vb, pb = b, None
            vals, parents = (va, vb), (pa, pb)
            live = pa is not None or pb is not None
            direct = not (isinstance(va, Box) or isinstance(vb, Box))
            scalar = type(va) in SCALAR_TYPES and type(vb) in SCALAR_TYPES
        elif len(args) == 1:
            a = args[0]  # the only argument is the box that brought prim here
            va = a._value
            vals, parents, live = (va,), (a if a._rg else None,), a._rg
            direct, scalar = not isinstance(va, Box), type(va) in SCALAR_TYPES
        else:
            pairs = [self._unbox(a) for a in args]
            vals = tuple(v for v, _ in pairs)
            parents = tuple(p for _, p in pairs)
            live = any(p is not None for p in parents)
            direct = scalar = False
        if direct and not _counters:
            # plain values: what bind would do, a Python call sooner. On any error bind
            # repeats the op, to give numpy's inf/nan for floats or a clear message.
            fn = prim.scalar_impl if scalar and prim.scalar_impl is not None else prim.impl
            try:
                ans = fn(*vals, **params)
            except (ArithmeticError, ValueError, TypeError, IndexError):
                ans = bind(prim, *vals, **params)
        else:
            ans = bind(prim, *vals, **params)
        if not live or (_no_grad_blocks and self.level < _mode.threshold):
            return self.constant(ans)
        if _counters:
            counting.tally("record", prim.name)
        node = Tensor.__new__(Tensor)  # the fields _plain sets, inlined: the hot path
        node._value = ans
        node._trace = self
        node._level = self.level
        node._rg = True
        node._prim = prim
        node._vals = vals
        node._parents = parents
        node._params = params or None
        node._seq = next(_sequence)
        node._grad = None
        if self.tape is not None:
            self.tape.append(node)
        return node

    def constant(self, ans):
        return ans


class AmbientTrace(ReverseTrace):
    """Level 0: the graphs of the Tensor API. Never closes; untracked results stay
    Tensors (with requires_grad False), as in PyTorch."""

    __slots__ = ()

    def constant(self, ans):
        return _plain(ans)


AMBIENT = AmbientTrace(0)


def _plain(value, trace=AMBIENT, requires_grad=False):
    t = Tensor.__new__(Tensor)
    t._value = value
    t._trace = trace
    t._level = trace.level
    t._rg = requires_grad
    t._prim = None
    t._vals = t._parents = t._params = t._grad = None
    t._seq = 0
    return t


# ----------------------------------------------------------------- the sweep ----

def _freed(node):
    return RuntimeError(
        f"Trying to backward through the graph a second time: the values saved by "
        f"{_grad_fn_name(node._prim)} were freed by the first backward(). Pass "
        "retain_graph=True to the first backward() to sweep the graph again, or "
        "rebuild the graph (recompute the output) before calling backward() again")


def toposort(roots):
    """The records reachable from `roots`, newest first (a reverse topological order)."""
    seen = set()
    nodes = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node._prim is None:
            continue
        parents = node._parents
        if parents is None:
            raise _freed(node)
        nodes.append(node)
        for p in parents:
            if p is not None and p not in seen:
                stack.append(p)
    nodes.sort(key=_by_sequence, reverse=True)
    return nodes


def sweep(nodes, seeds, boxed=False, free=False):
    """One reverse pass over `nodes` (newest first) from (output, cotangent) seeds.

    Records that the seeds do not reach have no adjoint and are skipped.
    Returns the adjoints left at the leaves. boxed=True runs the VJP rules on the
    Tensors themselves, so the sweep is recorded too (create_graph=True).
    """
    if _counters:
        counting.add_reverse_pass()
    adj = {}
    for node, g in seeds:
        q = adj.get(node)
        adj[node] = g if q is None else q + g
    pop, get = adj.pop, adj.get
    tally = counting.tally if _counters else None
    for node in nodes:
        g = pop(node, None)
        if g is None:
            continue
        parents = node._parents
        vjp = node._prim.vjp
        if parents is None or vjp is None:
            raise _freed(node) if parents is None else missing_rule(node._prim, "vjp")
        if tally:
            tally("vjp", node._prim.name)
        if node._grad is not None:  # retain_grad() was called on this non-leaf
            _accumulate(node, g)
        params = node._params
        if boxed:
            args = tuple(v if p is None else p for p, v in zip(parents, node._vals))
            gs = vjp(g, parents, node, *args, **(params or {}))
        elif params is None:
            gs = vjp(g, parents, node._value, *node._vals)
        else:
            gs = vjp(g, parents, node._value, *node._vals, **params)
        for p, gp in zip(parents, gs):
            if p is not None:
                q = get(p)
                adj[p] = gp if q is None else q + gp
        if free:
            node._vals = node._parents = None
    return adj


_RETAIN = object()  # a non-leaf's _grad after retain_grad(), before any backward


def _accumulate(t, g):
    g = raw(g) if not isinstance(g, Tensor) else g
    if t._grad is None or t._grad is _RETAIN:
        t._grad = g if isinstance(g, Tensor) else _plain(g)
    elif isinstance(g, Tensor) or t._grad._rg:
        t._grad = t._grad + g
    else:
        t._grad = _plain(t._grad._value + g)


# ----------------------------------------------------------------- Tensor API ----

def _grad_fn_name(prim):
    return "".join(part.capitalize() for part in prim.name.split("_")) + "Backward0"


class GradFn:
    """The record behind a Tensor (PyTorch's grad_fn): y.grad_fn.name() -> 'MulBackward0'."""

    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    def name(self):
        return _grad_fn_name(self._node._prim)

    @property
    def next_functions(self):
        """The records (or AccumulateGrad for leaves) feeding this one."""
        out = []
        for p in self._node._parents or ():
            if p is None:
                out.append((None, 0))
            elif p._prim is None:
                out.append((AccumulateGrad(p), 0))
            else:
                out.append((GradFn(p), 0))
        return tuple(out)

    def __eq__(self, other):
        return type(other) is type(self) and other._node is self._node

    def __hash__(self):
        return id(self._node)

    def __repr__(self):
        return f"<{self.name()} object>"


class AccumulateGrad(GradFn):
    """A leaf's end of the graph: backward() adds into its .grad."""

    __slots__ = ()

    def name(self):
        return "AccumulateGrad"

    @property
    def variable(self):
        return self._node

    next_functions = ()


def _tensor_value(data, requires_grad):
    if isinstance(data, Tensor):
        data = data._value
    if type(data) is float:
        return data
    if isinstance(data, (bool, int, np.bool_)) or isinstance(data, (list, tuple)):
        data = np.asarray(data, dtype=np.float64)
        return float(data) if data.shape == () else data
    if isinstance(data, (np.ndarray, np.generic)):
        if requires_grad and data.dtype.kind != "f":
            raise TypeError(f"only floating-point Tensors can require gradients, got dtype "
                            f"{data.dtype}; pass float data, e.g. x.astype(float)")
        return data.copy() if isinstance(data, np.ndarray) else data
    if isinstance(data, Box):
        raise TypeError(f"Tensor(): cannot wrap a traced {type(data).__name__}")
    raise TypeError(f"Tensor(): cannot make a Tensor from a {type(data).__name__}")


class Tensor(ArrayBox):
    """A value that records the operations applied to it, for reverse mode.

    >>> a = Tensor([2.0, 3.0], requires_grad=True)
    >>> (a ** 2).sum().backward()
    >>> a.grad
    Tensor([4., 6.])
    """

    __slots__ = ("_rg", "_prim", "_vals", "_parents", "_params", "_seq", "_grad", "__weakref__")

    def __init__(self, data, requires_grad=False):
        self._value = _tensor_value(data, requires_grad)
        self._trace = AMBIENT
        self._level = 0
        self._rg = bool(requires_grad)
        self._prim = self._vals = self._parents = self._params = self._grad = None
        self._seq = 0

    # ---- what the tutorials use
    @property
    def data(self):
        """The raw value (a float or numpy array), outside the graph."""
        return self._value

    @data.setter
    def data(self, value):
        self._value = _tensor_value(value, False)

    @property
    def grad(self):
        """d(output)/d(self) accumulated by backward(): an untracked Tensor, or None."""
        return None if self._grad is _RETAIN else self._grad

    @grad.setter
    def grad(self, value):
        self._grad = None if value is None else (
            value if isinstance(value, Tensor) else Tensor(value))

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, flag=True):
        if self._prim is not None:
            raise RuntimeError("you can only change requires_grad of leaf Tensors; use "
                               "y.detach() to get an untracked copy of a computed one")
        if flag and float_dtype(self._value) != np.result_type(raw(self._value)):
            raise TypeError("only floating-point Tensors can require gradients")
        self._rg = bool(flag)
        return self

    @property
    def is_leaf(self):
        return self._prim is None

    @property
    def grad_fn(self):
        """The record that made this Tensor (None for leaves and untracked Tensors)."""
        return GradFn(self) if self._prim is not None else None

    def retain_grad(self):
        """Also keep .grad for this non-leaf Tensor on the next backward()."""
        if self._prim is not None and self._grad is None:
            self._grad = _RETAIN

    def detach(self):
        """The same value with no history: an untracked Tensor (a constant)."""
        if self._trace is AMBIENT:
            return _plain(self._value)
        return raw(self)

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into every leaf's .grad.

        A non-scalar output needs gradient= (the vector v of v^T J). The graph's saved
        values are freed afterwards unless retain_graph=True.
        """
        if self._trace is not AMBIENT:
            raise RuntimeError("backward() is for Tensors built with adkit.Tensor; inside "
                               "adkit.grad/vjp return the value and let the transform "
                               "differentiate it")
        if not self._rg:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "this Tensor was computed under no_grad() or only from Tensors with "
                "requires_grad=False, so there is no graph to differentiate")
        shape = shape_of(self._value)
        if gradient is None:
            if shape != ():
                raise RuntimeError(
                    f"backward() on a non-scalar output (shape {shape}) needs `gradient=`: "
                    f"the vector v of v^T J, e.g. y.backward(gradient=np.ones({shape})); "
                    "or reduce the output to a scalar first (y.sum().backward())")
            gradient = 1.0
        elif isinstance(gradient, Tensor):
            gradient = gradient if create_graph and gradient._rg else gradient._value
        if shape_of(gradient) != shape:
            raise ValueError(f"backward(): gradient has shape {shape_of(gradient)} but the "
                             f"output has shape {shape}; they must match")
        retain = create_graph if retain_graph is None else retain_graph
        if create_graph:
            adj = sweep(toposort([self]), [(self, gradient)], boxed=True, free=not retain)
        else:
            with no_grad():
                adj = sweep(toposort([self]), [(self, gradient)], free=not retain)
        for t, g in adj.items():
            if t._prim is None and t._rg:
                _accumulate(t, g)

    def zero_(self):
        """Set the value to zeros in place (as x.grad.zero_() between steps)."""
        if self._rg and _mode.threshold <= 0:
            raise RuntimeError("zero_() on a Tensor that requires grad: do it under "
                               "adkit.no_grad(), or zero its .grad instead")
        self._value = zeros_like_float(self._value) if shape_of(self._value) == () \
            else np.zeros_like(self._value)
        return self

    # ---- leaving the graph
    def _concrete(self, what):
        if self._trace is not AMBIENT:
            raise TypeError(f"{what} of a traced Tensor inside a transform would drop its "
                            "derivative; use adkit.numpy functions on it instead")
        return self._value

    def item(self):
        v = self._concrete("item()")
        if np.size(v) != 1:
            raise ValueError(f"item(): a Tensor with {np.size(v)} elements cannot be "
                             "converted to a Python scalar")
        return float(v) if np.result_type(v).kind == "f" else np.asarray(v).item()

    def numpy(self):
        return np.asarray(self._concrete("numpy()"))

    def tolist(self):
        return np.asarray(self._concrete("tolist()")).tolist()

    def __float__(self):
        return float(self._concrete("float()"))

    def __int__(self):
        return int(self._concrete("int()"))

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._concrete("numpy.asarray()"), dtype=dtype)

    # ---- in-place updates (parameter steps under no_grad)
    def _inplace(self, fn, other):
        tracked = self._rg or (isinstance(other, Tensor) and other._rg)
        if self._trace is not AMBIENT or (tracked and _mode.threshold <= 0):
            if self._prim is None and self._rg and self._trace is AMBIENT:
                raise RuntimeError(
                    "a leaf Tensor that requires grad is being used in an in-place "
                    "operation; update parameters under `with adkit.no_grad():`")
            return fn(self, other)
        with no_grad():
            self._value = fn(self, other)._value
        return self

    def __iadd__(self, other): return self._inplace(operator.add, other)
    def __isub__(self, other): return self._inplace(operator.sub, other)
    def __imul__(self, other): return self._inplace(operator.mul, other)
    def __itruediv__(self, other): return self._inplace(operator.truediv, other)

    def __repr__(self):
        v = self._value
        body = repr(v) if isinstance(v, Box) else np.array2string(
            np.asarray(v), separator=", ", prefix="Tensor(")
        extra = ""
        if self._trace is not AMBIENT:
            extra = f", level={self._level}"
        if self._prim is not None:
            extra += f", grad_fn=<{_grad_fn_name(self._prim)}>"
        elif self._rg:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"


class no_grad:
    """Stop recording: results computed inside are constants (requires_grad False).

    >>> with adkit.no_grad():
    ...     z = x * 2
    >>> z.requires_grad
    False

    Inside a function given to adkit.grad it stops that derivative too; a transform
    started inside the block records as usual (as torch.func does).
    """

    def __enter__(self):
        global _no_grad_blocks
        self._saved = _mode.threshold
        _mode.threshold = new_level()
        _no_grad_blocks += 1
        return self

    def __exit__(self, *exc):
        global _no_grad_blocks
        _mode.threshold = self._saved
        _no_grad_blocks -= 1
        return False

    def __call__(self, fn):
        def wrapped(*args, **kwargs):
            with no_grad():
                return fn(*args, **kwargs)
        wrapped.__name__ = getattr(fn, "__name__", "wrapped")
        wrapped.__doc__ = getattr(fn, "__doc__", None)
        return wrapped


class enable_grad(no_grad):
    """Record again inside a no_grad() block."""

    def __enter__(self):
        global _no_grad_blocks
        self._saved = _mode.threshold
        _mode.threshold = 0
        _no_grad_blocks += 1
        return self


def is_grad_enabled():
    """False inside no_grad() (Tensor operations are not recorded), else True."""
    return _mode.threshold <= 0


# ----------------------------------------------------------- functional API ----

def _record(f, args, kwargs, argnums, fn):
    """Run f once on a fresh reverse trace.

    Returns (inputs, in spec, out leaves, out spec, trace, tape newest-first).
    """
    leaves, in_spec, rebuild = inputs_of(args, argnums, fn)
    trace = ReverseTrace(new_level(), [])
    inputs = [_plain(x, trace, True) for x in leaves]
    if _counters:
        counting.add_recording()
    try:
        out = f(*rebuild(inputs), **kwargs)
    finally:
        trace.done = True
        tape, trace.tape = trace.tape, None
    tape.reverse()
    out_leaves, out_spec = outputs_of(out, fn)
    return inputs, in_spec, out_leaves, out_spec, trace, tape


class Recording:
    """What reverse mode stores for one run of f: its records in execution order.

    >>> rec = reverse.record(lambda x: anp.sum(anp.sin(x)), np.ones(3))
    >>> [r.grad_fn.name() for r in rec.records]
    ['SinBackward0', 'SumBackward0']
    """

    def __init__(self, inputs, outputs, records):
        self.inputs = inputs
        self.outputs = outputs
        self.records = records

    def __len__(self):
        return len(self.records)

    def nbytes(self):
        """Bytes held by the tape: the arrays it keeps alive (residuals and outputs,
        each counted once) and the records themselves."""
        seen = {id(x._value) for x in self.inputs}  # the inputs are the caller's, not the tape's
        arrays = overhead = 0
        for r in self.records:
            overhead += sys.getsizeof(r) + sys.getsizeof(r._vals) + sys.getsizeof(r._parents)
            for v in (r._value,) + tuple(r._vals):
                if id(v) not in seen:
                    seen.add(id(v))
                    arrays += v.nbytes if isinstance(v, np.ndarray) else sys.getsizeof(v)
        return {"records": len(self.records), "array_bytes": arrays,
                "overhead_bytes": overhead, "total_bytes": arrays + overhead}


def record(f, *args):
    """Run f once on reverse-mode inputs and keep the recording (for inspection)."""
    inputs, _, out_leaves, _, _, tape = _record(f, args, {}, tuple(range(len(args))), "record")
    return Recording(inputs, out_leaves, tape[::-1])


def _owned(y, trace):
    return type(y) is Tensor and y._trace is trace


def _value_of(y, trace):
    return y._value if _owned(y, trace) else y


def _finish(g, x):
    """An input's gradient: zeros if it got none; its dtype; a float for a float."""
    if type(g) is np.ndarray and type(x) is np.ndarray and g.dtype == x.dtype \
            and g.shape == x.shape:
        return g
    if g is None:
        return zeros_like_float(x)
    if not isinstance(g, Box):
        g = np.asarray(g)
        want = float_dtype(x)
        if g.dtype != want:
            g = g.astype(want)
        if g.shape != shape_of(x):  # a rule returned the wrong shape: never pass it on
            raise RuntimeError(f"internal error: gradient of shape {g.shape} for an input "
                               f"of shape {shape_of(x)}")
    return to_output(g, x)


def _cotangent(ct, y, fn):
    if isinstance(ct, Box):
        ct_shape = shape_of(ct)
    else:
        ct = np.asarray(ct, dtype=float_dtype(y))
        ct_shape = ct.shape
        if ct_shape == () and shape_of(y) == ():
            ct = float(ct) if ct.dtype == np.float64 else ct[()]
    if ct_shape != shape_of(y):
        raise ValueError(f"{fn}: a cotangent of shape {ct_shape} was given for an output of "
                         f"shape {shape_of(y)}; they must match")
    return ct


def vjp(f, *primals):
    """Reverse mode: record f once; the returned function sweeps back any cotangent.

    >>> y, f_vjp = adkit.vjp(np.sin, 0.0)
    >>> f_vjp(1.0)
    (1.0,)
    """
    argnums = tuple(range(len(primals)))
    inputs, in_spec, out_leaves, out_spec, trace, tape = _record(f, primals, {}, argnums,
                                                                 "vjp")
    values = [_value_of(y, trace) for y in out_leaves]

    def f_vjp(cotangent):
        ct_leaves, ct_spec = _tree.flatten(cotangent)
        if ct_spec != out_spec:
            raise ValueError("vjp: the cotangent must have the same structure as f's output")
        seeds = [(y, _cotangent(c, v, "vjp"))
                 for y, c, v in zip(out_leaves, ct_leaves, values) if _owned(y, trace)]
        adj = sweep(tape, seeds)
        return _tree.unflatten(in_spec, [_finish(adj.get(x), x._value) for x in inputs])

    return _tree.unflatten(out_spec, [to_output(v, v) for v in values]), f_vjp


def _scalar_output(out_leaves, out_spec, trace, fn):
    if out_spec is not _tree.LEAF or shape_of(out_leaves[0]) != ():
        got = (f"a {out_spec[0].__name__}" if out_spec is not _tree.LEAF
               else f"shape {shape_of(out_leaves[0])}")
        raise TypeError(f"{fn}: f must return a scalar (got {got}); for vector outputs use "
                        "jacrev/jacfwd, or vjp with a cotangent")
    return out_leaves[0]


def value_and_grad(f, argnums=0):
    """(f(x), grad f(x)) from one recording and one reverse sweep.

    >>> adkit.value_and_grad(lambda x: x ** 2)(3.0)
    (9.0, 6.0)
    """
    check_argnums(argnums)

    def value_and_grad_fn(*args, **kwargs):
        inputs, in_spec, out_leaves, out_spec, trace, tape = _record(f, args, kwargs,
                                                                     argnums, "grad")
        y = _scalar_output(out_leaves, out_spec, trace, "grad")
        value = _value_of(y, trace)
        adj = {}
        if _owned(y, trace):
            seed = 1.0 if float_dtype(value) == FLOAT64 else np.ones((), float_dtype(value))
            adj = sweep(tape, [(y, seed)])
        grads = [_finish(adj.get(x), x._value) for x in inputs]
        return to_output(value, value), _tree.unflatten(in_spec, grads)

    return value_and_grad_fn


def grad(f, argnums=0):
    """Gradient of a scalar function by reverse mode: 1 recording + 1 sweep.

    >>> adkit.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
    (5.0, 2.0)
    """
    vg = value_and_grad(f, argnums)

    def grad_fn(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    return grad_fn


def _one_hot(shape, index, dtype):
    if shape == ():
        return 1.0 if dtype == np.float64 else np.ones((), dtype)[()]
    seed = np.zeros(int(np.prod(shape)), dtype=dtype)
    seed[index] = 1.0
    return seed.reshape(shape)


def _stack(rows):
    return anp.stack(rows) if any(isinstance(r, Box) for r in rows) else np.stack(rows)


def jacobian_reverse(f, args, kwargs, argnums):
    """(output tree, Jacobian tree) from 1 recording + m reverse sweeps."""
    inputs, in_spec, out_leaves, out_spec, trace, tape = _record(f, args, kwargs, argnums,
                                                                 "jacrev")
    values = [_value_of(y, trace) for y in out_leaves]
    rows = []  # rows[j][i]: list over output elements of d y_j[e] / d x_i
    for y, v in zip(out_leaves, values):
        per_input = [[] for _ in inputs]
        if _owned(y, trace):
            dtype = float_dtype(v)
            for e in range(int(np.prod(shape_of(v)))):
                adj = sweep(tape, [(y, _one_hot(shape_of(v), e, dtype))])
                for i, x in enumerate(inputs):
                    per_input[i].append(_finish(adj.get(x), x._value))
        rows.append(per_input)

    def block(j, i):
        oshape, ishape = shape_of(values[j]), shape_of(inputs[i]._value)
        if not rows[j][i]:
            return np.zeros(oshape + ishape, dtype=float_dtype(inputs[i]._value))
        return anp.reshape(_stack(rows[j][i]), oshape + ishape)

    jac = assemble_jacobian(out_spec, values, in_spec, [x._value for x in inputs], block)
    return _tree.unflatten(out_spec, [to_output(v, v) for v in values]), jac


def jacrev(f, argnums=0):
    """Jacobian by reverse mode: 1 recording + m sweeps (one per output element).

    Shape: out.shape + in.shape. >>> adkit.jacrev(lambda x: x[:2] * x[2])(np.ones(3))
    array([[1., 0., 1.],
           [0., 1., 1.]])
    """
    check_argnums(argnums)

    def jac_fn(*args, **kwargs):
        return jacobian_reverse(f, args, kwargs, argnums)[1]

    return jac_fn
