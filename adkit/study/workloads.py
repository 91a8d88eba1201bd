"""The study's workloads, each written once over an array namespace `xp`.

Every function takes its array module as the keyword `xp` (adkit.numpy by default), so
the same body runs on plain arrays, on adkit's boxes (giving derivatives) and, through
adkit.study.peers, on numpy, HIPS autograd, PyTorch and JAX. Beside each workload: its
hand-written numpy gradient or Jacobian (`*_grad`, `*_jacobian`) and its data maker.
Workloads that call no array function (deep_chain, the scalar MLP) take no `xp`.

>>> from adkit.study import workloads
>>> workloads.baydin(2.0, 5.0)
11.652071455223084
>>> adkit.hessian(workloads.rosenbrock)(np.ones(2))
array([[ 802., -400.],
       [-400.,  200.]])
>>> float(workloads.rosenbrock(np.zeros(3), xp=np))
2.0
"""
import math
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

import adkit.numpy as anp

Array = Any  # an array of whichever library `xp` belongs to (or an adkit box)
Params = list  # an MLP's [(W1, b1), (W2, b2), ...]

# Baydin et al. (2018), "Automatic differentiation in machine learning: a survey", Fig. 1
BAYDIN_POINT = (2.0, 5.0)
BAYDIN_VALUE = 11.652071455223084
BAYDIN_GRAD = (5.5, 1.7163378145367738)


def baydin(x1: Array, x2: Array, *, xp: ModuleType = anp) -> Array:
    """f(x1, x2) = ln x1 + x1 x2 - sin x2, the running example of Baydin et al. 2018.

    >>> adkit.grad(workloads.baydin, argnums=(0, 1))(*workloads.BAYDIN_POINT)
    (5.5, 1.7163378145367738)
    """
    return xp.log(x1) + x1 * x2 - xp.sin(x2)


# ------------------------------------------------------------- scalar losses ----

def sum_of_squares(x: Array, *, xp: ModuleType = anp) -> Array:
    """sum x_i^2; gradient 2x.

    >>> float(workloads.sum_of_squares(np.array([1.0, 2.0])))
    5.0
    """
    return xp.sum(x * x)


def sum_of_squares_grad(x: Array) -> np.ndarray:
    """sum_of_squares' gradient by hand: 2x.

    >>> workloads.sum_of_squares_grad([1.0, 2.0])
    array([2., 4.])
    """
    return 2 * np.asarray(x)


def rosenbrock(x: Array, *, xp: ModuleType = anp) -> Array:
    """sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2; minimum 0 at x = (1, ..., 1).

    >>> float(workloads.rosenbrock(np.ones(4)))
    0.0
    """
    a, b = x[:-1], x[1:]
    return xp.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)


def rosenbrock_grad(x: Array) -> np.ndarray:
    """rosenbrock's gradient by hand.

    >>> workloads.rosenbrock_grad([0.0, 0.0])
    array([-2.,  0.])
    """
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    a, b = x[:-1], x[1:]
    g[:-1] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a)
    g[1:] += 200.0 * (b - a * a)
    return g


def softplus(t: Array, *, xp: ModuleType = anp) -> Array:
    """log(1 + exp(t)) without overflow: maximum(t, 0) + log1p(exp(-|t|)).

    >>> float(workloads.softplus(1000.0, xp=np))
    1000.0
    """
    return xp.maximum(t, 0.0) + xp.log1p(xp.exp(-xp.abs(t)))


def logistic_data(n: int, rows: int = 256, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixed data set for logistic regression: X (rows x n), labels y in {-1, +1}.

    >>> X, y = workloads.logistic_data(3, rows=4)
    >>> X.shape, set(y) <= {-1.0, 1.0}
    ((4, 3), True)
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, n)) / math.sqrt(n)
    w_true = rng.standard_normal(n)
    y = np.where(X @ w_true + 0.1 * rng.standard_normal(rows) > 0, 1.0, -1.0)
    return X, y


def logistic_loss(w: Array, X: np.ndarray, y: np.ndarray, *, xp: ModuleType = anp) -> Array:
    """Mean logistic loss: mean(log(1 + exp(-y * (X @ w)))).

    >>> X, y = workloads.logistic_data(3)
    >>> round(float(workloads.logistic_loss(np.zeros(3), X, y)), 6)   # log 2
    0.693147
    """
    return xp.mean(softplus(-y * (X @ w), xp=xp))


