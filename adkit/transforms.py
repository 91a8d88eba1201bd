"""Transforms that choose or combine the two modes: jacobian(mode=...), recommend_mode,
hessian (any nesting of the two modes) and hvp."""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import counting
from . import tree as _tree
from .boundary import check_argnums, inputs_of, outputs_of
from .core import Value, float_dtype, shape_of
from .forward import check_chunk, default_chunk, jacfwd, jacobian_forward, jvp, jvp_batch
from .forward import grad as forward_grad
from .reverse import grad, jacobian_reverse, jacrev, vjp

MODES = ("auto", "forward", "reverse")


def _sizes(f, args, kwargs, argnums, fn="recommend_mode"):
    leaves, _, _ = inputs_of(args, argnums, fn)
    n = sum(int(np.prod(shape_of(x))) for x in leaves)
    out_leaves, _ = outputs_of(f(*args, **kwargs), fn)
    m = sum(int(np.prod(shape_of(y))) for y in out_leaves)
    return n, m


def _plural(count, word):
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('s') else 's'}"


def _passes_text(n, m, k):
    """'n=3 inputs, m=50 outputs: 50 reverse sweeps vs 3 forward passes' (+ the chunks)."""
    chunked = math.ceil(n / k) if n else 0
    text = (f"n={n} input{'s' * (n != 1)}, m={m} output{'s' * (m != 1)}: "
            f"{_plural(m, 'reverse sweep')} vs {_plural(n, 'forward pass')}")
    if k > 1 and chunked < n:
        text += f" ({_plural(chunked, 'chunked pass')} of {k} directions)"
    return text


def _choose(n, m, chunk=None):
    """The cheap rule of jacobian(mode="auto"): pass counts alone, forward when n <= m."""
    k = default_chunk(n) if chunk is None else chunk
    return ("forward" if n <= m else "reverse"), _passes_text(n, m, k)


# CPU seconds of this process: unlike the wall clock, not inflated by other programs that
# share the cores (on a busy 2-core machine the wall-clock ratio of two modes swung 1.2-3.5x
# from one timing to the next, the CPU-time ratio 1.4-1.5x). A coarse CPU clock: wall clock.
CLOCK = time.process_time if time.get_clock_info("process_time").resolution <= 1e-6 \
    else time.perf_counter


def _fastest(fn, budget=0.005, repeats=5):
    """(seconds, result): the fastest of up to `repeats` calls of fn (CLOCK), stopping
    once `budget` seconds are spent."""
    best, first, start = math.inf, None, CLOCK()
    for i in range(repeats):
        t0 = CLOCK()
        out = fn()
        best = min(best, CLOCK() - t0)
        first = out if i == 0 else first
        if CLOCK() - start > budget:
            break
    return best, first


_OVERHEAD = {}  # the transforms' own costs beyond their passes, measured once a process
_OVERHEAD_KEYS = ("jacfwd", "jacrev", "jacrev_output")


def transform_overheads() -> dict[str, float]:
    """Seconds jacfwd and jacrev spend beyond the passes they make (seeding, assembling
    the Jacobian, one-hot cotangents), measured once per process on f(x) = 2 x:
    {"jacfwd": per call, "jacrev": per call, "jacrev_output": per output}.

    >>> sorted(adkit.transforms.transform_overheads())
    ['jacfwd', 'jacrev', 'jacrev_output']
    """
    if not _OVERHEAD:
        def f0(x):
            return x * 2.0
        one, many = np.ones(1), np.ones(16)
        pull_one, pull_many = vjp(f0, one)[1], vjp(f0, many)[1]

        def t(fn):
            return _fastest(fn, budget=0.01, repeats=20)[0]
        with counting.paused():
            fwd = t(lambda: jacfwd(f0, chunk=1)(one)) - t(
                lambda: jvp_batch(f0, (one,), (np.ones((1, 1)),)))
            rev_one, rev_many = t(lambda: jacrev(f0)(one)), t(lambda: jacrev(f0)(many))
            per_output = max(0.0, (rev_many - rev_one) / 15 - t(lambda: pull_many(many)))
            rev = rev_one - t(lambda: vjp(f0, one)) - t(lambda: pull_one(one)) - per_output
        _OVERHEAD.update(jacfwd=max(0.0, fwd), jacrev=max(0.0, rev), jacrev_output=per_output)
    return dict(_OVERHEAD)


