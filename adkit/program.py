"""Compiled sweeps: a tape's gradient (or its JVP) recorded once as a straight-line
program of primitive values, pruned to what its outputs read, then run with one call
per op.

Recording a tape's reverse sweep on traced values turns each VJP rule into the primitive
applications it makes (cos(x), g * that, ...): a replay then calls numpy directly, with
none of the rules' Python. On the way:

- what the outputs never read is dropped (a gradient does not need the loss itself);
- constants are folded while recording (the seed 1 and its broadcast);
- a product with a constant that is one number broadcast becomes a product with that
  number, and with 1 it disappears (the `ones * g` of a sum's cotangent);
- the sum of a product of two float64 arrays is one dot product (`sum(x * x)`, and a
  JVP's `sum(2 * (t * x))`), with no product array made;
- a rule that reads values to decide (a mask, a tie, a zero test: `pure_rules` is not set
  on its primitive) is not expanded: the program calls the rule itself, on the replay's
  values, so nothing value-dependent is frozen.

A guard that comes out differently stops the program (Stale); the tape then sweeps by
its rules, which raise BranchChanged or record again, and compiles anew.

>>> tape = adkit.record(lambda x: anp.sum(x * x), np.ones(3))
>>> program = compile_sweep(tape, "grad", [np.ones(3)])
>>> len(program), program.run([np.array([1.0, 2.0, 3.0])])
(1, [array([2., 4., 6.])])
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from .boundary import zeros_like_float, zeros_tangent
from .core import Box, Primitive, Value, bind, raw, shape_of
from .recording import Op, meta_of, same
from .tree import unflatten

__all__ = ["Program", "Stale", "compile_sweep", "is_pure", "rule_jvp", "rule_values", "rule_vjp"]

UNIFORM_FACTORS = ("mul",)  # primitives where a broadcast number may replace its array
FREE_BYTES = 1 << 16  # results at least this big are dropped after their last use
MAX_GENERATED = 20_000  # steps; longer programs run in the interpreter loop


class Stale(Exception):
    """A guard of a compiled program came out differently: sweep by the rules instead."""


def is_pure(prim: Primitive, args: Sequence[Value]) -> bool:
    """Whether prim's rules, applied to traced args, record every value they depend on
    (no mask or test taken from raw values): `prim.pure_rules` is True, or a predicate
    of which arguments are traced."""
    pure = prim.pure_rules
    if callable(pure):
        return pure(tuple(isinstance(a, Box) for a in args))
    return bool(pure)


def rule_values(rule: Callable, name: str, structure: Sequence[bool],
                *args: Value) -> list[Value | None]:
    """Apply a rule that reads values (not expanded into a program) as one op per
    result: rule(*raw args)[i] for each i where structure[i]."""
    outs = []
    for i, present in enumerate(structure):
        if not present:
            outs.append(None)
            continue
        part = Primitive(f"{name}[{i}]", functools.partial(_rule_part, rule, i),
                         builtin=False, register=False)
        outs.append(bind(part, *args))
    return outs


def rule_vjp(op, g: Value, env: list) -> list[Value | None]:
    """op's VJP rule (one that reads values) as ops of a program: one per cotangent."""
    ans, args = env[op.out], [env[i] for i in op.args]
    probe = op.vjp(raw(g), op.wanted, raw(ans), *[raw(a) for a in args])
    return rule_values(lambda *v: op.vjp(v[0], op.wanted, *v[1:]), op.prim.name + " vjp",
                       [p is not None for p in probe], g, ans, *args)


def rule_jvp(op, t_in: list, ans: Value, args: list) -> Value:
    """op's JVP rule (one that reads values) as one op of a program."""
    present = [t is not None for t in t_in]

    def call(*v):
        it = iter(v)
        ts = [next(it) if p else None for p in present]
        rest = list(it)
        return (op.prim.jvp(ts, rest[0], *rest[1:], **op.params),)

    return rule_values(call, op.prim.name + " jvp", [True],
                       *[t for t in t_in if t is not None], ans, *args)[0]


def _rule_part(rule, i, *args):
    return rule(*args)[i]


