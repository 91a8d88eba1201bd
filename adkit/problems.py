"""Test problems with known derivatives, shared by the tests, benchmarks and experiments.

Each function is ordinary numpy-style code written with adkit.numpy, so it runs on plain
arrays (giving numpy's numbers) and on adkit's boxes (giving derivatives).

>>> from adkit import problems
>>> problems.baydin(2.0, 5.0)
11.652071455223084
"""
import math

import numpy as np

from . import numpy as anp

# Baydin et al. (2018), "Automatic differentiation in machine learning: a survey", Fig. 1
BAYDIN_POINT = (2.0, 5.0)
BAYDIN_VALUE = 11.652071455223084
BAYDIN_GRAD = (5.5, 1.7163378145367738)


def baydin(x1, x2):
    """f(x1, x2) = ln x1 + x1 x2 - sin x2, the running example of Baydin et al. 2018."""
    return anp.log(x1) + x1 * x2 - anp.sin(x2)


def sum_of_squares(x):
    """sum x_i^2; gradient 2x."""
    return anp.sum(x * x)


def sum_of_squares_grad(x):
    return 2 * np.asarray(x)


def rosenbrock(x):
    """sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2; minimum 0 at x = (1, ..., 1)."""
    a, b = x[:-1], x[1:]
    return anp.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2)


def rosenbrock_grad(x):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    a, b = x[:-1], x[1:]
    g[:-1] = -400.0 * a * (b - a * a) - 2.0 * (1.0 - a)
    g[1:] += 200.0 * (b - a * a)
    return g


def softplus(t):
    """log(1 + exp(t)) without overflow."""
    return anp.maximum(t, 0.0) + anp.log1p(anp.exp(-anp.absolute(t)))


def logistic_data(n, rows=256, seed=0):
    """A fixed data set for logistic regression: X (rows x n), labels y in {-1, +1}."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, n)) / math.sqrt(n)
    w_true = rng.standard_normal(n)
    y = np.where(X @ w_true + 0.1 * rng.standard_normal(rows) > 0, 1.0, -1.0)
    return X, y


def logistic_loss(w, X, y):
    """Mean logistic loss: mean(log(1 + exp(-y * (X @ w))))."""
    return anp.mean(softplus(-y * (X @ w)))


def logistic_loss_grad(w, X, y):
    z = -y * (X @ w)
    return X.T @ (-y / (1.0 + np.exp(-z))) / len(y)


def mlp_shapes(sizes):
    """Weight and bias shapes of a dense network with layer widths `sizes`."""
    return [((m, n), (n,)) for m, n in zip(sizes[:-1], sizes[1:])]


def mlp_size(sizes):
    return sum(m * n + n for m, n in zip(sizes[:-1], sizes[1:]))


def mlp_unflatten(theta, sizes):
    """Split a flat parameter vector into [(W, b), ...] (slices and reshapes: differentiable)."""
    params, start = [], 0
    for (wshape, bshape) in mlp_shapes(sizes):
        nw, nb = wshape[0] * wshape[1], bshape[0]
        W = anp.reshape(theta[start:start + nw], wshape)
        b = theta[start + nw:start + nw + nb]
        params.append((W, b))
        start += nw + nb
    return params


def mlp_predict(params, X):
    h = X
    for i, (W, b) in enumerate(params):
        h = h @ W + b
        if i < len(params) - 1:
            h = anp.tanh(h)
    return h


def mlp_loss(theta, X, Y, sizes):
    """Mean squared error of a tanh MLP as a function of all its weights (flat vector)."""
    err = mlp_predict(mlp_unflatten(theta, sizes), X) - Y
    return anp.mean(err * err)


def mlp_data(sizes, batch=64, seed=0):
    """Inputs, targets and a starting flat parameter vector for an MLP of `sizes`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0]))
    Y = rng.standard_normal((batch, sizes[-1]))
    theta = np.concatenate([
        np.concatenate([(rng.standard_normal(w) / math.sqrt(w[0])).ravel(), np.zeros(b)])
        for w, b in mlp_shapes(sizes)])
    return X, Y, theta


def dense_tanh(x, W):
    """A vector function R^n -> R^m: tanh(W @ x). Jacobian diag(1 - tanh^2) W."""
    return anp.tanh(W @ x)


def dense_tanh_jacobian(x, W):
    t = np.tanh(W @ x)
    return (1 - t * t)[:, None] * W


def elementwise_map(x):
    """A map R^n -> R^n with a diagonal Jacobian: sin(x) * x + x^2 / 2."""
    return anp.sin(x) * x + 0.5 * x * x


def elementwise_map_jacobian(x):
    return np.diag(np.cos(x) * x + np.sin(x) + x)


def tall_map(x, m):
    """R^n -> R^m with m >> n: the first n coordinates of x mixed into m outputs,
    [sin(k * x_{k mod n}) for k in 1..m]. Forward mode wins here."""
    n = x.shape[0]
    k = np.arange(1, m + 1, dtype=float)
    return anp.sin(k * x[np.arange(m) % n])


# ---- scalar networks (micrograd style): every weight a Python-float scalar object

def scalar_mlp_params(nin, nouts, make=float, seed=0):
    """Weights of a micrograd-style MLP as nested lists [[w..., b] per neuron] per layer,
    each built by `make` (float, adkit.Tensor(requires_grad=True), micrograd's Value...)."""
    rng = np.random.default_rng(seed)
    sizes = [nin] + list(nouts)
    return [[[make(float(w)) for w in rng.uniform(-1, 1, m)] + [make(0.0)] for _ in range(n)]
            for m, n in zip(sizes[:-1], sizes[1:])]


def scalar_mlp(params, x):
    """Forward pass on a list of scalars x: relu hidden layers, linear output."""
    for i, layer in enumerate(params):
        out = []
        for neuron in layer:
            *w, b = neuron
            act = sum((wi * xi for wi, xi in zip(w, x)), b)
            out.append(act.relu() if i < len(params) - 1 else act)
        x = out
    return x[0] if len(x) == 1 else x


def moons(n=100, seed=0):
    """A two-moons classification set (labels -1/+1), as in micrograd's demo."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    X = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)],
                 np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    X = X + 0.1 * rng.standard_normal((n, 2))
    return X.tolist(), np.where(upper, 1.0, -1.0).tolist()


def scalar_mlp_loss(params, X, y, alpha=1e-4):
    """micrograd's demo loss: mean hinge loss sum relu(1 - y_i s_i) / N + alpha |w|^2."""
    scores = [scalar_mlp(params, xi) for xi in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = alpha * sum(p * p for layer in params for neuron in layer for p in neuron)
    return data_loss + reg
