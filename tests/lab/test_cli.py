"""python -m lab train ...: the report's log, accuracy and figure; clean errors.

Two tests run the real command line in a subprocess: the report's XOR run, and a bad argument
(one line, exit status 2, no traceback). The others call `lab.cli.main`, the function that
`python -m lab` runs, in this process: an exception would fail them outright, and a warning too
(pytest turns warnings into errors), and each saves starting Python and importing numpy, scipy
and lab again.
"""

import subprocess
import sys

import pytest

import lab
from lab import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, timeout=120)


def run_here(capsys, *args) -> tuple[int, str, str]:
    """`python -m lab ARGS` as `lab.cli.main` in this process: (exit status, stdout, stderr)."""
    try:
        status = cli.main(list(args))
    except SystemExit as exc:  # argparse exits on a bad argument
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


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
    # nothing on stderr, but the readable loop's one note where the suite runs on it
    note = lab.engine.readable_notice() + "\n"  # LAB_ENGINE=python, or no kernel (the students' release)
    assert result.stderr == ("" if lab.engine.ENGINE == "numba" else note)


def test_train_linear_with_options(capsys):
    status, out, err = run_here(capsys, "train", "linear", "--lr", "0.5", "--epochs", "50", "--seed", "3")
    assert status == 0, err
    assert out.splitlines()[-1].startswith("accuracy: ")
    assert out.splitlines()[0].startswith("epoch: 5 loss: ")


BAD_ARGUMENTS = [
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
]


@pytest.mark.parametrize("args, needle", BAD_ARGUMENTS)
def test_bad_arguments_give_one_line_and_nonzero_exit(args, needle, capsys):
    status, out, err = run_here(capsys, *args)
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err
    assert lines[0].startswith("python -m lab")


def test_a_bad_argument_on_the_real_command_line_is_one_line_without_traceback():
    result = run("train", "xor", "--lr", "-1")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--lr" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_plot_path_is_a_clean_error_before_any_training(tmp_path, capsys):
    bad = str(tmp_path / "no" / "such" / "dir.png")
    status, out, err = run_here(capsys, "train", "xor", "--epochs", "1", "--plot", bad)
    assert status == 2 and out == ""  # refused before training: no log printed
    assert err.startswith("python -m lab train: error: argument --plot: must be in an existing directory")
    assert len(err.splitlines()) == 1, err


def test_a_plot_that_cannot_be_written_is_a_clean_error(tmp_path, capsys, monkeypatch):
    from matplotlib.figure import Figure

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")  # a disk full, a file locked, ...

    monkeypatch.setattr(Figure, "savefig", refuse)
    status, _, err = run_here(capsys, "train", "xor", "--epochs", "1", "--plot", str(tmp_path / "out.png"))
    assert status == 2
    assert err.startswith("python -m lab: error: cannot save --plot") and len(err.splitlines()) == 1, err


def test_diverging_run_is_a_clean_error(capsys):
    # relu hidden units do not saturate: at lr 1e300 the first update overflows to inf
    status, out, err = run_here(
        capsys, "train", "linear", "--lr", "1e300", "--epochs", "3", "--activation", "relu"
    )
    assert status == 1, err
    assert err.startswith("python -m lab: error: training diverged in epoch 1:"), err
    assert "lr=1e+300" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "accuracy" not in out
