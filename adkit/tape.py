"""Replayable tapes (ADOL-C / CppAD style): record f once, then sweep it forward or
backward at new inputs with no Python tracing of f.

A Tape is the flat operation sequence of one run of f: each op's primitive, where its
arguments come from (an input, an earlier op, or a constant), and its parameters. A
replay walks that list calling each primitive's value function, and its JVP or VJP
rule: the same rules as every other transform, so counting, check_grads and nesting
(adkit.grad of a tape-backed function) keep working.

Python control flow that depended on traced values (`if x > 0`, `max` of scalars, a
mask from a comparison, argmax, sign...) is recorded as a guard: a replay where a guard
comes out differently raises BranchChanged ("record again"), or records again with
retape=True. The inputs' types, shapes and dtypes are guarded likewise.

>>> tape = adkit.record(lambda x: anp.sum(anp.sin(x) * x), np.zeros(3))
>>> len(tape), round(tape(np.ones(3)), 4)
(3, 2.5244)
>>> tape.grad(np.zeros(3))
array([0., 0., 0.])
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import core, counting
from . import tree as _tree
from .boundary import (
    check_argnums,
    check_direction,
    finish_gradient,
    float_dtype,
    normalize_argnums,
    owned,
    prepare_input,
    to_output,
    zeros_tangent,
)
from .core import Box, bind, evaluate, missing_rule, new_level, raw, shape_of
from .forward import check_chunk
from .program import Program, Stale, compile_sweep, is_pure, rule_jvp, rule_vjp
from .recording import BranchChanged, Guard, Op, TapeTrace, make_op, meta_of, same, short, symbol_of
from .reverse import make_input

__all__ = ["BranchChanged", "Tape", "record"]


def record(f: Callable, *args: Any, argnums: int | tuple[int, ...] = 0, retape: bool = False,
           **kwargs: Any) -> Tape:
    """Run f once at args and keep its operation sequence as a replayable Tape.

    Every argument is an input of the tape (replays take new values for all of them);
    `argnums` picks the ones differentiated, as in adkit.grad.

    >>> tape = adkit.record(lambda x, y: x * y + anp.sin(x), 2.0, 3.0, argnums=(0, 1))
    >>> tape(1.0, 1.0), tape.grad(0.0, 5.0)
    (1.8414709848078965, (6.0, 0.0))
    """
    return Tape(f, args, kwargs, argnums, retape)


class Tape:
    """One run of f, replayable at new inputs of the same types and shapes.

    tape(*args) evaluates; tape.grad(*args) makes one forward and one reverse sweep;
    tape.jvp(args, tangents) and tape.vjp(args, cotangent) push tangents or pull
    cotangents; tape.jacobian(*args, mode=) builds the Jacobian; len(tape) is the number
    of ops, tape.nbytes what a sweep keeps (every op's result).
    """

    def __init__(self, f: Callable, args: tuple, kwargs: dict | None = None,
                 argnums: int | tuple[int, ...] = 0, retape: bool = False) -> None:
        check_argnums(argnums)
        self.f, self.kwargs, self.retape = f, dict(kwargs or {}), retape
        self._keep_values = self._keep_meta = False
        self.argnums = normalize_argnums(argnums, len(args), "record")
        self._record(args)

    @classmethod
    def _blank(cls, f: Callable, argnums: tuple[int, ...]) -> Tape:
        """A tape to be recorded by _record, its flags set by the caller first."""
        tape = cls.__new__(cls)
        tape.f, tape.kwargs, tape.retape, tape.argnums = f, {}, False, argnums
        tape._keep_values = tape._keep_meta = False
        return tape

    # ------------------------------------------------------------------ recording ----
    def _record(self, args):
        leaves, self._in_spec = _tree.flatten(tuple(args))
        nums = (self.argnums,) if isinstance(self.argnums, int) else self.argnums
        wrt_tree = args[self.argnums] if isinstance(self.argnums, int) else \
            tuple(args[a] for a in nums)
        self._wrt_spec = _tree.flatten(wrt_tree)[1]
        self._build_wrt = _tree.builder(self._wrt_spec)
        self._tangent_spec = _tree.flatten(tuple(args[a] for a in nums))[1]
        sizes = [len(_tree.flatten(a)[0]) for a in args]
        starts = np.cumsum([0] + sizes)
        self._wrt = [i for a in nums for i in range(starts[a], starts[a + 1])]
        if any(isinstance(x, Box) for x in leaves):
            raise TypeError("record: the inputs are traced values; record a tape outside "
                            "transforms, then call it inside them (adkit.grad(tape)(x))")
        leaves = [prepare_input(x, "record") for x in leaves]
        self._signature = [_signature(x) for x in leaves]
        self._read = _tree.reader(self._in_spec)
        self._exact = [(type(x), x.shape, x.dtype) if type(x) is np.ndarray
                       else (type(x), None, None) for x in leaves]
        trace = TapeTrace(new_level())
        inputs = [make_input(x, trace) for x in leaves]
        counting.add_recording()
        core.watchers.append(trace)
        try:
            out = self.f(*_tree.unflatten(self._in_spec, inputs), **self.kwargs)
        finally:
            core.watchers.remove(trace)
            trace.done = True
        out_leaves, self._out_spec = _tree.flatten(out)
        self._compile(trace, inputs, out_leaves)

    def _compile(self, trace, inputs, out_leaves):
        slots = {id(x): i for i, x in enumerate(inputs)}
        env = [None] * len(inputs)

        def slot_of(v):
            node = trace._node_in(v) if isinstance(v, Box) else None
            if node is not None:
                return slots[id(node)]
            if isinstance(v, Box):
                raise TypeError("record: f uses a traced value of an enclosing transform; "
                                "record the tape outside it")
            env.append(v)
            return len(env) - 1

        code, guards = [], list(trace.guards)
        depends = {i: True for i in self._wrt}  # slots that depend on a differentiated input
        for position, rec in enumerate(trace.tape):
            while guards and guards[0][4] == position:
                code.append(self._guard(guards.pop(0), slot_of))
            args = tuple(slot_of(p if p is not None else v)
                         for p, v in zip(rec._parents, rec._vals))
            env.append(None)
            slots[id(rec)] = out = len(env) - 1
            # the markers are the slots: a rule may merge the shares of one slot used twice
            wanted = tuple(a if depends.get(a) and not rec._prim.nondiff else None
                           for a in args)
            if any(w is not None for w in wanted):
                depends[out] = True
            code.append(make_op(rec, args, out, wanted))
        code += [self._guard(g, slot_of) for g in guards]
        self._outputs = [slot_of(y) for y in out_leaves]
        self._n_inputs = len(inputs)
        self._env = env
        self._code = code
        self._nbytes = sum(_nbytes(r._value) for r in trace.tape)
        self._recorded = None
        self._out_like = [_like(raw(y)) for y in out_leaves]
        self._programs, self._calls, self._stale = {}, set(), 0
        if self._keep_meta:  # shapes and dtypes of the traced slots, for compiled programs
            self._meta = {slots[id(x)]: meta_of(x._value) for x in inputs}
            self._meta.update((slots[id(r)], meta_of(r._value)) for r in trace.tape)
        if self._keep_values:  # the recording's own values, for linearize
            self._recorded = list(env)
            self._recorded[:len(inputs)] = [x._value for x in inputs]
            for rec in trace.tape:
                self._recorded[slots[id(rec)]] = rec._value

    @staticmethod
    def _guard(entry, slot_of):
        fn, args, kwargs, out, position = entry
        return Guard(fn, tuple(slot_of(a) for a in args),
                     {k: slot_of(v) for k, v in kwargs.items()}, out, position)

    # ---------------------------------------------------------------- properties ----
    def __len__(self) -> int:
        """The number of recorded ops."""
        return sum(type(op) is Op for op in self._code)

    @property
    def nbytes(self) -> int:
        """Bytes of the op results a sweep keeps (what reverse mode stores)."""
        return self._nbytes

    def __repr__(self) -> str:
        guards = len(self._code) - len(self)
        return f"<Tape of {len(self)} ops, {guards} guards, {self.nbytes} bytes>"

    # ------------------------------------------------------------------- sweeps ----
    def _inputs(self, args, fn):
        leaves, spec = _tree.flatten(tuple(args))
        if spec != self._in_spec or len(leaves) != self._n_inputs:
            raise ValueError(f"tape.{fn}: the tape was recorded with arguments of another "
                             "structure; pass the same number and nesting of arguments")
        leaves = [x if isinstance(x, Box) else prepare_input(x, f"tape.{fn}") for x in leaves]
        for i, (x, want) in enumerate(zip(leaves, self._signature)):
            got = _signature(raw(x))
            if got != want:
                self._changed(args, f"input {i} is {_describe(got)}, recorded as "
                              f"{_describe(want)}")
        return leaves

    def _changed(self, args, what):
        if not self.retape:
            raise BranchChanged(f"the tape was recorded on another branch ({what}); "
                                "record again (or pass retape=True to record())")
        self._record(args)

    def _forward(self, args, fn):
        """env with every op's result at args; retapes or raises on a changed guard."""
        leaves = self._inputs(args, fn)
        env = self._env.copy()
        env[:self._n_inputs] = leaves
        boxed = any(isinstance(x, Box) for x in leaves)
        counted = bool(counting._active)
        for op in self._code:
            if type(op) is Guard:
                self._check(op, env, args)
            elif boxed:  # inside another transform: every op goes through its trace
                env[op.out] = bind(op.prim, *[env[i] for i in op.args], **op.params)
            elif counted:
                env[op.out] = evaluate(op.prim, [env[i] for i in op.args], op.params)
            else:  # the replay's hot path: one call per op
                a = op.args
                if len(a) == 2:
                    env[op.out] = op.value(env[a[0]], env[a[1]])
                elif len(a) == 1:
                    env[op.out] = op.value(env[a[0]])
                else:
                    env[op.out] = op.value(*[env[i] for i in a])
        return env

    def _check(self, guard, env, args):
        # through concrete: a recording of this replay (a compiled sweep) keeps the guard
        got = core.concrete(guard.fn, *[env[i] for i in guard.args],
                            **{k: env[i] for k, i in guard.kwargs.items()})
        if not same(got, guard.expected):
            code = self._code
            self._changed(args, f"op {guard.position}: {self._guard_text(guard)} was "
                          f"{short(guard.expected)}, now {short(got)}")
            if self._code is not code:
                raise _Retaped

    def _name(self, slot):
        """How a guard message names a value: x0, x1 for inputs, v3 for op 3's result,
        a constant by its value."""
        if slot < self._n_inputs:
            return f"x{slot}"
        ops = [op for op in self._code if type(op) is Op]
        for i, op in enumerate(ops):
            if op.out == slot:
                return f"v{i}"
        return short(self._env[slot])

    def _guard_text(self, guard):
        names = [self._name(i) for i in guard.args]
        symbol = symbol_of(guard.fn)
        if symbol and len(names) == 2:
            return f"{names[0]} {symbol} {names[1]}"
        return f"{getattr(guard.fn, '__name__', 'fn')}({', '.join(names)})"

    def _outputs_of(self, env):
        return [env[i] for i in self._outputs]

    def __call__(self, *args: Any) -> Any:
        """f(*args), replayed."""
        values = self._run(lambda: self._forward(args, "__call__"), 0)
        outs = self._outputs_of(values)
        taken = {id(x) for x in _tree.flatten(tuple(args))[0]}
        return _tree.unflatten(self._out_spec, [owned(to_output(v, v), taken | {id(v)})
                                                for v in outs])

    def _run(self, sweep, directions):
        counting.add_forward_pass(directions)
        while True:
            try:
                return sweep()
            except _Retaped:
                continue

    def vjp(self, args: tuple | list, cotangent: Any) -> tuple[Any, Any]:
        """(f(*args), the cotangents of args for `cotangent` on f's output): one forward
        and one reverse sweep."""
        args = tuple(args)
        ct_leaves, ct_spec = _tree.flatten(cotangent)
        if ct_spec != self._out_spec:
            raise ValueError("tape.vjp: the cotangent must have the same structure as f's "
                             "output")
        leaves = self._exact_leaves(args)
        result = None
        if leaves is not None:  # the recorded outputs' shapes hold: check against them
            cts = self._cotangents(ct_leaves, self._out_like)
            key = ("vjp", *map(_signature, cts))
            result = self._compiled(key, leaves, cts)
        m = len(self._outputs)
        if result is not None:
            outs, grads = result[:m], result[m:]
        else:
            env = self._run(lambda: self._forward(args, "vjp"), 0)
            outs = self._outputs_of(env)
            cts = self._cotangents(ct_leaves, [raw(y) for y in outs])
            adj = self._reverse(env, self._seeds(cts))
            leaves = env[:self._n_inputs]
            grads = [adj[i] for i in self._wrt]
            self._compile_later("vjp", leaves, cts, ("vjp", *map(_signature, cts)))
        taken = {id(x) for x in _tree.flatten(args)[0]} | {id(c) for c in ct_leaves}
        grads = [finish_gradient(g, leaves[i], taken) for g, i in zip(grads, self._wrt)]
        value = _tree.unflatten(self._out_spec, [owned(to_output(v, v), taken) for v in outs])
        return value, _tree.unflatten(self._wrt_spec, grads)

    def _seeds(self, cts):
        """{output slot: cotangent}, summed where f returns one value twice."""
        seeds = {}
        for slot, c in zip(self._outputs, cts):
            seeds[slot] = c if slot not in seeds else seeds[slot] + c
        return seeds

    @staticmethod
    def _cotangents(ct_leaves, outs):
        return [check_direction(c, y, "tape.vjp", "cotangent", i, "an output")
                for i, (c, y) in enumerate(zip(ct_leaves, outs))]

    def grad(self, *args: Any) -> Any:
        """The gradient of a scalar f at args with respect to the recorded argnums (a
        tuple for a tuple of argnums, as adkit.grad): one forward and one reverse sweep."""
        if self._out_spec is not _tree.LEAF:
            raise TypeError("tape.grad: f must return a scalar; use tape.vjp or "
                            "tape.jacobian for other outputs")
        leaves = self._exact_leaves(args)
        grads = self._compiled("grad", leaves) if leaves is not None else None
        if grads is not None:
            taken = set(map(id, leaves))
            return self._build_wrt([finish_gradient(g, leaves[i], taken)
                                    for g, i in zip(grads, self._wrt)])
        env = self._run(lambda: self._forward(args, "grad"), 0)
        adj = self._reverse(env, {self._outputs[0]: self._seed(env)})
        leaves = env[:self._n_inputs]
        grads = [adj[i] for i in self._wrt]
        self._compile_later("grad", leaves)
        taken = {id(x) for x in _tree.flatten(tuple(args))[0]}
        return _tree.unflatten(self._wrt_spec, [finish_gradient(g, leaves[i], taken)
                                                for g, i in zip(grads, self._wrt)])

    def _exact_leaves(self, args):
        """args' leaves if they have the recorded structure, types, shapes and dtypes
        exactly (what a compiled program needs), else None (the checks then run)."""
        leaves = self._read(args)
        if leaves is None:
            return None
        for x, (kind, shape, dtype) in zip(leaves, self._exact):
            if type(x) is not kind or (shape is not None and (
                    x.shape != shape or x.dtype is not dtype)):
                return None
        return leaves

    def _seed(self, env):
        """The cotangent 1 of a scalar output (an error for any other)."""
        (y,) = self._outputs_of(env)
        if shape_of(y) != ():
            raise TypeError(f"tape.grad: f must return a scalar (got shape {shape_of(y)}); "
                            "use tape.vjp or tape.jacobian")
        dtype = float_dtype(y)
        return 1.0 if dtype == np.float64 else np.ones((), dtype)

    # ---------------------------------------------------------- compiled sweeps ----
    def program(self, kind: str = "grad") -> Program | None:
        """The compiled sweep of `kind` ("grad", "vjp" or "jvp"; the latest one), made
        at its second call, or None: its `source`, and len() for the ops it runs.

        >>> tape = adkit.record(lambda x: anp.sum(x * x), np.ones(2))
        >>> tape.program() is None, tape.grad(np.ones(2)), tape.grad(np.ones(2))
        (True, array([2., 2.]), array([2., 2.]))
        >>> print(tape.program().source)
        def run(v0, ):
            v6 = f0(v0, v5)
            return [v6]
        """
        found = [p for key, p in self._programs.items()
                 if key == kind or (type(key) is tuple and key[0] == kind)]
        return found[-1] if found else None

    def _compiled(self, key, leaves, extra=()):
        """The outputs of the compiled sweep `key` at leaves, or None where there is no
        program (yet): inside other transforms, while counting, or after a guard
        changed (the rules then sweep and raise or record again)."""
        program = self._programs.get(key)
        if program is None or counting._active:  # (leaves from _exact_leaves: no boxes)
            return None
        try:
            return program.run([*leaves, *extra])
        except Stale:
            del self._programs[key]
            self._stale += 1
            return None

    def _compile_later(self, kind, leaves, extra=(), key=None):
        """Compile the `kind` sweep at leaves (where the rules just swept) when it runs
        a second time: a tape used once is never compiled."""
        key = key or kind
        if key in self._programs or counting._active or self._stale > 3 or \
                any(isinstance(x, Box) for x in (*leaves, *extra)):
            return
        if key not in self._calls:
            self._calls.add(key)
            return
        self._programs[key] = compile_sweep(self, kind, leaves, extra)

    def _reverse(self, env, seeds, compiling=False):
        """One reverse sweep over the recorded ops from {slot: cotangent} seeds
        (compiling: on traced values, for a program; see adkit.program)."""
        counting.add_reverse_pass()
        counted = counting.counted if counting._active else None
        adj = [None] * len(env)
        for slot, g in seeds.items():
            adj[slot] = g
        for op in reversed(self._code):
            if type(op) is Guard:
                continue
            g = adj[op.out]
            if g is None:
                continue
            if op.vjp is None:
                if op.prim.nondiff:
                    continue
                raise missing_rule(op.prim, "vjp")
            vjp = op.vjp
            if counted:
                vjp = counted("vjp", op.prim.name, vjp)
            a = op.args
            if compiling and not is_pure(op.prim, [env[i] for i in a]):
                gs = rule_vjp(op, g, env)
            elif len(a) == 2:
                gs = vjp(g, op.wanted, env[op.out], env[a[0]], env[a[1]])
            else:
                gs = vjp(g, op.wanted, env[op.out], *[env[i] for i in a])
            for i, w, gi in zip(op.args, op.wanted, gs):
                if w is not None and gi is not None:
                    q = adj[i]
                    adj[i] = gi if q is None else q + gi
        return adj

    def jvp(self, args: tuple | list, tangents: tuple | list) -> tuple[Any, Any]:
        """(f(*args), J @ tangents) in one forward sweep, tangents one per recorded
        argnum (a tuple, as adkit.jvp). Each is shaped like its argument (one direction)
        or has a leading axis of k directions (all k in one sweep, as jacfwd's chunks)."""
        args = tuple(args)
        exact = self._exact_leaves(args)
        leaves = exact if exact is not None else self._inputs(args, "jvp")
        xs = [leaves[i] for i in self._wrt]
        t_leaves, t_spec = _tree.flatten(tuple(tangents))
        if t_spec != self._tangent_spec:
            raise ValueError("tape.jvp: give one tangent per differentiated argument, with "
                             "its structure: tape.jvp(args, (v,))")
        ks = {shape_of(t)[0] for t, x in zip(t_leaves, xs)
              if shape_of(t) != shape_of(x) and len(shape_of(t)) == len(shape_of(x)) + 1}
        batched = bool(ks)
        k = ks.pop() if batched else 1
        ts = {}
        for n, (i, t, x) in enumerate(zip(self._wrt, t_leaves, xs)):
            want = (k,) + shape_of(x) if batched else shape_of(x)
            t = check_direction(t, x, "tape.jvp", "tangent", n, shape=want)
            ts[i] = t if batched else np.reshape(t, (1,) + want)
        extra = [ts[i] for i in self._wrt]
        key = ("jvp", *map(_signature, extra))
        result = self._compiled(key, exact, extra) if exact is not None else None
        m = len(self._outputs)
        if result is not None:
            outs, tans = result[:m], result[m:]
        else:
            env, tan = self._run(lambda: self._push(args, ts), k)
            outs = self._outputs_of(env)
            tans = [tan[slot] for slot in self._outputs]
            self._compile_later("jvp", env[:self._n_inputs], extra, key)
        taken = {id(x) for x in _tree.flatten(args)[0]} | {id(t) for t in t_leaves}
        touts = []
        for t, y in zip(tans, outs):
            if t is None:
                t = zeros_tangent(y, k)
            touts.append(owned(t if batched else to_output(t[0], y), taken))
        value = _tree.unflatten(self._out_spec, [owned(to_output(v, v), taken) for v in outs])
        return value, _tree.unflatten(self._out_spec, touts)

    def _push(self, args, ts):
        env = self._forward(args, "jvp")
        return env, self._tangents(env, ts)

    def _tangents(self, env, ts, compiling=False):
        """The tangent of every slot, from tangents ts ({input slot: t}) at values env
        (compiling: on traced values, for a program; see adkit.program)."""
        counted = counting.counted if counting._active else None
        tan = [None] * len(env)
        for i, t in ts.items():
            tan[i] = t
        for op in self._code:
            if type(op) is Guard:
                continue
            t_in = [tan[i] for i in op.args]
            if all(t is None for t in t_in) or op.prim.nondiff:
                continue
            if op.prim.jvp is None:
                raise missing_rule(op.prim, "jvp")
            jvp = op.prim.jvp
            if counted:
                jvp = counted("jvp", op.prim.name, jvp)
            args = [env[i] for i in op.args]
            if compiling and not is_pure(op.prim, args):
                tan[op.out] = rule_jvp(op, t_in, env[op.out], args)
            else:
                tan[op.out] = jvp(t_in, env[op.out], *args, **op.params)
        return tan

    def jacobian(self, *args: Any, mode: str = "auto", chunk: int | None = None) -> Any:
        """The Jacobian of f at args (shape out.shape + in.shape; one argument and one
        output): forward mode pushes ceil(n / chunk) sweeps of basis directions, reverse
        mode makes one forward sweep and m reverse sweeps; "auto" picks the fewer passes.
        """
        if len(self._wrt) != 1 or self._out_spec is not _tree.LEAF:
            raise TypeError("tape.jacobian: one differentiated array argument and one array "
                            "output; use tape.jvp / tape.vjp for trees")
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"tape.jacobian: mode={mode!r}; choose auto, forward or reverse")
        x = self._inputs(args, "jacobian")[self._wrt[0]]
        n = int(np.prod(shape_of(x)))
        env = None
        if mode == "auto":
            env = self._run(lambda: self._forward(args, "jacobian"), 0)
            m = int(np.prod(shape_of(self._outputs_of(env)[0])))
            mode = "forward" if n <= m else "reverse"
        if mode == "forward":
            return self._jacobian_forward(args, x, n, check_chunk(chunk, n, "tape.jacobian"))
        env = env or self._run(lambda: self._forward(args, "jacobian"), 0)
        (y,) = self._outputs_of(env)
        rows = []
        for e in range(int(np.prod(shape_of(y)))):
            seed = np.zeros(int(np.prod(shape_of(y))), dtype=float_dtype(y))
            seed[e] = 1.0
            adj = self._reverse(env, {self._outputs[0]: seed.reshape(shape_of(y))})
            g = adj[self._wrt[0]]
            rows.append(np.zeros(shape_of(x), float_dtype(x)) if g is None else np.asarray(g))
        jac = np.stack(rows).reshape(shape_of(y) + shape_of(x)) if rows else \
            np.zeros(shape_of(y) + shape_of(x), float_dtype(x))
        return to_output(jac, y if shape_of(x) == () else x)

    def _jacobian_forward(self, args, x, n, k):
        cols = []
        for start in range(0, max(n, 1), k):
            stop = min(n, start + k)
            seeds = np.zeros((stop - start, n), dtype=float_dtype(x))
            seeds[np.arange(stop - start), np.arange(start, stop)] = 1.0
            _, t = self.jvp(args, (seeds.reshape((stop - start,) + shape_of(x)),))
            cols.append(np.asarray(t).reshape(stop - start, -1))
        jac = np.concatenate(cols, 0)  # (n, m): rows are input directions
        out_shape = np.shape(t)[1:]
        jac = jac.reshape(shape_of(x) + out_shape)
        nx = len(shape_of(x))
        jac = np.transpose(jac, tuple(range(nx, jac.ndim)) + tuple(range(nx))).copy()
        return to_output(jac, x if shape_of(x) == () else jac)


def _like(y):
    """A stand-in with y's shape and dtype (what a cotangent of y is checked against)."""
    return y if type(y) is float else np.zeros(shape_of(y), dtype=np.result_type(y))


class _Retaped(Exception):
    """A guard changed and the tape was recorded again: start the sweep over."""


def _signature(x):
    t = type(x)
    if t is float:
        return (float, (), None)
    if t is np.ndarray:
        return (t, x.shape, x.dtype.str)
    return (t, shape_of(x), np.result_type(x).str)


def _describe(sig):
    kind, shape, dtype = sig
    if kind is float:
        return "a Python float"
    if kind is np.ndarray:
        return f"{np.dtype(dtype)} array of shape {shape}"
    return f"a {np.dtype(dtype)} scalar ({kind.__module__}.{kind.__name__})"


def _nbytes(v):
    return v.nbytes if isinstance(v, np.ndarray) else 8
