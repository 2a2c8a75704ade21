"""The students' release: solutions out, stubs in, notebook outputs stripped, hidden tests left out.

    python -m lab.release OUT_DIR        # write the students' copy of this repository, then verify it
    python -m lab.release --fill DIR     # put the instructor's solutions back into a release (to test it)

Solution regions are marked with comment lines, in Python files and in notebook code cells alike.
A *task* is what the students write; in the release its code becomes a stub raising
`NotImplementedError` with the task's text (the BEGIN line after the colon, plus any `# TASK:`
lines that follow it)::

    def sigmoid(h, out=None):
        # BEGIN SOLUTION: return σ(h) = 1 / (1 + e^(−h)) elementwise,
        # TASK: for an array h of any shape.
        ...the instructor's code...
        # END SOLUTION

Code only the instructor's copy has (a fast path that would do the students' work for them) sits
in a `# BEGIN SOLUTION ONLY` / `# END SOLUTION ONLY` region: the release drops it, or puts in its
place the region's `# RELEASE:` lines, with the comment prefix removed. Such regions work in
`#`-commented configuration files too (pyproject.toml, requirements.txt, *.yml, ...)::

    # BEGIN SOLUTION ONLY
    # RELEASE: FAST_ENGINE = False
    FAST_ENGINE = True
    # END SOLUTION ONLY

What the release leaves out (the hidden tests, this tool, ...) is listed in
`lab/grading/release.toml`. Afterwards the release is verified: no marker and no distinctive line of
any solution region is left in it, no hidden test, no notebook output, every module of its `lab`
imports, and every path that trains or differentiates runs into a stub.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).resolve().parent / "grading" / "release.toml"

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION(?P<only> ONLY)?(?::[ \t]*(?P<task>.*?))?[ \t]*$")
_END = re.compile(r"^[ \t]*# END SOLUTION(?P<only> ONLY)?[ \t]*$")
_TASK = re.compile(r"^[ \t]*# TASK:[ \t]?(?P<text>.*?)[ \t]*$")
_RELEASE = re.compile(r"^(?P<indent>[ \t]*)# RELEASE:(?: (?P<code>.*))?$")
_ANY_MARKER = re.compile(r"^[ \t]*# (BEGIN SOLUTION|END SOLUTION|TASK:|RELEASE:)")

#: Files whose SOLUTION ONLY regions are processed too: they take `#` comments (pyproject.toml, say).
#: Task regions (stubs) belong in Python files and notebooks only.
_CONFIG_SUFFIXES = (".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ".sh")

#: Never copied, whatever the configuration says: caches and build leftovers.
_JUNK = [
    "*/__pycache__/*",
    "__pycache__/*",
    "*.pyc",
    "*.egg-info/*",
    ".ipynb_checkpoints/*",
    "*/.ipynb_checkpoints/*",
]


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
                raise MarkerError(f"{here}: BEGIN SOLUTION inside the region opened at {region.where}")
            only, task = bool(begin["only"]), (begin["task"] or "").strip()
            if only and task:
                raise MarkerError(
                    f"{here}: a SOLUTION ONLY region has no task (write `# BEGIN SOLUTION: ...`)"
                )
            if not only and not task:
                raise MarkerError(
                    f"{here}: a task region needs its task: `# BEGIN SOLUTION: what to implement`"
                )
            region = Region("only" if only else "task", here, begin["indent"], task)
            in_task_header = not only
        elif end:
            if region is None:
                raise MarkerError(f"{here}: END SOLUTION without a BEGIN SOLUTION")
            if bool(end["only"]) != (region.kind == "only"):
                expected = "# END SOLUTION ONLY" if region.kind == "only" else "# END SOLUTION"
                raise MarkerError(f"{here}: the region opened at {region.where} must close with `{expected}`")
            if region.kind == "task":
                region.release = _stub(region.indent, region.task)
                if not any(b.strip() for b in region.body):
                    raise MarkerError(f"{region.where}: the task region holds no solution code")
            parts.append(region)
            region = None
        elif _TASK.match(line):
            if region is None or region.kind != "task" or not in_task_header:
                raise MarkerError(f"{here}: `# TASK:` lines belong right after `# BEGIN SOLUTION: ...`")
            region.task += " " + _TASK.match(line)["text"]
        elif _RELEASE.match(line):
            if region is None or region.kind != "only":
                raise MarkerError(f"{here}: `# RELEASE:` lines belong inside a SOLUTION ONLY region")
            code = _RELEASE.match(line)["code"]
            region.release.append("" if code is None else _RELEASE.match(line)["indent"] + code)
        elif region is not None:
            in_task_header = False
            region.body.append(line)
        else:
            parts.append(line)
    if region is not None:
        raise MarkerError(f"{region.where}: this region is never closed (END SOLUTION missing)")
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
    """`text` as the students get it: each task a stub, each SOLUTION ONLY region its RELEASE lines."""
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

    Stubs are found in order, verbatim; SOLUTION ONLY regions stay as released. `source` may be a
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


# --------------------------------------------------------------------------- notebooks
def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_cell_source(cell, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _dump_notebook(nb) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def release_notebook(text: str, where: str) -> str:
    """A notebook's JSON text as the students get it: solutions stubbed in code cells, no outputs,
    no execution counts, no widget state, no execution timings. Cells left empty are dropped."""
    nb = json.loads(text)
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = release_text(_cell_source(cell), f"{where} cell {index}")
            if not source.strip() and _cell_source(cell).strip():
                continue  # a cell that was all instructor-only code
            _set_cell_source(cell, source)
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)
        cells.append(cell)
    nb["cells"] = cells
    nb.get("metadata", {}).pop("widgets", None)
    return _dump_notebook(nb)


def fill_notebook(released: str, source: str, where: str) -> str:
    """Put the task solutions of notebook `source` into the stubs of a released notebook.

    Cells are matched by their id (the release keeps the ids)."""
    nb, src = json.loads(released), json.loads(source)
    by_id = {cell.get("id"): cell for cell in nb.get("cells", [])}
    for index, cell in enumerate(src.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        text = _cell_source(cell)
        if not any(isinstance(p, Region) and p.kind == "task" for p in parse(text, f"{where} cell {index}")):
            continue
        target = by_id.get(cell.get("id"))
        if target is None:
            raise MarkerError(f"{where} cell {index}: no cell with id {cell.get('id')!r} in the release")
        _set_cell_source(target, fill_text(_cell_source(target), text, f"{where} cell {index}"))
    return _dump_notebook(nb)


# --------------------------------------------------------------------------- the file set
def load_config(path: Path = CONFIG) -> dict:
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    config.setdefault("exclude", [])
    config.setdefault("keep", [])
    config.setdefault("hidden", [])
    return config


def _matches(rel: str, patterns) -> bool:
    return any(
        fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p.rstrip("/") + "/*") for p in patterns
    )


def source_files(source: Path) -> list[str]:
    """The repository's files (posix, relative): git's tracked and untracked-but-not-ignored files,
    or, outside git, every file but caches."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=source,
            capture_output=True,
            check=True,
        ).stdout.decode()
        files = [f for f in listing.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = [
            p.relative_to(source).as_posix()
            for p in source.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(source).parts
        ]
    return sorted(f for f in files if (source / f).is_file() and not _matches(f, _JUNK))


def release_files(source: Path, config: dict) -> list[str]:
    """The files that go into the release: everything but the excluded (unless kept)."""
    return [
        f for f in source_files(source) if not _matches(f, config["exclude"]) or _matches(f, config["keep"])
    ]


# --------------------------------------------------------------------------- build
def _check_out_dir(out: Path, source: Path) -> None:
    out_r, source_r = out.resolve(), source.resolve()
    if out_r == source_r or out_r.is_relative_to(source_r):
        raise SystemExit(
            f"python -m lab.release: error: OUT_DIR {out} is inside the repository {source}; "
            "write the release somewhere else"
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SystemExit(
            f"python -m lab.release: error: OUT_DIR {out} exists and is not empty; give a new or empty folder"
        )


def build(out: Path, source: Path = REPO, config: dict | None = None) -> list[str]:
    """Write the students' release of `source` into `out` (new or empty); returns the files written."""
    config = load_config() if config is None else config
    out, source = Path(out), Path(source)
    _check_out_dir(out, source)
    files = release_files(source, config)
    for rel in files:
        src, dst = source / rel, out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".py"):
            dst.write_text(release_text(src.read_text(encoding="utf-8"), rel), encoding="utf-8")
        elif rel.endswith(_CONFIG_SUFFIXES):
            text = src.read_text(encoding="utf-8")
            tasks = [p for p in parse(text, rel) if isinstance(p, Region) and p.kind == "task"]
            if tasks:
                raise MarkerError(f"{tasks[0].where}: task regions belong in Python files and notebooks")
            dst.write_text(release_text(text, rel), encoding="utf-8")
        elif rel.endswith(".ipynb"):
            dst.write_text(release_notebook(src.read_text(encoding="utf-8"), rel), encoding="utf-8")
        else:
            shutil.copy2(src, dst)
    return files


def fill(release_dir: Path, source: Path = REPO, overrides: dict[str, str] | None = None) -> list[str]:
    """Put the instructor's task solutions into the stubs of a release, as a student would.

    `overrides` maps a relative path to source text used instead of the instructor's file (a copy
    with a planted bug, say). Returns the files changed.
    """
    release_dir, source = Path(release_dir), Path(source)
    overrides = overrides or {}
    changed = []
    for path in sorted(release_dir.rglob("*")):
        rel = path.relative_to(release_dir).as_posix()
        if not (path.is_file() and rel.endswith((".py", ".ipynb"))) or _matches(rel, _JUNK):
            continue
        if rel in overrides:
            src = overrides[rel]
        elif (source / rel).is_file():
            src = (source / rel).read_text(encoding="utf-8")
        else:
            continue
        released = path.read_text(encoding="utf-8")
        filled = (
            fill_notebook(released, src, rel) if rel.endswith(".ipynb") else fill_text(released, src, rel)
        )
        if filled != released:
            path.write_text(filled, encoding="utf-8")
            changed.append(rel)
    return changed


# --------------------------------------------------------------------------- verify
def _code_texts(root: Path, files) -> dict[str, str]:
    """Python files, notebook code cells and `#`-commented configuration files of `files` under
    `root`, as text, keyed by a location."""
    texts = {}
    for rel in files:
        path = root / rel
        if rel.endswith((".py", *_CONFIG_SUFFIXES)):
            texts[rel] = path.read_text(encoding="utf-8")
        elif rel.endswith(".ipynb"):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for index, cell in enumerate(nb.get("cells", [])):
                if cell.get("cell_type") == "code":
                    texts[f"{rel} cell {index}"] = _cell_source(cell)
    return texts


def _distinctive(line: str) -> str | None:
    """A normalised solution line worth scanning for, or None (too short or too generic to tell)."""
    s = " ".join(line.split("  #")[0].split())  # code only: ruff puts two spaces before a comment
    if len(s) < 12 or s.startswith(("#", '"', "'", "@")) or not re.search(r"[A-Za-z]", s):
        return None
    return s


def solution_lines(source: Path, files) -> dict[str, str]:
    """Distinctive lines of every solution region in `files`: line -> where it comes from.

    A line that also appears outside every region of the instructor's code, or in a region's
    release text, is not distinctive (`return out`, say) and is left out.
    """
    inside, outside = {}, set()
    for where, text in _code_texts(source, files).items():
        for part in parse(text, where):
            if isinstance(part, Region):
                for line in part.body:
                    if (s := _distinctive(line)) is not None:
                        inside.setdefault(s, part.where)
                for line in part.release:  # what the release is meant to hold
                    if (s := _distinctive(line)) is not None:
                        outside.add(s)
            elif (s := _distinctive(part)) is not None:
                outside.add(s)
    return {s: where for s, where in inside.items() if s not in outside}


#: Code shapes of back-propagation: dW = pᵀ δ, δ Wᵀ, σ' = p(1 − p). Found outside solution
#: regions, they are reported as warnings (a notebook may teach them on purpose).
_GRADIENT_SHAPES = [
    re.compile(r"\.T\s*@\s*delta"),
    re.compile(r"delta\w*\s*@\s*[\w\[\]\.]*\.T\b"),
    re.compile(r"\b(\w+)\s*\*\s*\(\s*1(?:\.0)?\s*-\s*\1\s*\)"),
    re.compile(r"\(\s*1(?:\.0)?\s*-\s*(\w+)\s*\)\s*\*\s*\1\b"),
]


def gradient_code(root: Path, files, allow=()) -> list[str]:
    """Lines of `files` under `root` that look like back-propagation (see _GRADIENT_SHAPES)."""
    hits = []
    for where, text in _code_texts(root, [f for f in files if not _matches(f, allow)]).items():
        for number, line in enumerate(text.split("\n"), 1):
            code = line.split("#")[0]
            if any(p.search(code) for p in _GRADIENT_SHAPES):
                hits.append(f"{where}:{number}: {line.strip()}")
    return hits


_PROBE = r"""
import importlib, os, pkgutil, sys
import numpy as np
import lab
root = os.path.realpath(sys.argv[1])
if not os.path.realpath(lab.__file__).startswith(root + os.sep):
    sys.exit(f"lab was imported from {lab.__file__}, not from the release {root}")
for module in pkgutil.iter_modules(lab.__path__):
    if module.name != "__main__":
        importlib.import_module("lab." + module.name)
from lab import activations, engine
X, y = lab.generate_xor_easy()
net = lambda: lab.Network((2, 3, 4, 1), seed=0)
probes = {
    "activations.sigmoid": lambda: activations.sigmoid(np.zeros(3)),
    "activations.sigmoid_derivative": lambda: activations.sigmoid_derivative(np.zeros(3)),
    "activations._sigmoid_grad": lambda: activations._sigmoid_grad(np.full(3, 0.5)),
    "Network.forward": lambda: net().forward(X),
    "Network.gradients": lambda: net().gradients(X, y),
    "Network._backward (given activations)": lambda: net()._backward(
        [X, np.full((21, 3), 0.5), np.full((21, 4), 0.5), np.full((21, 1), 0.5)], y
    ),
    "Network.sgd_step": lambda: net().sgd_step(X[:1], y[:1], 0.8),
    "Network.fit": lambda: net().fit(X, y, epochs=1),
    "train_many": lambda: lab.train_many([net(), lab.Network((2, 3, 4, 1), seed=1)], X, y, epochs=1),
    "check_gradients": lambda: lab.check_gradients(net(), X, y),
}
for name, probe in probes.items():
    try:
        probe()
    except NotImplementedError:
        continue
    except Exception as exc:
        print(f"{name}: raised {type(exc).__name__}: {exc} (expected the stub's NotImplementedError)")
    else:
        print(f"{name}: ran to the end without reaching a stub: it computes what the students must write")
if engine.kernel is not None:
    print("lab.kernel is in the release: training would bypass the students' code")
"""


def verify(out: Path, source: Path = REPO, config: dict | None = None) -> list[str]:
    """Check a built release; returns the problems found (empty: the release is fit to hand out)."""
    config = load_config() if config is None else config
    out, source = Path(out), Path(source)
    problems = []
    written = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    for rel in written:
        if _matches(rel, config["exclude"]) and not _matches(rel, config["keep"]):
            problems.append(f"{rel}: this path is excluded from the release")
    # hidden tests: not by path, and not by content anywhere
    hidden = [f for f in source_files(source) if _matches(f, config["hidden"])]
    if not hidden:
        problems.append(f"no hidden tests found in {source} (patterns {config['hidden']})")
    digests = {hashlib.sha256((source / f).read_bytes()).hexdigest(): f for f in hidden}
    for rel in written:
        digest = hashlib.sha256((out / rel).read_bytes()).hexdigest()
        if digest in digests and (out / rel).stat().st_size > 0:
            problems.append(f"{rel}: a copy of the hidden test {digests[digest]}")
    # no markers, no solution lines
    secrets = solution_lines(source, release_files(source, config))
    if not secrets:
        problems.append(f"no solution regions found in {source}: nothing was taken out")
    for where, text in _code_texts(out, written).items():
        for number, line in enumerate(text.split("\n"), 1):
            if _ANY_MARKER.match(line):
                problems.append(f"{where}:{number}: a solution marker is left: {line.strip()}")
            s = _distinctive(line)
            if s is not None and s in secrets:
                problems.append(f"{where}:{number}: solution code from {secrets[s]} is left: {s}")
    # notebooks hold no outputs
    for rel in written:
        if rel.endswith(".ipynb"):
            nb = json.loads((out / rel).read_text(encoding="utf-8"))
            if "widgets" in nb.get("metadata", {}):
                problems.append(f"{rel}: widget state is left in the notebook metadata")
            for index, cell in enumerate(nb.get("cells", [])):
                if cell.get("outputs") or cell.get("execution_count") is not None:
                    problems.append(f"{rel} cell {index}: outputs or an execution count are left")
    # every module imports, and every path that trains or differentiates runs into a stub
    if (out / "lab" / "__init__.py").is_file():
        env = dict(os.environ, PYTHONPATH=str(out.resolve()), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, str(out.resolve())],
            cwd=out,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        problems += [f"probe: {line}" for line in run.stdout.splitlines() if line.strip()]
        if run.returncode != 0:
            problems.append(f"probe: importing the release's lab failed: {run.stderr.strip()[-2000:]}")
    else:
        problems.append("lab/__init__.py is missing from the release")
    return problems


# --------------------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.release", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="a new or empty folder outside the repository")
    parser.add_argument(
        "--fill",
        action="store_true",
        help="instead: put the instructor's solutions into the stubs of the release in OUT_DIR",
    )
    parser.add_argument("--source", default=str(REPO), help="the instructor's checkout (default: this one)")
    args = parser.parse_args(argv)
    out, source = Path(args.out_dir), Path(args.source)
    try:
        if args.fill:
            changed = fill(out, source)
            print(f"filled the stubs of {len(changed)} files in {out}: " + ", ".join(changed))
            return 0
        _check_out_dir(out, source)
        created = not out.exists()
        files = build(out, source)
        problems = verify(out, source)
    except MarkerError as exc:
        print(f"python -m lab.release: error: {exc}", file=sys.stderr)
        return 1
    if problems:
        # never leave a release that leaks behind: remove what was written
        shutil.rmtree(out) if created else [
            shutil.rmtree(p) if p.is_dir() else p.unlink() for p in out.iterdir()
        ]
        print(
            "python -m lab.release: error: the release failed verification and was removed:", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    config = load_config()
    warnings = gradient_code(out, files, config.get("not_gradient_code", []))
    if warnings:
        print("warning: code outside any solution region that looks like back-propagation:", file=sys.stderr)
        print(
            "  (mark it, or list the file under not_gradient_code in lab/grading/release.toml)",
            file=sys.stderr,
        )
        for hit in warnings:
            print(f"  {hit}", file=sys.stderr)
    print(f"wrote the students' release to {out}: {len(files)} files, verified")
    print("  no solution code, no hidden tests, no notebook outputs; every training path runs into a stub")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
