"""``align pair``: which articles translate each other."""

from __future__ import annotations

import json
from dataclasses import replace

import typer
from rich.table import Table

from align.cli.console import console as cli_console
from align.cli.options import (
    DEFAULT_LANGUAGES,
    EmbedderName,
    InputPath,
    Languages,
    PairsFile,
    parse_languages,
)
from align.cli.progress import progress_bars
from align.engine.pipeline import BuildConfig, collect_documents, pair_collection
from align.models.embed import DEFAULT_EMBEDDER, load_embedder
from align.stages.pairing import PairingConfig
from align.wording import counted


def pair(
    input_path: InputPath,
    languages: Languages = DEFAULT_LANGUAGES,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    threshold: float | None = typer.Option(
        None, show_default=False,
        help=f"Minimum pair score (default {PairingConfig().threshold}, tuned on NTREX dev).",
    ),
    pairs_file: PairsFile = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Pair the articles of a collection that translate each other.

    Evidence per pair: sentence coverage, shared numbers, length agreement, and the URL
    (equal but for language markers, shared article id) and date features.

    Example: align pair seeds
    """
    config = BuildConfig(languages=parse_languages(languages), embedder=embedder,
                         pairs_file=str(pairs_file or ""))
    if threshold is not None:
        config = replace(config, pairing=replace(config.pairing, threshold=threshold))
    with progress_bars() as progress:
        documents, rejected = collect_documents(input_path, config.languages, progress)
        embedder_model = load_embedder(config.embedder)
        pairs, unpaired = pair_collection(documents, config, embedder_model, progress)
    src, tgt = config.languages
    if as_json:
        typer.echo(json.dumps({
            "pairs": [{src: p.src.id, tgt: p.tgt.id, "score": round(p.score, 4),
                       "sentence_coverage": round(p.similarity, 4),
                       "number_overlap": round(p.number_overlap, 4),
                       "length_agreement": round(p.length_ratio, 4),
                       **{k: round(v, 4) for k, v in p.evidence.items()}, "given": p.given,
                       f"{src}_url": p.src.meta.get("url", ""),
                       f"{tgt}_url": p.tgt.meta.get("url", "")} for p in pairs],
            "unpaired": [{"id": u.document.id, "lang": u.document.lang, "reason": u.reason}
                         for u in unpaired],
            "rejected": [{"id": i, "reason": r} for i, r in rejected],
        }, ensure_ascii=False, indent=2))
        return
    console = cli_console()
    table = Table(title=counted(len(pairs), "document pair"))
    for column in (src, tgt):
        table.add_column(column, overflow="fold")  # ids are never cut
    for column in ("score", "coverage", "numbers", "length", "url", "id", "date"):
        table.add_column(column, justify="right", no_wrap=True)
    for p in pairs:
        evidence = [f"{p.evidence.get(k, 0.0):.2f}"
                    for k in ("url_match", "shared_id", "date_proximity")]
        table.add_row(p.src.id, p.tgt.id, f"{p.score:.3f}" + (" given" if p.given else ""),
                      f"{p.similarity:.3f}", f"{p.number_overlap:.2f}",
                      f"{p.length_ratio:.2f}", *evidence)
    console.print(table)
    others = Table(title=f"{len(unpaired) + len(rejected)} unpaired or rejected")
    for column in ("id", "lang", "reason"):
        others.add_column(column, overflow="fold")
    for u in unpaired:
        others.add_row(u.document.id, u.document.lang, u.reason)
    for item, reason in rejected:
        others.add_row(item, "", reason)
    console.print(others)
