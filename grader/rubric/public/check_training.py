"""Public checks of the two training items: the report's experiments, trained by the student's
`Network.fit` with the report's settings; the accuracies are computed here, from the returned
probabilities. The data are written out here (as `lab.generate_xor_easy` and
`lab.generate_linear` make them), and the seed is the notebooks' (`lab.SEED = 2`)."""

from __future__ import annotations

import numpy as np

from grader.judge import Case, Wrong, array

SEED = 2


def xor_easy():
    points, labels = [], []
    for i in range(11):
        points.append((0.1 * i, 0.1 * i))
        labels.append(0)
        if i != 5:
            points.append((0.1 * i, 1 - 0.1 * i))
            labels.append(1)
    return np.array(points), np.array(labels, dtype=float)[:, None]


def linear_data(n, seed):
    X = np.random.default_rng(seed).uniform(0.0, 1.0, size=(n, 2))
    return X, (X[:, 0] <= X[:, 1]).astype(float)[:, None]


def accuracy(result, name, y) -> float:
    y_hat = array(result[name])
    if y_hat.shape != y.shape:
        raise Wrong(f"forward after training returned shape {y_hat.shape}, expected {y.shape}")
    return float(np.mean((y_hat > 0.5) == (y > 0.5)))


def train_call(X, y, lr, epochs, evals) -> dict:
    return {
        "op": "train",
        "sizes": [2, 4, 4, 1],
        "seed": SEED,
        "lr": lr,
        "epochs": epochs,
        "X": X.tolist(),
        "y": y.tolist(),
        "eval": {k: v.tolist() for k, v in evals.items()},
    }


def xor() -> list[Case]:
    X, y = xor_easy()

    def judge(result):
        acc = accuracy(result, "train", y)
        if acc != 1.0:
            raise Wrong(f"XOR after 2000 epochs at lr 0.8: accuracy {acc:.1%}, expected 100%")

    return [
        Case(
            "training on XOR (seed 2, lr 0.8, 2000 epochs)", train_call(X, y, 0.8, 2000, {"train": X}), judge
        )
    ]


def linear() -> list[Case]:
    X, y = linear_data(100, SEED)
    X_new, y_new = linear_data(1000, SEED + 1000)

    def judge(result):
        acc, fresh = accuracy(result, "train", y), accuracy(result, "fresh", y_new)
        if acc < 0.99 or fresh < 0.97:
            raise Wrong(
                f"linear data: accuracy {acc:.1%} on the 100 points, {fresh:.1%} on 1000 fresh ones "
                "(expected ≥ 99% and ≥ 97%)"
            )

    call = train_call(X, y, 0.8, 1000, {"train": X, "fresh": X_new})
    return [Case("training on linear data (100 points, lr 0.8, 1000 epochs)", call, judge)]
