"""Shared by tools/notebooks_NN.py: turn a list of cells into a notebook and write it with its parameter sets.

A cell is `(kind, source)` with kind `"md"` (markdown), `"params"` (the code cell tagged
`parameters`) or `"code"`. The notebook gets the Python 3 kernelspec, the `airdef` metadata and
stable cell ids (`c00`, `c01`, ...) so diffs of the committed notebook stay small.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def build(cells: Iterable[tuple[str, str]], *, needs_record: bool) -> nbformat.NotebookNode:
    """The notebook of `cells`, committed without outputs."""
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["airdef"] = {"needs_record": needs_record}
    for kind, source in cells:
        if kind == "md":
            notebook.cells.append(new_markdown_cell(source))
        else:
            cell = new_code_cell(source)
            if kind == "params":
                cell.metadata["tags"] = ["parameters"]
            notebook.cells.append(cell)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"c{index:02d}"  # stable ids keep diffs of the committed notebook small
    return notebook


def write_notebook(name: str, cells: Iterable[tuple[str, str]], *, needs_record: bool,
                   parameter_sets_yaml: str) -> None:
    """Write notebooks/<name>.ipynb and its parameter sets notebooks/<name>.yaml.

    `parameter_sets_yaml` is the YAML after the header line, which names the notebook.
    """
    nbformat.write(build(cells, needs_record=needs_record), NOTEBOOKS / f"{name}.ipynb")
    (NOTEBOOKS / f"{name}.yaml").write_text(
        f"# Parameter sets of {name} (overrides of the notebook's parameters cell).\n"
        + parameter_sets_yaml
    )
