"""Nothing breaks it: every public function, the file format and the command line under hostile input.

`CASES` is a table of bad inputs, per public function of `lab` (lab.__all__, the Network's
methods, lab.activations, lab.plotting, lab.widgets). Each case calls one public name with one
bad argument and asserts

* the error type (ValueError for a bad value, TypeError for a bad kind of thing),
* that the message names the argument (a regex on the message),
* that nothing changed: the weights of every network involved, every array passed in,
  and matplotlib's list of figures; and that no warning was emitted.

`CASE_COUNTS` counts the cases per public name (`python tests/lab/test_hostile.py` prints it);
`test_every_public_name_is_in_the_table` fails when a public function has no cases.
Then: hand-made and hypothesis-generated corrupt files for `Network.load` (each a ValueError
naming the path, with little memory used), the CLI run as a subprocess over bad arguments (one
line, exit status 2, no traceback), state restored on every path of the finite differences, and
no warning at huge but finite inputs.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import inspect
import io
import os
import re
import reprlib
import struct
import subprocess
import sys
import tracemalloc
import warnings
import zipfile
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lab
from lab import activations, cli, plotting, verdicts, widgets


# ------------------------------------------------------------------------------------ the table
class _Placeholder:
    """Stands in a case for an object the test makes fresh for each case (see `Context`)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


NET = _Placeholder("net")  # the report's 2-4-4-1 net, seed 0
BIG = _Placeholder("big")  # a 2-4-4-1 net whose first layer is all 0.75: X = 1.7e308 overflows
NAN_NET = _Placeholder("nan_net")  # a 2-4-4-1 net with one weight set to NaN by hand
TINY = _Placeholder("tiny")  # a 2-1 net with W = 1e-300: X = 1e300 gives ŷ near 0.5, dW near 1e299
WIDE = _Placeholder("wide")  # a 2-1000-1 net: 100 000 rows exceed the batch cap
X = _Placeholder("X")  # the report's 21 XOR points
Y = _Placeholder("y")  # their labels (21, 1)
AX = _Placeholder("ax")  # a matplotlib Axes, made before the case runs
RESULTS = _Placeholder("results")  # a list of two lab.verdicts.Result


class Case(NamedTuple):
    target: str  # the public name called: "lab.rel_error", "Network.fit", "plotting.plot_loss", ...
    args: tuple
    kwargs: dict
    error: type
    match: str  # a regex the message must match: it names the argument at fault
    on: _Placeholder = NET  # the network whose method "Network.<m>" is called


CASES: list[Case] = []


def case(target, args, kwargs, error, match, on=NET):
    CASES.append(Case(target, tuple(args), dict(kwargs), error, match, on))


# --- kinds of things that are not real numbers, as scalars: every one a TypeError
NOT_REAL = [
    True,
    np.True_,
    1 + 0j,
    np.complex128(0.5),
    "0.8",
    None,
    [0.8],
    np.array(0.8),
    np.timedelta64(1, "s"),
    np.datetime64("2020-01-01"),
    datetime.timedelta(seconds=1),
    decimal.Decimal("0.8"),
]
NOT_INT = [2.5, 2.0, np.float64(3.0), "10", None, True, np.bool_(True), 3 + 0j, np.timedelta64(3), [3]]

# --- bad inputs X for a net of 2 inputs, in the order (value, error, regex)
_longdouble_big = np.finfo(np.longdouble).max > 1e400
BAD_X = [
    (np.zeros(2), ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros((3, 3)), ValueError, r"X must have shape \(N, 2\)"),
    (np.zeros((0, 2)), ValueError, r"X must have shape \(N, 2\) with N >= 1"),
    (np.zeros((2, 2, 1)), ValueError, r"X must have shape"),
    (np.float64(3.0), ValueError, r"X must have shape"),
    (np.array([[0.0, np.nan]]), ValueError, "X must be finite"),
    (np.array([[np.inf, 0.0]]), ValueError, "X must be finite"),
    (np.array([[np.float16(np.inf), 0]], dtype=np.float16), ValueError, "X must be finite"),
    (np.array([["a", "b"]]), TypeError, "X must hold real numbers"),
    (np.array([[True, False]]), TypeError, "X must hold real numbers"),
    ([[1, 2], [3]], TypeError, "X must be an array of numbers"),
    (np.array([[1 + 0j, 0]]), TypeError, "X must hold real numbers, got dtype complex"),
    (np.zeros((2, 2), dtype="m8[s]"), TypeError, "X must hold real numbers, got dtype timedelta"),
    (np.zeros((2, 2), dtype="M8[D]"), TypeError, "X must hold real numbers, got dtype datetime"),
    (np.array([[1.0, 2.0]], dtype=object), TypeError, "X must hold real numbers, got dtype object"),
    (np.zeros(2, dtype=[("a", float), ("b", float)]), TypeError, "X must hold real numbers"),
    (None, TypeError, "X must hold real numbers"),
    ("X", TypeError, "X must hold real numbers"),
    ({}, TypeError, "X must hold real numbers"),
    ([[10**30, 0]], TypeError, "X must hold real numbers, got dtype object"),
]
if _longdouble_big:  # a long double beyond float64 becomes inf: not finite
    BAD_X.append((np.array([[np.longdouble("1e400"), 0]]), ValueError, "X must be finite"))

# --- bad labels for the 21 points, (value, error, regex)
BAD_Y = [
    (np.zeros((20, 1)), ValueError, "y has 20 labels but X has 21 rows"),
    (np.zeros((22,)), ValueError, "y has 22 labels but X has 21 rows"),
    (np.zeros((21, 2)), ValueError, r"y must have shape \(N, 1\)"),
    (np.zeros((21, 1, 1)), ValueError, r"y must have shape \(N, 1\)"),
    (np.float64(0.0), ValueError, r"y must have shape"),
    (np.full((21, 1), 2), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), -1), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), 0.5), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), np.nan), ValueError, "y must hold only labels 0 and 1"),
    (np.full((21, 1), np.inf), ValueError, "y must hold only labels 0 and 1"),
    (np.array(["a"] * 21), TypeError, "y must hold numbers"),
    (np.zeros((21, 1), dtype=complex), TypeError, "y must hold numbers 0 or 1, got dtype complex"),
    (np.zeros((21, 1), dtype="m8[s]"), TypeError, "y must hold numbers 0 or 1, got dtype timedelta"),
    (np.zeros((21, 1), dtype="M8[s]"), TypeError, "y must hold numbers 0 or 1, got dtype datetime"),
    (np.zeros((21, 1), dtype=object), TypeError, "y must hold numbers 0 or 1, got dtype object"),
    (None, TypeError, "y must hold numbers"),
    ([[0], [1, 1]] + [[0]] * 19, TypeError, "y must be an array of 0/1 labels"),
]

# --- bad learning rates, (value, error, regex)
BAD_LR = [(v, TypeError, "lr must be a real number") for v in NOT_REAL] + [
    (0, ValueError, "lr must be a finite number > 0"),
    (0.0, ValueError, "lr must be a finite number > 0"),
    (-0.8, ValueError, "lr must be a finite number > 0"),
    (float("nan"), ValueError, "lr must be a finite number > 0"),
    (float("inf"), ValueError, "lr must be a finite number > 0"),
    (-float("inf"), ValueError, "lr must be a finite number > 0"),
    (1e-400, ValueError, "lr must be a finite number > 0"),  # rounds to 0
    (10**400, ValueError, "lr must be a finite number"),  # beyond float64
]

# --- bad epoch counts for training, (value, error, regex)
BAD_EPOCHS = [(v, TypeError, "epochs must be an integer") for v in NOT_INT] + [
    (-1, ValueError, "epochs must be >= 0"),
    (10**12, ValueError, "epochs = 1000000000000 is too many"),
    (10**400, ValueError, "epochs = an integer of about 400 digits is too many"),
    (4_000_000_000, ValueError, r"epochs = 4000000000 is too many .*loss history"),
]

# ------------------------------------------------------------------ lab.Network(...)
for sizes, error, match in [
    ((2,), ValueError, "sizes must have at least 2"),
    ((), ValueError, "sizes must have at least 2"),
    ((2, 0, 1), ValueError, "sizes must hold positive widths"),
    ((2, -3, 1), ValueError, "sizes must hold positive widths"),
    ((0, 4, 1), ValueError, "sizes must hold positive widths"),
    ((2, -(10**5000), 1), ValueError, "sizes must hold positive widths, got an integer of about 5000 digits"),
    ((2, 4, 2), ValueError, "sizes must end in 1"),
    ((2, 4, 4, 0), ValueError, "sizes must hold positive widths"),
    ((2, 4.5, 1), TypeError, "sizes must hold integers"),
    ((2, 4.0, 1), TypeError, "sizes must hold integers"),
    ((2, True, 1), TypeError, "sizes must hold integers"),
    ((2, np.bool_(True), 1), TypeError, "sizes must hold integers"),
    ((2, 1 + 0j, 1), TypeError, "sizes must hold integers"),
    ((2, "4", 1), TypeError, "sizes must hold integers"),
    ((2, None, 1), TypeError, "sizes must hold integers"),
    ((2, np.timedelta64(4), 1), TypeError, "sizes must hold integers"),
    ("241", TypeError, "sizes must be a sequence"),
    (5, TypeError, "sizes must be a sequence"),
    (None, TypeError, "sizes must be a sequence"),
    ({2, 4, 1}, TypeError, "sizes must be a sequence"),
    (np.array([2, 4, 1]), TypeError, "sizes must be a sequence"),
    # sizes whose parameters would not fit: refused from the numbers, before any allocation
    ((2, 10**12, 1), ValueError, r"sizes \(2, 1000000000000, 1\) give 4000000000001 weights and biases"),
    ((2, 10**5000, 1), ValueError, r"sizes .* give an integer of about 500\d digits weights"),
    ((1_000_000, 11, 1), ValueError, "MAX_PARAMETERS"),
    ((2,) + (3000,) * 3 + (1,), ValueError, "MAX_PARAMETERS"),
    (range(10**8), ValueError, "sizes must have at most 5000001 entries"),
]:
    case("lab.Network", [sizes], {}, error, match)
