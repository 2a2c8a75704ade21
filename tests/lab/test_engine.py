"""The compiled kernel and the readable numpy loop train alike; K networks equal K single runs."""

import os
import subprocess
import sys

import numpy as np
import pytest

import lab
from lab import engine

ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]


def random_case(seed):
    """A random shape (first layers of width 1 included), activation, loss and data."""
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(0, 4))
    sizes = (int(rng.integers(1, 4)), *(int(w) for w in rng.integers(1, 7, size=depth)), 1)
    activation = ACTIVATIONS[int(rng.integers(0, 4))]
    loss = ["mse", "bce"][int(rng.integers(0, 2))]
    X = rng.uniform(-1, 1, size=(int(rng.integers(1, 12)), sizes[0]))
    y = (rng.uniform(size=len(X)) < 0.5).astype(int)
    return sizes, activation, loss, X, y


@pytest.fixture(params=["numba", "python"])
def each_engine(request, monkeypatch):
    """Run a test on both engines."""
    monkeypatch.setattr(engine, "ENGINE", request.param)
    return request.param


def test_the_compiled_kernel_is_here():
    assert engine.kernel is not None, "numba is pinned in requirements.txt"
    asked = os.environ.get("LAB_ENGINE", "numba")  # the suite runs on either engine
    assert engine.ENGINE == asked


@pytest.mark.parametrize("case", range(40))
@pytest.mark.parametrize(
    "optimizer, order", [("sgd", "correct"), ("momentum", "correct"), ("adam", "correct"), ("sgd", "report")]
)
def test_kernel_trains_like_the_readable_loop(case, optimizer, order, monkeypatch):
    sizes, activation, loss, X, y = random_case(case)
    lr = {"sgd": 0.3 if order == "correct" else 0.05, "momentum": 0.05, "adam": 0.01}[optimizer]
    compiled = lab.Network(sizes, activation, seed=case, loss=loss)
    readable = compiled.copy()
    h1 = compiled.fit(X, y, lr=lr, epochs=8, optimizer=optimizer, order=order)
    monkeypatch.setattr(engine, "ENGINE", "python")
    h2 = readable.fit(X, y, lr=lr, epochs=8, optimizer=optimizer, order=order)
    np.testing.assert_allclose(h1, h2, rtol=1e-12, atol=1e-13)
    for a, b in zip(compiled.parameters(), readable.parameters()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


def test_one_sgd_epoch_equals_gradients_point_by_point():
    """The kernel's step is θ ← θ − lr·∇L(x_n) on each point in turn, as `Network.gradients` says."""
    X, y = lab.generate_xor_easy()
    for activation in ACTIVATIONS:
        for loss in ("mse", "bce"):
            fast = lab.Network((2, 3, 4, 1), activation, seed=5, loss=loss)
            plain = fast.copy()
            fast.fit(X, y, lr=0.5, epochs=1)
            for n in range(len(X)):
                for p, g in zip(plain.parameters(), plain.gradients(X[n : n + 1], y[n : n + 1])):
                    p -= 0.5 * g
            for a, b in zip(fast.parameters(), plain.parameters()):
                np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)


@pytest.mark.parametrize("case", range(30))
def test_k_networks_equal_single_runs_bit_for_bit(case):
    sizes, activation, loss, X, y = random_case(100 + case)
    optimizer = ["sgd", "momentum", "adam"][case % 3]
    lrs = [0.05, 0.5, 2.0, 0.8, 10.0][: 2 + case % 4]
    together = [lab.Network(sizes, activation, seed=s, loss=loss) for s in range(len(lrs))]
    alone = [net.copy() for net in together]
    histories = lab.train_many(together, X, y, lr=lrs, epochs=25, optimizer=optimizer)
    for net, single, lr, history in zip(together, alone, lrs, histories):
        np.testing.assert_array_equal(history, single.fit(X, y, lr=lr, epochs=25, optimizer=optimizer))
        for a, b in zip(net.parameters(), single.parameters()):
            np.testing.assert_array_equal(a, b)


