"""Public grading tests: the sigmoid σ(h), its derivative σ'(h), and σ' read off p = σ(h)."""

import numpy as np

from lab import activations


def test_sigmoid_known_values():
    h = np.array([-1.0, 0.0, 2.0])
    expected = [0.2689414213699951, 0.5, 0.8807970779778823]
    np.testing.assert_allclose(activations.sigmoid(h), expected, rtol=1e-12)


def test_sigmoid_keeps_the_shape_and_is_an_increasing_symmetric_squashing():
    h = np.linspace(-8.0, 8.0, 12).reshape(3, 4)
    p = activations.sigmoid(h)
    assert p.shape == (3, 4)
    assert ((p > 0) & (p < 1)).all() and (np.diff(p.ravel()) > 0).all()
    np.testing.assert_allclose(activations.sigmoid(-h), 1.0 - p, rtol=1e-12)


def test_sigmoid_derivative_matches_finite_differences():
    h = np.linspace(-6.0, 6.0, 9)
    d = activations.sigmoid_derivative(h)
    assert d.shape == h.shape
    numeric = (activations.sigmoid(h + 1e-5) - activations.sigmoid(h - 1e-5)) / 2e-5
    np.testing.assert_allclose(d, numeric, rtol=1e-8)
    np.testing.assert_allclose(activations.sigmoid_derivative(np.zeros(1)), [0.25], rtol=1e-15)


def test_sigmoid_grad_reads_the_derivative_off_p():
    h = np.linspace(-5.0, 5.0, 8).reshape(2, 4)
    p = activations.sigmoid(h)
    g = activations._sigmoid_grad(p)
    assert g.shape == (2, 4)
    np.testing.assert_allclose(g, activations.sigmoid_derivative(h), rtol=1e-12)