class Program:
    """The ops of a recorded sweep that its outputs need, as (fn, out, args) steps.

    run(leaves) gives the outputs' values at new inputs (same types and shapes as the
    recording), or raises Stale when a recorded guard comes out differently.
    """

    def __init__(self, tape) -> None:
        env, outputs = list(tape._env), list(tape._outputs)
        code = _factor_uniform(tape._code, env, tape._meta, outputs)
        code = _needed(code, outputs)
        code = _sums_of_products(code, env, tape._meta, outputs)
        code = _in_place(code, outputs, tape._meta)
        self._n_inputs = tape._n_inputs
        self._env = env
        self._outputs = outputs
        made = {op.out for op in code if type(op) is Op}
        # outputs the program may hand out as they are: its own ops' results, once each
        self._made = [slot in made and slot not in outputs[:j] for j, slot in enumerate(outputs)]
        self._steps = _steps(code, _last_uses(code, outputs, tape._meta))
        self._ops = sum(type(op) is Op for op in code)
        self.source, self._generated = (
            _generate(self._steps, env, self._n_inputs, made, outputs, self._made)
            if len(self._steps) <= MAX_GENERATED else (None, None))

    def __len__(self) -> int:
        """The number of ops a run makes."""
        return self._ops

    def run(self, leaves: Sequence[Value]) -> list[Value]:
        """The outputs at new inputs (raises Stale where a guard comes out differently)."""
        if self._generated is not None:
            return self._generated(*leaves)
        return self.interpret(leaves)

    def interpret(self, leaves: Sequence[Value]) -> list[Value]:
        """run, by a loop over the steps (what the generated function does, line by
        line; programs too long to generate run this way)."""
        env = self._env.copy()
        env[:self._n_inputs] = leaves
        for fn, out, i, j in self._steps:  # j: the second argument, or what the step is
            if j >= 0:
                env[out] = fn(env[i], env[j])
            elif j == UNARY:
                env[out] = fn(env[i])
            elif j == NARY:
                env[out] = fn(*[env[k] for k in i])
            elif j == GUARD:
                if not fn(*[env[k] for k in i]):
                    raise Stale
            else:  # FREE: big results read for the last time
                for k in i:
                    env[k] = None
        return [env[i] if made else _copy(env[i]) for i, made in zip(self._outputs, self._made)]


def _copy(v):
    return v.copy() if isinstance(v, np.ndarray) else v


def _check(guard):
    """The guard as a test of its argument values (positional, then keyword ones)."""
    fn, n, names, expected = guard.fn, len(guard.args), tuple(guard.kwargs), guard.expected
    return lambda *v: same(fn(*v[:n], **dict(zip(names, v[n:]))), expected)


UNARY, NARY, GUARD, FREE = -1, -2, -3, -4


def _steps(code, dead):
    """(fn, out, i, j) steps: j >= 0 for fn(env[i], env[j]), else the kind of step."""
    steps = []
    for op, gone in zip(code, dead):
        a = op.args
        if type(op) is not Op:
            steps.append((_check(op), -1, a + tuple(op.kwargs.values()), GUARD))
        elif len(a) == 2:
            steps.append((op.value, op.out, a[0], a[1]))
        elif len(a) == 1:
            steps.append((op.value, op.out, a[0], UNARY))
        else:
            steps.append((op.value, op.out, a, NARY))
        if gone:
            steps.append((None, -1, gone, FREE))
    return steps


