"""Numerical gradient checking: centred finite differences and a relative error.

Usage, in notebooks and tests alike:

    errors = check_gradients(net, X, y)      # one relative error per parameter array
    assert max(errors) < 1e-6
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._checks import (
    check_callable,
    check_finite,
    check_int,
    check_real,
    check_real_array,
    check_X,
    check_y,
    not_a_number,
    show,
)


def _check_eps_order(eps, order) -> tuple[float, int]:
    """The finite differences' step eps (a finite number > 0) and stencil order (2 or 4)."""
    eps = check_real(eps, "eps")
    if eps <= 0:
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    order = check_int(order, "order")
    if order not in (2, 4):
        raise ValueError(f"order must be 2 or 4, got {order!r}")
    return eps, order


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, eps: float = 1e-5, order: int = 2
) -> np.ndarray:
    """Centred differences (f(x + ε) − f(x − ε)) / 2ε for every entry of the array `x`.

    `order=4` uses the five-point stencil (8[f(x+ε) − f(x−ε)] − [f(x+2ε) − f(x−2ε)]) / 12ε,
    whose error falls as ε⁴: with ε ~ 1e-3 it resolves even tiny gradients of deep nets
    to ~1e-10 relative, where the two-point formula drowns in rounding.

    `f` takes no argument, reads `x` and returns a real number (for example a network's loss,
    with `x` one of its live parameter arrays); a value of f that is NaN or inf gives NaN or
    inf in the result, anything not a real number is a TypeError. `x` is a writeable float64
    array of finite numbers. Each entry is nudged in place and put back exactly, on every path:
    if f raises (or the run is interrupted), `x` is restored before the error goes on. Returns
    an array shaped like `x`.
    """
    check_callable(f, "f")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array (a live parameter array), got {show(x)}")
    if not x.flags.writeable:
        raise ValueError("x must be writeable: its entries are nudged in place (and put back)")
    check_finite(x, "x")
    eps, order = _check_eps_order(eps, order)
    reach = eps * (order // 2)
    if x.size and not math.isfinite(float(np.max(np.abs(x))) + reach):
        raise ValueError(f"eps={eps:g} is too large: x ± {order // 2}·eps overflows float64")

    def f_at(i, value: float) -> float:
        x[i] = value
        result = f()
        if isinstance(result, np.ndarray) and result.ndim == 0:
            result = result[()]
        if not_a_number(result):
            raise TypeError(f"f must return a real number (such as a loss), got {show(result)}")
        try:
            return float(result)  # Python floats from here on: inf − inf is NaN, never a warning
        except OverflowError:  # an int beyond float64
            return math.inf if result > 0 else -math.inf

    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = float(x[i])
        try:
            diff = (f_at(i, old + eps) - f_at(i, old - eps)) / (2 * eps)
            if order == 4:
                wide = (f_at(i, old + 2 * eps) - f_at(i, old - 2 * eps)) / (4 * eps)
                diff = (4 * diff - wide) / 3
        finally:
            x[i] = old  # exactly the old value, whatever happened
        grad[i] = diff
    return grad


def rel_error(a, b) -> float:
    """max |a − b| / max(|a| + |b|, 1e-8), elementwise: 0 for equal arrays, ~1 for unrelated ones.

    a and b are arrays (or numbers) of equal shape holding finite real numbers: NaN, inf,
    complex, bool or anything else is an error naming the argument. Empty arrays give 0.0.
    """
    a, b = check_real_array(a, "a"), check_real_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    check_finite(a, "a")
    check_finite(b, "b")
    if a.size == 0:
        return 0.0
    # The same ratio with every term halved, exactly: |a − b| and |a| + |b| cannot overflow.
    half_a, half_b = a / 2, b / 2
    return float(np.max(np.abs(half_a - half_b) / np.maximum(1e-8 / 2, np.abs(half_a) + np.abs(half_b))))


def check_gradients(net, X, y, eps: float = 1e-5, order: int = 2) -> list[float]:
    """Relative error between `net.gradients(X, y)` and finite differences, per parameter array.

    Returns one float per array of `net.parameters()`, in the same order. Every weight is
    back at its old value afterwards, also when an error or an interrupt stops the check.
    """
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net must be a lab.Network, got {type(net).__name__}")
    eps, order = _check_eps_order(eps, order)
    analytic = net.gradients(X, y)  # checks X, y and the weights
    X = check_X(X, net.sizes[0])
    y = check_y(y, len(X))
    errors = []
    for param, grad in zip(net.parameters(), analytic):
        try:
            numeric = numerical_gradient(lambda: net.loss(X, y), param, eps, order)
        except ValueError as exc:
            raise ValueError(f"eps={eps:g} is too large for these weights: {exc}") from None
        errors.append(rel_error(grad, numeric))
    return errors
