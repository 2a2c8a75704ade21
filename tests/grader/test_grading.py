"""The students' release and the grader (issue 5).

One release is built per session (into a temporary folder) and copied for each scenario:
the stubs as released, the solutions put back, typical student bugs planted into the
solutions, an endless loop, a crash, a syntax error. Each scenario is graded with the rubric
items it concerns. The full rubric, notebooks included, runs once on the instructor's
checkout, through the command line, in the background while the other tests run.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lab import grade, release

REPO = Path(__file__).resolve().parents[1]
GRADIENT_ITEMS = ["grad_layer1", "grad_layer2", "grad_layer3"]
CORE_ITEMS = [*GRADIENT_ITEMS, "sgd_step"]


# --------------------------------------------------------------------------- fixtures and helpers
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The students' release of this repository, built once: (folder, files written)."""
    out = tmp_path_factory.mktemp("release") / "student"
    files = release.build(out, REPO)
    return out, files


@pytest.fixture(scope="module", autouse=True)
def background(built, tmp_path_factory):
    """The two long gradings, started at once through the command line and left to run while the
    other tests do; the last two tests collect them:

    * "full": the whole rubric, notebooks included, on the instructor's checkout;
    * "solved": every item but the notebooks on the release with the solutions put back, where
      training runs on the students' `Network._sgd_step` (the slow loop).
    """
    solved = tmp_path_factory.mktemp("solved") / "student"
    shutil.copytree(built[0], solved)
    release.fill(solved, REPO)
    runs = {}
    for name, path, extra in [("full", REPO, []), ("solved", solved, ["--skip", "notebooks"])]:
        out = tmp_path_factory.mktemp(name) / "grade.json"
        proc = subprocess.Popen(
            [sys.executable, "-m", "lab.grade", str(path), "--json", str(out), "--jobs", "2", *extra],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        runs[name] = (proc, out, path)
    yield runs
    for proc, _, _ in runs.values():  # left running when only some tests were selected
        if proc.poll() is None:
            proc.terminate()  # the grader then kills its items' processes
        proc.communicate(timeout=60)


def collect(run):
    """Wait for a background grading; return (report, printed text)."""
    proc, out, _ = run
    text, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, text
    return json.loads(out.read_text()), text


def scenario(built, tmp_path, name: str, bugs: dict[str, list[tuple[str, str]]] | None = None, fill=True):
    """A copy of the release; with `fill`, the solutions put back, with `bugs` planted into them.

    `bugs` maps a file to (old, new) replacements made in the instructor's version of that file
    before its solutions are copied into the stubs (each `old` must occur exactly once).
    """
    path = tmp_path / name
    shutil.copytree(built[0], path)
    if fill:
        overrides = {}
        for rel, edits in (bugs or {}).items():
            text = (REPO / rel).read_text(encoding="utf-8")
            for old, new in edits:
                assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
                text = text.replace(old, new)
            overrides[rel] = text
        release.fill(path, REPO, overrides)
    return path


def run_grader(
    path: Path, only=None, skip=None, time_limit=None, jobs=2, rubric=grade.GRADING / "rubric.toml"
):
    """Grade `path` in this process (the grader never imports the graded `lab`): (report, printed text)."""
    out = io.StringIO()
    report = grade.grade(path, rubric=rubric, only=only, skip=skip, time_limit=time_limit, jobs=jobs, out=out)
    return report, out.getvalue()


def rubric_with_time_limits(tmp_path: Path, **limits: float) -> Path:
    """A copy of the rubric's folder (its tests, public and hidden) where the items named in
    `limits` get those time limits, in seconds; returns the copy's rubric.toml."""
    folder = tmp_path / "grading"
    shutil.copytree(grade.GRADING, folder, ignore=shutil.ignore_patterns("__pycache__"))
    rubric = folder / "rubric.toml"
    text = rubric.read_text(encoding="utf-8")
    for item, seconds in limits.items():
        block = rf'(id = "{item}"\n(?:(?!\[\[item\]\]).*\n)*?time_limit = )\S+'
        text, n = re.subn(block, rf"\g<1>{seconds:g}", text)
        assert n == 1, f"no time_limit for the item {item!r} in {rubric}"
    rubric.write_text(text, encoding="utf-8")
    return rubric


def statuses(report) -> dict[str, str]:
    return {item["id"]: item["status"] for item in report["items"]}


def check_report_text(report, text: str) -> None:
    """One line per graded item with its points, then `Score: x/y` with the report's numbers."""
    lines = text.strip().splitlines()
    assert lines[-1] == f"Score: {report['score']:g}/{report['max_score']:g}"
    for item in report["items"]:
        [line] = [ln for ln in lines if ln.split()[0] == item["id"]]
        assert f"{item['points']:g}/{item['max_points']:g}" in line.replace(" ", "")
        assert item["status"] in line


# --------------------------------------------------------------------------- the release
def test_release_holds_no_solution_code_no_hidden_tests_and_no_outputs(built):
    out, files = built
    assert release.verify(out, REPO) == []
    assert not (out / "lab" / "grading" / "hidden").exists()
    assert not (out / "lab" / "release.py").exists() and not (out / "tests" / "test_grading.py").exists()
    assert (out / "lab" / "grade.py").is_file() and (out / "lab" / "grading" / "rubric.toml").is_file()
    assert (out / ".github" / "workflows" / "grade.yml").is_file()
    # the distinctive lines of the solutions are in the instructor's files and nowhere in the release
    secrets = release.solution_lines(REPO, files)
    assert "delta = (delta @ self.W[layer].T) * self._df(p_prev)" in secrets
    assert "return np.divide(np.where(h >= 0, 1.0, e), 1.0 + e, out=out)" in secrets
    released = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*.py"))
    for line in [
        "self._df(p_prev)",
        "_sigmoid_grad(y_hat)",
        "grads = self._backward(self._forward(X), y)",
        "_sigmoid_grad_fast",
    ]:
        assert line not in released
    assert not (out / "lab" / "kernel.py").exists()  # training runs on the students' code
    hidden = {p.read_bytes() for p in (REPO / "lab" / "grading" / "hidden").glob("*.py")}
    assert hidden and not any(p.read_bytes() in hidden for p in out.rglob("*") if p.is_file())
    for nb in out.rglob("*.ipynb"):
        data = json.loads(nb.read_text(encoding="utf-8"))
        assert "widgets" not in data["metadata"]
        for cell in data["cells"]:
            assert not cell.get("outputs") and cell.get("execution_count") is None


def test_verify_catches_a_leak(built, tmp_path):
    path = scenario(built, tmp_path, "leaky", fill=False)
    shutil.copy(REPO / "lab" / "grading" / "hidden" / "test_sgd.py", path / "tests" / "test_extra.py")
    with open(path / "lab" / "data.py", "a", encoding="utf-8") as fh:
        fh.write("\n\ndef _helper(delta, self, layer, p_prev):\n")
        fh.write("    delta = (delta @ self.W[layer].T) * self._df(p_prev)\n    return delta\n")
    problems = "\n".join(release.verify(path, REPO))
    assert "tests/test_extra.py: a copy of the hidden test lab/grading/hidden/test_sgd.py" in problems
    assert "lab/data.py:" in problems and "solution code from lab/network.py" in problems


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
    released = release.release_text(source)
    stub = '    raise NotImplementedError("return twice x, as a float.")\n'
    assert released == 'def f(x):\n    """Doc."""\n' + stub + "\n\nFAST = False\n"
    assert release.fill_text(released, source) == (
        'def f(x):\n    """Doc."""\n    y = 2.0 * x\n    return y\n\n\nFAST = False\n'
    )
    for bad, message in [
        ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "needs its task"),
        ("# BEGIN SOLUTION: t\nx = 1\n", "never closed"),
        ("# BEGIN SOLUTION: t\nx = 1\n# END SOLUTION ONLY\n", "must close with `# END SOLUTION`"),
        ("x = 1\n# END SOLUTION\n", "without a BEGIN"),
        ("# RELEASE: x = 2\n", "inside a SOLUTION ONLY region"),
    ]:
        with pytest.raises(release.MarkerError, match=message):
            release.release_text(bad, "f.py")


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
                    "# BEGIN SOLUTION: compute dW\n",
                    "dW = x * 2\n",
                    "# END SOLUTION\n",
                    "print(x)",
                ],
            },
            {
                "cell_type": "code",
                "id": "d",
                "execution_count": 4,
                "metadata": {},
                "outputs": [],
                "source": ["# BEGIN SOLUTION ONLY\n", "secret = 1\n", "# END SOLUTION ONLY"],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3"}, "widgets": {"state": {}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(nb)
    out = json.loads(release.release_notebook(text, "n.ipynb"))
    assert "widgets" not in out["metadata"] and [c["id"] for c in out["cells"]] == ["m", "c"]
    code = out["cells"][1]
    assert (
        code["outputs"] == [] and code["execution_count"] is None and code["metadata"] == {"tags": ["keep"]}
    )
    assert "".join(code["source"]) == 'x = 1\nraise NotImplementedError("compute dW")\nprint(x)'
    back = json.loads(release.fill_notebook(json.dumps(out), text, "n.ipynb"))
    assert "".join(back["cells"][1]["source"]) == "x = 1\ndW = x * 2\nprint(x)"


def test_build_processes_config_files_and_leaves_out_excluded_paths(tmp_path):
    source, out = tmp_path / "source", tmp_path / "out"
    files = {
        "lab/f.py": "def f():\n    # BEGIN SOLUTION: return 1\n    return 1\n    # END SOLUTION\n",
        "pyproject.toml": (
            '[x]\n# BEGIN SOLUTION ONLY\n# RELEASE: addopts = "-ra"\n'
            'addopts = "--nbval"\n# END SOLUTION ONLY\n'
        ),
        "secret/answers.py": "x = 1\n",
        "data.bin": "\x00\x01",
    }
    for rel, text in files.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text)
    config = {"exclude": ["secret/"], "keep": [], "hidden": []}
    assert release.build(out, source, config) == ["data.bin", "lab/f.py", "pyproject.toml"]
    assert (out / "lab/f.py").read_text() == 'def f():\n    raise NotImplementedError("return 1")\n'
    assert (out / "pyproject.toml").read_text() == '[x]\naddopts = "-ra"\n'
    assert (out / "data.bin").read_bytes() == b"\x00\x01" and not (out / "secret").exists()
    (source / "setup.cfg").write_text("# BEGIN SOLUTION: a task\nx = 1\n# END SOLUTION\n")
    with pytest.raises(release.MarkerError, match="task regions belong in Python files and notebooks"):
        release.build(tmp_path / "out2", source, config)


