"""``align build``: articles (or a recipe) in, a Hugging Face dataset directory out."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from align.cli.console import console as cli_console
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
    PairsFile,
    Quiet,
    Signal,
    SignalName,
    Translations,
    parse_languages,
)
from align.cli.progress import progress_bars
from align.engine.build import build as build_dataset
from align.engine.executors import ExecutorOptions
from align.engine.pipeline import BuildConfig
from align.models.embed import DEFAULT_EMBEDDER
from align.models.translate import DEFAULT_MT_MODEL, load_translator
from align.publish.dataset import REPORT_FILE
from align.wording import counted

DEFAULTS = BuildConfig()
SHOWN_REJECTED = 5  # rejected inputs named on the terminal; the report lists all

Exclude = Annotated[
    list[Path] | None,
    typer.Option(
        "--exclude", help="Sentences to keep out (a test set): a text file, one sentence a "
        "line, or a dataset directory; repeatable. Removed segments count as test_overlap.",
    ),
]


def build(
    input_path: InputPath,
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset directory to write.")],
    languages: Languages = DEFAULT_LANGUAGES,
    embedder: EmbedderName = DEFAULT_EMBEDDER,
    max_size: int | None = typer.Option(
        None, min=2, show_default=False,
        help="Most sentences in one alignment bead, both sides "
        f"(default {DEFAULTS.align.max_size}).",
    ),
    deletion_penalty: float | None = typer.Option(
        None, min=0.0, show_default=False,
        help="Extra cost per sentence left unaligned; higher: fewer deletions "
        f"(default {DEFAULTS.align.deletion_penalty}).",
    ),
    pair_threshold: float | None = typer.Option(
        None, show_default=False,
        help=f"Minimum document-pair score (default {DEFAULTS.pairing.threshold}).",
    ),
    pairs: PairsFile = None,
    backtranslate: bool = typer.Option(
        False, "--backtranslate", help="Score segments by MarianMT back-translation (bt_chrf)."
    ),
    signal: Signal = SignalName.embedding,
    mt_model: MtModel = DEFAULT_MT_MODEL,
    translations: Translations = None,
    device: Device = None,
    batch_size: BatchSize = 32,
    beam_size: BeamSize = 4,
    max_length: MaxLength = 256,
    keep_rejected: bool = typer.Option(
        False, "--keep-rejected", help="Write filtered-out segments to a 'rejected' split."
    ),
    workers: int | None = typer.Option(
        None, min=1, show_default=False,
        help="Tasks run at once with the local or Ray executor (default: one per CPU core).",
    ),
    tasks: int | None = typer.Option(
        None, min=1, show_default=False, help="Shards each stage is cut into (default: "
        "--workers, fewer for an input under 1 MB a worker). Keep it the same to resume.",
    ),
    executor: str = typer.Option(
        "local", help="What runs the stages: datatrove's 'local', 'ray' or 'slurm' executor."
    ),
    ray_address: str | None = typer.Option(
        None, help="Ray cluster to use (default: start a local one for the build)."
    ),
    partition: str | None = typer.Option(None, help="Slurm partition (default: the cluster's)."),
    time_limit: str = typer.Option("04:00:00", "--time", help="Slurm time limit per task."),
    cpus_per_task: int = typer.Option(1, min=1, help="CPUs per task (Ray and Slurm)."),
    exclude: Exclude = None,
    overwrite: bool = typer.Option(
        True, help="Replace an earlier build in --out (its data, card and report; other files "
        "there are kept)."
    ),
    quiet: Quiet = False,
) -> None:
    """Build a sentence-aligned parallel dataset from a folder of articles or a recipe.

    The stages keep their shards and caches in OUT.work beside OUT: rerunning the same
    command after a crash resumes, and a rerun with more articles reuses what it can.

    Examples: align build seeds --out out/seeds
              align build corpora/seeds.toml --out out/seeds --backtranslate
              align build crawl.warc.gz --out out/crawl --pairs known-pairs.tsv
              align build seeds --out out/seeds --exclude flores.fr.txt --exclude out/test
              align build news/ --out out/news --executor local --workers 8
    """
    runner = ExecutorOptions(
        kind=executor, workers=workers or default_workers(), ray_address=ray_address,
        partition=partition, time=time_limit, cpus_per_task=cpus_per_task,
    )
    config = BuildConfig(
        languages=parse_languages(languages), embedder=embedder, signal=signal.value,
        pairs_file=str(pairs or ""),
    )
    if exclude:
        excluded = tuple(str(path) for path in exclude)
        config = replace(config, filters=replace(config.filters, exclude=excluded))
    if max_size is not None:
        config = replace(config, align=replace(config.align, max_size=max_size))
    if deletion_penalty is not None:
        config = replace(config, align=replace(config.align, deletion_penalty=deletion_penalty))
    if pair_threshold is not None:
        config = replace(config, pairing=replace(config.pairing, threshold=pair_threshold))
    translator = None
    if backtranslate or translations is not None or signal is SignalName.mt:
        translator = load_translator(
            mt_model, translations, device=device, batch_size=batch_size,
            beam_size=beam_size, max_length=max_length, progress=not quiet,
        )
    with progress_bars(not quiet) as progress:
        report = build_dataset(
            input_path, out, config, translator=translator, keep_rejected=keep_rejected,
            overwrite=overwrite, progress=progress, tasks=tasks, executor=runner,
        )
    print_summary(out, report)


def default_workers() -> int:
    """The CPU cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def print_summary(out: Path, report: dict[str, Any]) -> None:
    """What the build kept and what it left out, with the reasons, on stderr."""
    counts, filters = report["counts"], report["filters"]
    filtered = sum(filters.values())
    console = cli_console(stderr=True)
    console.print(
        f"{out}: {counted(counts['kept_segments'], 'segment')} kept, {filtered} filtered, from "
        f"{counted(counts['document_pairs'], 'document pair')}; "
        f"{counted(counts['unpaired_documents'], 'unpaired document')}, "
        f"{counted(counts['rejected_articles'], 'rejected article')}; {report['seconds']:.1f} s"
    )
    if filtered:
        reasons = ", ".join(f"{reason} {n}" for reason, n in filters.items() if n)
        console.print(f"filtered: {reasons}")
    rejected = report["rejected"]
    for item in rejected[:SHOWN_REJECTED]:
        console.print(f"rejected: {item['id']}: {item['reason']}")
    if len(rejected) > SHOWN_REJECTED:
        console.print(
            f"rejected: {len(rejected) - SHOWN_REJECTED} more, listed in {out / REPORT_FILE}"
        )
    if counts.get("skipped_records"):
        console.print(f"skipped WARC records: {report['skipped_records']}")
    for item in report.get("unrelated_given_pairs", []):
        console.print(f"not published: {item}")
    for note in report["notes"]:
        console.print(f"note: {note}")
