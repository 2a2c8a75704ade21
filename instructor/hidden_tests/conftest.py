"""Hidden grading helpers: a reference network, and isolation of one piece of the students' code.

The reference computes forward pass, loss and back-propagation from a `lab.Network`'s `W` and
`b` alone, in plain numpy. The isolation fixtures replace the students' *other* pieces with the
reference, so that each rubric item grades one piece: a wrong sigmoid costs the sigmoid item,
not the forward item too; a wrong backward pass does not fail the SGD item.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.special import expit

F = {
    "sigmoid": expit,
    "tanh": np.tanh,
    "relu": lambda h: np.maximum(h, 0.0),
    "identity": lambda h: np.array(h, dtype=np.float64),
}
DF = {  # f'(h) from p = f(h)
    "sigmoid": lambda p: p * (1.0 - p),
    "tanh": lambda p: 1.0 - p * p,
    "relu": lambda p: (p > 0.0).astype(np.float64),
    "identity": lambda p: np.ones_like(p),
}


def _with_out(f):
    def g(x, out=None):
        result = f(np.asarray(x, dtype=np.float64))
        if out is None:
            return result
        out[...] = result
        return out

    return g


def forward(net, X):
    ps = [np.asarray(X, dtype=np.float64)]
    for layer, (W, b) in enumerate(zip(net.W, net.b)):
        f = F["sigmoid"] if layer == len(net.W) - 1 else F[net.activation]
        ps.append(f(ps[-1] @ W + b))
    return ps


def loss(net, X, y):
    return float(np.mean(0.5 * (np.asarray(y, dtype=np.float64).reshape(-1, 1) - forward(net, X)[-1]) ** 2))


def backward(net, ps, y):
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    delta = (ps[-1] - y) / len(y) * DF["sigmoid"](ps[-1])
    grads = []
    for layer in reversed(range(len(net.W))):
        grads[:0] = [ps[layer].T @ delta, delta.sum(axis=0)]
        if layer > 0:
            delta = (delta @ net.W[layer].T) * DF[net.activation](ps[layer])
    return grads


REFERENCE = SimpleNamespace(
    sigmoid=_with_out(expit),
    sigmoid_grad=_with_out(DF["sigmoid"]),
    sigmoid_derivative=lambda h: DF["sigmoid"](expit(np.asarray(h, dtype=np.float64))),
    forward=forward,
    loss=loss,
    backward=backward,
    gradients=lambda net, X, y: backward(net, forward(net, X), y),
)


@pytest.fixture
def ref():
    """The reference network functions (see the module docstring)."""
    return REFERENCE


@pytest.fixture
def reference_activations(monkeypatch, graded_lab):
    """Call `reference_activations(net)`: the students' sigmoid, σ' and the net's f, f' become the
    reference, wherever the network code looks them up."""
    from lab import activations, network

    for module in (activations, network):
        monkeypatch.setattr(module, "sigmoid", REFERENCE.sigmoid, raising=False)
        monkeypatch.setattr(module, "_sigmoid_grad", REFERENCE.sigmoid_grad, raising=False)
        monkeypatch.setattr(module, "sigmoid_derivative", REFERENCE.sigmoid_derivative, raising=False)

    def use(net):
        net._f, net._df = _with_out(F[net.activation]), _with_out(DF[net.activation])
        return net

    return use


@pytest.fixture
def reference_passes(reference_activations):
    """Call `reference_passes(net)`: the net's forward pass, backward pass and `gradients` become
    the reference's (on this object only), so that `sgd_step` is graded on its own."""

    def use(net):
        reference_activations(net)
        net._forward = lambda X: forward(net, X)
        net._backward = lambda ps, y: backward(net, ps, y)
        net.gradients = lambda X, y: backward(net, forward(net, X), y)
        net._loss = lambda X, y: loss(net, X, y)
        return net

    return use
