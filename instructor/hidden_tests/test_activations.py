"""Hidden grading tests: sigmoid and derivatives against scipy's `expit`, for any input, warning-free."""

import warnings

import numpy as np
from scipy.special import expit

from lab import activations


def test_sigmoid_matches_the_reference_on_a_wide_grid():
    h = np.linspace(-40.0, 40.0, 801)
    np.testing.assert_allclose(activations.sigmoid(h), expit(h), rtol=1e-12, atol=1e-300)
    H = np.random.default_rng(0).normal(scale=3.0, size=(4, 3, 2))
    np.testing.assert_allclose(activations.sigmoid(H), expit(H), rtol=1e-12)


def test_sigmoid_and_derivatives_take_huge_inputs_without_warnings():
    h = np.array([-1e6, -1000.0, -745.0, -50.0, 50.0, 745.0, 1000.0, 1e6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = activations.sigmoid(h)
        d = activations.sigmoid_derivative(h)
        g = activations._sigmoid_grad(p)
    np.testing.assert_allclose(p, expit(h), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(d, expit(h) * (1 - expit(h)), rtol=1e-9, atol=1e-300)
    assert np.isfinite(g).all()


def test_sigmoid_derivative_matches_the_reference():
    h = np.linspace(-30.0, 30.0, 301).reshape(7, 43)
    np.testing.assert_allclose(activations.sigmoid_derivative(h), expit(h) * (1 - expit(h)), rtol=1e-9)


def test_sigmoid_grad_is_p_times_one_minus_p():
    p = np.random.default_rng(1).uniform(size=(4, 5))
    np.testing.assert_allclose(activations._sigmoid_grad(p), p * (1 - p), rtol=1e-14)


def test_integer_input_gives_floats():
    p = activations.sigmoid(np.array([0, 2]))
    assert np.issubdtype(np.asarray(p).dtype, np.floating)
    np.testing.assert_allclose(p, expit([0.0, 2.0]), rtol=1e-12)
