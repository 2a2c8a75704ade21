"""The grader on the students' release: planted bugs cost their own item, correct variants pass,
a class is graded into a gradebook, and the grader's edges (refusals, timeouts, crashes).

One release is built per session (tests/grader/conftest.py) and copied for each scenario; the
scenarios of a test are graded together, in one batch, on the items they concern.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grader_helpers import CODE_ITEMS, REPO, copy_of, grade, passed

from grader import cli, sandbox
from grader.grade import RefusedError, check_submission

NETWORK, ACTIVATIONS = "lab/network.py", "lab/activations.py"
SGD_UPDATING_FIRST = """        ps = self._forward(X)
        delta = (ps[-1] - y) / len(y) * activations._sigmoid_grad(ps[-1])
        for layer in reversed(range(self.n_layers)):
            W, b = self.W[layer], self.b[layer]
            W -= lr * (ps[layer].T @ delta)  # the upper layer changes first ...
            b -= lr * delta.sum(axis=0)
            if layer > 0:  # ... and the error goes down through its changed weights
                delta = (delta @ W.T) * self._df(ps[layer])"""
SGD_STEP = (
    "        grads = self._backward(self._forward(X), y)\n"
    "        for param, grad in zip(self.parameters(), grads):\n"
    "            param -= lr * grad"
)
SIGMA_PRIME = "    p = sigmoid(h)\n    return p * (1.0 - p)"

# name: (edits, the items it must fail); every other code item must pass
BUGS = {
    "sign error in the output delta": (
        {
            NETWORK: [
                (
                    "delta = (y_hat - y) / n * activations._sigmoid_grad(y_hat)",
                    "delta = (y - y_hat) / n * activations._sigmoid_grad(y_hat)",
                )
            ]
        },
        ["grad_layer3"],  # an output-layer slip: one item
    ),
    "missing σ' factor in the hidden layers": (
        {
            NETWORK: [
                ("delta = (delta @ self.W[layer].T) * self._df(p_prev)", "delta = delta @ self.W[layer].T")
            ]
        },
        ["grad_layer1", "grad_layer2", "grad_general"],
    ),
    "updating the weights before propagating to the lower layer (the report's bug)": (
        {NETWORK: [(SGD_STEP, SGD_UPDATING_FIRST)]},
        ["sgd_step"],
    ),
    "bias gradient not summed over the batch": (
        {NETWORK: [("db = delta.sum(axis=0)", "db = delta[0]")]},
        ["grad_layer1", "grad_layer2", "grad_layer3", "grad_general"],
    ),
    "a wrong σ'": (
        {ACTIVATIONS: [(SIGMA_PRIME, "    p = sigmoid(h)\n    return p * (1.0 + p)")]},
        ["sigmoid"],  # one σ' bug: one item (the gradient items get σ' given)
    ),
    "a wrong σ' read off p": (
        {ACTIVATIONS: [("    out *= p\n    return out", "    out *= 1.0 - p\n    return out")]},
        ["sigmoid"],
    ),
    "a forward pass without the output sigmoid": (
        {
            NETWORK: [
                (
                    "f = activations.sigmoid if layer == self.n_layers - 1 else self._f",
                    "f = self._f if layer < self.n_layers - 1 else (lambda h: h)",
                )
            ]
        },
        ["forward"],
    ),
}

# Correct code written another way: full marks on every code item.
VARIANTS = {
    "an SGD step that computes every gradient first, inline": {
        NETWORK: [
            (
                SGD_STEP,
                """        ps = [X]
        for layer, (W, b) in enumerate(zip(self.W, self.b)):
            h = ps[-1] @ W + b
            ps.append(activations.sigmoid(h) if layer == self.n_layers - 1 else self._f(h))
        delta = (ps[-1] - y) / len(y) * ps[-1] * (1.0 - ps[-1])
        grads = []
        for layer in reversed(range(self.n_layers)):
            grads[:0] = [ps[layer].T @ delta, delta.sum(axis=0)]
            if layer > 0:
                delta = (delta @ self.W[layer].T) * self._df(ps[layer])
        for param, grad in zip(self.parameters(), grads):
            param -= lr * grad""",
            )
        ]
    },
    "a sigmoid correct to a few ulp, another formula": {
        ACTIVATIONS: [
            (
                "    return np.divide(np.where(h >= 0, 1.0, e), 1.0 + e, out=out)",
                "    value = np.exp(-np.logaddexp(0.0, -h))\n"
                "    if out is None:\n        return value\n    out[...] = value\n    return out",
            )
        ]
    },
    "a forward pass written with np.dot and the transposes": {
        NETWORK: [("h = ps[-1] @ W + b  #", "h = (W.T @ ps[-1].T).T + b  #")]
    },
}


def test_each_planted_bug_costs_its_own_item_only(stub_release, tmp_path):
    paths = [copy_of(stub_release, tmp_path, f"bug{i}", bugs=bug[0]) for i, bug in enumerate(BUGS.values())]
    reports = grade(paths, only=CODE_ITEMS)
    for (name, (_, lose)), report in zip(BUGS.items(), reports):
        expected = {i: i not in lose for i in CODE_ITEMS}
        assert passed(report) == expected, f"{name}: {report['items']}"
        for item in report["items"]:
            if item["id"] in lose:
                assert item["status"] == "failed" and item["detail"], (name, item)


def test_correct_variants_score_full_marks(stub_release, tmp_path):
    paths = [copy_of(stub_release, tmp_path, f"variant{i}", bugs=v) for i, v in enumerate(VARIANTS.values())]
    for name, report in zip(VARIANTS, grade(paths, only=CODE_ITEMS)):
        assert report["score"] == report["max_score"] == 65, f"{name}: {report['items']}"


def test_public_checks_alone_catch_the_reports_update_order_bug(stub_release, tmp_path):
    path = copy_of(stub_release, tmp_path, "report_bug", bugs={NETWORK: [(SGD_STEP, SGD_UPDATING_FIRST)]})
    [report] = grade(path, only=["sgd_step", "grad_layer2"], hidden=False)
    assert passed(report) == {"sgd_step": False, "grad_layer2": True}, report
    assert not report["items"][0]["hidden_tests"]


# --------------------------------------------------------------------------- a class at once
def test_a_class_is_graded_into_a_gradebook_with_feedback(stub_release, tmp_path):
    """The issue's acceptance run: a filled release, a stub release and two planted-bug copies,
    graded in one batch through the command line (--jobs 2), into a CSV and feedback files."""
    subs = tmp_path / "subs"
    subs.mkdir()
    filled = copy_of(stub_release, subs, "alice")
    stub = copy_of(stub_release, subs, "bob", fill=False)
    bug1 = copy_of(stub_release, subs, "carol", bugs=BUGS["sign error in the output delta"][0])
    bug2 = copy_of(stub_release, subs, "dan", bugs={NETWORK: [(SGD_STEP, SGD_UPDATING_FIRST)]})
    book, feedback = tmp_path / "gradebook.csv", tmp_path / "feedback"
    run = subprocess.run(
        [sys.executable, "-m", "grader", str(filled), str(stub), str(bug1), str(bug2), "--jobs", "2"]
        + ["--csv", str(book), "--feedback", str(feedback), "--fail-under", "50"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 1, run.stderr  # bob is below 50
    assert "FAILED:" in run.stderr and "bob scored 0, below --fail-under 50" in run.stderr
    with book.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [Path(r["submission"]).name for r in rows] == ["alice", "bob", "carol", "dan"]
    assert all(r["max"] == "100" and r["status"] == "graded" for r in rows)
    items = [k for k in rows[0] if k not in ("submission", "total", "max", "status")]
    full = {"sigmoid": 10, "forward": 10, "grad_layer1": 10, "grad_layer2": 10, "grad_layer3": 10}
    full |= {"grad_general": 5, "sgd_step": 10, "linear": 10, "xor": 10, "notebooks": 15}
    assert items == list(full)
    # The planted bug costs its own code item (grad_layer3, sgd_step) and nothing else among
    # them; the end-to-end items train or run on the student's whole code, so they fail too
    # where the bug stops training (the notebooks compare lab's gradients and step with theirs).
    lost = {
        "alice": [],
        "bob": list(full),
        "carol": ["grad_layer3", "linear", "xor", "notebooks"],  # the output delta's sign: uphill
        "dan": ["sgd_step", "xor", "notebooks"],  # the report's order: XOR stays unsolved
    }
    for row in rows:
        name = Path(row["submission"]).name
        expected = {i: 0 if i in lost[name] else p for i, p in full.items()}
        assert {i: float(row[i]) for i in items} == expected, (name, row)
        assert float(row["total"]) == sum(expected.values())
    carol = (feedback / "carol.txt").read_text(encoding="utf-8")
    assert "grad_layer3: 0/10" in carol and "dW3" in carol and "Score: 55/100" in carol
    dan = (feedback / "dan.txt").read_text(encoding="utf-8")
    assert "sgd_step: 0/10" in dan and "θ − lr·∂L/∂θ" in dan
    assert sorted(p.name for p in feedback.iterdir()) == ["alice.txt", "bob.txt", "carol.txt", "dan.txt"]
    # the hidden checks' feedback names the piece, never their inputs
    assert "[hidden check]" not in (feedback / "alice.txt").read_text(encoding="utf-8")


def test_fail_under_passes_at_or_above_the_mark(stub_release, tmp_path):
    stub = copy_of(stub_release, tmp_path, "stub", fill=False)
    assert cli.main([str(stub), "--only", "sigmoid", "--fail-under", "0"]) == 0
    assert cli.main([str(stub), "--only", "sigmoid", "--fail-under", "1"]) == 1


# --------------------------------------------------------------------------- the grader's edges
def test_the_grader_refuses_to_grade_a_folder_that_holds_it(stub_release, tmp_path, capsys):
    """`python -m grader .` inside a submission would run the student's copy of the grader."""
    with pytest.raises(RefusedError, match="lies inside the submission"):
        check_submission(REPO)
    run = subprocess.run(
        [sys.executable, "-m", "grader", ".", "--only", "sigmoid"],
        cwd=stub_release,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "lies inside the submission" in run.stderr
    assert "Score" not in run.stdout.replace("Score: 0/10", "")  # nothing was graded
    own = subprocess.run(
        [sys.executable, "-m", "grader", ".", "--only", "sigmoid", "--own-work", "--no-hidden"],
        cwd=stub_release,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert own.returncode == 0 and "not a grade" in own.stdout and "Score: 0/10" in own.stdout


def test_an_endless_loop_and_a_crash_cost_their_items_only(stub_release, tmp_path):
    bugs = {
        ACTIVATIONS: [(SIGMA_PRIME, "    while True:\n        pass")],
        NETWORK: [
            (
                SGD_STEP,
                "        import ctypes\n\n        ctypes.string_at(0)  # a segmentation fault\n" + SGD_STEP,
            )
        ],
    }
    path = copy_of(stub_release, tmp_path, "hang_and_crash", bugs=bugs)
    [report] = grade(path, only=["sigmoid", "grad_layer3", "sgd_step"], time_limit=8)
    statuses = {i["id"]: i["status"] for i in report["items"]}
    assert statuses == {"sigmoid": "timed out", "grad_layer3": "passed", "sgd_step": "crashed"}, report
    assert "killed after the time limit of 8 s" in report["items"][0]["detail"]
    assert report["score"] == 10


def test_a_lab_that_does_not_import_is_graded_zero(stub_release, tmp_path):
    path = copy_of(
        stub_release, tmp_path, "syntax", bugs={NETWORK: [("        ps = [X]\n", "        ps = [X\n")]}
    )
    [report] = grade(path, only=["sigmoid", "forward"])
    assert report["score"] == 0
    assert all("SyntaxError" in i["detail"] for i in report["items"]), report


def test_without_bubblewrap_the_grader_says_so_and_still_grades(stub_release, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRADER_NO_BWRAP", "1")
    monkeypatch.setattr(sandbox, "_WARNED", False)
    filled = copy_of(stub_release, tmp_path, "filled")
    [report] = grade(filled, only=["sigmoid", "grad_layer2"])
    assert report["score"] == 20
    err = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not installed" in err and "WITHOUT a sandbox" in err


def test_grader_rejects_unknown_items_and_bad_arguments(tmp_path, capsys, stub_release):
    for args, needle in [
        ([str(stub_release), "--only", "nope"], "no rubric item 'nope'"),
        ([str(tmp_path)], "has no lab/ folder"),
        ([str(stub_release), "--time-limit", "0"], "--time-limit must be > 0"),
        ([str(stub_release), "--jobs", "0"], "--jobs must be >= 1"),
        ([str(stub_release), "--hidden", str(tmp_path / "nowhere")], "no such folder"),
    ]:
        assert cli.main(args) == 2
        assert needle in capsys.readouterr().err


def test_sigterm_stops_the_grader_kills_its_sandboxes_and_removes_its_files(stub_release, tmp_path):
    path = copy_of(
        stub_release,
        tmp_path,
        "endless",
        bugs={ACTIVATIONS: [(SIGMA_PRIME, "    while True:\n        pass")]},
    )
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", str(path), "--only", "sigmoid", "--jobs", "1"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(temp.rglob("worker.py")) and not any(temp.rglob("request.json")):
        assert time.monotonic() < deadline and proc.poll() is None, "the item never started"
        time.sleep(0.2)
    time.sleep(1.0)  # the endless loop is running in its sandbox
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err, err
    assert list(temp.iterdir()) == []
