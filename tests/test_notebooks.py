"""Every notebook runs top to bottom in a fresh kernel of this interpreter, from notebooks/."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# What each notebook must show besides its figures.
EXPECTED = {
    "01_quickstart.ipynb": ["DatasetDict", "translation.ar"],
    "02_alignment_explorer.ipynb": ['dir="rtl"'],
    "03_quality.ipynb": ["<h4>Worst</h4>", "min_score"],
    "04_evaluation.ipynb": ["f1_strict"],
}


def outputs(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [str(value) for key, value in output.get("data", {}).items() if key != "image/png"]
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALIGN_EVAL_DATA", raising=False)  # the evaluation uses its own fixture
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError naming the failing cell
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    assert outputs(code[-1]).strip() == sys.executable
    assert any("image/png" in o.get("data", {}) for cell in code for o in cell.outputs)
    shown = "\n".join(outputs(cell) for cell in code)
    for expected in EXPECTED[name]:
        assert expected in shown
