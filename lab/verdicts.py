"""Verdicts on training runs: converged, plateau, bug plateau, saturated, stuck, learning, diverged.

The report's discussion, in plain sentences: too small a learning rate stays on the 0.125
plateau (every output ≈ 0.5), 0.8 converges, very large rates saturate the sigmoids and training
stalls.

* `diagnose` — the verdict on one trained network;
* `train_band` — one rate, a band of seeds trained together by `lab.train_many`, judged;
* `compare_learning_rates` / `plot_comparison` — several rates at once (rates × seeds in one
  `train_many` call), and their static figure;
* `first_epoch_below` and `size` — two measurements the notebooks take of runs: when a loss
  curve first drops below a level, and the length of a gradient (or of the weights);
* `check_answer` — the verdict on a student's answer to a notebook's question.

No widgets here (the live explorer is `lab.widgets`). The net is always the report's 2-4-4-1
sigmoid net; the data are the report's: the 21 XOR points, or 100 linear points drawn with
`lab.SEED`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import SEED
from ._checks import (
    MAX_NETWORKS,
    check_choice,
    check_finite,
    check_finite_weights,
    check_int,
    check_lr,
    check_real,
    check_real_array,
    check_run_size,
    check_str,
    check_X,
    check_y,
    show,
)
from .data import EXPLORER_EPOCHS, generate_linear, generate_xor_easy
from .engine import DivergedError
from .network import Network, train_many
from .plotting import _check_axes_list, plot_loss

DATASETS = ("xor", "linear")

PLATEAU = 0.125  # ½ (y − 0.5)² for every point: the loss when every output is 0.5
CONVERGED_LOSS = 0.01  # converged: loss below this and accuracy >= CONVERGED_ACCURACY
CONVERGED_ACCURACY = 0.99
SATURATED = 0.01  # a hidden sigmoid is saturated where σ'(h) = p(1 − p) < this (p < 0.0101 or > 0.9899)
PINNED = 0.9  # the report's bug pins every sigmoid of the last hidden layer above this (notebook 04)

VERDICTS = ("converged", "plateau", "bug plateau", "saturated", "stuck", "learning", "diverged", "error")


def load_data(data: str) -> tuple[np.ndarray, np.ndarray]:
    """The explorer's data: "xor" (the report's 21 points) or "linear" (100 points, seed lab.SEED)."""
    check_choice(data, "data", DATASETS)
    return generate_xor_easy() if data == "xor" else generate_linear(100, seed=SEED)


@dataclass(frozen=True, eq=False)
class Result:
    """What one training run (a band of seeds at one learning rate) came to.

    `loss`, `accuracy` and `verdict` are those of the first seed (the one drawn);
    `histories` (n_seeds, epochs) holds every seed's loss after each epoch.
    """

    lr: float
    data: str
    epochs: int
    seeds: tuple[int, ...]
    verdict: str  # one of VERDICTS
    message: str  # the plain sentence shown beside the plot
    loss: float  # final loss (nan when diverged)
    accuracy: float  # training accuracy (nan when diverged)
    saturation: float  # fraction of hidden sigmoids with σ'(h) < SATURATED, over all points
    histories: np.ndarray
    verdicts: tuple[str, ...]  # the verdict of every seed, in the order of `seeds`
    networks: tuple[Network, ...]  # the trained networks, in the order of `seeds`

    def __post_init__(self):
        check_lr(self.lr)
        check_choice(self.data, "data", DATASETS)
        check_int(self.epochs, "epochs", minimum=1)
        if not isinstance(self.seeds, tuple) or not self.seeds:
            raise TypeError(f"seeds must be a non-empty tuple of integers, got {show(self.seeds)}")
        for i, seed in enumerate(self.seeds):
            check_int(seed, f"seeds[{i}]", minimum=0)
        check_choice(self.verdict, "verdict", VERDICTS)
        check_str(self.message, "message")
        for name in ("loss", "accuracy", "saturation"):
            check_real(getattr(self, name), name, finite=False)
        if not isinstance(self.histories, np.ndarray) or self.histories.ndim != 2:
            raise TypeError(f"histories must be a 2-D array (seeds, epochs), got {show(self.histories)}")
        check_real_array(self.histories, "histories")
        if not isinstance(self.verdicts, tuple) or not self.verdicts:
            raise TypeError(f"verdicts must be a non-empty tuple of verdicts, got {show(self.verdicts)}")
        for i, verdict in enumerate(self.verdicts):
            check_choice(verdict, f"verdicts[{i}]", VERDICTS)
        if not isinstance(self.networks, tuple) or not all(isinstance(n, Network) for n in self.networks):
            raise TypeError(f"networks must be a tuple of lab.Network, got {show(self.networks)}")

    @property
    def converged(self) -> int:
        """How many of the seeds converged."""
        return self.verdicts.count("converged")

    @property
    def tally(self) -> str:
        """The seeds' verdicts counted, e.g. "6 converged, 2 stuck"."""
        return _tally(self.verdicts)

    @property
    def history(self) -> np.ndarray:
        """The first seed's loss after each epoch, (epochs,)."""
        return self.histories[0]


