"""Formulas typed by a user, as differentiable functions: parsed with `ast` against a
whitelist and never evaluated by Python. The tree is walked and adkit's own functions
are called on it (no eval, no exec).

Allowed: numbers, variable names, + - * / ** and unary minus, and calls of adkit.numpy
functions by name (sin(x), log(x), ...). Anything else is refused with one line naming
the column. Operations run depth by depth (every op whose inputs are ready, left to
right), which is how Baydin et al. number their traces: in log(x1) + x1*x2 - sin(x2),
sin(x2) is v3 and the sum v4.

>>> f = expression("log(x1) + x1*x2 - sin(x2)")
>>> f.names, round(f(2.0, 5.0), 3)
(['x1', 'x2'], 11.652)
>>> expression("x.real")
Traceback (most recent call last):
...
adkit.explain.expr.ExpressionError: column 1: attribute access (.real) is not allowed
"""
from __future__ import annotations

import ast
import math
from typing import Any

from .. import numpy as anp

MAX_LENGTH = 500      # characters
MAX_NODES = 200       # syntax-tree nodes
MAX_EXPONENT = 100    # |p| for a constant exponent: 9**9**9**9 is refused before any work

BINARY = {ast.Add: anp.add, ast.Sub: anp.subtract, ast.Mult: anp.multiply,
          ast.Div: anp.divide, ast.Pow: anp.power}
CONSTANTS = {"pi": math.pi, "e": math.e}
_NOT_FUNCTIONS = {"supported", "normalize_axis"}
FUNCTIONS = {name: getattr(anp, name) for name in anp.__all__
             if callable(getattr(anp, name)) and not isinstance(getattr(anp, name), type)
             and name not in _NOT_FUNCTIONS and not name.isupper()}

REFUSED = {  # node type -> what the message calls it
    ast.Attribute: "attribute access", ast.Subscript: "indexing ([...])",
    ast.Lambda: "lambda", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.Starred: "*arguments", ast.NamedExpr: "assignment (:=)", ast.JoinedStr: "an f-string",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "a slice",
}


class ExpressionError(ValueError):
    """A formula that is refused, with the column (from 1) where the problem starts."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(f"column {column}: {message}" if column else message)


def _col(node: ast.AST) -> int:
    return getattr(node, "col_offset", 0) + 1


def _refuse(node: ast.AST) -> ExpressionError:
    if isinstance(node, ast.Attribute):
        what = f"attribute access (.{node.attr})"
    else:
        what = REFUSED.get(type(node), type(node).__name__)
    return ExpressionError(f"{what} is not allowed", _col(node))


def _check(node: ast.AST) -> None:
    """Refuse any node outside the whitelist (the parent is checked before its children)."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY:
            op = type(node.op).__name__
            raise ExpressionError(f"the operator {op} is not allowed (use + - * / **)",
                                  _col(node))
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise ExpressionError("only unary minus and plus are allowed", _col(node))
    elif isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ExpressionError(f"{type(node.value).__name__} constants are not allowed; "
                                  "only numbers", _col(node))
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise ExpressionError(f"the name {node.id!r} is not allowed", _col(node))
    elif isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only calls of adkit.numpy functions by name are allowed, "
                                  "such as sin(x)", _col(node))
        if node.keywords:
            raise ExpressionError("keyword arguments are not allowed", _col(node.keywords[0]))
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name!r}; functions are adkit.numpy's, "
                                  "such as sin, cos, exp, log, sqrt, tanh", _col(node))
    elif not isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
        raise _refuse(node)


def _parse(text: str) -> ast.Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit "
                              f"is {MAX_LENGTH}")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        column = e.offset if e.offset and e.lineno == 1 else min(len(text), MAX_LENGTH)
        raise ExpressionError(f"syntax error: {e.msg}", column) from None
    except ValueError:  # a null byte
        raise ExpressionError("a null byte is not allowed", text.index("\0") + 1) from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"the expression has {len(nodes)} syntax nodes; the limit is "
                              f"{MAX_NODES}")
    for node in nodes:  # breadth first: outer problems are reported first
        _check(node)
    return tree