def test_a_thousand_chaotic_xor_runs_in_parallel_equal_single_runs():
    """lr = 10 is chaotic: any difference in one rounding would show after 1000 epochs."""
    X, y = lab.generate_xor_easy()
    together = [lab.Network(seed=s) for s in range(24)]
    alone = [net.copy() for net in together]
    histories = lab.train_many(together, X, y, lr=10.0, epochs=1000)
    for net, single, history in zip(together, alone, histories):
        np.testing.assert_array_equal(history, single.fit(X, y, lr=10.0, epochs=1000))
        np.testing.assert_array_equal(net.W[0], single.W[0])


def test_divergence_names_rate_and_epoch_and_keeps_the_last_finite_weights(each_engine):
    X, y = lab.generate_linear(50, seed=0)
    nets = [lab.Network(activation="relu", seed=s) for s in range(3)]
    copies = [net.copy() for net in nets]
    with pytest.raises(lab.DivergedError, match=r"epoch (\d+).*lr=1e\+300") as info:
        lab.train_many(nets, X, y, lr=[0.5, 1e300, 0.1], epochs=20)
    message = str(info.value)
    epoch = int(message.split("epoch ")[1].split(":")[0])
    assert f"after epoch {epoch - 1}" in message
    # every network is where epoch - 1 epochs of training leave it
    lab.train_many(copies, X, y, lr=[0.5, 1e300, 0.1], epochs=epoch - 1)
    for net, copy in zip(nets, copies):
        for a, b in zip(net.parameters(), copy.parameters()):
            assert np.isfinite(a).all()
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("lr", [1e3, 1e300])
def test_both_engines_agree_on_whether_and_when_a_run_diverges(activation, lr, monkeypatch):
    """At huge rates both engines end alike: the same divergence message, or the same losses."""
    X, y = lab.generate_linear(30, seed=4)
    outcomes = []
    for name in ("numba", "python"):
        monkeypatch.setattr(engine, "ENGINE", name)
        net = lab.Network(activation=activation, seed=1)
        try:
            outcomes.append(net.fit(X, y, lr=lr, epochs=5))
        except lab.DivergedError as exc:
            outcomes.append(str(exc))
        outcomes.append(net.b[0].copy())
    if isinstance(outcomes[0], str) or isinstance(outcomes[2], str):
        assert outcomes[0] == outcomes[2]
    else:
        np.testing.assert_allclose(outcomes[0], outcomes[2], rtol=1e-12)
    np.testing.assert_allclose(outcomes[1], outcomes[3], rtol=1e-12)


def test_a_non_finite_weight_before_training_is_a_value_error_not_divergence(each_engine):
    X, y = lab.generate_xor_easy()
    net = lab.Network(seed=0)
    net.W[1][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"the network has a non-finite weight: W2") as info:
        net.fit(X, y, epochs=3)
    assert not isinstance(info.value, lab.DivergedError)


def test_report_order_needs_sgd_and_differs_from_the_correct_order(each_engine):
    X, y = lab.generate_xor_easy()
    with pytest.raises(ValueError, match="order='report'"):
        lab.Network(seed=0).fit(X, y, epochs=1, optimizer="adam", order="report")
    right, report = lab.Network(seed=0), lab.Network(seed=0)
    right.fit(X, y, lr=0.8, epochs=3)
    report.fit(X, y, lr=0.8, epochs=3, order="report")
    assert np.abs(right.W[0] - report.W[0]).max() > 1e-6


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(optimizer="rmsprop"), "optimizer must be one of"),
        (dict(optimizer=None), "optimizer must be one of"),
        (dict(order="backwards"), "order must be one of"),
    ],
)
def test_bad_optimizer_or_order_is_rejected_before_training(kwargs, match):
    X, y = lab.generate_xor_easy()
    net = lab.Network(seed=0)
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(ValueError, match=match):
        net.fit(X, y, epochs=1, **kwargs)
    for a, b in zip(before, net.parameters()):
        np.testing.assert_array_equal(a, b)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    import os

    here = {k: v for k, v in os.environ.items() if k != "LAB_ENGINE"}  # each test says what it asks
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=here | env
    )


