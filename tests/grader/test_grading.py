"""The grader on the students' release (issue 5); the release's own tests are in tests/instructor/.

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

from grader import cli, processes
from grader.grade import grade
from grader.rubric import RUBRIC, RUBRIC_DIR
from instructor import release

REPO = Path(__file__).resolve().parents[2]
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
            [sys.executable, "-m", "grader", str(path), "--json", str(out), "--jobs", "2", *extra],
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


def run_grader(path: Path, only=None, skip=None, time_limit=None, jobs=2, rubric=RUBRIC):
    """Grade `path` in this process (the grader never imports the graded `lab`): (report, printed text)."""
    out = io.StringIO()
    report = grade(path, rubric=rubric, only=only, skip=skip, time_limit=time_limit, jobs=jobs, out=out)
    return report, out.getvalue()


def rubric_with_time_limits(tmp_path: Path, **limits: float) -> Path:
    """A copy of the rubric's folder (the rubric, its public tests) where the items named in
    `limits` get those time limits, in seconds; returns the copy's rubric.toml."""
    folder = tmp_path / "rubric"
    shutil.copytree(RUBRIC_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
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
        delta = (ps[-1] - y) / len(y) * activations._sigmoid_grad(ps[-1])
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
                "delta = (y_hat - y) / n * activations._sigmoid_grad(y_hat)",
                "delta = (y - y_hat) / n * activations._sigmoid_grad(y_hat)",
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
    """The students' workflow runs `python -m grader .` in their checkout, with the release's own
    grader: it never imports their `lab`, so a syntax error costs points, not the report. Their
    copy has no hidden tests and says so."""
    path = scenario(built, tmp_path, "syntax_error", {NETWORK: [("        ps = [X]\n", "        ps = [X\n")]})
    run = subprocess.run(
        [sys.executable, "-m", "grader", ".", "--only", "sigmoid", "--json", "grade.json"],
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
        raise processes.LauncherGone("no launcher in this test")

    monkeypatch.setattr(processes.Launcher, "start", gone)
    report, text = run_grader(REPO, only=["sigmoid", "sgd_step"])
    check_report_text(report, text)
    assert statuses(report) == {"sigmoid": "passed", "sgd_step": "passed"}, text


def test_grader_rejects_unknown_items_and_bad_paths(tmp_path, capsys):
    for args, needle in [
        ([str(REPO), "--only", "nope"], "no rubric item 'nope'"),
        ([str(tmp_path)], "has no lab/ folder"),
        ([str(REPO), "--time-limit", "0"], "--time-limit must be > 0"),
    ]:
        assert cli.main(args) == 2
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
