"""Pytrees (adkit.tree): flatten and unflatten are inverses for every container kind;
unflatten refuses a wrong number of leaves; reader and builder agree with them."""
import pytest

from adkit import tree

TREES = [
    1.0,
    (1.0, 2.0),
    [1.0, (2.0, [3.0])],
    {"w": 1.0, "b": (2.0, {"c": 3.0})},
    (),
    [(), {}, 1.0],
]


@pytest.mark.parametrize("t", TREES)
def test_unflatten_inverts_flatten_and_agrees_with_reader_and_builder(t):
    leaves, spec = tree.flatten(t)
    assert tree.unflatten(spec, leaves) == t
    assert tree.unflatten(spec, leaves) == t  # again: the cached builder
    assert tree.reader(spec)(t) == leaves
    assert tree.builder(spec)(leaves) == t
    assert type(tree.unflatten(spec, leaves)) is type(t)


@pytest.mark.parametrize("n", [1, 3])
def test_unflatten_refuses_too_few_or_too_many_leaves(n):
    _, spec = tree.flatten((1.0, [2.0]))
    with pytest.raises(ValueError, match=f"{n} leaves for a structure that holds 2"):
        tree.unflatten(spec, [0.0] * n)
    with pytest.raises(ValueError, match=f"{n} leaves for a structure that holds 2"):
        tree.builder(spec)([0.0] * n)


def test_the_builder_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(tree, "MAX_BUILDERS", 4)
    for k in range(10):
        leaves, spec = tree.flatten(tuple(float(i) for i in range(k + 2)))
        assert tree.unflatten(spec, leaves) == tuple(leaves)
    assert len(tree._BUILDERS) <= 4
