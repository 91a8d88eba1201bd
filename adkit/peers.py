"""The same workloads written for adkit and its peers, for timing them side by side.

`make_case(workload, library, size)` returns a Case: zero-argument callables `loss()` and
`grad()` on fixed data (converted to the library's arrays once, outside the timing) that
return the library's own results, and optionally `record()`, which keeps a recorded graph
alive (for tape memory). `reference(workload, size)` is the hand-written numpy answer, and
`check` compares a result with it. Peers are imported only when a case needs them, so
`import adkit` never loads torch, jax, autograd or micrograd. `time_rounds` times several
callables round by round, so they can be compared by per-round ratios on a noisy machine.

>>> from adkit import peers
>>> case = peers.make_case("logistic", "adkit", 10)
>>> peers.check("logistic", 10, case.loss(), case.grad()) < 1e-15   # max abs error
True
"""
import gc
import importlib.util
import statistics
import time
import tracemalloc
import types
from typing import Callable, NamedTuple, Optional

import numpy as np

from . import problems

LIBRARIES = ("adkit", "adkit_tensor", "numpy", "autograd", "micrograd", "torch", "jax",
             "jax_jit")
_MODULE = {"adkit": "adkit", "adkit_tensor": "adkit", "numpy": "numpy", "autograd": "autograd",
           "micrograd": "micrograd", "torch": "torch", "jax": "jax", "jax_jit": "jax"}
_PIP = {"autograd": "autograd", "micrograd": "micrograd", "torch": "torch", "jax": "jax jaxlib"}
LABELS = {"adkit": "adkit.grad", "adkit_tensor": "adkit.Tensor", "numpy": "numpy by hand",
          "autograd": "HIPS autograd", "micrograd": "micrograd", "torch": "PyTorch",
          "jax": "JAX eager", "jax_jit": "JAX jit"}


class Case(NamedTuple):
    """One workload for one library: loss() and grad() return the library's results."""
    loss: Callable
    grad: Callable
    record: Optional[Callable] = None  # () -> an object that keeps the recorded graph alive


class Reference(NamedTuple):
    loss: float
    grad: np.ndarray  # flat: every gradient entry, in the order as_numpy gives
    rtol: float
    atol: float


# ------------------------------------------------------------------ libraries ----

def available(library):
    """Is `library` (one of LIBRARIES) importable here? Nothing is imported to find out.

    >>> peers.available("numpy")
    True
    """
    if library not in _MODULE:
        raise ValueError(f"unknown library {library!r}; choose from {', '.join(LIBRARIES)}")
    try:
        return importlib.util.find_spec(_MODULE[library]) is not None
    except (ImportError, ValueError):
        return False


def missing_note(library):
    """The note a result row carries when `library` is absent."""
    module = _MODULE.get(library, library)
    return f"not installed (pip install {_PIP.get(module, module)})"


def version(library):
    """The installed version of `library`'s package, or None (reads metadata only)."""
    from importlib import metadata
    name = {"jax_jit": "jax", "adkit_tensor": "adkit"}.get(library, library)
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _anp():
    from . import numpy as anp
    return anp


def _agnp():
    import autograd.numpy as agnp
    return agnp


def _torch():
    import torch
    return torch


def _torch_ops():
    """torch's functions under numpy's names (what the generic workloads call)."""
    torch = _torch()
    return types.SimpleNamespace(sin=torch.sin, sum=torch.sum, mean=torch.mean, tanh=torch.tanh,
                                 maximum=torch.clamp_min, log1p=torch.log1p, exp=torch.exp,
                                 abs=torch.abs, reshape=torch.reshape)


def _jax():
    """jax and jax.numpy, with float64 enabled (a process-wide jax setting)."""
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax, jax.numpy


def _torch_tensor(a, requires_grad=False):
    torch = _torch()
    t = torch.tensor(a, dtype=torch.float64) if np.isscalar(a) else torch.from_numpy(
        np.array(a, dtype=np.float64))
    return t.requires_grad_(requires_grad)


