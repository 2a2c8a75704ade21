"""Hidden grading tests: the SGD step, with the forward and backward passes given (the reference's).

Every gradient must be computed from the weights as they were before the step: updating a layer
and then propagating the error through its *updated* weights (the report's bug) changes the lower
layers' steps, and fails here.
"""

import numpy as np
import pytest


@pytest.mark.parametrize("point, lr", [(0, 0.8), (3, 0.3), (slice(None), 0.5)])
def test_sgd_step(make, ref, reference_passes, point, lr):
    net = reference_passes(make.net((2, 3, 4, 1), seed=7))
    X, y = make.batch(2, 4, seed=7)
    x, t = X[point], y[point]
    if x.ndim == 1:
        x, t = x[None, :], t[None, :]
    params = net.parameters()  # live arrays: the step must change them in place
    expected = [p - lr * g for p, g in zip(params, ref.gradients(net, x, t))]
    net.sgd_step(x, t, lr=lr)
    for i, (p, e) in enumerate(zip(params, expected)):
        np.testing.assert_allclose(p, e, rtol=0, atol=1e-12, err_msg=f"parameter {i}")
    for i, (p, e) in enumerate(zip(net.copy().parameters(), expected)):
        np.testing.assert_allclose(p, e, rtol=0, atol=1e-12, err_msg=f"parameter {i} (not updated in place)")
