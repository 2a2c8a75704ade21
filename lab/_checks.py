"""Argument checks shared by the public functions of `lab`.

Every public function validates its input here *before* it changes any state,
and every error names the argument at fault and what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return `value` as an int, or raise naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_seed(seed, name: str = "seed") -> int | None:
    """A seed is None (fresh entropy) or a non-negative integer."""
    if seed is None:
        return None
    return check_int(seed, name, minimum=0)


def check_lr(lr, name: str = "lr") -> float:
    """A learning rate is a finite number > 0."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(lr).__name__} {lr!r}")
    lr = float(lr)
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {lr!r}")
    return lr


def check_X(X, n_features: int, name: str = "X") -> np.ndarray:
    """Return `X` as a float64 array of shape (N, n_features) with N >= 1, all finite."""
    if isinstance(X, np.ndarray):
        arr = X
    else:
        try:
            arr = np.asarray(X)
        except (ValueError, TypeError) as exc:
            raise TypeError(f"{name} must be an array of numbers: {exc}") from None
    if arr.dtype == bool or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != n_features or arr.shape[0] < 1:
        raise ValueError(f"{name} must have shape (N, {n_features}) with N >= 1, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: it holds NaN or inf")
    return arr


def check_y(y, n_samples: int, name: str = "y") -> np.ndarray:
    """Return labels `y` as a float64 array of shape (N, 1), every entry 0 or 1.

    `y` may have shape (N, 1) or (N,); N must equal `n_samples` (the length of X).
    """
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError) as exc:
        raise TypeError(f"{name} must be an array of 0/1 labels: {exc}") from None
    if not (arr.dtype == bool or np.issubdtype(arr.dtype, np.number)):
        raise TypeError(f"{name} must hold numbers 0 or 1, got dtype {arr.dtype}")
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[1] != 1:
        raise ValueError(f"{name} must have shape (N, 1) or (N,), got shape {np.shape(y)}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} labels but X has {n_samples} rows: lengths must match")
    if not ((arr == 0) | (arr == 1)).all():
        bad = arr[(arr != 0) & (arr != 1)]
        raise ValueError(f"{name} must hold only labels 0 and 1, found {bad.ravel()[0]!r}")
    return arr.astype(np.float64)
