"""Optimisers: how a gradient g becomes a step of the parameters θ, for the lab's extras.

Plain SGD is θ ← θ − lr·g (`Network.sgd_step`). The two extras keep a state per
parameter array, made fresh for every training run:

* momentum: v ← μv + g, then θ ← θ − lr·v (a running sum of past gradients, μ = 0.9);
* Adam: m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², then
  θ ← θ − lr·m̂ / (√v̂ + ε) with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t) at step t.

`lab.kernel` does the same arithmetic in the same order, one parameter at a time.
"""

from __future__ import annotations

import numpy as np

NAMES = ("sgd", "momentum", "adam")


class SGD:
    """θ ← θ − lr·g."""

    def __init__(self, params, **_):
        self.params = params

    def step(self, grads, lr: float) -> None:
        for theta, g in zip(self.params, grads):
            theta -= lr * g


class Momentum:
    """v ← μv + g, θ ← θ − lr·v."""

    def __init__(self, params, momentum: float = 0.9, **_):
        self.params, self.mu = params, momentum
        self.v = [np.zeros_like(theta) for theta in params]

    def step(self, grads, lr: float) -> None:
        for theta, g, v in zip(self.params, grads, self.v):
            v[...] = self.mu * v + g
            theta -= lr * v


class Adam:
    """Adam (Kingma and Ba, 2015), with bias-corrected moments."""

    def __init__(self, params, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, **_):
        self.params, self.beta1, self.beta2, self.eps = params, beta1, beta2, eps
        self.m = [np.zeros_like(theta) for theta in params]
        self.v = [np.zeros_like(theta) for theta in params]
        self.t = 0.0

    def step(self, grads, lr: float) -> None:
        self.t += 1.0
        c1, c2 = 1.0 - self.beta1**self.t, 1.0 - self.beta2**self.t
        for theta, g, m, v in zip(self.params, grads, self.m, self.v):
            m[...] = self.beta1 * m + (1.0 - self.beta1) * g
            v[...] = self.beta2 * v + (1.0 - self.beta2) * (g * g)
            theta -= lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def make(name: str, params, **settings):
    """The optimiser called `name` ("sgd", "momentum" or "adam") for the live arrays `params`."""
    if name not in NAMES:
        raise ValueError(f"optimizer must be one of {NAMES}, got {name!r}")
    return {"sgd": SGD, "momentum": Momentum, "adam": Adam}[name](params, **settings)
