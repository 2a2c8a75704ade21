"""The compiled training kernel: per-sample SGD (and momentum, Adam) as plain loops, run by numba.

This is `Network`'s twin, written the way notebook 01 derives back-propagation, one
scalar at a time: one explicit loop per formula, under the derivation's names. For
layer l = 1..L, with p_0 = x:

    h_l[j]       = Σ_i p_{l-1}[i] W_l[i, j] + b_l[j]       pre-activation
    p_l[j]       = f(h_l[j])         (σ for the output unit, l = L)
    delta_L      = (ŷ − y) σ'(h_L)   squared error,   or   ŷ − y   cross-entropy
    dW_l[i, j]   = p_{l-1}[i] delta_l[j],   db_l[j] = delta_l[j]
    delta_{l-1}[i] = Σ_j delta_l[j] W_l[i, j] · f'(h_{l-1}[i])

and then every parameter takes one optimiser step. One sample is one update (the
batch mean of one point is that point), so there is no 1/N here.

Arrays are padded so that the indices read like the text: `W[l, i, j]` is W_l's entry
(i, j), `b[l, j]`, `h[l, j]`, `p[l, j]`, `delta[l, j]`, with l = 1..L (index 0 of W and
b is unused; p[0] is the input x). Only entries inside `sizes` are ever touched.

It works on arrays, integer codes and floats only, and imports nothing of `lab`:
`lab.engine` packs networks into these arrays and unpacks them. Compiled functions
are cached on disk next to this file where that is writable (else in a user cache,
else not at all), so a fresh process loads them instead of compiling.
"""

from __future__ import annotations

import contextlib
import math
import sys
import warnings

import numba
import numpy as np

# The integer codes of the names `lab` uses: activations, losses, optimisers, update orders.
ACTIVATIONS = {"sigmoid": 0, "tanh": 1, "relu": 2, "identity": 3}
LOSSES = {"mse": 0, "bce": 1}
OPTIMIZERS = {"sgd": 0, "momentum": 1, "adam": 2}
ORDERS = {"correct": 0, "report": 1}
SIGMOID, TANH, RELU, IDENTITY = 0, 1, 2, 3
MSE, BCE = 0, 1
SGD, MOMENTUM, ADAM = 0, 1, 2
REPORT = 1


_started = False  # has a compiled call run in this process?


@contextlib.contextmanager
def quick_start():
    """Run the first compiled call of a process without numba importing scipy.linalg.

    That first call makes numba load its tables of what compiled code may call, and with
    them `numba.np.arraymath`, which imports scipy.linalg (about 0.25 s, nearly half of
    the call) only to learn whether np.correlate in compiled code may use BLAS. The kernel
    calls no BLAS. So while the tables load, scipy.linalg is marked as absent (numba then
    gives np.correlate a plain loop, and nothing else changes); afterwards it imports as
    usual. Where scipy.linalg is already imported, or the tables are loaded, this does
    nothing.
    """
    global _started
    absent = not _started and "scipy.linalg" not in sys.modules
    if absent:
        sys.modules["scipy.linalg"] = None  # `import scipy.linalg` now raises ImportError
    try:
        yield
    finally:
        _started = True
        if absent and sys.modules.get("scipy.linalg", 0) is None:
            del sys.modules["scipy.linalg"]


def _compile(**options):
    """njit with an on-disk cache when some cache folder is writable, without one otherwise."""

    def decorate(fn):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a cache numba cannot use is a reason to go without
                return numba.njit(cache=True, error_model="numpy", **options)(fn)
        except (RuntimeError, OSError, numba.core.errors.NumbaWarning):
            return numba.njit(cache=False, error_model="numpy", **options)(fn)

    return decorate


@_compile(inline="always")
def _sigmoid(h):
    """σ(h) without overflow: e^(−|h|) is never larger than 1."""
    e = math.exp(-abs(h))
    return 1.0 / (1.0 + e) if h >= 0 else e / (1.0 + e)


@_compile(inline="always")
def _f(h, activation):
    """The hidden layers' activation f(h)."""
    if activation == SIGMOID:
        return _sigmoid(h)
    if activation == TANH:
        return math.tanh(h)
    if activation == RELU:
        return h if h > 0.0 else 0.0
    return h


@_compile(inline="always")
def _f_prime(p, activation):
    """f'(h) read off the activation p = f(h)."""
    if activation == SIGMOID:
        return p * (1.0 - p)
    if activation == TANH:
        return 1.0 - p * p
    if activation == RELU:
        return 1.0 if p > 0.0 else 0.0
    return 1.0


@_compile(inline="always")
def _forward(W, b, sizes, activation, X, n, h, p):
    """p_0 = x = X[n], then h_l = p_{l-1} W_l + b_l and p_l = f(h_l) for l = 1..L; returns ŷ = p_L[0]."""
    L = len(sizes) - 1
    for i in range(sizes[0]):
        p[0, i] = X[n, i]
    for l in range(1, L + 1):
        n_in, n_out = sizes[l - 1], sizes[l]
        for j in range(n_out):
            s = 0.0
            for i in range(n_in):
                s += p[l - 1, i] * W[l, i, j]
            h[l, j] = s + b[l, j]
            p[l, j] = _sigmoid(h[l, j]) if l == L else _f(h[l, j], activation)
    return p[L, 0]


