"""revolve(steps, snapshots) against optima found from first principles (an exhaustive
search and a dynamic programme written here, apart from the schedule code) and the
closed form; its actions replayed on symbolic states; chain_value_and_grad against
store-all gradients, in step evaluations and in measured memory."""
import functools
import gc
import tracemalloc
from collections import deque
from math import comb

import numpy as np
import pytest

import adkit
import adkit.numpy as anp
from adkit.checkpointing import chain_value_and_grad, optimal_forward_steps, revolve

# ------------------------------------------------------------- the optimum, thrice ----

def search(steps, snapshots):
    """The fewest step evaluations (recorded ones not counted) that reverse `steps` steps
    holding at most `snapshots` states, by a 0-1 breadth-first search over every
    schedule: a node is (current state or None, stored states, steps left to reverse)."""
    start, best = (0, frozenset(), steps), {}
    queue = deque([(0, start)])
    while queue:
        cost, node = queue.popleft()
        if node in best:
            continue
        best[node] = cost
        pos, held, left = node
        if left == 0:
            return cost
        moves = [(0, (q, held, left)) for q in held]  # restore
        moves += [(0, (pos, held - {q}, left)) for q in held]  # drop
        if pos is not None:
            if pos not in held and len(held) < snapshots:
                moves.append((0, (pos, held | {pos}, left)))  # store
            if pos + 1 < left:
                moves.append((1, (pos + 1, held, left)))  # evaluate one step, unrecorded
            if pos == left - 1:  # record step pos and sweep back over it
                moves.append((0, (None, frozenset(q for q in held if q < pos), pos)))
        for c, nxt in moves:
            if nxt not in best:
                (queue.appendleft if c == 0 else queue.append)((cost + c, nxt))
    raise AssertionError("no schedule found")


@functools.cache
def fewest(steps, snapshots):
    """The same optimum by dynamic programming: advance m steps from the stored x_0,
    store x_m, reverse the last steps - m with one snapshot fewer, then the first m."""
    if steps == 1:
        return 0
    if snapshots == 1:  # only x_0: walk to the last unreversed step each time
        return steps - 1 + fewest(steps - 1, 1)
    return min(m + fewest(steps - m, snapshots - 1) + fewest(m, snapshots)
               for m in range(1, steps))


def closed_form(steps, snapshots):
    """t(l, s) = r l - beta(s + 1, r - 1), beta(s, t) = C(s + t, s), r the least with
    beta(s, r) >= l (Griewank and Walther 2000)."""
    beta = lambda s, t: comb(s + t, s)  # noqa: E731
    r = next(r for r in range(steps + 1) if beta(snapshots, r) >= steps)
    return r * steps - beta(snapshots + 1, r - 1)


def test_the_search_and_the_dynamic_programme_agree():
    for steps in range(1, 10):
        for snapshots in range(1, 4):
            assert search(steps, snapshots) == fewest(steps, snapshots), (steps, snapshots)


@pytest.mark.parametrize("snapshots", range(1, 7))
def test_revolve_makes_the_fewest_forward_steps(snapshots):
    for steps in range(1, 61):
        want = fewest(steps, snapshots)
        assert closed_form(steps, snapshots) == want, steps
        assert optimal_forward_steps(steps, snapshots) == want, steps
        assert revolve(steps, snapshots).forward_steps == want, steps


def test_a_few_known_values():
    got = {(n, s): revolve(n, s).forward_steps
           for n, s in [(10, 1), (10, 2), (10, 3), (10, 10), (100, 4), (1000, 8)]}
    assert got == {(10, 1): 45, (10, 2): 20, (10, 3): 15, (10, 10): 9, (100, 4): 374,
                   (1000, 8): 4285}


# ------------------------------------------------------------- replaying actions ----

def replay(schedule):
    """Run the actions on symbolic states, checking each is legal; returns (forward
    steps, most snapshots held at once, steps in the order they were reversed)."""
    slots, x, advances, most, reversed_ = {}, 0, 0, 0, []
    for a in schedule:
        if a.kind == "advance":
            assert x == a.step < a.to
            advances += a.to - a.step
            x = a.to
        elif a.kind == "takeshot":
            assert x == a.step and a.slot not in slots and 0 <= a.slot < schedule.snapshots
            slots[a.slot] = x
        elif a.kind == "restore":
            assert slots[a.slot] == a.step
            x = a.step
        else:
            assert x == a.step and a.to == a.step + 1
            assert a.kind == ("youturn" if reversed_ else "firsturn")
            reversed_.append(a.step)
            if a.slot is not None:
                assert slots.pop(a.slot) == a.step
            x = None  # the state went into the recording
        most = max(most, len(slots))
    return advances, most, reversed_


@pytest.mark.parametrize("steps,snapshots", [(1, 1), (2, 1), (7, 2), (30, 3), (60, 6),
                                             (200, 5), (9, 20)])
def test_the_actions_are_legal_and_reverse_every_step_once(steps, snapshots):
    schedule = revolve(steps, snapshots)
    advances, most, reversed_ = replay(schedule)
    assert reversed_ == list(range(steps - 1, -1, -1))
    assert advances == schedule.forward_steps
    assert most == schedule.slots_used <= snapshots
    assert schedule.count("firsturn") == 1 and schedule.count("youturn") == steps - 1


