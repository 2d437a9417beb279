"""``build``: a collection or a recipe in, a dataset directory out.

Runs the stages in shards on an executor (align.engine.sharded), splits the kept segments
by document pair, and writes the dataset shards, the card and the build report in one
atomic step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from align.engine.executors import ExecutorOptions
from align.engine.pipeline import BuildConfig, BuildResult, Progress
from align.engine.sharded import run_sharded
from align.errors import ConfigError
from align.models.embed import Embedder
from align.models.translate import Translator
from align.publish.card import CardInfo, corpus_stats, render_card
from align.publish.dataset import (
    check_output_dir,
    read_report,
    score_columns,
    segments_to_rows,
    write_dataset_dir,
)
from align.publish.report import build_report, build_signature
from align.recipe import Recipe, load_recipe
from align.records import Segment
from align.stages.decontaminate import Exclusion
from align.stages.scoring import score_names
from align.stages.splits import assign_splits


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


def split_segments(
    result: BuildResult, kept: Sequence[Segment], recipe: Recipe
) -> dict[str, list[Segment]]:
    """Kept segments per split, drawn by document pair so no article straddles two splits."""
    pair_ids = [f"{p.pair.src.id}|{p.pair.tgt.id}" for p in result.pairs]
    drawn = assign_splits(pair_ids, recipe.splits, recipe.seed)
    splits: dict[str, list[Segment]] = {"train": []}
    for segment in kept:
        splits.setdefault(drawn[f"{segment.src_doc}|{segment.tgt_doc}"], []).append(segment)
    return splits


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
    splits = split_segments(result, kept, recipe)
    if keep_rejected:
        splits["rejected"] = [replace(s, rejected_by=reason) for s, reason in rejected]
    signature = build_signature(
        config,
        embedder=embedder.name if embedder else config.embedder,
        translator=translator.name if translator else None,
        seed=recipe.seed,
        recipe=str(recipe.path) if is_recipe(recipe.path) else None,
    )
    sizes = {name: len(segments) for name, segments in splits.items()}
    report = build_report(result, sizes, filter_counts, signature)
    stats = corpus_stats(splits, config.languages)
    info = CardInfo.from_recipe(
        recipe, stats, signature, filter_counts=filter_counts, stage_counts=report["counts"],
        example=_example(splits, config.languages), dates=report["dates"],
    )
    columns = score_names(config.languages, back_translation=translator is not None)
    if progress:
        progress("write", 0, 1)
    out = write_dataset_dir(
        out_dir, splits, config.languages, render_card(info), report, overwrite, columns
    )
    if progress:
        progress("write", 1, 1)
    return read_report(out)


def _example(splits: dict[str, list[Segment]], languages: Sequence[str]) -> dict[str, Any] | None:
    """The first kept row, as the dataset stores it, for the card's structure section."""
    first = next((segments[:1] for segments in splits.values() if segments), [])
    if not first:
        return None
    rows = segments_to_rows(first, languages, score_columns(first))
    return {name: values[0] for name, values in rows.items()}
