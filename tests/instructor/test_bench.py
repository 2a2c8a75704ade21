"""The benchmark runs and prints its table; its figures are read by people, not asserted."""

import subprocess
import sys

from lab import engine


def test_bench_quick_prints_the_table_and_ratios():
    result = subprocess.run(
        [sys.executable, "-m", "instructor.bench", "--quick", "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("machine: ")
    for needle in [
        "lab, per-sample SGD, XOR",
        "naive numpy, XOR",
        "lab's readable numpy loop, XOR",
        "lab.train_many, 1 nets, XOR",
        "lab.train_many, 16 nets, XOR",
        "lab.train_many, 1000 nets, XOR",
        "lab vs naive numpy, per update, XOR",
        "  16 networks together vs one alone",
        "1000 networks together vs one alone",
        "slider: retrain 8 nets + redraw",
        "training ",
        "drawing ",
        f"a fresh process ({engine.ENGINE}): import lab",
        "targets:",
        "16 networks <= 2x the time of one",
        "a fresh process's first call <= 0.5 s",
    ]:
        assert needle in out
    assert ("PyTorch per-sample, XOR" in out) or ("PyTorch: not installed" in out)


def test_naive_baseline_learns_like_lab():
    """The baseline is slow, not wrong: on XOR it follows the same losses as lab's net."""
    import numpy as np

    import lab
    from instructor.bench import NaiveNet

    X, y = lab.generate_xor_easy()
    naive = NaiveNet(seed=lab.SEED).train(X, y, 0.8, 30)
    ours = lab.Network(seed=lab.SEED).fit(X, y, lr=0.8, epochs=30)
    np.testing.assert_allclose(naive, ours, rtol=1e-9)
