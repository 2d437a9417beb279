"""A build in shards: plan the stages, run them on an executor, gather what they found.

The work directory (``<out>.work`` beside the dataset directory) holds one folder per
stage and the caches; the same command finds it again, so a rerun after a crash redoes
only unfinished tasks, and a build with more articles reuses cached vectors and pairs.
"""

from __future__ import annotations

import heapq
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from align.engine.collect import ORDER_BITS, InputFile
from align.engine.executors import ExecutorOptions, run_stages
from align.engine.pairs import GROUP_ROWS
from align.engine.pipeline import BuildConfig, BuildResult, PairAlignment, Progress, _summary
from align.engine.shards import (
    alignments_from,
    document_from,
    loads,
    read_rows,
    segment_from,
    shard_paths,
)
from align.engine.steps import STAGES, Plan, use_models
from align.errors import ConfigError, InputError
from align.models.embed import Embedder
from align.models.translate import Translator
from align.records import DocumentPair, Segment, Sentence, Unpaired
from align.stages.given import read_pairs_file
from align.stages.ingest import _files

WORK_SUFFIX = ".work"
TASK_BYTES = 1 << 20  # input per task below which more tasks cost more than they save
_STAGE_FOLDER = re.compile(rf"^({'|'.join(STAGES)})-[0-9a-f]{{16}}$")


def work_dir_for(out_dir: str | Path) -> Path:
    """Where the build of ``out_dir`` keeps its shards and caches: ``<out_dir>.work``."""
    out = Path(out_dir).resolve()
    return out.with_name(out.name + WORK_SUFFIX)


def input_files(inputs: Sequence[str | Path]) -> tuple[list[InputFile], list[dict]]:
    """Every input file of the build, in reading order, with the collection it belongs to;
    and the entries of input folders that are not read, as rejected items placed before
    the first file of their collection."""
    files: list[InputFile] = []
    unread: list[dict] = []
    for index, collection in enumerate(inputs):
        problems: list[InputError] = []
        found = _files(Path(collection), problems.append)
        first = len(files) << ORDER_BITS
        unread += [{"order": first - len(problems) + n, "item": problem.path,
                    "reason": problem.problem} for n, problem in enumerate(problems)]
        files += [InputFile(str(path.resolve()), index) for path in found]
    return files, unread