for activation, error in [
    ("softmax", ValueError),
    ("Sigmoid", ValueError),
    ("", ValueError),
    (None, TypeError),
    (3, TypeError),
    (b"sigmoid", TypeError),
    (["sigmoid"], TypeError),
]:
    case("lab.Network", [], {"activation": activation}, error, "activation")
case("lab.Network", [], {"seed": -1}, ValueError, "seed must be >= 0")
for seed in [0.5, "0", True, 1 + 0j, np.timedelta64(1), [1], np.float64(1.0)]:
    case("lab.Network", [], {"seed": seed}, TypeError, "seed must be an integer")

# ------------------------------------------------------------------ the Network's methods
PREDICT = ["Network.forward", "Network.predict", "Network.predict_proba"]
TRAIN = ["Network.fit", "Network.loss", "Network.gradients", "Network.sgd_step", "Network.accuracy"]
for value, error, match in BAD_X:
    for target in PREDICT:
        case(target, [value], {}, error, match)
    for target in TRAIN:
        case(target, [value, Y], {}, error, match)
    case("lab.train_many", [[NET], value, Y], {}, error, match)
    case("lab.check_gradients", [NET, value, Y], {}, error, match)
    case("plotting.plot_predictions", [value, Y, Y], {}, error, match)
    case("plotting.plot_decision_boundary", [NET, value, Y], {}, error, match)
    case("plotting.probability_grid", [NET, value, 20], {}, error, match)
    case("verdicts.diagnose", [NET, value, Y, [0.1], 0.8], {}, error, match)
for value, error, match in BAD_Y:
    for target in TRAIN:
        case(target, [X, value], {}, error, match)
    case("lab.train_many", [[NET], X, value], {}, error, match)
    case("lab.check_gradients", [NET, X, value], {}, error, match)
    case("plotting.plot_predictions", [X, value, Y], {}, error, match)
    case("plotting.plot_predictions", [X, Y, value], {}, error, match.replace("y ", "y_pred ", 1))
    case("plotting.plot_decision_boundary", [NET, X, value], {}, error, match)
    case("plotting.plot_probabilities", [np.full(21, 0.5), value], {}, error, match)
    case("verdicts.diagnose", [NET, X, value, [0.1], 0.8], {}, error, match)
for value, error, match in BAD_LR:
    for target in ["Network.fit", "Network.sgd_step"]:
        case(target, [X, Y], {"lr": value}, error, match)
    if not isinstance(value, list):  # a list is K rates for train_many
        case("lab.train_many", [[NET], X, Y], {"lr": value}, error, match)
    case("verdicts.diagnose", [NET, X, Y, [0.1]], {"lr": value}, error, match)
    case("verdicts.train_band", [value], {"epochs": 5}, error, match)
    case(
        "verdicts.compare_learning_rates", [[value]], {"epochs": 5}, error, match.replace("lr", r"rates\[0\]")
    )
    case("widgets.LearningRateExplorer", [], {"lr": value}, error, match)
for value, error, match in BAD_EPOCHS:
    case("Network.fit", [X, Y], {"epochs": value}, error, match)
    case("lab.train_many", [[NET], X, Y], {"epochs": value}, error, match)
    if not (isinstance(value, int) and value == -1) and value is not None:  # None: the default
        case("verdicts.train_band", [0.8], {"epochs": value}, error, match)
        case("verdicts.compare_learning_rates", [[0.8]], {"epochs": value}, error, match)

# fit, train_many: the other options
for kwargs, error, match in [
    ({"log_every": 0}, ValueError, "log_every must be >= 1"),
    ({"log_every": 1.5}, TypeError, "log_every must be an integer"),
    ({"log_every": True}, TypeError, "log_every must be an integer"),
    ({"log_every": "2"}, TypeError, "log_every must be an integer"),
    ({"progress": "yes"}, TypeError, "progress must be True, False or None"),
    ({"progress": 1}, TypeError, "progress must be True, False or None"),
]:
    case("Network.fit", [X, Y], {"epochs": 3, **kwargs}, error, match)
    case("lab.train_many", [[NET], X, Y], {"epochs": 3, **kwargs}, error, match)
# a NaN put in a weight by hand: a ValueError naming it, never a DivergedError blaming the rate
NAN_WEIGHT = r"has a non-finite weight: W2 \(net.W\[1\]\) holds nan at index \(0, 0\)"
for target, args in [
    ("Network.fit", [X, Y]),
    ("Network.forward", [X]),
    ("Network.predict", [X]),
    ("Network.predict_proba", [X]),
    ("Network.loss", [X, Y]),
    ("Network.accuracy", [X, Y]),
    ("Network.gradients", [X, Y]),
    ("Network.sgd_step", [X, Y]),
]:
    case(target, args, {}, ValueError, "the network " + NAN_WEIGHT, on=NAN_NET)
case("Network.save", ["unused.npz"], {}, ValueError, "the network " + NAN_WEIGHT, on=NAN_NET)
case("lab.train_many", [[NAN_NET], X, Y], {}, ValueError, r"networks\[0\] " + NAN_WEIGHT)
case("lab.train_many", [[NET, NAN_NET], X, Y], {}, ValueError, r"networks\[1\] " + NAN_WEIGHT)
case("lab.check_gradients", [NAN_NET, X, Y], {}, ValueError, "the network " + NAN_WEIGHT)
case("plotting.plot_decision_boundary", [NAN_NET, X, Y], {}, ValueError, "the network " + NAN_WEIGHT)
case("plotting.probability_grid", [NAN_NET, X, 20], {}, ValueError, "the network " + NAN_WEIGHT)
case("verdicts.diagnose", [NAN_NET, X, Y, [0.1], 0.8], {}, ValueError, "the network " + NAN_WEIGHT)
# finite but huge inputs: the forward pass overflows float64. A ValueError naming X, not a warning
# (and not a DivergedError blaming the learning rate)
HUGE = np.full((3, 2), 1.7e308)
HUGE_Y = np.array([[0], [1], [0]])
OVERFLOW = r"X or the weights are too large: .* overflows float64 \(largest \|X\| = 1.7e\+308"
for target in PREDICT:
    case(target, [HUGE], {}, ValueError, OVERFLOW, on=BIG)
for target in TRAIN:
    case(target, [HUGE, HUGE_Y], {}, ValueError, OVERFLOW, on=BIG)
case("lab.train_many", [[BIG], HUGE, HUGE_Y], {}, ValueError, OVERFLOW)
case("lab.train_many", [[NET, BIG], HUGE, HUGE_Y], {}, ValueError, r"X or the weights of networks\[1\] are")
case("lab.check_gradients", [BIG, HUGE, HUGE_Y], {}, ValueError, OVERFLOW)
case("verdicts.diagnose", [BIG, HUGE, HUGE_Y, [0.1], 0.8], {}, ValueError, OVERFLOW)
case(
    "plotting.plot_decision_boundary", [NET, HUGE, HUGE_Y], {}, ValueError, "X must hold values of magnitude"
)
case("plotting.plot_predictions", [HUGE, HUGE_Y, HUGE_Y], {}, ValueError, "X must hold values of magnitude")
case("plotting.probability_grid", [NET, HUGE, 20], {}, ValueError, "X must hold values of magnitude")
# a step that overflows: lr·dW beyond float64. Named, and the weights stay as they were
case(
    "Network.sgd_step",
    [np.full((3, 2), 1e300), HUGE_Y],
    {"lr": 1e10},
    ValueError,
    r"the step overflows float64: lr=1e\+10 is too large",
    on=TINY,
)
# a batch too big for one forward pass: refused before the activations are allocated
ROWS = np.zeros((100_000, 2))
for target in ["Network.forward", "Network.predict", "Network.loss", "Network.gradients", "Network.fit"]:
    args = [ROWS] if target in ("Network.forward", "Network.predict") else [ROWS, np.zeros(100_000)]
    case(
        target,
        args,
        {},
        ValueError,
        r"X has 100000 rows: a forward pass .* 1.003e\+08 activations, .*MAX_BATCH_VALUES",
        on=WIDE,
    )

# ------------------------------------------------------------------ save, load (the path argument)
for path, error, match in [
    (3, TypeError, "path must be a str or os.PathLike"),
    (None, TypeError, "path must be a str or os.PathLike"),
    (b"net.npz", TypeError, "path must be a str or os.PathLike"),
    ("", ValueError, "path must be a non-empty path"),
    ("net\0.npz", ValueError, "path must be a non-empty path without NUL"),
]:
    case("Network.save", [path], {}, error, match)
    case("Network.load", [path], {}, error, match)
case("Network.load", ["/no/such/file.npz"], {}, FileNotFoundError, "path '/no/such/file.npz': no such file")
case(
    "Network.load",
    ["/"],
    {},
    ValueError,
    "path '/' is not a network saved by lab.Network.save: it is a directory",
)
case("Network.save", ["/"], {}, IsADirectoryError, "path '/': cannot write")
case("Network.load", ["/dev/null"], {}, ValueError, "path '/dev/null' .*: it is not a regular file")

# ------------------------------------------------------------------ lab.glorot_bound, generate_*
for args, error, match in (
    [
        ((0, 0), ValueError, "fan_in must be >= 1"),
        ((2, 0), ValueError, "fan_out must be >= 1"),
        ((-1, 2), ValueError, "fan_in must be >= 1"),
        ((2, 10**400), ValueError, "fan_out must be <= 10_000_000, got an integer of about 400 digits"),
        ((10**8, 2), ValueError, "fan_in must be <= 10_000_000"),
    ]
    + [((v, 2), TypeError, "fan_in must be an integer") for v in NOT_INT]
    + [((2, v), TypeError, "fan_out must be an integer") for v in NOT_INT]
):
    case("lab.glorot_bound", args, {}, error, match)
for n, error, match in [
    (0, ValueError, "n must be >= 1"),
    (-1, ValueError, "n must be >= 1"),
    (10**9, ValueError, "n must be <= 10_000_000"),
    (10**400, ValueError, "n must be <= 10_000_000, got an integer of about 400 digits"),
] + [(v, TypeError, "n must be an integer") for v in NOT_INT]:
    case("lab.generate_linear", [n], {}, error, match)
