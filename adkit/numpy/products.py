"""Products under numpy's names: dot, inner, vdot, outer, trace, einsum, tensordot, kron,
cross."""
from __future__ import annotations

import builtins
import math
import string
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .. import ops
from ..core import Value, ndim_of, shape_of
from ..ops import matmul, neg
from ..ops import mul as multiply
from .common import UFUNCS, check, implements, one_axis
from .indexing import diagonal
from .linalg import real_array
from .manipulation import as_array, moveaxis, ravel, reshape, stack
from .reductions import sum

__all__ = ["cross", "dot", "einsum", "inner", "kron", "matmul", "outer", "tensordot", "trace",
           "vdot"]
UFUNCS[np.matmul] = matmul


def _contract(a, b0):
    """sum_l a[..., l] * b0[l, ...]: a's last axis against b0's first."""
    n = shape_of(b0)[0]
    out_shape = shape_of(a)[:-1] + shape_of(b0)[1:]
    flat = matmul(reshape(a, (-1, n)), reshape(b0, (n, -1)))
    return reshape(flat, out_shape)


@implements(np.dot)
def dot(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    """numpy.dot for any ranks (scalars multiply; N-D contracts a[-1] with b[-2])."""
    check("dot", out=out)
    a, b = as_array(a), as_array(b)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        return multiply(a, b)
    k = shape_of(b)[-2] if nb >= 2 else shape_of(b)[0]
    if shape_of(a)[-1] != k:
        raise ValueError(f"dot: shapes {shape_of(a)} and {shape_of(b)} not aligned: "
                         f"{shape_of(a)[-1]} (dim {na - 1}) != {k} (dim {builtins.max(nb - 2, 0)})")
    if nb <= 2:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -2, 0))


@implements(np.inner)
def inner(a: ArrayLike, b: ArrayLike) -> Value:
    a, b = as_array(a), as_array(b)
    if ndim_of(a) == 0 or ndim_of(b) == 0:
        return multiply(a, b)
    if ndim_of(b) == 1:
        return matmul(a, b)
    return _contract(a, moveaxis(b, -1, 0))


@implements(np.vdot)
def vdot(a: ArrayLike, b: ArrayLike) -> Value:
    return matmul(ravel(as_array(a)), ravel(as_array(b)))


@implements(np.outer)
def outer(a: ArrayLike, b: ArrayLike, out: None = None) -> Value:
    check("outer", out=out)
    return multiply(reshape(as_array(a), (-1, 1)), reshape(as_array(b), (1, -1)))


@implements(np.trace)
def trace(a: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1,
          dtype: DTypeLike = None, out: None = None) -> Value:
    """numpy.trace: the sums of the diagonals numpy.diagonal gives (for any offset/axes)."""
    check("trace", out=out)
    return sum(diagonal(a, offset, axis1, axis2), -1, dtype=dtype)


# ------------------------------------------------------------------ einsum ----

