"""grader: grades a checkout of the pack and prints the score, item by item.

This package ships to the students, in their release and in the `backprop-lab` wheel: `python -m
grader PATH` runs the rubric (`grader/rubric/rubric.toml`) with its public tests
(`grader/rubric/public/`) and, in the instructor's checkout, the hidden tests beside it
(`instructor/hidden_tests/`, found by path, never imported). It needs only the standard library
here and pytest (plus numpy, scipy or nbval, as the tests ask) in the processes it starts, and it
must never import `lab` (the graded code runs in those processes, never in the grader's) nor
`instructor` (which the students do not have). Its modules, one question each: `rubric` (which
items, worth what?), `processes` (how does an item's process start and stop?), `launcher` (the
process that forks them), `junit` (what did pytest report?), `item` (what did one item score?),
`grade` (the whole report) and `cli` (the command line).
"""

from .grade import grade
from .rubric import RubricError, load_rubric

__all__ = ["RubricError", "grade", "load_rubric"]
