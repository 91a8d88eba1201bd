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

import operator
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
    """tree's spec, its leaves appended to `leaves` (a leaf child costs no call)."""
    kind = type(tree)
    if kind is dict:
        keys = sorted(tree)
        children = [tree[k] for k in keys]
    else:
        children = tree
    specs = []
    for child in children:
        if type(child) in _CONTAINERS:
            specs.append(_flatten(child, leaves))
        else:
            leaves.append(child)
            specs.append(LEAF)
    return (dict, tuple(keys), tuple(specs)) if kind is dict else (kind, tuple(specs))


def unflatten(spec: Spec, leaves: Sequence[Any]) -> Any:
    """Rebuild the structure described by `spec` from `leaves`."""
    if spec is LEAF and len(leaves) == 1:
        return leaves[0]
    build = _BUILDERS.get(spec)
    if build is None:
        if len(_BUILDERS) >= MAX_BUILDERS:  # a bounded cache: many structures, few repeats
            _BUILDERS.clear()
        build = _BUILDERS[spec] = builder(spec)
    return build(leaves)


_BUILDERS: dict = {}  # spec -> its builder: transforms rebuild the same structures each call
MAX_BUILDERS = 256


def reader(spec: Spec) -> Callable[[Any], list | None]:
    """A function giving a tree's leaves when its structure is `spec`, else None: the
    check and the flattening in one walk (for calls that repeat one structure).

    >>> read = reader(flatten(((1.0, 2.0), 3.0))[1])
    >>> read(((4.0, 5.0), 6.0)), read(((4.0,), 6.0))
    ([4.0, 5.0, 6.0], None)
    """
    walk = _walker(spec)

    def read(tree):
        if walk is None:
            return None if type(tree) in _CONTAINERS else [tree]
        leaves = []
        try:
            walk(tree, leaves)
        except _Mismatch:
            return None
        return leaves

    return read


class _Mismatch(Exception):
    pass


def _walker(spec):
    """walk(tree, leaves) appending tree's leaves (None for a leaf spec); raises
    _Mismatch where tree's structure differs from spec."""
    if spec is LEAF:
        return None
    kind = spec[0]
    keys = spec[1] if kind is dict else None
    subs = [_walker(s) for s in (spec[2] if kind is dict else spec[1])]
    n = len(subs)
    if keys is None and all(sub is None for sub in subs):  # a flat tuple or list of leaves
        def flat(tree, leaves):
            if type(tree) is not kind or len(tree) != n:
                raise _Mismatch
            for t in tree:
                if type(t) in _CONTAINERS:
                    raise _Mismatch
            leaves.extend(tree)
        return flat

    def walk(tree, leaves):
        if type(tree) is not kind or len(tree) != len(subs):
            raise _Mismatch
        if keys is not None:
            if any(k not in tree for k in keys):
                raise _Mismatch
            tree = [tree[k] for k in keys]
        for t, sub in zip(tree, subs):
            if sub is None:
                if type(t) in _CONTAINERS:
                    raise _Mismatch
                leaves.append(t)
            else:
                sub(t, leaves)
    return walk


def builder(spec: Spec) -> Callable[[Sequence[Any]], Any]:
    """unflatten(spec, leaves) as a function of leaves made once for spec (faster when
    one structure is rebuilt many times).

    >>> builder(flatten({"w": 1.0, "b": (2.0, 3.0)})[1])([4.0, 5.0, 6.0])
    {'b': (4.0, 5.0), 'w': 6.0}
    """
    build, count = _builder(spec, 0)

    def rebuild(leaves):
        if len(leaves) != count:
            raise ValueError(f"unflatten: {len(leaves)} leaves for a structure that holds "
                             f"{count}")
        return build(leaves)
    return rebuild


def _builder(spec, start):
    """(build, n): build(leaves) makes the structure of `spec` from leaves[start:start + n]
    (each container reads its own slice: no iterator threaded through the calls)."""
    if spec is LEAF:
        return operator.itemgetter(start), 1
    kind = spec[0]
    specs = spec[2] if kind is dict else spec[1]
    if kind is not dict and all(s is LEAF for s in specs):  # a flat tuple or list of leaves
        stop = start + len(specs)
        return (lambda leaves: kind(leaves[start:stop])), len(specs)
    subs, at = [], start
    for s in specs:
        sub, n = _builder(s, at)
        subs.append(sub)
        at += n
    if kind is dict:
        keys = spec[1]
        return (lambda leaves: {k: sub(leaves) for k, sub in zip(keys, subs)}), at - start
    if kind is list:
        return (lambda leaves: [sub(leaves) for sub in subs]), at - start
    return (lambda leaves: tuple([sub(leaves) for sub in subs])), at - start


def tree_map(fn: Callable, tree: Any, *rest: Any) -> Any:
    """Apply fn leafwise over one or more trees of the same structure."""
    leaves, spec = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(spec, [fn(*xs) for xs in zip(leaves, *others)])
