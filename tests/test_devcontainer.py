"""The dev-container (GitHub Codespaces, VS Code's "Reopen in Container"): `.devcontainer/devcontainer.json`
is valid JSON that asks for Python 3.11, the Python and Jupyter extensions and the first notebook on
start, and ships in the students' release; its postCreateCommand, run in a fresh venv on a copy of
this checkout, installs everything (about two minutes of pip here) and leaves a working `lab` that
the notebooks' set-up cell finds (so it installs nothing)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

from instructor.files import load_config, release_files, source_files
from instructor.setup_cells import repository, setup_source

ROOT = Path(__file__).resolve().parents[1]
DEVCONTAINER = ROOT / ".devcontainer" / "devcontainer.json"


def load() -> dict:
    return json.loads(DEVCONTAINER.read_text(encoding="utf-8"))  # strict JSON: no comments


def test_the_devcontainer_asks_for_python_3_11_the_extensions_and_the_first_notebook():
    config = load()
    assert config["image"].startswith("mcr.microsoft.com/devcontainers/python:") and config["image"].endswith(
        "3.11"
    )
    assert config["postCreateCommand"] == "python -m pip install -r requirements.txt"
    assert set(config["customizations"]["vscode"]["extensions"]) == {"ms-python.python", "ms-toolsai.jupyter"}
    [first] = config["customizations"]["codespaces"]["openFiles"]
    notebooks = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert first == notebooks[0] == "notebooks/01_chain_rule.ipynb"


def test_the_students_release_ships_the_devcontainer():
    assert ".devcontainer/devcontainer.json" in release_files(ROOT, load_config())


def test_the_post_create_command_installs_a_working_pack(tmp_path):
    checkout = tmp_path / "checkout"  # a copy: `-e .` writes its egg-info into the folder it installs
    for rel in source_files(ROOT):
        (checkout / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, checkout / rel)
    venv_dir = tmp_path / "venv"
    venv.create(venv_dir, with_pip=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"  # `python` is the venv's
    env["PIP_NO_COMPILE"] = "1"  # pip writes no .pyc files: a shorter install
    create = subprocess.run(
        ["bash", "-c", load()["postCreateCommand"]],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert create.returncode == 0, create.stderr[-3000:]
    check = subprocess.run(
        [str(venv_dir / "bin" / "python"), "-m", "pip", "check"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    # the set-up cell, in the first notebook's folder: lab is there, from this copy; nothing to install
    script = setup_source(repository()) + "\nimport ipywidgets, jupyterlab, lab\nprint(lab.__file__)\n"
    run = subprocess.run(
        [str(venv_dir / "bin" / "python"), "-c", script],
        cwd=checkout / "notebooks",
        env={**env, "LAB_INSTALL_URL": "git+file:///nowhere"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and run.stderr == "", run.stderr[-3000:]
    assert Path(run.stdout.strip()) == checkout / "lab" / "__init__.py"
