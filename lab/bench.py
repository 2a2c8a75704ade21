"""Benchmark: how fast is per-sample SGD in `lab`, against the implementations a student knows?

    python -m lab.bench [--repeats 5] [--quick]

In one process, on the same data and seed, it times (median over repeats):

* lab's per-sample SGD (`Network.fit`) on XOR (2000 epochs) and linear data (1000 epochs);
* a deliberately naive, student-style numpy loop, kept below as the baseline;
* PyTorch per-sample and full-batch, when torch is installed (optional);
* 16 networks trained together by `lab.train_many`, against one;
* the learning-rate slider's response: `LearningRateExplorer` retraining its band of
  8 seeds (XOR, 1000 epochs) and redrawing its figure, as when the slider moves;

and prints one table, with ratios against each baseline, the issue's speed targets
as met or not, and the machine it ran on.
Figures of speed live here, not in timed tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

from . import SEED
from .data import generate_linear, generate_xor_easy
from .network import Network, glorot_bound, train_many


# --------------------------------------------------------------------------- the naive baseline
class NaiveNet:
    """A typical first numpy implementation, as in the report: correct, but wasteful.

    Lists of weights, a fresh array for every intermediate, the sigmoid recomputed for
    its derivative, np.outer per layer, and the loss computed sample by sample.
    """

    def __init__(self, sizes=(2, 4, 4, 1), seed=0):
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            u = glorot_bound(fan_in, fan_out)
            self.weights.append(rng.uniform(-u, u, size=(fan_in, fan_out)))
            self.biases.append(np.zeros(fan_out))

    def sigmoid(self, h):
        return 1.0 / (1.0 + np.exp(-h))

    def derivative_sigmoid(self, h):
        return self.sigmoid(h) * (1.0 - self.sigmoid(h))

    def train(self, X, y, lr, epochs):
        losses = []
        for _ in range(epochs):
            for x, t in zip(X, y):
                hs, ps = [], [x]
                for W, b in zip(self.weights, self.biases):
                    hs.append(np.dot(ps[-1], W) + b)
                    ps.append(self.sigmoid(hs[-1]))
                delta = -(t - ps[-1]) * self.derivative_sigmoid(hs[-1])
                grads = []
                for layer in reversed(range(len(self.weights))):
                    grads.append((np.outer(ps[layer], delta), delta))
                    if layer > 0:
                        delta = np.dot(self.weights[layer], delta) * self.derivative_sigmoid(hs[layer - 1])
                for (dW, db), layer in zip(grads, reversed(range(len(self.weights)))):
                    self.weights[layer] = self.weights[layer] - lr * dW
                    self.biases[layer] = self.biases[layer] - lr * db
            total = 0.0
            for x, t in zip(X, y):
                p = x
                for W, b in zip(self.weights, self.biases):
                    p = self.sigmoid(np.dot(p, W) + b)
                total += float(0.5 * (t[0] - p[0]) ** 2)
            losses.append(total / len(X))
        return losses


# --------------------------------------------------------------------------- PyTorch, if present
def _torch_runs(X, y, lr, epochs):
    """Per-sample and full-batch PyTorch training of the same net; None if torch is missing."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def make():
        torch.manual_seed(SEED)
        layers = []
        for fan_in, fan_out in zip((2, 4, 4), (4, 4, 1)):
            layers += [torch.nn.Linear(fan_in, fan_out, dtype=torch.float64), torch.nn.Sigmoid()]
        return torch.nn.Sequential(*layers)

    Xt = torch.tensor(X)
    yt = torch.tensor(y, dtype=torch.float64)

    def per_sample():
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        for _ in range(epochs):
            for i in range(len(Xt)):
                opt.zero_grad()
                loss = 0.5 * ((model(Xt[i : i + 1]) - yt[i : i + 1]) ** 2).mean()
                loss.backward()
                opt.step()
            with torch.no_grad():
                _ = float(0.5 * ((model(Xt) - yt) ** 2).mean())

    def full_batch():
        model = make()
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        for _ in range(epochs):
            opt.zero_grad()
            loss = 0.5 * ((model(Xt) - yt) ** 2).mean()
            loss.backward()
            opt.step()

    return torch.__version__, per_sample, full_batch


