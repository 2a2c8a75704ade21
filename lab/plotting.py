"""Figures of the pack: ground truth vs prediction, loss curves, decision boundaries.

Colours follow the report: red for label 0, blue for label 1.
Every function draws into `ax`/`axes` when given, so notebooks can compose figures,
and returns the matplotlib Figure.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_X, check_y

COLORS = ("tab:red", "tab:blue")  # label 0, label 1


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _scatter(ax, X: np.ndarray, labels: np.ndarray, title: str) -> None:
    labels = labels.ravel()
    for label, color in enumerate(COLORS):
        mask = labels == label
        ax.scatter(X[mask, 0], X[mask, 1], c=color, s=18, label=str(label))
    ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")


def plot_predictions(X, y, y_pred, axes=None):
    """The report's figure: ground truth (left) beside the prediction (right).

    X (N, 2); y and y_pred (N, 1) or (N,) labels 0/1.
    """
    X = check_X(X, 2)
    y = check_y(y, len(X))
    y_pred = check_y(y_pred, len(X), name="y_pred")
    plt = _pyplot()
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 4), constrained_layout=True)
    else:
        fig = axes[0].figure
    _scatter(axes[0], X, y, "Ground truth")
    _scatter(axes[1], X, y_pred, "Predict result")
    return fig


def plot_loss(history, ax=None, *, log: bool = True, label: str | None = None):
    """The loss after each epoch, history (epochs,), on a log scale by default."""
    history = np.asarray(history, dtype=np.float64)
    if history.ndim != 1:
        raise ValueError(f"history must be 1-D (one loss per epoch), got shape {history.shape}")
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.5), constrained_layout=True)
    else:
        fig = ax.figure
    ax.plot(np.arange(1, len(history) + 1), history, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss  mean ½(y − ŷ)²")
    return fig


def plot_decision_boundary(net, X, y, ax=None, *, resolution: int = 200):
    """The net's probability of label 1 over [0, 1]², its 0.5 contour, and the points.

    X (N, 2), y (N, 1) labels 0/1; `resolution` grid points per axis.
    """
    X = check_X(X, 2)
    y = check_y(y, len(X))
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4), constrained_layout=True)
    else:
        fig = ax.figure
    lo = min(0.0, X.min()) - 0.05
    hi = max(1.0, X.max()) + 0.05
    grid = np.linspace(lo, hi, resolution)
    gx, gy = np.meshgrid(grid, grid)
    prob = net.predict_proba(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.35, vmin=0, vmax=1)
    ax.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=1.5)
    _scatter(ax, X, y, "Decision boundary (ŷ = 0.5)")
    return fig
