"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from align.models.embed import DEFAULT_EMBEDDER

InputPath = Annotated[
    Path,
    typer.Argument(
        help="A directory of .txt/.html/.jsonl articles, a .jsonl file, "
        "or a corpus recipe (.toml).",
        show_default=False,
    ),
]
DatasetDir = Annotated[
    Path, typer.Argument(help="A dataset directory written by 'align build'.", show_default=False)
]
Languages = Annotated[
    str, typer.Option("--languages", help="Source and target languages, comma-separated.")
]
EmbedderName = Annotated[
    str,
    typer.Option(
        "--embedder",
        help=f"Sentence embedder: '{DEFAULT_EMBEDDER}' (offline default), 'e5-small' "
        "(offline, slower) or a sentence-transformers model id or path, e.g. "
        "sentence-transformers/LaBSE.",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]

# Machine translation (back-translation scores).
MtModel = Annotated[
    str, typer.Option(help="MarianMT model (Hub id or directory), target → source language.")
]
Translations = Annotated[
    Path | None,
    typer.Option(
        help='Precomputed target → source translations: JSONL of {"text", "translation"}.'
    ),
]
Device = Annotated[str | None, typer.Option(help="torch device (default: cuda if available).")]
BatchSize = Annotated[int, typer.Option(min=1, help="Sentences per translation batch.")]
BeamSize = Annotated[int, typer.Option(min=1, help="Beam size of the translation search.")]
MaxLength = Annotated[int, typer.Option(min=8, help="Longest input and output, in tokens.")]

DEFAULT_LANGUAGES = "fr,ar"


def parse_languages(value: str) -> tuple[str, str]:
    """'fr,ar' → ('fr', 'ar'); a usage error otherwise."""
    parts = tuple(part.strip() for part in value.split(",") if part.strip())
    if len(parts) != 2 or parts[0] == parts[1]:
        raise typer.BadParameter(f"expected two different languages like 'fr,ar', got {value!r}")
    return parts[0], parts[1]
