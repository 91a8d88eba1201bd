"""adkit: forward- and reverse-mode automatic differentiation side by side.

One primitive table (value, JVP rule, VJP rule) drives two engines: dual numbers
(adkit.forward) and a tape (adkit.reverse). `adkit.count()` shows the passes each
mode makes; the experiments measure why reverse mode wins for losses (f: R^n -> R)
and forward mode for tall Jacobians (n << m).

>>> import adkit, numpy as np
>>> adkit.grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
array([2., 4.])
"""
from . import numpy  # noqa: F401  (adkit.numpy, imported as anp by users)
from . import forward, reverse, tree  # noqa: F401
from .core import Primitive, registry  # noqa: F401
from .counting import count, Count  # noqa: F401
from .forward import Dual, jvp, jacfwd  # noqa: F401
from .reverse import vjp, grad, value_and_grad, jacrev  # noqa: F401
from .tensor import Tensor, no_grad, enable_grad, is_grad_enabled  # noqa: F401
from .transforms import jacobian, recommend_mode, hessian, hvp  # noqa: F401
from .extend import primitive, stop_gradient  # noqa: F401

__version__ = "0.1.0"

__all__ = ["numpy", "forward", "reverse", "tree", "Primitive", "registry", "count", "Count",
           "Dual", "jvp", "jacfwd", "Tensor", "no_grad", "enable_grad", "is_grad_enabled",
           "vjp", "grad", "value_and_grad", "jacrev", "jacobian", "recommend_mode",
           "hessian", "hvp", "primitive", "stop_gradient"]
