"""Adapters: the workloads of adkit.study.workloads as Cases for adkit and its peers.

`make_case(workload, library, size)` returns a Case: zero-argument callables `loss()` and
`grad()` on fixed data (converted to the library's arrays once, outside the timing) that
return the library's own results, and optionally `record()`, which keeps a recorded graph
alive (for tape memory). `reference(workload, size)` is the hand-written numpy answer, and
`check` compares a result with it. Peers are imported only when a case needs them, so
importing this module never loads torch, jax, autograd or micrograd.

>>> from adkit.study import peers
>>> case = peers.make_case("logistic", "adkit", 10)
>>> peers.check("logistic", 10, case.loss(), case.grad()) < 1e-15   # max abs error
True
"""
import importlib.util
import types
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any, NamedTuple

import numpy as np

import adkit
import adkit.numpy as anp
from adkit import tree

from . import workloads

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
    record: Callable | None = None  # () -> an object that keeps the recorded graph alive


class Reference(NamedTuple):
    loss: float
    grad: np.ndarray  # flat: every gradient entry, in the order as_numpy gives
    rtol: float
    atol: float


# ------------------------------------------------------------------ libraries ----

def available(library: str) -> bool:
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


def missing_note(library: str) -> str:
    """The note a result row carries when `library` is absent.

    >>> peers.missing_note("jax_jit")
    'not installed (pip install jax jaxlib)'
    """
    module = _MODULE.get(library, library)
    return f"not installed (pip install {_PIP.get(module, module)})"


def version(library: str) -> str | None:
    """The installed version of `library`'s package, or None (reads metadata only).

    >>> peers.version("numpy") == np.__version__
    True
    """
    name = {"jax_jit": "jax", "adkit_tensor": "adkit"}.get(library, library)
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def namespace(library: str) -> Any:
    """The array namespace `xp` the workloads run on for `library` (imports it).

    >>> peers.namespace("numpy") is np, peers.namespace("adkit_tensor") is anp
    (True, True)
    """
    if library in ("adkit", "adkit_tensor"):
        return anp
    if library == "numpy":
        return np
    if library == "autograd":
        import autograd.numpy as agnp
        return agnp
    if library == "torch":
        torch = _torch()  # torch's functions under numpy's names
        return types.SimpleNamespace(sin=torch.sin, sum=torch.sum, mean=torch.mean,
                                     tanh=torch.tanh, maximum=torch.clamp_min,
                                     log1p=torch.log1p, exp=torch.exp, abs=torch.abs,
                                     log=torch.log, reshape=torch.reshape)
    if library in ("jax", "jax_jit"):
        return _jax().numpy
    raise ValueError(f"{library!r} has no array namespace")


def _torch():
    import torch
    return torch


def _jax():
    """jax, with float64 enabled (a process-wide jax setting)."""
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _torch_tensor(a, requires_grad=False):
    torch = _torch()
    t = torch.tensor(a, dtype=torch.float64) if np.isscalar(a) else torch.from_numpy(
        np.array(a, dtype=np.float64))
    return t.requires_grad_(requires_grad)


def as_numpy(result: Any) -> np.ndarray:
    """A result (array, Tensor, tensor, float, or a list/tuple of them) as a flat array.

    >>> peers.as_numpy([np.ones(2), (3.0,)])
    array([1., 1., 3.])
    """
    if isinstance(result, (list, tuple)):
        parts = [as_numpy(r) for r in result]
        return np.concatenate(parts) if parts else np.zeros(0)
    if hasattr(result, "detach"):  # torch tensors (and adkit Tensors)
        result = result.detach()
    return np.asarray(result, dtype=np.float64).ravel()


# ------------------------------------------------------------ array cases ----
# loss(*args, xp=...) from adkit.study.workloads; args[0] (an array or a list/tuple of
# them) is what the gradient is taken with respect to.

