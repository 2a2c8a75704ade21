"""The report's two data sets: "linear" (random points split by the diagonal) and "XOR easy".

Both return `X` float64 (N, 2) and `y` int (N, 1).
"""

from __future__ import annotations

import numpy as np

from ._checks import MAX_SAMPLES, check_int, check_seed

#: The report's runs, and the command line's default epochs (`python -m lab train DATA`):
#: lr 0.8 on the linear data for 1000 epochs, on XOR for 2000.
REPORT_EPOCHS = {"linear": 1000, "xor": 2000}
#: The epochs the learning-rate explorer and the verdicts start with: enough for lr 0.8 to converge
#: (with lab.SEED, XOR leaves the plateau near epoch 800; its loss is 0.0055 at 1000), few enough
#: that a retrain of 8 seeds plus the redraw answers in about 1 s on a 2-core machine.
EXPLORER_EPOCHS = {"xor": 1000, "linear": 200}


def generate_linear(n: int = 100, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`n` points uniform in [0, 1)²; label 0 when x > y (below the diagonal), else 1.

    Points on the diagonal (x == y) are labelled 1. The same seed gives the same points.
    Returns X (n, 2) float64 and y (n, 1) int; n is at most lab._checks.MAX_SAMPLES (10 million).
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_SAMPLES)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, size=(n, 2))
    y = (X[:, 0] <= X[:, 1]).astype(int)[:, None]
    return X, y


def generate_xor_easy() -> tuple[np.ndarray, np.ndarray]:
    """The report's 21 fixed XOR points, interleaved along the two diagonals.

    For i = 0..10: (0.1·i, 0.1·i) labelled 0, then, except at i = 5 where the
    diagonals cross, (0.1·i, 1 − 0.1·i) labelled 1. Returns X (21, 2), y (21, 1) int.
    """
    points, labels = [], []
    for i in range(11):
        points.append((0.1 * i, 0.1 * i))
        labels.append(0)
        if i == 5:
            continue
        points.append((0.1 * i, 1 - 0.1 * i))
        labels.append(1)
    return np.array(points, dtype=np.float64), np.array(labels, dtype=int)[:, None]