# --------------------------------------------------------------------------- timing
def _median_times(fns: dict, repeats: int, best: dict) -> dict:
    """Median seconds of each function, the functions taking turns in every round, so that
    a machine whose speed drifts slows every row alike and the ratios stay fair. The
    fastest round of each goes into `best`."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    best.update({name: min(ts) for name, ts in times.items()})
    return {name: statistics.median(ts) for name, ts in times.items()}


def _pin(cpu: int | None, parser) -> str:
    """Run on one CPU, so that every row runs on the same core: a process the OS moves
    between cores (one of them busier with interrupts or other work) times unevenly."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned to a CPU (not supported here)"
    allowed = sorted(os.sched_getaffinity(0))
    if cpu == -1:
        return "not pinned to a CPU"
    if cpu is None:
        cpu = allowed[-1]
    if cpu not in allowed:
        parser.error(f"--cpu must be one of {allowed} or -1, got {cpu}")
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, {platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per row (median)")
    parser.add_argument(
        "--quick", action="store_true", help="1/100 of the epochs: a smoke test, not a measurement"
    )
    parser.add_argument(
        "--cpu",
        type=int,
        default=None,
        help="the CPU to run on (default: the last one; -1: let the OS move the process)",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    cpu_note = _pin(args.cpu, parser)
    scale = 100 if args.quick else 1

    X_xor, y_xor = generate_xor_easy()
    X_lin, y_lin = generate_linear(100, seed=SEED)
    xor_epochs, lin_epochs, lr = 2000 // scale, 1000 // scale, 0.8
    xor_updates, lin_updates = xor_epochs * len(X_xor), lin_epochs * len(X_lin)

    def lab_xor():
        Network(seed=SEED).fit(X_xor, y_xor, lr=lr, epochs=xor_epochs)

    def lab_lin():
        Network(seed=SEED).fit(X_lin, y_lin, lr=lr, epochs=lin_epochs)

    def naive_xor():
        NaiveNet(seed=SEED).train(X_xor, y_xor, lr, xor_epochs)

    def naive_lin():
        NaiveNet(seed=SEED).train(X_lin, y_lin, lr, lin_epochs)

    k = 16

    def many_xor():
        train_many([Network(seed=s) for s in range(k)], X_xor, y_xor, lr=lr, epochs=xor_epochs)

    from .widgets import LearningRateExplorer

    # the slider notebook's explorer (--quick: 50 epochs, its least)
    explorer = LearningRateExplorer(epochs=max(50, 1000 // scale))
    slider_rates = iter([0.3, 0.8] * (args.repeats + 1))

    def slider():
        explorer.lr.value = next(slider_rates)  # the observer retrains and redraws, as in the browser

    lab_xor()  # warm up imports and caches
    t, best = {}, {}
    naive_repeats = max(1, min(args.repeats, 3))
    t.update(
        _median_times(
            {"lab_xor": lab_xor, "naive_xor": naive_xor, "many_xor": many_xor, "slider": slider},
            args.repeats,
            best,
        )
    )
    t.update(_median_times({"lab_lin": lab_lin, "naive_lin": naive_lin}, naive_repeats, best))

    torch_runs = _torch_runs(X_xor, y_xor, lr, xor_epochs // 10)
    torch_note = "PyTorch: not installed (pip install torch to add its rows)"
    if torch_runs is not None:
        version, per_sample, full_batch = torch_runs
        torch_note = (
            f"PyTorch {version}, 1 thread, {xor_epochs // 10} epochs timed and scaled to {xor_epochs}"
        )
        timed = _median_times(
            {"torch_sample_xor": per_sample, "torch_batch_xor": full_batch}, naive_repeats, best
        )
        for key, seconds in timed.items():  # a tenth of the epochs was timed
            t[key], best[key] = seconds * 10, best[key] * 10

    slider_updates = explorer.n_seeds * explorer.epochs.value * len(X_xor)
    rows = [  # (label, key in t, updates per run)
        ("lab, per-sample SGD, XOR (2000 ep.)", "lab_xor", xor_updates),
        ("lab, per-sample SGD, linear (1000 ep.)", "lab_lin", lin_updates),
        ("naive numpy, XOR", "naive_xor", xor_updates),
        ("naive numpy, linear", "naive_lin", lin_updates),
    ]
    if "torch_sample_xor" in t:
        rows.append(("PyTorch per-sample, XOR", "torch_sample_xor", xor_updates))
        rows.append(("PyTorch full-batch, XOR (µs / epoch)", "torch_batch_xor", xor_epochs))
    rows.append((f"lab.train_many, {k} nets, XOR", "many_xor", xor_updates))
    rows.append(("slider: retrain 8 nets + redraw", "slider", slider_updates))

    print(f"machine: {_machine()}; {cpu_note}")
    print(f"{torch_note}; median of {args.repeats} rounds (linear, PyTorch: {naive_repeats}), the runs")
    print("of a row's group taking turns in every round; 'fastest': the fastest round")
    if args.quick:
        print(f"--quick: epochs divided by {scale}")
    print()
    print(f"| {'run':40s} | {'s / run':>9s} | {'fastest':>9s} | {'µs / update':>11s} |")
    print(f"|{'-' * 42}|{'-' * 10}:|{'-' * 10}:|{'-' * 12}:|")
    for name, key, updates in rows:
        print(f"| {name:40s} | {t[key]:9.3f} | {best[key]:9.3f} | {t[key] / updates * 1e6:11.2f} |")
    print()
    print("ratios (measured in this run):")
    print(f"  lab vs naive numpy, per update, XOR:     {t['naive_xor'] / t['lab_xor']:6.1f}x faster")
    print(f"  lab vs naive numpy, per update, linear:  {t['naive_lin'] / t['lab_lin']:6.1f}x faster")
    if "torch_sample_xor" in t:
        print(
            f"  lab vs PyTorch per-sample, XOR:          {t['torch_sample_xor'] / t['lab_xor']:6.1f}x faster"
        )
        print(
            f"  lab vs PyTorch full-batch, XOR (per epoch, not the same algorithm): "
            f"{t['torch_batch_xor'] / t['lab_xor']:.1f}x"
        )
    print(f"  {k} networks together vs one alone:      {t['many_xor'] / t['lab_xor']:6.2f}x the time")
    print(
        f"  the report's XOR run (2000 epochs):      {t['lab_xor'] * scale:6.3f} s"
        f" (fastest round {best['lab_xor'] * scale:.3f} s)"
    )
    print(
        f"  the slider's response (retrain + redraw): {t['slider']:6.3f} s"
        f" (fastest round {best['slider']:.3f} s)"
    )
    print()
    print("targets (issue 4):" + ("  [--quick: not a measurement]" if args.quick else ""))
    targets = [
        ("lab >= 7x the naive loop, XOR", t["naive_xor"] / t["lab_xor"] >= 7),
        ("lab >= 7x the naive loop, linear", t["naive_lin"] / t["lab_lin"] >= 7),
    ]
    if "torch_sample_xor" in t:
        targets.append(("lab >= 40x PyTorch per-sample", t["torch_sample_xor"] / t["lab_xor"] >= 40))
    targets += [
        ("the XOR run <= 0.5 s", t["lab_xor"] * scale <= 0.5),
        ("the slider's response <= 1 s", t["slider"] <= 1.0),
        (f"{k} networks <= 2x the time of one", t["many_xor"] / t["lab_xor"] <= 2),
    ]
    for name, met in targets:
        print(f"  {name:38s} {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
