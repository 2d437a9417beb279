"""``align export``: one split of a dataset as TMX, Moses, TSV or JSONL."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from align.cli.options import DatasetDir
from align.publish.export import FORMATS, export_dataset
from align.wording import counted

Format = Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


def export(
    dataset_dir: DatasetDir,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.", show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", help="Output file (Moses: prefix of OUT.<lang> files).", show_default=False)],
    split: Annotated[str, typer.Option("--split", help="Split to export.")] = "train",
) -> None:
    """Export one split with its scores for translation tools and MT toolkits.

    tmx: TMX 1.4, scores as <prop type="x-..."> elements.

    moses: line-aligned OUT.fr and OUT.ar, one segment per line.

    tsv: a header, then id, texts, alignment, scores and document ids.

    jsonl: one dataset row per line, with its scores.

    Example: align export out/seeds --format tmx --out seeds.tmx --split train
    """
    result = export_dataset(dataset_dir, fmt.value, out, split=split)
    paths = ", ".join(str(path) for path in result.paths)
    typer.echo(f"wrote {counted(result.segments, 'segment')} of {split} to {paths}")