def _basis(leaves, k):
    """Tangents for one pass of k directions: the first k basis vectors of the inputs."""
    out, offset = [], 0
    for x in leaves:
        size = int(np.prod(shape_of(x)))
        t = np.zeros((k, size), dtype=float_dtype(x))
        i = np.arange(max(0, min(k - offset, size)))
        t[i + offset, i] = 1.0
        out.append(t.reshape((k,) + shape_of(x)))
        offset += size
    return out


def jacobian_costs(f: Callable, *args: Any, argnums: int | tuple[int, ...] = 0,
                   chunk: int | None = None, **kwargs: Any) -> dict[str, Any]:
    """The estimated time of f's full Jacobian by each mode, from one measured forward
    pass of k directions, one recording and one sweep (the fastest of a few, within
    about 5 ms each) and adkit.count()'s ops in each:

        forward = ceil(n / k) passes x (one pass)        + jacfwd's own overhead
        reverse = one recording + m x (one sweep)         + jacrev's own overheads

    (see transform_overheads). Costs about 3 passes, more for the repeats of a fast f;
    nothing it runs is counted by an open adkit.count().

    >>> c = adkit.transforms.jacobian_costs(lambda x: anp.tanh(x), np.ones(3), chunk=1)
    >>> c["forward_passes"], c["reverse_sweeps"], c["jvp_ops"], c["vjp_ops"]
    (3, 3, 1, 1)
    """
    check_argnums(argnums)
    leaves, _, rebuild = inputs_of(args, argnums, "recommend_mode")
    n = sum(int(np.prod(shape_of(x))) for x in leaves)
    k = check_chunk(chunk, n, "recommend_mode")

    def g(*xs):
        out = f(*rebuild(list(xs)), **kwargs)
        outputs_of(out, "recommend_mode")  # bad outputs named as the caller's, not vjp's
        return out
    with counting.paused():
        with counting.count() as c_rec:
            y, pullback = vjp(g, *leaves)
        out_leaves, out_spec = outputs_of(y, "recommend_mode")
        m = sum(int(np.prod(shape_of(v))) for v in out_leaves)
        ones = _tree.unflatten(out_spec, [np.ones_like(v, dtype=float_dtype(v))
                                          if shape_of(v) else 1.0 for v in out_leaves])
        seeds = tuple(_basis(leaves, k))
        c_pass = c_sweep = counting.Count()
        t_pass = t_rec = t_sweep = 0.0
        if n and m:  # else the Jacobian is empty: nothing to time
            with counting.count() as c_pass:
                jvp_batch(g, tuple(leaves), seeds)
            with counting.count() as c_sweep:
                pullback(ones)
            t_pass = _fastest(lambda: jvp_batch(g, tuple(leaves), seeds))[0]
            t_rec, (_, pullback) = _fastest(lambda: vjp(g, *leaves))
            t_sweep = _fastest(lambda: pullback(ones))[0]
    over = transform_overheads() if n and m else dict.fromkeys(_OVERHEAD_KEYS, 0.0)
    passes = math.ceil(n / k) if n else 0
    return {"n": n, "m": m, "chunk": k, "forward_passes": passes, "reverse_sweeps": m,
            "time_pass": t_pass, "time_recording": t_rec, "time_sweep": t_sweep,
            "jvp_ops": c_pass.total("jvp"), "record_ops": c_rec.total("record"),
            "vjp_ops": c_sweep.total("vjp"),
            "forward": over["jacfwd"] + passes * t_pass,
            "reverse": over["jacrev"] + t_rec + m * (t_sweep + over["jacrev_output"])}


def _seconds(t):
    return f"{t * 1e6:.3g} us" if t < 1e-3 else f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def recommend_mode(f: Callable, *args: Any, argnums: int | tuple[int, ...] = 0,
                   chunk: int | None = None, **kwargs: Any) -> tuple[str, str]:
    """Which mode computes the full Jacobian of f at args faster, and why: the mode with
    the smaller estimate of jacobian_costs (measured passes and sweeps, not pass counts
    alone, so ties n = m go to the cheaper of a forward pass and a sweep).

    >>> adkit.recommend_mode(lambda x: (x ** 2).sum(), np.ones(1000))
    ('reverse', 'n=1000 inputs, m=1 output: 1 reverse sweep vs 1000 forward passes ...')
    """
    return choose_mode(jacobian_costs(f, *args, argnums=argnums, chunk=chunk, **kwargs))


