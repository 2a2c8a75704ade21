"""Hidden checks of the forward item: more nets, activations and batch sizes."""

from grader.rubric import PUBLIC_DIR, load_checks

public = load_checks(PUBLIC_DIR, "forward")


def forward():
    cases = [
        ((2, 3, 4, 1), "sigmoid", 0, 5),
        ((2, 4, 4, 1), "sigmoid", 2, 21),
        ((3, 5, 2, 1), "tanh", 1, 4),
        ((2, 6, 3, 1), "relu", 3, 6),
        ((2, 1), "sigmoid", 4, 3),
    ]
    return [public.forward_case(s, a, seed, n, hidden=True) for s, a, seed, n in cases]
