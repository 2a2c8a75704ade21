"""The release's markers, parsed: pure text in, text out (no files, no notebooks, no `lab`).

A *task* is what the students write; in the release its code becomes a stub raising
`NotImplementedError` with the task's text (the BEGIN line after the colon, plus any `# TASK:`
lines that follow it)::

    def sigmoid(h, out=None):
        # BEGIN STUDENT TASK: return σ(h) = 1 / (1 + e^(−h)) elementwise,
        # TASK: for an array h of any shape.
        ...the instructor's code...
        # END STUDENT TASK

Code only the instructor's copy has sits in a `# BEGIN INSTRUCTOR ONLY` / `# END INSTRUCTOR
ONLY` region: the release drops it, or puts in its place the region's `# RELEASE:` lines, with the
comment prefix removed. Such regions work in `#`-commented configuration files too::

    # BEGIN INSTRUCTOR ONLY
    # RELEASE: FAST_ENGINE = False
    FAST_ENGINE = True
    # END INSTRUCTOR ONLY
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field

# Not `# BEGIN SOLUTION`: otter-grader and nbgrader parse that themselves.
_BEGIN = re.compile(
    r"^(?P<indent>[ \t]*)# BEGIN (?:(?P<only>INSTRUCTOR ONLY)|STUDENT TASK)(?::[ \t]*(?P<task>.*?))?[ \t]*$"
)
_END = re.compile(r"^[ \t]*# END (?:(?P<only>INSTRUCTOR ONLY)|STUDENT TASK)[ \t]*$")
_TASK = re.compile(r"^[ \t]*# TASK:[ \t]?(?P<text>.*?)[ \t]*$")
_RELEASE = re.compile(r"^(?P<indent>[ \t]*)# RELEASE:(?: (?P<code>.*))?$")
ANY_MARKER = re.compile(
    r"^[ \t]*# (BEGIN STUDENT TASK|END STUDENT TASK|BEGIN INSTRUCTOR ONLY|END INSTRUCTOR ONLY|TASK:|RELEASE:)"
)


class MarkerError(ValueError):
    """A solution marker is malformed, unclosed or misplaced."""


@dataclass
class Region:
    """One marked region: a students' task ("task") or instructor-only code ("only")."""

    kind: str
    where: str  # "file:line" of the BEGIN marker
    indent: str
    task: str = ""
    body: list[str] = field(default_factory=list)  # the solution's lines, markers removed
    release: list[str] = field(default_factory=list)  # the lines that replace it in the release


def parse(text: str, where: str = "<text>") -> list[str | Region]:
    """Split source `text` into plain lines (str) and marked regions (Region), in order."""
    parts: list[str | Region] = []
    region: Region | None = None
    in_task_header = False
    for number, line in enumerate(text.split("\n"), 1):
        here = f"{where}:{number}"
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if region is not None:
                raise MarkerError(f"{here}: a BEGIN marker inside the region opened at {region.where}")
            only, task = bool(begin["only"]), (begin["task"] or "").strip()
            if only and task:
                raise MarkerError(
                    f"{here}: an INSTRUCTOR ONLY region has no task (write `# BEGIN STUDENT TASK: ...`)"
                )
            if not only and not task:
                raise MarkerError(
                    f"{here}: a task region needs its task: `# BEGIN STUDENT TASK: what to implement`"
                )
            region = Region("only" if only else "task", here, begin["indent"], task)
            in_task_header = not only
        elif end:
            if region is None:
                raise MarkerError(f"{here}: {line.strip()} without a BEGIN marker")
            if bool(end["only"]) != (region.kind == "only"):
                expected = "# END INSTRUCTOR ONLY" if region.kind == "only" else "# END STUDENT TASK"
                raise MarkerError(f"{here}: the region opened at {region.where} must close with `{expected}`")
            if region.kind == "task":
                region.release = _stub(region.indent, region.task)
                if not any(b.strip() for b in region.body):
                    raise MarkerError(f"{region.where}: the task region holds no solution code")
            parts.append(region)
            region = None
        elif _TASK.match(line):
            if region is None or region.kind != "task" or not in_task_header:
                raise MarkerError(f"{here}: `# TASK:` lines belong right after `# BEGIN STUDENT TASK: ...`")
            region.task += " " + _TASK.match(line)["text"]
        elif _RELEASE.match(line):
            if region is None or region.kind != "only":
                raise MarkerError(f"{here}: `# RELEASE:` lines belong inside an INSTRUCTOR ONLY region")
            code = _RELEASE.match(line)["code"]
            region.release.append("" if code is None else _RELEASE.match(line)["indent"] + code)
        elif region is not None:
            in_task_header = False
            region.body.append(line)
        else:
            parts.append(line)
    if region is not None:
        raise MarkerError(f"{region.where}: this region is never closed (its END marker is missing)")
    return parts


def _stub(indent: str, task: str) -> list[str]:
    """`raise NotImplementedError("<task>")` at `indent`, wrapped to stay under 100 characters."""
    one_line = f"{indent}raise NotImplementedError({json.dumps(task, ensure_ascii=False)})"
    if len(one_line) <= 100:
        return [one_line]
    chunks = textwrap.wrap(task, width=max(40, 92 - len(indent)), break_on_hyphens=False)
    chunks = [chunk + " " for chunk in chunks[:-1]] + chunks[-1:]
    inner = [f"{indent}    {json.dumps(chunk, ensure_ascii=False)}" for chunk in chunks]
    return [f"{indent}raise NotImplementedError(", *inner, f"{indent})"]


def release_text(text: str, where: str = "<text>") -> str:
    """`text` as the students get it: each task a stub, each INSTRUCTOR ONLY region its RELEASE lines."""
    out: list[str] = []
    dropped = False  # a region just dropped: the blank lines after it replace those before it
    for part in parse(text, where):
        if isinstance(part, Region):
            out.extend(part.release)
            dropped = not part.release
            continue
        if dropped and not part.strip():
            while out and not out[-1].strip():
                out.pop()
        dropped = False
        out.append(part)
    return "\n".join(out)


def fill_text(released: str, source: str, where: str = "<text>") -> str:
    """Put the task solutions of `source` into the stubs of `released` (the students' version of it).

    Stubs are found in order, verbatim; INSTRUCTOR ONLY regions stay as released. `source` may be a
    modified copy of the instructor's file: that is how the tests plant typical student bugs.
    """
    lines = released.split("\n")
    cursor = 0
    for part in parse(source, where):
        if not (isinstance(part, Region) and part.kind == "task"):
            continue
        stub = part.release
        for i in range(cursor, len(lines) - len(stub) + 1):
            if lines[i : i + len(stub)] == stub:
                lines[i : i + len(stub)] = part.body
                cursor = i + len(part.body)
                break
        else:
            raise MarkerError(f"{part.where}: its stub is not in the released file (was it edited?)")
    return "\n".join(lines)