def choose_mode(costs: dict[str, Any]) -> tuple[str, str]:
    """(mode, reason) from jacobian_costs' estimates: the cheaper mode, forward on a tie
    (an empty Jacobian: the pass-count rule).

    >>> choose_mode({"n": 4, "m": 4, "chunk": 1, "time_pass": 2e-5, "jvp_ops": 2,
    ...              "time_recording": 1e-5, "time_sweep": 1e-5, "vjp_ops": 2,
    ...              "forward": 8e-5, "reverse": 5e-5})[1]
    'n=4 inputs, m=4 outputs: 4 reverse sweeps vs 4 forward passes; measured a forward
    pass of 1 direction 20 us (2 JVP rules), a recording 10 us and a sweep 10 us (2 VJP
    rules): forward mode about 80 us, reverse mode about 50 us'
    """
    n, m, k = costs["n"], costs["m"], costs["chunk"]
    if n == 0 or m == 0:  # an empty Jacobian: nothing was measured
        return _choose(n, m, k)
    c = costs
    mode = "forward" if c["forward"] <= c["reverse"] else "reverse"
    return mode, (f"{_passes_text(n, m, k)}; measured a forward pass of "
                  f"{_plural(k, 'direction')} {_seconds(c['time_pass'])} "
                  f"({_plural(c['jvp_ops'], 'JVP rule')}), a recording "
                  f"{_seconds(c['time_recording'])} and a sweep {_seconds(c['time_sweep'])} "
                  f"({_plural(c['vjp_ops'], 'VJP rule')}): forward mode about "
                  f"{_seconds(c['forward'])}, reverse mode about {_seconds(c['reverse'])}")


def jacobian(f: Callable, mode: str = "auto", argnums: int | tuple[int, ...] = 0,
             chunk: int | None = None) -> Callable:
    """The Jacobian (shape out.shape + in.shape) by the mode you pick, or by the one
    with fewer passes (mode="auto": forward when n <= m, else reverse).

    "auto" counts passes and measures nothing: recommend_mode's calibration costs about
    three passes, as much as a better choice saves near n = m (where the two modes are
    within a factor of about 2) and pure waste away from it. To choose by measurement,
    call recommend_mode once and pass its mode for every x of the same shapes.

    >>> adkit.jacobian(lambda x: x ** 2, mode="reverse")(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if mode not in MODES:
        raise ValueError(f"jacobian: mode={mode!r}; choose one of {MODES}")
    check_argnums(argnums)

    def jac_fn(*args, **kwargs):
        chosen = mode
        if mode == "auto":
            chosen = _choose(*_sizes(f, args, kwargs, argnums, "jacobian"))[0]
        if chosen == "forward":
            return jacobian_forward(f, args, kwargs, argnums, chunk)[1]
        return jacobian_reverse(f, args, kwargs, argnums)[1]

    return jac_fn


HESSIAN_MODES = {
    # outer-over-inner: the inner mode makes the gradient, the outer one differentiates it
    "forward-over-reverse": lambda f, argnums, chunk: jacfwd(grad(f, argnums), argnums, chunk),
    "forward-over-forward": lambda f, argnums, chunk: jacfwd(
        forward_grad(f, argnums, chunk), argnums, chunk),
    "reverse-over-reverse": lambda f, argnums, chunk: jacrev(grad(f, argnums), argnums),
    "reverse-over-forward": lambda f, argnums, chunk: jacrev(
        forward_grad(f, argnums, chunk), argnums),
}


def hessian(f: Callable, argnums: int | tuple[int, ...] = 0,
            mode: str = "forward-over-reverse", chunk: int | None = None) -> Callable:
    """The Hessian of a scalar f (shape in.shape + in.shape), by two nested modes.

    The default, forward over reverse, takes ceil(n / chunk) forward passes through one
    reverse-mode gradient each; mode= picks any of HESSIAN_MODES for comparison.

    >>> adkit.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    if mode not in HESSIAN_MODES:
        raise ValueError(f"hessian: mode={mode!r}; choose one of {tuple(HESSIAN_MODES)}")
    check_argnums(argnums)
    return HESSIAN_MODES[mode](f, argnums, chunk)


def hvp(f: Callable, x: ArrayLike, v: ArrayLike, *args: Any, **kwargs: Any) -> Value:
    """The Hessian-vector product H(x) @ v without forming H: one forward pass (direction
    v) through one reverse-mode gradient, whatever n is. Extra args go to f.

    >>> adkit.hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    array([6., 0.])
    """
    return jvp(lambda x: grad(f)(x, *args, **kwargs), (x,), (v,))[1]
