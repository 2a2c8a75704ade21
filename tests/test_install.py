"""A student's install, without a clone: the runtime dependencies, the notebooks' set-up cell, the wheel.

- pyproject.toml's runtime ranges hold every pin of requirements.txt (a tiny check, and one that fails
  on a range a pin leaves);
- the wheel holds `lab` and `grader` with its rubric and public tests, and never `instructor`;
- in a fresh venv, the set-up cell, run as a kernel runs it from a folder outside the repository with
  `LAB_INSTALL_URL=git+file://` a temporary git repository of this checkout, pip-builds the wheel
  and installs it with its runtime dependencies only, and `import lab` then works in the same
  process (no restart), `lab` and `grader` come from the venv and `python -m grader --help` works
  (what tests/test_packaging.py checked in a venv of its own); a second run of the cell does nothing;
- in that venv (plus ipykernel and nbconvert, the test's own tools, not the wheel's), notebooks 03
  and 05 run top to bottom from a folder outside the repository; their set-up cell finds `lab`
  installed, prints nothing and installs nothing;
- in a clone where the pack is not installed, the set-up cell installs that clone, editable, and puts
  it on `sys.path` for the running kernel;
- under ipywidgets 7 (Colab's) the explorer displays through `_ipython_display_`.

The installs take their versions from requirements.txt (PIP_CONSTRAINT) and the package index that
pip is configured with; about a minute of pip on this 2-core machine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import nbformat
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from time_budget import notebook_seconds

from instructor.files import source_files
from instructor.setup_cells import SETUP_ID, repository, setup_source

ROOT = Path(__file__).resolve().parents[1]
LINUX = {**default_environment(), "sys_platform": "linux", "platform_machine": "x86_64"}
INTEL_MAC = {**default_environment(), "sys_platform": "darwin", "platform_machine": "x86_64"}


def runtime_dependencies() -> list[Requirement]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return [Requirement(d) for d in tomllib.load(fh)["project"]["dependencies"]]


def pinned() -> dict[str, str]:
    """requirements.txt's pins that hold on this machine: normalised name -> version. A package
    pinned twice under exclusive markers (argon2-cffi-bindings: Intel Macs get an older release)
    gets the pin whose marker this machine meets."""
    out = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            req = Requirement(line)
            [spec] = req.specifier
            assert spec.operator == "==", line
            if req.marker is None or req.marker.evaluate():
                name = canonicalize_name(req.name)
                assert name not in out, f"{req.name} is pinned twice for this machine"
                out[name] = spec.version
    return out


def ranges_left(dependencies: list[Requirement], pins: dict[str, str]) -> list[str]:
    """The runtime dependencies that no pin satisfies (or that have no pin)."""
    problems = []
    for dep in dependencies:
        version = pins.get(canonicalize_name(dep.name))
        if version is None:
            problems.append(f"{dep.name}: no pin in requirements.txt")
        elif not dep.specifier.contains(version, prereleases=True):
            problems.append(f"{dep.name}: the pin {version} is outside {dep.specifier}")
    return problems


def test_the_runtime_ranges_hold_every_pin():
    deps = runtime_dependencies()
    assert {canonicalize_name(d.name) for d in deps} >= {"numpy", "numba", "matplotlib", "tqdm", "ipywidgets"}
    assert all(d.specifier for d in deps), "every runtime dependency has a range"
    assert ranges_left(deps, pinned()) == []
    # numba everywhere but on Intel macOS, where it has no wheel (README: "Platforms")
    [numba] = [d for d in deps if d.name == "numba"]
    assert numba.marker.evaluate(LINUX) and not numba.marker.evaluate(INTEL_MAC)


def test_a_range_that_leaves_its_pin_is_caught():
    deps = [Requirement("numpy>=2.0,<2.1"), Requirement("nosuchpackage>=1")]
    problems = ranges_left(deps, {"numpy": "2.4.6"})
    assert problems == [
        "numpy: the pin 2.4.6 is outside <2.1,>=2.0",
        "nosuchpackage: no pin in requirements.txt",
    ]


def _git_repository(dest: Path) -> Path:
    """A git repository holding this checkout's files as they are now (committed or not)."""
    for rel in source_files(ROOT):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest / rel)
    git = [
        "git",
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.invalid",
        "-c",
        "init.defaultBranch=main",
    ]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the checkout"]):
        subprocess.run([*git, *args], cwd=dest, check=True, capture_output=True, timeout=120)
    return dest


