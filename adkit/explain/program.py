"""The reverse engine's records, numbered as in Baydin et al. (2018): the program every
explanation reads.

A function's n inputs are the variables v_{1-n} .. v_0 and each record the engine made
is v_1, v_2, ... in the order it ran (its sequence number). Nothing is re-derived: each
`Var` keeps its engine record (`node`), so tables, pictures and frames read values,
parents and rules from the engine itself.

>>> prog = of(lambda x1, x2: x1 * x2 + anp.sin(x1), 2.0, 5.0)
>>> [f"{v.name} = {v.expr}" for v in prog.vars]
['v-1 = x1', 'v0 = x2', 'v1 = v-1 * v0', 'v2 = sin(v-1)', 'v3 = v1 + v2']
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..reverse import Node, Recording, record
from ..sweep import collect
from ..tape import Tape
from ..tensors import Tensor
from ..value import Value, op_symbol
from .fmt import num

INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}
MAX_VARS = 10_000  # beyond this a table or a picture explains nothing


@dataclass(eq=False)
class Var:
    """One variable v_i: an input, or the output of one engine record."""

    index: int                       # position in evaluation order, from 0
    name: str                        # "v-1", "v0", "v1", ...
    label: str                       # an input's argument name, a Value's label, or name
    node: Node                       # the engine's node: its record (or an input's leaf)
    args: tuple = ()                 # per argument of the record: a Var, or a constant
    users: list = field(default_factory=list)  # the Vars computed from this one

    @property
    def is_input(self) -> bool:
        return self.node._prim is None

    @property
    def op(self) -> str:
        """The primitive's name ("mul", "sin", ...), or "input"."""
        return "input" if self.is_input else self.node._prim.name

    @property
    def symbol(self) -> str:
        """The op as a picture shows it, micrograd's way ("+", "*", "**2", "sin")."""
        return op_symbol(self.node)

    @property
    def value(self) -> Any:
        return self.node._value

    @property
    def parents(self) -> list[Var]:
        return [a for a in self.args if isinstance(a, Var)]

    @property
    def expr(self) -> str:
        """The definition: "x1" for an input, "v-1 * v0", "sin(v0)", "sum(v1; axis=0)"."""
        if self.is_input:
            return self.label
        names = [a.name if isinstance(a, Var) else num(a) for a in self.args]
        params = self.node._params
        if self.op in INFIX and len(names) == 2 and not params:
            return f"{names[0]} {INFIX[self.op]} {names[1]}"
        if self.op == "neg":
            return f"-{names[0]}"
        shown = {k: v for k, v in (params or {}).items() if v is not None and v is not False}
        extra = "; " + ", ".join(f"{k}={v}" for k, v in shown.items()) if shown else ""
        return f"{self.op}({', '.join(names)}{extra})"


class Program:
    """The variables of one recorded computation, in evaluation order, and its output."""

    def __init__(self, vars: list[Var], output: Var, title: str = "") -> None:
        self.vars = vars
        self.output = output
        self.title = title

    @property
    def inputs(self) -> list[Var]:
        return [v for v in self.vars if v.is_input]

    @property
    def records(self) -> list[Var]:
        return [v for v in self.vars if not v.is_input]

    def newest_first(self) -> list[Node]:
        """The records as the sweep walks them (a reverse topological order)."""
        return [v.node for v in reversed(self.records)]

    @property
    def y(self) -> str:
        """The output's name in formulas: its label if it has one, else "y"."""
        return self.output.label if self.output.label != self.output.name else "y"

    def at(self) -> str:
        """Where it was evaluated: "x1 = 2, x2 = 5"."""
        return ", ".join(f"{v.label} = {num(v.value)}" for v in self.inputs)


