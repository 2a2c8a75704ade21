"""Hidden checks of the SGD item: the step given the reference's back-propagated gradients."""

from grader.judge import sibling
from grader.rubric import PUBLIC_DIR, load_checks

public = load_checks(PUBLIC_DIR, "sgd")
reference = sibling(__file__, "reference")


def sgd_step():
    return [
        public.sgd_case(
            (2, 3, 4, 1), 7, points, lr, hidden=True, reference=reference, gradients=reference.gradients
        )
        for points, lr in [(slice(0, 1), 0.8), (slice(3, 4), 0.3), (slice(None), 0.5)]
    ]
