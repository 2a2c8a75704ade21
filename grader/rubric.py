"""Which items are graded, worth how many points, by which checks: the rubric file, read and checked.

The rubric, `rubric/rubric.toml` beside this file, lists the items; their checks live in
`rubric/public/check_*.py` (shipped to the students) and in the instructor's hidden checks
(`instructor/hidden_tests/check_*.py` of the instructor's checkout, found by path; `--hidden DIR`
points elsewhere). Check modules are loaded by path, in the grader's process only.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

#: The rubric and the public checks.
RUBRIC_DIR = Path(__file__).resolve().parent / "rubric"
RUBRIC = RUBRIC_DIR / "rubric.toml"
PUBLIC_DIR = RUBRIC_DIR / "public"
#: Where the instructor's checkout keeps the hidden checks and their reference (not in the release).
HIDDEN_DIR = Path(__file__).resolve().parents[1] / "instructor" / "hidden_tests"


class RubricError(ValueError):
    """The rubric file is malformed or names a check that does not exist."""


@dataclass
class Item:
    id: str
    title: str
    points: float
    time_limit: float
    checks: str | None = None
    notebooks: list[str] = field(default_factory=list)


def load_checks(folder: Path, name: str):
    """The check module `folder/check_<name>.py`, loaded by path (None if there is none)."""
    path = Path(folder) / f"check_{name}.py"
    if not path.is_file():
        return None
    key = f"_grader_checks_{abs(hash(str(path.resolve())))}_check_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[key]
            raise
    return sys.modules[key]


def load_rubric(path: Path = RUBRIC) -> list[Item]:
    """Read and check the rubric at `path`; the public checks are looked up beside it."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"cannot read the rubric {path}: {exc}") from None
    items, seen = [], set()
    for n, raw in enumerate(data.get("item", []), 1):
        where = f"{path}: item {n}"
        unknown = set(raw) - {"id", "title", "points", "time_limit", "checks", "notebooks"}
        if unknown:
            raise RubricError(f"{where}: unknown keys {sorted(unknown)}")
        try:
            item = Item(
                id=str(raw["id"]),
                title=str(raw.get("title", raw["id"])),
                points=float(raw["points"]),
                time_limit=float(raw["time_limit"]),
                checks=raw.get("checks"),
                notebooks=list(raw.get("notebooks", [])),
            )
        except KeyError as exc:
            raise RubricError(f"{where}: missing key {exc}") from None
        except (TypeError, ValueError) as exc:
            raise RubricError(f"{where}: {exc}") from None
        if item.id in seen:
            raise RubricError(f"{where}: the id {item.id!r} is used twice")
        seen.add(item.id)
        if item.points < 0 or item.time_limit <= 0:
            raise RubricError(f"{where} ({item.id}): points must be >= 0 and time_limit > 0")
        if bool(item.checks) == bool(item.notebooks):
            raise RubricError(f"{where} ({item.id}): give either checks or notebooks, not both")
        if item.checks and not (Path(path).parent / "public" / f"check_{item.checks}.py").is_file():
            raise RubricError(f"{where} ({item.id}): no check module public/check_{item.checks}.py")
        items.append(item)
    if not items:
        raise RubricError(f"{path}: the rubric has no [[item]]")
    return items