def _number(leaves: list[Node], records: list[Node], labels: list[str]) -> list[Var]:
    n = len(leaves)
    if n + len(records) > MAX_VARS:
        raise ValueError(f"explain: {n + len(records)} variables are too many to explain "
                         f"(the limit is {MAX_VARS}); explain a smaller example")
    out, by_node = [], {}
    for i, node in enumerate(leaves + records):
        name = f"v{i + 1 - n}"
        label = labels[i] if i < len(labels) and labels[i] else name
        var = Var(i, name, label, node)
        if node._prim is not None:
            var.args = tuple(by_node[p] if p is not None else v
                             for p, v in zip(node._parents, node._vals))
            for p in var.parents:
                if var not in p.users:
                    p.users.append(var)
        by_node[node] = var
        out.append(var)
    return out


def _arg_names(f: Callable, nargs: int) -> list[str]:
    names = getattr(f, "names", None)  # an adkit.explain.expression
    if names is None:
        try:
            params = list(inspect.signature(f).parameters.values())
        except (TypeError, ValueError):
            params = []
        names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                      p.POSITIONAL_OR_KEYWORD)]
    names = list(names)[:nargs]
    return names if len(names) == nargs else [f"x{i + 1}" for i in range(nargs)]


def from_recording(rec: Recording, labels: list[str] | None = None,
                   title: str = "") -> Program:
    """A Program from adkit.reverse.record(f, *args); f must return one value."""
    if len(rec.outputs) != 1:
        raise ValueError(f"explain: f returned {len(rec.outputs)} values; explain a "
                         "function that returns one value (a scalar or an array)")
    out = rec.outputs[0]
    if not isinstance(out, Node) or not (out._prim is not None or out in rec.inputs):
        raise ValueError("explain: f's output does not depend on its inputs, so there is "
                         "nothing to differentiate")
    labels = labels or [f"x{i + 1}" for i in range(len(rec.inputs))]
    vars = _number(list(rec.inputs), list(rec.records), labels)
    return Program(vars, next(v for v in vars if v.node is out), title)


def from_function(f: Callable, *args: Any) -> Program:
    """Run f once on the reverse engine (adkit.reverse.record) and number its records."""
    rec = record(f, *args)
    labels = _arg_names(f, len(rec.inputs)) if len(rec.inputs) == len(args) else None
    name = getattr(f, "__name__", "f")
    return from_recording(rec, labels, "f" if name == "<lambda>" else name)


def from_output(out: Node) -> Program:
    """The records that made a Value or a Tensor, with its leaves as the inputs."""
    try:
        records = collect([out])[::-1]
    except RuntimeError as e:
        raise RuntimeError("explain: this graph was freed by backward(); call "
                           "backward(retain_graph=True), or explain before backward()") from e
    leaves, seen = [], set()
    for node in records:
        for p in node._parents:
            if p is not None and p._prim is None and p not in seen:
                seen.add(p)
                leaves.append(p)
    if out._prim is None:
        leaves = [out]
    labels = [getattr(n, "label", "") for n in leaves + records]
    vars = _number(leaves, records, labels)
    label = getattr(out, "label", "")
    return Program(vars, vars[-1], f"the graph of {label}" if label else type(out).__name__)


def of(obj: Any, *args: Any) -> Program:
    """The Program of a Value or Tensor (its graph), a Recording, or a function and its
    arguments (recorded here).

    >>> x = adkit.Tensor(2.0, requires_grad=True)
    >>> [v.name for v in of(x * x + 1.0).vars]
    ['v0', 'v1', 'v2']
    """
    if isinstance(obj, Program):
        return obj
    if isinstance(obj, (Value, Tensor)):
        if args:
            raise TypeError("explain: arguments are only for a function, not a "
                            f"{type(obj).__name__}")
        if isinstance(obj, Tensor) and not obj.requires_grad:
            raise ValueError("explain: this Tensor has no graph (requires_grad is False)")
        return from_output(obj)
    if isinstance(obj, Recording):
        return from_recording(obj)
    if isinstance(obj, Tape):
        raise TypeError("explain: an adkit.record(...) Tape keeps its ops but not their "
                        "values; pass the function and its arguments (graph(f, *args)) or "
                        "adkit.reverse.record(f, *args)")
    if callable(obj):
        return from_function(obj, *args)
    raise TypeError(f"explain: expected a function and its arguments, a Value, a Tensor "
                    f"or an adkit.reverse.record(...), got a {type(obj).__name__}")
