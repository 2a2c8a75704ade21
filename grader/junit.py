"""What pytest reported: the number of tests run and one line per test that did not pass."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

_ANSI = re.compile(r"(\x1b|#x1B)\[[0-9;]*m")  # colours; JUnit XML spells ESC as "#x1B"


def _path(dotted: str) -> str:
    """A JUnit class name as a path: "public.test_sgd" -> "public/test_sgd", "nb.a.ipynb" -> "nb/a.ipynb"."""
    stem, dot, ext = dotted.rpartition(".ipynb") if dotted.endswith(".ipynb") else (dotted, "", "")
    return stem.replace(".", "/") + dot + ext


def junit_summary(path: Path) -> tuple[int, list[str]]:
    """(number of tests run, one line per test that did not pass) from a JUnit XML report."""
    if not path.is_file():
        return 0, []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return 0, []
    total, problems = 0, []
    for case in root.iter("testcase"):
        total += 1
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                message = _ANSI.sub("", node.get("message") or "").strip()
                text = _ANSI.sub("", node.text or "")
                lines = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
                if lines and (not message or message == "collection failure"):
                    message = lines[-1]  # the exception itself, e.g. a SyntaxError in the graded code
                elif message.startswith("Notebook cell execution failed"):  # nbval: the cell's exception
                    message = ([ln.strip() for ln in text.splitlines() if ln.strip()] or [message])[-1]
                first = (message.splitlines() or [tag])[0]
                first = first if len(first) <= 110 else first[:109] + "…"
                name, module = case.get("name", "?"), case.get("classname", "")
                label = f"{_path(module)}::{name}" if module else _path(name)
                problems.append(f"{label}: {first}")
                break
    return total, problems
