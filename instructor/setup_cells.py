"""Where students open the pack: the set-up cell and the "Open in Colab" badge of every notebook, and
the README's badges, all made from the one repository URL in pyproject.toml ([project.urls] Source).

    python -m instructor.setup_cells            # write them (notebooks/*.ipynb, README.md,
                                                #   instructor/README.students.md)
    python -m instructor.setup_cells --check    # change nothing; exit 1 if anything is out of date

Every notebook gets, and keeps in this order: a one-line markdown cell with its "Open in Colab" link
(id `open-in-colab`; text, not the badge image, which JupyterLab would fetch from outside) above the
title, and the set-up cell (id `setup`) right after the title. The set-up cell is the same in every
notebook: it does nothing where `lab` imports (a clone with `requirements.txt` installed, the
dev-container, the wheel) and prints nothing then, so nbval compares it like any other cell. Where
`lab` is missing it installs it without restarting the kernel: from the clone the notebook sits in
(`pip install -e ..`, put on `sys.path` for this kernel too), else (Colab) from the repository,
`backprop-lab @ git+URL`, or from `$LAB_INSTALL_URL` (a `git+file://` URL or a wheel's `file://`
URL: the tests use it).

The other cells are left alone. A notebook whose cells change must be re-executed afterwards (the
execution counts move): `jupyter nbconvert --to notebook --execute --inplace ...`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
BADGE_ID, SETUP_ID = "open-in-colab", "setup"
BEGIN, END = "<!-- BEGIN OPEN BADGES (python -m instructor.setup_cells) -->", "<!-- END OPEN BADGES -->"
READMES = ("README.md", "instructor/README.students.md")
_GITHUB = re.compile(r"https://github\.com/(?P<owner>[A-Za-z0-9-]+)/(?P<name>[A-Za-z0-9._-]+)")

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
CODESPACES_BADGE = "https://github.com/codespaces/badge.svg"

_SETUP = """\
# Set-up: where `lab` is missing (Colab, say), install it without a restart; elsewhere do nothing.
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

if importlib.util.find_spec("lab") is None:
    url = os.environ.get("LAB_INSTALL_URL", "git+{url}")
    clone = Path.cwd().parent  # a clone of the repository: install its own lab, editable
    in_clone = (clone / "lab" / "__init__.py").is_file()
    target = ["-e", str(clone)] if in_clone else [f"backprop-lab @ {{url}}"]
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", *target], capture_output=True)
    if pip.returncode:
        raise RuntimeError("pip could not install the pack:\\n" + pip.stderr.decode()[-3000:])
    if in_clone:  # this kernel sees an editable install only after a restart: put the clone on the path
        sys.path.insert(0, str(clone))
    importlib.invalidate_caches()"""


def repository(pyproject: Path = REPO / "pyproject.toml") -> str:
    """The pack's repository URL, `https://github.com/OWNER/NAME`: pyproject.toml's [project.urls] Source."""
    with open(pyproject, "rb") as fh:
        url = tomllib.load(fh).get("project", {}).get("urls", {}).get("Source")
    if not isinstance(url, str) or not _GITHUB.fullmatch(url):
        raise ValueError(
            f"{pyproject}: [project.urls] Source must be a GitHub repository URL "
            f"https://github.com/OWNER/NAME, got {url!r}"
        )
    return url


def check_url(url: str) -> str:
    """`url` if it is a GitHub repository URL https://github.com/OWNER/NAME, else a ValueError."""
    _owner_name(url)
    return url


def _owner_name(url: str) -> str:
    match = _GITHUB.fullmatch(url) if isinstance(url, str) else None
    if match is None:
        raise ValueError(f"url must be https://github.com/OWNER/NAME, got {url!r}")
    return f"{match['owner']}/{match['name']}"


def setup_source(url: str) -> str:
    """The set-up cell's source, installing from `url` where nothing else is found."""
    _owner_name(url)
    return _SETUP.format(url=url)


def colab_url(url: str, notebook: str) -> str:
    return f"https://colab.research.google.com/github/{_owner_name(url)}/blob/main/notebooks/{notebook}"


def codespaces_url(url: str) -> str:
    return f"https://codespaces.new/{_owner_name(url)}?quickstart=1"


def colab_badge(url: str, notebook: str) -> str:
    """The README's badge: Colab's image, linked to the notebook in Colab."""
    return f"[![Open In Colab]({COLAB_BADGE})]({colab_url(url, notebook)})"


