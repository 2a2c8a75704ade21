"""Activation functions and their derivatives.

Notation of the derivation notebook: a unit's pre-activation is `h`, its
activation is `p = f(h)`. Back-propagation needs f'(h); for every activation
here f'(h) can be written with the activation `p` alone, so the backward pass
reuses the `p` cached by the forward pass and never recomputes f.

Each function takes an optional `out=` array so that the fast training loop
can work in preallocated buffers; without it a new array is returned.

The public functions take `h` as any array (or number) of real numbers, NaN and ±inf
included (σ(±inf) = 1 or 0, NaN gives NaN); bool, complex, datetime and object inputs
are a TypeError. `out`, when given, is a writeable float64 array shaped like h.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_out, check_real_array


def sigmoid(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(h) = 1 / (1 + e^(−h)), elementwise; any shape.

    The report's `1 / (1 + np.exp(-h))` overflows (with a warning) for h < −709.
    Here e^(−|h|) is never larger than 1, and σ(h) = e^h / (1 + e^h) serves the
    negative side: the same function, full precision, no overflow.
    """
    h, out = check_real_array(h, "h"), check_out(out, h)
    # BEGIN STUDENT TASK: sigmoid(h, out=None): return σ(h) = 1 / (1 + e^(−h)) elementwise, a float64
    # TASK: array shaped like h (if `out` is given, write into it and return it). No overflow warning
    # TASK: for huge |h| such as ±1000: never compute e^(+large). Graded at: within a relative 1e-12 of
    # TASK: σ(h) wherever σ(h) ≥ 1e-300 (below that, any value in [0, 1e-300]).
    h = np.asarray(h, dtype=np.float64)
    e = np.exp(-np.abs(h))  # e^(-|h|) in (0, 1]
    return np.divide(np.where(h >= 0, 1.0, e), 1.0 + e, out=out)
    # END STUDENT TASK


def sigmoid_derivative(h: np.ndarray) -> np.ndarray:
    """σ'(h) = σ(h)·(1 − σ(h)), elementwise; any shape (the report's formula)."""
    h = check_real_array(h, "h")
    # BEGIN STUDENT TASK: sigmoid_derivative(h): return σ'(h) = σ(h)·(1 − σ(h)) elementwise, shaped like h.
    # TASK: Graded at: within a relative 1e-7 or an absolute 1e-15 of the exact σ'(h) (1 − σ(h) loses
    # TASK: digits where σ(h) is near 1, so far out only the absolute bound can hold).
    p = sigmoid(h)
    return p * (1.0 - p)
    # END STUDENT TASK


def _sigmoid_grad(p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ'(h) from p = σ(h): p·(1 − p)."""
    # BEGIN STUDENT TASK: _sigmoid_grad(p, out=None): σ'(h) read off the activation p = σ(h), that is
    # TASK: p·(1 − p), shaped like p (if `out` is given, write into it and return it). Graded at: within
    # TASK: a relative 1e-12 of p·(1 − p).
    out = np.subtract(1.0, p, out=out)
    out *= p
    return out
    # END STUDENT TASK


def tanh(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """tanh(h), elementwise."""
    h, out = check_real_array(h, "h"), check_out(out, h)
    return np.tanh(h, out=out)


def _tanh_grad(p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """tanh'(h) from p = tanh(h): 1 − p²."""
    out = np.multiply(p, p, out=out)
    np.subtract(1.0, out, out=out)
    return out


def relu(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """max(h, 0), elementwise."""
    h, out = check_real_array(h, "h"), check_out(out, h)
    return np.maximum(h, 0.0, out=out)


def _relu_grad(p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """relu'(h) from p = relu(h): 1 where p > 0, else 0 (the subgradient 0 at h = 0)."""
    if out is None:
        return (p > 0.0).astype(np.float64)
    return np.greater(p, 0.0, out=out)


def identity(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """h itself (no activation)."""
    h, out = check_real_array(h, "h"), check_out(out, h)
    if out is None:
        return np.array(h, dtype=np.float64)
    np.copyto(out, h)
    return out


def _identity_grad(p: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """identity'(h) = 1."""
    if out is None:
        return np.ones_like(p)
    out.fill(1.0)
    return out


#: name -> (f(h, out=None), f'(h) expressed through p = f(h))
ACTIVATIONS = {
    "sigmoid": (sigmoid, _sigmoid_grad),
    "tanh": (tanh, _tanh_grad),
    "relu": (relu, _relu_grad),
    "identity": (identity, _identity_grad),
}


def get(name: str):
    """Return the pair (f, f' through p) for activation `name`."""
    if not isinstance(name, str):
        raise TypeError(f"activation must be a string, got {type(name).__name__} {name!r}")
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
