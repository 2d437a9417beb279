"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from align.models.embed import DEFAULT_EMBEDDER


class SignalName(str, Enum):
    """Alignment signals: sentence embeddings alone, or with back-translation chrF."""

    embedding = "embedding"
    mt = "mt"


InputPath = Annotated[
    Path,
    typer.Argument(
        help="A directory of .txt/.html/.jsonl/.warc(.gz) articles, one such file, "
        "or a corpus recipe (.toml).",
        show_default=False,
    ),
]
DatasetDir = Annotated[
    Path, typer.Argument(help="A dataset directory written by 'align build'.", show_default=False)
]


def _check_languages(value: str) -> str:
    parse_languages(value)
    return value


def check_language(value: str) -> str:
    """A language code the language identifier knows; a usage error otherwise."""
    from align.stages.language import known_languages

    known = known_languages()
    if value not in known:
        raise typer.BadParameter(
            f"unknown language code {value!r}; use an ISO 639-1 code such as fr, ar, en or de "
            f"(one of the {len(known)} that py3langid identifies)"
        )
    return value


Languages = Annotated[
    str,
    typer.Option(
        "--languages", callback=_check_languages,
        help="Source and target languages, comma-separated.",
    ),
]
Signal = Annotated[
    SignalName,
    typer.Option(
        help="Alignment signal: 'embedding', or 'mt' to add chrF of back-translated candidates.",
    ),
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
PairsFile = Annotated[
    Path | None,
    typer.Option(
        "--pairs",
        help="TSV of document pairs the user knows (source and target id or URL per line): "
        "they skip pairing and are checked after alignment.",
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
    return check_language(parts[0]), check_language(parts[1])
