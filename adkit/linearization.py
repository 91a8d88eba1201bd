"""jax.linearize: f runs once, recorded; its linear map then pushes tangents through the
recorded ops' JVP rules at the recorded values, and never evaluates f again."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import counting
from . import tree as _tree
from .boundary import check_direction, float_dtype, owned, to_output
from .core import shape_of
from .tape import Tape

__all__ = ["linearize"]


def linearize(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """(f(*primals), f_jvp) as jax.linearize: f runs once (recorded); f_jvp(*tangents)
    pushes tangents through the recorded ops' JVP rules at those values, and never
    evaluates f again.

    >>> y, f_jvp = adkit.linearize(lambda x: anp.sin(x) * x, 0.5)
    >>> round(y, 6), round(f_jvp(1.0), 6), round(f_jvp(2.0), 6)
    (0.239713, 0.918217, 1.836434)
    """
    tape = Tape._blank(f, tuple(range(len(primals))))
    tape._keep_values = True
    tape._record(primals)
    values = tape._recorded
    outs = tape._outputs_of(values)
    y = _tree.unflatten(tape._out_spec, [owned(to_output(v, v), {id(v)}) for v in outs])

    def f_jvp(*tangents):
        t_leaves, t_spec = _tree.flatten(tuple(tangents))
        if t_spec != tape._tangent_spec:
            raise ValueError("linearize: give one tangent per argument of f, with its "
                             "structure")
        ts = {i: np.reshape(check_direction(t, values[i], "linearize", "tangent", n),
                            (1,) + shape_of(values[i]))
              for n, (i, t) in enumerate(zip(tape._wrt, t_leaves))}
        counting.add_forward_pass(1)
        tan = tape._tangents(values, ts)
        taken = {id(t) for t in t_leaves}
        return _tree.unflatten(tape._out_spec, [
            owned(to_output(tan[slot][0], y) if tan[slot] is not None
                  else np.zeros(shape_of(y), float_dtype(y)), taken)
            for slot, y in zip(tape._outputs, outs)])

    return y, f_jvp
