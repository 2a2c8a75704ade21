"""Public grading tests: each layer's gradients agree with finite differences of `Network.loss`.

The net is 2-3-4-1: no weight matrix is square, so a transposed weight cannot pass by accident.
Batches hold several points, so a bias gradient must be summed over the batch.
"""

CASES = [((2, 3, 4, 1), 0, 5), ((2, 3, 4, 1), 3, 8)]  # (sizes, seed, batch)


def check_layer(make, referee, layer: int) -> None:
    for sizes, seed, batch in CASES:
        net = make.net(sizes, seed)
        X, y = make.batch(sizes[0], batch, seed)
        grads = net.gradients(X, y)
        assert len(grads) == 2 * net.n_layers, "gradients come as [dW1, db1, dW2, db2, ...]"
        W, b = net.W[layer - 1], net.b[layer - 1]
        dW, db = grads[2 * layer - 2], grads[2 * layer - 1]
        assert dW.shape == W.shape, f"dW{layer} has shape {dW.shape}, W{layer} has {W.shape}"
        assert db.shape == b.shape, f"db{layer} has shape {db.shape}, b{layer} has {b.shape}"
        for name, analytic, param in ((f"dW{layer}", dW, W), (f"db{layer}", db, b)):
            numeric = referee.numerical_gradient(lambda net=net, X=X, y=y: net.loss(X, y), param)
            error = referee.rel_error(analytic, numeric)
            assert error < 1e-6, f"{name}: relative error {error:.3g} against finite differences"


def test_layer1_gradient(make, referee):
    check_layer(make, referee, 1)


def test_layer2_gradient(make, referee):
    check_layer(make, referee, 2)


def test_layer3_gradient(make, referee):
    check_layer(make, referee, 3)


def test_any_depth_and_activation(make, referee):
    for sizes, activation, seed in [((3, 5, 2, 4, 1), "tanh", 4), ((2, 1), "sigmoid", 5)]:
        net = make.net(sizes, seed, activation)
        X, y = make.batch(sizes[0], 6, seed)
        for i, (analytic, param) in enumerate(zip(net.gradients(X, y), net.parameters())):
            numeric = referee.numerical_gradient(lambda net=net, X=X, y=y: net.loss(X, y), param)
            assert referee.rel_error(analytic, numeric) < 1e-6, f"{sizes} {activation}: parameter {i}"
