"""Checkpointing: memory for recomputation, in reverse mode.

checkpoint(fn)     a block whose intermediates are recomputed in the sweep, not kept
revolve(l, s)      Griewank's binomial schedule to reverse l steps keeping s states
chain_value_and_grad(step, x0, l, s, loss)   a chain's gradient by that schedule

adkit.checkpoint and adkit.revolve are the first two; the package is adkit.checkpointing
(adkit.checkpointing.chain_value_and_grad, adkit.checkpointing.optimal_forward_steps).
"""
from .chain import chain_value_and_grad
from .recompute import checkpoint
from .schedule import Action, Schedule, optimal_forward_steps, revolve

__all__ = ["checkpoint", "revolve", "chain_value_and_grad", "optimal_forward_steps",
           "Schedule", "Action"]
