"""The release's markers: pure text in, text out (instructor/markers.py)."""

import pytest

from instructor import markers


def test_markers_stub_and_fill_round_trip():
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    # BEGIN STUDENT TASK: return twice x,\n"
        "    # TASK: as a float.\n"
        "    y = 2.0 * x\n"
        "    return y\n"
        "    # END STUDENT TASK\n"
        "\n"
        "\n"
        "# BEGIN INSTRUCTOR ONLY\n"
        "# RELEASE: FAST = False\n"
        "FAST = True\n"
        "# END INSTRUCTOR ONLY\n"
    )
    released = markers.release_text(source)
    stub = '    raise NotImplementedError("return twice x, as a float.")\n'
    assert released == 'def f(x):\n    """Doc."""\n' + stub + "\n\nFAST = False\n"
    assert markers.fill_text(released, source) == (
        'def f(x):\n    """Doc."""\n    y = 2.0 * x\n    return y\n\n\nFAST = False\n'
    )
    for bad, message in [
        ("# BEGIN STUDENT TASK\nx = 1\n# END STUDENT TASK\n", "needs its task"),
        ("# BEGIN STUDENT TASK: t\nx = 1\n", "never closed"),
        ("# BEGIN STUDENT TASK: t\nx = 1\n# END INSTRUCTOR ONLY\n", "must close with `# END STUDENT TASK`"),
        ("x = 1\n# END STUDENT TASK\n", "without a BEGIN"),
        ("# RELEASE: x = 2\n", "inside an INSTRUCTOR ONLY region"),
    ]:
        with pytest.raises(markers.MarkerError, match=message):
            markers.release_text(bad, "f.py")


def test_otter_and_nbgrader_markers_are_plain_lines():
    """`# BEGIN SOLUTION` is otter-grader's and nbgrader's marker: ours must not take it, nor it ours."""
    text = "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n# BEGIN SOLUTION ONLY\n"
    assert markers.release_text(text, "f.py") == text
    assert markers.parse(text) == text.split("\n")
    assert markers.ANY_MARKER.match("    # BEGIN INSTRUCTOR ONLY") and markers.ANY_MARKER.match(
        "# END STUDENT TASK"
    )
    assert not markers.ANY_MARKER.match("# BEGIN SOLUTION")
