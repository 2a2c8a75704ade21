"""The fast per-sample SGD loop, for one network or K networks at once.

`Network.backward` is written to be read; this module is written to be fast,
and the tests prove the two agree to 1e-12. The speed comes from three things:

* no allocation per step: every activation, error signal and gradient lives in
  a buffer made once per run;
* the bias rides along with the weights: each layer keeps [W; b] as one
  (fan_in + 1, fan_out) block and each activation a trailing 1, so
  h = [p, 1] @ [W; b] is one product and [dW; db] one outer product;
* all gradients of a step land in one flat vector laid out like the flat
  parameter vector, so the update θ ← θ − lr·g is a single subtraction
  (made after every gradient is computed, as the readable path does).
  The learning rate is folded into the output error signal, since every
  gradient is linear in it.

K networks of the same shape (different seeds and/or learning rates) train
together, so one Python loop drives all K: their arrays gain a leading axis of
length K. All K see the same input x, so the first layer's product and its
outer product stay plain 2-D products; the one-unit output layer needs only
elementwise products; each hidden-to-hidden layer is a batched `matmul`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import expit as _expit  # noqa: F401 (unused in the students' release)

from ._checks import check_before_training, check_int, check_lr, check_X, check_y


# BEGIN SOLUTION ONLY
def _sigmoid_grad_fast(P, S, one):
    np.subtract(one, P, S)
    np.multiply(S, P, S)


def _tanh_grad_fast(P, S, one):
    np.multiply(P, P, S)
    np.subtract(one, S, S)


# name -> (f(h, out), f'(h) from p = f(h) into S): ufunc-level twins of lab.activations,
# sigmoid via scipy's `expit`, a single overflow-safe ufunc.
_FAST = {
    "sigmoid": (_expit, _sigmoid_grad_fast),
    "tanh": (np.tanh, _tanh_grad_fast),
    "relu": (lambda h, out: np.maximum(h, 0.0, out=out), lambda P, S, one: np.greater(P, 0.0, out=S)),
    "identity": (lambda h, out: np.copyto(out, h), lambda P, S, one: None),
}
# END SOLUTION ONLY

# Runs with at least this many single-sample updates show a progress bar (progress=None).
_PROGRESS_UPDATES = 400_000


class DivergedError(ValueError):
    """Training produced non-finite numbers: the learning rate is too large."""


def _check_networks(networks) -> list:
    from .network import Network

    if isinstance(networks, Network) or not isinstance(networks, Sequence) or len(networks) == 0:
        raise TypeError("networks must be a non-empty list of lab.Network")
    for net in networks:
        if not isinstance(net, Network):
            raise TypeError(f"networks must hold lab.Network objects, got {type(net).__name__}")
    first = networks[0]
    for net in networks[1:]:
        if net.sizes != first.sizes or net.activation != first.activation:
            raise ValueError(
                "networks must share sizes and activation to train together, got "
                f"{first.sizes}/{first.activation!r} and {net.sizes}/{net.activation!r}"
            )
    if len({id(net) for net in networks}) != len(networks):
        raise ValueError("networks must be distinct objects (the same network appears twice)")
    return list(networks)


def _check_lrs(lr, k: int) -> np.ndarray:
    if isinstance(lr, (str, bytes)) or not isinstance(lr, (Sequence, np.ndarray)) or np.ndim(lr) == 0:
        return np.full(k, check_lr(lr))
    if len(lr) != k:
        raise ValueError(f"lr must give one learning rate per network: {k} networks, {len(lr)} rates")
    return np.array([check_lr(v, f"lr[{i}]") for i, v in enumerate(lr)])


# BEGIN SOLUTION ONLY
# RELEASE: class _Stack:
# RELEASE:     """Not in the students' release: with FAST_ENGINE False, training runs on their code."""
# RELEASE:
# RELEASE:     def __init__(self, networks, lrs):
# RELEASE:         raise NotImplementedError("the fast loop is not in the release: keep FAST_ENGINE = False")
class _Stack:
    """Buffers and the per-sample step for K networks of one shape (K = 1: plain 2-D arrays).

    For K networks every array gains a leading axis of length K, except the first layer's
    [W; b], which is laid out (D + 1, K, width): all K networks see the same input x, so
    x @ [W; b] of all K at once is one plain product, and so is the outer product x ⊗ δ.
    The output layer has one unit, so its products are elementwise. That leaves two
    batched `matmul`s per step (per hidden-to-hidden layer) for K networks.
    """

    def __init__(self, networks, lrs: np.ndarray):
        net = networks[0]
        self.k = k = len(networks)
        self.single = single = k == 1
        self.sigmoid = net.activation == "sigmoid"
        lead = () if single else (k,)
        self.f, self.df = _FAST[net.activation]

        self.shapes = shapes = [Wb.shape for Wb in net._Wb]  # (fan_in + 1, fan_out) per layer
        # the first layer stacked along axis 1, (D + 1, K, width); the others along axis 0
        self.theta = np.concatenate(
            [np.stack([n._Wb[i] for n in networks], axis=int(i == 0)).reshape(-1) for i in range(len(shapes))]
        )
        self.grad = np.zeros_like(self.theta)
        self.Wb, self.G = self._blocks(self.theta), self._blocks(self.grad)  # (K, r, c) views
        self.lr = float(lrs[0]) if single else lrs.reshape(k, 1)

        widths = [c for _, c in shapes]
        # All activations side by side in one buffer, each hidden layer followed by a 1 (the
        # input that multiplies the bias row), the output last: P = [p_1, 1, p_2, 1, ..., ŷ].
        # One call then gives f'(h) of every hidden layer at once, S = f'(h) read off P,
        # and for sigmoid nets the output's ŷ(1 − ŷ) too.
        self.P = np.ones(lead + (sum(w + 1 for w in widths[:-1]) + 1,))
        self.S = np.ones_like(self.P)  # stays all 1 for "identity"
        self.one = np.ones_like(self.P)
        self.p_aug, self.s = [], []
        offset = 0
        for w in widths[:-1]:
            self.p_aug.append(self.P[..., offset : offset + w + 1])
            self.s.append(self.S[..., offset : offset + w])
            offset += w + 1
        self.p = [pa[..., :-1] for pa in self.p_aug]
        self.y_hat = self.P[..., -1:]
        self.h = [np.zeros(lead + (c,)) for c in widths]
        self.delta = [np.zeros(lead + (c,)) for c in widths]
        # For K networks, the output's 1 − ŷ and ŷ(1 − ŷ): for sigmoid nets part of the step's
        # S = (1 − P)·P (Q holds 1 − P), else made apart from it.
        if self.sigmoid:
            self.Q = np.zeros_like(self.P)
            self.q_out, self.s_out = self.Q[..., -1:], self.S[..., -1:]
        else:
            self.Q, self.q_out, self.s_out = None, np.zeros(lead + (1,)), np.zeros(lead + (1,))

        # The plan of one step, made once: every view and bound method the loop touches.
        last = len(shapes) - 1
        h, p, p_aug, Wb, G, delta, s = self.h, self.p, self.p_aug, self.Wb, self.G, self.delta, self.s
        # forward, l = 1..last: p_{l-1} = f(h_{l-1}), then h_l = [p_{l-1}, 1] @ [W_l; b_l]
        self._forward = [
            (h[l - 1], p[l - 1], *self._product(p_aug[l - 1], Wb[l], h[l])) for l in range(1, last + 1)
        ]
        # backward, l = last..1: [dW_l; db_l] = [p_{l-1}, 1]ᵀ δ_l, then
        # δ_{l-1} = (δ_l @ W_lᵀ) ⊙ f'(h_{l-1})
        self._backward = [
            (
                *self._outer(p_aug[l - 1], delta[l], G[l]),
                *self._back(delta[l], Wb[l], delta[l - 1]),
                delta[l - 1],
                s[l - 1],
            )
            for l in range(last, 0, -1)
        ]
        # the first layer, whose input x is shared: [W_1; b_1] and its gradient as 2-D blocks
        n_in = shapes[0][0]
        self._Wb0 = self.theta[: self.G[0].size].reshape(n_in, -1)
        self._G0 = self.grad[: self.G[0].size].reshape(n_in, -1)
        self._h0 = h[0].reshape(-1)
        self._d0_row = delta[0].reshape(1, -1)

    def _blocks(self, flat: np.ndarray) -> list[np.ndarray]:
        """Views (K, r, c) of each layer's [W; b] in a flat vector laid out like self.theta
        ((r, c) for one network)."""
        blocks, offset = [], 0
        for i, (r, c) in enumerate(self.shapes):
            size = self.k * r * c
            part = flat[offset : offset + size]
            if self.single:
                blocks.append(part.reshape(r, c))
            elif i == 0:
                blocks.append(part.reshape(r, self.k, c).transpose(1, 0, 2))
            else:
                blocks.append(part.reshape(self.k, r, c))
            offset += size
        return blocks

    def _product(self, a: np.ndarray, M: np.ndarray, out: np.ndarray):
        """(f, args) with f(*args) writing a @ M into out, row by row for K networks."""
        if self.single:
            return a.dot, (M, out)
        if M.shape[-1] == 1:  # one output unit: a row-by-row dot product
            return np.vecdot, (a, M[..., 0], out[..., 0])
        return np.matmul, (a[..., None, :], M, out[..., None, :])

    def _outer(self, a: np.ndarray, d: np.ndarray, out: np.ndarray):
        """(f, args) with f(*args) writing the outer product a ⊗ d into out (per network)."""
        if self.single:
            return a[:, None].dot, (d[None, :], out)
        return np.multiply, (a[..., :, None], d[..., None, :], out)

    def _back(self, d: np.ndarray, Wb: np.ndarray, out: np.ndarray):
        """(f, args) with f(*args) writing δ @ Wᵀ (W without its bias row) into out."""
        W = Wb[..., :-1, :]
        if self.single:
            return d.dot, (W.T, out)
        if W.shape[-1] == 1:  # one output unit: δ is one number per network
            return np.multiply, (W[..., 0], d, out)
        return np.matmul, (d[..., None, :], W.swapaxes(-1, -2), out[..., None, :])

    def set_data(self, Xa: np.ndarray, y: np.ndarray) -> None:
        """Prepare the training set Xa (N, D + 1; last column 1), y (N,) of 0/1: per row, x @ M
        and the outer product x ⊗ δ as ready callables, and the label: a Python float for one
        network. For K networks the output error signal lr·(ŷ − y)·ŷ(1 − ŷ) is two products,
        since ŷ − y is ŷ for y = 0 and −(1 − ŷ) for y = 1 (exactly: fl(ŷ − 1) = −fl(1 − ŷ)):
        the label becomes the pair (ŷ or 1 − ŷ, lr or −lr)."""
        if self.single:
            labels = y.tolist()
        else:
            labels = [(self.y_hat, self.lr) if t == 0 else (self.q_out, -self.lr) for t in y.tolist()]
        self._rows = [(x.dot, x[:, None].dot, t) for x, t in zip(Xa, labels)]
        self._y = y
        self._prepare_losses(Xa)

    def epoch(self) -> None:
        """One pass of per-sample SGD over the rows given to `set_data`."""
        f, df, lr, P, S, one, multiply = self.f, self.df, self.lr, self.P, self.S, self.one, np.multiply
        forward, backward, single = self._forward, self._backward, self.single
        Wb0, G0, h0, d0_row = self._Wb0, self._G0, self._h0, self._d0_row
        h_last, d_out, y_hat, q_out, s_out = self.h[-1], self.delta[-1], self.y_hat, self.q_out, self.s_out
        Q, subtract, sigmoid_k = self.Q, np.subtract, self.sigmoid and not single
        theta, grad = self.theta, self.grad

        for x_times, x_col_times, t in self._rows:
            # forward
            x_times(Wb0, h0)  # h_1 = [x, 1] @ [W_1; b_1], all K networks in one product
            for h_prev, p_prev, times, args in forward:
                f(h_prev, p_prev)
                times(*args)
            _expit(h_last, y_hat)
            # output error signal, lr folded in: δ_L = lr·(ŷ − y)·ŷ(1 − ŷ), and f'(h) of every
            # hidden layer at once, S, read off P
            if single:  # Python floats: the same IEEE operations, in the same order, as below
                df(P, S, one)
                yh = y_hat.item()
                d_out[0] = ((yh - t) * ((1.0 - yh) * yh)) * lr
            else:
                if sigmoid_k:  # S = (1 − P)·P, keeping 1 − P in Q
                    subtract(one, P, Q)
                    multiply(Q, P, S)
                else:
                    df(P, S, one)
                    subtract(1.0, y_hat, q_out)
                    multiply(q_out, y_hat, s_out)
                y_diff, signed_lr = t  # ŷ − y is ŷ or −(1 − ŷ): see set_data
                multiply(y_diff, s_out, d_out)
                multiply(d_out, signed_lr, d_out)
            # backward
            for outer, outer_args, back, back_args, d_prev, s_l in backward:
                outer(*outer_args)
                back(*back_args)
                multiply(d_prev, s_l, d_prev)
            x_col_times(d0_row, G0)  # [dW_1; db_1] = [x, 1]ᵀ δ_1
            theta -= grad  # every gradient is in: only now does any weight change

    def losses(self) -> np.ndarray:
        """Mean ½(y − ŷ)² over the set given to `set_data`, one per network: (K,)."""
        f, err, out = self.f, self._err, self._loss_out
        for times, args, activation_args in self._loss_plan:  # the forward pass, all rows at once
            times(*args)
            if activation_args is not None:
                f(*activation_args)
        _expit(self._h_out, err)
        np.subtract(err, self._y, err)
        np.vecdot(err, err, out)  # Σ (ŷ − y)² per network
        np.multiply(out, self._half_mean, out)
        return out

    def _prepare_losses(self, Xa: np.ndarray) -> None:
        """Make, once per run, the buffers and products of `losses` for the set Xa (N, D + 1)."""
        n, k, lead, last = len(Xa), self.k, self.P.shape[:-1], len(self.Wb) - 1
        widths = [h.shape[-1] for h in self.h]
        # the first layer for all K networks in one product, as in the step: H_1 is (N, K·c)
        H = [np.zeros((n, k * widths[0]))] + [np.zeros(lead + (n, c)) for c in widths[1:]]
        A = [np.ones(lead + (n, c + 1)) for c in widths[:-1]]  # [p, 1] of each hidden layer
        H_1 = H[0] if self.single else H[0].reshape(n, k, -1).transpose(1, 0, 2)  # (K, N, c)
        plan = [(Xa.dot, (self._Wb0, H[0]), (H_1, A[0][..., :-1]) if last > 0 else None)]
        for l in range(1, last + 1):
            a, Wb = A[l - 1], self.Wb[l]
            times, args = (a.dot, (Wb, H[l])) if self.single else (np.matmul, (a, Wb, H[l]))
            plan.append((times, args, (H[l], A[l][..., :-1]) if l < last else None))
        h_out = (H_1 if last == 0 else H[last])[..., 0]  # the output's h: (K, N), or (N,)
        if self.single:
            h_out = h_out[None, :]
        self._h_out, self._err = h_out, np.zeros(h_out.shape)
        self._loss_out, self._half_mean = np.zeros(len(h_out)), np.array(0.5 / n)
        self._loss_plan = plan

    def finite(self, losses: np.ndarray) -> np.ndarray:
        """Per network: are its weights and its loss all finite? (K,) bools."""
        ok = np.isfinite(losses)
        for Wb in self.Wb:
            ok &= np.isfinite(Wb.reshape(self.k, -1)).all(axis=1)
        return ok

    def write_back(self, networks, theta: np.ndarray) -> None:
        """Copy flat parameters `theta` (laid out like self.theta) into the networks."""
        if self.single:
            networks[0]._theta[...] = theta
            return
        for i, block in enumerate(self._blocks(theta)):
            for net, w in zip(networks, block):
                net._Wb[i][...] = w


