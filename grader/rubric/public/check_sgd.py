"""Public checks of the SGD item: one step moves every parameter, in place, by −lr × its gradient.

The step gets the reference forward pass and the *true* gradients (finite differences of the
reference loss) wherever it asks for them (`_forward`, `_backward`, `gradients`), so a bug in
those pieces does not cost this item, and a step that computes every gradient itself, inline,
passes too if it is right. The report's bug (update the output layer, then propagate the error
through its *updated* weights) moves the lower layers by the wrong amount and fails here.
Tolerance: every parameter within 1e-9 of θ − lr·∂L/∂θ.
"""

from __future__ import annotations

import numpy as np

from grader.judge import (
    Case,
    Wrong,
    arrays,
    batch,
    close,
    judge_rtol,
    net_spec,
    numerical_gradient,
    params_of,
    sibling,
)

ref = sibling(__file__, "reference")


def true_gradients(params, activation, X, y):
    grads = []
    for k in range(len(params)):
        trial = [p.copy() for p in params]
        grads.append(numerical_gradient(lambda trial=trial: ref.loss(trial, activation, X, y), trial[k]))
    return grads


def sgd_case(sizes, seed, points, lr, hidden=False, reference=None, gradients=None) -> Case:
    r = reference or ref
    spec = net_spec(sizes, seed)
    params = params_of(spec)
    X, y = batch(sizes[0], 4, seed)
    X, y = X[points], y[points]
    grads = (gradients or true_gradients)(params, "sigmoid", X, y)
    expected = [p - lr * g for p, g in zip(params, grads)]
    where = f"a {'-'.join(map(str, sizes))} net, {len(X)} point(s), lr {lr:g}"

    def judge(result):
        live = arrays(result["params"], len(params), "the parameters after the step")
        copied = arrays(result["copied"], len(params), "the parameters after the step")
        for k, (p, e) in enumerate(zip(live, expected)):
            close(p, e, f"sgd_step on {where}: parameter {k} (θ − lr·∂L/∂θ)", rtol=0, atol=judge_rtol.step)
        for k, (p, e) in enumerate(zip(copied, expected)):
            if not np.allclose(p, e, rtol=0, atol=judge_rtol.step):
                raise Wrong(
                    f"sgd_step on {where}: parameter {k} was not updated in place (net.copy() differs)"
                )

    call = {
        "op": "sgd",
        "net": spec,
        "X": X.tolist(),
        "y": y.tolist(),
        "lr": lr,
        "ps": [p.tolist() for p in r.forward(params, "sigmoid", X)],
        "grads": [g.tolist() for g in grads],
    }
    return Case(f"one SGD step on {where}", call, judge, hidden=hidden)


def sgd_step() -> list[Case]:
    return [
        sgd_case((2, 3, 4, 1), 0, slice(0, 1), 0.8),
        sgd_case((2, 3, 4, 1), 1, slice(1, 2), 0.3),
        sgd_case((2, 3, 4, 1), 2, slice(None), 0.5),
    ]
