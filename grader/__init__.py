"""grader: grades submissions of the pack; student code only computes, the grader judges.

This package ships to the students, in their release and in the `backprop-lab` wheel: `python -m
grader SUBMISSION...` grades each rubric item (`grader/rubric/rubric.toml`) by running the
student's functions in a sandbox (`sandbox`: bubblewrap, resource limits, timeouts, output caps)
through `child/worker.py`, on inputs the checks choose, and judging the plain data that comes back
in this process: public checks (`grader/rubric/public/check_*.py`) and, in the instructor's
checkout, hidden ones with their reference (`instructor/hidden_tests/`, loaded by path, never
shown to the sandbox). It must never import `lab` (student code never runs in the grader's
process) nor `instructor` (which students do not have). Its modules, one question each: `rubric`
(which items, worth what?), `judge` (what is a case, and the referee), `sandbox` (where does
student code run?), `notebooks` (which cells decide the notebooks item?), `grade` (what did one
item score?), `batch` (a class at once: gradebook, feedback), `classroom` and `gradescope` (the
two platforms' formats) and `cli` (the command line).
"""

from .rubric import RubricError, load_rubric

__all__ = ["RubricError", "load_rubric"]