def as_numpy(result):
    """A result (array, Tensor, tensor, float, or a list/tuple of them) as a flat array.

    >>> peers.as_numpy([np.ones(2), 3.0])
    array([1., 1., 3.])
    """
    if isinstance(result, (list, tuple)):
        parts = [as_numpy(r) for r in result]
        return np.concatenate(parts) if parts else np.zeros(0)
    if hasattr(result, "detach"):  # torch tensors (and adkit Tensors)
        result = result.detach()
    return np.asarray(result, dtype=np.float64).ravel()


# ---------------------------------------------------------- generic cases ----
# f(params, *data) written once with a numpy-like module; these make a Case of it.

def _adkit_case(loss_with, args):
    anp = _anp()
    import adkit
    f = lambda *a: loss_with(anp, *a)  # noqa: E731
    g = adkit.grad(f)
    return Case(lambda: f(*args), lambda: g(*args))


def _autograd_case(loss_with, args):
    import autograd
    agnp = _agnp()
    f = lambda *a: loss_with(agnp, *a)  # noqa: E731
    g = autograd.grad(f)
    return Case(lambda: f(*args), lambda: g(*args))


def _torch_case(loss_with, args):
    torch, ops = _torch(), _torch_ops()
    args = [_convert(a, _torch_tensor) for a in args]
    leaves = args[0] if isinstance(args[0], list) else [args[0]]
    for leaf in leaves:
        leaf.requires_grad_(True)

    def loss():
        with torch.no_grad():
            return loss_with(ops, *args)

    def grad():
        return torch.autograd.grad(loss_with(ops, *args), leaves)

    return Case(loss, grad)


def _jax_case(loss_with, args, jit):
    jax, jnp = _jax()
    args = [_convert(a, jnp.asarray) for a in args]
    f = lambda *a: loss_with(jnp, *a)  # noqa: E731
    g = jax.grad(f)
    if jit:
        f, g = jax.jit(f), jax.jit(g)
    return Case(lambda: jax.block_until_ready(f(*args)),
                lambda: jax.block_until_ready(g(*args)))


def _convert(a, to):
    return [to(v) for v in a] if isinstance(a, list) else to(a)


def _generic_case(library, loss_with, args):
    if library == "adkit":
        return _adkit_case(loss_with, args)
    if library == "autograd":
        return _autograd_case(loss_with, args)
    if library == "torch":
        return _torch_case(loss_with, args)
    if library in ("jax", "jax_jit"):
        return _jax_case(loss_with, args, jit=library == "jax_jit")
    raise ValueError(library)


# ----------------------------------------------------------------- a. chain ----

CHAIN_X = np.linspace(0.1, 1.0, 8)


def chain_steps(ops):
    """Steps of the chain with `ops` primitive applications (3 a step + the final sum)."""
    if not isinstance(ops, (int, np.integer)) or ops < 4 or (ops - 1) % 3:
        raise ValueError(f"chain: ops must be 3 k + 1 with k >= 1 (e.g. 100, 1000), got {ops!r}")
    return (ops - 1) // 3


def chain(mod, x, steps=333):
    """sum(x) after `steps` of x = sin(x) * 0.999 + 0.001, with mod's sin and sum.

    >>> peers.chain(np, np.zeros(2), steps=1)
    0.002
    """
    for _ in range(steps):
        x = mod.sin(x) * 0.999 + 0.001
    return mod.sum(x)


def chain_grad(x, steps=333):
    """The chain's gradient written out in numpy."""
    xs = []
    for _ in range(steps):
        xs.append(x)
        x = np.sin(x) * 0.999 + 0.001
    g = np.ones_like(x)
    for x in reversed(xs):
        g = g * 0.999 * np.cos(x)
    return g


def _chain_case(library, ops):
    steps = chain_steps(ops)
    loss_with = lambda mod, x: chain(mod, x, steps)  # noqa: E731
    x = CHAIN_X
    if library == "numpy":
        return Case(lambda: chain(np, x, steps), lambda: chain_grad(x, steps))
    if library == "adkit_tensor":
        import adkit
        anp = _anp()

        def grad():
            t = adkit.Tensor(x, requires_grad=True)
            chain(anp, t, steps).backward()
            return t.grad
        return Case(lambda: chain(anp, x, steps), grad)
    return _generic_case(library, loss_with, [x])


