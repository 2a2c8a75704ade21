"""Is a built release fit to hand out? No marker and no distinctive line of any solution region
is left in it, no hidden test, no notebook output, every module of its `lab` imports, and every
path that trains or differentiates runs into a stub (`instructor/probe.py`, run on the release).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .files import CONFIG_SUFFIXES, load_config, matches, release_files, source_files
from .markers import ANY_MARKER, Region, parse
from .notebooks import cell_source
from .setup_cells import READMES, apply_readme

REPO = Path(__file__).resolve().parents[1]
PROBE = Path(__file__).resolve().parent / "probe.py"


def _code_texts(root: Path, files) -> dict[str, str]:
    """Python files, notebook code cells and `#`-commented configuration files of `files` under
    `root`, as text, keyed by a location."""
    texts = {}
    for rel in files:
        path = root / rel
        if rel.endswith((".py", *CONFIG_SUFFIXES)):
            texts[rel] = path.read_text(encoding="utf-8")
        elif rel.endswith(".ipynb"):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for index, cell in enumerate(nb.get("cells", [])):
                if cell.get("cell_type") == "code":
                    texts[f"{rel} cell {index}"] = cell_source(cell)
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
    for where, text in _code_texts(root, [f for f in files if not matches(f, allow)]).items():
        for number, line in enumerate(text.split("\n"), 1):
            code = line.split("#")[0]
            if any(p.search(code) for p in _GRADIENT_SHAPES):
                hits.append(f"{where}:{number}: {line.strip()}")
    return hits


def verify(
    out: Path, source: Path = REPO, config: dict | None = None, repository: str | None = None
) -> list[str]:
    """Check a built release; returns the problems found (empty: the release is fit to hand out).

    `repository`: the URL the release was built for (`build(..., repository=)`): its README is the
    students' one with the badges pointing there."""
    config = load_config() if config is None else config
    out, source = Path(out), Path(source)
    problems = []
    written = sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    for rel in written:
        if matches(rel, config["exclude"]) and not matches(rel, config["keep"]):
            problems.append(f"{rel}: this path is excluded from the release")
    notebooks = sorted(p.name for p in (out / "notebooks").glob("[0-9]*.ipynb"))
    for rel, replacement in config["replace"].items():  # the students' README, not the instructor's
        if not (source / replacement).is_file():
            continue
        expected = (source / replacement).read_text(encoding="utf-8")
        if repository is not None and rel in READMES:
            expected = apply_readme(expected, repository, notebooks, rel)
        if not (out / rel).is_file() or (out / rel).read_text(encoding="utf-8") != expected:
            problems.append(f"{rel}: not the copy of {replacement} it should be")
    # hidden tests: not by path, and not by content anywhere
    hidden = [f for f in source_files(source) if matches(f, config["hidden"])]
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
            if ANY_MARKER.match(line):
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
            [sys.executable, str(PROBE), str(out.resolve())],
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
