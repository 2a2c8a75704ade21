"""The reference data generators, point for point."""

import numpy as np
import pytest

import lab


def test_linear_shapes_dtypes_and_range():
    X, y = lab.generate_linear(100, seed=0)
    assert X.shape == (100, 2) and X.dtype == np.float64
    assert y.shape == (100, 1) and np.issubdtype(y.dtype, np.integer)
    assert ((X >= 0) & (X < 1)).all()


def test_linear_labels_follow_the_diagonal():
    X, y = lab.generate_linear(500, seed=3)
    expected = np.where(X[:, 0] > X[:, 1], 0, 1)
    np.testing.assert_array_equal(y[:, 0], expected)
    assert set(np.unique(y)) == {0, 1}


def test_linear_default_n_is_100():
    X, y = lab.generate_linear(seed=1)
    assert X.shape == (100, 2) and y.shape == (100, 1)


def test_linear_same_seed_same_points_other_seed_other_points():
    X1, y1 = lab.generate_linear(50, seed=7)
    X2, y2 = lab.generate_linear(50, seed=7)
    X3, _ = lab.generate_linear(50, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_linear_uses_a_uniform_generator_from_the_seed():
    X, _ = lab.generate_linear(10, seed=5)
    np.testing.assert_array_equal(X, np.random.default_rng(5).uniform(0, 1, (10, 2)))


@pytest.mark.parametrize("n", [0, -1])
def test_linear_rejects_non_positive_n(n):
    with pytest.raises(ValueError, match="n must be"):
        lab.generate_linear(n)


@pytest.mark.parametrize("n", [2.5, "100", None, True])
def test_linear_rejects_non_integer_n(n):
    with pytest.raises(TypeError, match="n must be an integer"):
        lab.generate_linear(n)


@pytest.mark.parametrize("seed", [-1, 1.5, "s"])
def test_linear_rejects_bad_seed(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        lab.generate_linear(10, seed=seed)


def test_xor_easy_point_for_point():
    X, y = lab.generate_xor_easy()
    assert X.shape == (21, 2) and X.dtype == np.float64
    assert y.shape == (21, 1) and np.issubdtype(y.dtype, np.integer)
    expected_X, expected_y = [], []
    for i in range(11):
        expected_X.append((0.1 * i, 0.1 * i))
        expected_y.append(0)
        if i != 5:
            expected_X.append((0.1 * i, 1 - 0.1 * i))
            expected_y.append(1)
    np.testing.assert_array_equal(X, np.array(expected_X))
    np.testing.assert_array_equal(y[:, 0], expected_y)
    # spot checks against the literal description
    assert tuple(X[0]) == (0.0, 0.0) and y[0, 0] == 0
    assert tuple(X[1]) == (0.0, 1.0) and y[1, 0] == 1
    assert np.allclose(X[10], (0.5, 0.5)) and y[10, 0] == 0
    assert np.allclose(X[11], (0.6, 0.6)) and y[11, 0] == 0
    assert np.allclose(X[12], (0.6, 0.4)) and y[12, 0] == 1
    assert tuple(X[20]) == (1.0, 0.0) and y[20, 0] == 1


def test_xor_easy_is_fixed():
    X1, y1 = lab.generate_xor_easy()
    X2, y2 = lab.generate_xor_easy()
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