def test_lab_engine_python_trains_on_the_readable_loop_and_says_so_once():
    code = (
        "import lab\n"
        "X, y = lab.generate_xor_easy()\n"
        "lab.Network(seed=2).fit(X, y, epochs=2); lab.Network(seed=3).fit(X, y, epochs=2)\n"
        "print(lab.engine.ENGINE)\n"
    )
    out = run_python(code, LAB_ENGINE="python")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "python"
    assert out.stderr.count("training runs on the readable numpy loop") == 1
    assert "LAB_ENGINE=python" in out.stderr


def test_without_numba_training_falls_back_to_the_readable_loop():
    code = (
        "import sys; sys.modules['numba'] = None\n"  # import numba now raises ImportError
        "import lab\n"
        "X, y = lab.generate_xor_easy()\n"
        "h = lab.Network(seed=2).fit(X, y, epochs=3)\n"
        "print(lab.engine.ENGINE, len(h))\n"
    )
    out = run_python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["python", "3"]
    assert out.stderr.count("the compiled kernel is not available") == 1


def test_the_first_compiled_call_leaves_scipy_linalg_unimported_and_importable():
    """numba loads its tables on the first call without importing scipy.linalg (half that
    call's time); scipy.linalg, the grader's expit, and BLAS in compiled code work afterwards."""
    code = (
        "import sys, lab\n"
        "X, y = lab.generate_xor_easy()\n"
        "lab.Network(seed=2).fit(X, y, epochs=2)\n"
        "lab.train_many([lab.Network(seed=s) for s in range(2)], X, y, epochs=2)\n"
        "print('scipy.linalg' in sys.modules)\n"
        "import numba, numpy as np, scipy.linalg\n"
        "from scipy.special import expit\n"
        "dot = numba.njit(lambda a, b: np.dot(a, b))\n"
        "print(scipy.linalg.det(np.eye(2)), expit(0.0), dot(np.ones(3), np.ones(3)))\n"
    )
    out = run_python(code, LAB_ENGINE="numba")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "1.0", "0.5", "3.0"]


def test_the_first_compiled_call_keeps_an_imported_scipy_linalg():
    code = (
        "import sys, scipy.linalg, lab\n"
        "before = sys.modules['scipy.linalg']\n"
        "X, y = lab.generate_xor_easy()\n"
        "lab.Network(seed=2).fit(X, y, epochs=2)\n"
        "print(sys.modules['scipy.linalg'] is before)\n"
    )
    out = run_python(code, LAB_ENGINE="numba")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True"]


def test_a_read_only_install_trains_without_a_cache_and_without_warnings():
    """Nothing writable (bubblewrap mounts the whole file system read-only): numba cannot cache,
    so the kernel compiles in memory, and training runs, with warnings as errors."""
    import os
    import shutil

    bwrap = shutil.which("bwrap")
    assert bwrap, "bubblewrap (Debian's bubblewrap) is needed for this test: apt-get install bubblewrap"
    code = (
        "import lab\n"
        "X, y = lab.generate_xor_easy()\n"
        "h = lab.Network(seed=2).fit(X, y, epochs=300)\n"
        "print(lab.engine.ENGINE, type(lab.kernel.train_network._cache).__name__, f'{h[-1]:.4g}')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "LAB_ENGINE")}
    out = subprocess.run(
        [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--die-with-parent",
         sys.executable, "-W", "error", "-c", code],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    X, y = lab.generate_xor_easy()
    expected = lab.Network(seed=2).fit(X, y, epochs=300)[-1]
    assert out.stdout.split() == ["numba", "NullCache", f"{expected:.4g}"]
    assert out.stderr == ""