def _array_case(library, loss, args):
    """The Case of loss on args for an array library (not numpy: it has no autodiff)."""
    xp = namespace(library)

    def f(*a):
        return loss(*a, xp=xp)

    if library == "adkit_tensor":
        return _tensor_case(f, args)
    if library == "torch":
        return _torch_case(f, args)
    if library in ("jax", "jax_jit"):
        jax = _jax()
        args = [tree.tree_map(xp.asarray, a) for a in args]
        g = jax.grad(f)
        if library == "jax_jit":
            f, g = jax.jit(f), jax.jit(g)
        return Case(lambda: jax.block_until_ready(f(*args)),
                    lambda: jax.block_until_ready(g(*args)))
    if library == "autograd":
        import autograd
        g = autograd.grad(f)
    elif library == "adkit":
        g = adkit.grad(f)
    else:
        raise ValueError(f"{library!r} has no array version")
    return Case(lambda: f(*args), lambda: g(*args))


def _tensor_case(f, args):
    """adkit.Tensor leaves for args[0], backward() for the gradient."""
    params = tree.tree_map(lambda a: adkit.Tensor(a, requires_grad=True), args[0])
    leaves = tree.flatten(params)[0]

    def grad():
        for t in leaves:
            t.grad = None
        f(params, *args[1:]).backward()
        return [t.grad for t in leaves]

    return Case(lambda: f(*args), grad)


def _torch_case(f, args):
    torch = _torch()
    args = [tree.tree_map(_torch_tensor, a) for a in args]
    leaves = tree.flatten(args[0])[0]
    for leaf in leaves:
        leaf.requires_grad_(True)

    def loss():
        with torch.no_grad():
            return f(*args)

    return Case(loss, lambda: torch.autograd.grad(f(*args), leaves))


class _ArrayWorkload(NamedTuple):
    """An array workload at one size: loss(*args, xp=...) and its numpy gradient by hand."""
    loss: Callable
    grad_by_hand: Callable
    args: list


def _array_maker(at_size):
    """(library, size) -> Case for an array workload given at_size(size) -> _ArrayWorkload."""
    def make(library, size):
        w = at_size(size)
        if library == "numpy":
            return Case(lambda: w.loss(*w.args, xp=np), lambda: w.grad_by_hand(*w.args))
        return _array_case(library, w.loss, w.args)
    return make


def _array_reference(at_size, rtol, atol):
    """size -> Reference for an array workload: numpy's loss and the gradient by hand."""
    def reference(size):
        w = at_size(size)
        return Reference(w.loss(*w.args, xp=np), as_numpy(w.grad_by_hand(*w.args)), rtol, atol)
    return reference


def _positive(name, what, value):
    if not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}: {what} must be a positive integer, got {value!r}")
    return int(value)


# ----------------------------------------------------------------- a. chain ----

CHAIN_X = np.linspace(0.1, 1.0, 8)


def chain_steps(ops: int) -> int:
    """Steps of the sin chain with `ops` primitive applications (3 a step + the final sum).

    >>> peers.chain_steps(1000)
    333
    """
    if not isinstance(ops, (int, np.integer)) or ops < 4 or (ops - 1) % 3:
        raise ValueError(f"chain: ops must be 3 k + 1 with k >= 1 (e.g. 100, 1000), got {ops!r}")
    return (ops - 1) // 3


def _chain(ops):
    steps = chain_steps(ops)
    return _ArrayWorkload(lambda x, xp: workloads.sin_chain(x, steps, xp=xp),
                          lambda x: workloads.sin_chain_grad(x, steps), [CHAIN_X])


# -------------------------------------------------------------- b. logistic ----

_logistic_args = {}