@_compile(inline="always")
def _step(opt, lr, g, m, v, hyper, c1, c2):
    """One parameter's optimiser step: returns (Δ, m, v) for θ ← θ − Δ.

    sgd: Δ = lr·g.  momentum: m ← μm + g, Δ = lr·m.  Adam: m ← β1 m + (1 − β1) g,
    v ← β2 v + (1 − β2) g², Δ = lr·(m / c1) / (√(v / c2) + ε), c = 1 − β^t.
    """
    if opt == SGD:
        return lr * g, m, v
    if opt == MOMENTUM:
        m = hyper[0] * m + g
        return lr * m, m, v
    m = hyper[1] * m + (1.0 - hyper[1]) * g
    v = hyper[2] * v + (1.0 - hyper[2]) * (g * g)
    return lr * (m / c1) / (math.sqrt(v / c2) + hyper[3]), m, v


@_compile(inline="always")
def _update_layer(l, W, b, p, delta, mW, vW, mb, vb, sizes, opt, lr, hyper, c1, c2):
    """W_l ← W_l − Δ(dW_l), b_l ← b_l − Δ(db_l), with dW_l = p_{l-1}ᵀ delta_l, db_l = delta_l."""
    n_in, n_out = sizes[l - 1], sizes[l]
    for i in range(n_in):
        p_i = p[l - 1, i]
        for j in range(n_out):
            dW = p_i * delta[l, j]
            if opt == SGD:
                W[l, i, j] -= lr * dW
            else:
                d, mW[l, i, j], vW[l, i, j] = _step(opt, lr, dW, mW[l, i, j], vW[l, i, j], hyper, c1, c2)
                W[l, i, j] -= d
    for j in range(n_out):
        db = delta[l, j]
        if opt == SGD:
            b[l, j] -= lr * db
        else:
            d, mb[l, j], vb[l, j] = _step(opt, lr, db, mb[l, j], vb[l, j], hyper, c1, c2)
            b[l, j] -= d


@_compile()
def _epoch_loss(W, b, sizes, activation, loss, X, y, h, p):
    """The loss over the whole set: mean ½(y − ŷ)², or mean −[y log ŷ + (1 − y) log(1 − ŷ)]."""
    L = len(sizes) - 1
    total = 0.0
    for n in range(X.shape[0]):
        y_hat = _forward(W, b, sizes, activation, X, n, h, p)
        if loss == MSE:
            total += 0.5 * ((y[n] - y_hat) * (y[n] - y_hat))
        else:  # log(1 + e^h) − y·h, written so that e^h never overflows
            z = h[L, 0]
            total += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y[n] * z
    return total / X.shape[0]


@_compile()
def _finite(W, b, sizes):
    """Are all of the network's weights and biases finite?"""
    for l in range(1, len(sizes)):
        for j in range(sizes[l]):
            if not math.isfinite(b[l, j]):
                return False
            for i in range(sizes[l - 1]):
                if not math.isfinite(W[l, i, j]):
                    return False
    return True


@_compile()
def train_network(W, b, mW, vW, mb, vb, t, sizes, activation, loss, opt, order, hyper, X, y, lr, history):
    """Train one network for len(history) epochs of per-sample updates, in place.

    W (L+1, R, C), b (L+1, C): the weights, padded; mW, vW, mb, vb: the optimiser's state,
    shaped alike, and t (1,) its step count (all carried over between calls). `history`
    (epochs,) receives the loss over (X, y) after each epoch. Returns 0, or the first
    epoch (1-based) after which the loss or a weight was not finite; training stops there.
    """
    L = len(sizes) - 1
    h = np.zeros(b.shape)
    p = np.zeros((L + 1, max(W.shape[1], W.shape[2])))
    delta = np.zeros(b.shape)
    c1 = c2 = 1.0
    for epoch in range(len(history)):
        for n in range(X.shape[0]):
            if opt == ADAM:
                t[0] += 1.0
                c1 = 1.0 - hyper[1] ** t[0]
                c2 = 1.0 - hyper[2] ** t[0]
            y_hat = _forward(W, b, sizes, activation, X, n, h, p)
            # the output's error signal delta_L = ∂L/∂h_L
            if loss == MSE:
                delta[L, 0] = (y_hat - y[n]) * (y_hat * (1.0 - y_hat))
            else:
                delta[L, 0] = y_hat - y[n]
            for l in range(L, 0, -1):
                if order == REPORT:  # the report's bug: W_l changes before delta_{l-1} is made with it
                    _update_layer(l, W, b, p, delta, mW, vW, mb, vb, sizes, opt, lr, hyper, c1, c2)
                if l > 1:
                    n_in, n_out = sizes[l - 1], sizes[l]
                    for i in range(n_in):
                        s = 0.0
                        for j in range(n_out):
                            s += delta[l, j] * W[l, i, j]
                        delta[l - 1, i] = s * _f_prime(p[l - 1, i], activation)
            if order != REPORT:  # every error signal is in: only now does any weight change
                for l in range(1, L + 1):
                    _update_layer(l, W, b, p, delta, mW, vW, mb, vb, sizes, opt, lr, hyper, c1, c2)
        history[epoch] = _epoch_loss(W, b, sizes, activation, loss, X, y, h, p)
        if not (math.isfinite(history[epoch]) and _finite(W, b, sizes)):
            return epoch + 1
    return 0


@_compile(parallel=True)
def train_networks(
    W, b, mW, vW, mb, vb, t, sizes, activation, loss, opt, order, hyper, X, y, lr, history, diverged
):
    """`train_network` for K networks at once, in parallel over networks.

    Every argument that `train_network` takes per network gains a leading axis of length
    K (lr is (K,), history (K, epochs)); diverged (K,) receives each network's result.
    Each network runs the same code as alone, so it ends bit for bit as if trained alone.
    """
    for k in numba.prange(W.shape[0]):
        diverged[k] = train_network(
            W[k], b[k], mW[k], vW[k], mb[k], vb[k], t[k], sizes, activation, loss, opt, order, hyper, X, y,
            lr[k], history[k],
        )  # fmt: skip