def _chain_reference(ops):
    steps = chain_steps(ops)
    return Reference(chain(np, CHAIN_X, steps), chain_grad(CHAIN_X, steps), 1e-9, 1e-12)


# -------------------------------------------------------------- b. logistic ----

_logistic_data = {}


def logistic_data(n):
    """X (256 x n), y and a starting w for the logistic workload (cached)."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"logistic: n must be a positive integer, got {n!r}")
    if n not in _logistic_data:
        _logistic_data.clear()  # one size at a time: X is 200 MB at n = 100000
        X, y = problems.logistic_data(n, rows=256, seed=1)
        _logistic_data[n] = (X, y, np.random.default_rng(2).standard_normal(n) * 0.1)
    return _logistic_data[n]


def logistic_loss(mod, w, X, y):
    """mean(softplus(-y * (X @ w))), softplus(t) = maximum(t, 0) + log1p(exp(-|t|))."""
    z = -y * (X @ w)
    return mod.mean(mod.maximum(z, 0.0) + mod.log1p(mod.exp(-mod.abs(z))))


def _logistic_case(library, n):
    X, y, w = logistic_data(n)
    if library == "numpy":
        return Case(lambda: logistic_loss(np, w, X, y),
                    lambda: problems.logistic_loss_grad(w, X, y))
    if library == "adkit":
        import adkit
        g = adkit.grad(problems.logistic_loss)
        return Case(lambda: problems.logistic_loss(w, X, y), lambda: g(w, X, y))
    if library == "adkit_tensor":
        import adkit

        def grad():
            t = adkit.Tensor(w, requires_grad=True)
            problems.logistic_loss(t, X, y).backward()
            return t.grad
        return Case(lambda: problems.logistic_loss(w, X, y), grad)
    return _generic_case(library, logistic_loss, [w, X, y])


def _logistic_reference(n):
    X, y, w = logistic_data(n)
    return Reference(logistic_loss(np, w, X, y), problems.logistic_loss_grad(w, X, y),
                     1e-9, 1e-13)


# ------------------------------------------------------------------- c. mlp ----

MLP_IN, MLP_OUT, MLP_BATCH = 32, 10, 64


def mlp_sizes(h):
    if not isinstance(h, (int, np.integer)) or h < 1:
        raise ValueError(f"mlp: the hidden width h must be a positive integer, got {h!r}")
    return [MLP_IN, h, h, MLP_OUT]


def mlp_data(h):
    """X (64 x 32), Y (64 x 10) and params [W1, b1, W2, b2, W3, b3] of a 32-h-h-10 MLP."""
    sizes = mlp_sizes(h)
    X, Y, theta = problems.mlp_data(sizes, batch=MLP_BATCH, seed=0)
    params, start = [], 0
    for wshape, bshape in problems.mlp_shapes(sizes):
        nw = wshape[0] * wshape[1]
        params += [theta[start:start + nw].reshape(wshape).copy(),
                   theta[start + nw:start + nw + bshape[0]].copy()]
        start += nw + bshape[0]
    return X, Y, params


def mlp_loss(mod, params, X, Y):
    """Mean squared error of a tanh MLP (linear output); params = [W1, b1, W2, b2, ...]."""
    h = X
    layers = len(params) // 2
    for i in range(layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < layers - 1:
            h = mod.tanh(h)
    err = h - Y
    return mod.mean(err * err)


def mlp_grad(params, X, Y):
    """mlp_loss's gradient by hand-written backpropagation: [dW1, db1, dW2, db2, ...]."""
    layers = len(params) // 2
    hs = [X]
    for i in range(layers):
        a = hs[-1] @ params[2 * i] + params[2 * i + 1]
        hs.append(np.tanh(a) if i < layers - 1 else a)
    err = hs[-1] - Y
    d = 2.0 * err / err.size
    grads = [None] * len(params)
    for i in reversed(range(layers)):
        grads[2 * i], grads[2 * i + 1] = hs[i].T @ d, d.sum(axis=0)
        if i:
            d = (d @ params[2 * i].T) * (1.0 - hs[i] * hs[i])
    return grads


