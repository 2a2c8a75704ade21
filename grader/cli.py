"""Grade a checkout of the pack from the command line.

    python -m grader [PATH] [--json FILE] [--only ITEM ...] [--skip ITEM ...]
                     [--hidden DIR] [--time-limit SECONDS] [--jobs N]

PATH (default: the current folder) is the instructor's checkout, or a student's copy of the
release with the stubs filled in. The grader imports nothing from `lab`: even a checkout whose
`lab` package fails to import gets its report. `--json FILE` writes the report as JSON too.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from .grade import grade
from .rubric import RUBRIC, RubricError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path", nargs="?", default=".", help="the checkout to grade (default: the current folder)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the report as JSON to FILE")
    parser.add_argument("--only", nargs="+", metavar="ITEM", help="grade only these rubric items")
    parser.add_argument("--skip", nargs="+", metavar="ITEM", help="leave these rubric items out")
    parser.add_argument(
        "--hidden",
        metavar="DIR",
        help="the hidden tests' folder (default: instructor/hidden_tests, in the instructor's checkout)",
    )
    parser.add_argument("--rubric", metavar="FILE", default=str(RUBRIC), help="the rubric file")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS", help="use this limit for every item")
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="run N items at once (default 1)"
    )
    args = parser.parse_args(argv)

    def stop(signum, frame):
        raise KeyboardInterrupt

    if argv is None:  # the command line: on SIGTERM as on Ctrl-C, kill the items' processes too
        signal.signal(signal.SIGTERM, stop)
    checkout = Path(args.path)
    if not (checkout / "lab").is_dir():
        print(
            f"python -m grader: error: {checkout} has no lab/ folder: not a checkout of the pack",
            file=sys.stderr,
        )
        return 2
    if args.time_limit is not None and not args.time_limit > 0:
        print("python -m grader: error: --time-limit must be > 0", file=sys.stderr)
        return 2
    try:
        report = grade(
            checkout,
            rubric=Path(args.rubric),
            hidden_dir=Path(args.hidden) if args.hidden else None,
            only=args.only,
            skip=args.skip,
            time_limit=args.time_limit,
            jobs=args.jobs,
        )
    except RubricError as exc:
        print(f"python -m grader: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("python -m grader: interrupted", file=sys.stderr)
        return 130
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0
