"""revolve(steps, snapshots): Griewank's binomial checkpointing schedule.

Reversing a chain x_{k+1} = F(x_k), k = 0..l-1, needs each state again, newest first.
Storing all l states costs l states of memory; revolve (Griewank and Walther, ACM TOMS
26(1), 2000, Algorithm 799) keeps at most s of them (snapshots, x_0 included) and
recomputes the rest with the fewest forward steps possible,

    t(l, s) = r l - C(s + r, s + 1),   r the least integer with C(s + r, s) >= l,

(C the binomial coefficient; r is the number of times the busiest step is evaluated).
The schedule is the list of revolve's actions; adkit.checkpointing.chain_value_and_grad
runs one on a real step function.
"""
from __future__ import annotations

from collections.abc import Iterator
from math import comb
from typing import NamedTuple

KINDS = ("advance", "takeshot", "restore", "firsturn", "youturn")


class Action(NamedTuple):
    """One action of a schedule, revolve's action codes with the states they concern.

    advance   step -> to: evaluate F (to - step) times, keeping nothing
    takeshot  store x_step in snapshot `slot`
    restore   make x_step, stored in `slot`, the current state
    firsturn  evaluate F at x_step recording it (the last step, to = l), and start the
              reverse sweep there
    youturn   evaluate F at x_step recording it, and sweep back over it (to = step + 1)

    A turn's `slot` is the snapshot it frees (x_step's, used for the last time), if any.
    """

    kind: str
    step: int
    to: int
    slot: int | None = None

    def __str__(self) -> str:
        if self.kind == "advance":
            return f"advance {self.step} -> {self.to}"
        if self.kind in ("takeshot", "restore"):
            return f"{self.kind} x_{self.step} {'->' if self.kind == 'takeshot' else '<-'} " \
                   f"slot {self.slot}"
        freed = "" if self.slot is None else f" (frees slot {self.slot})"
        return f"{self.kind} {self.step} -> {self.to}{freed}"


class Schedule:
    """A reversal schedule for `steps` steps with `snapshots` stored states.

    forward_steps: evaluations of F made by advance actions (the recomputations; the
    `steps` recorded evaluations of firsturn/youturn come on top); slots_used: the most
    snapshots held at once (slots are used as a stack: a shot goes above the ones held).
    """

    def __init__(self, steps: int, snapshots: int, actions: list[Action]) -> None:
        self.steps = steps
        self.snapshots = snapshots
        self.actions = actions

    @property
    def forward_steps(self) -> int:
        return sum(a.to - a.step for a in self.actions if a.kind == "advance")

    @property
    def slots_used(self) -> int:
        return len({a.slot for a in self.actions if a.kind == "takeshot"})  # a stack

    def count(self, kind: str) -> int:
        """How many actions of one kind the schedule has."""
        return sum(a.kind == kind for a in self.actions)

    def __len__(self) -> int:
        return len(self.actions)

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions)

    def __str__(self) -> str:
        return "\n".join(str(a) for a in self.actions)

    def __repr__(self) -> str:
        return (f"<Schedule steps={self.steps} snapshots={self.snapshots}: "
                f"{self.forward_steps} forward steps, {len(self.actions)} actions>")


def optimal_forward_steps(steps: int, snapshots: int) -> int:
    """t(l, s): the fewest forward steps (besides the l recorded ones) that reverse a
    chain of l steps keeping s states, x_0 included (Griewank's closed form).

    >>> [adkit.checkpointing.optimal_forward_steps(10, s) for s in (1, 2, 3, 10)]
    [45, 20, 15, 9]
    """
    _check(steps, snapshots)
    r = 0
    while comb(snapshots + r, snapshots) < steps:
        r += 1
    return r * steps - comb(snapshots + r, snapshots + 1)


def _check(steps, snapshots):
    for name, v in (("steps", steps), ("snapshots", snapshots)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"revolve: {name}={v!r}; it must be an integer >= 1")


def revolve(steps: int, snapshots: int) -> Schedule:
    """Griewank's binomial schedule to reverse `steps` steps keeping `snapshots` states
    (x_0 included): the fewest forward steps possible, optimal_forward_steps(l, s).

    >>> s = adkit.revolve(10, 3)
    >>> s.forward_steps, s.slots_used
    (15, 3)
    >>> print(adkit.revolve(3, 2))
    takeshot x_0 -> slot 0
    advance 0 -> 1
    takeshot x_1 -> slot 1
    advance 1 -> 2
    firsturn 2 -> 3
    restore x_1 <- slot 1
    youturn 1 -> 2 (frees slot 1)
    restore x_0 <- slot 0
    youturn 0 -> 1 (frees slot 0)
    """
    _check(steps, snapshots)
    actions = []
    held = []  # held[j]: the state in snapshot slot j (a stack: revolve's ch[])
    capo, fine = 0, steps  # the range [capo, fine] still to reverse; x_capo is current
    turned = False
    while True:
        if fine == capo:  # that part is reversed: back to the newest snapshot, if any left
            if not held:
                break
            capo = held[-1]
            actions.append(Action("restore", capo, capo, len(held) - 1))
        elif fine - capo == 1:  # one step left: record it and sweep back over it
            fine -= 1
            freed = None
            if held and held[-1] == capo:  # x_capo is used now for the last time
                held.pop()
                freed = len(held)
            actions.append(Action("youturn" if turned else "firsturn", capo, capo + 1, freed))
            turned = True
        elif not held or held[-1] != capo:
            held.append(capo)
            actions.append(Action("takeshot", capo, capo, len(held) - 1))
        else:
            to = capo + _split(fine - capo, snapshots - len(held) + 1)
            actions.append(Action("advance", capo, to))
            capo = to
    return Schedule(steps, snapshots, actions)


def _split(length: int, free: int) -> int:
    """How far revolve advances into a range of `length` steps whose first state is
    stored, with `free` snapshots for it (that one included): its binomial rule."""
    if free < 1:  # never, if the rule below is right
        raise RuntimeError(f"revolve: internal error, no snapshot left for {length} steps")
    reps, rng = 0, 1
    while rng < length:  # rng = C(free + reps, free): the longest range reps repetitions reverse
        reps += 1
        rng = rng * (reps + free) // reps
    # with beta(c, r) = C(c + r, c): bino1..5 = beta(free, reps - 1), beta(free - 1,
    # reps - 1), beta(free - 2, reps - 1), beta(free, reps - 2), beta(free - 3, reps)
    bino1 = rng * reps // (free + reps)
    bino2 = bino1 * free // (free + reps - 1) if free > 1 else 1
    bino3 = (bino2 * (free - 1) // (free + reps - 2) if free > 2 else 1) if free > 1 else 0
    bino4 = bino2 * (reps - 1) // free
    bino5 = (bino3 * (free - 2) // reps if free > 3 else 1) if free > 2 else 0
    if length <= bino1 + bino3:
        step = bino4
    elif length >= rng - bino5:
        step = bino1
    else:
        step = length - bino2 - bino3
    step = max(step, 1)
    if step >= length:  # never, if the rule above is right
        raise RuntimeError(f"revolve: internal error, advancing {step} of {length} steps")
    return step
