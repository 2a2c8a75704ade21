"""Hidden grading tests: each layer's gradients against finite differences of the reference loss.

The activations given to `_backward` come from the reference forward pass, and the sigmoid and
σ' are the reference's: these items grade the backward pass alone. Nets: 2-3-4-1 (no square
weight, so a transposed weight fails) and the report's 2-4-4-1; batches of several points (a bias
gradient must be summed) and of one.
"""

import numpy as np
import pytest

CASES = [((2, 3, 4, 1), 0, 5), ((2, 3, 4, 1), 1, 1), ((2, 4, 4, 1), 2, 7)]  # (sizes, seed, batch)


def grads_and_check(make, ref, referee, reference_activations, sizes, seed, batch, activation="sigmoid"):
    net = reference_activations(make.net(sizes, seed, activation))
    X, y = make.batch(sizes[0], batch, seed)
    before = [p.copy() for p in net.parameters()]
    grads = net._backward(ref.forward(net, X), y)
    assert len(grads) == 2 * len(net.W), "gradients come as [dW1, db1, dW2, db2, ...]"
    for p, q in zip(before, net.parameters()):
        np.testing.assert_array_equal(p, q, err_msg="the backward pass must not change the weights")

    def check(index):
        param, analytic = net.parameters()[index], grads[index]
        assert np.shape(analytic) == param.shape, f"parameter {index}: gradient shape {np.shape(analytic)}"
        numeric = referee.numerical_gradient(lambda: ref.loss(net, X, y), param)
        error = referee.rel_error(analytic, numeric)
        assert error < 1e-6, f"{sizes} batch {batch}: parameter {index}: relative error {error:.3g}"

    return check


def check_layer(make, ref, referee, reference_activations, layer):
    for sizes, seed, batch in CASES:
        check = grads_and_check(make, ref, referee, reference_activations, sizes, seed, batch)
        check(2 * layer - 2)  # dW
        check(2 * layer - 1)  # db


def test_layer1_gradient(make, ref, referee, reference_activations):
    check_layer(make, ref, referee, reference_activations, 1)


def test_layer2_gradient(make, ref, referee, reference_activations):
    check_layer(make, ref, referee, reference_activations, 2)


def test_layer3_gradient(make, ref, referee, reference_activations):
    check_layer(make, ref, referee, reference_activations, 3)


@pytest.mark.parametrize(
    "sizes, activation, seed, batch",
    [
        ((2, 1), "sigmoid", 3, 4),
        ((3, 5, 2, 4, 1), "sigmoid", 4, 6),
        ((2, 3, 5, 2, 1), "tanh", 5, 5),
        ((2, 6, 3, 1), "identity", 6, 3),
    ],
)
def test_any_depth_and_activation(make, ref, referee, reference_activations, sizes, activation, seed, batch):
    check = grads_and_check(make, ref, referee, reference_activations, sizes, seed, batch, activation)
    for index in range(2 * (len(sizes) - 1)):
        check(index)
