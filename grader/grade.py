"""The whole grading: every chosen item, each in its own process, then the report and the score.

Each item runs with cwd and PYTHONPATH set to the graded checkout, under the item's time limit:
a crash or an endless loop in the graded code costs that item only, and the grader always prints
one line per item, then `Score: x/y`. Without hidden tests, items are graded on their public
tests only, and the report says so.
"""

from __future__ import annotations

import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from .item import Result, prepare, run_item
from .processes import RUNNING, STOPPING, kill_group
from .rubric import HIDDEN_DIR, RUBRIC, RubricError, load_rubric


def _fmt(x: float) -> str:
    return f"{x:g}"


def grade(
    checkout: Path,
    *,
    rubric: Path = RUBRIC,
    hidden_dir: Path | None = None,
    only: list[str] | None = None,
    skip: list[str] | None = None,
    time_limit: float | None = None,
    jobs: int = 1,
    out=sys.stdout,
) -> dict:
    """Grade `checkout`; prints the report to `out` as items finish and returns it as a dict."""
    checkout = Path(checkout).resolve()
    if hidden_dir is None and HIDDEN_DIR.is_dir():  # the instructor's checkout
        hidden_dir = HIDDEN_DIR
    if hidden_dir is not None and not Path(hidden_dir).is_dir():
        raise RubricError(f"--hidden {hidden_dir}: no such folder")
    hidden = hidden_dir is not None
    items = load_rubric(rubric, Path(hidden_dir) if hidden else None)
    ids = [item.id for item in items]
    for name in (only or []) + (skip or []):
        if name not in ids:
            raise RubricError(f"no rubric item {name!r}; the items are: {', '.join(ids)}")
    chosen = [i for i in items if (not only or i.id in only) and i.id not in (skip or [])]
    left_out = [i.id for i in items if i not in chosen]

    print(f"Grading {checkout}", file=out)
    print(
        "hidden tests: "
        + (f"yes ({hidden_dir})" if hidden else "NOT AVAILABLE - items are graded on their public tests only")
        + (f"; not graded this run: {', '.join(left_out)}" if left_out else ""),
        file=out,
    )
    width = max(len(i.id) for i in chosen) if chosen else 0
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lab-grade-") as tmp:
        workdir = Path(tmp)
        prepare(workdir, rubric.parent, Path(hidden_dir) if hidden else None)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            # The items with the longest time limits start first, so that with --jobs N a long
            # one (the notebooks) does not start last; the report keeps the rubric's order.
            started = {
                item.id: pool.submit(run_item, item, checkout, workdir, hidden, time_limit or item.time_limit)
                for item in sorted(chosen, key=lambda item: -item.time_limit)
            }
            futures = [started[item.id] for item in chosen]
            try:
                for future in futures:  # in rubric order, each as soon as it is done
                    r = future.result()
                    results.append(r)
                    mark = (
                        ""
                        if r.hidden_tests or not chosen[len(results) - 1].hidden
                        else " [public tests only]"
                    )
                    print(
                        f"{r.id:<{width}}  {_fmt(r.points):>4}/{_fmt(r.max_points):<4} {r.title}: "
                        f"{r.status} ({r.detail}, {r.seconds:.1f} s){mark}",
                        file=out,
                        flush=True,
                    )
            except BaseException:  # Ctrl-C, SIGTERM: stop every item's process before leaving
                STOPPING.set()
                for future in futures:
                    future.cancel()
                for proc in list(RUNNING):
                    kill_group(proc)
                raise
    score, total = sum(r.points for r in results), sum(r.max_points for r in results)
    print(f"Score: {_fmt(score)}/{_fmt(total)}", file=out, flush=True)
    return {
        "path": str(checkout),
        "hidden_tests": hidden,
        "not_graded": left_out,
        "score": score,
        "max_score": total,
        "items": [asdict(r) for r in results],
    }
