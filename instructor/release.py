"""The students' release: solutions out, stubs in, notebook outputs stripped, hidden tests left out.

    python -m instructor.release OUT_DIR     # write the students' copy of this repository, verify it
    python -m instructor.release OUT_DIR --repository https://github.com/COURSE/TEMPLATE
                                             # ... whose set-up cells and badges point at that repository
    python -m instructor.release --fill DIR  # put the instructor's solutions back into a release (to test it)

The markers are described in `instructor/markers.py`. What the release leaves out (the hidden
tests, this package, ...) is listed in `instructor/release.toml`. Afterwards the release is
verified (`instructor/verify.py`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from .files import CONFIG_SUFFIXES, JUNK, load_config, matches, release_files
from .markers import MarkerError, Region, fill_text, parse, release_text
from .notebooks import fill_notebook, release_notebook
from .setup_cells import check_url, set_repository
from .setup_cells import repository as source_repository
from .setup_cells import run as point_at
from .verify import REPO, gradient_code, verify


def _error(message: str) -> SystemExit:
    return SystemExit(f"python -m instructor.release: error: {message}")


def check_source(source: Path) -> None:
    """`--source` must be an instructor's checkout: the pack with its release settings."""
    if not source.is_dir():
        raise _error(f"--source {source} is not a folder")
    missing = [rel for rel in ("lab/__init__.py", "instructor/release.toml") if not (source / rel).is_file()]
    if missing:
        raise _error(f"--source {source} is not an instructor's checkout of the pack: no {missing[0]}")


def check_out_dir(out: Path, source: Path) -> None:
    """OUT_DIR must be new or empty, outside the repository, and creatable."""
    out_r, source_r = out.resolve(), source.resolve()
    if out_r == source_r or out_r.is_relative_to(source_r):
        raise _error(f"OUT_DIR {out} is inside the repository {source}; write the release somewhere else")
    if out.exists() and not out.is_dir():
        raise _error(f"OUT_DIR {out} is a file, not a folder; give a new or empty folder")
    if out.exists() and any(out.iterdir()):
        raise _error(f"OUT_DIR {out} exists and is not empty; give a new or empty folder")
    parent = out_r
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise _error(f"OUT_DIR {out} cannot be written: {parent} is not a writable folder")


def check_release_dir(release_dir: Path, source: Path) -> None:
    """`--fill OUT_DIR` takes a students' release: a folder with the pack, not the instructor's copy."""
    if not release_dir.is_dir():
        raise _error(f"OUT_DIR {release_dir} is not a folder: --fill takes a students' release")
    if release_dir.resolve() == source.resolve():
        raise _error(f"OUT_DIR {release_dir} is the instructor's checkout itself: --fill takes a release")
    if not (release_dir / "lab" / "__init__.py").is_file():
        raise _error(f"OUT_DIR {release_dir} is not a students' release: no lab/__init__.py")


def build(
    out: Path, source: Path = REPO, config: dict | None = None, repository: str | None = None
) -> list[str]:
    """Write the students' release of `source` into `out` (new or empty); returns the files written.

    With `repository` (https://github.com/OWNER/NAME, the students' template repository), the
    release's pyproject.toml names it as Source, and its notebooks' set-up cells and badges and its
    README's badges point at it (`instructor/setup_cells.py`)."""
    config = load_config() if config is None else config
    out, source = Path(out), Path(source)
    check_out_dir(out, source)
    files = release_files(source, config)
    for rel in files:
        src, dst = source / config["replace"].get(rel, rel), out / rel  # README.md: the students' one
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".py"):
            dst.write_text(release_text(src.read_text(encoding="utf-8"), rel), encoding="utf-8")
        elif rel.endswith(CONFIG_SUFFIXES):
            text = src.read_text(encoding="utf-8")
            tasks = [p for p in parse(text, rel) if isinstance(p, Region) and p.kind == "task"]
            if tasks:
                raise MarkerError(f"{tasks[0].where}: task regions belong in Python files and notebooks")
            dst.write_text(release_text(text, rel), encoding="utf-8")
        elif rel.endswith(".ipynb"):
            dst.write_text(release_notebook(src.read_text(encoding="utf-8"), rel), encoding="utf-8")
        else:
            shutil.copy2(src, dst)
    if repository is not None:
        pyproject = out / "pyproject.toml"
        pyproject.write_text(
            set_repository(pyproject.read_text(encoding="utf-8"), repository), encoding="utf-8"
        )
        point_at(out, repository)
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
        if not (path.is_file() and rel.endswith((".py", ".ipynb"))) or matches(rel, JUNK):
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


def _remove(out: Path, created: bool) -> None:
    """Remove what a failed release wrote: OUT_DIR itself if this run created it, else its contents."""
    if not out.exists():
        return
    if created:
        shutil.rmtree(out)
        return
    for path in out.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m instructor.release", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="a new or empty folder outside the repository")
    parser.add_argument(
        "--fill",
        action="store_true",
        help="instead: put the instructor's solutions into the stubs of the release in OUT_DIR",
    )
    parser.add_argument("--source", default=str(REPO), help="the instructor's checkout (default: this one)")
    parser.add_argument(
        "--repository",
        metavar="URL",
        help="the students' repository (https://github.com/OWNER/NAME): the release's set-up cells install "
        "from it and its badges open it (default: pyproject.toml's [project.urls] Source)",
    )
    args = parser.parse_args(argv)
    out, source = Path(args.out_dir), Path(args.source)
    check_source(source)
    if args.repository is not None:
        try:
            check_url(args.repository)
        except ValueError as exc:
            raise _error(f"--repository {args.repository}: {exc}") from None
    if args.fill:
        check_release_dir(out, source)
        changed = fill(out, source)
        print(f"filled the stubs of {len(changed)} files in {out}: " + ", ".join(changed))
        return 0
    check_out_dir(out, source)
    created = not out.exists()
    try:
        files = build(out, source, repository=args.repository)
        problems = verify(out, source, repository=args.repository)
    except (MarkerError, OSError, UnicodeDecodeError) as exc:
        _remove(out, created)  # never leave half a release behind
        print(f"python -m instructor.release: error: {exc}", file=sys.stderr)
        return 1
    if problems:
        _remove(out, created)  # never leave a release that leaks behind
        print(
            "python -m instructor.release: error: the release failed verification and was removed:",
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    config = load_config()
    warnings = gradient_code(out, files, config.get("not_gradient_code", []))
    if warnings:
        print("warning: code outside any solution region that looks like back-propagation:", file=sys.stderr)
        print(
            "  (mark it, or list the file under not_gradient_code in instructor/release.toml)",
            file=sys.stderr,
        )
        for hit in warnings:
            print(f"  {hit}", file=sys.stderr)
    print(f"wrote the students' release to {out}: {len(files)} files, verified")
    if args.repository is None:
        print(
            f"  its set-up cells install from {source_repository(source / 'pyproject.toml')}: for a class, "
            "give --repository URL of the students' template repository"
        )
    print("  no solution code, no hidden tests, no notebook outputs; every training path runs into a stub")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
