"""A fully-connected network trained by back-propagation, in plain numpy.

This is the readable core of the pack: one class whose forward and backward
passes follow the derivation notebook line by line.

Shapes are row-major everywhere: a batch `X` is (N, D), a weight `W` is
(fan_in, fan_out), a bias `b` is (fan_out,). Notation, per layer:

    h     = p_prev @ W + b      pre-activation                (N, fan_out)
    p     = f(h)                activation                    (N, fan_out)
    delta = dL/dh               error signal                  (N, fan_out)
    dW    = p_prev.T @ delta    dL/dW                         (fan_in, fan_out)
    db    = delta summed over the batch                       (fan_out,)

The output unit is always a sigmoid, read as the probability of label 1; the
loss is the report's squared error, averaged over the batch,
L = mean over samples of ½(y − ŷ)²  (loss="mse"), or the cross-entropy
L = mean of −[y log ŷ + (1 − y) log(1 − ŷ)]  (loss="bce", one of the lab's extras).

Left out on purpose, to keep the core small: mini-batches, regularisation, more
than one output unit. `fit` and `train_many` run per-sample training through
`lab.engine` (a compiled twin of this class, or this class's own methods); tests
prove the two train alike.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence

import numpy as np

from . import _netfile, activations, engine
from ._checks import (
    MAX_PARAMETERS,
    check_batch,
    check_before_training,
    check_finite_weights,
    check_int,
    check_lr,
    check_parameter_count,
    check_path,
    check_seed,
    check_X,
    check_y,
    int_text,
    largest,
    numeric_guard,
    seq_text,
    show,
)

_FILE_FORMAT = _netfile.FORMAT
LOSSES = ("mse", "bce")
INITS = ("glorot", "uniform", "normal")
ORDERS = ("correct", "report")
# Runs with at least this many single-sample updates show a progress bar (progress=None).
_PROGRESS_UPDATES = 20_000_000


def _check_sizes(sizes) -> tuple[int, ...]:
    """Layer widths: at least 2 positive integers ending in 1, with at most MAX_PARAMETERS
    weights and biases in all (checked on the numbers, before anything is allocated)."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of layer widths such as (2, 4, 4, 1), got {show(sizes)}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least 2 entries (inputs and outputs), got {seq_text(sizes)}")
    if len(sizes) > MAX_PARAMETERS // 2 + 1:  # every layer has at least 2 parameters
        raise ValueError(
            f"sizes must have at most {MAX_PARAMETERS // 2 + 1} entries "
            f"(lab._checks.MAX_PARAMETERS = {MAX_PARAMETERS:_} parameters), got {len(sizes)}"
        )
    for width in sizes:
        if isinstance(width, (bool, np.bool_, np.timedelta64)) or not isinstance(width, numbers.Integral):
            raise TypeError(f"sizes must hold integers, got {show(width)} in {seq_text(sizes)}")
        if width < 1:
            width = int_text(int(width))
            raise ValueError(f"sizes must hold positive widths, got {width} in {seq_text(sizes)}")
    if sizes[-1] != 1:
        raise ValueError(f"sizes must end in 1 (one output probability), got {seq_text(sizes)}")
    sizes = tuple(int(w) for w in sizes)
    check_parameter_count(sizes)
    return sizes


def glorot_bound(fan_in: int, fan_out: int) -> float:
    """u = √6 / √(fan_in + fan_out): Glorot-uniform draws W from U(−u, u).

    fan_in and fan_out are layer widths: integers from 1 to lab._checks.MAX_PARAMETERS.
    """
    fan_in = check_int(fan_in, "fan_in", minimum=1, maximum=MAX_PARAMETERS)
    fan_out = check_int(fan_out, "fan_out", minimum=1, maximum=MAX_PARAMETERS)
    return float(np.sqrt(6.0) / np.sqrt(fan_in + fan_out))