def _postorder(tree: ast.Expression) -> list[ast.AST]:
    """The value nodes, each after its operands (no recursion)."""
    out, stack = [], [(tree.body, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            out.append(node)
            continue
        stack.append((node, True))
        for child in reversed(_operands(node)):
            stack.append((child, False))
    return out


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


class Expression:
    """A parsed formula: call it with its variables' values, in the order of `names`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.__name__ = text
        tree = _parse(text)
        self._order = _postorder(tree)
        self.names = list(dict.fromkeys(
            n.id for n in self._order if isinstance(n, ast.Name) and n.id not in CONSTANTS))
        for node in self._order:
            if isinstance(node, ast.Name) and node.id in FUNCTIONS and node.id in self.names:
                raise ExpressionError(f"{node.id!r} is a function: call it, e.g. "
                                      f"{node.id}(x)", _col(node))
        self._check_exponents()
        depth = {}
        for node in self._order:  # ops run depth by depth, as the paper's traces number them
            depth[node] = 1 + max((depth[c] for c in _operands(node)), default=-1)
        self._schedule = sorted(self._order, key=lambda n: depth[n])

    def _check_exponents(self) -> None:
        """Refuse a constant exponent over MAX_EXPONENT (innermost first, so nothing big
        is ever computed)."""
        known = {}  # constant subexpressions' values
        for node in self._order:
            parts = _operands(node)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) \
                    and node.right in known and not abs(known[node.right]) <= MAX_EXPONENT:
                raise ExpressionError(f"the exponent {known[node.right]:g} is too large (the "
                                      f"limit is {MAX_EXPONENT})", _col(node.right))
            if isinstance(node, ast.Constant):
                known[node] = _number(node)
            elif isinstance(node, ast.Name) and node.id in CONSTANTS:
                known[node] = CONSTANTS[node.id]
            elif parts and all(p in known for p in parts):
                known[node] = self._apply(node, [known[p] for p in parts])

    def _apply(self, node: ast.AST, args: list[Any]) -> Any:
        if isinstance(node, ast.BinOp):
            return BINARY[type(node.op)](*args)
        if isinstance(node, ast.UnaryOp):
            return anp.negative(args[0]) if isinstance(node.op, ast.USub) else args[0]
        name = node.func.id
        try:
            return FUNCTIONS[name](*args)
        except (TypeError, ValueError) as e:
            raise ExpressionError(f"{name}(...): {e}", _col(node)) from None

    def __call__(self, *values: Any) -> Any:
        if len(values) != len(self.names):
            raise TypeError(f"{self.text!r} takes {len(self.names)} values "
                            f"({', '.join(self.names)}), got {len(values)}")
        env = dict(zip(self.names, values))
        out = {}
        for node in self._schedule:
            if isinstance(node, ast.Constant):
                out[node] = _number(node)
            elif isinstance(node, ast.Name):
                out[node] = env[node.id] if node.id in env else CONSTANTS[node.id]
            else:
                out[node] = self._apply(node, [out[c] for c in _operands(node)])
        return out[self._order[-1]]

    def __repr__(self) -> str:
        return f"expression({self.text!r})"


def _number(node: ast.Constant) -> float:
    try:
        return float(node.value)
    except OverflowError:
        raise ExpressionError("the number is too large", _col(node)) from None


def expression(text: str) -> Expression:
    """A formula as a function of its variables (in order of first appearance).

    >>> adkit.explain.trace(expression("x * sin(x)"), 1.0).rows[-1]["adjoint"]
    1.0
    """
    return Expression(text)


def parse_at(items: list[str], names: list[str]) -> list[float]:
    """Values for `names` from "name=value" items (a value "1,2,3" is an array).

    >>> parse_at(["x2=5", "x1=2"], ["x1", "x2"])
    [2.0, 5.0]
    """
    import numpy as np
    given = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ExpressionError(f"--at {item!r}: write name=value, e.g. x1=2")
        try:
            parts = [float(t) for t in text.split(",")]
        except ValueError:
            raise ExpressionError(f"--at {name}: {text!r} is not a number") from None
        given[name] = parts[0] if len(parts) == 1 and "," not in text else np.array(parts)
    unknown = [n for n in given if n not in names]
    if unknown:
        raise ExpressionError(f"--at {unknown[0]}: {unknown[0]!r} does not appear in the "
                              f"expression (its variables: {', '.join(names) or 'none'})")
    missing = [n for n in names if n not in given]
    if missing:
        raise ExpressionError(f"no value for {missing[0]}: add {missing[0]}=... to --at")
    return [given[n] for n in names]