def _generate(steps, env, n_inputs, made_slots, outputs, made):
    """(source, function): the steps as one straight-line Python function of the inputs,
    with no loop and no list of values (each result a local variable): a third of the
    interpreter's cost per op. The source is built from slot numbers alone (v12 = f3(v4,
    v7)); every callable and constant reaches it through its namespace, never as text,
    so nothing a user wrote is ever compiled."""
    namespace = {"Stale": Stale, "_copy": _copy}
    namespace.update((f"v{k}", v) for k, v in enumerate(env)  # constants: globals
                     if k >= n_inputs and k not in made_slots)
    lines = ["def run(" + "".join(f"v{k}, " for k in range(n_inputs)) + "):"]
    for s, (fn, out, i, j) in enumerate(steps):
        namespace[f"f{s}"] = fn
        args = (i, j) if j >= 0 else (i,) if j == UNARY else i
        call = f"f{s}(" + ", ".join(f"v{k}" for k in args) + ")"
        if j == GUARD:
            lines.append(f"    if not {call}: raise Stale")
        elif j == FREE:
            lines.append("    " + " = ".join(f"v{k}" for k in i) + " = None")
        else:
            lines.append(f"    v{out} = {call}")
    lines.append("    return [" + ", ".join(f"v{k}" if m else f"_copy(v{k})"
                                         for k, m in zip(outputs, made)) + "]")
    source = checked_source(lines)
    exec(compile(source, "<adkit program>", "exec"), namespace)  # noqa: S102 (see above)
    return source, namespace["run"]


# The only lines a generated program may hold: names are v<slot> and f<step>, nothing else.
SOURCE_LINE = re.compile(r"def run\((v\d+, )*\):|    v\d+ = f\d+\((v\d+(, v\d+)*)?\)|"
                         r"    if not f\d+\((v\d+(, v\d+)*)?\): raise Stale|"
                         r"    (v\d+ = )+None|    return \[((_copy\()?v\d+\)?(, )?)*\]")


def checked_source(lines: Sequence[str]) -> str:
    """lines joined, once each is checked against SOURCE_LINE: what reaches compile() is
    slot numbers and fixed words, never a name or a value from outside.

    >>> checked_source(["def run(v0, ):", "    v1 = f0(v0)", "    return [v1]"]).splitlines()
    ['def run(v0, ):', '    v1 = f0(v0)', '    return [v1]']
    >>> checked_source(["    v1 = __import__('os')"])
    Traceback (most recent call last):
    ...
    RuntimeError: internal error: a generated program line is not of its grammar: ...
    """
    for line in lines:
        if not SOURCE_LINE.fullmatch(line):
            raise RuntimeError(f"internal error: a generated program line is not of its "
                               f"grammar: {line!r}")
    return "\n".join(lines)


def _last_uses(code, outputs, meta):
    """Per step, the big op results it reads for the last time (outputs excepted)."""
    big = {op.out for op in code if type(op) is Op and op.out in meta
           and math.prod(meta[op.out][0]) * meta[op.out][1].itemsize >= FREE_BYTES}
    seen = set(outputs)
    dead = []
    for op in reversed(code):
        reads = _reads(op)
        gone = tuple(i for i in dict.fromkeys(reads) if i in big and i not in seen)
        seen.update(reads)
        dead.append(gone)
    dead.reverse()
    return dead


# Primitives whose value is this ufunc (so, on big arrays, it may write into a buffer).
UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
          "neg": np.negative, "exp": np.exp, "log": np.log, "log1p": np.log1p,
          "expm1": np.expm1, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
          "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "abs": np.absolute,
          "maximum": np.maximum, "minimum": np.minimum}
IN_PLACE_SIZE = 1 << 13  # elements: smaller arrays are cheaper to allocate than to plan


def _in_place(code, outputs, meta):
    """Reuse dying buffers (the memory plan of a replay): a ufunc op on big arrays writes
    into an argument read for the last time, when that argument is a fresh array of this
    program (not an input, a constant, a view or an output) of the result's shape and
    dtype; a scatter_add that is added to such a buffer adds into it instead of into new
    zeros. A replay then allocates a few arrays, not one per op."""
    uses = _use_counts(code)
    scatters = {op.out: op for op in code if type(op) is Op and op.prim.name == "scatter_add"}
    fresh = set()  # slots holding a buffer of this program's own
    kept, dropped = [], set()
    for op in code:
        if type(op) is not Op:
            kept.append(op)
            continue
        big = op.out in meta and math.prod(meta[op.out][0]) >= IN_PLACE_SIZE and \
            meta[op.out][1].kind == "f"
        reusable = [j for j, a in enumerate(op.args) if a in fresh and uses[a] == 1
                    and a not in outputs and meta.get(a) == meta.get(op.out)]
        if big and op.prim.name == "add" and len(op.args) == 2 and reusable:
            j = reusable[0]
            s = op.args[1 - j]
            scatter = scatters.get(s)
            if scatter is not None and uses[s] == 1 and s not in outputs:
                # a + scatter_add(g, idx): add g into a at idx (no zeros, no sum)
                dropped.add(s)
                op = op._replace(args=(op.args[j], scatter.args[0]),
                                 value=functools.partial(_add_at, idx=scatter.params["idx"]))
                fresh.add(op.out)
                kept.append(op)
                continue
        if big and op.prim.name in UFUNCS and reusable:
            op = op._replace(value=_into(UFUNCS[op.prim.name], reusable[0]))
        if big and (op.prim.name in UFUNCS or op.prim.name in ("scatter_add", "matmul")):
            fresh.add(op.out)
        kept.append(op)
    return [op for op in kept if type(op) is not Op or op.out not in dropped]


