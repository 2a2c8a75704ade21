"""The three parts of the tree stay apart: `lab` (what students read), `grader` (ships to them,
never imports `lab`), `instructor` (never ships). Checked statically, on the source: every
`import`, at module level or inside a function, in every module of each package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [name for name in ("lab", "grader", "instructor") if (ROOT / name / "__init__.py").is_file()]
#: What each package must not import (`instructor` is absent from the students' release).
FORBIDDEN = {"lab": {"grader", "instructor"}, "grader": {"lab", "instructor"}, "instructor": set()}
#: Not modules of the package: the check modules, loaded by path in the grader's process, and the
#: sandbox's worker, run as a script in the sandbox (the one place that imports the graded `lab`).
DATA = {"grader": ["rubric", "child"], "instructor": ["hidden_tests"]}


def modules(package: str) -> dict[str, Path]:
    """{dotted module name: file} for the package's own modules."""
    base = ROOT / package
    found = {}
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if rel.parts[0] in DATA.get(package, []) or "__pycache__" in rel.parts:
            continue
        parts = [package, *rel.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The absolute names of every module `path` imports, anywhere in it."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            # `from P import a`: the module P.a if there is one, else the name a of P's __init__
            if not (ROOT.joinpath(*prefix.split(".")) / "__init__.py").is_file():
                out.add(prefix)  # a module (or outside the tree): `from M import name` imports M
                continue
            for alias in node.names:  # a package: its submodules, or names from its __init__
                if _is_module(f"{prefix}.{alias.name}"):
                    out.add(f"{prefix}.{alias.name}")
                elif alias.name == "*" or alias.name in _names_of(prefix):
                    out.add(prefix)
                # else: an optional module that is absent (lab.kernel in the students' release)
    return out


def _names_of(dotted: str) -> set[str]:
    """The names a package's __init__ (or a module) binds at its top level; empty outside the tree."""
    path = ROOT.joinpath(*dotted.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    if not path.is_file():
        return set()
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    """{module: the modules of the three packages it imports}."""
    all_modules = {}
    for package in PACKAGES:
        all_modules.update(modules(package))
    return {
        name: {m for m in imports(name, path) if m in all_modules and m != name}
        for name, path in all_modules.items()
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_what_it_may(package):
    assert modules(package), f"no modules found in {package}/"
    bad = [
        f"{name} imports {target}"
        for name, path in modules(package).items()
        for target in imports(name, path)
        if target.split(".")[0] in FORBIDDEN[package]
    ]
    assert bad == []


def find_cycles(edges: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk of the import graph meets, as "a -> b -> a"."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(node, path):
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_package_has_an_import_cycle():
    # importing a submodule runs its parents' __init__ first, which is not counted as an edge: a
    # package's __init__ exporting its submodules' names is not a cycle, a submodule taking a name
    # from the __init__ that imports it (`from . import SEED` in a module `lab/__init__` imports) is
    assert find_cycles(graph()) == []


def test_a_planted_cycle_is_found():
    edges = graph()
    assert edges["lab.engine"], "lab.engine imports something in lab"
    target = sorted(edges["lab.engine"])[0]
    planted = {**edges, target: {*edges.get(target, ()), "lab.engine"}}  # target imports engine back
    assert any("lab.engine" in c and target in c for c in find_cycles(planted))
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a -> b -> c -> a"]


def test_the_checker_sees_imports_inside_functions_and_relative_ones(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        "from .data import y\n\ndef f():\n    import grader.cli\n    from . import SEED, cli, nope\n"
    )
    assert imports("lab.m", path) == {"lab.data", "grader.cli", "lab", "lab.cli"}
