"""The students' release: built, verified, leaks caught, notebooks stripped, config files processed.

The marker syntax itself is tested in tests/instructor/test_markers.py, the grader on the release
in tests/grader/test_grading.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from instructor import markers, notebooks, release, verify

REPO = Path(__file__).resolve().parents[2]
HIDDEN = REPO / "instructor" / "hidden_tests"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The students' release of this repository, built once: (folder, files written)."""
    out = tmp_path_factory.mktemp("release") / "student"
    files = release.build(out, REPO)
    return out, files


def test_release_holds_no_solution_code_no_hidden_tests_and_no_outputs(built):
    out, files = built
    assert verify.verify(out, REPO) == []
    assert not (out / "instructor").exists()  # the hidden tests, this tool, the benchmark
    assert not (out / "tests" / "grader").exists() and not (out / "tests" / "grader_helpers.py").exists()
    assert not (out / "tests" / "instructor").exists()
    assert (out / "grader" / "__main__.py").is_file() and (
        out / "grader" / "rubric" / "rubric.toml"
    ).is_file()
    assert (out / "grader" / "rubric" / "public" / "check_backward.py").is_file()
    assert (out / "grader" / "child" / "worker.py").is_file()
    assert (
        not (out / "grader" / "rubric" / "public" / "reference.py").read_text()
        == (HIDDEN / "reference.py").read_text()
    )
    # the students' README, not the instructor's
    assert (out / "README.md").read_bytes() == (REPO / "instructor" / "README.students.md").read_bytes()
    assert "python -m grader . --own-work" in (out / "README.md").read_text(encoding="utf-8")
    assert (out / ".github" / "workflows" / "classroom.yml").is_file()
    assert (out / ".github" / "workflows" / "grade.yml").is_file()
    # the distinctive lines of the solutions are in the instructor's files and nowhere in the release
    secrets = verify.solution_lines(REPO, files)
    assert "delta = (delta @ self.W[layer].T) * self._df(p_prev)" in secrets
    assert "return np.divide(np.where(h >= 0, 1.0, e), 1.0 + e, out=out)" in secrets
    released = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.py"))
    for line in [
        "self._df(p_prev)",
        "activations._sigmoid_grad(y_hat)",
        "grads = self._backward(self._forward(X), y)",
        "_sigmoid_grad_fast",
    ]:
        assert line not in released
    assert not (out / "lab" / "kernel.py").exists()  # training runs on the students' code
    hidden = {p.read_bytes() for p in HIDDEN.glob("*.py")}
    assert hidden and not any(p.read_bytes() in hidden for p in out.rglob("*") if p.is_file())
    for nb in out.rglob("*.ipynb"):
        data = json.loads(nb.read_text(encoding="utf-8"))
        assert "widgets" not in data["metadata"]
        for cell in data["cells"]:
            assert not cell.get("outputs") and cell.get("execution_count") is None


def test_verify_catches_a_leak(built, tmp_path):
    path = tmp_path / "leaky"
    shutil.copytree(built[0], path)
    shutil.copy(HIDDEN / "check_sgd.py", path / "tests" / "test_extra.py")
    with open(path / "lab" / "data.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _helper(delta, self, layer, p_prev):\n")
        fh.write("    delta = (delta @ self.W[layer].T) * self._df(p_prev)\n    return delta\n")
    problems = "\n".join(verify.verify(path, REPO))
    assert "tests/test_extra.py: a copy of the hidden test instructor/hidden_tests/check_sgd.py" in problems
    assert "lab/data.py:" in problems and "solution code from lab/network.py" in problems