for seed in [-1, 0.5, "3", True, np.timedelta64(2), 1j]:
    case("lab.generate_linear", [10], {"seed": seed}, ValueError if seed == -1 else TypeError, "seed")
case("lab.generate_xor_easy", [5], {}, TypeError, "generate_xor_easy")
case("lab.generate_xor_easy", [], {"seed": 1}, TypeError, "generate_xor_easy")

# ------------------------------------------------------------------ gradient checking
READONLY = np.zeros(3)
READONLY.flags.writeable = False
for args, kwargs, error, match in (
    [
        ((3, np.zeros(2)), {}, TypeError, "f must be a callable"),
        ((None, np.zeros(2)), {}, TypeError, "f must be a callable"),
        (("f", np.zeros(2)), {}, TypeError, "f must be a callable"),
        ((lambda: 0.0, [1.0]), {}, TypeError, "x must be a float64"),
        ((lambda: 0.0, np.zeros(2, dtype=int)), {}, TypeError, "x must be a float64"),
        ((lambda: 0.0, np.zeros(2, dtype=complex)), {}, TypeError, "x must be a float64"),
        ((lambda: 0.0, np.zeros(2, dtype=np.float32)), {}, TypeError, "x must be a float64"),
        ((lambda: 0.0, 1.0), {}, TypeError, "x must be a float64"),
        ((lambda: 0.0, READONLY), {}, ValueError, "x must be writeable"),
        ((lambda: 0.0, np.array([np.nan])), {}, ValueError, "x must be finite"),
        ((lambda: 0.0, np.array([1.7e308])), {"eps": 1e308}, ValueError, "eps=1e\\+308 is too large"),
        (
            (lambda: 0.0, np.array([1e308])),
            {"eps": 5e307, "order": 4},
            ValueError,
            "eps=5e\\+307 is too large",
        ),
        ((lambda: 0.0, np.zeros(2)), {"eps": 0}, ValueError, "eps must be a finite number > 0"),
        ((lambda: 0.0, np.zeros(2)), {"eps": -1e-5}, ValueError, "eps must be a finite number > 0"),
        ((lambda: 0.0, np.zeros(2)), {"eps": float("nan")}, ValueError, "eps must be a finite number"),
        ((lambda: 0.0, np.zeros(2)), {"eps": float("inf")}, ValueError, "eps must be a finite number"),
        ((lambda: 0.0, np.zeros(2)), {"order": 3}, ValueError, "order must be 2 or 4"),
        ((lambda: 0.0, np.zeros(2)), {"order": 0}, ValueError, "order must be 2 or 4"),
    ]
    + [((lambda: 0.0, np.zeros(2)), {"eps": v}, TypeError, "eps must be a real number") for v in NOT_REAL]
    + [((lambda: 0.0, np.zeros(2)), {"order": v}, TypeError, "order must be an integer") for v in NOT_INT]
):
    case("lab.numerical_gradient", args, kwargs, error, match)
# what f returns must be a real number; x is put back before the TypeError goes on
for result in [
    None,
    "0.1",
    1j,
    np.complex128(1),
    [0.1],
    np.array([0.1, 0.2]),
    True,
    np.bool_(False),
    object(),
]:
    case(
        "lab.numerical_gradient",
        [lambda result=result: result, np.array([1.0, 2.0])],
        {},
        TypeError,
        "f must return a real number",
    )
for args, error, match in [
    ((np.inf, np.inf), ValueError, "a must be finite"),
    ((np.nan, 1.0), ValueError, "a must be finite"),
    ((1.0, [np.nan]), ValueError, "a and b must have the same shape"),
    ((1.0, -np.inf), ValueError, "b must be finite"),
    (([1.0, 2.0], [1.0, np.nan]), ValueError, "b must be finite"),
    ((1j, 1.0), TypeError, "a must hold real numbers"),
    ((1.0, np.array([1j])), TypeError, "b must hold real numbers"),
    ((True, 1.0), TypeError, "a must hold real numbers"),
    ((1.0, [False]), TypeError, "b must hold real numbers"),
    (("1", 1.0), TypeError, "a must hold real numbers"),
    ((None, 1.0), TypeError, "a must hold real numbers"),
    ((1.0, None), TypeError, "b must hold real numbers"),
    ((np.timedelta64(1), 1.0), TypeError, "a must hold real numbers"),
    ((np.array([1.0], dtype=object), [1.0]), TypeError, "a must hold real numbers"),
    (([[1.0], [1.0, 2.0]], 1.0), TypeError, "a must be an array of numbers"),
    (([1.0, 2.0], [1.0]), ValueError, "a and b must have the same shape"),
    ((np.ones((2, 2)), np.ones(4)), ValueError, "a and b must have the same shape"),
]:
    case("lab.rel_error", args, {}, error, match)
for net, error in [("net", TypeError), (None, TypeError), ([NET], TypeError), (lab.Network, TypeError)]:
    case("lab.check_gradients", [net, X, Y], {}, error, "net must be a lab.Network")
for kwargs, error, match in (
    [({"eps": v}, TypeError, "eps must be a real number") for v in NOT_REAL]
    + [({"order": v}, TypeError, "order must be an integer") for v in NOT_INT]
    + [
        ({"eps": 0}, ValueError, "eps must be a finite number > 0"),
        ({"eps": -1.0}, ValueError, "eps must be a finite number > 0"),
        ({"eps": float("nan")}, ValueError, "eps must be a finite number"),
        ({"order": 3}, ValueError, "order must be 2 or 4"),
    ]
):
    case("lab.check_gradients", [NET, X, Y], kwargs, error, match)

# ------------------------------------------------------------------ lab.train_many's networks, lr
for networks, error, match in [
    (NET, TypeError, "networks must be a non-empty list of lab.Network"),
    ([], TypeError, "networks must be a non-empty list"),
    (None, TypeError, "networks must be a non-empty list"),
    ("net", TypeError, "networks must hold lab.Network objects, got str"),
    (["net"], TypeError, "networks must hold lab.Network objects"),
    ([NET, None], TypeError, "networks must hold lab.Network objects"),
    ([NET, NET], ValueError, "networks must be distinct objects"),
    ([NET, WIDE], ValueError, "networks must share sizes, activation and loss"),
]:
    case("lab.train_many", [networks, X, Y], {}, error, match)
case(
    "lab.train_many",
    [[NET, BIG], X, Y],
    {"lr": [0.8]},
    ValueError,
    "lr must give one learning rate per network",
)
case(
    "lab.train_many",
    [[NET, BIG], X, Y],
    {"lr": [0.8, -1]},
    ValueError,
    r"lr\[1\] must be a finite number > 0",
)
case("lab.train_many", [[NET, BIG], X, Y], {"lr": [0.8, 1j]}, TypeError, r"lr\[1\] must be a real number")
case(
    "lab.train_many",
    [[NET, BIG], X, Y],
    {"log_every": 1},
    ValueError,
    "log_every works with a single network",
)
case(
    "lab.train_many",
    [[NET, BIG], X, Y],
    {"epochs": 60_000_000},
    ValueError,
    "epochs = 60000000 is too many for 2 network",
)

# ------------------------------------------------------------------ lab.activations
H_BAD = [
    ("a", TypeError, "h must hold real numbers"),
    (None, TypeError, "h must hold real numbers"),
    ([True, False], TypeError, "h must hold real numbers"),
    (1j, TypeError, "h must hold real numbers"),
    (np.zeros(2, dtype=complex), TypeError, "h must hold real numbers, got dtype complex"),
    (np.zeros(2, dtype="m8[s]"), TypeError, "h must hold real numbers, got dtype timedelta"),
    (np.zeros(2, dtype="M8[s]"), TypeError, "h must hold real numbers, got dtype datetime"),
    (np.zeros(2, dtype=object), TypeError, "h must hold real numbers, got dtype object"),
    ([[1.0], [1.0, 2.0]], TypeError, "h must be an array of numbers"),
]
OUT_BAD = [
    ("x", TypeError, "out must be None or a float64 numpy array"),
    ([0.0, 0.0], TypeError, "out must be None or a float64 numpy array"),
    (np.zeros(2, dtype=np.float32), TypeError, "out must be None or a float64 numpy array"),
    (np.zeros(2, dtype=int), TypeError, "out must be None or a float64 numpy array"),
    (np.zeros(3), ValueError, r"out must have the shape of h, \(2,\)"),
    (np.zeros((2, 1)), ValueError, "out must have the shape of h"),
    (READONLY[:2], ValueError, "out must be writeable"),
]
for name in ["sigmoid", "tanh", "relu", "identity", "sigmoid_derivative"]:
    for value, error, match in H_BAD:
        case(f"activations.{name}", [value], {}, error, match)
    if name != "sigmoid_derivative":
        for value, error, match in OUT_BAD:
            case(f"activations.{name}", [np.zeros(2)], {"out": value}, error, match)
for value, error in [
    (None, TypeError),
    (3, TypeError),
    (b"relu", TypeError),
    ("softmax", ValueError),
    ("", ValueError),
]:
    case("activations.get", [value], {}, error, "activation must be")

# ------------------------------------------------------------------ lab.plotting
for axes, error in [([AX], ValueError), (["a", "b"], TypeError), ([AX, AX, AX], ValueError), (3, ValueError)]:
    case("plotting.plot_predictions", [X, Y, Y], {"axes": axes}, error, "axes must")
    case("verdicts.plot_comparison", [RESULTS], {"axes": axes}, error, "axes must")
