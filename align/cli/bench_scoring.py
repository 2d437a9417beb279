"""``align bench scoring``: ROC AUC of the quality scores on NTREX-128, and MT throughput."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from align.bench.scoring import bench_scoring, bench_throughput, read_ntrex
from align.cli.options import EmbedderName
from align.models.embed import DEFAULT_EMBEDDER, load_embedder

Opt = typer.Option


def scoring(
    data: Annotated[Path, Opt(help="The NTREX-128 directory (newstest2019-ref.*.txt).",
                              show_default=False)],
    model: Annotated[str | None, Opt(
        help="MarianMT model (Hub id or directory) to time on the Arabic lines.")] = None,
    sentences: Annotated[int, Opt(min=1, help="Arabic lines translated per timing run.")] = 256,
    runs: Annotated[int, Opt(min=1, help="Timing runs; the median is reported.")] = 3,
    batch_size: Annotated[int, Opt(min=2, help="Batch size of the batched run.")] = 32,
    beam_size: Annotated[int, Opt(min=1, help="Beam size of the translation search.")] = 4,
    max_length: Annotated[int, Opt(min=8, help="Longest input and output, in tokens.")] = 64,
    threads: Annotated[int | None, Opt(min=1, help="torch CPU threads (default: torch's).")
                       ] = None,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    seed: Annotated[int, Opt(help="Seed of the random pairing of the negatives.")] = 0,
) -> None:
    """ROC AUC of each signal: true fr/ar pairs against nearest-neighbour, adjacent and random
    negatives; the fitted combined score; translation sentences/s.

    Example: align bench scoring --data ntrex128 --model ./opus-mt-ar-fr --threads 1
    """
    results = {"scoring": bench_scoring(data, load_embedder(embedder), seed)}
    if model is not None:
        texts = read_ntrex(data).ar[:sentences]
        results["throughput"] = bench_throughput(
            model, texts, runs, batch_size, threads, beam_size=beam_size, max_length=max_length
        )
    typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
