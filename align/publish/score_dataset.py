"""Add quality scores to a dataset on disk: a dataset directory or a parquet file.

Any parquet data with a ``translation`` column of ``{source, target}`` texts can be scored
(an ``align build`` directory, a Hub-style ``data/*.parquet`` dataset, a single file).
Other columns are kept; each score becomes a float32 column, replacing an older one of the
same name. Output is written next to its destination and renamed into place, so the input
survives any failure, also when it is replaced.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.models.translate import Translator
from align.publish.files import check_writable, file_mode
from align.records import Segment
from align.stages.scoring import score_segments

REPORT_FILE = "build_report.json"


def parquet_files(path: Path) -> list[Path]:
    """The parquet file itself, or every parquet file under a directory (hidden ones aside)."""
    if path.is_file():
        return [path]
    files = [
        p for p in sorted(path.rglob("*.parquet"))
        if not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    if not files:
        raise InputError(path, "holds no parquet files (expected a dataset directory)")
    return files


def dataset_segments(dataset: Any, languages: Sequence[str], path: Path) -> list[Segment]:
    """Segments of a ``datasets.Dataset`` with a ``translation`` column; absent fields empty."""
    src, tgt = languages
    if "translation" not in dataset.column_names:
        raise InputError(path, "has no 'translation' column")
    columns = set(dataset.column_names)

    def column(name: str) -> list[Any]:
        return dataset[name] if name in columns else [None] * len(dataset)

    segments = []
    for i, (pair, key, src_doc, tgt_doc, src_ids, tgt_ids, kind, similarity) in enumerate(
        zip(dataset["translation"], column("id"), column(f"{src}_doc"), column(f"{tgt}_doc"),
            column(f"{src}_sentences"), column(f"{tgt}_sentences"), column("alignment"),
            column("similarity"), strict=True)
    ):
        if not isinstance(pair, dict) or not pair.get(src) or not pair.get(tgt):
            raise InputError(path, f"row {i}: 'translation' lacks a {src!r} or {tgt!r} text")
        segments.append(Segment(
            id=str(key if key is not None else i), src=pair[src], tgt=pair[tgt],
            src_doc=src_doc or "", tgt_doc=tgt_doc or "",
            src_sentences=tuple(src_ids or ()), tgt_sentences=tuple(tgt_ids or ()),
            alignment=kind or "", similarity=math.nan if similarity is None else similarity,
        ))
    return segments


def with_scores(dataset: Any, segments: Sequence[Segment]) -> Any:
    """``dataset`` with one float32 column per score of ``segments``."""
    from datasets import Value

    names = list(dict.fromkeys(name for s in segments for name in s.scores))
    for name in names:
        if name in dataset.column_names:
            dataset = dataset.remove_columns(name)
        values = [s.scores.get(name) for s in segments]
        dataset = dataset.add_column(name, values, feature=Value("float32"))
    return dataset


def score_dataset(
    path: str | Path,
    out: str | Path | None = None,
    translator: Translator | None = None,
    reverse_translator: Translator | None = None,
    languages: Sequence[str] = ("fr", "ar"),
) -> dict[str, Any]:
    """Score every row of the dataset at ``path``; write to ``out`` (default: replace it).

    Returns a summary: rows, files, the translators and the mean of each score.
    """
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar
    from pyarrow import ArrowInvalid
    from pyarrow.parquet import read_table

    source = Path(path)
    if not source.exists():
        raise InputError(source, "not found")
    check_writable(Path(out) if out is not None else source)
    disable_progress_bar()
    files = parquet_files(source)
    tables = []
    for file in files:
        try:
            dataset = Dataset(read_table(file))
        except (ArrowInvalid, OSError) as error:
            raise InputError(file, f"unreadable parquet: {error}") from None
        tables.append((file, dataset, dataset_segments(dataset, languages, file)))
    everything = [segment for _, _, segments in tables for segment in segments]
    scored = score_segments(everything, translator, reverse_translator, languages)
    summary = _summary(scored, translator, reverse_translator, len(files))
    with _staging(source, Path(out) if out is not None else source) as staging:
        offset = 0
        for file, dataset, segments in tables:
            target = staging / file.relative_to(source) if source.is_dir() else staging
            part = scored[offset : offset + len(segments)]
            with_scores(dataset, part).to_parquet(str(target))
            offset += len(segments)
        report = staging / REPORT_FILE
        if source.is_dir() and report.is_file():
            content = json.loads(report.read_text(encoding="utf-8"))
            content["scoring"] = summary
            report.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return summary


def _summary(
    segments: Sequence[Segment],
    translator: Translator | None,
    reverse_translator: Translator | None,
    files: int,
) -> dict[str, Any]:
    values: dict[str, list[float]] = {}
    for segment in segments:
        for name, value in segment.scores.items():
            values.setdefault(name, []).append(value)
    return {
        "rows": len(segments),
        "files": files,
        "translator": translator.name if translator else None,
        "reverse_translator": reverse_translator.name if reverse_translator else None,
        "mean": {name: round(sum(v) / len(v), 4) for name, v in values.items()},
    }


@contextmanager
def _staging(source: Path, destination: Path) -> Iterator[Path]:
    """A copy of ``source`` next to ``destination``, renamed onto it when the block succeeds."""
    if destination.exists() and destination.resolve() != source.resolve():
        if destination.is_dir() != source.is_dir() or (
            destination.is_dir()
            and any(destination.iterdir())
            and not any(destination.rglob("*.parquet"))
        ):
            raise InputError(destination, "exists and holds no dataset; refusing to replace it")
    destination.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{destination.name}."
    if source.is_dir():
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=destination.parent))
        shutil.copytree(source, staging, dirs_exist_ok=True)
    else:
        handle, name = tempfile.mkstemp(prefix=prefix, dir=destination.parent)
        os.close(handle)
        staging = Path(name)
        staging.chmod(file_mode())
    try:
        yield staging
    except BaseException:
        _remove(staging)
        raise
    if staging.is_file() or not destination.exists():
        os.replace(staging, destination)
        return
    old = Path(tempfile.mkdtemp(prefix=f"{prefix}old.", dir=destination.parent))
    os.replace(destination, old / "previous")
    os.replace(staging, destination)
    shutil.rmtree(old, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
