"""The wheel students install: `backprop-lab`, with `lab` and `grader` (its rubric and public tests)
and without `instructor`; installed alone in a fresh venv, `import lab, grader` and
`python -m grader --help` work from a folder outside the repository."""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_alone_and_runs_lab_and_the_grader(tmp_path):
    # build from a copy: the build leaves build/ and *.egg-info behind
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("lab", "grader", "instructor"):
        if (ROOT / package).is_dir():
            shutil.copytree(ROOT / package, source / package, ignore=junk)
    wheels = tmp_path / "wheels"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            ".",
        ],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = wheels.glob("backprop_lab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/rubric/rubric.toml" in names and "grader/rubric/public/check_backward.py" in names
    assert "grader/child/worker.py" in names and "grader/rubric/public/reference.py" in names
    assert "lab/network.py" in names and not any(n.startswith("instructor/") for n in names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    check = subprocess.run(
        [str(python), "-c", "import lab, grader; print(lab.__file__); print(grader.__file__)"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    for line in check.stdout.split():
        assert Path(line).is_relative_to(env_dir), check.stdout  # from the venv, not the repository
    usage = subprocess.run(
        [str(python), "-m", "grader", "--help"],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert usage.returncode == 0 and usage.stdout.startswith("usage: python -m grader"), usage.stderr
