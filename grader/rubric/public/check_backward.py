"""Public checks of the four gradient items: each layer graded on its own.

The student's `_backward` gets the reference forward pass's activations, and the sigmoid's σ'
and the hidden activation's f' are given: a bug there costs the sigmoid item, not these. The
output layer's dW, db are compared with finite differences of the reference loss. A lower layer
l is graded *given the error signal the student's code sent down to it*: δ(l+1) is read back
from the student's dW(l+1) = p(l)ᵀ δ(l+1) (exact for batches no larger than layer l's width),
and layer l's expected dW, db are the finite differences of Σ δ(l+1) ⊙ h(l+1) in W(l), b(l).
So a slip in the output layer costs the output layer's item, and a wrong σ' in layer 2 costs
layer 2 (and, through its δ, nothing else). Tolerance: the task text's rel_error < 1e-6.
"""

from __future__ import annotations

import numpy as np

from grader.judge import (
    Case,
    Wrong,
    arrays,
    batch,
    judge_rtol,
    net_spec,
    numerical_gradient,
    params_of,
    rel_error,
    sibling,
)

ref = sibling(__file__, "reference")


def expected_layer(params, activation, X, y, ps, layer: int, grads) -> tuple[np.ndarray, np.ndarray]:
    """The dW, db layer `layer` (1-based) must have, given what the student sent down to it."""
    if layer == len(params) // 2:
        return true_layer(params, activation, X, y, layer)
    above = ps[layer]  # p(layer), the input of layer + 1: (N, width)
    dW_above = grads[2 * layer]
    if dW_above.shape != params[2 * layer].shape:
        raise Wrong(f"layer {layer} cannot be graded: dW{layer + 1} has shape {dW_above.shape}")
    delta, *_ = np.linalg.lstsq(above.T, dW_above, rcond=None)  # δ(layer + 1), (N, fan_out)
    if rel_error(above.T @ delta, dW_above) > 1e-8:  # not of the form pᵀ δ: grade against the true δ
        return true_layer(params, activation, X, y, layer)
    W, b = params[2 * layer - 2].copy(), params[2 * layer - 1].copy()
    W_up, b_up = params[2 * layer], params[2 * layer + 1]
    act = ref.F[activation]

    def g():  # Σ δ(l+1) ⊙ h(l+1), as a function of W(l), b(l)
        return float(np.sum(delta * (act(ps[layer - 1] @ W + b) @ W_up + b_up)))

    return numerical_gradient(g, W), numerical_gradient(g, b)


def true_layer(params, activation, X, y, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Layer `layer`'s exact dW, db: finite differences of the reference loss."""
    W, b = params[2 * layer - 2].copy(), params[2 * layer - 1].copy()

    def f():
        trial = list(params)
        trial[2 * layer - 2], trial[2 * layer - 1] = W, b
        return ref.loss(trial, activation, X, y)

    return numerical_gradient(f, W), numerical_gradient(f, b)


def backward_case(sizes, activation, seed, n, layers, hidden=False, reference=None) -> Case:
    """A call of `_backward` on a net and batch; the verdict on the given layers (1-based)."""
    r = reference or ref
    spec = net_spec(sizes, seed, activation)
    params = params_of(spec)
    X, y = batch(sizes[0], n, seed)
    ps = r.forward(params, activation, X)
    where = f"a {'-'.join(map(str, sizes))} {activation} net, batch of {n}"

    def judge(result):
        grads = arrays(result["grads"], len(params), f"_backward on {where} ([dW1, db1, dW2, db2, ...])")
        after = arrays(result["params"], len(params))
        for k, (g, p) in enumerate(zip(grads, params)):
            name = f"{'dW' if k % 2 == 0 else 'db'}{k // 2 + 1}"
            if g.shape != p.shape:
                raise Wrong(f"_backward on {where}: {name} has shape {g.shape}, its parameter {p.shape}")
        if any(not np.array_equal(p, q) for p, q in zip(params, after)):
            raise Wrong(f"_backward on {where} changed the weights: it must only compute gradients")
        for layer in layers:
            dW, db = expected_layer(params, activation, X, y, ps, layer, grads)
            for name, got, want in (
                (f"dW{layer}", grads[2 * layer - 2], dW),
                (f"db{layer}", grads[2 * layer - 1], db),
            ):
                error = rel_error(got, want)
                if not error < judge_rtol.gradient:
                    raise Wrong(f"_backward on {where}: {name} is off (rel. error {error:.2g}, allowed 1e-6)")

    call = {"op": "backward", "net": spec, "ps": [p.tolist() for p in ps], "y": y.tolist()}
    return Case(f"the gradients of layer(s) {layers} on {where}", call, judge, hidden=hidden)


def grad_layer1() -> list[Case]:
    return [
        backward_case((2, 3, 4, 1), "sigmoid", 0, 3, [1]),
        backward_case((2, 3, 4, 1), "sigmoid", 3, 1, [1]),
    ]


def grad_layer2() -> list[Case]:
    return [
        backward_case((2, 3, 4, 1), "sigmoid", 0, 3, [2]),
        backward_case((2, 3, 4, 1), "sigmoid", 3, 1, [2]),
    ]


def grad_layer3() -> list[Case]:
    return [
        backward_case((2, 3, 4, 1), "sigmoid", 0, 5, [3]),
        backward_case((2, 3, 4, 1), "sigmoid", 3, 8, [3]),
    ]


def grad_general() -> list[Case]:
    return [
        backward_case((3, 5, 2, 4, 1), "tanh", 4, 2, [1, 2, 3]),  # the hidden layers of a deeper net
        backward_case((2, 1), "sigmoid", 5, 6, []),  # one layer: the shapes, and no crash
    ]