for history, kwargs, error, match in [
    (np.ones((3, 2)), {}, ValueError, "history must be 1-D and non-empty"),
    ([], {}, ValueError, "history must be 1-D and non-empty"),
    (0.1, {}, ValueError, "history must be 1-D and non-empty"),
    ([0.1, np.nan], {}, ValueError, "history must be finite"),
    ([0.1, np.inf], {"log": False}, ValueError, "history must be finite"),
    ([0.1, 0.0], {}, ValueError, "history must be > 0 to draw on a log scale"),
    ([0.1, -1.0], {}, ValueError, "history must be > 0"),
    ([1e250, 0.1], {}, ValueError, "history must lie between 1e-90 and 1e\\+90 to be drawn on a log scale"),
    ([1e100, 0.1], {}, ValueError, "history must lie between 1e-90 and 1e\\+90"),
    ([1e-100, 0.1], {}, ValueError, "history must lie between 1e-90 and 1e\\+90"),
    ([1e250, 0.1], {"log": False}, ValueError, "history must hold values of magnitude at most 1e\\+200"),
    ([1.7e308, -1.7e308], {"log": False}, ValueError, "history must hold values of magnitude"),
    (["a"], {}, TypeError, "history must hold real numbers"),
    ([1j], {}, TypeError, "history must hold real numbers, got dtype complex"),
    ([True, False], {}, TypeError, "history must hold real numbers, got dtype bool"),
    (np.ones(3, dtype="m8[s]"), {}, TypeError, "history must hold real numbers"),
    (np.ones(3, dtype=object), {}, TypeError, "history must hold real numbers"),
    (None, {}, TypeError, "history must hold real numbers"),
    ([0.1], {"log": "yes"}, TypeError, "log must be True or False"),
    ([0.1], {"log": 1}, TypeError, "log must be True or False"),
    ([0.1], {"log": None}, TypeError, "log must be True or False"),
    ([0.1], {"label": 3}, TypeError, "label must be a string or None"),
    ([0.1], {"label": b"run"}, TypeError, "label must be a string or None"),
    ([0.1], {"title": 3}, TypeError, "title must be a string or None"),
    ([0.1], {"ax": "left"}, TypeError, "ax must be a matplotlib Axes or None"),
    ([0.1], {"ax": 3}, TypeError, "ax must be a matplotlib Axes or None"),
    ([0.1], {"ax": [AX]}, TypeError, "ax must be a matplotlib Axes or None"),
]:
    case("plotting.plot_loss", [history], kwargs, error, match)
for net, error, match in [
    ("net", TypeError, "net must be a lab.Network"),
    (None, TypeError, "net must be a lab.Network"),
    (lab.Network((3, 1), seed=0), ValueError, "net must take 2 inputs"),
]:
    case("plotting.plot_decision_boundary", [net, X, Y], {}, error, match)
    case("plotting.probability_grid", [net, X, 20], {}, error, match)
for kwargs, error, match in [
    ({"resolution": 1}, ValueError, "resolution must be >= 2"),
    ({"resolution": -5}, ValueError, "resolution must be >= 2"),
    ({"resolution": 10**6}, ValueError, "resolution must be <= 2_000"),
    ({"resolution": 10**400}, ValueError, "resolution must be <= 2_000"),
    ({"resolution": 2.5}, TypeError, "resolution must be an integer"),
    ({"resolution": True}, TypeError, "resolution must be an integer"),
    ({"resolution": "50"}, TypeError, "resolution must be an integer"),
    ({"resolution": None}, TypeError, "resolution must be an integer"),
    ({"colorbar": 1}, TypeError, "colorbar must be True or False"),
    ({"colorbar": "yes"}, TypeError, "colorbar must be True or False"),
    ({"colorbar": None}, TypeError, "colorbar must be True or False"),
    ({"title": 0}, TypeError, "title must be a string or None"),
    ({"ax": "ax"}, TypeError, "ax must be a matplotlib Axes or None"),
]:
    case("plotting.plot_decision_boundary", [NET, X, Y], kwargs, error, match)
    if "resolution" in kwargs:
        case("plotting.probability_grid", [NET, X, kwargs["resolution"]], {}, error, match)
case(
    "plotting.plot_decision_boundary",
    [WIDE, X, Y],
    {"resolution": 400},
    ValueError,
    "resolution = 400 is too fine",
)
case("plotting.probability_grid", [WIDE, X, 400], {}, ValueError, "resolution = 400 is too fine")
for y_hat, error, match in [
    (np.full(21, 1.5), ValueError, r"y_hat must hold probabilities in \[0, 1\]"),
    (np.full(21, -0.1), ValueError, "y_hat must hold probabilities"),
    (np.full(21, np.nan), ValueError, "y_hat must hold probabilities"),
    (np.ones((21, 2)), ValueError, r"y_hat must have shape \(N, 1\) or \(N,\)"),
    ([], ValueError, "y_hat must have shape"),
    (0.5, ValueError, "y_hat must have shape"),
    (np.full(21, 0.5 + 0j), TypeError, "y_hat must hold real numbers"),
    (np.full(21, True), TypeError, "y_hat must hold real numbers"),
    (np.full(21, "0.5"), TypeError, "y_hat must hold real numbers"),
    (None, TypeError, "y_hat must hold real numbers"),
]:
    case("plotting.plot_probabilities", [y_hat, Y], {}, error, match)
case(
    "plotting.plot_probabilities", [np.full(20, 0.5), Y], {}, ValueError, "y has 21 labels but X has 20 rows"
)
case("plotting.plot_probabilities", [np.full(21, 0.5), Y], {"title": 1}, TypeError, "title must be a string")
case("plotting.plot_probabilities", [np.full(21, 0.5), Y], {"ax": "a"}, TypeError, "ax must be a matplotlib")
for axes, error, match in [
    ([], ValueError, "axes must hold at least one matplotlib Axes"),
    (np.array([]), ValueError, "axes must hold at least one matplotlib Axes"),
    ("ax", TypeError, "axes must hold matplotlib Axes, got str at index 0"),
    ([AX, None], TypeError, "axes must hold matplotlib Axes, got NoneType at index 1"),
    (None, TypeError, "axes must hold matplotlib Axes, got NoneType"),
    (3, TypeError, "axes must hold matplotlib Axes, got int"),
]:
    case("plotting.name_axes", [axes], {}, error, match)

# ------------------------------------------------------------------ lab.verdicts: measurements, answers
for histories, error, match in [
    (np.zeros((2, 0)), ValueError, r"histories must have shape \(epochs,\) or \(k, epochs\)"),
    (np.zeros((2, 2, 2)), ValueError, "histories must have shape"),
    (0.1, ValueError, "histories must have shape"),
    (np.array([0.1, np.nan]), ValueError, "histories must be finite: it holds NaN or inf"),
    (np.array([0.1, np.inf]), ValueError, "histories must be finite: it holds NaN or inf"),
    (["a", "b"], TypeError, "histories must hold real numbers"),
    (np.array([True, False]), TypeError, "histories must hold real numbers"),
    (None, TypeError, "histories must hold real numbers"),
]:
    case("verdicts.first_epoch_below", [histories, 0.1], {}, error, match)
for value, error, match in [(v, TypeError, "threshold must be a real number") for v in NOT_REAL] + [
    (float("nan"), ValueError, "threshold must be a finite number"),
    (float("inf"), ValueError, "threshold must be a finite number"),
]:
    case("verdicts.first_epoch_below", [[0.2, 0.1], value], {}, error, match)
for arrays, error, match in [
    (np.ones(3), TypeError, "arrays must be a list of arrays"),
    ("abc", TypeError, "arrays must be a list of arrays"),
    (None, TypeError, "arrays must be a list of arrays"),
    (3.0, TypeError, "arrays must be a list of arrays"),
    ([], ValueError, "arrays must hold at least one array"),
    ([np.ones(2), np.array(["a"])], TypeError, r"arrays\[1\] must hold real numbers"),
    ([np.ones(2) + 0j], TypeError, r"arrays\[0\] must hold real numbers"),
    ([np.array([np.nan])], ValueError, r"arrays\[0\] must be finite: it holds NaN or inf"),
]:
    case("verdicts.size", [arrays], {}, error, match)
for args, kwargs, error, match in [
    ((0, 1.0, 1.0), {}, ValueError, "question must be >= 1"),
    ((-3, 1.0, 1.0), {}, ValueError, "question must be >= 1"),
    ((True, 1.0, 1.0), {}, TypeError, "question must be a question number"),
    ((None, 1.0, 1.0), {}, TypeError, "question must be a question number"),
    ((1.5, 1.0, 1.0), {}, TypeError, "question must be a question number"),
    (("", 1.0, 1.0), {}, ValueError, "question must not be an empty name"),
    ((1, 1.0, None), {}, TypeError, "truth must be a real number"),
    ((1, 1.0, [1.0]), {}, TypeError, "truth must be a real number"),
    ((1, 1.0, float("nan")), {}, ValueError, "truth must be a finite number"),
    ((1, "yes", " "), {}, ValueError, "truth must not be an empty word"),
    ((1, "0.238", 0.238), {}, TypeError, "answer must be a number, not the text"),
    ((1, [0.238], 0.238), {}, TypeError, "answer must be a real number"),
    ((1, 1 + 0j, 1.0), {}, TypeError, "answer must be a real number"),
    ((1, np.array(0.5), 0.5), {}, TypeError, "answer must be a real number"),
    ((1, float("nan"), 0.238), {}, ValueError, "answer must be a finite number"),
    ((1, 1, "yes"), {}, TypeError, "answer must be a word such as 'yes'"),
    ((1, None, "yes"), {"rel": 2.0}, ValueError, r"rel must be in \[0, 1\)"),
] + [((1, 1.0, 1.0), {"rel": v}, TypeError, "rel must be a real number") for v in NOT_REAL]:
    case("verdicts.check_answer", args, kwargs, error, match)

# ------------------------------------------------------------------ lab.widgets
DATA_BAD = [
    ("spiral", ValueError),
    ("XOR ", ValueError),
    ("", ValueError),
    (None, TypeError),
    (3, TypeError),
    (["xor"], TypeError),
    (np.array("xor"), TypeError),
]
for data, error in DATA_BAD:
    case("verdicts.load_data", [data], {}, error, "data must be one of")
    case("verdicts.train_band", [0.8], {"data": data, "epochs": 5}, error, "data must be one of")
    case(
        "verdicts.compare_learning_rates", [[0.8]], {"data": data, "epochs": 5}, error, "data must be one of"
    )
    case("widgets.LearningRateExplorer", [], {"data": data}, error, "data must be one of")
