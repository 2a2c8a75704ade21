"""lab.verdicts.first_epoch_below and lab.verdicts.size, the two measurements notebooks 03 to 06
take of training runs: exact on hand-made inputs, and on a real run what the loop would say."""

import numpy as np
import pytest

import lab
from lab.verdicts import first_epoch_below, size


def test_first_epoch_below_counts_from_1_and_is_inf_for_a_curve_that_never_gets_there():
    histories = np.array([[0.2, 0.15, 0.05, 0.01], [0.2, 0.2, 0.2, 0.2], [0.01, 0.2, 0.01, 0.2]])
    np.testing.assert_array_equal(first_epoch_below(histories, 0.1), [3, np.inf, 1])
    one = first_epoch_below(histories[0], 0.01)  # strictly below: 0.01 is not below 0.01
    assert one.shape == () and one == np.inf
    assert first_epoch_below([0.3, 0.2], 0.25) == 2


def test_first_epoch_below_matches_a_loop_over_a_real_run():
    X, y = lab.generate_xor_easy()
    histories = lab.train_many([lab.Network(seed=s) for s in range(4)], X, y, lr=2.0, epochs=600)
    loop = []
    for h in histories:
        hits = [e for e, loss in enumerate(h, 1) if loss < 0.1]
        loop.append(hits[0] if hits else np.inf)
    np.testing.assert_array_equal(first_epoch_below(histories, 0.1), loop)
    assert np.isfinite(loop).any()  # the check compares real epochs, not only infinities


@pytest.mark.parametrize(
    "histories, threshold, error, match",
    [
        (np.zeros((2, 0)), 0.1, ValueError, r"histories must have shape \(epochs,\) or \(k, epochs\)"),
        (np.zeros((2, 2, 2)), 0.1, ValueError, "histories must have shape"),
        (np.array([0.1, np.nan]), 0.1, ValueError, "histories must be finite: it holds NaN or inf"),
        (["a", "b"], 0.1, TypeError, "histories must hold real numbers"),
        ([0.2, 0.1], None, TypeError, "threshold must be a real number"),
        ([0.2, 0.1], float("nan"), ValueError, "threshold must be a finite number"),
    ],
)
def test_first_epoch_below_rejects_bad_arguments(histories, threshold, error, match):
    with pytest.raises(error, match=match):
        first_epoch_below(histories, threshold)


def test_size_is_the_length_of_all_entries_as_one_vector():
    assert size([np.array([3.0]), np.array([[4.0]])]) == 5.0
    net = lab.Network(seed=lab.SEED)
    flat = np.concatenate([p.ravel() for p in net.parameters()])
    assert size(net.parameters()) == pytest.approx(np.linalg.norm(flat), rel=1e-15)
    assert size([np.zeros(3)]) == 0.0


@pytest.mark.parametrize(
    "arrays, error, match",
    [
        (np.ones(3), TypeError, "arrays must be a list of arrays"),
        ("abc", TypeError, "arrays must be a list of arrays"),
        (None, TypeError, "arrays must be a list of arrays"),
        ([], ValueError, "arrays must hold at least one array"),
        ([np.ones(2), np.array(["a"])], TypeError, r"arrays\[1\] must hold real numbers"),
        ([np.array([np.inf])], ValueError, r"arrays\[0\] must be finite: it holds NaN or inf"),
        # every type is checked before any NaN
        ([np.array([np.nan]), np.array(["a"])], TypeError, r"arrays\[1\] must hold real numbers"),
    ],
)
def test_size_rejects_bad_arguments(arrays, error, match):
    with pytest.raises(error, match=match):
        size(arrays)
