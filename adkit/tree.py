"""Nested containers of arrays ("pytrees"): tuples, lists and dicts of leaves.

Transforms accept and return these, so `grad(loss)(params)` works for a dict of
weight arrays as it does for one array.

>>> leaves, spec = flatten({"w": 1.0, "b": (2.0, 3.0)})
>>> leaves                      # dict keys in sorted order
[2.0, 3.0, 1.0]
>>> unflatten(spec, leaves)
{'b': (2.0, 3.0), 'w': 1.0}
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

LEAF = None
_CONTAINERS = (tuple, list, dict)

# A tree's structure: LEAF (None) for a lone leaf, else (tuple or list, child specs) or
# (dict, sorted keys, child specs). Trees themselves are annotated Any.
Spec = tuple | None


def flatten(tree: Any) -> tuple[list[Any], Spec]:
    """Leaves in a fixed order and a spec that rebuilds the structure."""
    if type(tree) not in _CONTAINERS:  # a lone leaf, the common case
        return [tree], LEAF
    leaves = []
    spec = _flatten(tree, leaves)
    return leaves, spec


def _flatten(tree, leaves):
    if type(tree) in (tuple, list):
        return (type(tree), tuple(_flatten(t, leaves) for t in tree))
    if type(tree) is dict:
        keys = sorted(tree)
        return (dict, tuple(keys), tuple(_flatten(tree[k], leaves) for k in keys))
    leaves.append(tree)
    return LEAF


def unflatten(spec: Spec, leaves: Sequence[Any]) -> Any:
    """Rebuild the structure described by `spec` from `leaves`."""
    if spec is LEAF and len(leaves) == 1:
        return leaves[0]
    it = iter(leaves)
    out = _unflatten(spec, it)
    rest = next(it, _END)
    if rest is not _END:
        raise ValueError("unflatten: more leaves than the structure holds")
    return out


_END = object()


def _unflatten(spec, it):
    if spec is LEAF:
        return next(it)
    if spec[0] is dict:
        return {k: _unflatten(s, it) for k, s in zip(spec[1], spec[2])}
    return spec[0](_unflatten(s, it) for s in spec[1])


def tree_map(fn: Callable, tree: Any, *rest: Any) -> Any:
    """Apply fn leafwise over one or more trees of the same structure."""
    leaves, spec = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(spec, [fn(*xs) for xs in zip(leaves, *others)])
