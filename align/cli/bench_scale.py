"""``align bench scale``: document pairing on synthetic collections of growing size."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from align.cli.options import EmbedderName
from align.errors import ConfigError
from align.models.embed import DEFAULT_EMBEDDER, load_embedder

Opt = typer.Option


def scale(
    data: Annotated[Path, Opt(help="The NTREX-128 directory (newstest2019-ref.*.txt).",
                              show_default=False)],
    sizes: Annotated[str, Opt(help="Articles per language, comma-separated, one run each.")
                     ] = "2000,4000,8000,16000,23000",
    undated: Annotated[bool, Opt("--undated", help="Articles without dates: no date blocking, "
                                 "so large sides use the approximate index.")] = False,
    exact_limit: Annotated[int, Opt(min=1, help="Largest side searched exactly.")] = 20_000,
    seed: Annotated[int, Opt(help="Seed of the synthetic collections.")] = 13,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    as_json: Annotated[bool, Opt("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Pair synthetic collections recombined from NTREX lines (translations, unpaired articles,
    distractors on the same stories): time per article, precision, recall, peak RSS and the
    share of time per stage. Each size runs in a fresh process.

    Example: align bench scale --data ntrex128 --sizes 2000,23000
    """
    from align.bench.scale import scale_benchmark, scale_report
    from align.bench.synthetic import line_table
    from align.stages.pairing import PairingConfig

    try:
        counts = [int(size) for size in sizes.split(",") if size.strip()]
    except ValueError:
        raise ConfigError(f"--sizes must be comma-separated integers, not {sizes!r}") from None
    if not counts or min(counts) < 10:
        raise ConfigError("--sizes needs at least one size of 10 articles or more")
    base = PairingConfig()
    config = replace(base, search=replace(base.search, exact_limit=exact_limit))
    table = line_table(data, load_embedder(embedder))
    results = scale_benchmark(table, counts, seed, not undated, config)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        typer.echo(scale_report(results))
