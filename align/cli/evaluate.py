"""``align eval`` (score alignments against gold) and ``align bench`` (benchmarks)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from align.aligner.sentences import MARGIN, AlignConfig
from align.cli.options import EmbedderName
from align.models.embed import DEFAULT_EMBEDDER, load_embedder

bench_app = typer.Typer(
    help="Alignment benchmarks on public gold data (where to get it: the README's 'Benchmark "
    "data').\n\nExample: align bench textberg --data textberg-de-fr",
    no_args_is_help=True,
)
AsJson = typer.Option(False, "--json", help="Print JSON instead of a table.")
Data = typer.Option(
    ..., "--data", help="Directory holding the benchmark files.", show_default=False
)
Scoring = Annotated[
    str,
    typer.Option(
        "--scoring",
        help="Bead scoring of the aligner: 'signals' (default) or 'margin' (Bertalign's "
        "scoring and fixed skip cost).",
    ),
]


def _config(scoring: str) -> AlignConfig:
    config = MARGIN if scoring == "margin" else AlignConfig(scoring=scoring)
    config.validate()
    return config


def evaluate(
    gold: Annotated[
        Path, typer.Argument(help="Gold alignment file or directory.", show_default=False)
    ],
    pred: Annotated[Path, typer.Argument(help="Predicted file or directory.", show_default=False)],
    as_json: bool = AsJson,
) -> None:
    """Strict and lax precision/recall/F1 of Vecalign-format alignments (as Vecalign's score.py).

    Directories are matched file by file on the gold file names.

    Example: align eval gold/test0.defr pred/test0.defr
    """
    from align.bench.evaluate import evaluate_paths

    result = evaluate_paths(gold, pred)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(
        f"{'document':<24}{'P strict':>9}{'R strict':>9}{'F1 strict':>10}"
        f"{'P lax':>8}{'R lax':>8}{'F1 lax':>8}"
    )
    rows = [(d.name, d.scores) for d in result.documents] + [("overall", result.overall)]
    for name, s in rows:
        typer.echo(
            f"{name:<24}{s.precision_strict:9.3f}{s.recall_strict:9.3f}{s.f1_strict:10.3f}"
            f"{s.precision_lax:8.3f}{s.recall_lax:8.3f}{s.f1_lax:8.3f}"
        )


@bench_app.command("textberg")
def textberg(
    data: Path = Data,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    as_json: bool = AsJson,
    scoring: Scoring = "signals",
) -> None:
    """Text+Berg de–fr test0..6: our aligner vs Gale–Church, next to published numbers.

    Example: align bench textberg --data textberg-de-fr
    """
    from align.bench.textberg import textberg_benchmark, textberg_report

    config = _config(scoring)
    results = textberg_benchmark(data, load_embedder(embedder), config)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        typer.echo(textberg_report(results))


@bench_app.command("tune")
def tune(
    textberg: Annotated[
        Path, typer.Option("--textberg", help="Text+Berg directory (its dev document is used).")
    ],
    ntrex: Annotated[
        Path, typer.Option("--ntrex", help="NTREX-128 directory (documents 1–40 are used).")
    ],
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    cache: Annotated[
        Path | None, typer.Option("--cache", help="File caching the embeddings between runs.")
    ] = None,
) -> None:
    """Aligner settings compared on development sets only, with leave-one-set-out
    cross-validation: held-out beside tuned figures.

    Example: align bench tune --textberg textberg-de-fr --ntrex ntrex128 --cache emb.pkl
    """
    from align.bench.tune import default_grid, dev_sets, run_trials, tuning_report

    trials = run_trials(dev_sets(textberg, ntrex), default_grid(), embedder, cache)
    typer.echo(tuning_report(trials))


@bench_app.command("speed")
def speed(
    data: Path = Data,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    sizes: str = typer.Option("1000,10000", help="Sentences per document, comma-separated."),
    runs: int = typer.Option(3, min=1, help="Runs per size; the median is reported."),
) -> None:
    """Aligner time (embedding included) and peak memory on long documents, against the
    time to embed their sentences once and against Gale–Church.

    Example: align bench speed --data ntrex128 --sizes 1000,10000 --runs 3
    """
    from align.bench.speed import speed_benchmark, speed_report

    counts = [int(size) for size in sizes.split(",") if size.strip()]
    for size in counts:  # one size at a time, so results show as they come
        typer.echo(speed_report(speed_benchmark(data, embedder, [size], runs)))


@bench_app.command("ntrex")
def ntrex(
    data: Path = Data,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    as_json: bool = AsJson,
    scoring: Scoring = "signals",
) -> None:
    """NTREX-128 fr–ar: alignment of damaged documents vs Gale–Church, and document pairing.

    Example: align bench ntrex --data ntrex128
    """
    from align.bench.common import SAME_EMBEDDER_NTREX, format_references, format_table
    from align.bench.ntrex import alignment_benchmark, pairing_benchmark
    from align.bench.profiles import NEWS

    config = _config(scoring)
    model = load_embedder(embedder)
    results = alignment_benchmark(data, model, config)
    news = alignment_benchmark(data, model, config, profile=NEWS)
    news_paragraphs = alignment_benchmark(data, model, config, profile=NEWS, paragraphs=True)
    pairing = pairing_benchmark(data, model)
    summary = {**asdict(pairing), "precision": pairing.precision, "recall": pairing.recall}
    if as_json:
        alignment = {
            "damage": [r.to_dict() for r in results],
            "news_profile": [r.to_dict() for r in news],
            "news_profile_paragraphs": [r.to_dict() for r in news_paragraphs[:1]],
            "references": {k: asdict(r) for k, r in SAME_EMBEDDER_NTREX.items()},
        }
        typer.echo(json.dumps({"alignment": alignment, "pairing": summary}, indent=2))
        return
    typer.echo("damage (merges, glued lines, drops, boilerplate), test documents:")
    typer.echo(format_table(results, per_document=False))
    typer.echo(format_references([SAME_EMBEDDER_NTREX["damage"]]))
    typer.echo("\nnews profile (furniture between paragraphs, glued paragraphs), test documents:")
    typer.echo(format_table(news, per_document=False))
    typer.echo(format_references([SAME_EMBEDDER_NTREX["news"]]))
    typer.echo("\nthe same documents, each line's paragraph known (as in a build from articles):")
    typer.echo(format_table(news_paragraphs[:1], per_document=False))
    typer.echo(
        "\nBertalign has not been measured on these damaged documents; see "
        "`align bench textberg` for its figures with the same embedder."
    )
    typer.echo(
        f"\npairing: precision {pairing.precision:.3f}, recall {pairing.recall:.3f} "
        f"({pairing.correct} correct of {pairing.pairs_found} pairs; "
        f"{pairing.withheld} French documents without counterpart)"
    )


@bench_app.command("tm")
def tm(
    data: Path = Data,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    as_json: bool = AsJson,
) -> None:
    """A translation memory of paragraph units (1–5 NTREX-128 lines each) rebuilt as fr–ar
    articles, split and aligned: segments inside one unit and units recovered, on the test
    documents and the dev documents, with every unit translated and with a few one-sided.

    Example: align bench tm --data ntrex128
    """
    from align.bench.tm import SETTINGS, memory_benchmark, memory_report

    model = load_embedder(embedder)
    results = {
        (setting, split): memory_benchmark(data, model, one_sided=share, split=split)
        for setting, share in SETTINGS.items()
        for split in ("test", "dev")
    }
    if as_json:
        rows = [
            {"setting": setting, "split": split, **asdict(scores),
             "inside_share": scores.inside_share, "recovered_share": scores.recovered_share}
            for (setting, split), scores in results.items()
        ]
        typer.echo(json.dumps(rows, indent=2))
    else:
        typer.echo(memory_report(results))


@bench_app.command("collections")
def collections(
    data: Path = Data,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    sizes: str = typer.Option("570,2280", help="Shared-passage collection sizes, in articles."),
    split: str = typer.Option("test", help="NTREX documents: 'dev', 'test' or 'all'."),
) -> None:
    """Cleaning and pairing of articles sharing passages and of short briefs with same-story
    distractors, cut from NTREX-128: true pairs found, false pairs made.

    Example: align bench collections --data ntrex128 --sizes 570,2280
    """
    from align.bench.collections import HEADER, briefs, pair_collection, shared_passages

    model = load_embedder(embedder)
    typer.echo(HEADER)
    typer.echo(pair_collection("briefs", *briefs(data, split), model).line())
    for size in [int(s) for s in sizes.split(",") if s.strip()]:
        articles, truth = shared_passages(data, size, split)
        typer.echo(pair_collection(f"shared passages {size}", articles, truth, model).line())
