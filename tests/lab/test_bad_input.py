"""Every public entry point rejects bad input with an error naming the argument, before any change."""

import warnings

import numpy as np
import pytest

import lab


@pytest.fixture
def net():
    return lab.Network(seed=0)


@pytest.fixture
def data():
    return lab.generate_xor_easy()


def weights(net):
    return [p.copy() for p in net.parameters()]


def assert_unchanged(net, before):
    for a, b in zip(before, net.parameters()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "sizes, error, match",
    [
        ((2,), ValueError, "sizes must have at least 2"),
        ((), ValueError, "sizes must have at least 2"),
        ((2, 0, 1), ValueError, "sizes must hold positive widths"),
        ((2, -3, 1), ValueError, "sizes must hold positive widths"),
        ((0, 4, 1), ValueError, "sizes must hold positive widths"),
        ((2, 4, 2), ValueError, "sizes must end in 1"),
        ((2, 4.5, 1), TypeError, "sizes must hold integers"),
        ((2, True, 1), TypeError, "sizes must hold integers"),
        ("241", TypeError, "sizes must be a sequence"),
        (5, TypeError, "sizes must be a sequence"),
    ],
)
def test_bad_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        lab.Network(sizes)


@pytest.mark.parametrize(
    "activation, error", [("softmax", ValueError), ("Sigmoid", ValueError), (None, TypeError), (3, TypeError)]
)
def test_unknown_activation(activation, error):
    with pytest.raises(error, match="activation"):
        lab.Network(activation=activation)


@pytest.mark.parametrize("seed", [-1, 0.5, "0"])
def test_bad_seed(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        lab.Network(seed=seed)


BAD_X = [
    (np.zeros(2), ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros((3, 3)), ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros((0, 2)), ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros((2, 2, 1)), ValueError, r"X must have shape"),
    (np.array([[0.0, np.nan]]), ValueError, "X must be finite"),
    (np.array([[np.inf, 0.0]]), ValueError, "X must be finite"),
    (np.array([["a", "b"]]), TypeError, "X must hold real numbers"),
    (np.array([[True, False]]), TypeError, "X must hold real numbers"),
    ([[1, 2], [3]], TypeError, "X must be an array of numbers"),
]


@pytest.mark.parametrize("X, error, match", BAD_X)
@pytest.mark.parametrize("method", ["forward", "predict", "predict_proba"])
def test_bad_X_for_prediction(net, X, error, match, method):
    with pytest.raises(error, match=match):
        getattr(net, method)(X)


@pytest.mark.parametrize("X, error, match", BAD_X)
@pytest.mark.parametrize("method", ["fit", "loss", "gradients", "sgd_step", "accuracy"])
def test_bad_X_for_training(net, X, error, match, method):
    before = weights(net)
    y = np.zeros((1, 1), dtype=int)
    with pytest.raises(error, match=match):
        getattr(net, method)(X, y)
    assert_unchanged(net, before)


BAD_Y = [
    (np.zeros((20, 1)), ValueError, "y has 20 labels but X has 21 rows"),
    (np.zeros((22,)), ValueError, "y has 22 labels but X has 21 rows"),
    (np.zeros((21, 2)), ValueError, r"y must have shape \(N, 1\)"),
    (np.full((21, 1), 2), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), -1), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), 0.5), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), np.nan), ValueError, "y must hold only labels 0 and 1"),
    (np.array(["a"] * 21), TypeError, "y must hold numbers"),
]


@pytest.mark.parametrize("y, error, match", BAD_Y)
@pytest.mark.parametrize("method", ["fit", "loss", "gradients", "sgd_step", "accuracy"])
def test_bad_y(net, data, y, error, match, method):
    X, _ = data
    before = weights(net)
    with pytest.raises(error, match=match):
        getattr(net, method)(X, y)
    assert_unchanged(net, before)


@pytest.mark.parametrize(
    "lr, error, match",
    [
        (0, ValueError, "lr must be a finite number > 0"),
        (-0.8, ValueError, "lr must be a finite"),
        (float("nan"), ValueError, "lr must be a finite"),
        (float("inf"), ValueError, "lr must be a finite"),
        ("0.8", TypeError, "lr must be a real number"),
        (None, TypeError, "lr must be a real number"),
        (True, TypeError, "lr must be a real number"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "sgd_step"])
def test_bad_lr(net, data, lr, error, match, method):
    before = weights(net)
    with pytest.raises(error, match=match):
        getattr(net, method)(*data, lr=lr)
    assert_unchanged(net, before)


@pytest.mark.parametrize(
    "epochs, error", [(-1, ValueError), (2.5, TypeError), ("10", TypeError), (None, TypeError)]
)
def test_bad_epochs(net, data, epochs, error):
    before = weights(net)
    with pytest.raises(error, match="epochs"):
        net.fit(*data, epochs=epochs)
    assert_unchanged(net, before)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"log_every": 0}, "log_every"), ({"log_every": 1.5}, "log_every"), ({"progress": "yes"}, "progress")],
)
def test_bad_fit_options(net, data, kwargs, match):
    before = weights(net)
    with pytest.raises((TypeError, ValueError), match=match):
        net.fit(*data, epochs=3, **kwargs)
    assert_unchanged(net, before)


def test_diverging_run_is_caught_without_warnings_and_keeps_finite_weights():
    X, y = lab.generate_linear(100, seed=0)
    net = lab.Network(activation="identity", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any numpy RuntimeWarning would fail the test
        with pytest.raises(lab.DivergedError, match=r"lr=1e\+300") as info:
            net.fit(X, y, lr=1e300, epochs=50)
    assert isinstance(info.value, ValueError)
    assert "learning rate" in str(info.value)
    for p in net.parameters():
        assert np.isfinite(p).all()
    # the weights left in place are the last finite ones: the run up to that epoch, replayed
    epoch = int(str(info.value).split("epoch ")[1].split(":")[0])
    replay = lab.Network(activation="identity", seed=0)
    with np.errstate(all="ignore"):
        replay.fit(X, y, lr=1e300, epochs=epoch - 1)
    for a, b in zip(net.parameters(), replay.parameters()):
        np.testing.assert_array_equal(a, b)


def test_rel_error_and_gradcheck_arguments(net, data):
    with pytest.raises(TypeError, match="f must be a callable"):
        lab.numerical_gradient(3, np.zeros(2))
    with pytest.raises(TypeError, match="x must be a float64"):
        lab.numerical_gradient(lambda: 0.0, [1.0])
    with pytest.raises(ValueError, match="eps"):
        lab.numerical_gradient(lambda: 0.0, np.zeros(2), eps=0)
    with pytest.raises(ValueError, match="order"):
        lab.numerical_gradient(lambda: 0.0, np.zeros(2), order=3)
    with pytest.raises(ValueError, match="y has"):
        lab.check_gradients(net, data[0], data[1][:3])


def test_save_load_arguments(net, tmp_path):
    with pytest.raises(TypeError, match="path"):
        net.save(3)
    with pytest.raises(TypeError, match="path"):
        lab.Network.load(None)
