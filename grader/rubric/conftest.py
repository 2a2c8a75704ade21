"""Shared by every grading test, public and hidden: which `lab` is graded, and a referee.

`python -m grader PATH` runs each rubric item in its own process, with cwd and PYTHONPATH
set to PATH and LAB_GRADE_PATH=PATH. Before any test runs, this file checks that `import lab`
finds PATH's package and not another one installed in the environment (an editable install of
the instructor's copy, say): grading the wrong code must fail loudly, never pass quietly.

The referee is numerical: centred finite differences, which need no back-propagation at all.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest


def _graded_root() -> Path | None:
    path = os.environ.get("LAB_GRADE_PATH")
    return Path(path).resolve() if path else None


def pytest_sessionstart(session):
    root = _graded_root()
    if root is None:
        return
    spec = importlib.util.find_spec("lab")  # finds the package without running any of it
    origin = getattr(spec, "origin", None)
    if origin is None or not Path(origin).resolve().is_relative_to(root):
        pytest.exit(f"`import lab` would load {origin}, not the package under {root}", returncode=3)


@pytest.fixture(scope="session", autouse=True)
def graded_lab():
    """The graded `lab` package, checked to come from LAB_GRADE_PATH."""
    import lab

    root = _graded_root()
    if root is not None:
        assert Path(lab.__file__).resolve().is_relative_to(root), f"lab imported from {lab.__file__}"
    return lab


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    """∂f/∂x for every entry of the array x (changed in place, then restored), by the five-point
    centred stencil: its error falls as eps⁴, about 1e-11 relative here."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        values = []
        for step in (eps, -eps, 2 * eps, -2 * eps):
            x[i] = old + step
            values.append(f())
        x[i] = old
        grad[i] = (8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * eps)
    return grad


def rel_error(a, b) -> float:
    """max |a − b| / max(|a| + |b|, 1e-8): 0 for equal arrays, about 1 for unrelated ones."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shape {a.shape}, expected {b.shape}"
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@pytest.fixture(scope="session")
def referee():
    """The finite-difference referee: `referee.numerical_gradient(f, x)`, `referee.rel_error(a, b)`."""
    return SimpleNamespace(numerical_gradient=numerical_gradient, rel_error=rel_error)


def random_net(lab, sizes, seed, activation="sigmoid"):
    """A `lab.Network` with Glorot weights and random (not zero) biases, so every term counts."""
    net = lab.Network(sizes, activation=activation, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    for b in net.b:
        b[...] = rng.uniform(-0.5, 0.5, size=b.shape)
    return net


def random_batch(n_in: int, batch: int, seed: int):
    """X (batch, n_in) normal, y (batch, 1) float labels 0/1, both classes when batch > 1."""
    rng = np.random.default_rng(seed + 2000)
    X = rng.normal(size=(batch, n_in))
    y = (np.arange(batch) % 2).astype(np.float64)[rng.permutation(batch), None]
    return X, y


@pytest.fixture(scope="session")
def make(graded_lab):
    """Builders: `make.net(sizes, seed, activation="sigmoid")`, `make.batch(n_in, batch, seed)`."""
    return SimpleNamespace(
        net=lambda sizes, seed, activation="sigmoid": random_net(graded_lab, sizes, seed, activation),
        batch=random_batch,
    )
