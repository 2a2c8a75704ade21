"""Grading one submission, item by item: the student's code computes in a sandbox, the grader judges.

For each rubric item the grader builds the item's cases (public checks, plus the hidden ones in
the instructor's checkout), writes their calls to a request file, runs `child/worker.py` on a
fresh copy of the submission in a sandbox (`grader.sandbox`), reads back its plain-data results,
and judges each case here. The results must answer every call, in order: an early exit, a
missing result, a malformed message or a faked one fails that item, and only that item.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import notebooks, sandbox
from .judge import Case, Wrong
from .rubric import PUBLIC_DIR, Item, RubricError, load_checks

WORKER = Path(__file__).resolve().parent / "child" / "worker.py"
#: The grader's own checkout (the instructor's, or a release): where the notebooks' checking
#: cells are taken from, by default.
HOME = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    id: str
    title: str
    points: float
    max_points: float
    status: str  # passed, failed, error, timed out, crashed
    detail: str  # for the student: which piece, what was expected (never a hidden input)
    seconds: float
    hidden_tests: bool

    def as_dict(self) -> dict:
        return asdict(self)


class RefusedError(ValueError):
    """The submission cannot be graded as asked (not a checkout, or it holds this grader)."""


def check_submission(path: Path, own_work: bool = False) -> Path:
    """The submission folder, resolved; refuse one that is not a checkout or that holds this grader."""
    path = Path(path)
    if not (path / "lab").is_dir():
        raise RefusedError(f"{path} has no lab/ folder: not a checkout of the pack")
    resolved = path.resolve()
    here = Path(__file__).resolve().parent
    if here.is_relative_to(resolved) and not own_work:
        raise RefusedError(
            f"this grader ({here}) lies inside the submission it would grade ({resolved}): it may be the "
            "student's own copy. Grade from your own checkout, outside the submission; a student "
            "checking their own work adds --own-work (that score is not a grade)"
        )
    return resolved


def cases_for(
    item: Item, hidden_dir: Path | None, notebook_source: Path | None, submission: Path
) -> list[Case]:
    """The item's cases: the public check's, then the hidden one's (marked hidden)."""
    if item.notebooks:
        if notebook_source is None:
            raise RubricError(f"{item.id}: no instructor's notebooks to take the checking cells from")
        return notebooks.cases(item.notebooks, submission, notebook_source)
    cases = []
    for folder, hidden in ((PUBLIC_DIR, False), (hidden_dir, True)):
        module = load_checks(folder, item.checks) if folder is not None else None
        make = getattr(module, item.id, None)
        if make is None:
            if not hidden:
                raise RubricError(f"{item.id}: public/check_{item.checks}.py has no function {item.id}()")
            continue
        for case in make():
            case.hidden = case.hidden or hidden
            cases.append(case)
    return cases


def _copy(submission: Path, into: Path) -> None:
    junk = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(submission, into, symlinks=True, ignore=junk)


def _describe_run(run: sandbox.Run, time_limit: float, expected: int, got: int) -> tuple[str, str]:
    if run.why == "timeout":
        return "timed out", f"killed after the time limit of {time_limit:g} s"
    if run.why == "output":
        return "error", f"killed: printed more than {sandbox.OUTPUT_CAP // 2**20} MiB"
    tail = [ln for ln in run.stderr.decode("utf-8", "replace").splitlines() if ln.strip()][-1:]
    last = f": {tail[0][:300]}" if tail else ""
    if run.returncode and run.returncode < 0:
        return "crashed", f"the student's code died (signal {-run.returncode}){last}"
    if got < expected:
        return "crashed", f"the process ended before answering every call ({got} of {expected}){last}"
    return "error", f"the process's results could not be read (malformed){last}"


def _results(run: sandbox.Run, cases: list[Case]) -> list[dict] | None:
    """The results in call order, or None if they are malformed, faked in form, or incomplete."""
    try:
        data = json.loads(run.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("results"), list):
        return None
    results = data["results"]
    if len(results) != len(cases) or not all(isinstance(r, dict) for r in results):
        return None
    if [r.get("id") for r in results] != [c.id for c in cases]:
        return None
    return results


def run_item(item: Item, submission: Path, cases: list[Case], workroot: Path, time_limit: float) -> Result:
    """Run one item's cases in a sandbox on a fresh copy of `submission`; judge them here."""
    start = time.monotonic()
    hidden = any(c.hidden for c in cases)
    work = Path(tempfile.mkdtemp(prefix=f"{item.id}-", dir=workroot))
    try:
        copy, tmp = work / "submission", work / "tmp"
        _copy(submission, copy)
        tmp.mkdir()
        request = work / "request.json"
        calls = [{"id": c.id, **c.call} for c in cases]
        request.write_text(json.dumps({"site": sandbox.site_dirs(), "calls": calls}), encoding="utf-8")
        argv = sandbox.command(WORKER, copy, tmp, request)
        run = sandbox.run(argv, timeout=time_limit, env=sandbox.child_env(tmp), cwd=work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def result(status: str, detail: str) -> Result:
        points = item.points if status == "passed" else 0.0
        seconds = round(time.monotonic() - start, 2)
        return Result(item.id, item.title, points, item.points, status, detail, seconds, hidden)

    results = None if run.why else _results(run, cases)
    if results is None:
        got = 0
        try:
            got = len(json.loads(run.stdout.decode("utf-8"))["results"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            pass
        return result(*_describe_run(run, time_limit, len(cases), got))
    for case, res in zip(cases, results):
        if not res.get("ok"):
            return result("failed", f"{case.what}: {str(res.get('error', 'failed'))[:500]}")
        try:
            case.judge({**res["value"], "warnings": res.get("warnings", [])})
        except Wrong as exc:
            return result("failed", str(exc) if not case.hidden else f"[hidden check] {exc}")
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            return result("error", f"{case.what}: the results could not be read ({type(exc).__name__})")
    n = len(cases)
    return result("passed", f"{n} case{'s' if n != 1 else ''}")
