"""Do the lower ends of pyproject.toml's runtime ranges work? Runs notebooks 03 and 05 on them.

    python -m instructor.lower_bounds        # a fresh venv, a few minutes; needs the package index

Installs into a fresh venv exactly the lower end of every runtime range (`numpy>=2.0.2` gives
numpy==2.0.2; ipywidgets 7.7.1 is the one Colab's widget manager renders), ipykernel and nbconvert
to run the notebooks, and this checkout without its dependencies (not editable). Then it runs
notebooks 03 and 05 from a folder outside the repository and compares what every code cell prints
with the committed outputs. The local package index does not hold these versions, so it is no test;
its result is written up in README.md ("Open it where you work").
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

import nbformat
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = ("03_train_linear.ipynb", "05_learning_rate_sliders.ipynb")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def lower_ends(pyproject: Path = REPO / "pyproject.toml") -> list[str]:
    """`name==version` for the `>=` end of every runtime dependency that applies on this machine."""
    with open(pyproject, "rb") as fh:
        deps = [Requirement(d) for d in tomllib.load(fh)["project"]["dependencies"]]
    out = []
    for dep in deps:
        if dep.marker is not None and not dep.marker.evaluate():
            continue
        [low] = [spec.version for spec in dep.specifier if spec.operator == ">="]
        out.append(f"{dep.name}=={low}")
    return out


def _printed(cell) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out.output_type == "stream")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        venv.create(tmp / "venv", with_pip=True)
        python = str(tmp / "venv" / "bin" / "python")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env.update(MPLBACKEND="Agg", JUPYTER_DATA_DIR=str(tmp / "jupyter"))
        pins = lower_ends()
        for args in (["--upgrade", "pip"], [*pins, "ipykernel", "nbconvert"], ["--no-deps", str(REPO)]):
            subprocess.run([python, "-m", "pip", "install", "-q", *args], env=env, check=True)
        subprocess.run([python, "-m", "pip", "check"], env=env, check=True)
        print("installed:", ", ".join(pins))
        outside = tmp / "elsewhere"
        outside.mkdir()
        failed = False
        for name in NOTEBOOKS:
            committed = nbformat.read(REPO / "notebooks" / name, as_version=4)
            nbformat.write(committed, outside / name)
            run = subprocess.run(
                [python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace", name],
                cwd=outside,
                env=env,
                capture_output=True,
                text=True,
            )
            if run.returncode:
                print(f"{name}: FAILED\n{run.stderr[-3000:]}")
                failed = True
                continue
            ran = nbformat.read(outside / name, as_version=4)
            pairs = [(a, b) for a, b in zip(committed.cells, ran.cells, strict=True) if a.cell_type == "code"]
            differ = [a.get("id") for a, b in pairs if _printed(a) != _printed(b)]
            widgets = sum(
                WIDGET_VIEW in out.get("data", {}) for _, b in pairs for out in b.get("outputs", [])
            )
            summary = (
                f"{len(pairs)} code cells, {len(differ)} print otherwise {differ}, {widgets} widget views"
            )
            print(f"{name}: {summary}")
            failed |= bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
