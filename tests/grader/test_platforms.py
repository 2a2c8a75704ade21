"""The grader in GitHub Classroom and Gradescope: the reporter's base64 result, and a Gradescope
autograder (setup.sh, run_autograder) whose run_autograder writes a valid results.json for a
filled release, a stub release and two planted-bug copies."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

from grader_helpers import CODE_ITEMS as CODE
from grader_helpers import REPO, copy_of

NETWORK = "lab/network.py"
SIGN_ERROR = [
    (
        "delta = (y_hat - y) / n * activations._sigmoid_grad(y_hat)",
        "delta = (y - y_hat) / n * activations._sigmoid_grad(y_hat)",
    )
]
NO_SUM = [("db = delta.sum(axis=0)", "db = delta[0]")]


def test_classroom_results_are_the_reporters_base64_json(stub_release, tmp_path):
    filled = copy_of(stub_release, tmp_path, "filled")
    run = subprocess.run(
        [sys.executable, "-m", "grader", ".", "--classroom-results", "--only", "sigmoid", "grad_layer3"],
        cwd=filled,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "not a grade" in run.stderr  # the student's own runner and grader: said on the log
    data = json.loads(base64.b64decode(run.stdout.strip()))
    assert data["version"] == 1 and data["status"] == "pass" and data["max_score"] == 20
    assert [t["name"].split(":")[0] for t in data["tests"]] == ["sigmoid", "grad_layer3"]
    for test in data["tests"]:
        assert test["status"] == "pass" and test["score"] == test["max_score"] == 10
        assert {"message", "test_code", "filename", "line_no", "duration"} <= set(test)
    workflow = (stub_release / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")
    assert "classroom-resources/autograding-grading-reporter@v1" in workflow
    assert "GRADER_RESULTS" in workflow and "--classroom-results" in workflow and "bubblewrap" in workflow


def test_gradescope_autograder_grades_filled_stub_and_buggy_releases(stub_release, tmp_path):
    autograder = tmp_path / "autograder"
    made = subprocess.run(
        [sys.executable, "-m", "grader", "--gradescope", str(autograder)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in autograder.iterdir()) == [
        "grader",
        "hidden",
        "notebooks",
        "requirements.txt",
        "run_autograder",
        "setup.sh",
    ]
    assert os.access(autograder / "run_autograder", os.X_OK) and os.access(autograder / "setup.sh", os.X_OK)
    assert "bubblewrap" in (autograder / "setup.sh").read_text()
    assert "-e ." not in (autograder / "requirements.txt").read_text().splitlines()
    # the notebooks hold the checking cells only: no solution
    nb = json.loads((autograder / "notebooks" / "01_chain_rule.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"] if c["source"]]
    assert sources and not any("BEGIN STUDENT TASK" in s for s in sources)
    subs = {
        "filled": (copy_of(stub_release, tmp_path, "filled"), []),
        "stub": (copy_of(stub_release, tmp_path, "stub", fill=False), []),
        "sign error": (
            copy_of(stub_release, tmp_path, "bug1", bugs={NETWORK: SIGN_ERROR}),
            ["--only"] + CODE,
        ),
        "no sum": (copy_of(stub_release, tmp_path, "bug2", bugs={NETWORK: NO_SUM}), ["--only"] + CODE),
    }
    scores = {}
    for name, (path, extra) in subs.items():
        results = tmp_path / f"results-{name.replace(' ', '_')}" / "results.json"
        env = dict(
            os.environ,
            GRADESCOPE_SUBMISSION=str(path),
            GRADESCOPE_RESULTS=str(results),
            PYTHON=sys.executable,
            GRADER_ARGS=" ".join(extra),
        )
        run = subprocess.run(
            [str(autograder / "run_autograder")], env=env, capture_output=True, text=True, timeout=600
        )
        assert run.returncode == 0, run.stderr
        data = json.loads(results.read_text(encoding="utf-8"))
        assert set(data) >= {"score", "tests"}
        for test in data["tests"]:
            assert set(test) == {"name", "score", "max_score", "output", "visibility"}
            assert 0 <= test["score"] <= test["max_score"] and test["visibility"] == "visible"
        assert data["score"] == sum(t["score"] for t in data["tests"])
        scores[name] = {t["name"].split(":")[0]: t["score"] for t in data["tests"]}
    assert sum(scores["filled"].values()) == 100 and len(scores["filled"]) == 10
    assert sum(scores["stub"].values()) == 0 and len(scores["stub"]) == 10
    assert [i for i, s in scores["sign error"].items() if s == 0] == ["grad_layer3"]
    assert [i for i, s in scores["no sum"].items() if s == 0] == [
        "grad_layer1",
        "grad_layer2",
        "grad_layer3",
        "grad_general",
    ]


def test_gradescope_results_say_why_when_the_submission_is_not_the_pack(tmp_path):
    results = tmp_path / "results.json"
    empty = tmp_path / "submission"
    empty.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "grader", str(empty), "--gradescope-results", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["score"] == 0 and data["tests"] == [] and "no lab/ folder" in data["output"]
