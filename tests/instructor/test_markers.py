"""The release's markers: pure text in, text out (instructor/markers.py)."""

import pytest

from instructor import markers


def test_markers_stub_and_fill_round_trip():
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    # BEGIN SOLUTION: return twice x,\n"
        "    # TASK: as a float.\n"
        "    y = 2.0 * x\n"
        "    return y\n"
        "    # END SOLUTION\n"
        "\n"
        "\n"
        "# BEGIN SOLUTION ONLY\n"
        "# RELEASE: FAST = False\n"
        "FAST = True\n"
        "# END SOLUTION ONLY\n"
    )
    released = markers.release_text(source)
    stub = '    raise NotImplementedError("return twice x, as a float.")\n'
    assert released == 'def f(x):\n    """Doc."""\n' + stub + "\n\nFAST = False\n"
    assert markers.fill_text(released, source) == (
        'def f(x):\n    """Doc."""\n    y = 2.0 * x\n    return y\n\n\nFAST = False\n'
    )
    for bad, message in [
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "needs its task"),
        ("# BEGIN SOLUTION: t\nx = 1\n", "never closed"),
        ("# BEGIN SOLUTION: t\nx = 1\n# END SOLUTION ONLY\n", "must close with `# END SOLUTION`"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# RELEASE: x = 2\n", "inside a SOLUTION ONLY region"),
    ]:
        with pytest.raises(markers.MarkerError, match=message):
            markers.release_text(bad, "f.py")