def logistic_loss_grad(w: Array, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """logistic_loss's gradient by hand.

    >>> X, y = workloads.logistic_data(3)
    >>> w = np.ones(3)
    >>> bool(np.allclose(adkit.grad(workloads.logistic_loss)(w, X, y),
    ...                  workloads.logistic_loss_grad(w, X, y)))
    True
    """
    z = -y * (X @ w)
    return X.T @ (-y / (1.0 + np.exp(-z))) / len(y)


# ---------------------------------------------------------------------- MLPs ----
# One body (mlp_predict) for both forms: params [(W1, b1), (W2, b2), ...] or all the
# weights in one flat vector theta, split by mlp_unflatten.

def mlp_shapes(sizes: Sequence[int]) -> list[tuple[tuple[int, int], tuple[int]]]:
    """Weight and bias shapes of a dense network with layer widths `sizes`.

    >>> workloads.mlp_shapes([3, 4, 2])
    [((3, 4), (4,)), ((4, 2), (2,))]
    """
    return [((m, n), (n,)) for m, n in zip(sizes[:-1], sizes[1:])]


def mlp_size(sizes: Sequence[int]) -> int:
    """How many weights and biases a dense network with layer widths `sizes` has.

    >>> workloads.mlp_size([3, 4, 2])
    26
    """
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


def mlp_unflatten(theta: Array, sizes: Sequence[int], *, xp: ModuleType = anp) -> Params:
    """Split a flat parameter vector into [(W, b), ...] (slices and reshapes: differentiable).

    >>> [(W.shape, b.shape) for W, b in workloads.mlp_unflatten(np.zeros(26), [3, 4, 2])]
    [((3, 4), (4,)), ((4, 2), (2,))]
    """
    params, start = [], 0
    for wshape, (nb,) in mlp_shapes(sizes):
        nw = wshape[0] * wshape[1]
        params.append((xp.reshape(theta[start:start + nw], wshape),
                       theta[start + nw:start + nw + nb]))
        start += nw + nb
    return params


def mlp_predict(params: Params, X: Array, *, xp: ModuleType = anp) -> Array:
    """The output of a tanh MLP (linear last layer) with params [(W, b), ...] on inputs X.

    >>> workloads.mlp_predict([(np.ones((2, 1)), np.zeros(1))], np.array([[1.0, 2.0]]))
    array([[3.]])
    """
    h = X
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = xp.tanh(h)
    return h


def mlp_params_loss(params: Params, X: Array, Y: Array, *, xp: ModuleType = anp) -> Array:
    """Mean squared error of mlp_predict(params, X) against Y.

    >>> float(workloads.mlp_params_loss([(np.ones((2, 1)), np.zeros(1))], np.ones((1, 2)),
    ...                                 np.zeros((1, 1))))
    4.0
    """
    err = mlp_predict(params, X, xp=xp) - Y
    return xp.mean(err * err)


def mlp_loss(theta: Array, X: Array, Y: Array, sizes: Sequence[int], *,
             xp: ModuleType = anp) -> Array:
    """Mean squared error of a tanh MLP as a function of all its weights (flat vector).

    >>> X, Y, theta = workloads.mlp_data([3, 4, 2], batch=5)
    >>> adkit.grad(workloads.mlp_loss)(theta, X, Y, [3, 4, 2]).shape
    (26,)
    """
    return mlp_params_loss(mlp_unflatten(theta, sizes, xp=xp), X, Y, xp=xp)


def mlp_params_grad(params: Params, X: np.ndarray, Y: np.ndarray) -> Params:
    """mlp_params_loss's gradient by hand-written backpropagation: [(dW1, db1), ...].

    >>> X, Y, theta = workloads.mlp_data([3, 4, 2], batch=5)
    >>> params = workloads.mlp_unflatten(theta, [3, 4, 2], xp=np)
    >>> by_hand = workloads.mlp_params_grad(params, X, Y)
    >>> bool(np.allclose(by_hand[0][0], adkit.grad(workloads.mlp_params_loss)(params, X, Y)[0][0]))
    True
    """
    hs = [X]
    for i, (W, b) in enumerate(params):
        a = hs[-1] @ W + b
        hs.append(np.tanh(a) if i < len(params) - 1 else a)
    err = hs[-1] - Y
    d = 2.0 * err / err.size
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        grads[i] = (hs[i].T @ d, d.sum(axis=0))
        if i:
            d = (d @ params[i][0].T) * (1.0 - hs[i] * hs[i])
    return grads


def mlp_data(sizes: Sequence[int], batch: int = 64,
             seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs, targets and a starting flat parameter vector for an MLP of `sizes`.

    >>> X, Y, theta = workloads.mlp_data([3, 4, 2], batch=5)
    >>> X.shape, Y.shape, theta.shape
    ((5, 3), (5, 2), (26,))
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0]))
    Y = rng.standard_normal((batch, sizes[-1]))
    theta = np.concatenate([
        np.concatenate([(rng.standard_normal(w) / math.sqrt(w[0])).ravel(), np.zeros(b)])
        for w, b in mlp_shapes(sizes)])
    return X, Y, theta


