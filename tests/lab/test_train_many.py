"""K networks trained together equal K networks trained alone."""

import numpy as np
import pytest

import lab


@pytest.fixture(autouse=True, params=["numba", "python"])
def each_engine(request, monkeypatch):
    """Every test here runs on the compiled kernel and on the readable numpy loop."""
    monkeypatch.setattr(lab.engine, "ENGINE", request.param)
    return request.param


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
@pytest.mark.parametrize("sizes", [(2, 4, 4, 1), (2, 3, 1), (2, 1), (2, 5, 3, 2, 1)])
def test_k_networks_together_equal_k_single_runs(sizes, activation):
    X, y = lab.generate_linear(40, seed=3)
    lrs = [0.05, 0.3, 0.8, 2.0, 0.8]
    seeds = [0, 1, 2, 3, 7]
    together = [lab.Network(sizes, activation, seed=s) for s in seeds]
    alone = [net.copy() for net in together]
    histories = lab.train_many(together, X, y, lr=lrs, epochs=15)
    assert histories.shape == (5, 15)
    for net, single, lr, history in zip(together, alone, lrs, histories):
        single_history = single.fit(X, y, lr=lr, epochs=15)
        # The losses agree to 1e-12, not always to the bit: for a net without a hidden layer the
        # loss over all points is a matrix-vector product alone and a matrix-matrix one for K.
        np.testing.assert_allclose(history, single_history, rtol=1e-12, atol=1e-14)
        for a, b in zip(net.parameters(), single.parameters()):
            np.testing.assert_array_equal(a, b)  # training itself: bit for bit


def test_sixteen_xor_networks_with_one_rate(each_engine):
    X, y = lab.generate_xor_easy()
    together = [lab.Network(seed=s) for s in range(16)]
    alone = [net.copy() for net in together]
    epochs = 300 if each_engine == "numba" else 40  # the readable loop is ~100x slower
    histories = lab.train_many(together, X, y, lr=0.8, epochs=epochs)
    for net, single, history in zip(together, alone, histories):
        np.testing.assert_array_equal(history, single.fit(X, y, lr=0.8, epochs=epochs))
        for a, b in zip(net.parameters(), single.parameters()):
            np.testing.assert_array_equal(a, b)


def test_train_many_rejects_bad_arguments():
    X, y = lab.generate_xor_easy()
    nets = [lab.Network(seed=0), lab.Network(seed=1)]
    before = [p.copy() for net in nets for p in net.parameters()]
    cases = [
        (dict(networks=[]), TypeError, "networks"),
        (dict(networks=nets[0]), TypeError, "networks"),
        (dict(networks=[nets[0], "x"]), TypeError, "networks"),
        (dict(networks=[nets[0], lab.Network((2, 3, 1))]), ValueError, "share sizes"),
        (dict(networks=[nets[0], nets[0]]), ValueError, "distinct"),
        (dict(lr=[0.1]), ValueError, "one learning rate per network"),
        (dict(lr=[0.1, -1.0]), ValueError, r"lr\[1\]"),
        (dict(lr="fast"), TypeError, "lr must be a real number"),
        (dict(log_every=10), ValueError, "log_every works with a single network"),
    ]
    for kwargs, error, match in cases:
        args = dict(networks=nets, X=X, y=y, lr=0.8, epochs=5) | kwargs
        with pytest.raises(error, match=match):
            lab.train_many(**args)
    after = [p for net in nets for p in net.parameters()]
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def test_one_diverging_network_names_its_rate_and_all_keep_finite_weights():
    X, y = lab.generate_linear(100, seed=0)
    nets = [lab.Network(activation="identity", seed=s) for s in range(3)]
    with pytest.raises(lab.DivergedError, match=r"lr=1e\+300"):
        lab.train_many(nets, X, y, lr=[0.5, 1e300, 0.1], epochs=5)
    for net in nets:
        for p in net.parameters():
            assert np.isfinite(p).all()


# BEGIN INSTRUCTOR ONLY
def test_fast_engine_equals_the_readable_loop_over_many_epochs(monkeypatch):
    """The fast loop and the plain loop built on Network.sgd_step train the report's net identically.

    Both do the same arithmetic up to the order of a few roundings (the fast loop folds lr into
    the output error signal). Per step they agree to 1e-12 for every activation
    (test_network.py::test_one_epoch_of_fit_equals_gradients_point_by_point); over many epochs,
    training at a large rate can amplify last-bit differences, so this long run uses the
    report's sigmoid net, whose training here is stable.
    """
    X, y = lab.generate_linear(30, seed=2)
    fast = [lab.Network((2, 4, 4, 1), "sigmoid", seed=s) for s in range(3)]
    plain = [net.copy() for net in fast]
    fast_history = lab.train_many(fast, X, y, lr=[0.1, 0.5, 0.8], epochs=50)
    monkeypatch.setattr(lab.engine, "ENGINE", "python")
    plain_history = lab.train_many(plain, X, y, lr=[0.1, 0.5, 0.8], epochs=50)
    np.testing.assert_allclose(fast_history, plain_history, rtol=1e-12, atol=1e-15)
    for a, b in zip(fast, plain):
        for p, q in zip(a.parameters(), b.parameters()):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)


# END INSTRUCTOR ONLY


def test_readable_loop_also_catches_divergence(monkeypatch):
    monkeypatch.setattr(lab.engine, "ENGINE", "python")
    X, y = lab.generate_linear(100, seed=0)
    net = lab.Network(activation="identity", seed=0)
    with pytest.raises(lab.DivergedError, match=r"lr=1e\+300"):
        net.fit(X, y, lr=1e300, epochs=3)
    assert all(np.isfinite(p).all() for p in net.parameters())
