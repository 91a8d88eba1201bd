"""Counting what each mode really did: passes, recordings and primitive applications.

Every sweep and every `bind` reports here while a `count()` context is open; with none
open the cost is one truth test of an empty list per primitive.
"""
from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

_active = []  # open Count objects of every thread: the engines test it for emptiness only
_local = threading.local()  # .counts: this thread's open Count objects, innermost last

KINDS = ("eval", "jvp", "record", "vjp")


class Count:
    """What happened inside one `adkit.count()` block.

    forward_passes: runs of f on dual numbers (one per jvp call or jacfwd chunk)
    directions:     tangent directions pushed in total (k per pass of k directions)
    recordings:     runs of f on a reverse trace (one per vjp/grad call)
    reverse_passes: backward sweeps over a recording (m for jacrev on m outputs)
    ops:            {kind: Counter(primitive name -> applications)} for the kinds
                    eval (a value computed), jvp (a JVP rule applied), record (an op put
                    on a tape) and vjp (a VJP rule applied)
    """

    def __init__(self) -> None:
        self.forward_passes = 0
        self.directions = 0
        self.recordings = 0
        self.reverse_passes = 0
        self.ops = {kind: Counter() for kind in KINDS}

    def total(self, kind: str | None = None) -> int:
        """Primitive applications of one kind (or of all kinds)."""
        kinds = KINDS if kind is None else (kind,)
        return sum(sum(self.ops[k].values()) for k in kinds)

    def by_name(self, kind: str = "eval") -> dict[str, int]:
        return dict(self.ops[kind])

    def as_dict(self) -> dict[str, Any]:
        return {
            "forward_passes": self.forward_passes,
            "directions": self.directions,
            "recordings": self.recordings,
            "reverse_passes": self.reverse_passes,
            "ops": {kind: dict(counter) for kind, counter in self.ops.items()},
        }

    def summary(self) -> str:
        ops = ", ".join(f"{k} {self.total(k)}" for k in KINDS)
        return (f"forward passes {self.forward_passes} ({self.directions} directions), "
                f"recordings {self.recordings}, reverse passes {self.reverse_passes}; "
                f"primitive applications: {ops}")

    def __repr__(self):
        return f"<Count {self.summary()}>"


def _mine() -> list[Count]:
    """The open counts of this thread (none inside paused())."""
    return getattr(_local, "counts", ())


def tally(kind: str, name: str) -> None:
    for c in _mine():
        c.ops[kind][name] += 1


def add_forward_pass(directions: int) -> None:
    for c in _mine():
        c.forward_passes += 1
        c.directions += directions


def add_recording() -> None:
    for c in _mine():
        c.recordings += 1


def add_reverse_pass() -> None:
    for c in _mine():
        c.reverse_passes += 1


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Count nothing inside the block (in this thread): for bookkeeping such as
    assembling a Jacobian from its rows or columns, which is not work of either mode."""
    saved = _mine()
    _local.counts = []
    try:
        yield
    finally:
        _local.counts = saved


@contextlib.contextmanager
def count() -> Iterator[Count]:
    """Count passes and primitive applications inside the block (this thread's work).

    >>> with adkit.count() as c:
    ...     g = adkit.grad(lambda x: (x * x).sum())(np.ones(3))
    >>> c.recordings, c.reverse_passes
    (1, 1)
    """
    c = Count()
    _local.counts = [*_mine(), c]
    _active.append(c)
    try:
        yield c
    finally:
        _active.remove(c)
        _local.counts = [k for k in _mine() if k is not c]