# The loss_scaling problems, each called as loss(x, *data, xp=..., **static)
LOSSES: dict[str, Callable] = {"sum_of_squares": sum_of_squares,
                               "logistic_regression": logistic_loss,
                               "rosenbrock": rosenbrock, "mlp": mlp_loss}


# ------------------------------------------------------------ vector functions ----

def dense_tanh(x: Array, W: np.ndarray, *, xp: ModuleType = anp) -> Array:
    """A vector function R^n -> R^m: tanh(W @ x). Jacobian diag(1 - tanh^2) W.

    >>> workloads.dense_tanh(np.zeros(2), np.ones((3, 2)))
    array([0., 0., 0.])
    """
    return xp.tanh(W @ x)


def dense_tanh_jacobian(x: Array, W: np.ndarray) -> np.ndarray:
    """dense_tanh's Jacobian by hand: diag(1 - tanh(W x)^2) W.

    >>> workloads.dense_tanh_jacobian(np.zeros(2), np.ones((1, 2)))
    array([[1., 1.]])
    """
    t = np.tanh(W @ x)
    return (1 - t * t)[:, None] * W


def elementwise_map(x: Array, *, xp: ModuleType = anp) -> Array:
    """A map R^n -> R^n with a diagonal Jacobian: sin(x) * x + x^2 / 2.

    >>> workloads.elementwise_map(np.zeros(2))
    array([0., 0.])
    """
    return xp.sin(x) * x + 0.5 * x * x


def elementwise_map_jacobian(x: Array) -> np.ndarray:
    """elementwise_map's Jacobian by hand: diag(cos(x) x + sin(x) + x).

    >>> workloads.elementwise_map_jacobian(np.zeros(2))
    array([[0., 0.],
           [0., 0.]])
    """
    return np.diag(np.cos(x) * x + np.sin(x) + x)


def tall_map(x: Array, m: int, *, xp: ModuleType = anp) -> Array:
    """R^n -> R^m with m >> n: the first n coordinates of x mixed into m outputs,
    [sin(k * x_{k mod n}) for k in 1..m]. Forward mode wins here.

    >>> adkit.jacfwd(lambda x: workloads.tall_map(x, 5))(np.zeros(2)).shape
    (5, 2)
    """
    n = x.shape[0]
    k = np.arange(1, m + 1, dtype=float)
    return xp.sin(k * x[np.arange(m) % n])


# ------------------------------------------------------------------- chains ----

def sin_chain(x: Array, steps: int = 333, *, xp: ModuleType = anp) -> Array:
    """sum(x) after `steps` of x = sin(x) * 0.999 + 0.001: 3 ops a step, then the sum.

    >>> float(workloads.sin_chain(np.zeros(2), steps=1))
    0.002
    """
    for _ in range(steps):
        x = xp.sin(x) * 0.999 + 0.001
    return xp.sum(x)


def sin_chain_grad(x: np.ndarray, steps: int = 333) -> np.ndarray:
    """sin_chain's gradient written out in numpy.

    >>> workloads.sin_chain_grad(np.zeros(2), steps=1)
    array([0.999, 0.999])
    """
    xs = []
    for _ in range(steps):
        xs.append(x)
        x = np.sin(x) * 0.999 + 0.001
    g = np.ones_like(x)
    for x in reversed(xs):
        g = g * 0.999 * np.cos(x)
    return g


DEEP_FACTOR = 1.0000001


def deep_chain(x: Any, depth: int) -> Any:
    """x * 1.0000001 repeated `depth` times: the longest chain backward must handle.

    >>> workloads.deep_chain(1.0, 3) == 1.0000001 ** 3
    True
    """
    for _ in range(depth):
        x = x * DEEP_FACTOR
    return x