def test_release_notebook_strips_outputs_and_stubs_code_cells():
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# Title"]},
            {
                "cell_type": "code",
                "id": "c",
                "execution_count": 3,
                "metadata": {"execution": {"iopub.status.busy": "x"}, "tags": ["keep"]},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}],
                "source": [
                    "x = 1\n",
                    "# BEGIN STUDENT TASK: compute dW\n",
                    "dW = x * 2\n",
                    "# END STUDENT TASK\n",
                    "print(x)",
                ],
            },
            {
                "cell_type": "code",
                "id": "d",
                "execution_count": 4,
                "metadata": {},
                "outputs": [],
                "source": ["# BEGIN INSTRUCTOR ONLY\n", "secret = 1\n", "# END INSTRUCTOR ONLY"],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(nb)
    out = json.loads(notebooks.release_notebook(text, "n.ipynb"))
    assert "widgets" not in out["metadata"] and [c["id"] for c in out["cells"]] == ["m", "c"]
    code = out["cells"][1]
    assert (
        code["outputs"] == [] and code["execution_count"] is None and code["metadata"] == {"tags": ["keep"]}
    )
    assert "".join(code["source"]) == 'x = 1\nraise NotImplementedError("compute dW")\nprint(x)'
    back = json.loads(notebooks.fill_notebook(json.dumps(out), text, "n.ipynb"))
    assert "".join(back["cells"][1]["source"]) == "x = 1\ndW = x * 2\nprint(x)"


def test_build_processes_config_files_and_leaves_out_excluded_paths(tmp_path):
    source, out = tmp_path / "source", tmp_path / "out"
    files = {
        "lab/f.py": "def f():\n    # BEGIN STUDENT TASK: return 1\n    return 1\n    # END STUDENT TASK\n",
        "pyproject.toml": (
            '[x]\n# BEGIN INSTRUCTOR ONLY\n# RELEASE: addopts = "-ra"\n'
            'addopts = "--nbval"\n# END INSTRUCTOR ONLY\n'
        ),
        "secret/answers.py": "x = 1\n",
        "data.bin": "\x00\x01",
    }
    for rel, text in files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text)
    config = {"exclude": ["secret/"], "keep": [], "hidden": [], "replace": {}}
    assert release.build(out, source, config) == ["data.bin", "lab/f.py", "pyproject.toml"]
    assert (out / "lab/f.py").read_text() == 'def f():\n    raise NotImplementedError("return 1")\n'
    assert (out / "pyproject.toml").read_text() == '[x]\naddopts = "-ra"\n'
    assert (out / "data.bin").read_bytes() == b"\x00\x01" and not (out / "secret").exists()
    (source / "setup.cfg").write_text("# BEGIN STUDENT TASK: a task\nx = 1\n# END STUDENT TASK\n")
    with pytest.raises(markers.MarkerError, match="task regions belong in Python files and notebooks"):
        release.build(tmp_path / "out2", source, config)


def test_release_refuses_a_non_empty_folder_or_the_repository(tmp_path):
    (tmp_path / "something").write_text("x")
    for target in (tmp_path, REPO, REPO / "build" / "release"):
        with pytest.raises(SystemExit, match="error: OUT_DIR .* (is inside the repository|is not empty)"):
            release.main([str(target)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["something"]
    assert not (REPO / "build" / "release").exists()


def _bad_arguments(tmp: Path) -> list[tuple[list[str], str]]:
    """(argv, the error it must give): every argument the release takes from a user, made wrong."""
    (tmp / "a_file").write_text("x")
    (tmp / "not_the_pack").mkdir()
    (tmp / "not_the_pack" / "notes.txt").write_text("x")
    (tmp / "read_only").mkdir(mode=0o555)
    new = str(tmp / "new")
    return [
        ([str(tmp / "a_file")], "OUT_DIR .* is a file, not a folder"),
        ([new, "--source", str(tmp / "nowhere")], "--source .* is not a folder"),
        ([new, "--source", str(tmp / "a_file")], "--source .* is not a folder"),
        ([new, "--source", str(tmp / "not_the_pack")], "--source .* is not an instructor's checkout"),
        (["--fill", str(tmp / "nowhere")], "OUT_DIR .* is not a folder: --fill takes a students' release"),
        (["--fill", str(tmp / "a_file")], "OUT_DIR .* is not a folder"),
        (["--fill", str(tmp / "not_the_pack")], "OUT_DIR .* is not a students' release"),
        (["--fill", str(REPO)], "OUT_DIR .* is the instructor's checkout itself"),
        ([str(tmp / "a_file" / "below")], "OUT_DIR .* cannot be written: .*a_file is not a writable folder"),
    ] + (
        # root may write anywhere: the read-only folder only stops other users
        [([str(tmp / "read_only" / "out")], "OUT_DIR .* cannot be written")] if os.geteuid() != 0 else []
    )


def test_release_rejects_every_bad_argument_by_name_and_writes_nothing(tmp_path):
    cases = _bad_arguments(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    for argv, message in cases:
        with pytest.raises(SystemExit, match="python -m instructor.release: error: " + message):
            release.main(argv)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert len(cases) >= 9
