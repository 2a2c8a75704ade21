"""Hidden checks of the gradient items: more nets (the report's 2-4-4-1 too) and batch sizes,
graded layer by layer as the public checks are (see public/check_backward.py)."""

from grader.judge import sibling
from grader.rubric import PUBLIC_DIR, load_checks

public = load_checks(PUBLIC_DIR, "backward")
reference = sibling(__file__, "reference")


def case(sizes, activation, seed, n, layers):
    return public.backward_case(sizes, activation, seed, n, layers, hidden=True, reference=reference)


def grad_layer1():
    return [case((2, 3, 4, 1), "sigmoid", 1, 2, [1]), case((2, 4, 4, 1), "sigmoid", 2, 4, [1])]


def grad_layer2():
    return [case((2, 3, 4, 1), "sigmoid", 1, 2, [2]), case((2, 4, 4, 1), "sigmoid", 2, 4, [2])]


def grad_layer3():
    return [case((2, 3, 4, 1), "sigmoid", 1, 1, [3]), case((2, 4, 4, 1), "sigmoid", 2, 7, [3])]


def grad_general():
    return [
        case((3, 5, 2, 4, 1), "sigmoid", 4, 2, [1, 2, 3]),
        case((2, 3, 5, 2, 1), "tanh", 5, 2, [1, 2, 3]),
        case((2, 6, 3, 1), "identity", 6, 3, [1, 2]),
    ]