def _reads(op):
    return op.args if type(op) is Op else (*op.args, *op.kwargs.values())


def _use_counts(code):
    """How many times each slot is read by the ops and guards of code."""
    return Counter(a for op in code for a in _reads(op))


def _into(ufunc, j):
    """ufunc writing its result into its argument j (a buffer read for the last time)."""
    if j == 0:
        return lambda *args: ufunc(*args, out=args[0])
    return lambda *args: ufunc(*args, out=args[j])


def _add_at(a, g, idx):
    """a += scatter_add(g, idx, a.shape), into a."""
    from .ops.shape import _is_basic_index
    if _is_basic_index(idx):
        a[idx] += g
    else:
        np.add.at(a, idx, g)
    return a


def _needed(code, outputs):
    """code without the ops whose results no output and no guard reads."""
    live = set(outputs)
    kept = []
    for op in reversed(code):
        if type(op) is Op and op.out not in live:
            continue
        live.update(_reads(op))
        kept.append(op)
    kept.reverse()
    return kept


def _uniform(v):
    """The one number a constant array holds everywhere (a broadcast number), or None."""
    if type(v) is np.ndarray and v.size and v.dtype.kind == "f":
        first = v.flat[0]
        if not any(v.strides) or bool(np.all(v == first)):
            return float(first) if v.dtype == np.float64 else v.dtype.type(first)
    return None


def _factor_uniform(code, env, meta, outputs):
    """Replace a broadcast number by the number in products (same result: the other
    factor already has the result's shape and dtype); drop products with 1."""
    renamed = {}
    out_code = []
    for op in code:
        if renamed:
            op = op._replace(args=tuple(renamed.get(a, a) for a in op.args))
            if type(op) is not Op:
                op = op._replace(kwargs={k: renamed.get(v, v) for k, v in op.kwargs.items()})
        if type(op) is Op and op.prim.name in UNIFORM_FACTORS and len(op.args) == 2:
            for j in (0, 1):
                c, other = op.args[j], op.args[1 - j]
                number = _uniform(env[c]) if c not in meta else None
                if number is None or other not in meta or meta[other] != meta[op.out]:
                    continue
                if number == 1:
                    renamed[op.out] = other
                    op = None
                else:
                    env.append(number)
                    args = list(op.args)
                    args[j] = len(env) - 1
                    fn = op.prim.impl
                    op = op._replace(args=tuple(args), value=fn)
                break
            if op is None:
                continue
        out_code.append(op)
    outputs[:] = [renamed.get(s, s) for s in outputs]
    return out_code


