"""``align build``: articles (or a recipe) in, a Hugging Face dataset directory out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from align.cli.options import (
    DEFAULT_LANGUAGES,
    BatchSize,
    BeamSize,
    Device,
    EmbedderName,
    InputPath,
    Languages,
    MaxLength,
    MtModel,
    Quiet,
    Translations,
    parse_languages,
)
from align.cli.progress import progress_bars
from align.engine.build import build as build_dataset
from align.engine.pipeline import BuildConfig
from align.models.embed import DEFAULT_EMBEDDER
from align.models.translate import DEFAULT_MT_MODEL, load_translator


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
    backtranslate: bool = typer.Option(
        False, "--backtranslate", help="Score segments by MarianMT back-translation (bt_chrf)."
    ),
    signal: str = typer.Option(
        "embedding", help="Alignment signal: 'embedding', or 'mt' to add back-translation chrF."
    ),
    mt_model: MtModel = DEFAULT_MT_MODEL,
    translations: Translations = None,
    device: Device = None,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 4,
    max_length: MaxLength = 256,
    keep_rejected: bool = typer.Option(
        False, "--keep-rejected", help="Write filtered-out segments to a 'rejected' split."
    ),
    workers: int = typer.Option(1, min=1, help="Processes that align document pairs."),
    overwrite: bool = typer.Option(True, help="Replace an earlier build in --out."),
    quiet: Quiet = False,
) -> None:
    """Build a sentence-aligned parallel dataset from a folder of articles or a recipe.

    Examples: align build seeds --out build/seeds
              align build corpora/seeds.toml --out build/seeds --backtranslate
    """
    config = BuildConfig(languages=parse_languages(languages), embedder=embedder, signal=signal)
    if max_size is not None:
        config = replace(config, align=replace(config.align, max_size=max_size))
    if deletion_penalty is not None:
        config = replace(config, align=replace(config.align, deletion_penalty=deletion_penalty))
    if pair_threshold is not None:
        config = replace(config, pairing=replace(config.pairing, threshold=pair_threshold))
    translator = None
    if backtranslate or translations is not None or signal == "mt":
        translator = load_translator(
            mt_model, translations, device=device, batch_size=batch_size,
            beam_size=beam_size, max_length=max_length, progress=not quiet,
        )
    with progress_bars(not quiet) as progress:
        report = build_dataset(
            input_path, out, config, translator=translator, keep_rejected=keep_rejected,
            overwrite=overwrite, progress=progress, workers=workers,
        )
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
