"""Hidden grading tests: forward-pass values against the reference, the sigmoid itself given."""

import numpy as np
import pytest

CASES = [
    ((2, 3, 4, 1), "sigmoid", 0, 5),
    ((2, 4, 4, 1), "sigmoid", 2, 21),
    ((3, 5, 2, 1), "tanh", 1, 4),
    ((2, 6, 3, 1), "relu", 3, 6),
    ((2, 1), "sigmoid", 4, 3),
]


@pytest.mark.parametrize("sizes, activation, seed, batch", CASES)
def test_forward_values(make, ref, reference_activations, sizes, activation, seed, batch):
    net = reference_activations(make.net(sizes, seed, activation))
    X, _ = make.batch(sizes[0], batch, seed)
    ps = net._forward(X)
    expected = ref.forward(net, X)
    assert len(ps) == len(expected)
    for layer, (p, e) in enumerate(zip(ps, expected)):
        assert np.shape(p) == e.shape, f"layer {layer}: shape {np.shape(p)}, expected {e.shape}"
        np.testing.assert_allclose(p, e, rtol=1e-12, atol=1e-15, err_msg=f"layer {layer}")
    np.testing.assert_allclose(net.forward(X), expected[-1], rtol=1e-12)