def _sums_of_products(code, env, meta, outputs):
    """sum(a * b) (or sum(a * b * c), c a number) over every axis of two float64 arrays of
    one shape, or over all but the leading axis of a (k, ...) batch of tangents times an
    array: one dot product, scaled by c (a mean's divided by its count too). The product
    read only by the sum is not made. (Rounding differs from numpy's pairwise sum by what
    a dot product's order gives.)"""
    uses = _use_counts(code)
    made = {op.out: op for op in code if type(op) is Op}

    def single_product(slot):  # the mul op only this sum reads, or None
        op = made.get(slot)
        if op is None or op.prim.name != "mul" or uses[slot] != 1 or slot in outputs:
            return None
        return op

    fused, dropped = {}, set()
    for op in code:
        if type(op) is not Op or op.prim.name not in ("sum", "mean") or \
                op.params.get("keepdims"):
            continue
        product = single_product(op.args[0])
        scale, inner = 1.0, product
        if product is not None:
            number = [env[a] for a in product.args if a not in meta]
            if len(number) == 1 and type(number[0]) is float:
                inner = single_product(next(a for a in product.args if a in meta))
                scale = number[0]
        if inner is None:
            continue
        (sa, da), (sb, db) = (meta[a] if a in meta else meta_of(env[a]) for a in inner.args)
        if da != np.float64 or db != np.float64 or not sa or not sb:
            continue
        axis, args = op.params.get("axis"), inner.args
        if len(sb) == len(sa) + 1:  # the batch second: t * x written as x * t
            (sa, sb), args = (sb, sa), args[::-1]
        if sa == sb and axis is None:
            dot = _dot_all
        elif len(sa) == len(sb) + 1 and sa[1:] == sb and axis == tuple(range(1, len(sa))):
            dot = _dot_batch
        else:
            continue
        count = math.prod(sb) if op.prim.name == "mean" else 1
        dot = functools.partial(dot, scale=scale, count=count)
        fused[op.out] = op._replace(args=args, value=dot, prim=SUM_OF_PRODUCTS)
        dropped.update(p.out for p in (product, inner))
    if not fused:
        return code
    return [fused.get(op.out, op) if type(op) is Op else op for op in code
            if type(op) is not Op or op.out not in dropped]


def _dot_all(a, b, scale, count=1):
    d = np.dot(a.ravel(), b.ravel())
    if scale != 1.0:
        d = d * scale
    return d if count == 1 else d / float(count)  # a mean's: the sum over its count


def _dot_batch(a, b, scale, count=1):
    d = np.dot(a.reshape(a.shape[0], b.size), b.ravel())  # (no -1: k may be 0)
    if scale != 1.0:
        np.multiply(d, scale, out=d)
    return d if count == 1 else np.divide(d, float(count), out=d)


SUM_OF_PRODUCTS = Primitive("sum_of_products", _dot_all, builtin=False, register=False)


def _sweep(tape, kind: str, n: int) -> Callable:
    """The sweep a program records: (*leaves, *extra) -> outputs, by tape's rules."""
    def forward(xs):
        return tape._forward(unflatten(tape._in_spec, list(xs[:n])), kind)

    def grad(*xs):
        env = forward(xs)
        adj = tape._reverse(env, {tape._outputs[0]: tape._seed(env)}, compiling=True)
        return [_or_zeros(adj[i], env[i]) for i in tape._wrt]

    def vjp(*xs):
        env = forward(xs)
        adj = tape._reverse(env, tape._seeds(xs[n:]), compiling=True)
        return tape._outputs_of(env) + [_or_zeros(adj[i], env[i]) for i in tape._wrt]

    def jvp(*xs):
        env = forward(xs)
        tan = tape._tangents(env, dict(zip(tape._wrt, xs[n:])), compiling=True)
        k = shape_of(xs[n])[0]
        return tape._outputs_of(env) + [tan[s] if tan[s] is not None else
                                        zeros_tangent(env[s], k) for s in tape._outputs]

    return {"grad": grad, "vjp": vjp, "jvp": jvp}[kind]


def _or_zeros(g, x):
    return g if g is not None else zeros_like_float(x)


def compile_sweep(tape, kind: str, leaves: Sequence[Value], extra: Sequence[Value] = ()) -> Program:
    """Record tape's `kind` sweep ("grad", "vjp" or "jvp"; see Tape._sweep) at leaves
    (with `extra`: the cotangents or tangents) and keep what its outputs need."""
    sweep = _sweep(tape, kind, len(leaves))
    recording = type(tape)._blank(sweep, tuple(range(len(leaves) + len(extra))))
    recording._keep_meta = True
    recording._record((*leaves, *extra))
    return Program(recording)
