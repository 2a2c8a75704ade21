"""What one rubric item scored: run its tests in their own process, under its time limit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .junit import junit_summary
from .processes import RUNNING, STOPPING, LauncherGone, kill_group, start_item
from .rubric import Item


@dataclass
class Result:
    id: str
    title: str
    points: float
    max_points: float
    status: str  # passed, failed, error, timed out, crashed
    detail: str
    seconds: float
    hidden_tests: bool
    output: str = ""


def run_item(item: Item, checkout: Path, workdir: Path, hidden: bool, time_limit: float) -> Result:
    """Run one rubric item in its own process and score it."""
    junit = workdir / "junit" / f"{item.id}.xml"
    common = ["-c", str(workdir / "pytest.ini"), f"--junitxml={junit}", "-o", "junit_suite_name=" + item.id]
    if item.notebooks:
        args = [
            "--rootdir",
            str(checkout),
            "-p",
            "nbval.plugin",
            "--nbval-lax",
            "--nbval-current-env",
            item.notebooks,
        ]
    else:
        nodes = [str(workdir / "public" / t) for t in item.public]
        nodes += [str(workdir / "hidden" / t) for t in item.hidden] if hidden else []
        args = ["--rootdir", str(workdir), *nodes]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        PYTHONPATH=str(checkout),
        LAB_GRADE_PATH=str(checkout),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        MPLBACKEND="Agg",
        PYTHONDONTWRITEBYTECODE="1",
    )
    log = workdir / "logs" / f"{item.id}.txt"
    start = time.monotonic()
    if STOPPING.is_set():
        raise KeyboardInterrupt
    proc = start_item([*common, *args], checkout, env, log, timeout=time_limit)
    RUNNING.add(proc)
    timed_out, returncode = False, None
    try:
        try:
            returncode = proc.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            timed_out = True
            returncode = proc.wait()
    except LauncherGone:
        pass  # a timeout stays a timeout; otherwise reported as a crash below
    finally:
        kill_group(proc)  # whatever it left running
        RUNNING.discard(proc)
    seconds = time.monotonic() - start
    output = log.read_bytes().decode("utf-8", "replace") if log.is_file() else ""
    total, problems = junit_summary(junit)
    tail = [line for line in output.strip().splitlines() if line.strip()][-1:] or [""]
    if timed_out:
        status, detail = "timed out", f"killed after the time limit of {time_limit:g} s"
    elif returncode is None:
        status, detail = "crashed", "the grader lost track of the test process (its launcher ended)"
    elif returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else ""
        status, detail = "crashed", f"the test process died (signal {-returncode} {name})".rstrip()
    elif returncode == 0 and total > 0 and not problems:
        status, detail = "passed", f"{total} test{'s' if total > 1 else ''}"
    elif returncode in (2, 3, 4, 5):  # the tests could not run: a collection or usage error
        status = "error"
        detail = problems[0] if problems else f"pytest exit status {returncode}: {tail[0][:200]}"
    elif problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        status, detail = "failed", problems[0] + more
    else:
        status, detail = "crashed", f"the test process exited with status {returncode}: {tail[0][:200]}"
    return Result(
        id=item.id,
        title=item.title,
        points=item.points if status == "passed" else 0.0,
        max_points=item.points,
        status=status,
        detail=detail,
        seconds=round(seconds, 2),
        hidden_tests=hidden and bool(item.hidden),
        output="" if status == "passed" else output[-4000:],
    )


def prepare(workdir: Path, rubric_dir: Path, hidden_dir: Path | None) -> None:
    """Copy the grading tests to `workdir`, away from the graded checkout and from the instructor's tree."""
    for name in ("pytest.ini", "conftest.py"):
        shutil.copy2(rubric_dir / name, workdir / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".git")
    shutil.copytree(rubric_dir / "public", workdir / "public", ignore=ignore)
    if hidden_dir is not None:
        shutil.copytree(hidden_dir, workdir / "hidden", ignore=ignore)
    (workdir / "junit").mkdir()
    (workdir / "logs").mkdir()
