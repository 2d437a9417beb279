"""``align report``: figures and an HTML page for a built dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from align.cli.options import DatasetDir
from align.viz.figures_report import write_report
from align.wording import counted

OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="Report directory (default: DATASET_DIR/report)."),
]
MaxPairs = Annotated[
    int, typer.Option("--max-pairs", min=0, help="Heatmaps for at most this many document pairs.")
]
Dpi = Annotated[int, typer.Option("--dpi", min=30, max=600, help="Resolution of the PNG figures.")]


def report(
    dataset_dir: DatasetDir, out: OutDir = None, max_pairs: MaxPairs = 20, dpi: Dpi = 100
) -> None:
    """Draw score histograms, alignment types, the filter funnel and one similarity
    heatmap per document pair, and an index.html that shows them with the counts.

    Example: align report out/seeds --out out/seeds-report
    """
    index = write_report(dataset_dir, out, max_pairs=max_pairs, dpi=dpi)
    figures = sum(1 for _ in index.parent.glob("*.png"))
    typer.echo(f"wrote {counted(figures, 'figure')} and {index}")
