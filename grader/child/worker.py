"""Runs in the sandbox, as `python -I -S -B worker.py REQUEST SUBMISSION`: computes, judges nothing.

It imports the student's `lab` from SUBMISSION, calls the student's functions on the inputs the
grader chose (REQUEST, JSON), and writes back what they returned, as plain data: JSON with nested
lists for arrays (exact: floats are written with all their digits), on the standard output it
was started with. The student's own prints go to the standard error. The verdicts are the
grader's, made in its own process, which never imports student code.

`-I -S`: no site module, so no .pth file, no sitecustomize or usercustomize, no user site and
no current folder on the path; the grading environment's package folders are added by hand
(REQUEST names them), after the submission. Where a call grades one piece, the other pieces
the student's code would use are replaced by the plain functions below (`_F`, `_DF`), so that
a bug elsewhere does not cost this item.

Only the standard library and numpy are used here, and nothing of the grader.
"""

import io
import json
import os
import sys
import traceback
import warnings

_ERROR_CHARS = 2000


def _encode(x):
    """An array (or a list of them, or a number) as plain JSON data."""
    import numpy as np

    if isinstance(x, (list, tuple)):
        return {"list": [_encode(v) for v in x]}
    if isinstance(x, np.ndarray) or np.isscalar(x):
        a = np.asarray(x)
        if a.dtype.kind not in "biuf":
            return {"repr": repr(x)[:200], "type": type(x).__name__}
        return {"array": a.tolist(), "dtype": str(a.dtype), "shape": list(a.shape)}
    return {"repr": repr(x)[:200], "type": type(x).__name__}


def _array(data):
    import numpy as np

    return np.array(data, dtype=np.float64)


# ----------------------------------------------------------------- the other pieces, given
def _sig(h, out=None):
    import numpy as np

    value = np.exp(-np.logaddexp(0.0, -np.asarray(h, dtype=np.float64)))
    if out is None:
        return value
    out[...] = value
    return out


def _given(f):
    def g(x, out=None):
        import numpy as np

        value = f(np.asarray(x, dtype=np.float64))
        if out is None:
            return value
        out[...] = value
        return out

    return g


def _pieces():
    import numpy as np

    f = {
        "sigmoid": _sig,
        "tanh": _given(np.tanh),
        "relu": _given(lambda h: np.maximum(h, 0.0)),
        "identity": _given(lambda h: np.array(h, dtype=np.float64)),
    }
    df = {  # f'(h) read off p = f(h)
        "sigmoid": _given(lambda p: p - p * p),
        "tanh": _given(lambda p: 1.0 - p * p),
        "relu": _given(lambda p: (p > 0.0).astype(np.float64)),
        "identity": _given(lambda p: np.ones_like(p)),
    }
    return f, df


def _give_activations(net=None):
    """The sigmoid, σ' and the net's f, f' become the plain ones, wherever `lab` looks them up."""
    import numpy as np

    f, df = _pieces()
    for name, module in list(sys.modules.items()):
        if name == "lab" or name.startswith("lab."):
            for attr, value in (
                ("sigmoid", f["sigmoid"]),
                ("_sigmoid_grad", df["sigmoid"]),
                ("sigmoid_derivative", lambda h: df["sigmoid"](f["sigmoid"](np.asarray(h, dtype=float)))),
            ):
                if hasattr(module, attr):
                    setattr(module, attr, value)
    if net is not None:
        net._f, net._df = f[net.activation], df[net.activation]
    return net


def _net(spec):
    import lab

    net = lab.Network(tuple(spec["sizes"]), activation=spec["activation"], seed=0)
    for param, value in zip(net.parameters(), spec["params"]):
        param[...] = _array(value)
    return net


# ----------------------------------------------------------------- the calls
def op_activation(call):
    import numpy as np

    from lab import activations

    fn = getattr(activations, call["fn"])
    x = np.array(call["x"], dtype=call.get("dtype", "float64"))
    if call.get("out"):
        buf = np.zeros(x.shape)
        value = fn(x, out=buf)
        return {"value": _encode(value), "is_out": value is buf}
    return {"value": _encode(fn(x))}


def op_forward(call):
    net = _give_activations(_net(call["net"]))
    X = _array(call["X"])
    out = {"ps": _encode(net._forward(X))}
    if call.get("public"):
        out["y_hat"] = _encode(net.forward(X))
        out["labels"] = _encode(net.predict(X))
    return out


def op_backward(call):
    net = _give_activations(_net(call["net"]))
    grads = net._backward([_array(p) for p in call["ps"]], _array(call["y"]))
    return {"grads": _encode(list(grads)), "params": _encode(net.parameters())}


def op_sgd(call):
    net = _give_activations(_net(call["net"]))
    ps, grads = call["ps"], call["grads"]
    net._forward = lambda X: [_array(p) for p in ps]
    net._backward = lambda ps_, y: [_array(g) for g in grads]
    net.gradients = lambda X, y: [_array(g) for g in grads]
    live = net.parameters()
    net.sgd_step(_array(call["X"]), _array(call["y"]), lr=call["lr"])
    return {"params": _encode(live), "copied": _encode(net.copy().parameters())}


def op_train(call):
    import lab

    net = lab.Network(tuple(call["sizes"]), seed=call["seed"])
    net.fit(_array(call["X"]), _array(call["y"]), lr=call["lr"], epochs=call["epochs"], progress=False)
    return {name: _encode(net.forward(_array(X))) for name, X in call["eval"].items()}


def _code(source: str) -> str:
    """A cell's code without IPython's magics and shell escapes (which need IPython)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def op_notebook(call):
    """Run the cells in order in one namespace; one outcome per cell."""
    import matplotlib

    matplotlib.use("Agg")
    namespace = {"__name__": "__main__"}
    outcomes = []
    for cell in call["cells"]:
        try:
            exec(compile(_code(cell["source"]), f"<cell {cell['id']}>", "exec"), namespace)
        except BaseException as exc:  # noqa: B036 - a cell's SystemExit is its failure too
            outcomes.append({"id": cell["id"], "ok": False, "error": _describe(exc)})
        else:
            outcomes.append({"id": cell["id"], "ok": True})
            names = call.get("export", {}).get(cell["id"], [])
            if names:  # the values the grader re-checks with its reference, taken right now
                outcomes[-1]["values"] = {n: _encode(namespace[n]) for n in names if n in namespace}
    return {"cells": outcomes}


OPS = {
    "activation": op_activation,
    "forward": op_forward,
    "backward": op_backward,
    "sgd": op_sgd,
    "train": op_train,
    "notebook": op_notebook,
}


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text[:_ERROR_CHARS]


def main() -> None:
    request_path, submission = sys.argv[1], sys.argv[2]
    results_fd = os.dup(1)  # the results' channel; the student's prints go to stderr
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
    with open(request_path, encoding="utf-8") as fh:
        request = json.load(fh)
    sys.path[:0] = [submission]
    sys.path += request["site"]
    os.chdir(submission)
    results = []
    for call in request["calls"]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = OPS[call["op"]](call)
            except BaseException as exc:  # noqa: B036 - the student's SystemExit fails this call only
                results.append({"id": call["id"], "ok": False, "error": _describe(exc)})
            else:
                results.append({"id": call["id"], "ok": True, "value": value})
        results[-1]["warnings"] = [f"{w.category.__name__}: {w.message}"[:300] for w in caught[:20]]
    with os.fdopen(results_fd, "w", encoding="utf-8") as out:
        json.dump({"version": 1, "results": results}, out)


if __name__ == "__main__":
    main()