# END SOLUTION ONLY


class _ReadableLoop:
    """The same training built only on `Network._sgd_step` and `Network._loss`: slow and plain.

    It is what `train_many` runs when `FAST_ENGINE` is False, for example in the students'
    release, where the fast loop above is taken out and training runs on their own code.
    """

    def __init__(self, networks, lrs: np.ndarray):
        self.networks, self.lrs = networks, [float(lr) for lr in lrs]
        self.k = len(networks)

    @property
    def theta(self) -> np.ndarray:
        return np.concatenate([net._theta for net in self.networks])

    def set_data(self, Xa: np.ndarray, y: np.ndarray) -> None:
        # one (1, D) row and one (1, 1) label per point, made once: the step needs no checks
        self._X, self._y = Xa[:, :-1], y[:, None]
        self._rows = [(self._X[i : i + 1], self._y[i : i + 1]) for i in range(len(Xa))]

    def epoch(self) -> None:
        for x, t in self._rows:
            for net, lr in zip(self.networks, self.lrs):
                net._sgd_step(x, t, lr)

    def losses(self) -> np.ndarray:
        return np.array([net._loss(self._X, self._y) for net in self.networks])

    def finite(self, losses: np.ndarray) -> np.ndarray:
        return np.isfinite(losses) & np.array([np.isfinite(net._theta).all() for net in self.networks])

    def write_back(self, networks, theta: np.ndarray) -> None:
        for net, part in zip(networks, np.split(theta, len(networks))):
            net._theta[...] = part