def logistic_args(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """w, X (256 x n) and y of the logistic workload (cached, one size at a time).

    >>> [a.shape for a in peers.logistic_args(3)]
    [(3,), (256, 3), (256,)]
    """
    _positive("logistic", "n", n)
    if n not in _logistic_args:
        _logistic_args.clear()  # one size at a time: X is 200 MB at n = 100000
        X, y = workloads.logistic_data(n, rows=256, seed=1)
        _logistic_args[n] = (np.random.default_rng(2).standard_normal(n) * 0.1, X, y)
    return _logistic_args[n]


def _logistic(n):
    return _ArrayWorkload(workloads.logistic_loss, workloads.logistic_loss_grad,
                          list(logistic_args(n)))


# ------------------------------------------------------------------- c. mlp ----

MLP_IN, MLP_OUT, MLP_BATCH = 32, 10, 64


def mlp_args(h: int) -> tuple[list, np.ndarray, np.ndarray]:
    """params [(W1, b1), (W2, b2), (W3, b3)] of a 32-h-h-10 MLP, X (64 x 32), Y (64 x 10).

    >>> params, X, Y = peers.mlp_args(4)
    >>> [W.shape for W, b in params], X.shape, Y.shape
    ([(32, 4), (4, 4), (4, 10)], (64, 32), (64, 10))
    """
    sizes = [MLP_IN, _positive("mlp", "the hidden width h", h), h, MLP_OUT]
    X, Y, theta = workloads.mlp_data(sizes, batch=MLP_BATCH, seed=0)
    return workloads.mlp_unflatten(theta, sizes, xp=np), X, Y


def _mlp(h):
    return _ArrayWorkload(workloads.mlp_params_loss, workloads.mlp_params_grad,
                          list(mlp_args(h)))


# ------------------------------------------------------------ d. scalar_mlp ----

SCALAR_MLP = dict(nin=2, nouts=[16, 16, 1])


def scalar_mlp_args(points: int) -> tuple[list, list, list]:
    """The float weights of micrograd's MLP(2, [16, 16, 1]) and moons(points): X and y.

    >>> params, X, y = peers.scalar_mlp_args(5)
    >>> [len(layer) for layer in params], len(X), len(y)
    ([16, 16, 1], 5, 5)
    """
    X, y = workloads.moons(_positive("scalar_mlp", "points", points), seed=0)
    return workloads.scalar_mlp_params(make=float, seed=0, **SCALAR_MLP), X, y


def _scalar_mlp_case(library, points):
    params, X, y = scalar_mlp_args(points)
    loss_fn = workloads.scalar_mlp_loss
    if library == "numpy":
        return Case(lambda: workloads.scalar_mlp_by_hand(params, X, y, with_grad=False),
                    lambda: workloads.scalar_mlp_by_hand(params, X, y)[1])
    if library == "adkit":
        vg = adkit.value_and_grad(loss_fn)

        def loss():
            with adkit.no_grad():
                return loss_fn(tree.tree_map(adkit.Tensor, params), X, y)
        return Case(loss, lambda: vg(params, X, y)[1])
    if library in ("adkit_tensor", "micrograd", "torch"):
        make, untracked, grad_of = _scalar_makers(library)

        def grad():
            leaves = tree.tree_map(make, params)
            loss_fn(leaves, X, y).backward()
            return [grad_of(p) for p in tree.flatten(leaves)[0]]
        return Case(lambda: untracked(lambda: loss_fn(tree.tree_map(make, params), X, y)), grad)
    raise ValueError(library)


def _scalar_makers(library):
    """(make a tracked scalar, run a loss without recording, leaf -> its gradient)."""
    if library == "adkit_tensor":
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
    loss, grad = workloads.scalar_mlp_by_hand(*scalar_mlp_args(points))
    return Reference(loss, grad, 1e-9, 1e-12)


# ------------------------------------------------------------ e. deep_chain ----

def _deep_chain_case(library, depth):
    d = _positive("deep_chain", "depth", depth)

    def f(x):
        return workloads.deep_chain(x, d)

    if library == "numpy":
        return Case(lambda: f(1.0), lambda: workloads.deep_chain_grad(d))
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
    case = _array_case(library, lambda x, xp: f(x), [1.0])  # adkit, autograd, jax, jax_jit
    if library == "adkit":
        return case._replace(record=lambda: adkit.vjp(f, 1.0))
    if library == "autograd":
        import autograd
        return case._replace(record=lambda: autograd.make_vjp(f)(1.0))
    return case


def _deep_chain_reference(depth):
    d = _positive("deep_chain", "depth", depth)
    return Reference(workloads.deep_chain(1.0, d), np.array([workloads.DEEP_FACTOR ** d]),
                     1e-9, 0.0)


# ------------------------------------------------- the loss_scaling problems ----

def loss_case(problem: str, library: str, x: np.ndarray, data: Sequence = (),
              **static: Any) -> Case:
    """The Case of workloads.LOSSES[problem] for `library` (adkit, autograd, torch, jax or
    jax_jit) at the point x, with the arrays `data` converted once and `static` passed as is.

    >>> X, y = workloads.logistic_data(5)
    >>> case = peers.loss_case("logistic_regression", "adkit", np.zeros(5), (X, y))
    >>> bool(np.allclose(case.grad(), workloads.logistic_loss_grad(np.zeros(5), X, y)))
    True
    """
    if problem not in workloads.LOSSES:
        raise ValueError(f"unknown problem {problem!r}; choose from "
                         f"{', '.join(workloads.LOSSES)}")
    if library not in ("adkit", "autograd", "torch", "jax", "jax_jit"):
        raise ValueError(f"{problem}: no {library!r} version")
    if not available(library):
        raise ImportError(f"{library}: {missing_note(library)}")
    loss = workloads.LOSSES[problem]
    return _array_case(library, lambda *a, xp: loss(*a, xp=xp, **static), [x, *data])


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
             _ARRAY_LIBS, _array_maker(_chain), _array_reference(_chain, 1e-9, 1e-12), False),
    Workload("logistic", "mean logistic loss, X 256 x n", "n", _ARRAY_LIBS,
             _array_maker(_logistic), _array_reference(_logistic, 1e-9, 1e-13), False),
    Workload("mlp", "MLP 32-h-h-10, tanh, mean squared error, batch 64", "h", _ARRAY_LIBS,
             _array_maker(_mlp), _array_reference(_mlp, 1e-9, 1e-13), False),
    Workload("scalar_mlp", "micrograd's MLP(2, [16, 16, 1]) on moons: build + backward",
             "points", ("adkit", "adkit_tensor", "numpy", "micrograd", "torch"),
             _scalar_mlp_case, _scalar_mlp_reference, True),
    Workload("deep_chain", "y = x * 1.0000001 repeated `depth` times on a scalar", "depth",
             LIBRARIES, _deep_chain_case, _deep_chain_reference, True),
]}


