"""The notebooks item: the instructor's checking cells, put back, decide it.

A checking cell is a code cell tagged `check` (cell metadata `tags`) in the instructor's
notebooks. Before a student's notebook runs, every checking cell is put back from the
instructor's copy, as nbgrader does: a deleted one is inserted again after the cell it followed,
an edited one gets its source back, a student's cell that claims the tag is dropped. The
notebook then runs, in the sandbox, up to its last checking cell (what comes after checks
nothing), and the item passes when every checking cell ran without an exception *and* the
values the notebook computed, taken right after given cells (`rubric/public/check_notebooks.py`),
are right by the grader's own reference. That second half is what a forged "every cell passed"
message cannot give: the child's word on its assertions alone is the student's word.
"""

from __future__ import annotations

import json
from pathlib import Path

from .judge import Case, Wrong
from .rubric import PUBLIC_DIR, RubricError, load_checks

TAG = "check"


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def is_check(cell) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and isinstance(tags, list) and TAG in tags


def read(path: Path) -> list[dict]:
    """A notebook's cells; a file that is not a notebook has none."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    return [c for c in cells if isinstance(c, dict)]


def restore(student: list[dict], instructor: list[dict]) -> list[dict]:
    """The code cells to run: the student's, with the instructor's checking cells put back, up to
    the last checking cell. Each: {"id", "source", "check"}."""
    checks = {c.get("id"): c for c in instructor if is_check(c)}
    kept = [c for c in student if c.get("id") not in checks and not is_check(c)]
    ids = [c.get("id") for c in kept]
    placed: dict[int, list[dict]] = {}  # position in `kept` (-1: before all) -> checking cells after it
    for i, cell in enumerate(instructor):
        if not is_check(cell):
            continue
        anchor = -1
        for before in reversed(instructor[:i]):
            if not is_check(before) and before.get("id") in ids:
                anchor = ids.index(before.get("id"))
                break
        placed.setdefault(anchor, []).append(cell)
    ordered = [*placed.get(-1, [])]
    for k, cell in enumerate(kept):
        ordered.append(cell)
        ordered.extend(placed.get(k, []))
    last = max((k for k, c in enumerate(ordered) if is_check(c) and c.get("id") in checks), default=-1)
    return [
        {"id": str(c.get("id")), "source": _source(c), "check": c.get("id") in checks and is_check(c)}
        for c in ordered[: last + 1]
        if c.get("cell_type") == "code"
    ]


def cases(paths: list[str], submission: Path, source: Path) -> list[Case]:
    """One case per notebook: run it with its checking cells put back; every checking cell must pass."""
    module = load_checks(PUBLIC_DIR, "notebooks")
    evidence = getattr(module, "EVIDENCE", {}) if module is not None else {}
    out = []
    for rel in paths:
        instructor = read(Path(source) / rel)
        checks = [c for c in instructor if is_check(c)]
        if not checks:
            raise RubricError(f"{source / rel}: no checking cells (tag '{TAG}') to grade the notebook with")
        cells = restore(read(Path(submission) / rel), instructor)
        wanted = [c["id"] for c in cells if c["check"]]
        export, recheck = evidence.get(rel, ({}, None))

        def judge(result, rel=rel, wanted=wanted, export=export, recheck=recheck):
            outcomes = {o.get("id"): o for o in result["cells"] if isinstance(o, dict)}
            for cell_id in wanted:
                outcome = outcomes.get(cell_id)
                if outcome is None:
                    raise Wrong(f"{rel}: the checking cell {cell_id} did not run")
                if not outcome.get("ok"):
                    error = str(outcome.get("error", ""))[:400]
                    raise Wrong(f"{rel}: the checking cell {cell_id} failed: {error}")
            if recheck is not None:
                values = {}
                for cell_id, names in export.items():
                    got = outcomes.get(cell_id, {}).get("values", {})
                    missing = [n for n in names if n not in got]
                    if missing:
                        raise Wrong(f"{rel}: after cell {cell_id}, {', '.join(missing)} is not defined")
                    values[cell_id] = got
                recheck(values)

        call = {"op": "notebook", "cells": cells, "export": export}
        out.append(Case(f"{rel}, its checking cells", call, judge))
    return out