def _mlp_case(library, h):
    X, Y, params = mlp_data(h)
    if library == "numpy":
        return Case(lambda: mlp_loss(np, params, X, Y), lambda: mlp_grad(params, X, Y))
    if library == "adkit_tensor":
        import adkit
        anp = _anp()
        leaves = [adkit.Tensor(p, requires_grad=True) for p in params]

        def grad():
            for t in leaves:
                t.grad = None
            mlp_loss(anp, leaves, X, Y).backward()
            return [t.grad for t in leaves]
        return Case(lambda: mlp_loss(anp, params, X, Y), grad)
    return _generic_case(library, mlp_loss, [params, X, Y])


def _mlp_reference(h):
    X, Y, params = mlp_data(h)
    return Reference(mlp_loss(np, params, X, Y), as_numpy(mlp_grad(params, X, Y)), 1e-9, 1e-13)


# ------------------------------------------------------------ d. scalar_mlp ----

SCALAR_MLP = dict(nin=2, nouts=[16, 16, 1])


def scalar_mlp_data(points):
    """moons(points) and the float weights of micrograd's MLP(2, [16, 16, 1])."""
    if not isinstance(points, (int, np.integer)) or points < 1:
        raise ValueError(f"scalar_mlp: points must be a positive integer, got {points!r}")
    X, y = problems.moons(points, seed=0)
    return X, y, problems.scalar_mlp_params(make=float, seed=0, **SCALAR_MLP)


def _wrap(params, make):
    return [[[make(v) for v in neuron] for neuron in layer] for layer in params]


def _flat(params):
    return [p for layer in params for neuron in layer for p in neuron]


def scalar_mlp_numpy(params, X, y, alpha=1e-4, with_grad=True):
    """(loss, flat gradient) of problems.scalar_mlp_loss, vectorized and by hand (the
    loss alone with with_grad=False)."""
    Ws = [np.array([neuron[:-1] for neuron in layer]).T for layer in params]
    bs = [np.array([neuron[-1] for neuron in layer]) for layer in params]
    hs, pre = [np.asarray(X, dtype=float)], []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        pre.append(hs[-1] @ W + b)
        hs.append(np.maximum(pre[-1], 0.0) if i < len(Ws) - 1 else pre[-1])
    y = np.asarray(y, dtype=float)
    margin = 1.0 - y * hs[-1][:, 0]
    theta = np.array(_flat(params))
    loss = float(np.maximum(margin, 0.0).sum() / len(y) + alpha * theta @ theta)
    if not with_grad:
        return loss
    d = (-(y * (margin > 0)) / len(y))[:, None]
    grads = []
    for i in reversed(range(len(Ws))):
        if i < len(Ws) - 1:
            d = d * (pre[i] > 0)  # relu's slope is 0 at 0, as in micrograd and adkit
        grads.append(np.c_[(hs[i].T @ d).T, d.sum(axis=0)].ravel())
        d = d @ Ws[i].T
    return loss, np.concatenate(grads[::-1]) + 2 * alpha * theta


def _scalar_mlp_case(library, points):
    X, y, params = scalar_mlp_data(points)
    loss_fn = problems.scalar_mlp_loss
    if library == "numpy":
        return Case(lambda: scalar_mlp_numpy(params, X, y, with_grad=False),
                    lambda: scalar_mlp_numpy(params, X, y)[1])
    if library == "adkit":
        import adkit
        vg = adkit.value_and_grad(loss_fn)

        def loss():
            with adkit.no_grad():
                return loss_fn(_wrap(params, adkit.Tensor), X, y)
        return Case(loss, lambda: vg(params, X, y)[1])
    if library in ("adkit_tensor", "micrograd", "torch"):
        make, untracked, grad_of = _scalar_makers(library)

        def grad():
            leaves = _wrap(params, make)
            loss_fn(leaves, X, y).backward()
            return [grad_of(p) for p in _flat(leaves)]
        return Case(lambda: untracked(lambda: loss_fn(_wrap(params, make), X, y)), grad)
    raise ValueError(library)