def deep_chain_grad(depth: int) -> float:
    """deep_chain's derivative by hand: the reverse sweep over the factors.

    >>> workloads.deep_chain_grad(2) == 1.0000001 * 1.0000001
    True
    """
    g = 1.0
    for _ in range(depth):
        g = g * DEEP_FACTOR
    return g


# ---- scalar networks (micrograd style): every weight a Python-float scalar object

def scalar_mlp_params(nin: int, nouts: Sequence[int], make: Callable = float,
                      seed: int = 0) -> list:
    """Weights of a micrograd-style MLP as nested lists [[w..., b] per neuron] per layer,
    each built by `make` (float, adkit.Tensor(requires_grad=True), micrograd's Value...).

    >>> [len(layer) for layer in workloads.scalar_mlp_params(2, [3, 1])]
    [3, 1]
    """
    rng = np.random.default_rng(seed)
    sizes = [nin] + list(nouts)
    return [[[make(float(w)) for w in rng.uniform(-1, 1, m)] + [make(0.0)] for _ in range(n)]
            for m, n in zip(sizes[:-1], sizes[1:])]


def scalar_mlp(params: list, x: Sequence[Any]) -> Any:
    """Forward pass on a list of scalars x: relu hidden layers, linear output.

    >>> params = workloads.scalar_mlp_params(2, [3, 1], make=adkit.Tensor)
    >>> type(workloads.scalar_mlp(params, [1.0, 2.0])).__name__
    'Tensor'
    """
    for i, layer in enumerate(params):
        out = []
        for neuron in layer:
            *w, b = neuron
            act = sum((wi * xi for wi, xi in zip(w, x)), b)
            out.append(act.relu() if i < len(params) - 1 else act)
        x = out
    return x[0] if len(x) == 1 else x


def moons(n: int = 100, seed: int = 0) -> tuple[list, list]:
    """A two-moons classification set (labels -1/+1), as in micrograd's demo.

    >>> X, y = workloads.moons(4)
    >>> len(X), len(X[0]), set(y) <= {-1.0, 1.0}
    (4, 2, True)
    """
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X = X + 0.1 * rng.standard_normal((n, 2))
    return X.tolist(), np.where(upper, 1.0, -1.0).tolist()


def scalar_mlp_loss(params: list, X: Sequence, y: Sequence, alpha: float = 1e-4) -> Any:
    """micrograd's demo loss: mean hinge loss sum relu(1 - y_i s_i) / N + alpha |w|^2.

    >>> X, y = workloads.moons(4)
    >>> params = workloads.scalar_mlp_params(2, [3, 1])
    >>> loss, g = adkit.value_and_grad(workloads.scalar_mlp_loss)(params, X, y)
    >>> type(loss), len(g[0][0])
    (<class 'float'>, 3)
    """
    scores = [scalar_mlp(params, xi) for xi in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = alpha * sum(p * p for layer in params for neuron in layer for p in neuron)
    return data_loss + reg


def scalar_mlp_by_hand(params: list, X: Sequence, y: Sequence, alpha: float = 1e-4,
                       with_grad: bool = True) -> tuple[float, np.ndarray] | float:
    """(loss, flat gradient) of scalar_mlp_loss with float params, vectorized and by hand
    (the loss alone with with_grad=False).

    >>> X, y = workloads.moons(4)
    >>> params = workloads.scalar_mlp_params(2, [3, 1])
    >>> loss, g = workloads.scalar_mlp_by_hand(params, X, y)
    >>> value, _ = adkit.value_and_grad(workloads.scalar_mlp_loss)(params, X, y)
    >>> bool(np.isclose(loss, value)), g.shape
    (True, (13,))
    """
    Ws = [np.array([neuron[:-1] for neuron in layer]).T for layer in params]
    bs = [np.array([neuron[-1] for neuron in layer]) for layer in params]
    hs, pre = [np.asarray(X, dtype=float)], []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        pre.append(hs[-1] @ W + b)
        hs.append(np.maximum(pre[-1], 0.0) if i < len(Ws) - 1 else pre[-1])
    y = np.asarray(y, dtype=float)
    margin = 1.0 - y * hs[-1][:, 0]
    theta = np.array([p for layer in params for neuron in layer for p in neuron])
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