SEEDS_BAD = [
    ([], TypeError, "seeds must be a non-empty sequence"),
    ("0", TypeError, "seeds must be a non-empty sequence"),
    (5, TypeError, "seeds must be a non-empty sequence"),
    (None, TypeError, "seeds must be a non-empty sequence"),
    ([2, -1], ValueError, r"seeds\[1\] must be >= 0"),
    ([0.5], TypeError, r"seeds\[0\] must be an integer"),
    ([True], TypeError, r"seeds\[0\] must be an integer"),
    (range(10**6), ValueError, "seeds must be at most 1000"),
]
for seeds, error, match in SEEDS_BAD:
    case("verdicts.train_band", [0.8], {"epochs": 5, "seeds": seeds}, error, match)
    case("verdicts.compare_learning_rates", [[0.8]], {"epochs": 5, "seeds": seeds}, error, match)
case(
    "verdicts.compare_learning_rates",
    [[0.8] * 3],
    {"seeds": range(400)},
    ValueError,
    "seeds must be at most 333",
)
for rates, error, match in [
    ([], TypeError, "rates must be a non-empty sequence"),
    ("0.1", TypeError, "rates must be a non-empty sequence"),
    (0.1, TypeError, "rates must be a non-empty sequence"),
    (None, TypeError, "rates must be a non-empty sequence"),
    ([0.1, -1], ValueError, r"rates\[1\] must be a finite number > 0"),
    ([0.1] * 2000, ValueError, "rates must hold at most 1000"),
]:
    case("verdicts.compare_learning_rates", [rates], {"epochs": 5}, error, match)
case("verdicts.train_band", [0.8], {"epochs": 0}, ValueError, "epochs must be >= 1")
case("verdicts.compare_learning_rates", [[0.8]], {"epochs": 0}, ValueError, "epochs must be >= 1")
case(
    "verdicts.train_band",
    [0.8],
    {"epochs": 10**7, "seeds": range(20)},
    ValueError,
    "epochs = 10000000 is too many",
)
for kwargs, error, match in [
    ({"net": "net"}, TypeError, "net must be a lab.Network"),
    ({"net": None}, TypeError, "net must be a lab.Network"),
    ({"history": np.zeros((2, 2))}, ValueError, "history must be 1-D"),
    ({"history": []}, ValueError, "history must be 1-D"),
    ({"history": [0.1, np.nan]}, ValueError, "history must be finite"),
    ({"history": ["a"]}, TypeError, "history must hold real numbers"),
    ({"history": [1j]}, TypeError, "history must hold real numbers"),
    ({"history": [True]}, TypeError, "history must hold real numbers"),
    ({"history": None}, TypeError, "history must hold real numbers"),
]:
    case(
        "verdicts.diagnose",
        [],
        {"net": NET, "X": X, "y": Y, "history": [0.1, 0.1], "lr": 0.8} | kwargs,
        error,
        match,
    )
for results in [[], [1, 2], "results", None, 3]:
    case("verdicts.plot_comparison", [results], {}, TypeError, "results must")
for kwargs, error, match in [
    ({"lr": 100}, ValueError, "lr must be between 0.001 and 10"),
    ({"lr": 1e-4}, ValueError, "lr must be between"),
    ({"epochs": 10}, ValueError, "epochs must be between 50 and 4000"),
    ({"epochs": 10**9}, ValueError, "epochs must be between 50 and 4000"),
    ({"lr": 0.7}, ValueError, "lr must be one of the slider's rates"),
    ({"lr": 0.79432823}, ValueError, "lr must be one of the slider's rates"),
    ({"epochs": 1001}, ValueError, "epochs must be a multiple of 50"),
    ({"epochs": 75}, ValueError, "epochs must be a multiple of 50"),
    ({"seed": -1}, ValueError, "seed must be between 0 and 99"),
    ({"seed": 100}, ValueError, "seed must be between 0 and 99"),
    ({"n_seeds": 0}, ValueError, "n_seeds must be between 1 and 32"),
    ({"n_seeds": 33}, ValueError, "n_seeds must be between 1 and 32"),
    ({"resolution": 1}, ValueError, "resolution must be between"),
    ({"resolution": 401}, ValueError, "resolution must be between"),
]:
    case("widgets.LearningRateExplorer", [], kwargs, error, match)
for name in ["epochs", "seed", "n_seeds", "resolution"]:
    for value in [2.5, "100", True, np.timedelta64(100), None if name != "epochs" else 2.0]:
        case("widgets.LearningRateExplorer", [], {name: value}, TypeError, f"{name} must be an integer")
GOOD_RESULT = dict(
    lr=0.8,
    data="xor",
    epochs=1,
    seeds=(2,),
    verdict="converged",
    message="m",
    loss=0.1,
    accuracy=1.0,
    saturation=0.0,
    histories=np.zeros((1, 1)),
    verdicts=("converged",),
    networks=(),
)
for field, value, error, match in [
    ("lr", -1, ValueError, "lr must be a finite number > 0"),
    ("lr", "0.8", TypeError, "lr must be a real number"),
    ("data", "spiral", ValueError, "data must be one of"),
    ("epochs", 0, ValueError, "epochs must be >= 1"),
    ("epochs", 1.5, TypeError, "epochs must be an integer"),
    ("seeds", (), TypeError, "seeds must be a non-empty tuple"),
    ("seeds", [2], TypeError, "seeds must be a non-empty tuple"),
    ("seeds", (-1,), ValueError, r"seeds\[0\] must be >= 0"),
    ("verdict", "bogus", ValueError, "verdict must be one of"),
    ("message", 3, TypeError, "message must be a string"),
    ("loss", "x", TypeError, "loss must be a real number"),
    ("accuracy", 1j, TypeError, "accuracy must be a real number"),
    ("saturation", None, TypeError, "saturation must be a real number"),
    ("histories", [[0.1]], TypeError, "histories must be a 2-D array"),
    ("histories", np.zeros(3), TypeError, "histories must be a 2-D array"),
    ("histories", np.zeros((1, 1), dtype=complex), TypeError, "histories must hold real numbers"),
    ("verdicts", ("nope",), ValueError, r"verdicts\[0\] must be one of"),
    ("verdicts", (), TypeError, "verdicts must be a non-empty tuple"),
    ("networks", ("net",), TypeError, "networks must be a tuple of lab.Network"),
    ("networks", [NET], TypeError, "networks must be a tuple of lab.Network"),
]:
    case("verdicts.Result", [], GOOD_RESULT | {field: value}, error, match)

CASE_COUNTS = collections.Counter(c.target for c in CASES)


# ------------------------------------------------------------------------- running one case
class Context:
    """The fresh objects the placeholders stand for, made for one case."""

    def __init__(self):
        self._made: dict[str, Any] = {}

    def get(self, ph: _Placeholder):
        if ph.name not in self._made:
            self._made[ph.name] = self._make(ph.name)
        return self._made[ph.name]

    @staticmethod
    def _make(name: str):
        if name in ("X", "y"):
            return lab.generate_xor_easy()[name == "y"]
        if name == "ax":
            return plt.figure().add_subplot()
        if name == "results":
            fake = [widgets.Result(**(GOOD_RESULT | {"lr": lr})) for lr in (0.1, 0.8)]
            return fake
        if name == "wide":
            return lab.Network((2, 1000, 1), seed=0)
        net = lab.Network(seed=0) if name != "tiny" else lab.Network((2, 1), seed=0)
        if name == "big":
            net.W[0][...] = 0.75
        elif name == "nan_net":
            net.W[1][0, 0] = np.nan
        elif name == "tiny":
            net.W[0][...] = 1e-300
        return net

    def resolve(self, value):
        if isinstance(value, _Placeholder):
            return self.get(value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.resolve(v) for v in value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value


def _target(name: str, ctx: Context, on: _Placeholder):
    owner, _, attr = name.partition(".")
    if owner == "Network" and attr != "load":
        return getattr(ctx.get(on), attr)
    modules = {
        "lab": lab,
        "plotting": plotting,
        "verdicts": verdicts,
        "widgets": widgets,
        "activations": activations,
    }
    return getattr(lab.Network if owner == "Network" else modules[owner], attr)


def _state(values) -> list:
    """Copies of every array and every network's weights found in `values` (nested lists too)."""
    found = []

    def walk(v):
        if isinstance(v, np.ndarray):
            found.append((v, v.copy()))
        elif isinstance(v, lab.Network):
            found.append((v._theta, v._theta.copy()))
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)
        elif isinstance(v, dict):
            for item in v.values():
                walk(item)

    walk(values)
    return found


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype.kind in "fc":
        return np.array_equal(a, b, equal_nan=True)
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.all(a == b))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _brief(value) -> str:
    try:
        return reprlib.repr(value)
    except ValueError:  # an int of more than 4300 digits
        return f"<{type(value).__name__}>"


def _run(c: Case) -> str | None:
    """Run one case; None if it behaved, else what went wrong."""
    ctx = Context()
    fn = _target(c.target, ctx, c.on)
    args, kwargs = ctx.resolve(c.args), ctx.resolve(c.kwargs)
    before = _state([args, kwargs, list(ctx._made.values())])
    figures = plt.get_fignums()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fn(*args, **kwargs)
        except c.error as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 (the wrong kind of error is what we report)
            return f"raised {type(exc).__name__}, expected {c.error.__name__}: {exc}"
        else:
            return f"raised nothing, expected {c.error.__name__}"
    message = str(error)
    if isinstance(error, lab.DivergedError):
        return f"bad input blamed on the learning rate: {message!r}"
    if not re.search(c.match, message):
        return f"the message does not name the argument as {c.match!r}: {message!r}"
    if "\n" in message or len(message) > 600:
        return f"the message is not one short line: {message!r}"
    if caught:
        return f"warned: {[str(w.message) for w in caught]}"
    if not all(_same(live, copy) for live, copy in before):
        return "state changed before the error (a weight or an array passed in)"
    if plt.get_fignums() != figures:
        return "a figure was created before the bad argument was rejected"
    return None