def _scalar_makers(library):
    """(make a tracked scalar, run a loss without recording, leaf -> its gradient)."""
    if library == "adkit_tensor":
        import adkit

        def untracked(f):
            with adkit.no_grad():
                return f()
        return (lambda v: adkit.Tensor(v, requires_grad=True)), untracked, lambda p: p.grad
    if library == "micrograd":
        from micrograd.engine import Value
        return Value, (lambda f: f().data), lambda p: p.grad
    torch = _torch()

    def untracked(f):
        with torch.no_grad():
            return f()
    return (lambda v: _torch_tensor(v, True)), untracked, lambda p: p.grad


def _scalar_mlp_reference(points):
    X, y, params = scalar_mlp_data(points)
    loss, grad = scalar_mlp_numpy(params, X, y)
    return Reference(loss, grad, 1e-9, 1e-12)


# ------------------------------------------------------------ e. deep_chain ----

DEEP_FACTOR = 1.0000001


def deep_chain(x, depth):
    """x * 1.0000001 repeated `depth` times: the longest chain backward must handle.

    >>> peers.deep_chain(1.0, 3) == 1.0000001 ** 3
    True
    """
    for _ in range(depth):
        x = x * DEEP_FACTOR
    return x


def deep_chain_grad(depth):
    """The chain's derivative by hand: the reverse sweep over the factors."""
    g = 1.0
    for _ in range(depth):
        g = g * DEEP_FACTOR
    return g


def _check_depth(depth):
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"deep_chain: depth must be a positive integer, got {depth!r}")
    return int(depth)


def _deep_chain_case(library, depth):
    d = _check_depth(depth)
    f = lambda x: deep_chain(x, d)  # noqa: E731
    if library == "numpy":
        return Case(lambda: f(1.0), lambda: deep_chain_grad(d))
    if library == "adkit":
        import adkit
        g = adkit.grad(f)
        return Case(lambda: f(1.0), lambda: g(1.0), lambda: adkit.vjp(f, 1.0))
    if library == "autograd":
        import autograd
        g = autograd.grad(f)
        return Case(lambda: f(1.0), lambda: g(1.0), lambda: autograd.make_vjp(f)(1.0))
    if library in ("adkit_tensor", "micrograd", "torch"):
        make, untracked, grad_of = _scalar_makers(library)

        def grad():
            x = make(1.0)
            f(x).backward()
            return grad_of(x)

        def record():
            x = make(1.0)
            return x, f(x)
        return Case(lambda: untracked(lambda: f(make(1.0))), grad,
                    None if library == "torch" else record)  # torch's tape is invisible
    if library in ("jax", "jax_jit"):
        jax, jnp = _jax()
        g = jax.grad(f)
        one = jnp.asarray(1.0)
        loss = jax.jit(f) if library == "jax_jit" else f
        g = jax.jit(g) if library == "jax_jit" else g
        return Case(lambda: jax.block_until_ready(loss(one)),
                    lambda: jax.block_until_ready(g(one)))
    raise ValueError(library)


def _deep_chain_reference(depth):
    d = _check_depth(depth)
    return Reference(deep_chain(1.0, d), np.array([DEEP_FACTOR ** d]), 1e-9, 0.0)


# ------------------------------------------------- the loss_scaling problems ----
# adkit.problems' four losses written once for every library, as loss(mod, x, *data,
# **static), for the peer methods of the loss_scaling experiment.

def sum_of_squares(mod, x):
    """sum x_i^2 (problems.sum_of_squares)."""
    return mod.sum(x * x)


def rosenbrock(mod, x):
    """sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2 (problems.rosenbrock)."""
    a, b = x[:-1], x[1:]
    return mod.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)


