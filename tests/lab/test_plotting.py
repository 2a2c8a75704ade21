"""lab.plotting: the figures show what they claim, and bad arguments fail before anything is drawn."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

import lab
from lab.plotting import (
    plot_decision_boundary,
    plot_loss,
    plot_predictions,
    plot_probabilities,
)

RED, BLUE = to_rgba("tab:red"), to_rgba("tab:blue")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def xor():
    return lab.generate_xor_easy()


def scatter_points(ax):
    """{colour (rgba): set of (x, y) points} over the scatter collections of `ax`."""
    points = {}
    for coll in ax.collections:
        offsets = coll.get_offsets()
        if len(offsets) == 0 or not hasattr(coll, "get_sizes") or coll.__class__.__name__ != "PathCollection":
            continue
        color = tuple(coll.get_facecolor()[0])
        points.setdefault(color, set()).update(map(tuple, np.asarray(offsets)))
    return points


def as_set(X):
    return set(map(tuple, X))


def test_colours_follow_the_report(xor):
    """The report draws label 0 red and label 1 blue: the boundary plot paints its points so."""
    X, y = xor
    fig = plot_decision_boundary(lab.Network(seed=lab.SEED), X, y)
    points = scatter_points(fig.axes[0])
    assert set(points) == {RED, BLUE}
    assert points[RED] == as_set(X[y.ravel() == 0]) and points[BLUE] == as_set(X[y.ravel() == 1])


def test_plot_predictions_two_panels_red_0_blue_1(xor):
    X, y = xor
    y_pred = y.copy()
    y_pred[:3] = 1 - y_pred[:3]  # the right panel must show y_pred, not y
    fig = plot_predictions(X, y, y_pred)
    assert len(fig.axes) == 2
    left, right = fig.axes
    assert left.get_title() == "Ground truth"
    assert right.get_title() == "Predict result"
    for ax, labels in [(left, y.ravel()), (right, y_pred.ravel())]:
        points = scatter_points(ax)
        assert set(points) == {RED, BLUE}
        assert points[RED] == as_set(X[labels == 0])
        assert points[BLUE] == as_set(X[labels == 1])
        assert ax.get_aspect() == 1.0
        assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["label 0", "label 1"]


def test_plot_predictions_draws_into_given_axes(xor):
    X, y = xor
    fig, axes = plt.subplots(1, 2)
    assert plot_predictions(X, y, y, axes=axes) is fig
    assert [ax.get_title() for ax in axes] == ["Ground truth", "Predict result"]


def test_plot_predictions_accepts_flat_labels(xor):
    X, y = xor
    fig = plot_predictions(X, y.ravel(), y.ravel())
    assert scatter_points(fig.axes[0])[RED] == as_set(X[y.ravel() == 0])


def test_plot_loss_draws_history_on_a_log_scale():
    history = np.array([0.125, 0.1, 0.01, 0.001])
    fig = plot_loss(history)
    (ax,) = fig.axes
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(line.get_ydata(), history)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch"
    assert ax.get_title() == "Training loss"
    assert ax.get_legend() is None


def test_plot_loss_linear_scale_labels_and_shared_axes():
    fig, ax = plt.subplots()
    plot_loss([0.3, 0.2], ax, log=False, label="lr 0.8", title=None)
    assert plot_loss([0.3, 0.25], ax, log=False, label="lr 0.2", title="Two rates") is fig
    assert ax.get_yscale() == "linear"
    assert len(ax.get_lines()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["lr 0.8", "lr 0.2"]
    assert ax.get_title() == "Two rates"


def test_plot_decision_boundary_contour_matches_the_net(xor):
    X, y = xor
    net = lab.Network(seed=lab.SEED)
    net.fit(X, y, epochs=2000)
    fig = plot_decision_boundary(net, X, y, resolution=50, colorbar=True)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the axes and its colorbar
    assert ax.get_title() == "Decision boundary (ŷ = 0.5)"
    # the black 0.5 contour: the net's probability on its vertices is 0.5
    contour = [
        c for c in ax.collections if c.__class__.__name__ == "QuadContourSet" and c.levels.tolist() == [0.5]
    ]
    assert len(contour) == 1
    vertices = np.concatenate([p.vertices for p in contour[0].get_paths()])
    assert len(vertices) > 10
    grid_step = 1.1 / 49
    prob = net.predict_proba(vertices).ravel()
    assert np.all(np.abs(prob - 0.5) < 0.5 * grid_step * 20)  # linear interpolation on a coarse grid
    assert np.median(np.abs(prob - 0.5)) < 0.05
    points = scatter_points(ax)
    assert points[RED] == as_set(X[y.ravel() == 0]) and points[BLUE] == as_set(X[y.ravel() == 1])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["label 0", "label 1", "ŷ = 0.5"]


def test_plot_probabilities_places_each_point(xor):
    X, y = xor
    y_hat = np.linspace(0, 1, len(y))[:, None]
    fig = plot_probabilities(y_hat, y)
    ax = fig.axes[0]
    points = scatter_points(ax)
    index = np.arange(len(y))
    expected = np.column_stack([index, y_hat.ravel()])
    assert points[RED] == as_set(expected[y.ravel() == 0])
    assert points[BLUE] == as_set(expected[y.ravel() == 1])
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), [0.5, 0.5])
    assert ax.get_ylim()[0] < 0 and ax.get_ylim()[1] > 1


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda X, y, net: plot_predictions(X[:, :1], y, y), ValueError, "X"),
        (lambda X, y, net: plot_predictions(X, y[:-1], y), ValueError, "y"),
        (lambda X, y, net: plot_predictions(X, y, y[:-1]), ValueError, "y_pred"),
        (lambda X, y, net: plot_predictions(X, y, y + 1), ValueError, "y_pred"),
        (lambda X, y, net: plot_predictions(X, y, y, axes=plt.figure().add_subplot()), ValueError, "axes"),
        (lambda X, y, net: plot_predictions(X, y, y, axes=["a", "b"]), TypeError, "axes"),
        (lambda X, y, net: plot_loss(np.ones((3, 2))), ValueError, "history"),
        (lambda X, y, net: plot_loss([]), ValueError, "history"),
        (lambda X, y, net: plot_loss([0.1, np.nan]), ValueError, "history"),
        (lambda X, y, net: plot_loss([0.1, 0.0]), ValueError, "history"),
        (lambda X, y, net: plot_loss(["a"]), TypeError, "history"),
        (lambda X, y, net: plot_loss([0.1], log="yes"), TypeError, "log"),
        (lambda X, y, net: plot_loss([0.1], label=3), TypeError, "label"),
        (lambda X, y, net: plot_loss([0.1], ax="left"), TypeError, "ax"),
        (lambda X, y, net: plot_decision_boundary("net", X, y), TypeError, "net"),
        (lambda X, y, net: plot_decision_boundary(lab.Network((3, 1), seed=0), X, y), ValueError, "net"),
        (lambda X, y, net: plot_decision_boundary(net, X, y, resolution=1), ValueError, "resolution"),
        (lambda X, y, net: plot_decision_boundary(net, X, y, resolution=2.5), TypeError, "resolution"),
        (lambda X, y, net: plot_decision_boundary(net, X, y[:3]), ValueError, "y"),
        (lambda X, y, net: plot_decision_boundary(net, X, y, colorbar=1), TypeError, "colorbar"),
        (lambda X, y, net: plot_decision_boundary(net, X, y, title=0), TypeError, "title"),
        (lambda X, y, net: plot_probabilities(np.full(21, 1.5), y), ValueError, "y_hat"),
        (lambda X, y, net: plot_probabilities(np.ones((21, 2)), y), ValueError, "y_hat"),
        (lambda X, y, net: plot_probabilities(np.full(20, 0.5), y), ValueError, "y"),
    ],
)
def test_bad_arguments_are_named_and_nothing_is_drawn(xor, call, error, name):
    X, y = xor
    net = lab.Network(seed=0)
    before = plt.get_fignums()
    with pytest.raises(error, match=rf"\b{name}\b"):
        call(X, y, net)
    new = set(plt.get_fignums()) - set(before)
    if name == "axes":  # the case built a figure itself to hold its (wrong) axes: left empty
        for num in new:
            assert all(not ax.collections and not ax.get_lines() for ax in plt.figure(num).axes)
    else:
        assert not new, "a figure was created before the bad argument was rejected"


def test_name_axes_labels_the_coordinates_not_the_label(xor):
    from lab.plotting import name_axes

    X, y = xor
    fig = plot_predictions(X, y, y)
    name_axes(fig.axes)
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes] == [("$x_1$", "$x_2$")] * len(fig.axes)
    fig, ax = plt.subplots()
    name_axes(ax)  # one Axes alone
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")


@pytest.mark.parametrize(
    "axes, error, match",
    [
        ([], ValueError, "axes must hold at least one matplotlib Axes"),
        ("ax", TypeError, "axes must hold matplotlib Axes, got str at index 0"),
        (None, TypeError, "axes must hold matplotlib Axes, got NoneType"),
    ],
)
def test_name_axes_rejects_what_is_not_axes(axes, error, match):
    from lab.plotting import name_axes

    with pytest.raises(error, match=match):
        name_axes(axes)