#: True: train with the fast loop `_Stack`; False: with `_ReadableLoop` (the students' code).
# BEGIN SOLUTION ONLY
# RELEASE: FAST_ENGINE = False
FAST_ENGINE = True
# END SOLUTION ONLY


def train_many(
    networks, X, y, lr=0.8, epochs: int = 1000, *, log_every: int | None = None, progress: bool | None = None
) -> np.ndarray:
    """Train K networks of one shape together by per-sample SGD on the same (X, y).

    Each network ends exactly as if it had been trained alone with
    `Network.fit` (to 1e-12): the K networks only share the Python loop.

    Parameters
    ----------
    networks : list of K `lab.Network` with equal sizes and activation.
    X : (N, D) inputs; y : (N, 1) or (N,) labels 0/1.
    lr : one learning rate for all, or a sequence of K (one per network).
    epochs : number of passes over the data (>= 0).
    log_every : print `epoch: E loss: L` every that many epochs (single network only).
    progress : show a tqdm progress bar; None shows it for long runs.

    Returns the loss over the whole set after each epoch, shape (K, epochs).
    Raises `DivergedError`, naming the learning rate, if the numbers stop being
    finite; every network then keeps its weights of the last finite epoch.
    """
    networks = _check_networks(networks)
    n_in = networks[0].sizes[0]
    X = check_X(X, n_in)
    y = check_y(y, len(X))
    lrs = _check_lrs(lr, len(networks))
    epochs = check_int(epochs, "epochs", minimum=0)
    check_before_training(networks, X, epochs)
    if log_every is not None:
        log_every = check_int(log_every, "log_every", minimum=1)
        if len(networks) != 1:
            raise ValueError(f"log_every works with a single network; got {len(networks)} networks")
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {progress!r}")
    if progress is None:
        progress = epochs * len(X) >= _PROGRESS_UPDATES

    stack = (_Stack if FAST_ENGINE else _ReadableLoop)(networks, lrs)
    Xa = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    y = y[:, 0].copy()
    stack.set_data(Xa, y)
    history = np.zeros((len(networks), epochs))
    last_finite = stack.theta.copy()
    epoch_range = range(1, epochs + 1)
    if progress:
        from tqdm.auto import tqdm

        epoch_range = tqdm(epoch_range, desc="epochs", leave=False)
    with np.errstate(all="ignore"):  # divergence is detected below, not warned about
        for epoch in epoch_range:
            stack.epoch()
            losses = stack.losses()
            # one cheap sum per epoch: it is finite when every weight and loss is (or when
            # it overflowed, which the exact check below then tells apart)
            if not math.isfinite(float(np.add.reduce(losses)) + float(np.add.reduce(stack.theta))) and not (
                np.isfinite(losses).all() and np.isfinite(stack.theta).all()
            ):
                rate = lrs[np.argmin(stack.finite(losses))]
                stack.write_back(networks, last_finite)
                raise DivergedError(
                    f"training diverged in epoch {epoch}: the numbers stopped being finite. "
                    f"The learning rate lr={rate:g} is too large; try a smaller one. "
                    f"The weights are left as they were after epoch {epoch - 1}."
                )
            np.copyto(last_finite, stack.theta)
            history[:, epoch - 1] = losses
            if log_every is not None and epoch % log_every == 0:
                print(f"epoch: {epoch} loss: {losses[0]:.4g}")
    stack.write_back(networks, stack.theta)
    return history
