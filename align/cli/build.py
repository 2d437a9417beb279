"""``align build``: articles (or a recipe) in, a Hugging Face dataset directory out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from align.build import build as build_dataset
from align.cli.options import DEFAULT_LANGUAGES, EmbedderName, InputPath, Languages, Quiet, parse_languages
from align.cli.progress import progress_bars
from align.embed import DEFAULT_EMBEDDER
from align.pipeline import BuildConfig


def build(
    input_path: InputPath,
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset directory to write.")],
    languages: Languages = DEFAULT_LANGUAGES,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    max_size: int | None = typer.Option(
        None, min=2, help="Most sentences in one alignment bead, both sides (default 4)."
    ),
    deletion_penalty: float | None = typer.Option(
        None, help="Extra cost per sentence left unaligned (higher: fewer deletions)."
    ),
    pair_threshold: float | None = typer.Option(None, help="Minimum document-pair score."),
    overwrite: bool = typer.Option(True, help="Replace an earlier build in --out."),
    quiet: Quiet = False,
) -> None:
    """Build a sentence-aligned parallel dataset from a folder of articles or a recipe.

    Examples: align build seeds --out build/seeds
              align build corpora/seeds.toml --out build/seeds
    """
    config = BuildConfig(languages=parse_languages(languages), embedder=embedder)
    if max_size is not None:
        config = replace(config, align=replace(config.align, max_size=max_size))
    if deletion_penalty is not None:
        config = replace(config, align=replace(config.align, deletion_penalty=deletion_penalty))
    if pair_threshold is not None:
        config = replace(config, pairing=replace(config.pairing, threshold=pair_threshold))
    with progress_bars(not quiet) as progress:
        report = build_dataset(input_path, out, config, overwrite=overwrite, progress=progress)
    counts = report["counts"]
    console = Console(stderr=True)
    console.print(
        f"{out}: {counts['kept_segments']} segments from {counts['document_pairs']} document "
        f"pairs; {counts['unpaired_documents']} unpaired, {counts['rejected_articles']} "
        f"rejected; {report['seconds']:.1f} s",
        highlight=False,
    )
    for note in report["notes"]:
        console.print(f"note: {note}", highlight=False)
