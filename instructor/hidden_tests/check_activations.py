"""Hidden checks of the sigmoid item: a wide grid, huge inputs without warnings, integer input.
The tolerances are the task text's (see the public check_activations.py)."""

import numpy as np

from grader.judge import expit
from grader.rubric import PUBLIC_DIR, load_checks

public = load_checks(PUBLIC_DIR, "activations")


def sigmoid():
    huge = [-1e6, -1000.0, -745.0, -50.0, 50.0, 745.0, 1000.0, 1e6]
    cases = [
        public.sigmoid_value(np.linspace(-40.0, 40.0, 801), "sigmoid on a wide grid"),
        public.sigmoid_value(
            np.random.default_rng(0).normal(scale=3.0, size=(4, 3, 2)), "sigmoid on a 3-d array"
        ),
        public.sigmoid_value(huge, "sigmoid at huge |h|, without a warning", warn_free=True),
        public.derivative_value(huge, "sigmoid_derivative at huge |h|, without a warning", warn_free=True),
        public.derivative_value(
            np.linspace(-30.0, 30.0, 301).reshape(7, 43), "sigmoid_derivative on a wide grid"
        ),
        public.grad_value(np.random.default_rng(1).uniform(size=(4, 5)), "_sigmoid_grad on random p"),
        public.grad_value(expit(np.array(huge)), "_sigmoid_grad at p = σ(huge |h|)"),
        public.sigmoid_value([0, 2], "sigmoid of an integer array gives floats", dt="int64"),
    ]
    for case in cases:
        case.hidden = True
    return cases
