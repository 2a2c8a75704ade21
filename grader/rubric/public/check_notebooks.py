"""Re-checks of the notebooks item: what notebooks 01 and 02 computed, by the grader's reference.

The checking cells' assertions run in the sandbox, where student code runs too; these checks
run here, on the values the notebook held right after a given cell. The inputs must be the
notebook's own (the 2-4-4-1 net of seed lab.SEED = 2, its points), and every gradient must be the
finite difference of the reference loss to the notebooks' own stated rel. error of 1e-7.
"""

from __future__ import annotations

import numpy as np

from grader.judge import Wrong, array, arrays, numerical_gradient, rel_error, sibling

ref = sibling(__file__, "reference")
training = sibling(__file__, "check_training")
SEED, SIZES = 2, (2, 4, 4, 1)
PARAMS = ["W1", "b1", "W2", "b2", "W3", "b3"]
GRADS = ["dW1", "db1", "dW2", "db2", "dW3", "db3"]


def glorot(seed: int = SEED) -> list[np.ndarray]:
    """lab.Network(seed=2)'s initial weights (Glorot-uniform, drawn in layer order) and zero biases."""
    rng, params = np.random.default_rng(seed), []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        u = np.sqrt(6.0) / np.sqrt(fan_in + fan_out)
        params += [rng.uniform(-u, u, size=(fan_in, fan_out)), np.zeros(fan_out)]
    return params


def true_gradients(params, X, y) -> list[np.ndarray]:
    out = []
    for k in range(len(params)):
        trial = [p.copy() for p in params]
        out.append(numerical_gradient(lambda trial=trial: ref.loss(trial, "sigmoid", X, y), trial[k]))
    return out


def same(got, want, what: str) -> None:
    if np.shape(got) != np.shape(want) or not np.allclose(got, want, rtol=1e-12, atol=1e-15):
        raise Wrong(f"{what} is not the notebook's own (it was changed)")


def gradients_right(grads, params, X, y, where: str) -> None:
    for name, g, t in zip(GRADS, grads, true_gradients(params, X, y)):
        if np.shape(g) != t.shape:
            raise Wrong(f"{where}: {name} has shape {np.shape(g)}, expected {t.shape}")
        if not rel_error(g, t) < 1e-7:
            raise Wrong(
                f"{where}: {name} is off (rel. error {rel_error(g, t):.2g} against finite differences)"
            )


def notebook_01(values) -> None:
    one = values["c16check"]
    params = [array(one[n]) for n in PARAMS]
    for name, p, q in zip(PARAMS, params, glorot()):
        same(p, q, f"01, {name}")
    x, y = array(one["x"]), array(one["y"])
    same(x, [[0.2, 0.8]], "01, the point x")
    same(y, [[1.0]], "01, its label y")
    gradients_right([array(one[n]) for n in GRADS], params, x, y, "01, the matrix form for one point")
    batch = values["c27"]
    X, yb = array(batch["X"]), array(batch["y"])
    same(X, [[0.2, 0.8], [0.3, 0.3]], "01, the batch X")
    same(yb, [[1.0], [0.0]], "01, its labels y")
    gradients_right(arrays(batch["grads"], 6), params, X, yb, "01, the batch form")


def notebook_02(values) -> None:
    first = values["c14"]
    W, b = arrays(first["W"], 3), arrays(first["b"], 3)
    params = [a for pair in zip(W, b) for a in pair]
    for name, p, q in zip(PARAMS, params, glorot()):
        same(p, q, f"02, {name}")
    X, y = training.xor_easy()
    same(array(first["X"]), X, "02, the XOR points X")
    same(array(first["y"]), y, "02, their labels y")
    ps = arrays(first["ps"], 4)
    for k, (p, e) in enumerate(zip(ps, ref.forward(params, "sigmoid", X))):
        if np.shape(p) != e.shape or not np.allclose(p, e, rtol=1e-12, atol=1e-15):
            raise Wrong(f"02, forward: layer {k} is off")
    gradients_right(arrays(first["grads"], 6), params, X, y, "02, backward on the 21 points")
    step = values["c17"]
    x_1, y_1 = X[1:2], y[1:2]
    after = [a for pair in zip(arrays(step["W"], 3), arrays(step["b"], 3)) for a in pair]
    expected = [p - 0.8 * g for p, g in zip(params, true_gradients(params, x_1, y_1))]
    for name, p, e in zip(PARAMS, after, expected):
        if not np.allclose(p, e, rtol=0, atol=1e-9):
            raise Wrong(f"02, sgd_step on point 1 at lr 0.8: {name} is not θ − lr·∂L/∂θ")


#: notebook -> ({cell id: the names taken right after it}, the re-check of those values)
EVIDENCE = {
    "notebooks/01_chain_rule.ipynb": (
        {"c16check": ["x", "y", *PARAMS, *GRADS], "c27": ["X", "y", "grads"]},
        notebook_01,
    ),
    "notebooks/02_build_the_network.ipynb": (
        {"c14": ["X", "y", "W", "b", "ps", "grads"], "c17": ["W", "b"]},
        notebook_02,
    ),
}
