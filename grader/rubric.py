"""Which items are graded, worth how many points, by which tests: the rubric file, read and checked.

The rubric, `rubric/rubric.toml` beside this file, lists the items; their tests live in
`rubric/public/` (shipped to the students) and in the instructor's hidden tests
(`instructor/hidden_tests/` of the instructor's checkout, found by path; `--hidden DIR` points
elsewhere).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

#: The rubric, the public tests and the grader's own pytest settings.
RUBRIC_DIR = Path(__file__).resolve().parent / "rubric"
RUBRIC = RUBRIC_DIR / "rubric.toml"
#: Where the instructor's checkout keeps the hidden tests (absent from the release and the wheel).
HIDDEN_DIR = Path(__file__).resolve().parents[1] / "instructor" / "hidden_tests"


class RubricError(ValueError):
    """The rubric file is malformed or names a test file that does not exist."""


@dataclass
class Item:
    id: str
    title: str
    points: float
    time_limit: float
    public: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    notebooks: str | None = None


@dataclass
class Result:
    id: str
    title: str
    points: float
    max_points: float
    status: str  # passed, failed, error, timed out, crashed
    detail: str
    seconds: float
    hidden_tests: bool
    output: str = ""


def load_rubric(path: Path, hidden_dir: Path | None) -> list[Item]:
    """Read and check the rubric at `path`; test files are looked up beside it (and in `hidden_dir`)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RubricError(f"cannot read the rubric {path}: {exc}") from None
    items, seen = [], set()
    for n, raw in enumerate(data.get("item", []), 1):
        where = f"{path}: item {n}"
        unknown = set(raw) - {"id", "title", "points", "time_limit", "public", "hidden", "notebooks"}
        if unknown:
            raise RubricError(f"{where}: unknown keys {sorted(unknown)}")
        try:
            item = Item(
                id=str(raw["id"]),
                title=str(raw.get("title", raw["id"])),
                points=float(raw["points"]),
                time_limit=float(raw["time_limit"]),
                public=list(raw.get("public", [])),
                hidden=list(raw.get("hidden", [])),
                notebooks=raw.get("notebooks"),
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
        if bool(item.notebooks) == bool(item.public or item.hidden):
            raise RubricError(
                f"{where} ({item.id}): give either tests (public/hidden) or notebooks, not both"
            )
        for folder, tests in ((path.parent / "public", item.public), (hidden_dir, item.hidden)):
            for test in tests:
                if folder is not None and not (folder / test.split("::")[0]).is_file():
                    raise RubricError(f"{where} ({item.id}): no test file {folder / test.split('::')[0]}")
        items.append(item)
    if not items:
        raise RubricError(f"{path}: the rubric has no [[item]]")
    return items
