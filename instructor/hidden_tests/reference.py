"""The hidden checks' reference: forward pass, loss and back-propagation in plain numpy.

Loaded by path in the grader's process only (`grader.judge.sibling`); it never enters a sandbox
and never ships to the students.
"""

from __future__ import annotations

import numpy as np

from grader.judge import expit

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


def forward(params, activation, X):
    ps = [np.asarray(X, dtype=np.float64)]
    n_layers = len(params) // 2
    for layer in range(n_layers):
        f = F["sigmoid"] if layer == n_layers - 1 else F[activation]
        ps.append(f(ps[-1] @ params[2 * layer] + params[2 * layer + 1]))
    return ps


def loss(params, activation, X, y):
    return float(np.mean(0.5 * (np.asarray(y, dtype=np.float64) - forward(params, activation, X)[-1]) ** 2))


def gradients(params, activation, X, y):
    """[dW1, db1, ...] of the mean loss, by back-propagation."""
    ps = forward(params, activation, X)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    delta = (ps[-1] - y) / len(y) * DF["sigmoid"](ps[-1])
    grads = []
    for layer in reversed(range(len(params) // 2)):
        grads[:0] = [ps[layer].T @ delta, delta.sum(axis=0)]
        if layer > 0:
            delta = (delta @ params[2 * layer].T) * DF[activation](ps[layer])
    return grads
