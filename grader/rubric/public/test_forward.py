"""Public grading tests: the forward pass returns every layer's activations, shaped (N, width)."""

import numpy as np


def test_forward_returns_every_layers_activations(make):
    net = make.net((2, 3, 4, 1), seed=0)
    X, _ = make.batch(2, 5, seed=0)
    ps = net._forward(X)
    assert len(ps) == 4, "one array per layer: [X, p1, p2, y_hat]"
    assert [p.shape for p in ps] == [(5, 2), (5, 3), (5, 4), (5, 1)]
    np.testing.assert_array_equal(ps[0], X)
    for p in ps[1:]:
        assert ((p > 0) & (p < 1)).all(), "sigmoid activations lie in (0, 1)"


def test_forward_with_all_parameters_zero_gives_one_half_everywhere(make):
    net = make.net((2, 3, 4, 1), seed=0)
    for param in net.parameters():
        param[...] = 0.0
    X, _ = make.batch(2, 3, seed=1)
    for p in net._forward(X)[1:]:
        np.testing.assert_allclose(p, 0.5, rtol=0, atol=1e-15)


def test_forward_and_predict_give_one_column(make):
    net = make.net((2, 4, 4, 1), seed=2)
    X, _ = make.batch(2, 7, seed=2)
    y_hat = net.forward(X)
    assert y_hat.shape == (7, 1)
    np.testing.assert_array_equal(y_hat, net._forward(X)[-1])
    np.testing.assert_array_equal(net.predict(X), (y_hat > 0.5).astype(int))
