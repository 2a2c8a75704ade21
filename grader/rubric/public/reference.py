"""The public checks' reference: the forward pass and the loss in plain numpy, from a net's data.

No back-propagation here: the checks get every gradient they need by finite differences of
these functions (`grader.judge.numerical_gradient`). The instructor's hidden checks have their
own reference.
"""

from __future__ import annotations

import numpy as np

from grader.judge import expit

F = {
    "sigmoid": expit,
    "tanh": np.tanh,
    "relu": lambda h: np.maximum(h, 0.0),
    "identity": lambda h: np.asarray(h, dtype=np.float64),
}


def forward(params: list[np.ndarray], activation: str, X: np.ndarray) -> list[np.ndarray]:
    """[X, p1, ..., ŷ] for the weights and biases `params` = [W1, b1, W2, b2, ...]."""
    out = [np.asarray(X, dtype=np.float64)]
    n_layers = len(params) // 2
    for k in range(n_layers):
        act = F["sigmoid"] if k == n_layers - 1 else F[activation]
        out.append(act(np.dot(out[k], params[2 * k]) + params[2 * k + 1]))
    return out


def loss(params: list[np.ndarray], activation: str, X: np.ndarray, y: np.ndarray) -> float:
    """The mean over the batch of ½(y − ŷ)²."""
    return float(np.mean(0.5 * np.square(forward(params, activation, X)[-1] - y)))