@pytest.mark.parametrize("target", sorted(CASE_COUNTS))
def test_bad_input_is_named_and_changes_nothing(target):
    """Every case of one public name: the error type, the argument named, nothing changed.
    (One test per public name, not per case: a thousand test items would cost pytest seconds.)"""
    failures = []
    for i, c in enumerate(CASES):
        if c.target == target:
            problem = _run(c)
            plt.close("all")
            if problem is not None:
                failures.append(f"CASES[{i}] {c.target}(*{_brief(c.args)}, **{_brief(c.kwargs)}): {problem}")
    assert not failures, f"{len(failures)} of {CASE_COUNTS[target]} cases failed:\n" + "\n".join(failures)


def _public_names() -> set[str]:
    """Every public callable of lab the table must cover: lab.__all__, the Network's public
    methods, and the public functions and classes defined in lab.activations, lab.plotting,
    lab.verdicts and lab.widgets."""
    names = set()
    for name in lab.__all__:
        obj = getattr(lab, name)
        if callable(obj) and name != "DivergedError":  # an exception class: takes any message
            names.add("lab." + name)
    for name, member in inspect.getmembers(lab.Network):
        if not name.startswith("_") and callable(member) and name not in ("copy", "parameters"):
            names.add("Network." + name)  # copy() and parameters() take no argument
    modules = [
        ("activations", activations),
        ("plotting", plotting),
        ("verdicts", verdicts),
        ("widgets", widgets),
    ]
    for short, module in modules:
        for name, member in vars(module).items():
            if (
                name.startswith("_")
                or not callable(member)
                or getattr(member, "__module__", "") != module.__name__
            ):
                continue
            names.add(f"{short}.{name}")
    return names


def test_every_public_name_is_in_the_table():
    missing = _public_names() - set(CASE_COUNTS)
    assert not missing, f"public names without hostile-input cases: {sorted(missing)}"
    assert sum(CASE_COUNTS.values()) >= 300
    assert min(CASE_COUNTS.values()) >= 2
    print("\n" + counts_table())


def counts_table() -> str:
    """The cases per public name: the table's, then the files for load and the command lines."""
    rows = [f"  {name:36s} {count:4d}" for name, count in sorted(CASE_COUNTS.items())]
    rows.append(f"  {'table, total':36s} {sum(CASE_COUNTS.values()):4d}")
    rows.append(f"  {'Network.load: hand-made bad files':36s} {len(FILE_CASES):4d}")
    rows.append(f"  {'Network.load: hypothesis files':36s} {2 * HYPOTHESIS_EXAMPLES:4d}")
    rows.append(f"  {'python -m lab, in process':36s} {len(BAD_CLI):4d}")
    rows.append(f"  {'python -m lab, as a subprocess':36s} {len(ON_THE_REAL_COMMAND_LINE):4d}")
    return "hostile-input cases per public name:\n" + "\n".join(rows)


# --------------------------------------------------------------- state restored on every path
class Interrupt(Exception):
    pass


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("at_call", [1, 2, 3, 4])
@pytest.mark.parametrize("raised", [RuntimeError, KeyboardInterrupt])
def test_numerical_gradient_puts_x_back_when_f_raises_or_is_interrupted(order, at_call, raised):
    x = np.array([0.3, -1.2, 2.5])
    before = x.copy()
    calls = []

    def f():
        calls.append(x.copy())
        if len(calls) == at_call + 2:  # mid-way through the second entry
            raise raised("stop")
        return float(np.sum(x**2))

    if order == 2 and at_call > 2:
        at_call -= 2
    with pytest.raises(raised):
        lab.numerical_gradient(f, x, eps=1e-3, order=order)
    np.testing.assert_array_equal(x, before)
    assert any((c != before).any() for c in calls), "the test must catch x nudged"


def test_check_gradients_puts_every_weight_back_when_interrupted():
    X_, y_ = lab.generate_xor_easy()
    net = lab.Network(seed=0)
    before = net._theta.copy()
    calls = 0
    real_loss = net.loss

    def loss(*args):
        nonlocal calls
        calls += 1
        if calls == 17:  # somewhere in the first layer's weights, one of them nudged by eps
            raise KeyboardInterrupt
        return real_loss(*args)

    net.loss = loss
    with pytest.raises(KeyboardInterrupt):
        lab.check_gradients(net, X_, y_, eps=1e-3)
    np.testing.assert_array_equal(net._theta, before)


def test_sgd_step_puts_every_weight_back_when_interrupted_half_way(monkeypatch):
    X_, y_ = lab.generate_xor_easy()
    net = lab.Network(seed=0)
    before = net._theta.copy()

    def half_a_step(X, y, lr):
        net.W[0][...] += 1.0  # one layer updated ...
        raise KeyboardInterrupt  # ... then the interrupt

    monkeypatch.setattr(net, "_sgd_step", half_a_step)
    with pytest.raises(KeyboardInterrupt):
        net.sgd_step(X_, y_)
    np.testing.assert_array_equal(net._theta, before)


