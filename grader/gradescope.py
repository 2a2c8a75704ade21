"""Gradescope: an autograder folder that runs this grader, and its results.json.

`python -m grader --gradescope DIR` writes into DIR (zip its contents, upload them as the
assignment's autograder):

* `grader/`: this package (the rubric, the public checks, the sandbox's worker);
* `hidden/`: the hidden checks and their reference, if this is the instructor's checkout;
* `notebooks/`: the notebooks' checking cells (every other cell emptied, no solution);
* `requirements.txt` and `setup.sh` (Gradescope runs it once, as root, to build the image:
  Python, the pinned packages, bubblewrap);
* `run_autograder`: grades /autograder/submission and writes /autograder/results/results.json
  in Gradescope's format, {score, tests: [{name, score, max_score, output, visibility}]}. The
  environment variables GRADESCOPE_SUBMISSION, GRADESCOPE_RESULTS and PYTHON override the
  submission folder, the results file and the interpreter, GRADER_ARGS adds arguments (the test
  suite uses them).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import notebooks
from .rubric import HIDDEN_DIR, load_rubric

HERE = Path(__file__).resolve().parent
HOME = HERE.parent

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
cd "$(dirname "$0")"
apt-get update
apt-get install -y bubblewrap python3-venv
# the pack needs Python >= 3.11 (Ubuntu 22.04's python3 is 3.10; 24.04's is 3.12)
python=""
for version in 3.12 3.11; do
    if apt-get install -y "python$version" "python$version-venv"; then python="python$version"; break; fi
done
"${python:-python3}" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -r requirements.txt
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission; it must leave results.json behind, whatever happens.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
submission="${GRADESCOPE_SUBMISSION:-/autograder/submission}"
results="${GRADESCOPE_RESULTS:-/autograder/results/results.json}"
python="${PYTHON:-/autograder/venv/bin/python}"
mkdir -p "$(dirname "$results")"
hidden=(--no-hidden)
if [ -d "$here/hidden" ]; then hidden=(--hidden "$here/hidden"); fi
cd "$here"
# shellcheck disable=SC2086  # GRADER_ARGS: extra arguments, split on purpose (e.g. "--jobs 1")
"$python" -m grader "$submission" "${hidden[@]}" --notebooks-from "$here" --gradescope-results "$results" \
    ${GRADER_ARGS:-}
status=$?
if [ ! -s "$results" ]; then  # the grader itself failed: say so to the student, score 0
    printf '{"score": 0, "output": "The autograder failed (exit status %s); ask your instructor."}\\n' \\
        "$status" > "$results"
fi
exit 0
"""


def results(report: dict) -> dict:
    """Gradescope's results.json for one grading report."""
    tests = [
        {
            "name": f"{item['id']}: {item['title']}",
            "score": item["points"],
            "max_score": item["max_points"],
            "output": "passed" if item["status"] == "passed" else f"{item['status']}: {item['detail']}",
            "visibility": "visible",
        }
        for item in report["items"]
    ]
    out = {"score": report["score"], "tests": tests}
    if report["status"] != "graded":
        out["output"] = f"Not graded: {report['status']}"
    return out


def write_results(report: dict, path: Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _checking_cells_only(src: Path, dst: Path) -> None:
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if not notebooks.is_check(cell):
            cell["source"] = []
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_autograder(folder: Path) -> None:
    """Write the autograder into `folder` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise SystemExit(f"python -m grader: error: --gradescope {folder}: the folder is not empty")
    folder.mkdir(parents=True, exist_ok=True)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(HERE, folder / "grader", ignore=junk)
    if HIDDEN_DIR.is_dir():
        shutil.copytree(HIDDEN_DIR, folder / "hidden", ignore=junk)
    for item in load_rubric():
        for rel in item.notebooks:
            _checking_cells_only(HOME / rel, folder / rel)
    requirements = (HOME / "requirements.txt").read_text(encoding="utf-8").splitlines()
    kept = [line for line in requirements if line.strip() != "-e ."]  # the grader runs from here
    (folder / "requirements.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o755)
