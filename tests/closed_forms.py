"""Closed-form derivatives written with numpy alone (no adkit), and a helper that takes
a function's Jacobians in every mode, for the edge-point tests."""
import math

import numpy as np

import adkit


def tie_weights(x, y, first):
    """d max(x, y)/dx (first) or /dy: 1 where the argument wins, 1/2 at ties, 0 else."""
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    win = x > y if first else x < y
    return np.where(win, 1.0, np.where(x == y, 0.5, 0.0))


def elementwise_jacobian(weights, arg_shape):
    """d out/d arg for out[o] = ... * arg[broadcast(o)], slope weights[o]."""
    out_shape = weights.shape
    size = math.prod(arg_shape)
    src = np.broadcast_to(np.arange(size).reshape(arg_shape), out_shape).ravel()
    J = np.zeros((weights.size, size))
    J[np.arange(weights.size), src] = weights.ravel()
    return J.reshape(out_shape + tuple(arg_shape))


def reduction_jacobian(weights, axis, keepdims):
    """d out/d x for out = sum(weights * x, axis): the linear map applied to a basis."""
    n = weights.size
    basis = np.eye(n).reshape((n,) + weights.shape)
    axes = tuple(range(1, weights.ndim + 1)) if axis is None else tuple(a + 1 for a in axis)
    rows = np.sum(basis * weights, axis=axes, keepdims=keepdims)  # (n,) + out shape
    return np.moveaxis(rows, 0, -1).reshape(rows.shape[1:] + weights.shape)


def jacobians(f, *args):
    """f's Jacobians w.r.t. every argument by forward mode (chunk 1 and default) and by
    reverse mode."""
    argnums = tuple(range(len(args)))
    return {"fwd1": adkit.jacfwd(f, argnums=argnums, chunk=1)(*args),
            "fwd": adkit.jacfwd(f, argnums=argnums)(*args),
            "rev": adkit.jacrev(f, argnums=argnums)(*args)}


def assert_jacobians(f, args, expected):
    for mode, got in jacobians(f, *args).items():
        for i, (g, e) in enumerate(zip(got, expected)):
            np.testing.assert_array_equal(g, e, err_msg=f"{mode}, argument {i}")


# ---- independent references for the study's hand-written numpy gradients

def unflatten_like(template, flat):
    """flat (as adkit.study.peers.as_numpy orders it) rebuilt in template's structure:
    nested lists/tuples of arrays and floats."""
    flat = np.asarray(flat, dtype=float)
    pos = 0

    def build(t):
        nonlocal pos
        if isinstance(t, (list, tuple)):
            return type(t)(build(u) for u in t)
        n = np.size(t)
        part = flat[pos:pos + n]
        pos += n
        return float(part[0]) if np.ndim(t) == 0 else part.reshape(np.shape(t))

    out = build(template)
    assert pos == flat.size
    return out


def assert_directional_derivatives(loss, theta, grad, directions=3, h=1e-6, rtol=1e-6,
                                   seed=0):
    """<grad, v> against central differences of loss (a function of the flat vector
    theta) along random unit directions v: a check of a gradient that shares no code
    with it, affordable at any size (two evaluations of loss a direction)."""
    rng = np.random.default_rng(seed)
    grad = np.asarray(grad, dtype=float).ravel()
    scale = max(1e-3, float(np.linalg.norm(grad)))
    for _ in range(directions):
        v = rng.standard_normal(theta.shape)
        v /= np.linalg.norm(v)
        fd = (loss(theta + h * v) - loss(theta - h * v)) / (2 * h)
        assert abs(fd - grad @ v) <= rtol * scale, (fd, grad @ v)


def sin_chain_by_math(x, steps):
    """workloads.sin_chain's value with the math module, one element at a time."""
    total = 0.0
    for v in np.asarray(x, dtype=float).tolist():
        for _ in range(steps):
            v = math.sin(v) * 0.999 + 0.001
        total += v
    return total


def logistic_loss_by_logaddexp(w, X, y):
    """Mean logistic loss written another way: mean(logaddexp(0, -y (X w)))."""
    return float(np.mean(np.logaddexp(0.0, -y * (X @ w))))


def mlp_loss_plain(params, X, Y):
    """The tanh MLP's mean squared error (linear last layer), params [(W, b), ...]."""
    h = X
    for i, (W, b) in enumerate(params):
        h = np.dot(h, W) + b
        h = np.tanh(h) if i < len(params) - 1 else h
    return float(np.mean(np.square(h - Y)))


def scalar_mlp_loss_plain(params, X, y, alpha=1e-4):
    """micrograd's demo loss on float weights, one neuron and one point at a time."""
    total = 0.0
    for xi, yi in zip(X, y):
        h = list(xi)
        for i, layer in enumerate(params):
            acts = [sum(w * v for w, v in zip(neuron[:-1], h)) + neuron[-1] for neuron in layer]
            h = [max(a, 0.0) for a in acts] if i < len(params) - 1 else acts
        total += max(1.0 - yi * h[0], 0.0)
    reg = sum(p * p for layer in params for neuron in layer for p in neuron)
    return total / len(X) + alpha * reg
