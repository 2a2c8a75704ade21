"""How long a notebook may take in the tests, on the engine that this run of the suite trains with.

On the compiled kernel the longest notebook cell (notebook 05's sweep of 15 rates x 20 seeds x
2000 epochs, 12.6 million network-updates) takes a few seconds. On the readable numpy loop
(`LAB_ENGINE=python`, a machine without numba, or the students' release, which trains on the
students' own code) one update costs 59-110 µs on this 2-core machine idle (the benchmark; a
timing of `Network.fit`) and 165-205 µs while the suite's other workers share it: that cell then
takes 12 to 43 minutes, and notebooks 05 and 06 (22.1 and 51.2 million updates) 22 to 75 and 50 to
175 minutes. The budgets below hold either.

On the readable loop the notebooks are also checked as the students' release checks them,
nbval-lax (the conftest.py at the top of the repository, which pytest loads for any test
or notebook it is given): they must run without an error, but their outputs are not compared
with the committed ones, which the kernel printed. The two engines agree to 1e-12 over short runs
(tests/lab/test_engine.py), but numpy's BLAS and its vectorised exp round differently from the
kernel's scalar loops, and over 2000 epochs at a chaotic learning rate those last-bit differences
grow into different losses and verdicts.
"""

from __future__ import annotations

from lab import engine

#: True when training runs on the readable numpy loop.
READABLE = engine.ENGINE == "python"

#: The longest a notebook cell may run on the readable loop (nbval's --nbval-cell-timeout, raised
#: to this from pyproject.toml's figure, which is sized for the kernel).
READABLE_CELL_SECONDS = 3600


def fit_nbval_to_engine(option) -> None:
    """On the readable loop, with nbval on: nbval-lax, and at least READABLE_CELL_SECONDS per cell.
    `option` is pytest's `config.option`; on the kernel, or without nbval, it is left as it is."""
    if READABLE and (option.nbval or option.nbval_lax):
        option.nbval_lax = True
        option.nbval_cell_timeout = max(option.nbval_cell_timeout or 0, READABLE_CELL_SECONDS)


def notebook_seconds(on_kernel: float) -> float:
    """The longest a whole notebook may run top to bottom (Run All in JupyterLab, nbconvert
    --execute): `on_kernel` seconds on the compiled kernel, six hours on the readable loop."""
    return 6 * 3600 if READABLE else on_kernel


def engine_line(option) -> str:
    """One line for pytest's header: which engine trains, and how the notebooks are checked, as
    `option` (pytest's `config.option`, after `fit_nbval_to_engine`) says."""
    if option.nbval_lax:
        checked = f"nbval-lax (outputs not compared), up to {option.nbval_cell_timeout:g} s per cell"
    elif option.nbval:
        checked = f"nbval (outputs compared), up to {option.nbval_cell_timeout:g} s per cell"
    else:
        checked = "not run (no --nbval)"
    if READABLE:
        return f"lab engine: the readable numpy loop ({engine._WHY_PYTHON}); notebooks: {checked}"
    return f"lab engine: the compiled kernel; notebooks: {checked}"
