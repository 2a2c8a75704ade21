"""Training: the per-sample loop that `Network.fit` and `lab.train_many` run.

Two engines do the same arithmetic:

* "numba": the compiled kernel in `lab.kernel`, one explicit loop per formula of the
  derivation, K networks in parallel over the machine's cores;
* "python": the readable numpy loop, built only on the network's own methods
  (`_sgd_step`, `_backward`, `_loss`): slow and plain. It runs where numba is missing
  (or the kernel is left out, as in the students' release, so that training runs on
  the students' own code), and wherever `LAB_ENGINE=python` is set.

`ENGINE` says which one runs; tests set it to try both. This module works on arrays and
names: it reads a network's `sizes`, `activation`, `loss_name`, `W` and `b` (and, on the
readable path, calls its methods), and imports neither `Network` nor anything else of
`lab` but the readable optimisers.
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np

from . import optimizers

try:
    from . import kernel

    # only the kernel beside this file (an editable install of another copy could lend its own)
    if os.path.dirname(os.path.abspath(kernel.__file__)) != os.path.dirname(os.path.abspath(__file__)):
        raise ImportError(f"lab/kernel.py is not beside {__file__}")
except ImportError as exc:  # numba not installed, or lab/kernel.py left out
    kernel, _WHY_PYTHON = None, f"the compiled kernel is not available ({exc})"
else:
    _WHY_PYTHON = None

if os.environ.get("LAB_ENGINE", "numba") == "python":
    _WHY_PYTHON = "LAB_ENGINE=python is set"

#: "numba" (the compiled kernel) or "python" (the readable numpy loop).
ENGINE = "python" if _WHY_PYTHON else "numba"
_told = False

#: The optimisers' settings, the same on both engines: momentum μ; Adam's β1, β2 and ε.
HYPER = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

# Compiled runs with more updates than this go in chunks, so a progress bar can move.
_CHUNK_UPDATES = 2_000_000


class DivergedError(ValueError):
    """Training produced non-finite numbers: the learning rate is too large for this run."""


def readable_notice() -> str:
    """The line lab prints on stderr, once per process, when it trains on the readable loop."""
    why = _WHY_PYTHON or "ENGINE was set to 'python'"
    return f"lab: training runs on the readable numpy loop: {why}."


def _tell_once() -> None:
    global _told
    if not _told:
        _told = True
        print(readable_notice(), file=sys.stderr)


def train(nets, X, y, lrs, epochs, *, optimizer="sgd", order="correct", progress=False) -> np.ndarray:
    """Train the networks `nets` (checked, alike in shape) in place; returns their losses (K, epochs).

    X (N, D) float, y (N,) float 0/1, lrs (K,) floats > 0, epochs >= 0: all checked by the
    caller. Raises `DivergedError` if a loss or weight stops being finite; every network is
    then left with its weights after the last epoch at which all of them were finite.
    """
    if ENGINE == "numba" and kernel is not None:
        return _train_compiled(nets, X, y, lrs, epochs, optimizer, order, progress)
    _tell_once()
    return _train_readable(nets, X, y, lrs, epochs, optimizer, order, progress)


def _diverged(epoch: int, lr: float) -> DivergedError:
    return DivergedError(
        f"training diverged in epoch {epoch}: a loss or weight stopped being finite at "
        f"learning rate lr={lr:g}, which is too large for this run; try a smaller one. "
        f"The weights are left as they were after epoch {epoch - 1}."
    )


def _bar(progress: bool, epochs: int):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="epochs", leave=False)


# --------------------------------------------------------------------------- the compiled kernel
def _pack(nets):
    """The networks' weights as the kernel's padded arrays W (K, L+1, R, C), b (K, L+1, C)."""
    sizes = nets[0].sizes
    L = len(sizes) - 1
    W = np.zeros((len(nets), L + 1, max(sizes[:-1]), max(sizes[1:])))
    b = np.zeros((len(nets), L + 1, max(sizes[1:])))
    for k, net in enumerate(nets):
        for l in range(1, L + 1):
            W[k, l, : sizes[l - 1], : sizes[l]] = net.W[l - 1]
            b[k, l, : sizes[l]] = net.b[l - 1]
    return W, b


def _unpack(nets, W, b) -> None:
    sizes = nets[0].sizes
    for k, net in enumerate(nets):
        for l in range(1, len(sizes)):
            net.W[l - 1][...] = W[k, l, : sizes[l - 1], : sizes[l]]
            net.b[l - 1][...] = b[k, l, : sizes[l]]


def _run_kernel(nets, X, y, lrs, epochs, optimizer, order, history, bar) -> tuple[int, int]:
    """Run the kernel over `epochs` epochs, filling history (K, epochs); returns the first
    epoch at which some network diverged and that network's index, or (0, 0). The weights
    are written back either way."""
    net = nets[0]
    k = len(nets)
    W, b = _pack(nets)
    mW, vW, mb, vb = (np.zeros_like(a) for a in (W, W, b, b))
    t = np.zeros((k, 1))
    sizes = np.array(net.sizes, dtype=np.int64)
    codes = (
        kernel.ACTIVATIONS[net.activation],
        kernel.LOSSES[net.loss_name],
        kernel.OPTIMIZERS[optimizer],
        kernel.ORDERS[order],
    )
    hyper = np.array([HYPER["momentum"], HYPER["beta1"], HYPER["beta2"], HYPER["eps"]])
    chunk = max(1, _CHUNK_UPDATES // (len(X) * k)) if bar is not None else max(epochs, 1)
    lrs = np.ascontiguousarray(lrs, dtype=np.float64)
    first = which = 0
    for start in range(0, epochs, chunk):
        part = np.zeros((k, min(chunk, epochs - start)))
        diverged = np.zeros(k, dtype=np.int64)
        with kernel.quick_start():
            if k == 1:  # no threads for one network
                diverged[0] = kernel.train_network(
                    W[0], b[0], mW[0], vW[0], mb[0], vb[0], t[0], sizes, *codes, hyper, X, y, lrs[0], part[0]
                )
            else:
                kernel.train_networks(
                    W, b, mW, vW, mb, vb, t, sizes, *codes, hyper, X, y, lrs, part, diverged
                )
        history[:, start : start + part.shape[1]] = part
        if diverged.any():
            which = int(np.argmin(np.where(diverged > 0, diverged, epochs + 1)))
            first = start + int(diverged[which])
            break
        if bar is not None:
            bar.update(part.shape[1])
    _unpack(nets, W, b)
    return first, which


def _train_compiled(nets, X, y, lrs, epochs, optimizer, order, progress) -> np.ndarray:
    history = np.zeros((len(nets), epochs))
    start = [([W.copy() for W in net.W], [b.copy() for b in net.b]) for net in nets]
    bar = _bar(progress, epochs)
    try:
        first, which = _run_kernel(nets, X, y, lrs, epochs, optimizer, order, history, bar)
        if first:
            # Some network diverged in epoch `first`; the others trained on. Train them all
            # again from the start to the epoch before, so all keep their last finite weights.
            for net, (Ws, bs) in zip(nets, start):
                for W, W0, b, b0 in zip(net.W, Ws, net.b, bs):
                    W[...], b[...] = W0, b0
            _run_kernel(nets, X, y, lrs, first - 1, optimizer, order, history, None)
            raise _diverged(first, float(lrs[which]))
    finally:
        if bar is not None:
            bar.close()
    return history


# --------------------------------------------------------------------------- the readable loop
def _train_readable(nets, X, y, lrs, epochs, optimizer, order, progress) -> np.ndarray:
    """The same training, point by point, on the networks' own readable methods."""
    rows = [(X[i : i + 1], y[i : i + 1, None]) for i in range(len(X))]
    opts = [optimizers.make(optimizer, net.parameters(), **HYPER) for net in nets]
    history = np.zeros((len(nets), epochs))
    bar = _bar(progress, epochs)
    last_finite = [[p.copy() for p in net.parameters()] for net in nets]
    try:
        with np.errstate(all="ignore"):  # divergence is detected below, not warned about
            for epoch in range(1, epochs + 1):
                for x, t in rows:
                    for net, lr, opt in zip(nets, lrs, opts):
                        if order == "report":
                            net._report_step(x, t, lr)
                        elif optimizer == "sgd":
                            net._sgd_step(x, t, lr)  # the students' own step, in their release
                        else:
                            opt.step(net._backward(net._forward(x), t), lr)
                losses = [net._loss(X, y[:, None]) for net in nets]
                finite = [
                    math.isfinite(loss) and all(np.isfinite(p).all() for p in net.parameters())
                    for net, loss in zip(nets, losses)
                ]
                if not all(finite):
                    for net, saved in zip(nets, last_finite):
                        for p, q in zip(net.parameters(), saved):
                            p[...] = q
                    raise _diverged(epoch, float(lrs[finite.index(False)]))
                history[:, epoch - 1] = losses
                for net, saved in zip(nets, last_finite):
                    for p, q in zip(net.parameters(), saved):
                        q[...] = p
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return history
