"""What reverse mode keeps in memory: records, the bytes of the residuals they hold (by
primitive), and the peak during a sweep, for functional recordings and Tensor graphs."""
from __future__ import annotations

import sys

import numpy as np

from .core import Value, raw
from .reverse import Node, Recording
from .sweep import collect

__all__ = ["memory"]


def memory(recorded: Recording | Value | list) -> dict:
    """What reverse mode keeps for a recording (a Recording, or the output Tensors of a
    Tensor graph): the number of records; the bytes of the arrays they keep alive
    (residuals and results, each counted once, the inputs excluded) in all and by
    primitive; the records' own overhead; and the peak during a sweep, when the
    adjoints alive at once come on top of the residuals.

    >>> m = memory(adkit.reverse.record(lambda x: anp.sum(anp.sin(x) * x), np.ones(1000)))
    >>> m["records"], m["array_bytes"], m["by_primitive"]["sin"], m["peak_sweep_bytes"]
    (3, 16032, 8000, 40032)
    """
    if isinstance(recorded, Recording):
        records, outputs = recorded.records[::-1], recorded.outputs
        seen = {id(x._value) for x in recorded.inputs}  # the caller's arrays, not the tape's
    else:
        outputs = recorded if isinstance(recorded, list) else [recorded]
        records = collect(outputs)
        seen = {id(p._value) for r in records for p in r._parents if p is not None
                and p._prim is None}
    arrays = overhead = 0
    by_primitive = {}
    for r in reversed(records):  # execution order: a value is counted where it is made
        overhead += sys.getsizeof(r) + (  # three or more arguments: two tuples too
            sys.getsizeof(r._vals) + sys.getsizeof(r._parents) if r._arity < 0 else 0)
        for v in (r._value,) + tuple(r._vals):
            if id(v) not in seen:
                seen.add(id(v))
                size = _nbytes(v)
                arrays += size
                by_primitive[r._prim.name] = by_primitive.get(r._prim.name, 0) + size
    return {"records": len(records), "array_bytes": arrays, "overhead_bytes": overhead,
            "total_bytes": arrays + overhead, "by_primitive": by_primitive,
            "peak_sweep_bytes": arrays + _peak_adjoints(records, outputs)}


def _nbytes(v):
    return v.nbytes if isinstance(v, np.ndarray) else sys.getsizeof(v)


def _peak_adjoints(records, outputs):
    """The most bytes of adjoints alive at once in a sweep over records (newest first):
    an adjoint is born when its first contribution arrives and dies after its rule ran."""
    live = {id(y): _nbytes(raw(y)) for y in outputs if isinstance(y, Node)}
    peak = current = sum(live.values())
    for r in records:
        size = live.pop(id(r), None)
        if size is None:
            continue
        for p in r._parents:
            if p is not None and id(p) not in live:
                live[id(p)] = _nbytes(p._value)
                current += live[id(p)]
        peak = max(peak, current)
        current -= size
    return peak
