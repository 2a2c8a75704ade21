"""Public checks of the sigmoid item, at the tolerances the task text in lab/activations.py states:
σ(h) to a relative 1e-12 (where σ(h) ≥ 1e-300), σ'(h) to a relative 1e-7 or an absolute 1e-15,
σ' read off p to a relative 1e-12; float64 arrays shaped like the input, no warning."""

from __future__ import annotations

import numpy as np

from grader.judge import Case, Wrong, array, close, dtype, expit


def call(fn: str, x, out: bool = False, dt: str = "float64") -> dict:
    return {"op": "activation", "fn": fn, "x": np.asarray(x).tolist(), "out": out, "dtype": dt}


def no_warning(result: dict, name: str) -> None:
    if result.get("warnings"):
        raise Wrong(f"{name} warned: {result['warnings'][0]}")


def sigmoid_value(h, name: str, out: bool = False, warn_free: bool = False, dt: str = "float64"):
    h = np.asarray(h, dtype=np.float64)

    def judge(result):
        if dtype(result["value"]) != "float64":
            raise Wrong(f"{name}: expected a float64 array, got {dtype(result['value']) or 'no array'}")
        p = array(result["value"])
        exact = expit(h)
        tail = exact < 1e-300
        close(np.where(tail, 0.0, p), np.where(tail, 0.0, exact), name, rtol=1e-12)
        if ((p < 0) | (p > 1e-300))[tail].any():
            raise Wrong(f"{name}: where σ(h) < 1e-300 the value must lie in [0, 1e-300]")
        if out and not result.get("is_out"):
            raise Wrong(f"{name}: with out= given, write into it and return it")
        if warn_free:
            no_warning(result, name)

    return Case(name, call("sigmoid", h, out, dt), judge)


def derivative_value(h, name: str, warn_free: bool = False):
    h = np.asarray(h, dtype=np.float64)

    def judge(result):
        d = array(result["value"])
        p = expit(h)
        close(d, p * (1.0 - p), name, rtol=1e-7, atol=1e-15)
        if warn_free:
            no_warning(result, name)

    return Case(name, call("sigmoid_derivative", h), judge)


def grad_value(p, name: str, out: bool = False):
    p = np.asarray(p, dtype=np.float64)

    def judge(result):
        g = array(result["value"])
        close(g, p * (1.0 - p), name, rtol=1e-12)
        if out and not result.get("is_out"):
            raise Wrong(f"{name}: with out= given, write into it and return it")

    return Case(name, call("_sigmoid_grad", p, out), judge)


def sigmoid() -> list[Case]:
    h = np.linspace(-8.0, 8.0, 12).reshape(3, 4)
    return [
        sigmoid_value([-1.0, 0.0, 2.0], "sigmoid at -1, 0, 2"),
        sigmoid_value(h, "sigmoid on a (3, 4) array"),
        sigmoid_value(h, "sigmoid with out=", out=True),
        sigmoid_value([-1000.0, 1000.0], "sigmoid at ±1000, without an overflow warning", warn_free=True),
        derivative_value(np.linspace(-6.0, 6.0, 9), "sigmoid_derivative on [-6, 6]"),
        derivative_value([0.0], "sigmoid_derivative(0) = 0.25"),
        grad_value(expit(np.linspace(-5.0, 5.0, 8).reshape(2, 4)), "_sigmoid_grad(p) on a (2, 4) array"),
        grad_value([0.5, 0.1], "_sigmoid_grad with out=", out=True),
    ]
