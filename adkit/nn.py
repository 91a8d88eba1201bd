"""micrograd's `nn.py` (MIT, A. Karpathy) on `adkit.Value`: Neuron, Layer and MLP, so
micrograd's demo trains unchanged. Weights are drawn with Python's `random` in
micrograd's order, so the same seed gives the same network as micrograd.

>>> import random
>>> random.seed(0)
>>> model = MLP(2, [4, 1])
>>> len(model.parameters())
17
>>> score = model([1.0, -2.0])
>>> model.zero_grad(); score.backward()
>>> isinstance(score, adkit.Value)
True
"""
from __future__ import annotations

import random
from collections.abc import Sequence

from .value import Value

Inputs = Sequence[Value | float]


class Module:
    """What every layer has: its parameters, and zero_grad() to clear their .grad."""

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self) -> list[Value]:
        return []


class Neuron(Module):
    """relu(w . x + b) (or w . x + b with nonlin=False); w uniform in [-1, 1], b = 0."""

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: Inputs) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons on the same inputs; one output is returned bare, as micrograd does."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes nouts after nin inputs: ReLU everywhere but the last layer."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i + 1], nonlin=i != len(nouts) - 1)
                       for i in range(len(nouts))]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
