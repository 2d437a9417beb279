"""``align sentences``: align the sentences of two documents, print Vecalign format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from align.aligner.sentences import AlignConfig
from align.cli.options import (
    EmbedderName,
    MtModel,
    Signal,
    SignalName,
    Translations,
    check_language,
)
from align.errors import InputError
from align.models.embed import DEFAULT_EMBEDDER, load_embedder
from align.models.translate import DEFAULT_MT_MODEL

DEFAULTS = AlignConfig()


def _read_sentences(
    path: Path, lang: str, presplit: bool
) -> tuple[list[str], list[int] | None]:
    """The sentences of a file and the paragraph of each (a non-empty line is a paragraph);
    with ``presplit`` a line is a sentence and paragraphs are unknown (None)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read ({error})") from None
    if presplit:
        return text.splitlines(), None
    from align.stages.split import split_document

    sentences = split_document(text, lang)
    return [s.text for s in sentences], [s.paragraph for s in sentences]


def sentences(
    src: Annotated[Path, typer.Argument(help="Source document (UTF-8 text).", show_default=False)],
    tgt: Annotated[Path, typer.Argument(help="Target document (UTF-8 text).", show_default=False)],
    src_lang: str = typer.Option(
        "fr", "--src-lang", callback=check_language, help="Source language code."
    ),
    tgt_lang: str = typer.Option(
        "ar", "--tgt-lang", callback=check_language, help="Target language code."
    ),
    presplit: bool = typer.Option(False, "--presplit", help="Files hold one sentence per line."),
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    max_size: int = typer.Option(
        DEFAULTS.max_size, "--max-size", min=2,
        help="Most sentences in one bead, both sides together.",
    ),
    deletion_penalty: float = typer.Option(
        DEFAULTS.deletion_penalty, "--deletion-penalty", min=0.0,
        help="Cost of leaving a sentence unaligned.",
    ),
    signal: Signal = SignalName.embedding,
    mt_model: MtModel = DEFAULT_MT_MODEL,
    translations: Translations = None,
    mt_weight: float = typer.Option(0.5, min=0.0, help="Weight of the 'mt' signal."),
) -> None:
    """Align the sentences of two documents; print one bead per line, Vecalign format.

    Each line holds the source ids, the target ids and the bead score, separated by
    colons; ids are 0-based and a deletion has an empty side. Without --presplit, each
    non-empty line of a document is a paragraph, and a bead that joins sentences of two
    paragraphs pays for it (so translations kept paragraph by paragraph stay apart).

    Example: align sentences article.fr.txt article.ar.txt --src-lang fr --tgt-lang ar
    """
    from align.aligner.sentences import align_sentences
    from align.models.translate import load_translator
    from align.stages.scoring import MTSignal

    config = DEFAULTS
    if max_size != DEFAULTS.max_size:
        side = max_size - 1
        config = replace(config, max_size=max_size, max_src=side, max_tgt=side)
    config = replace(config, deletion_penalty=deletion_penalty)
    src_sentences, src_paragraphs = _read_sentences(src, src_lang, presplit)
    tgt_sentences, tgt_paragraphs = _read_sentences(tgt, tgt_lang, presplit)
    signals = []
    if signal is SignalName.mt:
        translator = load_translator(mt_model, translations)
        signals.append((MTSignal(src_sentences, tgt_sentences, translator), mt_weight))
    paragraphs = None if presplit else (src_paragraphs, tgt_paragraphs)
    beads = align_sentences(
        src_sentences, tgt_sentences, load_embedder(embedder), config, signals, paragraphs
    )
    typer.echo("\n".join(bead.to_vecalign() for bead in beads))
