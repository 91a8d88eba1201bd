"""adkit: forward- and reverse-mode automatic differentiation side by side.

One primitive table (value, JVP rule, VJP rule) drives two engines: dual numbers
(adkit.forward) and a tape (adkit.reverse). `adkit.count()` shows the passes each
mode makes; the experiments measure why reverse mode wins for losses (f: R^n -> R)
and forward mode for tall Jacobians (n << m).

>>> import adkit, numpy as np
>>> adkit.grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
array([2., 4.])
"""
from . import autograd, creation, explain, forward, numpy, reverse, tape, tree
from .checkpointing import checkpoint, revolve
from .core import Primitive, registry
from .counting import Count, count
from .creation import *  # noqa: F403 (torch-style constructors: tensor, zeros, ...)
from .extend import primitive, stop_gradient
from .forward import Dual, jacfwd, jvp
from .linearization import linearize
from .reverse import grad, jacrev, value_and_grad, vjp
from .tape import BranchChanged, Tape, record
from .tensors import Tensor, enable_grad, is_grad_enabled, no_grad
from .transforms import hessian, hvp, jacobian, recommend_mode
from .value import Value

__version__ = "0.1.0"

__all__ = ["numpy", "forward", "reverse", "tree", "Primitive", "registry", "count", "Count",
           "Dual", "jvp", "jacfwd", "Tensor", "no_grad", "enable_grad", "is_grad_enabled",
           "vjp", "grad", "value_and_grad", "jacrev", "jacobian", "recommend_mode",
           "hessian", "hvp", "primitive", "stop_gradient", "tape", "Tape", "record",
           "BranchChanged", "checkpoint", "revolve", "autograd", "linearize", "explain",
           "Value"] + creation.__all__
