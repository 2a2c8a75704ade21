"""On the readable numpy loop the notebooks are checked nbval-lax, with an hour per cell; on the
kernel, as pyproject.toml says (tests/time_budget.py says why)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_budget

from lab import engine as lab_engine

ROOT = Path(__file__).resolve().parents[1]


def _configured(readable: bool, monkeypatch, **option) -> SimpleNamespace:
    monkeypatch.setattr(time_budget, "READABLE", readable)
    option = SimpleNamespace(**{"nbval": True, "nbval_lax": False, "nbval_cell_timeout": 300, **option})
    time_budget.fit_nbval_to_engine(option)
    return option


def test_on_the_readable_loop_the_notebooks_run_lax_with_an_hour_per_cell(monkeypatch):
    option = _configured(True, monkeypatch)
    assert (option.nbval, option.nbval_lax, option.nbval_cell_timeout) == (True, True, 3600)
    assert _configured(True, monkeypatch, nbval_cell_timeout=7200).nbval_cell_timeout == 7200  # never lowered


def test_on_the_kernel_the_notebooks_are_checked_as_pyproject_says(monkeypatch):
    option = _configured(False, monkeypatch)
    assert (option.nbval, option.nbval_lax, option.nbval_cell_timeout) == (True, False, 300)


def test_without_nbval_nothing_is_switched_on(monkeypatch):
    option = _configured(True, monkeypatch, nbval=False)
    assert (option.nbval, option.nbval_lax, option.nbval_cell_timeout) == (False, False, 300)


# A test file, or one notebook alone: pytest loads the conftest.py at the top for either, so the
# notebook is switched to nbval-lax on the readable loop even when tests/ is not collected.
@pytest.mark.parametrize("target", ["tests/test_layout.py", "notebooks/01_chain_rule.ipynb"])
@pytest.mark.parametrize("engine", ["python", "numba"])
def test_the_header_says_which_engine_trains_and_how_notebooks_are_checked(engine, target):
    env = {k: v for k, v in os.environ.items() if k != "LAB_ENGINE"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--co", target],
        cwd=ROOT,
        env={**env, "LAB_ENGINE": engine},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    if engine == "python":
        expected = "lab engine: the readable numpy loop (LAB_ENGINE=python is set); notebooks: nbval-lax"
    elif lab_engine.kernel is None:  # the students' release: no kernel, so their own code trains
        expected = "lab engine: the readable numpy loop (the compiled kernel is not available"
    else:
        expected = "lab engine: the compiled kernel; notebooks: nbval (outputs compared), up to 300 s"
    assert expected in run.stdout, run.stdout[:2000]
    if engine == "python":
        assert "nbval-lax (outputs not compared), up to 3600 s per cell" in run.stdout, run.stdout[:2000]
