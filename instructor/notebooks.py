"""A notebook as the students get it (code cells stubbed, outputs stripped), and the solutions put back."""

from __future__ import annotations

import json

from .markers import MarkerError, Region, fill_text, parse, release_text


def cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def set_cell_source(cell, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _dump_notebook(nb) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def release_notebook(text: str, where: str) -> str:
    """A notebook's JSON text as the students get it: solutions stubbed in code cells, no outputs,
    no execution counts, no widget state, no execution timings. Cells left empty are dropped."""
    nb = json.loads(text)
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            source = release_text(cell_source(cell), f"{where} cell {index}")
            if not source.strip() and cell_source(cell).strip():
                continue  # a cell that was all instructor-only code
            set_cell_source(cell, source)
            cell["outputs"] = []
            cell["execution_count"] = None
            cell.get("metadata", {}).pop("execution", None)
        cells.append(cell)
    nb["cells"] = cells
    nb.get("metadata", {}).pop("widgets", None)
    return _dump_notebook(nb)


def fill_notebook(released: str, source: str, where: str) -> str:
    """Put the task solutions of notebook `source` into the stubs of a released notebook.

    Cells are matched by their id (the release keeps the ids)."""
    nb, src = json.loads(released), json.loads(source)
    by_id = {cell.get("id"): cell for cell in nb.get("cells", [])}
    for index, cell in enumerate(src.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        text = cell_source(cell)
        if not any(isinstance(p, Region) and p.kind == "task" for p in parse(text, f"{where} cell {index}")):
            continue
        target = by_id.get(cell.get("id"))
        if target is None:
            raise MarkerError(f"{where} cell {index}: no cell with id {cell.get('id')!r} in the release")
        set_cell_source(target, fill_text(cell_source(target), text, f"{where} cell {index}"))
    return _dump_notebook(nb)
