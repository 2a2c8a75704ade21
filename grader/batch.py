"""A class at once: many submissions, graded in parallel, into a gradebook and feedback files.

Every (submission, item) pair is one task for a pool of `jobs` threads, each task one sandboxed
process; the longest items start first. The temporary folder of the run (the submissions'
copies) is removed on every way out: normal end, exception, Ctrl-C, SIGTERM (the command line
turns it into an exception) - and the items' processes are killed first.
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import sandbox
from .grade import HOME, RefusedError, Result, cases_for, check_submission, run_item
from .rubric import HIDDEN_DIR, Item


def _fmt(x: float) -> str:
    return f"{x:g}"


def default_hidden() -> Path | None:
    return HIDDEN_DIR if HIDDEN_DIR.is_dir() else None


def default_notebook_source() -> Path | None:
    return HOME if (HOME / "notebooks").is_dir() else None


def grade_many(
    submissions: list[Path],
    items: list[Item],
    *,
    hidden_dir: Path | None = None,
    notebook_source: Path | None = None,
    jobs: int = 1,
    time_limit: float | None = None,
    own_work: bool = False,
    out=sys.stdout,
    verbose: bool = True,
) -> list[dict]:
    """Grade every submission on `items`; returns one report (a dict) per submission, in order."""
    sandbox.warn_if_unsandboxed()
    reports: list[dict] = []
    tasks = []
    for path in submissions:
        report = {"path": str(path), "hidden_tests": hidden_dir is not None, "items": [], "status": "graded"}
        reports.append(report)
        try:
            resolved = check_submission(Path(path), own_work)
            case_lists = [cases_for(item, hidden_dir, notebook_source, resolved) for item in items]
        except RefusedError as exc:
            report["status"] = f"refused: {exc}"
            continue
        for item, cases in zip(items, case_lists):
            tasks.append((report, item, resolved, cases))
    root = Path(tempfile.mkdtemp(prefix="grader-"))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            order = sorted(tasks, key=lambda t: -(time_limit or t[1].time_limit))
            futures = {
                id(t): pool.submit(run_item, t[1], t[2], t[3], root, time_limit or t[1].time_limit)
                for t in order
            }
            done: dict[int, Result] = {}
            try:
                for t in tasks:
                    # each sandbox ends by its time limit; the margin covers copying the submission
                    done[id(t)] = futures[id(t)].result(timeout=len(tasks) * (600 + (time_limit or 600)))
                    report = t[0]
                    report["items"].append(done[id(t)].as_dict())
                    if verbose and len(submissions) == 1:
                        r = done[id(t)]
                        print(
                            f"{r.id:<13} {_fmt(r.points):>4}/{_fmt(r.max_points):<4} {r.title}: {r.status} "
                            f"({r.detail[:300]}, {r.seconds:.1f} s)",
                            file=out,
                            flush=True,
                        )
            except BaseException:
                for f in futures.values():
                    f.cancel()
                sandbox.kill_all()
                raise
    finally:
        for proc in list(sandbox.RUNNING):  # none on a normal end
            sandbox._kill_group(proc)
        shutil.rmtree(root, ignore_errors=True)
    for report in reports:
        report["score"] = sum(i["points"] for i in report["items"])
        report["max_score"] = sum(item.points for item in items)
        if verbose:
            name = report["path"]
            print(
                f"Score: {_fmt(report['score'])}/{_fmt(report['max_score'])}"
                + (f"  {name}" if len(submissions) > 1 else "")
                + ("" if report["status"] == "graded" else f"  ({report['status']})"),
                file=out,
                flush=True,
            )
    return reports


def write_csv(reports: list[dict], items: list[Item], path: Path) -> None:
    """The gradebook: one row per submission, each item's points, the total, the status."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["submission", *[i.id for i in items], "total", "max", "status"])
        for report in reports:
            points = {i["id"]: i["points"] for i in report["items"]}
            status = report["status"]
            if status == "graded":
                bad = [i["id"] for i in report["items"] if i["status"] in ("timed out", "crashed", "error")]
                status = "graded" if not bad else "graded; trouble in " + " ".join(bad)
            writer.writerow(
                [
                    report["path"],
                    *[_fmt(points[i.id]) if i.id in points else "" for i in items],
                    _fmt(report["score"]),
                    _fmt(report["max_score"]),
                    status,
                ]
            )


def feedback_text(report: dict) -> str:
    """What the student reads: each item, its points, and for a lost one which piece and what was
    expected (hidden checks say so, without their inputs)."""
    lines = [f"Grading of {Path(report['path']).name}", ""]
    if report["status"] != "graded":
        lines += [f"Not graded: {report['status']}", ""]
    for item in report["items"]:
        lines.append(f"{item['id']}: {_fmt(item['points'])}/{_fmt(item['max_points'])} - {item['title']}")
        if item["status"] != "passed":
            lines.append(f"    {item['status']}: {item['detail']}")
    lines += ["", f"Score: {_fmt(report['score'])}/{_fmt(report['max_score'])}"]
    return "\n".join(lines) + "\n"


def write_feedback(reports: list[dict], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written, names = [], set()
    for report in reports:
        base = Path(report["path"]).name or "submission"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        path = folder / f"{name}.txt"
        path.write_text(feedback_text(report), encoding="utf-8")
        written.append(path)
    return written
