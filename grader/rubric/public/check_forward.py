"""Public checks of the forward item: every layer's activations against the reference, the
sigmoid and the hidden activation given (so a sigmoid bug costs the sigmoid item only)."""

from __future__ import annotations

import numpy as np

from grader.judge import Case, Wrong, array, arrays, batch, close, judge_rtol, net_spec, params_of, sibling

ref = sibling(__file__, "reference")


def forward_case(sizes, activation: str, seed: int, n: int, hidden: bool = False, public_api=False) -> Case:
    spec = net_spec(sizes, seed, activation)
    X, _ = batch(sizes[0], n, seed)
    expected = ref.forward(params_of(spec), activation, X)
    where = f"a {'-'.join(map(str, sizes))} {activation} net, batch of {n}"

    def judge(result):
        ps = arrays(
            result["ps"], len(expected), f"_forward on {where} (one array per layer: [X, p1, ..., ŷ])"
        )
        for k, (p, e) in enumerate(zip(ps, expected)):
            close(p, e, f"_forward on {where}: layer {k} (p{k})", rtol=judge_rtol.forward, atol=1e-15)
        if public_api:
            y_hat, labels = array(result["y_hat"]), array(result["labels"])
            close(y_hat, expected[-1], f"forward on {where}", rtol=judge_rtol.forward)
            if not np.array_equal(labels, (expected[-1] > 0.5).astype(float)):
                raise Wrong(f"predict on {where}: labels must be 1 where ŷ > 0.5, else 0")

    call = {"op": "forward", "net": spec, "X": X.tolist(), "public": public_api}
    return Case(f"the forward pass on {where}", call, judge, hidden=hidden)


def forward() -> list[Case]:
    return [
        forward_case((2, 3, 4, 1), "sigmoid", 0, 5, public_api=True),
        forward_case((2, 4, 4, 1), "sigmoid", 2, 7, public_api=True),
    ]
