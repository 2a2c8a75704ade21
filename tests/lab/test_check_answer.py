"""lab.verdicts.check_answer: the notebooks' questions say right, wrong or not answered, and
reject an answer or a truth of the wrong kind with an error naming it."""

import numpy as np
import pytest

from lab.verdicts import check_answer


@pytest.mark.parametrize(
    "answer, truth, rel, expected",
    [
        (0.00125, 0.00125, 0.01, True),
        (0.001262, 0.00125, 0.01, True),  # 0.96 % off: within 1 %
        (0.001264, 0.00125, 0.01, False),  # 1.1 % off
        (-2.0, -2.0, 0.01, True),
        (0.004, 0.0, 0.01, True),  # truth 0: rel is an absolute tolerance
        (0.02, 0.0, 0.01, False),
        (337, 337, 0.0, True),  # rel 0: exactly
        (338, 337, 0.0, False),
        (np.float64(10 / 21), 0.4762, 0.01, True),
        ("less", "less", 0.01, True),
        ("  More ", "more", 0.01, True),  # case and spaces do not matter
        ("more", "less", 0.01, False),
    ],
)
def test_the_verdict_is_printed_and_returned(answer, truth, rel, expected, capsys):
    assert check_answer(3, answer, truth, rel=rel) is expected
    out = capsys.readouterr().out
    assert out.startswith("question 3: ")
    assert ("question 3: right" in out) is expected
    assert ("not yet: look again" in out) is (not expected)


def test_an_empty_answer_is_not_answered_yet_and_raises_nothing(capsys):
    assert check_answer(1, None, 0.238) is None
    assert check_answer("mirror band", None, "no") is None
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "question 1: not answered yet (write your answer in the cell above)",
        "question mirror band: not answered yet (write your answer in the cell above)",
    ]


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((0, 1.0, 1.0), {}, ValueError, "question must be >= 1"),
        ((True, 1.0, 1.0), {}, TypeError, "question must be a question number"),
        ((1.5, 1.0, 1.0), {}, TypeError, "question must be a question number"),
        (("  ", 1.0, 1.0), {}, ValueError, "question must not be an empty name"),
        ((1, 1.0, None), {}, TypeError, "truth must be a real number"),
        ((1, 1.0, float("nan")), {}, ValueError, "truth must be a finite number"),
        ((1, "yes", ""), {}, ValueError, "truth must not be an empty word"),
        ((1, 1.0, 1.0), {"rel": 1.0}, ValueError, r"rel must be in \[0, 1\)"),
        ((1, 1.0, 1.0), {"rel": -0.1}, ValueError, r"rel must be in \[0, 1\)"),
        ((1, 1.0, 1.0), {"rel": "1%"}, TypeError, "rel must be a real number"),
        ((1, "0.238", 0.238), {}, TypeError, "answer must be a number, not the text '0.238'"),
        ((1, [0.238], 0.238), {}, TypeError, "answer must be a real number"),
        ((1, float("inf"), 0.238), {}, ValueError, "answer must be a finite number"),
        ((1, True, 0.238), {}, TypeError, "answer must be a real number"),
        ((1, 1, "yes"), {}, TypeError, r"answer must be a word such as 'yes' \(in quotes\)"),
    ],
)
def test_bad_arguments_are_named_and_nothing_is_printed(args, kwargs, error, match, capsys):
    with pytest.raises(error, match=match):
        check_answer(*args, **kwargs)
    assert capsys.readouterr().out == ""