def test_revolves_splits():  # the ranges each advance covers, as revolve's rule picks them
    advances = [(a.step, a.to) for a in revolve(10, 3) if a.kind == "advance"]
    assert advances == [(0, 4), (4, 7), (7, 9), (7, 8), (4, 5), (5, 6), (0, 1), (1, 2), (2, 3)]
    assert [a.to for a in revolve(60, 4) if a.kind == "advance"][:4] == [30, 46, 55, 59]
    assert [a.to for a in revolve(4, 2) if a.kind == "advance"] == [1, 3, 2]  # not 2, 3, 1


def test_schedule_text():
    assert [str(a) for a in revolve(2, 1)] == [
        "takeshot x_0 -> slot 0", "advance 0 -> 1", "firsturn 1 -> 2",
        "restore x_0 <- slot 0", "youturn 0 -> 1 (frees slot 0)"]
    assert repr(revolve(10, 3)) == "<Schedule steps=10 snapshots=3: 15 forward steps, 34 actions>"


@pytest.mark.parametrize("steps,snapshots", [(0, 1), (3, 0), (2.0, 1), (3, True), (-1, 2)])
def test_bad_arguments_are_refused(steps, snapshots):
    with pytest.raises(ValueError, match="revolve: .* must be an integer >= 1"):
        revolve(steps, snapshots)


# ------------------------------------------------------------- running a schedule ----

rng = np.random.default_rng(1)
N = 6
W = rng.standard_normal((N, N)) / np.sqrt(N)
X0 = rng.standard_normal(N)


def ode_step(x, w):  # explicit Euler for x' = tanh(W x)
    return x + 0.1 * anp.tanh(w @ x)


def net_step(x, p):  # one layer of a tanh net with shared weights
    w, b = p
    return anp.tanh(w @ x + b)


def half_square(x):
    return 0.5 * anp.sum(x * x)


def store_all(step, steps, loss):
    def f(x, p):
        for _ in range(steps):
            x = step(x, p)
        return loss(x)
    return f


@pytest.mark.parametrize("step,params", [(ode_step, W), (net_step, (W, 0.1 * X0))])
@pytest.mark.parametrize("steps,snapshots", [(1, 1), (17, 1), (40, 3), (100, 6)])
def test_gradients_equal_store_all(step, params, steps, snapshots):
    value, (g_x, g_p) = chain_value_and_grad(step, X0, steps, snapshots, half_square, params)
    want_value, (want_x, want_p) = adkit.value_and_grad(
        store_all(step, steps, half_square), argnums=(0, 1))(X0, params)
    assert value == pytest.approx(want_value, rel=1e-13)
    np.testing.assert_allclose(g_x, want_x, rtol=1e-12, atol=1e-14)
    for got, want in zip(*(adkit.tree.flatten(t)[0] for t in (g_p, want_p))):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_without_params_and_under_forward_mode():
    step = lambda x: ode_step(x, W)  # noqa: E731
    f = store_all(lambda x, p: step(x), 25, half_square)
    g = chain_value_and_grad(step, X0, 25, 3, half_square)[1]
    np.testing.assert_allclose(g, adkit.grad(f)(X0, None), rtol=1e-12)
    v = np.ones(N)  # forward over the schedule: a Hessian-vector product
    hv = adkit.jvp(lambda x: chain_value_and_grad(step, x, 25, 3, half_square)[1], (X0,), (v,))[1]
    np.testing.assert_allclose(hv, adkit.hvp(lambda x: f(x, None), X0, v), rtol=1e-12)


@pytest.mark.parametrize("steps,snapshots", [(30, 2), (64, 4)])
def test_step_evaluations_are_the_steps_plus_the_schedules_forward_steps(steps, snapshots):
    calls = []

    def step(x, w):
        calls.append(1)
        return ode_step(x, w)

    with adkit.count() as c:
        chain_value_and_grad(step, X0, steps, snapshots, half_square, W)
    assert len(calls) == steps + optimal_forward_steps(steps, snapshots)
    assert c.recordings == c.reverse_passes == steps  # each step recorded once
    assert c.ops["eval"]["tanh"] == len(calls) and c.ops["record"]["tanh"] == steps


# memory: states of 20000 floats, an elementwise step, so states dominate
BIG = 20_000
XB, WB = np.linspace(-1.0, 1.0, BIG), np.linspace(0.5, 1.5, BIG)
STATE = XB.nbytes


def diag_step(x, w):
    return x + 0.1 * anp.tanh(w * x)


def peak_states(fn):
    """Peak bytes allocated while fn() runs, in states."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - base) / STATE
    finally:
        tracemalloc.stop()


def test_peak_memory_is_the_snapshots_plus_one_steps_working_set():
    def run(steps, snapshots):
        assert revolve(steps, snapshots).slots_used <= snapshots
        return peak_states(lambda: chain_value_and_grad(diag_step, XB, steps, snapshots,
                                                        half_square, WB))
    peaks = {s: run(40, s) for s in (1, 3, 6)}
    per_snapshot = (peaks[6] - peaks[1]) / 5
    assert 0.9 < per_snapshot < 1.1  # each snapshot costs one state ...
    assert abs(run(80, 3) - peaks[3]) < 0.5  # ... and the rest does not grow with the steps
    one_step = peak_states(lambda: adkit.vjp(lambda x, w: half_square(diag_step(x, w)), XB,
                                             WB)[1](1.0))
    assert peaks[1] - 1 < one_step + 10  # the rest: one recorded step, adjoints, x, w copies
    store = peak_states(lambda: adkit.grad(store_all(diag_step, 40, half_square),
                                           argnums=(0, 1))(XB, WB))
    assert store > 4 * 40 and peaks[6] < store / 5
