"""Figures of the pack: ground truth vs prediction, loss curves, decision boundaries, probabilities.

Colours follow the report: red for label 0, blue for label 1.
Every function draws into `ax`/`axes` when given, so notebooks can compose figures,
and returns the matplotlib Figure. Arguments are checked before anything is drawn:
a bad one raises a ValueError/TypeError naming it, and no figure is created.
"""

from __future__ import annotations

import numpy as np

from ._checks import (
    MAX_BATCH_VALUES,
    PLOT_LOG_RANGE,
    PLOT_MAX,
    check_bool,
    check_finite,
    check_finite_weights,
    check_int,
    check_real_array,
    check_str,
    check_X,
    check_y,
)

COLORS = ("tab:red", "tab:blue")  # label 0, label 1


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _check_ax(ax, name: str = "ax"):
    """None, or a matplotlib Axes."""
    if ax is None:
        return None
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_title(title, name: str = "title") -> str | None:
    return check_str(title, name, optional=True)


_check_bool = check_bool

#: The decision boundary's grid has at most this many points per axis.
MAX_RESOLUTION = 2000


def _check_plottable(X: np.ndarray, name: str = "X") -> np.ndarray:
    """Coordinates matplotlib can lay out: |x| <= PLOT_MAX (beyond, its limits overflow)."""
    if X.size and float(np.max(np.abs(X))) > PLOT_MAX:
        raise ValueError(f"{name} must hold values of magnitude at most {PLOT_MAX:g} to be drawn")
    return X


def _check_axes_list(axes, n: int, what: str) -> list | None:
    """None, or exactly `n` matplotlib Axes (a list, tuple or array of them)."""
    if axes is None:
        return None
    try:
        axes = list(np.ravel(np.asarray(axes, dtype=object)))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"axes must be a list of {n} matplotlib Axes: {exc}") from None
    if len(axes) != n:
        raise ValueError(f"axes must hold exactly {n} Axes ({what}), got {len(axes)}")
    for ax in axes:
        _check_ax(ax, "axes")
    return axes


def _new_axes(ax, figsize):
    if ax is None:
        fig, ax = _pyplot().subplots(figsize=figsize, constrained_layout=True)
        return fig, ax
    return ax.figure, ax


def _scatter(ax, X: np.ndarray, labels: np.ndarray, title: str | None) -> None:
    labels = labels.ravel()
    for label, color in enumerate(COLORS):
        mask = labels == label
        ax.scatter(X[mask, 0], X[mask, 1], c=color, s=18, label=f"label {label}")
    if title is not None:
        ax.set_title(title)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")
    _legend_below(ax)


def _legend_below(ax, handles=None) -> None:
    """A one-row legend under the axes, clear of the points and of the x label."""
    kwargs = {} if handles is None else {"handles": handles}
    ax.legend(
        **kwargs, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize="small", frameon=False
    )


def plot_predictions(X, y, y_pred, axes=None):
    """The report's figure: ground truth (left) beside the prediction (right).

    X (N, 2); y and y_pred (N, 1) or (N,) labels 0/1; `axes` None or two Axes.
    """
    X = _check_plottable(check_X(X, 2))
    y = check_y(y, len(X))
    y_pred = check_y(y_pred, len(X), name="y_pred")
    axes = _check_axes_list(axes, 2, "ground truth, prediction")
    plt = _pyplot()
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(8, 4), constrained_layout=True)
    else:
        fig = axes[0].figure
    _scatter(axes[0], X, y, "Ground truth")
    _scatter(axes[1], X, y_pred, "Predict result")
    return fig


