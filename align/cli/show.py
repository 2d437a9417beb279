"""``align show``: a built dataset's aligned pairs side by side."""

from __future__ import annotations

import typer

from align.cli.console import console as cli_console
from align.cli.options import DatasetDir
from align.errors import InputError
from align.publish.dataset import load_splits, read_report
from align.viz.show import pairs_table
from align.wording import counted


def show(
    dataset_dir: DatasetDir,
    split: str = typer.Option("train", help="Split to show."),
    limit: int = typer.Option(20, min=1, help="Number of pairs to show."),
    doc: str | None = typer.Option(None, help="Only the pairs of this document id."),
    logical: bool = typer.Option(
        False, "--logical", help="Print Arabic in logical order (terminals that do BiDi)."
    ),
) -> None:
    """Show aligned pairs side by side, right-to-left text readable.

    Example: align show out/seeds --limit 10
    """
    languages = tuple(read_report(dataset_dir)["signature"]["config"]["languages"])
    splits = load_splits(dataset_dir)
    if split not in splits:
        raise InputError(dataset_dir, f"no split {split!r} (has {', '.join(splits)})")
    rows = splits[split]
    if doc is not None:
        columns = [f"{lang}_doc" for lang in languages]
        rows = rows.filter(lambda row: doc in (row[columns[0]], row[columns[1]]))
    rows = rows.select(range(min(limit, len(rows))))
    console = cli_console()
    title = f"{dataset_dir}, {split} split: {len(rows)} of {counted(len(splits[split]), 'pair')}"
    table = pairs_table(rows, languages, visual=not logical, width=console.width, title=title)
    console.print(table)
