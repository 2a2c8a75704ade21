"""Benchmark: how fast is per-sample SGD in `lab`, against the implementations a student knows?

    python -m instructor.bench [--repeats 5] [--quick]

In one process, on the same data and seed, it times (median over repeats):

* lab's per-sample SGD (`Network.fit`, the compiled kernel) on XOR (2000 epochs) and
  linear data (1000 epochs), and the same on the readable numpy loop (`LAB_ENGINE=python`);
* a deliberately naive, student-style numpy loop, kept below as the baseline;
* PyTorch per-sample and full-batch, when torch is installed (optional);
* K = 1, 16, 256 and 1000 networks trained together by `lab.train_many` on all cores;
* the learning-rate slider's response: `LearningRateExplorer` retraining its band of
  8 seeds (XOR, 1000 epochs) and redrawing its figure, as when the slider moves, split
  into training and drawing;
* a fresh process's first training call (the kernel loaded from numba's on-disk cache):
  the median of one new process per repeat, after one that fills the cache;

and prints one table, with ratios against each baseline, the speed targets as met or
not, and the machine it ran on. Single-network rows run pinned to one CPU; the rows of
K networks use every CPU the process may run on.
Figures of speed live here, not in timed tests: they depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

from lab import SEED, engine
from lab.data import generate_linear, generate_xor_easy
from lab.network import Network, glorot_bound, train_many


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


_FRESH = """
import time
start = time.perf_counter()
import lab
imported = time.perf_counter()
X, y = lab.generate_xor_easy()
lab.Network(seed=2).fit(X, y, epochs=1)
lab.train_many([lab.Network(seed=s) for s in range(2)], X, y, epochs=1)
print(imported - start, time.perf_counter() - imported, lab.engine.ENGINE)
"""


def _fresh_process() -> tuple[float, float, str]:
    """(import lab, first fit + first train_many, engine) in seconds, in a new process."""
    out = subprocess.run(
        [sys.executable, "-c", _FRESH], capture_output=True, text=True, timeout=600, check=True
    )
    imported, first, name = out.stdout.split()
    return float(imported), float(first), name


class _AllCpus:
    """Let the calling thread run on every CPU it may use, for the rows of K networks."""

    def __enter__(self):
        self.saved = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        if self.saved is not None:
            os.sched_setaffinity(0, self.allowed)

    def __exit__(self, *exc):
        if self.saved is not None:
            os.sched_setaffinity(0, self.saved)

    allowed = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m instructor.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per row (median)")
    parser.add_argument(
        "--quick", action="store_true", help="1/100 of the epochs: a smoke test, not a measurement"
    )
    parser.add_argument(
        "--cpu",
        type=int,
        default=None,
        help="the CPU to run single-network rows on (default: the last one; -1: let the OS move the process)",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    scale = 100 if args.quick else 1

    X_xor, y_xor = generate_xor_easy()
    X_lin, y_lin = generate_linear(100, seed=SEED)
    xor_epochs, lin_epochs, lr = 2000 // scale, 1000 // scale, 0.8
    xor_updates, lin_updates = xor_epochs * len(X_xor), lin_epochs * len(X_lin)
    readable_epochs = max(1, xor_epochs // 10)  # the readable loop: a tenth, scaled up

    _fresh_process()  # warms numba's cache, so the processes timed next load the kernel from it
    fresh = [_fresh_process() for _ in range(args.repeats)]
    fresh_engine = fresh[0][2]
    fresh_import = float(np.median([run[0] for run in fresh]))
    fresh_first = float(np.median([run[1] for run in fresh]))

    def lab_xor():
        Network(seed=SEED).fit(X_xor, y_xor, lr=lr, epochs=xor_epochs)

    def lab_lin():
        Network(seed=SEED).fit(X_lin, y_lin, lr=lr, epochs=lin_epochs)

    def readable_xor():
        saved, engine.ENGINE = engine.ENGINE, "python"
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # its "training runs on ..." note
                Network(seed=SEED).fit(X_xor, y_xor, lr=lr, epochs=readable_epochs)
        finally:
            engine.ENGINE = saved

    def naive_xor():
        NaiveNet(seed=SEED).train(X_xor, y_xor, lr, xor_epochs)

    def naive_lin():
        NaiveNet(seed=SEED).train(X_lin, y_lin, lr, lin_epochs)

    def many(k):
        nets = [Network(seed=s) for s in range(k)]

        def run():
            with _AllCpus():
                train_many(nets, X_xor, y_xor, lr=lr, epochs=xor_epochs, progress=False)

        return run

    from lab.widgets import LearningRateExplorer

    # the slider notebook's explorer (--quick: 50 epochs, its least)
    explorer = LearningRateExplorer(epochs=max(50, 1000 // scale))
    slider_rates = iter([0.3, 0.8] * (args.repeats + 1))
    split = {"train": [], "draw": []}

    def slider():
        explorer.lr.value = next(slider_rates)  # the observer retrains and redraws, as in the browser
        split["train"].append(explorer.train_seconds)
        split["draw"].append(explorer.draw_seconds)

    with _AllCpus():
        train_many([Network(seed=s) for s in range(2)], X_xor, y_xor, epochs=1)  # threads on every CPU
    cpu_note = _pin(args.cpu, parser)
    lab_xor()  # warm up imports and caches
    t, best = {}, {}
    few = max(1, min(args.repeats, 3))
    t.update(
        _median_times(
            {"lab_xor": lab_xor, "naive_xor": naive_xor, "k1": many(1), "k16": many(16), "slider": slider},
            args.repeats,
            best,
        )
    )
    t.update(_median_times({"lab_lin": lab_lin, "naive_lin": naive_lin}, few, best))
    t.update(_median_times({"k256": many(256), "k1000": many(1000)}, few, best))
    t.update(_median_times({"readable_xor": readable_xor}, few, best))
    factor = xor_epochs / readable_epochs
    t["readable_xor"], best["readable_xor"] = t["readable_xor"] * factor, best["readable_xor"] * factor
    slider_train, slider_draw = statistics.median(split["train"]), statistics.median(split["draw"])

    torch_runs = _torch_runs(X_xor, y_xor, lr, max(1, xor_epochs // 10))
    torch_note = "PyTorch: not installed (pip install torch to add its rows)"
    if torch_runs is not None:
        version, per_sample, full_batch = torch_runs
        torch_note = (
            f"PyTorch {version}, 1 thread, {xor_epochs // 10} epochs timed and scaled to {xor_epochs}"
        )
        timed = _median_times({"torch_sample_xor": per_sample, "torch_batch_xor": full_batch}, few, best)
        for key, seconds in timed.items():  # a tenth of the epochs was timed
            t[key], best[key] = seconds * 10, best[key] * 10

    slider_updates = explorer.n_seeds * explorer.epochs.value * len(X_xor)
    rows = [  # (label, key in t, updates per run)
        ("lab, per-sample SGD, XOR (2000 ep.)", "lab_xor", xor_updates),
        ("lab, per-sample SGD, linear (1000 ep.)", "lab_lin", lin_updates),
        ("lab's readable numpy loop, XOR", "readable_xor", xor_updates),
        ("naive numpy, XOR", "naive_xor", xor_updates),
        ("naive numpy, linear", "naive_lin", lin_updates),
    ]
    if "torch_sample_xor" in t:
        rows.append(("PyTorch per-sample, XOR", "torch_sample_xor", xor_updates))
        rows.append(("PyTorch full-batch, XOR (µs / epoch)", "torch_batch_xor", xor_epochs))
    for k in (1, 16, 256, 1000):
        rows.append((f"lab.train_many, {k} nets, XOR (µs / net-update)", f"k{k}", xor_updates * k))
    rows.append(("slider: retrain 8 nets + redraw", "slider", slider_updates))

    print(f"machine: {_machine()}; single-network rows {cpu_note}; engine {engine.ENGINE}")
    print(f"{torch_note}; median of {args.repeats} rounds (linear, K = 256 and 1000, readable loop,")
    print(f"PyTorch: {few}), the runs of a row's group taking turns in every round; 'fastest': the fastest")
    print(f"round; the readable loop timed over {readable_epochs} epochs and scaled")
    if args.quick:
        print(f"--quick: epochs divided by {scale}")
    print()
    print(f"| {'run':48s} | {'s / run':>9s} | {'fastest':>9s} | {'µs / update':>11s} |")
    print(f"|{'-' * 50}|{'-' * 10}:|{'-' * 10}:|{'-' * 12}:|")
    for name, key, updates in rows:
        print(f"| {name:48s} | {t[key]:9.4g} | {best[key]:9.4g} | {t[key] / updates * 1e6:11.4g} |")
    print()
    per_update = {k: t[f"k{k}"] / k for k in (1, 16, 256, 1000)}
    print("ratios (measured in this run):")
    for data, short in (("XOR", "xor"), ("linear", "lin")):
        print(
            f"  lab vs naive numpy, per update, {data + ':':8s}  "
            f"{t[f'naive_{short}'] / t[f'lab_{short}']:7.1f}x faster "
            f"(fastest rounds: {best[f'naive_{short}'] / best[f'lab_{short}']:.1f}x)"
        )
    print(f"  lab vs its readable numpy loop, XOR:       {t['readable_xor'] / t['lab_xor']:7.1f}x faster")
    if "torch_sample_xor" in t:
        ratio = t["torch_sample_xor"] / t["lab_xor"]
        print(f"  lab vs PyTorch per-sample, XOR:            {ratio:7.1f}x faster")
        print(
            f"  lab vs PyTorch full-batch, XOR (per epoch, not the same algorithm): "
            f"{t['torch_batch_xor'] / t['lab_xor']:.1f}x"
        )
    for k in (16, 256, 1000):
        print(
            f"  {k:4d} networks together vs one alone:     {t[f'k{k}'] / t['k1']:7.2f}x the time, "
            f"{per_update[k] / per_update[1]:.3f}x per network"
        )
    print(
        f"  the report's XOR run (2000 epochs):        {t['lab_xor'] * scale * 1e3:7.1f} ms"
        f" (fastest round {best['lab_xor'] * scale * 1e3:.1f} ms)"
    )
    print(f"  1000 networks x 2000 epochs of XOR:        {t['k1000'] * scale:7.2f} s")
    print(
        f"  the slider's response (retrain + redraw):  {t['slider']:7.3f} s: training {slider_train:.3f} s,"
        f" drawing {slider_draw:.3f} s"
    )
    print(
        f"  a fresh process ({fresh_engine}): import lab {fresh_import:.3f} s, then its first fit and "
        f"first train_many {fresh_first:.3f} s (median of {len(fresh)} processes)"
    )
    print()
    print("targets:" + ("  [--quick: not a measurement]" if args.quick else ""))
    targets = [
        ("lab >= 150x the naive loop, XOR", t["naive_xor"] / t["lab_xor"] >= 150),
        ("lab >= 150x the naive loop, linear", t["naive_lin"] / t["lab_lin"] >= 150),
    ]
    if "torch_sample_xor" in t:
        targets.append(("lab >= 1000x PyTorch per-sample", t["torch_sample_xor"] / t["lab_xor"] >= 1000))
    targets += [
        ("the XOR run <= 30 ms", t["lab_xor"] * scale <= 0.030),
        ("1000 networks x 2000 epochs <= 15 s", t["k1000"] * scale <= 15),
        ("16 networks <= 2x the time of one", t["k16"] / t["k1"] <= 2, _floor_note(t, 16)),
        ("the slider's response <= 0.25 s", t["slider"] <= 0.25),
        ("a fresh process's first call <= 0.5 s", fresh_first <= 0.5),
    ]
    for name, met, *note in targets:
        print(f"  {name:40s} {'met' if met else 'NOT met'}" + (f": {note[0]}" if note else ""))
    return 0


def _floor_note(t: dict, k: int) -> str:
    """Why K networks take more than 2x one here: the kernel trains one network per core at a
    time, with scalar loops, so K of them take about K / cores times one at best. Only a kernel that
    trained several networks at once in a core's vector lanes could go below that."""
    cores = len(_AllCpus.allowed) if _AllCpus.allowed is not None else (os.cpu_count() or 1)
    efficiency = k * t["k1"] / (cores * t[f"k{k}"])
    return (
        f"the kernel trains one network per core at a time, so on {cores} core(s) {k} take about "
        f"{k / cores:.3g}x the time of one at best. Measured {t[f'k{k}'] / t['k1']:.3g}x: "
        f"parallel efficiency {efficiency:.0%}"
    )


if __name__ == "__main__":
    sys.exit(main())
