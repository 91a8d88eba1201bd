"""torch.autograd's functional entry point on adkit's Tensors: gradients of outputs with
respect to chosen inputs, returned rather than accumulated into .grad.

>>> x = adkit.tensor(3.0, requires_grad=True)
>>> (g,) = adkit.autograd.grad(x ** 2, x)
>>> g, x.grad is None
(tensor(6.), True)
"""
from __future__ import annotations

from collections.abc import Sequence

from numpy.typing import ArrayLike

from .boundary import check_direction, owned
from .core import raw, shape_of
from .sweep import collect, sweep
from .tensors import Tensor, _plain, no_grad

__all__ = ["grad"]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: ArrayLike | Sequence[ArrayLike] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Tensor | None, ...]:
    """The sum over outputs of grad_output^T d(output)/d(input), for each input (a
    tuple), as torch.autograd.grad. A non-scalar output needs its grad_outputs entry;
    create_graph=True records the gradients so they can be differentiated again."""
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    given = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)
    if len(given) != len(outputs):
        raise ValueError(f"grad: {len(given)} grad_outputs for {len(outputs)} outputs")
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    seeds, taken = [], set()
    for i, (y, g) in enumerate(zip(outputs, given)):
        if not isinstance(y, Tensor) or not y.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            if shape_of(y._value) != ():
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs: "
                                   f"output {i} has shape {shape_of(y._value)}; pass "
                                   "grad_outputs")
            g = 1.0
        elif isinstance(g, Tensor):
            g = g if create_graph and g.requires_grad else g._value
        taken.add(id(g))
        seeds.append((y, check_direction(g, y._value, "grad", "grad_output", i, "an output")))
    found = {}
    keep = {t: (lambda g, t=t: found.__setitem__(t, g)) for t in inputs if t._prim is not None}
    retain = create_graph if retain_graph is None else retain_graph
    nodes = collect(outputs)
    if create_graph:
        adj = sweep(nodes, seeds, boxed=True, free=not retain, keep=keep)
    else:
        with no_grad():
            adj = sweep(nodes, seeds, free=not retain, keep=keep)
    results = []
    for t in inputs:
        g = found.get(t, adj.get(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have "
                                   "been used in the graph. Set allow_unused=True if this "
                                   "is the desired behavior.")
            results.append(None)
        elif isinstance(g, Tensor):
            results.append(g)
        else:
            results.append(_plain(owned(raw(g), taken)))
    return tuple(results)
