"""The committed notebooks are clean: run top to bottom, no errors or warnings, renderable widgets.

nbval (configured in pyproject.toml) re-runs every notebook and compares its outputs. These
checks catch what nbval cannot: a notebook committed without outputs (nbval would have nothing
to compare), outputs from cells run out of order, a warning or error saved in an output, a
widget whose state GitHub cannot render, and an nbval ignore marker on a cell that is not a
live widget. Each check is a function returning a list of problems, and each is shown to fail
on a deliberately broken notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EXPECTED = [
    "01_chain_rule.ipynb",
    "02_build_the_network.ipynb",
    "03_train_linear.ipynb",
    "04_train_xor.ipynb",
    "05_learning_rate_sliders.ipynb",
    "06_experiments.ipynb",
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IGNORE_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "PYTEST_VALIDATE_IGNORE_OUTPUT")
IGNORE_TAGS = ("nbval-ignore-output", "nbval-skip")


def _code_cells(nb) -> list[tuple[int, dict]]:
    """(index, cell) of every code cell with some source (nbconvert leaves empty ones unrun)."""
    return [
        (i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# ------------------------------------------------------------------------------------------- checks
def errors_and_warnings(nb) -> list[str]:
    """Outputs holding an error, or a warning or traceback written to stderr."""
    problems = []
    for i, cell in _code_cells(nb):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                problems.append(f"cell {i}: error output {out.get('ename')}: {out.get('evalue')}")
            elif out["output_type"] == "stream" and out.get("name") == "stderr":
                text = _text(out.get("text", ""))
                if re.search(r"Warning|Traceback", text):
                    problems.append(f"cell {i}: warning on stderr: {text.strip()[:200]}")
    return problems


def unexecuted(nb) -> list[str]:
    """Code cells never executed, or a notebook committed with no outputs at all."""
    cells = _code_cells(nb)
    problems = [
        f"cell {i}: never executed (execution_count is None)"
        for i, c in cells
        if c["execution_count"] is None
    ]
    if cells and not any(c.get("outputs") for _, c in cells):
        problems.append("no code cell has any output: the notebook was committed without its outputs")
    return problems


def out_of_order(nb) -> list[str]:
    """Outputs not from one top-to-bottom run: execution counts must be 1, 2, ..., n in order."""
    cells = _code_cells(nb)
    counts = [c["execution_count"] for _, c in cells]
    problems = []
    if counts != list(range(1, len(cells) + 1)):
        problems.append(
            f"execution counts {counts} are not 1..{len(cells)} in order: run the notebook top to bottom"
        )
    for i, cell in cells:
        for out in cell.get("outputs", []):
            if (
                out["output_type"] == "execute_result"
                and out.get("execution_count") != cell["execution_count"]
            ):
                number = out.get("execution_count")
                problems.append(
                    f"cell {i}: result numbered {number} in a cell run as {cell['execution_count']}"
                )
    return problems


def _widget_views(cell) -> list[str]:
    return [
        out["data"][WIDGET_VIEW].get("model_id", "")
        for out in cell.get("outputs", [])
        if out["output_type"] in ("display_data", "execute_result") and WIDGET_VIEW in out.get("data", {})
    ]


def missing_widget_state(nb) -> list[str]:
    """A widget output without metadata.widgets[WIDGET_STATE]["state"] (GitHub refuses to render it),
    or whose model is not in that state."""
    views = [(i, model) for i, cell in _code_cells(nb) for model in _widget_views(cell)]
    if not views:
        return []
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state")
    if not isinstance(state, dict):
        return [f'widget output in cell {views[0][0]} but no metadata.widgets["{WIDGET_STATE}"]["state"]']
    return [
        f"cell {i}: widget model {model!r} is not in the saved widget state"
        for i, model in views
        if model not in state
    ]


def unjustified_ignores(nb) -> list[str]:
    """nbval ignore/skip markers on cells that are not live widgets: only those may escape the comparison."""
    problems = []
    for i, cell in _code_cells(nb):
        lines = [line.strip().lstrip("#").strip() for line in _text(cell["source"]).splitlines()]
        marked = [m for m in IGNORE_MARKERS if m in lines]
        marked += [t for t in cell.get("metadata", {}).get("tags", []) if t in IGNORE_TAGS]
        if marked and not _widget_views(cell):
            problems.append(f"cell {i}: marked {marked[0]} but shows no widget: its output must be compared")
    return problems


CHECKS = [errors_and_warnings, unexecuted, out_of_order, missing_widget_state, unjustified_ignores]


def missing_notebooks(names) -> list[str]:
    """The numbered notebooks of the course that are not among `names`."""
    present = set(names)
    return [name for name in EXPECTED if name not in present]


# -------------------------------------------------------------------------- the committed notebooks
def test_all_six_numbered_notebooks_exist():
    assert missing_notebooks(p.name for p in NOTEBOOKS.glob("*.ipynb")) == []


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_committed_notebook(path, check):
    nb = nbformat.read(path, as_version=4)
    assert check(nb) == []


# ----------------------------------------------------------------- each check fails when it should
def _good():
    """A clean two-cell notebook as nbconvert --execute leaves it."""
    return new_notebook(
        cells=[
            new_markdown_cell("# what it teaches"),
            new_code_cell("import lab", execution_count=1),
            new_code_cell(
                "print(1)\n2",
                execution_count=2,
                outputs=[
                    new_output("stream", name="stdout", text="1\n"),
                    new_output("execute_result", data={"text/plain": "2"}, execution_count=2),
                ],
            ),
            new_code_cell("", execution_count=None),  # an empty cell stays unrun; that is fine
        ]
    )


def _widget_notebook(with_state: bool, model_in_state: bool = True):
    nb = _good()
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc123"}
    nb.cells.append(
        new_code_cell(
            "# NBVAL_IGNORE_OUTPUT\nexplorer",
            execution_count=3,
            outputs=[
                new_output(
                    "execute_result", data={WIDGET_VIEW: view, "text/plain": "VBox()"}, execution_count=3
                )
            ],
        )
    )
    if with_state:
        state = {"abc123": {"model_name": "VBoxModel"}} if model_in_state else {"other": {}}
        nb.metadata["widgets"] = {WIDGET_STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_a_clean_notebook_passes_every_check():
    for nb in (_good(), _widget_notebook(with_state=True)):
        nbformat.validate(nb)
        for check in CHECKS:
            assert check(nb) == [], check.__name__


def test_an_error_output_is_caught():
    nb = _good()
    nb.cells[2].outputs.append(new_output("error", ename="ValueError", evalue="bad", traceback=[]))
    assert "ValueError" in errors_and_warnings(nb)[0]


@pytest.mark.parametrize(
    "text",
    [
        "/x.py:3: RuntimeWarning: overflow encountered in exp\n",
        "DeprecationWarning: old\n",
        "Traceback (most",
    ],
)
def test_a_warning_on_stderr_is_caught(text):
    nb = _good()
    nb.cells[2].outputs.append(new_output("stream", name="stderr", text=text))
    assert len(errors_and_warnings(nb)) == 1


def test_a_warning_split_over_stream_chunks_is_caught():
    nb = _good()
    nb.cells[2].outputs.append(
        new_output("stream", name="stderr", text=["x.py:1: User", "Warning: careful\n"])
    )
    assert len(errors_and_warnings(nb)) == 1


def test_a_cell_never_executed_is_caught():
    nb = _good()
    nb.cells[2].execution_count = None
    assert "never executed" in unexecuted(nb)[0]


def test_a_notebook_without_outputs_is_caught():
    nb = _good()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    assert "without its outputs" in unexecuted(nb)[0]


def test_a_cleared_notebook_is_caught():
    nb = _good()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert len(unexecuted(nb)) == 3  # two cells never executed, and no output at all


@pytest.mark.parametrize("counts", [(2, 1), (1, 3), (2, 3), (1, 1)])
def test_outputs_not_from_one_top_to_bottom_run_are_caught(counts):
    nb = _good()
    nb.cells[1].execution_count, nb.cells[2].execution_count = counts
    nb.cells[2].outputs[1].execution_count = counts[1]
    assert "not 1..2 in order" in out_of_order(nb)[0]


def test_a_result_numbered_apart_from_its_cell_is_caught():
    nb = _good()
    nb.cells[2].outputs[1].execution_count = 7
    assert "result numbered 7" in out_of_order(nb)[0]


def test_a_widget_without_saved_state_is_caught():
    assert "no metadata.widgets" in missing_widget_state(_widget_notebook(with_state=False))[0]


def test_a_widget_state_without_its_model_is_caught():
    assert "abc123" in missing_widget_state(_widget_notebook(with_state=True, model_in_state=False))[0]


def test_an_ignore_marker_on_a_cell_without_a_widget_is_caught():
    nb = _good()
    nb.cells[2].source = "# NBVAL_IGNORE_OUTPUT\n" + nb.cells[2].source
    assert "NBVAL_IGNORE_OUTPUT" in unjustified_ignores(nb)[0]
    nb = _good()
    nb.cells[2].metadata["tags"] = ["nbval-skip"]
    assert "nbval-skip" in unjustified_ignores(nb)[0]


def test_a_missing_numbered_notebook_is_caught():
    names = [n for n in EXPECTED if not n.startswith("04")] + ["extra.ipynb"]
    assert missing_notebooks(names) == ["04_train_xor.ipynb"]
    assert missing_notebooks(EXPECTED) == []
