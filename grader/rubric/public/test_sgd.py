"""Public grading tests: one SGD step moves every parameter, in place, by −lr × its gradient.

The gradients are given (made up, one value per parameter array), so that these tests grade the
step alone, whatever the state of the forward and backward passes.
"""

import numpy as np
import pytest


def given_gradients(net):
    """Make `net` report fixed gradients, whichever way its `sgd_step` asks for them."""
    grads = [np.full(p.shape, 0.1 * (i + 1)) for i, p in enumerate(net.parameters())]
    activations = [np.full((1, width), 0.5) for width in net.sizes]
    net.gradients = lambda X, y: [g.copy() for g in grads]
    net._backward = lambda ps, y: [g.copy() for g in grads]
    net._forward = lambda X: [np.asarray(X, dtype=np.float64), *activations[1:]]
    return grads


@pytest.mark.parametrize("lr", [0.8, 0.3])
def test_sgd_step_moves_every_parameter_in_place_by_minus_lr_times_its_gradient(make, lr):
    net = make.net((2, 3, 4, 1), seed=0)
    X, y = make.batch(2, 4, seed=0)
    grads = given_gradients(net)
    params = net.parameters()  # live arrays: sgd_step must change them in place
    expected = [p - lr * g for p, g in zip(params, grads)]
    net.sgd_step(X[:1], y[:1], lr=lr)
    for i, (p, e) in enumerate(zip(params, expected)):
        np.testing.assert_allclose(p, e, rtol=0, atol=1e-12, err_msg=f"parameter {i}")