def default_tasks(files: Sequence[InputFile], workers: int) -> int:
    """One task per worker, but at most one per ``TASK_BYTES`` of input: a small build runs
    as one task (in this process on the local executor), where starting workers and loading
    models in each would take longer than the work."""
    size = sum(Path(file.path).stat().st_size for file in files)
    return max(1, min(workers, size // TASK_BYTES))


def run_sharded(
    inputs: Sequence[str | Path], out_dir: str | Path, config: BuildConfig,
    embedder: Embedder | None = None, translator: Translator | None = None,
    tasks: int | None = None, executor: ExecutorOptions | None = None,
    progress: Progress | None = None,
) -> tuple[BuildResult, Iterator[Segment], Iterator[Segment], dict[str, int]]:
    """Run the stages in ``tasks`` shards (default: see ``default_tasks``); returns what
    ``build_corpus`` finds (its pairs without their segments), the kept and the rejected
    segments as they are read from the shards, and the rejections per filter."""
    executor = executor or ExecutorOptions()
    if config.pairs_file:
        read_pairs_file(config.pairs_file)  # a malformed file fails before any work
    files, unread = input_files(inputs)
    tasks = default_tasks(files, executor.workers) if tasks is None else tasks
    if tasks < 1:
        raise ConfigError(f"tasks must be at least 1, got {tasks}")
    if translator is not None and executor.kind != "local":
        raise ConfigError("back-translation runs on the local executor: drop --executor "
                          f"{executor.kind} or the translation model")
    started = time.perf_counter()
    work = work_dir_for(out_dir)
    plan = Plan.create(work, files, config, tasks,
                       embedder.name if embedder else config.embedder,
                       translator.name if translator else None)
    use_models(embedder, translator)
    in_process = frozenset({"align"}) if translator else frozenset()
    run_stages(plan, executor, in_process, progress)
    result, counts = gather(plan, unread)
    result.seconds = time.perf_counter() - started
    if not result.documents:
        where = inputs[0] if len(inputs) == 1 else ", ".join(map(str, inputs))
        reason = _summary(result.rejected) or "none found"
        raise InputError(where, "no usable article: " + reason)
    remove_stale_stages(plan)
    return result, filtered_segments(plan, "kept"), filtered_segments(plan, "rejected"), counts


def gather(plan: Plan, unread: Sequence[dict] = ()) -> tuple[BuildResult, dict[str, int]]:
    """Read the stages' shards back into one ``BuildResult`` (its pairs without their
    segments, which ``filtered_segments`` streams) and the filter counts; ``unread``
    entries of input folders are rejected items too."""
    folders = plan.folders()
    rows = sorted(read_rows(shard_paths(folders["clean"], "documents-*.parquet")),
                  key=lambda row: row["order"])
    documents = [document_from(row) for row in rows]
    by_key = {(d.id, d.lang): d for d in documents}
    read_errors = [*unread, *read_rows(shard_paths(folders["read"], "errors-*.parquet")),
                   *read_rows(shard_paths(folders["ids"], "rejected-*.parquet"))]
    dropped = list(read_rows(shard_paths(folders["clean"], "rejected-*.parquet")))
    rejected_articles = [
        (row["item"], row["reason"])
        for row in sorted(read_errors, key=lambda row: row["order"])
        + sorted(dropped, key=lambda row: row["order"])
    ]
    aligned = sorted(read_rows(shard_paths(folders["align"], "aligned-*.parquet")),
                     key=lambda row: row["index"])
    pairs = [_pair_alignment(row, []) for row in aligned if not row["unrelated"]]
    unrelated = [
        (_pair_alignment(row, [segment_from(s) for s in loads(row["unrelated_segments"])]),
         row["unrelated"])
        for row in aligned if row["unrelated"]
    ]
    unpaired = [
        Unpaired(by_key[row["id"], row["lang"]], row["reason"], row["best_match"],
                 row["best_score"])
        for row in read_rows(shard_paths(folders["pair"], "unpaired-*.parquet"))
    ]
    skipped: Counter[str] = Counter()
    for row in read_rows(shard_paths(folders["read"], "skipped-*.parquet")):
        skipped[row["reason"]] += row["count"]
    result = BuildResult(plan.config, documents, pairs, unpaired, rejected_articles,
                         skipped_records=dict(sorted(skipped.items())), unrelated=unrelated)
    return result, _filter_counts(folders["filter"])


def filtered_segments(plan: Plan, kind: str) -> Iterator[Segment]:
    """The ``kept`` or ``rejected`` segments (these naming their filter in ``rejected_by``)
    in build order, merged from the filter shards (each in build order) a row group at a
    time."""
    paths = shard_paths(plan.folders()["filter"], f"{kind}-*.parquet")
    rows = heapq.merge(*(read_rows([path], batch_rows=GROUP_ROWS) for path in paths),
                       key=lambda row: row["order"])
    return (segment_from(row) for row in rows)


def _pair_alignment(row: dict, segments: list[Segment]) -> PairAlignment:
    pair = DocumentPair(document_from(loads(row["src"])), document_from(loads(row["tgt"])),
                        row["score"], row["similarity"], row["number_overlap"],
                        row["length_ratio"], loads(row["evidence"]), row["given"])
    src = [Sentence(t, p) for t, p in zip(row["src_sentences"], row["src_sentence_paragraphs"],
                                          strict=True)]
    tgt = [Sentence(t, p) for t, p in zip(row["tgt_sentences"], row["tgt_sentence_paragraphs"],
                                          strict=True)]
    return PairAlignment(pair, src, tgt, alignments_from(row["alignments"]), segments)


def _filter_counts(folder: Path) -> dict[str, int]:
    """Rejections per reason, most first, ties in the order the reasons first occurred."""
    counts: Counter[str] = Counter()
    first: dict[str, list[int]] = {}
    for row in read_rows(shard_paths(folder, "counts-*.parquet")):
        counts[row["reason"]] += row["count"]
        first[row["reason"]] = min(first.get(row["reason"], row["first"]), row["first"])
    return {reason: counts[reason]
            for reason in sorted(counts, key=lambda r: (-counts[r], first[r]))}


def remove_stale_stages(plan: Plan) -> None:
    """Delete stage folders of earlier builds with other inputs or settings (not caches)."""
    current = {folder.name for folder in plan.folders().values()}
    for folder in Path(plan.work).iterdir():
        if _STAGE_FOLDER.match(folder.name) and folder.name not in current:
            shutil.rmtree(folder, ignore_errors=True)