def mlp_flat_loss(mod, theta, X, Y, sizes):
    """problems.mlp_loss: mlp_loss with the layers sliced out of one flat vector theta."""
    params, start = [], 0
    for wshape, (nb,) in problems.mlp_shapes(sizes):
        nw = wshape[0] * wshape[1]
        params += [mod.reshape(theta[start:start + nw], wshape),
                   theta[start + nw:start + nw + nb]]
        start += nw + nb
    return mlp_loss(mod, params, X, Y)


LOSSES = {"sum_of_squares": sum_of_squares, "logistic_regression": logistic_loss,
          "rosenbrock": rosenbrock, "mlp": mlp_flat_loss}


def loss_case(problem, library, x, data=(), **static):
    """The Case of LOSSES[problem] for `library` (adkit, autograd, torch, jax or jax_jit)
    at the point x, with the arrays `data` converted once and `static` passed as is.

    >>> X, y = problems.logistic_data(5)
    >>> case = peers.loss_case("logistic_regression", "adkit", np.zeros(5), (X, y))
    >>> bool(np.allclose(case.grad(), problems.logistic_loss_grad(np.zeros(5), X, y)))
    True
    """
    if problem not in LOSSES:
        raise ValueError(f"unknown problem {problem!r}; choose from {', '.join(LOSSES)}")
    if library not in ("adkit", "autograd", "torch", "jax", "jax_jit"):
        raise ValueError(f"{problem}: no {library!r} version")
    if not available(library):
        raise ImportError(f"{library}: {missing_note(library)}")
    loss = LOSSES[problem]
    return _generic_case(library, lambda mod, *a: loss(mod, *a, **static), [x, *data])


# ------------------------------------------------------------------ registry ----

class Workload(NamedTuple):
    name: str
    description: str
    size_name: str  # what `size` means
    libraries: tuple
    make: Callable  # (library, size) -> Case
    reference: Callable  # size -> Reference
    scalar: bool  # many small graphs: time each call after a gc.collect()


_ARRAY_LIBS = ("adkit", "adkit_tensor", "numpy", "autograd", "torch", "jax", "jax_jit")
WORKLOADS = {w.name: w for w in [
    Workload("chain", "x = sin(x) * 0.999 + 0.001 on float64[8], then sum", "ops",
             _ARRAY_LIBS, _chain_case, _chain_reference, False),
    Workload("logistic", "mean logistic loss, X 256 x n", "n", _ARRAY_LIBS, _logistic_case,
             _logistic_reference, False),
    Workload("mlp", "MLP 32-h-h-10, tanh, mean squared error, batch 64", "h", _ARRAY_LIBS,
             _mlp_case, _mlp_reference, False),
    Workload("scalar_mlp", "micrograd's MLP(2, [16, 16, 1]) on moons: build + backward",
             "points", ("adkit", "adkit_tensor", "numpy", "micrograd", "torch"),
             _scalar_mlp_case, _scalar_mlp_reference, True),
    Workload("deep_chain", "y = x * 1.0000001 repeated `depth` times on a scalar", "depth",
             ("adkit", "adkit_tensor", "numpy", "autograd", "micrograd", "torch", "jax",
              "jax_jit"), _deep_chain_case, _deep_chain_reference, True),
]}


def workload(name):
    """The Workload called `name` (one of WORKLOADS)."""
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")
    return WORKLOADS[name]


def make_case(name, library, size):
    """The Case of workload `name` for `library` at `size` (n, h, points, ops or depth).

    >>> peers.make_case("chain", "numpy", 1000).grad().shape
    (8,)
    """
    w = workload(name)
    if library not in w.libraries:
        raise ValueError(f"{name}: no {library!r} version; it has {', '.join(w.libraries)}")
    if not available(library):
        raise ImportError(f"{library}: {missing_note(library)}")
    return w.make(library, size)


def reference(name, size):
    """The hand-written numpy loss and flat gradient, with the tolerances to check against."""
    return workload(name).reference(size)