def workload(name: str) -> Workload:
    """The Workload called `name` (one of WORKLOADS).

    >>> peers.workload("mlp").size_name
    'h'
    """
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")
    return WORKLOADS[name]


def make_case(name: str, library: str, size: int) -> Case:
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


def reference(name: str, size: int) -> Reference:
    """The hand-written numpy loss and flat gradient, with the tolerances to check against.

    >>> peers.reference("deep_chain", 2).grad
    array([1.0000002])
    """
    return workload(name).reference(size)


def check(name: str, size: int, loss: Any, grad: Any, ref: Reference | None = None) -> float:
    """Assert that a library's loss and gradient match the numpy reference (assert_allclose);
    return the max absolute gradient error.

    >>> peers.check("deep_chain", 2, 1.0000001 ** 2, 1.0000001 ** 2)
    0.0
    """
    ref = ref or reference(name, size)
    g = as_numpy(grad)
    np.testing.assert_allclose(as_numpy(loss), [ref.loss], rtol=ref.rtol, atol=ref.atol,
                               err_msg=f"{name} (size {size}): loss")
    np.testing.assert_allclose(g, ref.grad, rtol=ref.rtol, atol=ref.atol,
                               err_msg=f"{name} (size {size}): gradient")
    return float(np.max(np.abs(g - ref.grad))) if g.size else 0.0