class Network:
    """A fully-connected network `sizes[0] → … → sizes[-1]`, trained by per-sample SGD.

    Parameters
    ----------
    sizes : layer widths, inputs first; the default (2, 4, 4, 1) is the report's net.
    activation : the hidden layers' activation, one of "sigmoid", "tanh", "relu",
        "identity" (the output unit is always a sigmoid).
    seed : seeds the initial weights; the same seed gives the same weights, always.
        None draws fresh entropy.
    loss : "mse", the report's ½(y − ŷ)², or "bce", the cross-entropy.
    init : "glorot" (Glorot-uniform, W ~ U(−u, u), u = √6/√(fan_in + fan_out)), or the
        naive "uniform" U(−1, 1) or "normal" N(0, 1), for the lab's comparison. Biases start at 0.

    Each layer's `W` (fan_in, fan_out) and `b` (fan_out,) are views into one flat
    parameter vector, so `parameters()` hands out the live arrays.
    """

    def __init__(
        self,
        sizes: Sequence[int] = (2, 4, 4, 1),
        activation: str = "sigmoid",
        seed: int | None = None,
        *,
        loss: str = "mse",
        init: str = "glorot",
    ):
        sizes = _check_sizes(sizes)
        f, df = activations.get(activation)
        seed = check_seed(seed)
        _check_choice(loss, "loss", LOSSES)
        _check_choice(init, "init", INITS)

        self._sizes, self._activation, self._loss_name = sizes, activation, loss
        self._f, self._df = f, df

        # One flat vector holds every layer's [W; b] block, each (fan_in + 1, fan_out).
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
        self._theta = np.zeros(sum(r * c for r, c in shapes))
        self._Wb = []
        offset = 0
        for r, c in shapes:
            self._Wb.append(self._theta[offset : offset + r * c].reshape(r, c))
            offset += r * c
        # Tuples: the arrays are live views and may be changed in place (W[0][...] = ...),
        # but never replaced, which would cut them off from the flat vector.
        self.W = tuple(Wb[:-1] for Wb in self._Wb)
        self.b = tuple(Wb[-1] for Wb in self._Wb)

        rng = np.random.default_rng(seed)
        for W in self.W:
            if init == "glorot":
                u = glorot_bound(*W.shape)
                W[...] = rng.uniform(-u, u, size=W.shape)
            elif init == "uniform":
                W[...] = rng.uniform(-1.0, 1.0, size=W.shape)
            else:
                W[...] = rng.normal(0.0, 1.0, size=W.shape)

    def __repr__(self) -> str:
        extra = "" if self.loss_name == "mse" else f", loss={self.loss_name!r}"
        return f"Network(sizes={self.sizes}, activation={self.activation!r}{extra})"

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths, inputs first, e.g. (2, 4, 4, 1)."""
        return self._sizes

    @property
    def activation(self) -> str:
        """The hidden layers' activation."""
        return self._activation

    @property
    def loss_name(self) -> str:
        """The loss: "mse" (½(y − ŷ)², the report's) or "bce" (cross-entropy)."""
        return self._loss_name

    @property
    def n_layers(self) -> int:
        """Number of weight layers (3 for the 2-4-4-1 net)."""
        return len(self.W)

    # ------------------------------------------------------------------ access
    def parameters(self) -> list[np.ndarray]:
        """The live arrays [W1, b1, W2, b2, ...]; changing them changes the net."""
        return [a for W, b in zip(self.W, self.b) for a in (W, b)]

    def copy(self) -> Network:
        """An independent network with the same sizes, activation and weights."""
        other = Network(self.sizes, self.activation, seed=0, loss=self.loss_name)
        other._theta[...] = self._theta
        return other

    # ----------------------------------------------------------------- forward
    def _forward(self, X: np.ndarray) -> list[np.ndarray]:
        """Activations of every layer for a checked batch X (N, D): [p0 = X, p1, ..., ŷ]."""
        # BEGIN STUDENT TASK: _forward(X): return the list [X, p1, ..., ŷ] of every layer's activation,
        # TASK: each (N, width). Per layer: h = p_prev @ W + b, then p = self._f(h) for hidden layers
        # TASK: and p = activations.sigmoid(h) for the output layer. Graded at: each activation within a
        # TASK: relative 1e-12 of the exact one (any correct order of the operations passes).
        ps = [X]
        for layer, (W, b) in enumerate(zip(self.W, self.b)):
            h = ps[-1] @ W + b  # h = p_prev W + b          (N, fan_out)
            f = activations.sigmoid if layer == self.n_layers - 1 else self._f
            ps.append(f(h))  # p = f(h)
        return ps
        # END STUDENT TASK

    def _checked_X(self, X) -> np.ndarray:
        """X checked against this net (N, D), its forward pass bounded; the weights finite."""
        X = check_X(X, self.sizes[0])
        check_batch(len(X), self.sizes)
        check_finite_weights([self], name=None)
        return X

    def _guard(self, X: np.ndarray, what: str = "the forward pass"):
        """Overflow in `what` at these finite X and weights: a ValueError naming them, no warning."""
        return numeric_guard(
            lambda: (
                f"X or the weights are too large: {what} overflows float64 "
                f"(largest |X| = {largest(X)}, largest |weight| = {largest(self._theta)})"
            )
        )

    def forward(self, X) -> np.ndarray:
        """Probabilities ŷ = P(label 1 | x) for X (N, D); returns (N, 1)."""
        X = self._checked_X(X)
        with self._guard(X):
            return self._forward(X)[-1]

    predict_proba = forward

    def predict(self, X) -> np.ndarray:
        """Labels (N, 1), ints: 1 where the probability is greater than 0.5, else 0."""
        return (self.forward(X) > 0.5).astype(int)

    def loss(self, X, y) -> float:
        """The mean loss over the batch X (N, D), y (N, 1) or (N,): ½(y − ŷ)², or the cross-entropy."""
        X = self._checked_X(X)
        y = check_y(y, len(X))
        with self._guard(X, "the loss"):
            return self._loss(X, y)

    def _loss(self, X: np.ndarray, y: np.ndarray) -> float:
        if self.loss_name == "bce":
            # −[y log σ(h) + (1 − y) log(1 − σ(h))] = log(1 + e^h) − y·h, with e^h never overflowing
            ps = self._forward(X)
            h = ps[-2] @ self.W[-1] + self.b[-1]  # the output's pre-activation  (N, 1)
            return float(np.mean(np.maximum(h, 0.0) + np.log1p(np.exp(-np.abs(h))) - y * h))
        y_hat = self._forward(X)[-1]
        return float(np.mean(0.5 * (y - y_hat) ** 2))

    def accuracy(self, X, y) -> float:
        """Fraction of points whose predicted label equals y."""
        X = self._checked_X(X)
        y = check_y(y, len(X))
        return float(np.mean(self.predict(X) == y))

    # ---------------------------------------------------------------- backward
    def _backward(self, ps: list[np.ndarray], y: np.ndarray) -> list[np.ndarray]:
        """Gradients [dW1, db1, dW2, db2, ...] of the mean loss, from the forward's activations."""
        # BEGIN STUDENT TASK: _backward(ps, y): from the forward pass's ps = [X, p1, ..., ŷ] and labels
        # TASK: y (N, 1), return [dW1, db1, dW2, db2, ...], the gradients of L = mean ½(y − ŷ)², each
        # TASK: shaped like its parameter, for any number of layers. Start from the output error
        # TASK: signal δ = ∂L/∂h (mind the 1/N of the mean and the output sigmoid's σ'); per layer,
        # TASK: dW = p_prevᵀ δ and db = δ summed over the batch; then propagate δ to the layer below
        # TASK: through Wᵀ and that layer's f' (self._df reads it off p). Change no weight here.
        # TASK: (Extra: for self.loss_name == "bce", the cross-entropy, δ = (ŷ − y)/N: σ' cancels.)
        # TASK: Graded at: each gradient within lab.rel_error 1e-6 of the exact one, layer by layer: a
        # TASK: layer's dW, db are checked given the δ your code sent down to it.
        y_hat = ps[-1]
        n = len(y)
        if self.loss_name == "bce":
            # L = mean −[y log ŷ + (1 − y) log(1 − ŷ)]  ⇒  ∂L/∂h = (ŷ − y)/N: σ'(h) cancels
            delta = (y_hat - y) / n
        else:
            # L = mean ½(y − ŷ)²  ⇒  ∂L/∂ŷ = (ŷ − y)/N; the output unit is a sigmoid: ∂ŷ/∂h = ŷ(1 − ŷ)
            delta = (y_hat - y) / n * activations._sigmoid_grad(y_hat)
        grads = []
        for layer in reversed(range(self.n_layers)):
            p_prev = ps[layer]
            dW = p_prev.T @ delta  # ∂L/∂W = p_prevᵀ δ        (fan_in, fan_out)
            db = delta.sum(axis=0)  # ∂L/∂b = Σ_batch δ        (fan_out,)
            grads[:0] = [dW, db]
            if layer > 0:
                # δ_prev = (δ Wᵀ) ⊙ f'(h_prev), with f'(h_prev) read off p_prev = f(h_prev)
                delta = (delta @ self.W[layer].T) * self._df(p_prev)
        return grads
        # END STUDENT TASK

    def gradients(self, X, y) -> list[np.ndarray]:
        """The exact gradient of `loss(X, y)`: arrays shaped and ordered like `parameters()`."""
        X = self._checked_X(X)
        y = check_y(y, len(X))
        with self._guard(X, "back-propagation"):
            return self._backward(self._forward(X), y)

    def sgd_step(self, X, y, lr: float = 0.8) -> None:
        """One gradient-descent step on the batch (X, y): every parameter θ ← θ − lr·∂L/∂θ.

        All gradients are computed first, from the current weights; only then
        does any weight change (the report's bug was to update the upper layer
        first and back-propagate through the updated weights).
        """
        lr = check_lr(lr)
        X = self._checked_X(X)
        y = check_y(y, len(X))
        with self._guard(X):  # an overflow of the forward pass is X's (or the weights'), not lr's
            self._forward(X)
        before = self._theta.copy()
        try:
            with numeric_guard(
                lambda: (
                    f"the step overflows float64: lr={lr:g} is too large for these gradients, or X "
                    f"or the weights are (largest |X| = {largest(X)}, largest |weight| = {largest(before)}); "
                    "the weights are left unchanged"
                )
            ):
                self._sgd_step(X, y, lr)
        except BaseException:  # an overflow or an interrupt half-way: put every weight back
            self._theta[...] = before
            raise

    def _sgd_step(self, X: np.ndarray, y: np.ndarray, lr: float) -> None:
        """`sgd_step` on checked arguments: X (N, D) float, y (N, 1) float, lr > 0."""
        # BEGIN STUDENT TASK: _sgd_step(X, y, lr): compute every gradient first, from the current
        # TASK: weights (self._backward(self._forward(X), y)), then update each parameter of
        # TASK: self.parameters() in place: param -= lr * grad. Graded at: each parameter within 1e-9
        # TASK: of θ − lr·∂L/∂θ (any order of the work passes if every gradient uses the weights before
        # TASK: the step).
        grads = self._backward(self._forward(X), y)
        for param, grad in zip(self.parameters(), grads):
            param -= lr * grad
        # END STUDENT TASK

    def _report_step(self, X: np.ndarray, y: np.ndarray, lr: float) -> None:
        """The report's update order, kept to teach its bug (`fit(..., order="report")`).

        Each layer is updated as soon as its gradient is known, from the output down, and the
        error signal then goes down through the *updated* weights: δ_{l−1} uses W_l − lr·dW_l,
        not W_l. That is not the gradient of anything; notebook 04 shows what it does.
        """
        # BEGIN STUDENT TASK: _report_step(X, y, lr) (an extra, for notebook 04): the report's wrong order.
        # TASK: From the output layer down: compute the layer's dW, db from its δ, update W and b
        # TASK: in place at once, then propagate δ to the layer below through the updated W.
        ps = self._forward(X)
        y_hat, n = ps[-1], len(y)
        delta = (
            (y_hat - y) / n if self.loss_name == "bce" else (y_hat - y) / n * activations._sigmoid_grad(y_hat)
        )
        for layer in reversed(range(self.n_layers)):
            p_prev = ps[layer]
            self.W[layer][...] -= lr * (p_prev.T @ delta)  # updated now, before δ goes down
            self.b[layer][...] -= lr * delta.sum(axis=0)
            if layer > 0:
                delta = self._df(p_prev) * (delta @ self.W[layer].T)  # the bug: W_l is the new one
        # END STUDENT TASK

    # ---------------------------------------------------------------- training
    def fit(
        self,
        X,
        y,
        lr: float = 0.8,
        epochs: int = 1000,
        *,
        optimizer: str = "sgd",
        order: str = "correct",
        log_every: int | None = None,
        progress: bool | None = None,
    ) -> np.ndarray:
        """Per-sample training, the report's way; returns the loss after each epoch, (epochs,).

        Each point of X in order does forward, backward and one update at learning rate
        `lr`; one pass over all points is one epoch. `optimizer` is "sgd" (θ ← θ − lr·g),
        or one of the lab's extras "momentum" and "adam" (`lab.optimizers`), whose state
        starts afresh in every call. `order="report"` trains with the report's bug (SGD
        only): see `_report_step`. With `log_every=k`, prints `epoch: k loss: 0.1248`
        every k epochs. A progress bar (tqdm) shows on long runs, or as `progress` says.

        If a loss or weight stops being finite, raises `lab.DivergedError` naming the
        learning rate and the epoch, and leaves the weights as they were after the last
        finite epoch.
        """
        check_lr(lr)  # one rate (train_many would take a list of them)
        check_finite_weights([self], name=None)  # "the network's W2", not "networks[0]'s"
        return train_many(
            [self], X, y, lr, epochs, optimizer=optimizer, order=order, log_every=log_every, progress=progress
        )[0]

    # ------------------------------------------------------------- save, load
    def save(self, path) -> None:
        """Write sizes, activation and weights to `path` (a .npz file; see `lab._netfile`).

        The weights must be finite (`load` refuses others). The file is written in one go.
        """
        path = check_path(path)
        check_finite_weights([self], name=None)
        try:
            _netfile.write(path, self.sizes, self.activation, self.loss_name, self._theta)
        except OSError as exc:  # the same kind of OSError (IsADirectoryError, ...), naming the path
            raise OSError(exc.errno, f"path {path!r}: cannot write the network ({exc.strerror})") from None

    @classmethod
    def load(cls, path) -> Network:
        """Read a network written by `save`.

        Any other file, however broken (truncated, foreign, hand-edited, corrupt, a directory,
        empty), raises ValueError naming the path and what is wrong; a missing one raises
        FileNotFoundError. Nothing is allocated from the file's numbers before they are
        checked, and nothing is ever unpickled.
        """
        text = check_path(path)
        if not os.path.exists(text):
            raise FileNotFoundError(f"path {text!r}: no such file")

        def count_parameters(sizes, activation, loss) -> int:
            activations.get(activation)
            _check_choice(loss, "loss", LOSSES)
            return check_parameter_count(_check_sizes(sizes))

        try:
            sizes, activation, loss, theta = _netfile.load(text, count_parameters)
        except _netfile.BadFile as exc:
            raise ValueError(f"path {text!r} is not a network saved by lab.Network.save: {exc}") from None
        net = cls(sizes, activation, seed=0, loss=loss)
        net._theta[...] = theta
        return net


