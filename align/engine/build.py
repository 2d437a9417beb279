"""``build``: a collection or a recipe in, a dataset directory out.

Runs the stages in shards on an executor (align.engine.sharded), then streams the kept
segments from the filter shards into the dataset's Parquet files, split by document pair,
and puts the shards, the card and the build report in place in one atomic step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from align.engine.executors import ExecutorOptions
from align.engine.pipeline import BuildConfig, Progress
from align.engine.sharded import run_sharded
from align.errors import ConfigError
from align.models.embed import Embedder
from align.models.translate import Translator
from align.publish.card import CardInfo, render_card
from align.publish.dataset import (
    DatasetWriter,
    check_output_dir,
    read_report,
    score_columns,
    segments_to_rows,
)
from align.publish.report import build_report, build_signature
from align.publish.stats import CorpusStats, StatsCollector
from align.recipe import Recipe, load_recipe
from align.records import Segment
from align.stages.decontaminate import Exclusion
from align.stages.scoring import score_names
from align.stages.splits import assign_splits

WRITE_ROWS = 5000  # segments converted and written at once


def is_recipe(path: str | Path) -> bool:
    return Path(path).suffix == ".toml"


def recipe_for(input_path: str | Path, config: BuildConfig) -> Recipe:
    """The recipe of an ad-hoc build of a folder or file: named after it, license unknown."""
    path = Path(input_path)
    languages = config.languages
    name = re.sub(r"[^a-z0-9._-]+", "-", path.resolve().name.lower()).strip("-._") or "corpus"
    return Recipe(
        path=path,
        name=name,
        pretty_name=f"{name} ({'–'.join(languages)} parallel segments)",
        description=f"Sentence-aligned {' and '.join(languages)} segments built by align "
        f"from the articles in {path.name}.",
        inputs=(path,),
        license="unknown",
        languages=languages,
        filters=config.filters,
    )


def config_for(recipe: Recipe, base: BuildConfig) -> BuildConfig:
    """``base`` with the recipe's languages, filters and the pipeline options the recipe
    sets; the excluded sets of both apply."""
    options = recipe.pipeline
    align = base.align
    if options.max_alignment_size is not None:
        align = replace(align, max_size=options.max_alignment_size)
    if options.deletion_penalty is not None:
        align = replace(align, deletion_penalty=options.deletion_penalty)
    pairing = base.pairing
    if options.pairing_threshold is not None:
        pairing = replace(pairing, threshold=options.pairing_threshold)
    filters = replace(recipe.filters, exclude=recipe.filters.exclude + base.filters.exclude)
    return replace(
        base,
        languages=recipe.languages,
        embedder=options.embedder or base.embedder,
        align=align,
        pairing=pairing,
        filters=filters,
    )


@dataclass
class Published:
    """What the dataset's card and report say of the segments written."""

    sizes: dict[str, int]  # rows per split: train first, then in order of appearance
    stats: CorpusStats
    example: dict[str, Any] | None  # the first row, as the dataset stores it


def publish_segments(
    writer: DatasetWriter, kept: Iterable[Segment], rejected: Iterable[Segment] | None,
    drawn: Mapping[str, str], languages: Sequence[str],
) -> Published:
    """Write the kept segments to their pair's split (``drawn``: split by ``"src|tgt"`` ids)
    and the ``rejected`` ones, when given, to a ``rejected`` split, a batch at a time."""
    collector = StatsCollector(languages)
    sizes = {"train": 0}
    first: dict[str, Segment] = {}
    batches: dict[str, list[Segment]] = {}

    def add(split: str, segment: Segment) -> None:
        sizes[split] = sizes.get(split, 0) + 1
        first.setdefault(split, segment)
        collector.add(split, segment)
        batch = batches.setdefault(split, [])
        batch.append(segment)
        if len(batch) >= WRITE_ROWS:
            writer.write(split, batch)
            batches[split] = []

    for segment in kept:
        add(drawn[f"{segment.src_doc}|{segment.tgt_doc}"], segment)
    if rejected is not None:
        sizes.setdefault("rejected", 0)
        for segment in rejected:
            add("rejected", segment)
    for split, batch in batches.items():
        writer.write(split, batch)
    example = next((first[name] for name in sizes if name in first), None)
    return Published(sizes, collector.stats(sizes), _example(example, languages))


def build(
    input_path: str | Path,
    out_dir: str | Path,
    config: BuildConfig | None = None,
    embedder: Embedder | None = None,
    translator: Translator | None = None,
    keep_rejected: bool = False,
    overwrite: bool = True,
    progress: Progress | None = None,
    workers: int = 1,
    tasks: int | None = None,
    executor: ExecutorOptions | None = None,
) -> dict[str, Any]:
    """Build a dataset directory from articles or a recipe; returns the build report.

    The stages run as ``tasks`` shards (default: ``workers``, fewer for a small input) on
    ``executor`` (default: datatrove's local executor with ``workers`` processes; one runs
    every task in this process), keeping their shards and caches in ``<out_dir>.work``
    so that a rerun resumes and a build with more articles reuses what it can. Segments
    are scored (with back-translation when a ``translator`` is given) and filtered;
    ``keep_rejected`` writes the rejected ones to a ``rejected`` split with the name of
    the filter that rejected each.
    """
    config = config or BuildConfig()
    check_output_dir(out_dir, overwrite)
    if is_recipe(input_path):
        recipe = load_recipe(input_path)
        config = config_for(recipe, config)
    else:
        recipe = recipe_for(input_path, config)
    Exclusion.load(config.filters.exclude)  # bad paths fail before any work
    if config.signal == "mt" and translator is None:
        raise ConfigError("the 'mt' alignment signal needs a translation model or translations")
    executor = executor or ExecutorOptions(workers=workers)
    result, kept, rejected, filter_counts = run_sharded(
        recipe.inputs, out_dir, config, embedder, translator, tasks, executor, progress,
    )
    pair_ids = [f"{p.pair.src.id}|{p.pair.tgt.id}" for p in result.pairs]
    drawn = assign_splits(pair_ids, recipe.splits, recipe.seed)
    signature = build_signature(
        config,
        embedder=embedder.name if embedder else config.embedder,
        translator=translator.name if translator else None,
        seed=recipe.seed,
        recipe=str(recipe.path) if is_recipe(recipe.path) else None,
    )
    columns = score_names(config.languages, back_translation=translator is not None)
    if progress:
        progress("write", 0, 1)
    with DatasetWriter(out_dir, config.languages, columns, overwrite) as writer:
        published = publish_segments(writer, kept, rejected if keep_rejected else None, drawn,
                                     config.languages)
        report = build_report(result, published.sizes, filter_counts, signature)
        info = CardInfo.from_recipe(
            recipe, published.stats, signature, filter_counts=filter_counts,
            stage_counts=report["counts"], example=published.example, dates=report["dates"],
        )
        writer.finish(render_card(info), report, published.sizes)
    if progress:
        progress("write", 1, 1)
    return read_report(writer.out)


def _example(segment: Segment | None, languages: Sequence[str]) -> dict[str, Any] | None:
    """A row as the dataset stores it, for the card's structure section."""
    if segment is None:
        return None
    rows = segments_to_rows([segment], languages, score_columns([segment]))
    return {name: values[0] for name, values in rows.items()}