def _hidden_saturation(net: Network, X: np.ndarray) -> float:
    ps = net._forward(X)[1:-1]  # hidden activations p, each (N, width)
    if not ps or net.activation != "sigmoid":
        return 0.0
    p = np.concatenate([a.ravel() for a in ps])
    return float(np.mean(p * (1.0 - p) < SATURATED))


def diagnose(net: Network, X, y, history, lr: float) -> tuple[str, str]:
    """The verdict on a trained `net`: (verdict, one plain sentence naming `lr`).

    X (N, 2), y (N, 1) labels 0/1, history (epochs,) its loss after each epoch.
    Verdicts, tried in this order: "converged" (loss < 0.01, accuracy >= 99%),
    "plateau" (every output ≈ 0.5, loss near 0.125: below lr 1 the rate is too small for the
    epochs; above, more epochs, or a smaller rate if the output saturates first),
    "bug plateau" (the same, but every sigmoid of the last hidden layer pinned near 1 on every
    point, so that the output weights act as biases: the plateau of the report's update order,
    0.127 with ŷ ≈ 0.55 at lr 0.8 where the honest one is 0.1248 with ŷ ≈ 0.49; suspect the
    update order first),
    "saturated" (the output sigmoid, or most hidden ones, pinned at 0 or 1: the rate
    is too large), "learning" (the loss fell by more than 1% over the last fifth of
    the epochs), "stuck" (the loss stopped falling off the plateau: in notebook 04 the mirror
    band, a saddle that training on usually leaves, not a local minimum).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be a lab.Network, got {type(net).__name__}")
    check_finite_weights([net], name=None)
    X = check_X(X, net.sizes[0])
    y = check_y(y, len(X))
    history = check_real_array(history, "history")
    if history.ndim != 1 or len(history) == 0:
        raise ValueError(f"history must be 1-D with one loss per epoch (at least one), got {history.shape}")
    check_finite(history, "history")
    lr = check_lr(lr)

    y_hat = net.forward(X)
    loss, acc, epochs = float(history[-1]), net.accuracy(X, y), len(history)
    mean, spread, saturation = float(np.mean(y_hat)), float(np.ptp(y_hat)), _hidden_saturation(net, X)
    head = f"lr = {lr:.3g}:"
    tail = f"loss {loss:.4g}, accuracy {acc:.1%} after {epochs} epochs"
    if loss < CONVERGED_LOSS and acc >= CONVERGED_ACCURACY:
        return "converged", f"{head} converges — {tail}."
    if spread < 0.2 and abs(mean - 0.5) < 0.15 and loss > 0.1:
        best = float(np.mean(0.5 * (y - y.mean()) ** 2))  # the best constant output's loss
        if net.activation == "sigmoid" and net.n_layers > 1 and net._forward(X)[-2].min() > PINNED:
            return "bug plateau", (
                f"{head} stays on a plateau at {loss:.4g} (the best constant output gives {best:.4g}) — "
                f"every output is ≈ {mean:.2f} and every sigmoid of the last hidden layer is pinned near 1, "
                f"so the output weights act as one more bias: {tail}. That is the plateau of the report's "
                "update order (notebook 04): suspect the update order before the rate."
            )
        advice = (
            f"The rate is too small for {epochs} epochs: more epochs or a larger rate will leave it."
            if lr < 1
            else "More epochs will leave it, unless the rate is so large that the output sigmoid "
            "saturates first (notebook 05): then a smaller one."
        )
        return (
            "plateau",
            f"{head} stays on the {PLATEAU} plateau — every output is ≈ {mean:.2f}, {tail}. {advice}",
        )
    if spread < 0.2:  # every output the same, far from 0.5: the output sigmoid is pinned at 0 or 1
        return "saturated", (
            f"{head} too large — the output sigmoid saturates: every output is ≈ {mean:.2f}, "
            f"σ′ ≈ 0, the gradients vanish and training stalls: {tail}."
        )
    if saturation >= 0.5:
        return "saturated", (
            f"{head} too large — {saturation:.0%} of the hidden sigmoids saturate (σ′ ≈ 0), "
            f"their gradients vanish and training stalls: {tail}."
        )
    if loss < 0.99 * history[int(0.8 * (epochs - 1))]:  # fell by > 1% over the last fifth
        return "learning", f"{head} still learning — {tail}, and the loss still falls: give it more epochs."
    return "stuck", (
        f"{head} stuck — the loss has stopped falling, off the 0.125 plateau: {tail}. Often the mirror "
        "band of notebook 04, a saddle rather than a minimum: more epochs usually leave it, "
        "or try another seed."
    )


def _tally(verdicts: Sequence[str]) -> str:
    """("converged", "stuck", "converged") -> "2 converged, 1 stuck", in the order of VERDICTS."""
    return ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if v in verdicts)


def _outcome(nets, X, y, histories, lr, data, seeds) -> Result:
    judged = [diagnose(net, X, y, h, lr) for net, h in zip(nets, histories)]
    verdicts = tuple(verdict for verdict, _ in judged)
    message = judged[0][1]
    if len(nets) > 1:
        message += f" Seeds {seeds[0]}–{seeds[-1]}: {_tally(verdicts)}."
    return Result(
        lr=lr,
        data=data,
        epochs=histories.shape[1],
        seeds=tuple(seeds),
        verdict=verdicts[0],
        message=message,
        loss=float(histories[0, -1]),
        accuracy=nets[0].accuracy(X, y),
        saturation=_hidden_saturation(nets[0], X),
        histories=histories,
        verdicts=verdicts,
        networks=tuple(nets),
    )


def _diverged(exc: DivergedError, nets, lr, data, epochs, seeds) -> Result:
    return Result(
        lr=lr,
        data=data,
        epochs=epochs,
        seeds=tuple(seeds),
        verdict="diverged",
        message=f"lr = {lr:.3g}: diverged — {exc}",
        loss=math.nan,
        accuracy=math.nan,
        saturation=math.nan,
        histories=np.full((len(seeds), epochs), np.nan),
        verdicts=("diverged",) * len(seeds),
        networks=tuple(nets),
    )


def train_band(
    lr: float, data: str = "xor", epochs: int | None = None, seeds: Sequence[int] = (SEED,)
) -> Result:
    """Train the 2-4-4-1 sigmoid net from each seed at one rate (the networks are in the Result).

    One `lab.train_many` call trains all seeds together. A diverging run gives the
    verdict "diverged" and its message, not an exception.
    """
    lr = check_lr(lr)
    X, y = load_data(data)
    epochs = EXPLORER_EPOCHS[data] if epochs is None else check_int(epochs, "epochs", minimum=1)
    seeds = _check_seeds(seeds)
    check_run_size(len(seeds), epochs, len(X))
    nets = [Network(seed=s) for s in seeds]
    try:
        histories = train_many(nets, X, y, lr=lr, epochs=epochs, progress=False)
    except DivergedError as exc:
        return _diverged(exc, nets, lr, data, epochs, seeds)
    return _outcome(nets, X, y, histories, lr, data, seeds)


def _check_seeds(seeds, n_rates: int = 1) -> tuple[int, ...]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (Sequence, range)) or len(seeds) == 0:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {show(seeds)}")
    if len(seeds) * n_rates > MAX_NETWORKS:
        raise ValueError(
            f"seeds must be at most {MAX_NETWORKS // n_rates} for {n_rates} rate(s) (one network per rate "
            f"and seed, lab._checks.MAX_NETWORKS = {MAX_NETWORKS}), got {len(seeds)}"
        )
    return tuple(check_int(s, f"seeds[{i}]", minimum=0) for i, s in enumerate(seeds))


def compare_learning_rates(
    rates: Sequence[float] = (0.001, 0.01, 0.1, 0.8, 3.0, 10.0),
    data: str = "xor",
    epochs: int | None = None,
    seeds: Sequence[int] = tuple(range(SEED, SEED + 8)),
) -> list[Result]:
    """Train every rate from every seed — rates × seeds networks in one `train_many` call.

    Returns one `Result` per rate, in order; each one's verdict is that of its first seed.
    If some rate diverges, the rates are retrained one by one so that only it says so.
    """
    if isinstance(rates, (str, bytes)) or not isinstance(rates, Sequence) or len(rates) == 0:
        raise TypeError(f"rates must be a non-empty sequence of learning rates, got {show(rates)}")
    if len(rates) > MAX_NETWORKS:
        raise ValueError(f"rates must hold at most {MAX_NETWORKS} learning rates, got {len(rates)}")
    rates = [check_lr(r, f"rates[{i}]") for i, r in enumerate(rates)]
    X, y = load_data(data)
    epochs = EXPLORER_EPOCHS[data] if epochs is None else check_int(epochs, "epochs", minimum=1)
    seeds = _check_seeds(seeds, len(rates))
    check_run_size(len(rates) * len(seeds), epochs, len(X))

    nets = [Network(seed=s) for _ in rates for s in seeds]
    try:
        histories = train_many(
            nets, X, y, lr=[r for r in rates for _ in seeds], epochs=epochs, progress=False
        )
    except DivergedError:
        return [train_band(r, data, epochs, seeds) for r in rates]
    k = len(seeds)
    return [
        _outcome(nets[i * k : (i + 1) * k], X, y, histories[i * k : (i + 1) * k], r, data, seeds)
        for i, r in enumerate(rates)
    ]


def plot_comparison(results: Sequence[Result], axes=None):
    """Left: each rate's loss curve (first seed, log scale); right: final loss against rate
    (the first seed as a dot, the band of seeds as a bar). Returns the Figure."""
    if isinstance(results, Result) or not isinstance(results, Sequence) or len(results) == 0:
        raise TypeError("results must be a non-empty list of lab.verdicts.Result")
    if not all(isinstance(r, Result) for r in results):
        raise TypeError("results must hold lab.verdicts.Result objects (from compare_learning_rates)")
    axes = _check_axes_list(axes, 2, "loss curves, final losses")
    if axes is None:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    else:
        fig = axes[0].figure
    ax_curves, ax_final = axes
    for r in results:
        if r.verdict != "diverged":
            plot_loss(r.history, ax=ax_curves, label=f"lr = {r.lr:.3g}: {r.verdict}")
    ax_curves.axhline(PLATEAU, color="grey", ls=":", lw=1)
    ax_curves.set_title(f"Loss per epoch, seed {results[0].seeds[0]}")
    ax_curves.legend(fontsize=8)
    shown = [r for r in results if r.verdict != "diverged"]
    lrs = np.array([r.lr for r in shown])
    finals = np.array([r.histories[:, -1] for r in shown])  # (rates, seeds)
    ax_final.fill_between(lrs, finals.min(axis=1), finals.max(axis=1), alpha=0.2, label="all seeds: min–max")
    ax_final.plot(lrs, finals[:, 0], "o-", label=f"seed {results[0].seeds[0]}")
    ax_final.axhline(PLATEAU, color="grey", ls=":", lw=1, label="0.125 plateau")
    ax_final.set_xscale("log")
    ax_final.set_yscale("log")
    ax_final.set_xlabel("learning rate lr")
    ax_final.set_ylabel(f"loss after {results[0].epochs} epochs")
    ax_final.set_title("Too small, right, too large")
    ax_final.legend(fontsize=8)
    return fig


def first_epoch_below(histories, threshold: float) -> np.ndarray:
    """The first epoch (counted from 1) whose loss is below `threshold`, per loss curve.

    `histories` is one curve (epochs,) or several (k, epochs), as `fit` and `train_many`
    return them; the result is a float array of shape () or (k,), `inf` where a curve never
    drops below `threshold` (so a median counts it as waiting longer than the run).
    """
    h = check_real_array(histories, "histories")
    if h.ndim not in (1, 2) or h.shape[-1] == 0:
        raise ValueError(
            f"histories must have shape (epochs,) or (k, epochs) with epochs >= 1, got {h.shape}"
        )
    check_finite(h, "histories")
    threshold = check_real(threshold, "threshold")
    below = h < threshold
    first = np.where(below.any(axis=-1), 1 + np.argmax(below, axis=-1), np.inf)
    return np.asarray(first, dtype=float)


def size(arrays) -> float:
    """The length of all `arrays` together as one long vector: sqrt(Σ a²) over every entry.

    `arrays` is a non-empty list of arrays, e.g. `net.gradients(X, y)` or `net.parameters()`.
    """
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence) or isinstance(arrays, str):
        raise TypeError(f"arrays must be a list of arrays (e.g. net.gradients(X, y)), got {show(arrays)}")
    if len(arrays) == 0:
        raise ValueError("arrays must hold at least one array, got none")
    checked = [check_real_array(a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    for i, a in enumerate(checked):  # every type first, as before: a TypeError wins over a NaN
        check_finite(a, f"arrays[{i}]")
    return float(np.sqrt(sum(float(np.sum(a**2)) for a in checked)))


def check_answer(question, answer, truth, rel: float = 0.01) -> bool | None:
    """Print, and return, the verdict on `answer` to notebook question `question`.

    `truth` is what the notebook's experiment found: a word ("more", "yes", ...) or a number.
    A word answer is right when it is that word (case and surrounding spaces ignored); a number
    answer when it is within `rel` of `truth` relatively (within `rel` absolutely when `truth`
    is 0). `answer` None means not answered yet: that is printed, and None returned, so a
    notebook whose answers are still empty runs cleanly. Returns True (right) or False.
    """
    if not isinstance(question, (int, str)) or isinstance(question, bool):
        raise TypeError(f"question must be a question number or name, got {show(question)}")
    if isinstance(question, int) and question < 1:
        raise ValueError(f"question must be >= 1, got {question}")
    if isinstance(question, str) and not question.strip():
        raise ValueError("question must not be an empty name")
    rel = check_real(rel, "rel")
    if not 0 <= rel < 1:
        raise ValueError(f"rel must be in [0, 1), got {rel!r}")
    if isinstance(truth, str):
        if not truth.strip():
            raise ValueError("truth must not be an empty word")
    else:
        truth = check_real(truth, "truth")
    if answer is None:
        print(f"question {question}: not answered yet (write your answer in the cell above)")
        return None
    if isinstance(truth, str):
        if not isinstance(answer, str):
            raise TypeError(f"answer must be a word such as {truth!r} (in quotes), got {show(answer)}")
        right = answer.strip().lower() == truth.strip().lower()
    else:
        if isinstance(answer, str):
            raise TypeError(f"answer must be a number, not the text {answer!r}")
        answer = check_real(answer, "answer")
        right = abs(answer - truth) <= rel * (abs(truth) if truth != 0 else 1.0)
    verdict = "right" if right else "not yet: look again"
    print(f"question {question}: {verdict} (your answer: {answer!r})")
    return right