def plot_loss(
    history, ax=None, *, log: bool = True, label: str | None = None, title: str | None = "Training loss"
):
    """The loss after each epoch, history (epochs,), on a log scale by default.

    With `label`, the curve gets a legend entry (to compare several runs on one `ax`).
    """
    history = check_real_array(history, "history")
    if history.ndim != 1 or len(history) == 0:
        raise ValueError(f"history must be 1-D and non-empty (one loss per epoch), got shape {history.shape}")
    check_finite(history, "history")
    log = _check_bool(log, "log")
    if log and (history <= 0).any():
        raise ValueError("history must be > 0 to draw on a log scale; pass log=False")
    lo, hi = PLOT_LOG_RANGE
    if log and ((history < lo) | (history > hi)).any():
        raise ValueError(
            f"history must lie between {lo:g} and {hi:g} to be drawn on a log scale; pass log=False"
        )
    _check_plottable(history, "history")
    _check_title(label, "label")
    _check_title(title)
    _check_ax(ax)
    fig, ax = _new_axes(ax, (5, 3.5))
    ax.plot(np.arange(1, len(history) + 1), history, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss  mean ½(y − ŷ)²")
    if title is not None:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if label is not None:
        ax.legend(fontsize="small")
    return fig


def _check_net(net):
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net must be a lab.Network, got {type(net).__name__}")
    if net.sizes[0] != 2:
        raise ValueError(f"net must take 2 inputs to draw a boundary in the plane, got sizes {net.sizes}")
    check_finite_weights([net], name=None)
    return net


def _check_grid(net, X, resolution) -> tuple[np.ndarray, int]:
    _check_net(net)
    X = _check_plottable(check_X(X, 2))
    resolution = check_int(resolution, "resolution", minimum=2, maximum=MAX_RESOLUTION)
    if resolution**2 * sum(net.sizes) > MAX_BATCH_VALUES:
        raise ValueError(
            f"resolution = {resolution} is too fine for a net of widths {net.sizes}: the grid's forward "
            f"pass would hold more than lab._checks.MAX_BATCH_VALUES = {MAX_BATCH_VALUES:.0e} numbers"
        )
    return X, resolution


def probability_grid(net, X: np.ndarray, resolution: int):
    """The net's probability of label 1 on a square grid over [0, 1]² and the points of X (N, 2),
    0.05 beyond both: (gx, gy, prob), each (resolution, resolution). Shared by
    `plot_decision_boundary` and the explorer's figure (`lab.widgets`)."""
    X, resolution = _check_grid(net, X, resolution)
    lo = min(0.0, X.min()) - 0.05
    hi = max(1.0, X.max()) + 0.05
    grid = np.linspace(lo, hi, resolution)
    gx, gy = np.meshgrid(grid, grid)
    prob = net.predict_proba(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    return gx, gy, prob


def plot_decision_boundary(
    net,
    X,
    y,
    ax=None,
    *,
    resolution: int = 200,
    title: str | None = "Decision boundary (ŷ = 0.5)",
    colorbar: bool = False,
):
    """The net's probability of label 1 over [0, 1]², its 0.5 contour, and the points.

    X (N, 2), y (N, 1) labels 0/1; `resolution` grid points per axis; `colorbar` adds
    a scale for ŷ (leave it off when redrawing into the same `ax` again and again).
    """
    X, resolution = _check_grid(net, X, resolution)
    y = check_y(y, len(X))
    _check_title(title)
    colorbar = _check_bool(colorbar, "colorbar")
    _check_ax(ax)
    from matplotlib.lines import Line2D

    fig, ax = _new_axes(ax, (4.5, 4))
    gx, gy, prob = probability_grid(net, X, resolution)
    filled = ax.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.35)
    ax.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=1.5)
    _scatter(ax, X, y, title)
    handles, _ = ax.get_legend_handles_labels()
    boundary = Line2D([], [], color="k", linewidth=1.5, label="ŷ = 0.5")
    _legend_below(ax, [*handles, boundary])
    if colorbar:
        fig.colorbar(filled, ax=ax, label="ŷ = P(label 1)", shrink=0.8)
    return fig


def plot_probabilities(y_hat, y, ax=None, *, title: str | None = "Predicted probabilities"):
    """Each point's ŷ = P(label 1) against its index, coloured by its true label, with the 0.5 line.

    y_hat (N, 1) or (N,) probabilities in [0, 1]; y (N, 1) or (N,) labels 0/1.
    A point is classified right when red sits below the line and blue above it.
    """
    y_hat = check_real_array(y_hat, "y_hat")
    if y_hat.ndim == 2 and y_hat.shape[1] == 1:
        y_hat = y_hat[:, 0]
    if y_hat.ndim != 1 or len(y_hat) == 0:
        raise ValueError(f"y_hat must have shape (N, 1) or (N,) with N >= 1, got shape {y_hat.shape}")
    if not np.isfinite(y_hat).all() or (y_hat < 0).any() or (y_hat > 1).any():
        raise ValueError("y_hat must hold probabilities in [0, 1]")
    y = check_y(y, len(y_hat))[:, 0]
    _check_title(title)
    _check_ax(ax)
    from matplotlib.ticker import MaxNLocator

    fig, ax = _new_axes(ax, (5.5, 3.5))
    index = np.arange(len(y_hat))
    for label, color in enumerate(COLORS):
        mask = y == label
        ax.scatter(index[mask], y_hat[mask], c=color, s=22, label=f"label {label}", zorder=3)
    ax.axhline(0.5, color="k", linestyle="--", linewidth=1, label="ŷ = 0.5")
    ax.set_ylim(-0.04, 1.04)
    ax.set_xlabel("point index")
    ax.set_ylabel("ŷ = P(label 1)")
    if title is not None:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return fig


def name_axes(axes) -> None:
    """Label the axes of a plot of points by the point's coordinates: "$x_1$" across, "$x_2$" up.

    `axes` is one matplotlib Axes or a non-empty list, tuple or array of them (`fig.axes`).
    The label of a point is `y`, so the vertical axis is *not* called y.
    """
    from matplotlib.axes import Axes

    if isinstance(axes, Axes):
        axes = [axes]
    else:
        try:
            axes = list(np.ravel(np.asarray(axes, dtype=object)))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"axes must be a matplotlib Axes or a list of them: {exc}") from None
        if not axes:
            raise ValueError("axes must hold at least one matplotlib Axes, got none")
        for i, ax in enumerate(axes):
            if not isinstance(ax, Axes):
                raise TypeError(f"axes must hold matplotlib Axes, got {type(ax).__name__} at index {i}")
    for ax in axes:
        ax.set(xlabel="$x_1$", ylabel="$x_2$")
