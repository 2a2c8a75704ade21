"""Helpers of the grader's tests (tests/grader/): copies of the release, and the grader run in this
process (it never imports the graded code, so that is safe and fast)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from grader.batch import grade_many
from grader.rubric import HIDDEN_DIR, load_rubric
from instructor import release

REPO = Path(__file__).resolve().parents[1]
ITEMS = {item.id: item for item in load_rubric()}
CODE_ITEMS = ["sigmoid", "forward", "grad_layer1", "grad_layer2", "grad_layer3", "grad_general", "sgd_step"]


def copy_of(stub: Path, where: Path, name: str, *, fill: bool = True, bugs=None) -> Path:
    """A copy of the release; with `fill`, the solutions put back, with `bugs` planted into them.

    `bugs` maps a file to (old, new) replacements made in the instructor's version of that file
    before its solutions are copied into the stubs (each `old` must occur exactly once)."""
    path = where / name
    shutil.copytree(stub, path)
    if fill:
        overrides = {}
        for rel, edits in (bugs or {}).items():
            text = (REPO / rel).read_text(encoding="utf-8")
            for old, new in edits:
                assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
                text = text.replace(old, new)
            overrides[rel] = text
        release.fill(path, REPO, overrides)
    return path


def grade(paths, only=None, jobs=2, hidden=True, time_limit=None) -> list[dict]:
    """Grade `paths` (one or a list) on the items `only` (default: all): the reports."""
    paths = [paths] if isinstance(paths, Path) else list(paths)
    items = [ITEMS[i] for i in only] if only else list(ITEMS.values())
    return grade_many(
        paths,
        items,
        hidden_dir=HIDDEN_DIR if hidden else None,
        notebook_source=REPO,
        jobs=jobs,
        time_limit=time_limit,
        out=io.StringIO(),
        verbose=False,
    )


def passed(report: dict) -> dict[str, bool]:
    return {item["id"]: item["status"] == "passed" for item in report["items"]}
