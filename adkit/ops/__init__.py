"""The primitive table: each op's value, JVP rule and VJP rule, written once, by family.

    rules.py        how rules are written: per-argument rules and the constructors
                    (elementwise, linear), broadcasting helpers
    elementwise.py  arithmetic, exp/log, trigonometric, abs/relu/maximum/minimum, where
    reductions.py   sum, max, min, logsumexp
    shape.py        reshape, transpose, broadcast_to, getitem/scatter_add, concatenate
    linalg.py       matmul

Functions here take positional, already-normalised parameters; adkit.numpy adds
numpy's names and signatures on top.
"""
from .elementwise import (
    absolute,
    add,
    arccos,
    arcsin,
    arctan,
    cos,
    cosh,
    div,
    exp,
    expm1,
    log,
    log1p,
    maximum,
    minimum,
    mul,
    neg,
    power,
    relu,
    sigmoid,
    sin,
    sinh,
    sqrt,
    sub,
    tan,
    tanh,
    where,
)
from .linalg import matmul
from .reductions import amax, amin, logsumexp, sum
from .rules import broadcast_tangent, pad_tangent, unbroadcast
from .shape import broadcast_to, concatenate, getitem, reshape, scatter_add, transpose

__all__ = ["absolute", "add", "amax", "amin", "arccos", "arcsin", "arctan", "broadcast_tangent",
           "broadcast_to", "concatenate", "cos", "cosh", "div", "exp", "expm1", "getitem",
           "log", "log1p", "logsumexp", "matmul", "maximum", "minimum", "mul", "neg",
           "pad_tangent", "power", "relu", "reshape", "scatter_add", "sigmoid", "sin", "sinh",
           "sqrt", "sub", "sum", "tan", "tanh", "transpose", "unbroadcast", "where"]
