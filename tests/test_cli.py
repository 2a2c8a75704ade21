"""python -m lab train ...: the report's log, accuracy and figure; clean errors."""

import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=120)


def test_train_xor_prints_the_report_log_and_saves_the_figure(tmp_path):
    out = tmp_path / "xor.png"
    result = run("train", "xor", "--plot", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("epoch: 200 loss: 0.12")
    assert lines[9].startswith("epoch: 2000 loss: ")
    assert float(lines[9].split()[-1]) < 1e-3
    assert "accuracy: 1" in lines
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result.stderr == ""


def test_train_linear_with_options():
    result = run("train", "linear", "--lr", "0.5", "--epochs", "50", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == result.stdout.splitlines()[0]
    assert result.stdout.splitlines()[-1].startswith("accuracy: ")
    assert result.stdout.splitlines()[0].startswith("epoch: 5 loss: ")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["train", "circle"], "invalid choice"),
        (["train", "xor", "--lr", "-1"], "--lr"),
        (["train", "xor", "--lr", "abc"], "--lr"),
        (["train", "xor", "--lr", "nan"], "--lr"),
        (["train", "xor", "--epochs", "-5"], "--epochs"),
        (["train", "xor", "--epochs", "1.5"], "--epochs"),
        (["train", "xor", "--seed", "-2"], "--seed"),
        (["train"], "required"),
        ([], "required"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_arguments_give_one_line_and_nonzero_exit(args, needle):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_plot_path_is_a_clean_error(tmp_path):
    result = run("train", "xor", "--epochs", "1", "--plot", str(tmp_path / "no" / "such" / "dir.png"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--plot" in result.stderr


def test_diverging_run_is_a_clean_error():
    result = run("train", "linear", "--lr", "1e300", "--epochs", "3")
    # sigmoid hidden units saturate instead of overflowing: the run stalls but stays finite
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