def check(name, size, loss, grad, ref=None):
    """Assert that a library's loss and gradient match the numpy reference (assert_allclose);
    return the max absolute gradient error."""
    ref = ref or reference(name, size)
    g = as_numpy(grad)
    np.testing.assert_allclose(as_numpy(loss), [ref.loss], rtol=ref.rtol, atol=ref.atol,
                               err_msg=f"{name} (size {size}): loss")
    np.testing.assert_allclose(g, ref.grad, rtol=ref.rtol, atol=ref.atol,
                               err_msg=f"{name} (size {size}): gradient")
    return float(np.max(np.abs(g - ref.grad))) if g.size else 0.0


# ------------------------------------------------------------------- timing ----

def time_rounds(fns, rounds=5, budget=None, min_time=0.002, collect=False, freeze=True,
                known=None):
    """Time every callable of `fns` ({key: fn}) once a round, round after round (in a
    rotating order), so all meet the same machine speed; compare them by per-round ratios.

    A timing repeats fn to last about `min_time` s (calibrated on a warm-up call). After 3
    rounds, stops once `budget` s are spent. collect=True runs gc.collect() (untimed)
    before each timing; freeze=True moves the objects alive at the start out of the
    collector's sight (gc.freeze), so a library's garbage collections do not traverse
    the modules of the others (importing torch and jax slows micrograd down 1.7x).
    `known` maps keys to the seconds of an earlier warm call: those that took longer
    than min_time are not calibrated (saves a call of a slow function).
    Returns {key: [seconds per call, one per round]}.

    >>> t = peers.time_rounds({"a": lambda: sum(range(10)), "b": lambda: sum(range(10**4))})
    >>> peers.median_ratio(t["b"], t["a"]) > 1
    True
    """
    keys = list(fns)
    if not keys:
        return {}
    if freeze:
        gc.collect()
        gc.freeze()
    try:
        known = known or {}
        loops = {k: 1 if known.get(k, 0) >= min_time else _loops(fns[k], min_time)
                 for k in keys}
        times = {k: [] for k in keys}
        start = time.perf_counter()
        for r in range(rounds):
            for k in keys[r % len(keys):] + keys[:r % len(keys)]:
                if collect:
                    gc.collect()
                fn, n = fns[k], loops[k]
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                times[k].append((time.perf_counter() - t0) / n)
            if budget is not None and r + 1 >= min(3, rounds) and \
                    time.perf_counter() - start > budget:
                break
    finally:
        if freeze:
            gc.unfreeze()
    return times


def _loops(fn, min_time):
    """Calls per timing so that one lasts about min_time (a slow call is timed alone)."""
    for _ in range(2):  # the first call may be a cold one: then calibrate on a second
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return 1
    return max(1, min(10_000, int(min_time / dt))) if dt > 0 else 10_000


def median_ratio(a, b):
    """The median over rounds of a[r] / b[r] (two lists from one time_rounds call)."""
    if not a or len(a) != len(b):
        raise ValueError("median_ratio: need two equally long, non-empty lists of times")
    return statistics.median(x / y for x, y in zip(a, b))


def first_call(fn):
    """(seconds, result, exception) of one call of fn; a raised Exception is caught."""
    t0 = time.perf_counter()
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - the failure is the measurement
        return time.perf_counter() - t0, None, e
    return time.perf_counter() - t0, out, None


def recorded_bytes(record):
    """Bytes that tracemalloc sees held by the graph record() returns (Python objects and
    numpy buffers; C++ tapes such as torch's are invisible). The collector is paused
    meanwhile, so freeing older garbage does not hide part of the graph."""
    was_tracing, was_collecting = tracemalloc.is_tracing(), gc.isenabled()
    if not was_tracing:
        tracemalloc.start()
    gc.disable()
    try:
        base = tracemalloc.get_traced_memory()[0]
        graph = record()
        held = tracemalloc.get_traced_memory()[0] - base
        del graph
        return max(0, held)
    finally:
        if was_collecting:
            gc.enable()
        if not was_tracing:
            tracemalloc.stop()