def colab_link(url: str, notebook: str) -> str:
    """The notebook's own: a text link, no image, so that a notebook opened offline (or in the browser
    tests) fetches nothing from outside."""
    return f"**[Open in Colab]({colab_url(url, notebook)})**"


def readme_badges(url: str, notebooks: list[str]) -> str:
    """The README's block: the Codespaces badge, then one Colab badge per notebook."""
    lines = [
        BEGIN,
        f"[![Open in GitHub Codespaces]({CODESPACES_BADGE})]({codespaces_url(url)})",
        "",
        "| notebook | open it in Colab |",
        "|---|---|",
        *(f"| `{name}` | {colab_badge(url, name)} |" for name in notebooks),
        END,
    ]
    return "\n".join(lines)


def apply_notebook(nb, url: str, notebook: str):
    """`nb` (nbformat) with its badge cell first and its set-up cell after the title; returns it.

    A cell already as it should be is kept as it is (outputs and execution count too)."""
    badge, setup = colab_link(url, notebook), setup_source(url)
    old = {cell.get("id"): cell for cell in nb.cells if cell.get("id") in (BADGE_ID, SETUP_ID)}
    rest = [cell for cell in nb.cells if cell.get("id") not in (BADGE_ID, SETUP_ID)]
    if not rest or rest[0].cell_type != "markdown" or not rest[0].source.startswith("# "):
        raise ValueError(f"{notebook}: the first cell must be the markdown title ('# ...')")
    badge_cell = old.get(BADGE_ID)
    if badge_cell is None or badge_cell.cell_type != "markdown" or badge_cell.source != badge:
        badge_cell = nbformat.v4.new_markdown_cell(badge, id=BADGE_ID)
    setup_cell = old.get(SETUP_ID)
    if setup_cell is None or setup_cell.cell_type != "code" or setup_cell.source != setup:
        setup_cell = nbformat.v4.new_code_cell(setup, id=SETUP_ID)
    nb.cells = [badge_cell, rest[0], setup_cell, *rest[1:]]
    return nb


def apply_readme(text: str, url: str, notebooks: list[str], where: str) -> str:
    """`text` with its badge block (between BEGIN and END) made for `url`."""
    start, stop = text.find(BEGIN), text.find(END)
    if start < 0 or stop < start:
        raise ValueError(f"{where}: no badge block ({BEGIN} ... {END}) to fill")
    return text[:start] + readme_badges(url, notebooks) + text[stop + len(END) :]


def set_repository(pyproject: str, url: str) -> str:
    """pyproject.toml's text with its [project.urls] Source set to `url` (the release's repository)."""
    _owner_name(url)
    pattern = re.compile(r'^Source = "https://github\.com/[^"]*"$', re.MULTILINE)
    if len(pattern.findall(pyproject)) != 1:
        raise ValueError('pyproject.toml: no single line Source = "https://github.com/..." to set')
    return pattern.sub(f'Source = "{url}"', pyproject)


def run(root: Path = REPO, url: str | None = None, write: bool = True) -> list[str]:
    """Bring the notebooks and READMEs under `root` up to date for `url` (default: pyproject's);
    returns the files that changed (or, with write=False, would change)."""
    root = Path(root)
    url = repository(root / "pyproject.toml") if url is None else url
    notebooks = sorted(p.name for p in (root / "notebooks").glob("[0-9]*.ipynb"))
    changed = []
    for name in notebooks:
        path = root / "notebooks" / name
        text = path.read_text(encoding="utf-8")
        new = nbformat.writes(apply_notebook(nbformat.reads(text, as_version=4), url, name)) + "\n"
        if new != text:
            changed.append(f"notebooks/{name}")
            if write:
                path.write_text(new, encoding="utf-8")
    for rel in READMES:
        path = root / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        new = apply_readme(text, url, notebooks, rel)
        if new != text:
            changed.append(rel)
            if write:
                path.write_text(new, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m instructor.setup_cells", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if anything is out of date"
    )
    args = parser.parse_args(argv)
    try:
        changed = run(write=not args.check)
    except ValueError as exc:
        print(f"python -m instructor.setup_cells: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        for rel in changed:
            print(f"out of date: {rel} (run python -m instructor.setup_cells)")
        return 1 if changed else 0
    print(f"updated {len(changed)} files" + (": " + ", ".join(changed) if changed else ""))
    if any(rel.endswith(".ipynb") for rel in changed):
        print(
            "re-execute the notebooks that changed (jupyter nbconvert --to notebook --execute --inplace ...)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
