"""The primitive table: each op's value, JVP rule and VJP rule, written once, by family.

    rules.py        how rules are written: per-argument rules and the constructors
                    (elementwise, linear), broadcasting helpers
    elementwise.py  arithmetic, exp/log, trigonometric, abs/relu/maximum/minimum, mod,
                    where, astype
    reductions.py   sum, max, min, prod, logsumexp
    cumulative.py   cumsum, cumprod
    shape.py        reshape, transpose, broadcast_to, getitem/scatter_add, concatenate
    linalg.py       matmul, einsum, inv, solve, det, logabsdet, vector_norm
    decompositions.py  cholesky, eigh, svd (multiple outputs packed into one array)
    safe.py         zero-safe roots (the slope of a std or a norm where it is flat)

Functions here take positional, already-normalised parameters; adkit.numpy adds
numpy's names and signatures on top.
"""
from . import cumulative, decompositions, elementwise, linalg, reductions, safe, shape
from .cumulative import *  # noqa: F403
from .decompositions import *  # noqa: F403
from .elementwise import *  # noqa: F403 (each family lists its functions in __all__)
from .linalg import *  # noqa: F403
from .reductions import *  # noqa: F403
from .rules import broadcast_tangent, pad_tangent, unbroadcast
from .safe import *  # noqa: F403
from .shape import *  # noqa: F403

__all__ = (cumulative.__all__ + decompositions.__all__ + elementwise.__all__ + linalg.__all__
           + reductions.__all__ + safe.__all__ + shape.__all__
           + ["broadcast_tangent", "pad_tangent", "unbroadcast"])