def _sublist_subscripts(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [sublistout]) -> (subscripts, operands)."""
    def letters(sub):
        out = ""
        for s in sub:
            if s is Ellipsis:
                out += "..."
            elif isinstance(s, (int, np.integer)) and 0 <= s < 52:
                out += string.ascii_letters[s]
            else:
                raise ValueError(f"einsum: subscript {s!r} in a sublist is not an int in "
                                 "[0, 52) or Ellipsis")
        return out
    ops_, subs = args[0:len(args) - len(args) % 2:2], args[1::2]
    spec = ",".join(letters(s) for s in subs)
    return (spec + "->" + letters(args[-1]) if len(args) % 2 else spec), list(ops_)


def _explicit(subscripts, shapes):
    """numpy's subscripts with '...' and an implicit output spelled out in letters:
    ('...ij,...jk', [(5, 2, 3), (3, 4)]) -> (['aij', 'jk'], 'aik')."""
    spec = subscripts.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(ins)} operands, "
                         f"got {len(shapes)}")
    for part in ins + [out]:
        named = part.replace("...", "", 1)
        if named and not (named.isascii() and named.isalpha()):
            raise ValueError(f"einsum: {subscripts!r} has a subscript that is not a letter "
                             "(or '...' more than once in one operand)")
    widths = []
    for sub, shape in zip(ins, shapes):
        named = len(sub.replace("...", ""))
        if ("..." in sub and len(shape) < named) or ("..." not in sub and len(shape) != named):
            raise ValueError(f"einsum: operand of shape {shape} does not fit subscripts "
                             f"{sub!r} ({named} labels for {len(shape)} axes)")
        widths.append(len(shape) - named if "..." in sub else 0)
    free = [c for c in string.ascii_letters if c not in spec]
    ell = "".join(free[:builtins.max(widths, default=0)])
    ins = [sub.replace("...", ell[len(ell) - w:]) for sub, w in zip(ins, widths)]
    labels = "".join(ins)
    if not arrow:
        out = ell + "".join(sorted(c for c in set(labels) if labels.count(c) == 1
                                   and c not in ell))
    elif "..." in out:
        out = out.replace("...", ell)
    elif ell:
        raise ValueError(f"einsum: {subscripts!r} broadcasts operands over '...' but its "
                         "output has no '...'; add '...' to the output")
    for c in out:
        if out.count(c) > 1 or c not in labels:
            raise ValueError(f"einsum: output label {c!r} in {subscripts!r} must appear once "
                             "in the output and in some operand")
    return ins, out


def _unbroadcast_labels(ins, operands):
    """Squeeze size-1 axes that numpy broadcasts against a longer axis of the same label
    out of their operand (reshape is differentiable), so every label has one size."""
    sizes = {}
    for sub, x in zip(ins, operands):
        for c, n in zip(sub, shape_of(x)):
            if n != 1 and sizes.setdefault(c, n) != n:
                raise ValueError(f"einsum: label {c!r} has sizes {sizes[c]} and {n} in "
                                 f"operands of shapes {[shape_of(x) for x in operands]}")
    for i, (sub, x) in enumerate(zip(ins, operands)):
        drop = {c for c in sub if sizes.get(c, 1) > 1} - {c for c, n in zip(sub, shape_of(x))
                                                           if n > 1}
        keep = [j for j, c in enumerate(sub) if c not in drop]
        if drop:
            ins[i] = "".join(sub[j] for j in keep)
            operands[i] = reshape(x, tuple(shape_of(x)[j] for j in keep))
    return ins, operands


@implements(np.einsum)
def einsum(*operands: Any, out: None = None, dtype: DTypeLike = None, order: str = "K",
           casting: str = "safe", optimize: bool | str = False) -> Value:
    """numpy.einsum for real operands: any subscripts, '...', repeated labels (diagonals),
    implicit output, and the sublist form. adkit picks the contraction order itself.

    >>> adkit.grad(lambda a: anp.einsum("ii", a))(np.ones((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    check("einsum", out=out, dtype=dtype)
    if isinstance(operands[0], str):
        subscripts, xs = operands[0], list(operands[1:])
    else:
        subscripts, xs = _sublist_subscripts(operands)
    xs = [real_array("einsum", x) for x in xs]
    ins, out_labels = _explicit(subscripts, [shape_of(x) for x in xs])
    ins, xs = _unbroadcast_labels(ins, xs)
    return ops.einsum(*xs, subscripts=",".join(ins) + "->" + out_labels)


# ------------------------------------------------------- tensordot, kron, cross ----

@implements(np.tensordot)
def tensordot(a: ArrayLike, b: ArrayLike, axes: int | Sequence = 2) -> Value:
    """Sum over a's `axes` and b's: an int n pairs a's last n with b's first n.

    >>> anp.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    a, b = real_array("tensordot", a), real_array("tensordot", b)
    sa, sb = shape_of(a), shape_of(b)
    if isinstance(axes, (int, np.integer)):
        if not 0 <= axes <= builtins.min(len(sa), len(sb)):
            raise ValueError(f"tensordot: axes={axes} does not fit shapes {sa} and {sb}")
        ax_a, ax_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        ax_a, ax_b = ([x] if isinstance(x, (int, np.integer)) else list(x) for x in axes)
        ax_a = [one_axis(x, len(sa), "tensordot") for x in ax_a]
        ax_b = [one_axis(x, len(sb), "tensordot") for x in ax_b]
    if [sa[i] for i in ax_a] != [sb[i] for i in ax_b]:
        raise ValueError(f"tensordot: shape-mismatch for sum: axes {ax_a} of {sa} and "
                         f"{ax_b} of {sb} differ in length or size")
    free_a = [i for i in range(len(sa)) if i not in ax_a]
    free_b = [i for i in range(len(sb)) if i not in ax_b]
    k = math.prod(sa[i] for i in ax_a)
    a2 = reshape(ops.transpose(a, tuple(free_a + ax_a)), (-1, k))
    b2 = reshape(ops.transpose(b, tuple(ax_b + free_b)), (k, -1))
    return reshape(matmul(a2, b2), tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


@implements(np.kron)
def kron(a: ArrayLike, b: ArrayLike) -> Value:
    """The Kronecker product: blocks a[i, j] * b (the shorter shape padded with 1s).

    >>> anp.kron(np.eye(2), np.ones((1, 2)))
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    a, b = real_array("kron", a), real_array("kron", b)
    nd = builtins.max(ndim_of(a), ndim_of(b))
    sa = (1,) * (nd - ndim_of(a)) + shape_of(a)
    sb = (1,) * (nd - ndim_of(b)) + shape_of(b)
    a2 = reshape(a, tuple(x for n in sa for x in (n, 1)))
    b2 = reshape(b, tuple(x for n in sb for x in (1, n)))
    return reshape(multiply(a2, b2), tuple(p * q for p, q in zip(sa, sb)))


def _minus(p, q):
    """p - q where None stands for a zero."""
    return neg(q) if p is None else p if q is None else p - q


def _times(x, y):
    return None if x is None or y is None else x * y


@implements(np.cross)
def cross(a: ArrayLike, b: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Value:
    """The cross product of 3-vectors (or 2-vectors, deprecated in numpy 2: their z).

    >>> anp.cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(real_array("cross", a), axisa, -1)
    b = moveaxis(real_array("cross", b), axisb, -1)
    na, nb = shape_of(a)[-1], shape_of(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible vector lengths {na} and {nb} (shapes "
                         f"{shape_of(a)} and {shape_of(b)} after moving axisa/axisb last); "
                         "the dimension must be 2 or 3")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=2)
    a0, a1, a2 = (ops.getitem(a, (Ellipsis, i)) if i < na else None for i in range(3))
    b0, b1, b2 = (ops.getitem(b, (Ellipsis, i)) if i < nb else None for i in range(3))
    c2 = _minus(_times(a0, b1), _times(a1, b0))
    if na == nb == 2:
        return c2
    c = stack([_minus(_times(a1, b2), _times(a2, b1)), _minus(_times(a2, b0), _times(a0, b2)),
               c2], axis=-1)
    return moveaxis(c, -1, axisc)