def test_a_failing_save_leaves_no_file_and_a_nan_weight_is_never_written(tmp_path):
    net = lab.Network(seed=0)
    net.W[0][0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite weight"):
        net.save(tmp_path / "net.npz")
    assert not (tmp_path / "net.npz").exists()


# -------------------------------------------------------------------- no warning at finite input
def _quietly(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    assert not caught, [str(w.message) for w in caught]
    return result


def test_huge_finite_inputs_give_answers_or_named_errors_never_warnings():
    big = np.array([-1.7e308, -1e300, 0.0, 1e300, 1.7e308])
    assert _quietly(lambda: lab.rel_error(1.7e308, -1.7e308)) == 1.0
    assert _quietly(lambda: lab.rel_error([1.7e308, 1.0], [1.7e308, 1.0])) == 0.0
    assert _quietly(lambda: lab.rel_error(5e-324, 0.0)) < 1e-300  # the 1e-8 floor: tiny is 0
    assert _quietly(lambda: lab.rel_error([], [])) == 0.0
    np.testing.assert_array_equal(_quietly(lambda: activations.sigmoid(big)), [0, 0, 0.5, 1, 1])
    np.testing.assert_array_equal(_quietly(lambda: activations.sigmoid_derivative(big)), [0, 0, 0.25, 0, 0])
    np.testing.assert_array_equal(_quietly(lambda: activations.tanh(big)), [-1, -1, 0, 1, 1])
    np.testing.assert_array_equal(_quietly(lambda: activations.relu(big)), [0, 0, 0, 1e300, 1.7e308])
    np.testing.assert_array_equal(
        _quietly(lambda: activations.sigmoid([np.inf, -np.inf, np.nan])), [1, 0, np.nan]
    )
    # f infinite on both sides: inf − inf is NaN, documented, and without a warning
    x = np.array([1.0])
    assert np.isnan(_quietly(lambda: lab.numerical_gradient(lambda: np.float64(np.inf), x))).all()
    assert np.isinf(_quietly(lambda: lab.numerical_gradient(lambda: 10**400 if x[0] > 1 else 0, x, eps=0.5)))
    assert x[0] == 1.0
    # a net whose inputs are huge but whose forward pass stays finite: an answer, quietly
    net = lab.Network(seed=0)
    p = _quietly(lambda: net.forward(np.array([[1e300, 1e300]])))
    assert np.isfinite(p).all()
    X_big = np.array([[0.0, 0.0], [1e200, -1e200], [1.0, 1.0]])
    fig, axes = plt.subplots(1, 5, figsize=(1, 0.2), dpi=10)  # tiny: few log ticks, the worst case
    _quietly(lambda: plotting.plot_loss([1e90, 1e-90], ax=axes[0]))
    _quietly(lambda: plotting.plot_loss([1e200, -1e200], ax=axes[1], log=False))
    _quietly(lambda: plotting.plot_predictions(X_big, [0, 1, 0], [0, 1, 1], axes=axes[2:4]))
    _quietly(lambda: plotting.plot_decision_boundary(net, X_big, [0, 1, 0], ax=axes[4], resolution=5))
    _quietly(fig.canvas.draw)  # laying out the ticks is where matplotlib would overflow


def test_a_nan_weight_is_a_value_error_but_divergence_names_the_rate_and_the_epoch():
    X_, y_ = lab.generate_linear(100, seed=0)
    net = lab.Network(seed=0)
    net.b[2][0] = np.inf
    with pytest.raises(ValueError, match=r"b3 \(net.b\[2\]\) holds inf") as info:
        net.fit(X_, y_, epochs=3)
    assert not isinstance(info.value, lab.DivergedError)
    net = lab.Network(activation="identity", seed=0)
    with pytest.raises(lab.DivergedError, match=r"training diverged in epoch \d+: .* lr=1e\+300"):
        _quietly(lambda: net.fit(X_, y_, lr=1e300, epochs=50))


# -------------------------------------------------------------------------- Network.load's files
def npy(header: str | dict, data: bytes = b"", version=(1, 0), raw_header: bytes | None = None) -> bytes:
    """A .npy file: the magic string, a header (a dict literal, as text), then `data`."""
    if raw_header is None:
        text = header if isinstance(header, str) else repr(header)
        raw_header = text.encode("latin1")
        pad = 64 - (10 + len(raw_header) + 1) % 64
        raw_header += b" " * pad + b"\n"
    length = struct.pack("<H" if version == (1, 0) else "<I", len(raw_header))
    return b"\x93NUMPY" + bytes(version) + length + raw_header + data


def arr_npy(a) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(a), allow_pickle=True)
    return buf.getvalue()


def good_members(net: lab.Network | None = None) -> dict[str, bytes]:
    net = net or lab.Network(seed=0)
    return {
        "format.npy": arr_npy(np.array("lab.Network/2")),
        "sizes.npy": arr_npy(np.array(net.sizes, dtype=np.int64)),
        "activation.npy": arr_npy(np.array(net.activation)),
        "loss.npy": arr_npy(np.array(net.loss_name)),
        "theta.npy": arr_npy(net._theta),
    }


def zip_bytes(
    members: dict[str, bytes] | list[tuple[str, bytes]], compression=zipfile.ZIP_STORED, comment=b""
):
    buf = io.BytesIO()
    items = members.items() if isinstance(members, dict) else members
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: we want them
        with zipfile.ZipFile(buf, "w", compression) as zf:
            for name, data in items:
                zf.writestr(name, data)
            zf.comment = comment
    return buf.getvalue()


def with_method(data: bytes, method: int) -> bytes:
    """The zip `data` with every member's compression method set to `method` (local and central)."""
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            out[i + offset : i + offset + 2] = struct.pack("<H", method)
            start = i + 4
    return bytes(out)


def members_with(**replace) -> dict[str, bytes]:
    members = good_members()
    for key, value in replace.items():
        name = key + ".npy"
        if value is None:
            del members[name]
        else:
            members[name] = value
    return members


def Z(**replace) -> bytes:
    """A good file but for the members given (None: left out)."""
    return zip_bytes(members_with(**replace))


GOOD = zip_bytes(good_members())
HYPOTHESIS_EXAMPLES = 75  # per hypothesis test of load
THETA_HEADER = {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
PY2_HEADER = "{'descr': u'<f8', 'fortran_order': False, 'shape': (37L,)}"  # numpy warns, then repairs it
FILE_CASES = [
    ("empty", b"", "it is empty"),
    ("random bytes", bytes(range(256)) * 4, "not a zip archive"),
    ("a pickle", b"\x80\x04\x95" + b"\x00" * 40 + b".", "not a zip archive"),
    ("a .npy file", arr_npy(np.arange(3)), "not a zip archive"),
    ("text", b"sizes = (2, 4, 4, 1)\n", "not a zip archive"),
    ("truncated", GOOD[: len(GOOD) // 2], "not a zip archive"),
    ("truncated by one byte", GOOD[:-1], "not a zip archive"),
    ("a zip comment", zip_bytes(good_members(), comment=b"hello"), "not a zip archive"),
    ("one extra member", zip_bytes(good_members() | {"extra.npy": arr_npy(np.zeros(1))}), "lists 6 members"),
    ("a member missing", Z(activation=None), "lists 4 members"),
    (
        "a member renamed",
        zip_bytes(members_with(theta=None) | {"weights.npy": arr_npy(np.zeros(37))}),
        "members are",
    ),
    (
        "a member twice",
        zip_bytes(list(members_with(theta=None).items()) + [("sizes.npy", b"x")]),
        "members are",
    ),
    ("another npz", zip_bytes({f"{c}.npy": arr_npy(np.zeros(2)) for c in "abcde"}), "members are"),
    ("stored data read as deflate", with_method(GOOD, zipfile.ZIP_DEFLATED), "error|CRC"),
    ("unknown compression 99", with_method(GOOD, 99), "compression method 99"),
    ("bzip2", with_method(GOOD, zipfile.ZIP_BZIP2), "compression method 12"),
    ("lzma", with_method(GOOD, zipfile.ZIP_LZMA), "compression method 14"),
    (
        "format of another program",
        zip_bytes(members_with(format=arr_npy(np.array("torch/2")))),
        "format is 'torch/2'",
    ),
    ("format as bytes", Z(format=arr_npy(np.array(b"lab.Network/2"))), "dtype |S13"),
    (
        "format as a number",
        zip_bytes(members_with(format=arr_npy(np.array(1.0)))),
        "expected a unicode string",
    ),
    ("format of a megabyte", Z(format=arr_npy(np.array("x" * 300_000))), "declares"),
    ("sizes (2, 10**12, 1)", Z(sizes=arr_npy([2, 10**12, 1])), "4000000000001 weights"),
    ("sizes as floats", Z(sizes=arr_npy([2.0, 4.0, 4.0, 1.0])), "expected integers"),
    ("sizes as bools", Z(sizes=arr_npy([True, True])), "expected integers"),
    (
        "sizes as objects",
        zip_bytes(members_with(sizes=arr_npy(np.array([2, 4, 4, 1], dtype=object)))),
        "dtype object",
    ),
    ("sizes 2-D", Z(sizes=arr_npy([[2, 4], [4, 1]])), "expected 1 dimension"),
    ("sizes of one layer", Z(sizes=arr_npy([1])), "expected 2 to"),
    ("sizes negative", Z(sizes=arr_npy([2, -4, 4, 1])), "positive widths"),
    ("sizes ending in 2", Z(sizes=arr_npy([2, 4, 4, 2])), "must end in 1"),
    (
        "sizes as uint64 max",
        zip_bytes(members_with(sizes=arr_npy(np.array([2, 2**64 - 1, 1], "u8")))),
        "weights",
    ),
    (
        "activation unknown",
        zip_bytes(members_with(activation=arr_npy(np.array("softmax")))),
        "activation must be",
    ),
    ("activation empty", Z(activation=arr_npy(np.array(""))), "activation must be"),
    ("theta header (10**12,)", Z(theta=npy(THETA_HEADER)), r"shape \(1000000000000,\)"),
    ("theta header (-1,)", Z(theta=npy(THETA_HEADER | {"shape": (-1,)})), "shape"),
    ("theta header (37, 1)", Z(theta=npy(THETA_HEADER | {"shape": (37, 1)})), "shape"),
    ("theta of 36", Z(theta=arr_npy(np.zeros(36))), r"expected \(37,\)"),
    (
        "theta short of data",
        zip_bytes(members_with(theta=npy(THETA_HEADER | {"shape": (37,)}, b"\0" * 80))),
        "bytes of data",
    ),
    (
        "theta with extra data",
        zip_bytes(members_with(theta=arr_npy(np.zeros(37)) + b"\0" * 8)),
        "bytes of data",
    ),
    ("theta complex", Z(theta=arr_npy(np.zeros(37, complex))), "dtype complex128"),
    ("theta float32", Z(theta=arr_npy(np.zeros(37, np.float32))), "float32"),
    ("theta float16", Z(theta=arr_npy(np.zeros(37, np.float16))), "float16"),
    ("theta int64", Z(theta=arr_npy(np.zeros(37, int))), "int64"),
    ("theta bool", Z(theta=arr_npy(np.zeros(37, bool))), "bool"),
    ("theta timedelta", Z(theta=arr_npy(np.zeros(37, "m8[s]"))), "timedelta64"),
    ("theta long double", Z(theta=arr_npy(np.zeros(37, np.longdouble))), "dtype float"),
    ("theta structured", Z(theta=arr_npy(np.zeros(37, [("a", "<f8")]))), "dtype"),
    (
        "theta object (a pickle)",
        zip_bytes(members_with(theta=arr_npy(np.array([1.0] * 37, dtype=object)))),
        "object",
    ),
    ("theta NaN", Z(theta=arr_npy(np.full(37, np.nan))), "weights hold NaN or inf"),
    ("theta inf", Z(theta=arr_npy(np.full(37, np.inf))), "weights hold NaN or inf"),
    (
        "npy version 3.0",
        zip_bytes(members_with(theta=npy(THETA_HEADER, version=(3, 0)))),
        r"version \(3, 0\)",
    ),
    ("npy version 9.9", Z(theta=npy(THETA_HEADER, version=(9, 9))), "version"),
    ("npy bad magic", Z(theta=b"\x93NUMPZ\x01\x00" + b"\0" * 300), "magic"),
    ("npy header not a dict", Z(theta=npy("[1, 2, 3]")), "not a dictionary"),
    ("npy header unparsable", Z(theta=npy("{'descr': <f8")), "header"),
    ("npy header nested deep", Z(theta=npy("(" * 5000 + ")" * 5000)), "header"),
    ("npy header huge int", Z(theta=npy("{'shape': (" + "9" * 5000 + ",)}")), "header"),
    (
        "npy header of Python 2",
        Z(theta=npy(PY2_HEADER)),
        r"malformed .npy header .*Python 2",
    ),
    (
        "npy header 4 GB long",
        zip_bytes(members_with(theta=b"\x93NUMPY\x02\x00\xff\xff\xff\xff{")),
        "EOF|header",
    ),
    (
        "npy header with a pickle descr",
        zip_bytes(members_with(theta=npy(THETA_HEADER | {"descr": "|O", "shape": (37,)}))),
        "object",
    ),
]


def _encrypted(data: bytes) -> bytes:
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            out[i + offset] |= 0x1
            start = i + 4
    return bytes(out)


def _declared_size(data: bytes, size: int) -> bytes:
    """Every central-directory entry claims `size` bytes uncompressed (a zip bomb's claim)."""
    out = bytearray(data)
    start = 0
    while (i := out.find(b"PK\x01\x02", start)) >= 0:
        out[i + 24 : i + 28] = struct.pack("<I", size)
        start = i + 4
    return bytes(out)


def _many_members(n: int) -> bytes:
    """A tiny file whose end record claims n members."""
    out = bytearray(GOOD)
    out[-12:-10] = struct.pack("<H", n)
    out[-14:-12] = struct.pack("<H", n)
    return bytes(out)


def _flip_crc(data: bytes) -> bytes:
    out = bytearray(data)
    i = out.find(b"PK\x01\x02")
    out[i + 16] ^= 0xFF
    return bytes(out)


def _deflate_bomb() -> bytes:
    """theta deflated from 10 MB of zeros (10 KB on disk), its header claiming the right shape:
    load reads its 37 numbers and one byte more, not the 10 MB."""
    members = good_members()
    members["theta.npy"] = npy(THETA_HEADER | {"shape": (37,)}, b"\0" * 10_000_000)
    return zip_bytes(members, zipfile.ZIP_DEFLATED)


def _corrupt_deflate() -> bytes:
    """A compressed file whose deflate stream for theta is garbage."""
    data = bytearray(zip_bytes(good_members(), zipfile.ZIP_DEFLATED))
    i = data.find(b"theta.npy") + len("theta.npy")  # the local header's name, then the stream
    data[i + 5 : i + 40] = b"\xff" * 35
    return bytes(data)


FILE_CASES += [
    ("encrypted", _encrypted(GOOD), "encrypted"),
    ("declares 4 GB", _declared_size(GOOD, 2**32 - 1), "declares 4294967295 bytes"),
    ("end record claims 60000 members", _many_members(60000), "lists 60000 members"),
    ("CRC mismatch", _flip_crc(GOOD), "CRC|error"),
    ("deflate bomb", _deflate_bomb(), "holds 297 bytes of data, its header says 296"),
    ("corrupt deflate stream", _corrupt_deflate(), "error|CRC"),
]


@pytest.mark.parametrize("content, reason", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_load_of_a_bad_file_is_a_value_error_naming_the_path_and_the_fault(tmp_path, content, reason):
    path = tmp_path / "net.npz"
    path.write_bytes(content)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            _quietly(lambda: lab.Network.load(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert message.startswith(f"path {str(path)!r} is not a network saved by lab.Network.save: "), message
    assert re.search(reason, message), message
    assert peak < 2_000_000, f"{peak} bytes allocated to refuse a {len(content)}-byte file"


def test_the_hand_made_files_are_well_made():
    """The builders above make a valid file when given valid parts (so the cases test what they say)."""
    for data in (GOOD, zip_bytes(good_members(), zipfile.ZIP_DEFLATED)):
        buf = io.BytesIO(data)
        with zipfile.ZipFile(buf) as zf:
            assert sorted(zf.namelist()) == sorted(good_members())
    net = lab.Network(seed=0)
    made = npy({"descr": "<f8", "fortran_order": False, "shape": (37,)}, net._theta.tobytes())
    np.testing.assert_array_equal(np.lib.format.read_array(io.BytesIO(made)), net._theta)
    assert zipfile.ZipFile(io.BytesIO(with_method(GOOD, 99))).infolist()[0].compress_type == 99


def test_load_reads_back_what_save_wrote_and_compressed_copies_too(tmp_path):
    net = lab.Network((3, 5, 2, 1), "tanh", seed=4)
    net.save(tmp_path / "a.npz")
    (tmp_path / "b.npz").write_bytes(zip_bytes(good_members(net), zipfile.ZIP_DEFLATED))
    for name in ("a.npz", "b.npz"):
        back = lab.Network.load(tmp_path / name)
        assert back.sizes == net.sizes and back.activation == net.activation
        np.testing.assert_array_equal(back._theta, net._theta)


@settings(
    derandomize=True,
    max_examples=HYPOTHESIS_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_load_of_a_mutated_file_is_the_network_or_a_value_error(tmp_path, data):
    """Flip, cut, insert or overwrite bytes of a good file: load gives back the very network (a
    change it may ignore, such as a timestamp) or a ValueError naming the path; never anything else."""
    net = lab.Network(seed=0)
    content = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "overwrite"]), label="op")
        at = data.draw(st.integers(0, len(content)), label="at")
        if op == "flip" and at < len(content):
            content[at] ^= data.draw(st.integers(1, 255), label="bits")
        elif op == "cut":
            del content[at : at + data.draw(st.integers(1, 64), label="n")]
        elif op == "insert":
            content[at:at] = data.draw(st.binary(min_size=1, max_size=32), label="bytes")
        else:
            new = data.draw(st.binary(min_size=1, max_size=16), label="bytes")
            content[at : at + len(new)] = new
    path = tmp_path / "mutated.npz"
    path.write_bytes(bytes(content))
    back = _network_or_none(path)
    if back is not None:
        assert back.sizes == net.sizes and back.activation == net.activation
        np.testing.assert_array_equal(back._theta, net._theta)


def _network_or_none(path):
    """`Network.load(path)`, or None where it raised the ValueError of a file it does not take."""
    try:
        return _quietly(lambda: lab.Network.load(path))
    except ValueError as exc:
        assert str(exc).startswith(f"path {str(path)!r} is not a network saved by lab.Network.save: ")
        return None


DESCRS = [
    "<f8",
    ">f8",
    "<f4",
    "<i8",
    "<u8",
    "|b1",
    "<c16",
    "|O",
    "<U13",
    "<U7",
    "|S13",
    "<m8[s]",
    "|V8",
    "<f16",
]


@st.composite
def npy_members(draw, name: str):
    """A .npy member built from parts: a header of any dtype and shape (huge ones too), and data."""
    if draw(st.booleans(), label=f"{name}: the real thing"):
        return good_members()[name + ".npy"]
    descr = draw(st.sampled_from(DESCRS), label=f"{name}: descr")
    shape = tuple(
        draw(st.lists(st.integers(-2, 10**15) | st.integers(0, 40), max_size=3), label=f"{name}: shape")
    )
    header = {"descr": descr, "fortran_order": draw(st.booleans()), "shape": shape}
    body = draw(st.binary(max_size=400), label=f"{name}: data")
    version = draw(st.sampled_from([(1, 0), (2, 0), (3, 0)]), label=f"{name}: version")
    return npy(header, body, version=version)


@settings(
    derandomize=True,
    max_examples=HYPOTHESIS_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_load_of_a_file_built_from_hostile_parts_is_a_value_error(tmp_path, data):
    """Zips whose members have any header (dtype, shape up to 10**15, version), data, compression
    method, and which may miss or repeat members: each a ValueError, with little memory used."""
    names = ["format.npy", "sizes.npy", "activation.npy", "theta.npy"]
    members = [(n, data.draw(npy_members(n[:-4]))) for n in names]
    members = data.draw(st.permutations(members), label="order")
    drop = data.draw(st.integers(0, 4), label="drop one (4: none)")
    if drop < 4:
        members = members[:drop] + members[drop + 1 :]
    if data.draw(st.booleans(), label="repeat one"):
        members = members + [members[0]]
    compression = data.draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]), label="compression")
    content = zip_bytes(members, compression)
    method = data.draw(st.sampled_from([None, 1, 6, 12, 14, 99, 0xFFFF]), label="method patched in")
    if method is not None:
        content = with_method(content, method)
    path = tmp_path / "built.npz"
    path.write_bytes(content)
    tracemalloc.start()
    try:
        back = _network_or_none(path)
        if back is not None:  # only when every part drawn was the real thing
            assert back.sizes == (2, 4, 4, 1)
            assert np.isfinite(back._theta).all()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


# --------------------------------------------------------------------------------- the command line
BAD_CLI = [
    (["train", "xor", "--epochs", "1000000000000"], "--epochs: epochs = 1000000000000 is too many"),
    (["train", "xor", "--epochs", "9" * 5000], "--epochs: must be an integer, got '9999"),
    (["train", "xor", "--epochs", "-" + "9" * 4000], "--epochs: must be >= 0"),
    (["train", "xor", "--epochs", "1e3"], "--epochs: must be an integer"),
    (["train", "xor", "--epochs", "0x10"], "--epochs: must be an integer"),
    (["train", "xor", "--epochs", ""], "--epochs: must be an integer"),
    (["train", "xor", "--lr", "1e999"], "--lr: must be a finite number > 0"),
    (["train", "xor", "--lr", "1e-400"], "--lr: must be a finite number > 0"),
    (["train", "xor", "--lr", "-inf"], "--lr: expected one argument"),  # an option, to argparse
    (["train", "xor", "--lr=-inf"], "--lr: must be a finite number > 0"),
    (["train", "xor", "--lr", "0x10"], "--lr: must be a number"),
    (["train", "xor", "--lr", "1j"], "--lr: must be a number"),
    (["train", "xor", "--lr", "0"], "--lr: must be a finite number > 0"),
    (["train", "xor", "--lr"], "--lr: expected one argument"),
    (["train", "xor", "--seed", "1.5"], "--seed: must be an integer"),
    (["train", "xor", "--seed", "-1"], "--seed: must be >= 0"),
    (["train", "xor", "--plot", ""], "--plot: must be a file name"),
    (["train", "xor", "--plot", "/"], "--plot: must be a file name, not a directory"),
    (["train", "xor", "--plot", "/no/such/dir/out.png"], "--plot: must be in an existing directory"),
    (["train", "xor", "--plot", "out.unknownext"], "--plot: must end in an image format"),
    (["train", "xor", "--plot", "out"], "--plot: must end in an image format"),
    (["train", "xor", "line\nbreak"], "unrecognized arguments: line break"),
    (["train", "xor", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["train", "xor", "x" * 10_000], "unrecognized arguments: xxxx"),
    (["train", "XOR"], "invalid choice"),
    (["train", "circle"], "invalid choice"),
    (["train"], "required"),
    ([], "required"),
    (["fly"], "invalid choice"),
]


@pytest.mark.parametrize("argv, needle", BAD_CLI, ids=[" ".join(a)[:40] for a, _ in BAD_CLI])
def test_bad_arguments_in_process_give_one_line_and_exit_2(argv, needle, capsys):
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("python -m lab"), err
    assert len(lines[0]) < 600


#: The two kinds of bad command line (lab's checks, argparse's) run as real subprocesses: each costs
#: half a second of starting Python and importing numpy and scipy. The whole table runs in process
#: above, through `lab.cli.main`, what `python -m lab` runs; tests/lab/test_cli.py runs one more.
ON_THE_REAL_COMMAND_LINE = [
    ["train", "xor", "--epochs", "1000000000000"],  # the example: a cap, lab's own error
    ["train", "xor", "line\nbreak"],  # an argparse error, which echoes the argument raw: one line
]


@pytest.fixture(scope="module")
def cli_runs():
    """The command lines of ON_THE_REAL_COMMAND_LINE, run as `python -m lab ...` side by side."""
    env = dict(os.environ, PYTHONWARNINGS="error")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "lab", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for argv in ON_THE_REAL_COMMAND_LINE
    ]
    runs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        runs.append((p.returncode, out, err))
    return runs


@pytest.mark.parametrize(
    "i", range(len(ON_THE_REAL_COMMAND_LINE)), ids=[" ".join(a)[:40] for a in ON_THE_REAL_COMMAND_LINE]
)
def test_bad_arguments_on_the_real_command_line_give_one_line_exit_2_and_no_traceback(cli_runs, i):
    status, out, err = cli_runs[i]
    argv = ON_THE_REAL_COMMAND_LINE[i]
    (needle,) = [n for a, n in BAD_CLI if a == argv]
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert status == 2 and out == "" and len(lines) == 1 and needle in lines[0], err


if __name__ == "__main__":
    print(counts_table())
