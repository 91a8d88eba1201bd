"""Making Tensors the way PyTorch does: `import adkit as torch` then torch.tensor(...),
torch.zeros(2, 3), torch.randn(4), torch.arange(5), torch.equal(a, b).

>>> adkit.tensor([2.0, 3.0], requires_grad=True)
tensor([2., 3.], requires_grad=True)
>>> adkit.zeros(2, 3).shape, adkit.arange(1, 7, 2).tolist()
((2, 3), [1.0, 3.0, 5.0])
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .tensors import Tensor

__all__ = ["tensor", "zeros", "ones", "full", "randn", "rand", "arange", "linspace",
           "zeros_like", "ones_like", "equal", "manual_seed", "float32", "float64"]

float32, float64 = np.float32, np.float64  # torch.float32 / torch.float64
_rng = [np.random.default_rng()]


def tensor(data: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """A new Tensor holding a copy of data (floats by default, as torch.tensor)."""
    value = np.array(data.numpy() if isinstance(data, Tensor) else data,
                     dtype=dtype or np.float64)
    return Tensor(float(value) if value.shape == () and value.dtype == np.float64 else value,
                  requires_grad=requires_grad)


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(int(n) for n in size)


def _made(value, dtype, requires_grad):
    return tensor(value, dtype=dtype, requires_grad=requires_grad)


def zeros(*size: int | Sequence[int], dtype: DTypeLike = None,
          requires_grad: bool = False) -> Tensor:
    """A Tensor of zeros: zeros(2, 3) or zeros((2, 3))."""
    return _made(np.zeros(_shape(size)), dtype, requires_grad)


def ones(*size: int | Sequence[int], dtype: DTypeLike = None,
         requires_grad: bool = False) -> Tensor:
    """A Tensor of ones: ones(2, 3) or ones((2, 3))."""
    return _made(np.ones(_shape(size)), dtype, requires_grad)


def full(size: Sequence[int], fill_value: float, dtype: DTypeLike = None,
         requires_grad: bool = False) -> Tensor:
    """A Tensor of `size` filled with fill_value."""
    return _made(np.full(tuple(size), fill_value), dtype, requires_grad)


def randn(*size: int | Sequence[int], dtype: DTypeLike = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal samples (seed with manual_seed)."""
    return _made(_rng[0].standard_normal(_shape(size)), dtype, requires_grad)


def rand(*size: int | Sequence[int], dtype: DTypeLike = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) (seed with manual_seed)."""
    return _made(_rng[0].random(_shape(size)), dtype, requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: DTypeLike = None,
           requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to end (excluded); arange(n) counts 0..n-1."""
    if end is None:
        start, end = 0, start
    return _made(np.arange(start, end, step), dtype, requires_grad)


def linspace(start: float, end: float, steps: int, dtype: DTypeLike = None,
             requires_grad: bool = False) -> Tensor:
    """steps evenly spaced values from start to end (both included)."""
    return _made(np.linspace(start, end, steps), dtype, requires_grad)


def zeros_like(t: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Zeros of t's shape (and dtype)."""
    v = np.asarray(t)
    return _made(np.zeros_like(v), dtype or v.dtype, requires_grad)


def ones_like(t: ArrayLike, dtype: DTypeLike = None, requires_grad: bool = False) -> Tensor:
    """Ones of t's shape (and dtype)."""
    v = np.asarray(t)
    return _made(np.ones_like(v), dtype or v.dtype, requires_grad)


def equal(a: ArrayLike, b: ArrayLike) -> bool:
    """True if a and b have the same shape and values (torch.equal).

    >>> adkit.equal(adkit.tensor([1.0, 2.0]), adkit.tensor([1.0, 2.0]))
    True
    """
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def manual_seed(seed: int) -> Any:
    """Seed randn and rand (torch.manual_seed)."""
    _rng[0] = np.random.default_rng(seed)
    return _rng[0]
