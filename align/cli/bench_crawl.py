"""``align bench crawl``: URL and date evidence, a seed WARC and given pairs, measured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from align.bench.crawl import crawl_report
from align.cli.options import EmbedderName
from align.models.embed import DEFAULT_EMBEDDER, load_embedder

Opt = typer.Option


def crawl(
    data: Annotated[Path, Opt(help="The NTREX-128 directory (newstest2019-ref.*.txt).",
                              show_default=False)],
    seeds: Annotated[Path, Opt(help="The seed articles, written into a test WARC.")] = Path(
        "seeds"),
    embedder: EmbedderName = DEFAULT_EMBEDDER,
) -> None:
    """NTREX briefs with URLs paired by content alone and with URL/date evidence (weights
    chosen on dev stories, held-out figures beside them), the seed pages read from a WARC
    among records to skip, and NTREX documents given as JSONL pairs.

    Example: align bench crawl --data ntrex128 --seeds seeds
    """
    typer.echo(crawl_report(data, seeds, load_embedder(embedder)))
