"""What the checks are made of: a case (one call to the student's code, and its verdict), plain
data back into arrays, the finite-difference referee, and the nets and batches the cases use.

Everything here runs in the grader's process, on the data a sandboxed child sent back; nothing
here imports student code. The check modules (`rubric/public/check_*.py`, and the instructor's
hidden ones) build their cases from these pieces.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_ids = itertools.count()


class _Tolerances:
    """The tolerances the task texts state (lab/activations.py, lab/network.py), in one place."""

    forward = 1e-12  # relative, every activation of the forward pass
    gradient = 1e-6  # rel_error of each gradient array against the referee's
    step = 1e-9  # absolute, each parameter after an SGD step


judge_rtol = _Tolerances()


class Wrong(AssertionError):
    """A verdict: the student's result is not what the case expects (the message says how)."""


@dataclass
class Case:
    """One call in the child (`call`, plain data) and the verdict on its result (`judge`).

    `judge(value)` gets the call's returned data (see grader/child/worker.py) and raises `Wrong`
    with a message for the student. `what` names the piece, shown in the feedback; `hidden`
    cases never show their inputs.
    """

    what: str
    call: dict
    judge: Callable[[dict], None]
    hidden: bool = False
    id: str = field(default_factory=lambda: f"c{next(_ids)}")
    warnings_allowed: bool = True


def sibling(here: str, name: str):
    """The module `name`.py beside the file `here` (a check module's reference), loaded by path."""
    path = Path(here).resolve().parent / f"{name}.py"
    key = f"_grader_checks_{abs(hash(str(path)))}_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


# ----------------------------------------------------------------- data back into arrays
def array(data) -> np.ndarray:
    """An array the child sent (`{"array": ..., "dtype": ..., "shape": ...}`), checked."""
    if not isinstance(data, dict) or "array" not in data:
        what = data.get("type", "something else") if isinstance(data, dict) else type(data).__name__
        raise Wrong(f"expected a numpy array, got {what}")
    try:
        a = np.array(data["array"], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise Wrong(f"the array could not be read back: {exc}") from None
    if list(a.shape) != list(data.get("shape", a.shape)):
        raise Wrong("the array's shape does not match its data")
    return a


def arrays(data, count: int | None = None, what: str = "the result") -> list[np.ndarray]:
    """A list of arrays the child sent, of `count` entries if given."""
    if not isinstance(data, dict) or "list" not in data:
        raise Wrong(f"{what}: expected a list of arrays")
    items = data["list"]
    if count is not None and len(items) != count:
        raise Wrong(f"{what}: expected {count} arrays, got {len(items)}")
    return [array(x) for x in items]


def dtype(data) -> str:
    return str(data.get("dtype", "")) if isinstance(data, dict) else ""


def encode(a) -> list:
    return np.asarray(a, dtype=np.float64).tolist()


# ----------------------------------------------------------------- the referee
def expit(h) -> np.ndarray:
    """The checks' exact sigmoid, 1 / (1 + e^-h), to a few ulp wherever σ(h) >= 1e-300.

    e = e^-|h| is at most 1, so nothing overflows at any input: σ(h) = 1 / (1 + e) for h >= 0
    and e / (1 + e) below (each a correctly rounded exp, sum and quotient). Plain numpy, so that
    grading needs no scipy.
    """
    h = np.asarray(h, dtype=np.float64)
    e = np.exp(-np.abs(h))
    return np.where(h >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def rel_error(a, b) -> float:
    """max |a − b| / max(|a| + |b|, 1e-8): 0 for equal arrays, about 1 for unrelated ones."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-3) -> np.ndarray:
    """∂f/∂x for every entry of x (changed in place, then restored), by the five-point centred
    stencil: its error falls as eps⁴, about 1e-11 relative here."""
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


def same_shape(actual: np.ndarray, expected: np.ndarray, name: str) -> None:
    if actual.shape != expected.shape:
        raise Wrong(f"{name} has shape {actual.shape}, expected {expected.shape}")


def close(actual, expected, name: str, *, rtol: float, atol: float = 0.0) -> None:
    """Raise `Wrong` unless |actual − expected| ≤ atol + rtol·|expected| everywhere."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    same_shape(actual, expected, name)
    bad = ~(np.abs(actual - expected) <= atol + rtol * np.abs(expected))
    if bad.any():
        worst = float(np.max(np.abs(actual - expected)[bad] / np.maximum(np.abs(expected[bad]), 1e-300)))
        raise Wrong(
            f"{name}: {int(bad.sum())} of {expected.size} values are off "
            f"(worst relative error {worst:.2g}; allowed: relative {rtol:g}"
            + (f" or absolute {atol:g})" if atol else ")")
        )


# ----------------------------------------------------------------- nets and batches
def net_spec(sizes, seed: int, activation: str = "sigmoid") -> dict:
    """A net as plain data: Glorot-uniform weights and random (not zero) biases, so every term counts."""
    rng = np.random.default_rng(seed + 1000)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        u = np.sqrt(6.0 / (fan_in + fan_out))
        params += [rng.uniform(-u, u, size=(fan_in, fan_out)), rng.uniform(-0.5, 0.5, size=fan_out)]
    return {"sizes": list(sizes), "activation": activation, "params": [p.tolist() for p in params]}


def params_of(spec: dict) -> list[np.ndarray]:
    return [np.array(p, dtype=np.float64) for p in spec["params"]]


def batch(n_in: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n, n_in) normal, y (n, 1) float labels 0/1, both classes when n > 1."""
    rng = np.random.default_rng(seed + 2000)
    X = rng.normal(size=(n, n_in))
    y = (np.arange(n) % 2).astype(np.float64)[rng.permutation(n), None]
    return X, y
