"""Grade submissions of the pack from the command line.

    python -m grader SUBMISSION... [--jobs N] [--csv FILE] [--feedback DIR] [--fail-under P]
                     [--json FILE] [--only ITEM ...] [--skip ITEM ...] [--hidden DIR]
                     [--notebooks-from DIR] [--time-limit SECONDS] [--own-work]
    python -m grader --classroom-results [PATH]     # GitHub Classroom's autograding result
    python -m grader --gradescope DIR               # write a Gradescope autograder into DIR

A SUBMISSION is a student's copy of the release (or any checkout of the pack). The grader never
imports the submission's code: each rubric item runs it in a sandbox and judges what it returns.
It refuses a submission that contains the grader itself (run it from your own checkout;
`--own-work` lets students check their own copy, and says the score is not a grade).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from .batch import default_hidden, default_notebook_source, grade_many, write_csv, write_feedback
from .rubric import RUBRIC, RubricError, load_rubric


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m grader", description=__doc__.split("\n\n")[0])
    p.add_argument("paths", nargs="*", metavar="SUBMISSION", help="the checkouts to grade (default: .)")
    p.add_argument("--jobs", "-j", type=int, default=2, metavar="N", help="sandboxes at once (default 2)")
    p.add_argument("--csv", metavar="FILE", help="write the gradebook: one row per submission")
    p.add_argument("--feedback", metavar="DIR", help="write one feedback file per submission into DIR")
    p.add_argument("--fail-under", type=float, metavar="P", help="exit 1 if any submission scores below P")
    p.add_argument("--json", metavar="FILE", help="write the full report as JSON")
    p.add_argument("--only", nargs="+", metavar="ITEM", help="grade only these rubric items")
    p.add_argument("--skip", nargs="+", metavar="ITEM", help="leave these rubric items out")
    p.add_argument("--hidden", metavar="DIR", help="the hidden checks (default: instructor/hidden_tests)")
    p.add_argument("--no-hidden", action="store_true", help="grade on the public checks only")
    p.add_argument(
        "--notebooks-from", metavar="DIR", help="the checkout whose notebooks hold the checking cells"
    )
    p.add_argument("--rubric", metavar="FILE", default=str(RUBRIC), help="the rubric file")
    p.add_argument("--time-limit", type=float, metavar="SECONDS", help="use this limit for every item")
    p.add_argument("--own-work", action="store_true", help="a student grading their own copy (no grade)")
    p.add_argument(
        "--classroom-results", action="store_true", help="print GitHub Classroom's result (base64)"
    )
    p.add_argument("--gradescope", metavar="DIR", help="write a Gradescope autograder into DIR, then exit")
    p.add_argument(
        "--gradescope-results", metavar="FILE", help="write Gradescope's results.json (one submission)"
    )
    return p


def _error(message: str) -> int:
    print(f"python -m grader: error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if argv is None:  # the command line: SIGTERM and SIGHUP end the grader as Ctrl-C does, cleanly

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
    if args.gradescope:
        from .gradescope import write_autograder

        write_autograder(Path(args.gradescope))
        print(f"wrote a Gradescope autograder to {args.gradescope} (zip its contents and upload them)")
        return 0
    if args.jobs < 1:
        return _error("--jobs must be >= 1")
    if args.time_limit is not None and not args.time_limit > 0:
        return _error("--time-limit must be > 0")
    paths = [Path(p) for p in (args.paths or ["."])]
    if (args.classroom_results or args.gradescope_results) and len(paths) != 1:
        return _error("--classroom-results and --gradescope-results grade one submission")
    for path in paths:
        if not (path / "lab").is_dir() and not args.gradescope_results:
            return _error(f"{path} has no lab/ folder: not a checkout of the pack")
    try:
        items = load_rubric(Path(args.rubric))
        ids = [i.id for i in items]
        for name in (args.only or []) + (args.skip or []):
            if name not in ids:
                raise RubricError(f"no rubric item {name!r}; the items are: {', '.join(ids)}")
        items = [i for i in items if (not args.only or i.id in args.only) and i.id not in (args.skip or [])]
        hidden = None if args.no_hidden else (Path(args.hidden) if args.hidden else default_hidden())
        if hidden is not None and not hidden.is_dir():
            raise RubricError(f"--hidden {hidden}: no such folder")
        source = Path(args.notebooks_from) if args.notebooks_from else default_notebook_source()
        own = args.own_work or args.classroom_results
        out = sys.stderr if args.classroom_results else sys.stdout
        if len(paths) == 1:
            print(f"Grading {paths[0].resolve()}", file=out)
            print(
                "hidden checks: " + (f"yes ({hidden})" if hidden else "NOT AVAILABLE - public checks only"),
                file=out,
            )
            if own:
                print(
                    "your own copy of the grader: this score is a check of your work, not a grade", file=out
                )
        reports = grade_many(
            paths,
            items,
            hidden_dir=hidden,
            notebook_source=source,
            jobs=args.jobs,
            time_limit=args.time_limit,
            own_work=own,
            out=out,
        )
    except RubricError as exc:
        return _error(str(exc))
    except KeyboardInterrupt:
        print(
            "python -m grader: interrupted; the sandboxes are killed and the temporary files removed",
            file=sys.stderr,
        )
        return 130
    if args.json:
        data = reports[0] if len(reports) == 1 else reports
        Path(args.json).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.csv:
        write_csv(reports, items, Path(args.csv))
    if args.feedback:
        write_feedback(reports, Path(args.feedback))
    if args.gradescope_results:
        from .gradescope import write_results

        write_results(reports[0], Path(args.gradescope_results))
    if args.classroom_results:
        from .classroom import result_line

        print(result_line(reports[0]))
    refused = [r for r in reports if r["status"] != "graded"]
    for r in refused:
        print(f"python -m grader: {r['path']}: {r['status']}", file=sys.stderr)
    if args.fail_under is not None:
        low = [r for r in reports if r["score"] < args.fail_under]
        for r in low:
            print(
                f"FAILED: {r['path']} scored {r['score']:g}, below --fail-under {args.fail_under:g}",
                file=sys.stderr,
            )
        if low:
            return 1
    return 1 if refused else 0
