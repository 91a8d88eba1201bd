"""Counting what each mode really did: passes, recordings and primitive applications.

Every sweep and every `bind` reports here while a `count()` context is open; with none
open the cost is one truth test of an empty list per primitive.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

_active = []  # open Count objects of every thread: the engines test it for emptiness only
_local = threading.local()  # .counts: this thread's open Count objects, innermost last

KINDS = ("eval", "jvp", "record", "vjp")
TIMED = ("eval", "jvp", "vjp")  # kinds whose applications are timed (a record's time is its eval)


class Count:
    """What happened inside one `adkit.count()` block.

    forward_passes: runs of f on dual numbers (one per jvp call or jacfwd chunk)
    directions:     tangent directions pushed in total (k per pass of k directions)
    recordings:     runs of f on a reverse trace (one per vjp/grad call)
    reverse_passes: backward sweeps over a recording (m for jacrev on m outputs)
    ops:            {kind: Counter(primitive name -> applications)} for the kinds
                    eval (a value computed), jvp (a JVP rule applied), record (an op put
                    on a tape) and vjp (a VJP rule applied)
    seconds:        {kind: Counter(primitive name -> seconds)} for eval, jvp and vjp:
                    the time of those applications, each rule's including the ops it
                    applies (which are also evals); see profile()
    """

    def __init__(self) -> None:
        self.forward_passes = 0
        self.directions = 0
        self.recordings = 0
        self.reverse_passes = 0
        self.ops = {kind: Counter() for kind in KINDS}
        self.seconds = {kind: Counter() for kind in TIMED}

    def total(self, kind: str | None = None) -> int:
        """Primitive applications of one kind (or of all kinds)."""
        kinds = KINDS if kind is None else (kind,)
        return sum(sum(self.ops[k].values()) for k in kinds)

    def by_name(self, kind: str = "eval") -> dict[str, int]:
        return dict(self.ops[kind])

    def profile(self, kind: str = "vjp", top: int | None = None) -> str:
        """Where the time of one kind went, by primitive, most first: applications,
        total and per application (times measured while counting, so each includes a
        little of the counting itself).

        >>> with adkit.count() as c:
        ...     g = adkit.grad(lambda x: anp.sum(anp.sin(x) * x))(np.ones(3))
        >>> print(c.profile("vjp"))                      # doctest: +SKIP
        vjp   calls     total  per call
        sin       1   6.1 us    6.1 us
        mul       1   4.2 us    4.2 us
        sum       1   3.0 us    3.0 us
        >>> c.profile("vjp").split()[:4], len(c.profile("vjp").splitlines())
        (['vjp', 'calls', 'total', 'per'], 4)
        """
        if kind not in TIMED:
            raise ValueError(f"profile: kind {kind!r} is not timed; choose one of {TIMED}")
        rows = self.seconds[kind].most_common(top)
        width = max([len(kind)] + [len(name) for name, _ in rows])
        lines = [f"{kind:<{width}}  calls     total  per call"]
        for name, s in rows:
            n = self.ops[kind][name]
            lines.append(f"{name:<{width}}  {n:5d}  {_duration(s)}  {_duration(s / n)}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "forward_passes": self.forward_passes,
            "directions": self.directions,
            "recordings": self.recordings,
            "reverse_passes": self.reverse_passes,
            "ops": {kind: dict(counter) for kind, counter in self.ops.items()},
            "seconds": {kind: dict(counter) for kind, counter in self.seconds.items()},
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


def counted(kind: str, name: str, fn: Callable) -> Callable:
    """One application of fn tallied as (kind, name), and fn timed for it: what the
    engines call in place of a rule or a value's computation while counting."""
    tally(kind, name)
    return timed(kind, name, fn)


def timed(kind: str, name: str, fn: Callable) -> Callable:
    """fn, its running time added to every open count's seconds[kind][name]."""
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            for c in _mine():
                c.seconds[kind][name] += spent
    return run


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale or unit == "us":
            return f"{seconds / scale:6.1f} {unit:<2}"
    return ""


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