def _env(tmp_path: Path, venv_dir: Path) -> dict[str, str]:
    constraints = tmp_path / "constraints.txt"  # the pins, without `-e .`
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    constraints.write_text("\n".join(line for line in lines if not line.startswith("-")) + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    # the venv's own kernel (ipykernel's python3), not one a user's Jupyter folders name
    env.update(PIP_CONSTRAINT=str(constraints), MPLBACKEND="Agg", JUPYTER_DATA_DIR=str(tmp_path / "jupyter"))
    env["PIP_NO_COMPILE"] = "1"  # pip writes no .pyc files: a shorter install
    env["PATH"] = f"{venv_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def test_the_wheel_holds_lab_and_the_grader_with_its_rubric_and_never_instructor(tmp_path):
    repo = _git_repository(tmp_path / "repo")  # the files git would clone, built as pip builds them
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    assert (repo / "instructor" / "release.py").is_file()  # there to be left out
    build = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "wheels"),
            str(repo),  # a path: a bare "repo" would be a package name on the index
        ],
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "wheels").glob("backprop_lab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/rubric/rubric.toml" in names and "grader/rubric/public/check_backward.py" in names
    assert "grader/child/worker.py" in names and "grader/rubric/public/reference.py" in names
    assert "lab/network.py" in names and not any(n.startswith("instructor/") for n in names)


def test_the_set_up_cell_installs_the_pack_and_the_notebooks_run_from_the_installed_wheel(tmp_path):
    repo = _git_repository(tmp_path / "repo")
    venv_dir = tmp_path / "venv"
    venv.create(venv_dir, with_pip=True)
    python = str(venv_dir / "bin" / "python")
    env = _env(tmp_path, venv_dir)
    outside = tmp_path / "elsewhere" / "notebooks"  # no lab/ beside it: the cell installs from the URL
    outside.mkdir(parents=True)
    # Python 3.11.7's own pip (23.2) rejects a `git+file:///` URL; Colab's and a current pip take it
    upgrade = _run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], env=env, timeout=300)
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]

    # the set-up cell, then `import lab` in the same process, as a kernel runs one cell after the other
    cell = setup_source(repository())
    script = f"{cell}\nimport lab\nprint(lab.__file__)\n"
    run = _run(
        [python, "-c", script],
        cwd=outside,
        env={**env, "LAB_INSTALL_URL": f"git+file://{repo}"},
        timeout=900,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert Path(run.stdout.strip()).is_relative_to(venv_dir), run.stdout  # the venv's, not the repository's
    listing = _run([python, "-m", "pip", "list", "--format=json"], env=env, timeout=120)
    installed = {canonicalize_name(p["name"]): p for p in json.loads(listing.stdout)}
    assert "editable_project_location" not in installed["backprop-lab"]
    assert {"backprop-lab"} | {canonicalize_name(d.name) for d in runtime_dependencies()} <= set(installed)
    assert not {"pytest", "jupyterlab", "ipykernel", "nbconvert", "scipy", "ruff"} & set(installed)
    # the wheel alone: lab and grader from the venv, `python -m grader --help`, outside the repository
    where = _run(
        [python, "-c", "import lab, grader; print(lab.__file__); print(grader.__file__)"],
        cwd=outside,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(venv_dir) for line in where.stdout.split()), where.stdout
    usage = _run([python, "-m", "grader", "--help"], cwd=outside, env=env, timeout=120)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: python -m grader"), usage.stderr
    # run again where lab is there: nothing printed, nothing installed (pip is not even asked)
    again = _run(
        [python, "-c", cell], cwd=outside, env={**env, "LAB_INSTALL_URL": "git+file:///nowhere"}, timeout=120
    )
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")

    # the test's own tools, then notebooks 03 and 05 top to bottom from outside the repository
    tools = _run([python, "-m", "pip", "install", "-q", "ipykernel", "nbconvert"], env=env, timeout=900)
    assert tools.returncode == 0, tools.stderr[-3000:]
    for name in ("03_train_linear.ipynb", "05_learning_rate_sliders.ipynb"):
        nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell("import lab\nprint(lab.__file__)", id="where-is-lab"))
        nbformat.write(nb, outside / name)
        executed = _run(
            [python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace", name],
            cwd=outside,
            env=env,
            timeout=notebook_seconds(900),
        )
        assert executed.returncode == 0, executed.stderr[-3000:]
        nb = nbformat.read(outside / name, as_version=4)
        cells = {cell.get("id"): cell for cell in nb.cells}
        assert cells[SETUP_ID].source == cell and cells[SETUP_ID].outputs == []
        where = "".join(out.get("text", "") for out in cells["where-is-lab"].outputs).strip()
        assert Path(where).is_relative_to(venv_dir), where
        for c in nb.cells:
            for out in c.get("outputs", []):
                assert out.output_type != "error", (name, out.get("ename"), out.get("evalue"))
                if out.output_type == "stream" and out.name == "stderr":
                    assert "Warning" not in out.text and "Traceback" not in out.text, (name, out.text)


def test_the_explorer_displays_through_ipywidgets_7_as_colab_has_it():
    # ipywidgets 7 (Colab's) widgets have _ipython_display_, not _repr_mimebundle_; the explorer follows
    # the version it finds. The real ipywidgets 7.7.1 ran notebook 05: python -m instructor.lower_bounds.
    script = """
import ipywidgets
ipywidgets.__version__ = "7.7.1"
import lab.widgets as w
calls = []
class Widget7:
    def _ipython_display_(self, **kwargs):
        calls.append(kwargs)
explorer = w.LearningRateExplorer(epochs=50, n_seeds=1, resolution=4)
explorer.widget = Widget7()
explorer._ipython_display_()
assert calls == [{}], calls
print("ok")
"""
    run = _run([sys.executable, "-c", script], env={**os.environ, "MPLBACKEND": "Agg"}, timeout=300)
    assert (run.returncode, run.stdout) == (0, "ok\n"), run.stderr[-3000:]
    import lab.widgets

    assert "_ipython_display_" not in vars(lab.widgets.LearningRateExplorer)  # ipywidgets 8 here: as before


def test_in_a_clone_without_lab_installed_the_set_up_cell_installs_that_clone_editable(tmp_path):
    # a clone opened with a Python that lacks the pack (VS Code, say): the clone's own lab, not the URL's.
    # PIP_NO_DEPS keeps this test short; the dependencies are the other test's business.
    clone = tmp_path / "clone"
    for rel in source_files(ROOT):
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, clone / rel)
    venv_dir = tmp_path / "venv"
    venv.create(venv_dir, with_pip=True)
    python = str(venv_dir / "bin" / "python")
    env = {**_env(tmp_path, venv_dir), "PIP_NO_DEPS": "1", "LAB_INSTALL_URL": "git+file:///nowhere"}
    upgrade = _run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], env=env, timeout=300)
    assert upgrade.returncode == 0, upgrade.stderr[-3000:]
    script = setup_source(repository()) + '\nprint(importlib.util.find_spec("lab").origin)\n'
    run = _run([python, "-c", script], cwd=clone / "notebooks", env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert Path(run.stdout.strip()) == clone / "lab" / "__init__.py"  # this kernel: the clone, on sys.path
    listing = _run([python, "-m", "pip", "list", "--format=json"], env=env, timeout=120)
    [pack] = [p for p in json.loads(listing.stdout) if p["name"] == "backprop-lab"]
    assert Path(pack["editable_project_location"]) == clone  # the next kernel: the editable install