def test_release_refuses_a_non_empty_folder_or_the_repository(tmp_path):
    (tmp_path / "something").write_text("x")
    for target in (tmp_path, REPO, REPO / "build" / "release"):
        with pytest.raises(SystemExit, match="error: OUT_DIR .* (is inside the repository|is not empty)"):
            release.main([str(target)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["something"]
    assert not (REPO / "build" / "release").exists()


# --------------------------------------------------------------------------- the grader on the release
def test_stubs_score_zero_and_the_grader_still_completes(built, tmp_path):
    path = scenario(built, tmp_path, "stubs", fill=False)
    report, text = run_grader(path, only=[*GRADIENT_ITEMS, "xor"])
    check_report_text(report, text)
    assert report["score"] == 0 and report["max_score"] > 0
    for item in report["items"]:
        assert item["status"] == "failed" and "NotImplementedError" in item["detail"], item


NETWORK = "lab/network.py"
SGD_UPDATING_FIRST = """        ps = self._forward(X)
        delta = (ps[-1] - y) / len(y) * _sigmoid_grad(ps[-1])
        for layer in reversed(range(self.n_layers)):
            W, b = self.W[layer], self.b[layer]
            W -= lr * (ps[layer].T @ delta)  # the upper layer changes first ...
            b -= lr * delta.sum(axis=0)
            if layer > 0:  # ... and the error goes down through its changed weights
                delta = (delta @ W.T) * self._df(ps[layer])"""
# name: (edits to lab/network.py, the items it must fail, items run beside them that must pass)
BUGS = {
    "sign error in the output delta": (
        [
            (
                "delta = (y_hat - y) / n * _sigmoid_grad(y_hat)",
                "delta = (y - y_hat) / n * _sigmoid_grad(y_hat)",
            )
        ],
        ["grad_layer3"],
        ["sgd_step"],
    ),
    "missing σ' factor": (
        [("delta = (delta @ self.W[layer].T) * self._df(p_prev)", "delta = delta @ self.W[layer].T")],
        ["grad_layer1", "grad_layer2"],
        ["grad_layer3"],  # the output layer's own gradient is still right
    ),
    "updating the weights before propagating to the lower layer": (
        [
            (
                "        grads = self._backward(self._forward(X), y)\n"
                "        for param, grad in zip(self.parameters(), grads):\n"
                "            param -= lr * grad",
                SGD_UPDATING_FIRST,
            )
        ],
        ["sgd_step"],
        ["grad_layer2"],  # the gradients themselves are right
    ),
    "transposed weight in the backward pass": (
        [
            (
                "delta = (delta @ self.W[layer].T) * self._df(p_prev)",
                "delta = (delta @ self.W[layer]) * self._df(p_prev)",
            )
        ],
        ["grad_layer2"],  # on the 2-3-4-1 net the shapes clash: the backward pass raises
        ["sgd_step"],
    ),
    "bias gradient not summed over the batch": (
        [("db = delta.sum(axis=0)", "db = delta[0]")],  # right for one point, wrong for a batch
        ["grad_layer1"],
        ["sgd_step"],
    ),
}


def test_each_typical_bug_loses_points_on_its_own_rubric_item(built, tmp_path):
    paths = {
        name: scenario(built, tmp_path, f"bug{i}", {NETWORK: bug[0]})
        for i, (name, bug) in enumerate(BUGS.items())
    }

    def run(name):
        _, lose, keep = BUGS[name]
        return run_grader(paths[name], only=[*lose, *keep], jobs=1)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(BUGS, pool.map(run, BUGS)))
    for name, (_, lose, keep) in BUGS.items():
        report, text = runs[name]
        check_report_text(report, text)
        assert {i: s == "passed" for i, s in statuses(report).items()} == {
            **{i: False for i in lose},
            **{i: True for i in keep},
        }, f"{name}:\n{text}"


def test_an_endless_loop_and_a_crash_cost_their_items_only(built, tmp_path):
    bugs = {
        "lab/activations.py": [
            ("    p = sigmoid(h)\n    return p * (1.0 - p)", "    while True:\n        pass")
        ],
        NETWORK: [
            (
                "        grads = self._backward(self._forward(X), y)\n",
                "        import ctypes\n\n        ctypes.string_at(0)  # a segmentation fault\n"
                "        grads = self._backward(self._forward(X), y)\n",
            )
        ],
    }
    path = scenario(built, tmp_path, "hang_and_crash", bugs)
    # The endless loop is killed at its item's time limit, from the rubric: 4 s here, so the test
    # does not wait out the real one; the other items keep theirs.
    rubric = rubric_with_time_limits(tmp_path, sigmoid=4)
    report, text = run_grader(path, only=["sigmoid", "grad_layer3", "sgd_step"], jobs=3, rubric=rubric)
    check_report_text(report, text)
    assert statuses(report) == {"sigmoid": "timed out", "grad_layer3": "passed", "sgd_step": "crashed"}, text
    assert "killed after the time limit of 4 s" in report["items"][0]["detail"], text
    assert report["score"] == 10 and report["max_score"] == 30


def test_a_student_lab_that_does_not_import_is_graded_zero_by_the_releases_own_grader(built, tmp_path):
    """The students' workflow runs `python lab/grade.py .`: it never imports their `lab`, so a syntax
    error costs points, not the report. Their copy has no hidden tests and says so."""
    path = scenario(built, tmp_path, "syntax_error", {NETWORK: [("        ps = [X]\n", "        ps = [X\n")]})
    run = subprocess.run(
        [sys.executable, "lab/grade.py", ".", "--only", "sigmoid", "--json", "grade.json"],
        cwd=path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "hidden tests: NOT AVAILABLE" in run.stdout and run.stdout.strip().endswith("Score: 0/10")
    report = json.loads((path / "grade.json").read_text())
    assert not report["hidden_tests"] and [i["status"] for i in report["items"]] == ["error"]
    assert "SyntaxError" in report["items"][0]["output"]


def test_items_start_as_new_processes_when_the_launcher_cannot_serve(monkeypatch):
    """Items are forked by a launcher process that has imported pytest and numpy once; without it,
    each starts as a new `python -m pytest`, and grades the same."""

    def gone(*args, **kwargs):
        raise grade._LauncherGone("no launcher in this test")

    monkeypatch.setattr(grade._Launcher, "start", gone)
    report, text = run_grader(REPO, only=["sigmoid", "sgd_step"])
    check_report_text(report, text)
    assert statuses(report) == {"sigmoid": "passed", "sgd_step": "passed"}, text


def test_grader_rejects_unknown_items_and_bad_paths(tmp_path, capsys):
    for args, needle in [
        ([str(REPO), "--only", "nope"], "no rubric item 'nope'"),
        ([str(tmp_path)], "has no lab/ folder"),
        ([str(REPO), "--time-limit", "0"], "--time-limit must be > 0"),
    ]:
        assert grade.main(args) == 2
        assert needle in capsys.readouterr().err


# --------------------------------------------------------------------------- the two long gradings
def test_instructors_checkout_scores_full_marks_on_the_whole_rubric(background):
    report, text = collect(background["full"])
    check_report_text(report, text)
    assert report["hidden_tests"] and report["not_graded"] == []
    assert {i["id"] for i in report["items"]} >= {
        *CORE_ITEMS,
        "sigmoid",
        "forward",
        "linear",
        "xor",
        "notebooks",
    }
    assert report["score"] == report["max_score"] > 0, text


def test_solutions_put_back_score_full_marks(background):
    report, text = collect(background["solved"])
    assert not (background["solved"][2] / "lab" / "kernel.py").exists()  # training ran on the students' code
    check_report_text(report, text)
    assert report["score"] == report["max_score"] > 0, text
    with_hidden = {item["id"] for item in report["items"] if item["hidden_tests"]}
    assert report["hidden_tests"] and with_hidden >= {*CORE_ITEMS, "sigmoid", "forward"}