def _check_choice(value, name: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def _check_networks(networks) -> list[Network]:
    if isinstance(networks, Network) or not isinstance(networks, Sequence) or len(networks) == 0:
        raise TypeError("networks must be a non-empty list of lab.Network")
    for net in networks:
        if not isinstance(net, Network):
            raise TypeError(f"networks must hold lab.Network objects, got {type(net).__name__}")
    first = networks[0]
    for net in networks[1:]:
        if (net.sizes, net.activation, net.loss_name) != (first.sizes, first.activation, first.loss_name):
            raise ValueError(
                f"networks must share sizes, activation and loss to train together, got {first!r} and {net!r}"
            )
    if len({id(net) for net in networks}) != len(networks):
        raise ValueError("networks must be distinct objects (the same network appears twice)")
    return list(networks)


def _check_lrs(lr, k: int) -> np.ndarray:
    if isinstance(lr, (str, bytes)) or not isinstance(lr, (Sequence, np.ndarray)) or np.ndim(lr) == 0:
        return np.full(k, check_lr(lr))
    if np.ndim(lr) != 1 or len(lr) != k:
        raise ValueError(f"lr must give one learning rate per network: {k} networks, {len(lr)} rates")
    return np.array([check_lr(v, f"lr[{i}]") for i, v in enumerate(lr)])


def train_many(
    networks,
    X,
    y,
    lr=0.8,
    epochs: int = 1000,
    *,
    optimizer: str = "sgd",
    order: str = "correct",
    log_every: int | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Train K networks of one shape on the same (X, y), each as `Network.fit` would alone.

    The compiled engine trains them in parallel over the machine's cores; each network
    ends bit for bit as if trained alone.

    Parameters
    ----------
    networks : list of K `lab.Network` with equal sizes, activation and loss.
    X : (N, D) inputs; y : (N, 1) or (N,) labels 0/1.
    lr : one learning rate for all, or a sequence of K (one per network).
    epochs : number of passes over the data (>= 0).
    optimizer, order : as for `Network.fit`.
    log_every : print `epoch: E loss: L` every that many epochs (single network only).
    progress : show a tqdm progress bar; None shows it for long runs.

    Returns the loss over the whole set after each epoch, shape (K, epochs).
    Raises `DivergedError`, naming the learning rate and the epoch, if a loss or weight
    stops being finite; every network then keeps its weights of the last finite epoch.
    """
    networks = _check_networks(networks)
    X = check_X(X, networks[0].sizes[0])
    y = check_y(y, len(X))
    lrs = _check_lrs(lr, len(networks))
    epochs = check_int(epochs, "epochs", minimum=0)
    check_before_training(networks, X, epochs)
    _check_choice(optimizer, "optimizer", engine.optimizers.NAMES)
    _check_choice(order, "order", ORDERS)
    if order == "report" and optimizer != "sgd":
        raise ValueError(
            f"order='report' is the report's SGD bug: it needs optimizer='sgd', got {optimizer!r}"
        )
    if log_every is not None:
        log_every = check_int(log_every, "log_every", minimum=1)
        if len(networks) != 1:
            raise ValueError(f"log_every works with a single network; got {len(networks)} networks")
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {progress!r}")
    if progress is None:
        progress = epochs * len(X) * len(networks) >= _PROGRESS_UPDATES

    history = engine.train(
        networks, X, y[:, 0].copy(), lrs, epochs, optimizer=optimizer, order=order, progress=progress
    )
    if log_every is not None:
        for epoch in range(log_every, epochs + 1, log_every):
            print(f"epoch: {epoch} loss: {history[0, epoch - 1]:.4g}")
    return history
