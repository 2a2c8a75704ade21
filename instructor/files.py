"""Which files of the repository go into the students' release (`instructor/release.toml`)."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "release.toml"

#: Files whose INSTRUCTOR ONLY regions are processed too: they take `#` comments (pyproject.toml, say).
#: Task regions (stubs) belong in Python files and notebooks only.
CONFIG_SUFFIXES = (".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ".sh")

#: Never copied, whatever the configuration says: caches and build leftovers.
JUNK = [
    "*/__pycache__/*",
    "__pycache__/*",
    "*.pyc",
    "*.egg-info/*",
    ".ipynb_checkpoints/*",
    "*/.ipynb_checkpoints/*",
]


def load_config(path: Path = CONFIG) -> dict:
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    config.setdefault("exclude", [])
    config.setdefault("keep", [])
    config.setdefault("hidden", [])
    config.setdefault("replace", {})
    return config


def matches(rel: str, patterns) -> bool:
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
    return sorted(f for f in files if (source / f).is_file() and not matches(f, JUNK))


def release_files(source: Path, config: dict) -> list[str]:
    """The files that go into the release: everything but the excluded (unless kept)."""
    return [
        f for f in source_files(source) if not matches(f, config["exclude"]) or matches(f, config["keep"])
    ]
