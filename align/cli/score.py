"""``align score``: add back-translation, length, language and combined scores to a dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from align.cli.console import console as cli_console
from align.cli.options import (
    DEFAULT_LANGUAGES,
    BatchSize,
    BeamSize,
    Device,
    Languages,
    MaxLength,
    MtModel,
    Quiet,
    Translations,
    parse_languages,
)
from align.models.translate import DEFAULT_MT_MODEL, MarianTranslator, load_translator
from align.publish.files import check_writable
from align.publish.score_dataset import score_dataset
from align.wording import counted

Opt = typer.Option


def score(
    dataset: Annotated[Path, typer.Argument(
        help="Dataset directory (or parquet file) with a 'translation' column.",
        show_default=False)],
    out: Annotated[Path | None, Opt("--out", "-o", help="Write here, not in place.")] = None,
    mt_model: MtModel = DEFAULT_MT_MODEL,
    reverse_model: Annotated[str | None, Opt(
        help="MarianMT model, source → target language, for the bt_*_rev scores.")] = None,
    translations: Translations = None,
    no_mt: Annotated[bool, Opt("--no-mt", help="Skip the back-translation scores.")] = False,
    device: Device = None,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 4,
    max_length: MaxLength = 256,
    languages: Languages = DEFAULT_LANGUAGES,
    quiet: Quiet = False,
) -> None:
    """Score every segment of a dataset; scores are stored, filtering decides later.

    Example: align score out/seeds --out out/seeds-scored
             align score out/seeds --translations mt.ar-fr.jsonl
    """
    check_writable(out or dataset)  # before loading any model
    options = dict(device=device, batch_size=batch_size, beam_size=beam_size,
                   max_length=max_length, progress=not quiet)
    translator = None if no_mt else load_translator(mt_model, translations, **options)
    reverse = MarianTranslator(reverse_model, **options) if reverse_model and not no_mt else None
    summary = score_dataset(dataset, out, translator, reverse, parse_languages(languages))
    means = ", ".join(f"{name} {value:.3f}" for name, value in summary["mean"].items())
    cli_console(stderr=True).print(
        f"{out or dataset}: scored {counted(summary['rows'], 'segment')}; mean {means}"
    )
