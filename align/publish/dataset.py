"""The dataset directory: parquet shards in the Hub's layout, the card and the build report.

Layout (what ``datasets.load_dataset(DIR)`` and the Hub read)::

    DIR/README.md                         dataset card with YAML metadata
    DIR/data/<split>-00000-of-00001.parquet
    DIR/build_report.json

A split with no rows is never written: ``datasets`` refuses an empty parquet shard. When a
split is left out, the report keeps the schema (``EMPTY_SCHEMA``), so ``load_splits`` still
gives that split, empty and with every column.

A directory is written next to its destination and renamed into place, so an
interrupted build never leaves a half-written dataset and an earlier one survives.
Rebuilding replaces only what a build owns (``OWNED``: the shards, the card, the report);
other files in the directory, such as notes or the ``report/`` folder of ``align report``,
are kept.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from align.errors import InputError
from align.publish.files import check_writable, make_staging_dir, swap_in
from align.publish.stats import ordered_splits
from align.records import Provenance, Segment

REPORT_FILE = "build_report.json"
CARD_FILE = "README.md"
EMPTY_SCHEMA = "empty_schema"  # report key: the features of a dataset with no rows
DATA_DIR = "data"
OWNED = frozenset({DATA_DIR, CARD_FILE, REPORT_FILE})  # what a rebuild replaces


def features(
    languages: Sequence[str], score_columns: Sequence[str] = (), rejected: bool = False
) -> Any:
    """The dataset schema: a ``Translation`` feature, document ids and URLs (empty when
    unknown), sentence indices, scores.

    ``found_in`` names every document pair (and URLs) a row was found in: repeats of a
    segment collapse into one row. Rows of the ``rejected`` split also name the filter that
    rejected them.
    """
    from datasets import Features, List, Translation, Value

    src, tgt = languages
    columns: dict[str, Any] = {
        "id": Value("string"),
        "translation": Translation(languages=sorted(languages)),
        f"{src}_doc": Value("string"),
        f"{tgt}_doc": Value("string"),
        f"{src}_url": Value("string"),
        f"{tgt}_url": Value("string"),
        f"{src}_sentences": List(Value("int32")),
        f"{tgt}_sentences": List(Value("int32")),
        "alignment": Value("string"),
        "similarity": Value("float32"),
        "found_in": List({f"{lang}_{name}": Value("string")
                          for name in ("doc", "url") for lang in (src, tgt)}),
    }
    columns.update({name: Value("float32") for name in score_columns})
    if rejected:
        columns["rejected_by"] = Value("string")
    return Features(columns)


def score_columns(segments: Sequence[Segment]) -> list[str]:
    """Names of the extra score columns, in first-seen order."""
    names: dict[str, None] = {}
    for segment in segments:
        names.update(dict.fromkeys(segment.scores))
    names.pop("similarity", None)
    return list(names)


def segments_to_rows(
    segments: Sequence[Segment],
    languages: Sequence[str],
    scores: Sequence[str],
    rejected: bool = False,
) -> dict[str, list[Any]]:
    """Column-oriented rows for ``datasets.Dataset.from_dict``."""
    src, tgt = languages
    rows: dict[str, list[Any]] = {name: [] for name in features(languages, scores, rejected)}
    for s in segments:
        rows["id"].append(s.id)
        rows["translation"].append({src: s.src, tgt: s.tgt})
        rows[f"{src}_doc"].append(s.src_doc)
        rows[f"{tgt}_doc"].append(s.tgt_doc)
        rows[f"{src}_url"].append(s.src_url)
        rows[f"{tgt}_url"].append(s.tgt_url)
        rows[f"{src}_sentences"].append(list(s.src_sentences))
        rows[f"{tgt}_sentences"].append(list(s.tgt_sentences))
        rows["alignment"].append(s.alignment)
        rows["similarity"].append(s.similarity)
        found_in = s.found_in or (Provenance(s.src_doc, s.tgt_doc, s.src_url, s.tgt_url),)
        rows["found_in"].append([
            {f"{src}_doc": p.src_doc, f"{tgt}_doc": p.tgt_doc,
             f"{src}_url": p.src_url, f"{tgt}_url": p.tgt_url}
            for p in found_in
        ])
        for name in scores:
            value = s.scores.get(name)
            rows[name].append(None if value is None or math.isnan(value) else value)
        if rejected:
            rows["rejected_by"].append(s.rejected_by)
    return rows


def to_dataset(
    segments: Sequence[Segment], languages: Sequence[str], scores: Sequence[str] | None = None
) -> Any:
    """A ``datasets.Dataset`` of segments; ``scores`` fixes the score columns (by default
    those the segments hold), so an empty split keeps the schema of the others."""
    from datasets import Dataset

    scores = score_columns(segments) if scores is None else scores
    rejected = any(s.rejected_by for s in segments)
    return Dataset.from_dict(
        segments_to_rows(segments, languages, scores, rejected),
        features=features(languages, scores, rejected),
    )


def write_dataset_dir(
    out_dir: str | Path,
    splits: Mapping[str, Sequence[Segment]],
    languages: Sequence[str],
    card: str,
    report: Mapping[str, Any],
    overwrite: bool = True,
    scores: Sequence[str] | None = None,
) -> Path:
    """Write shards, card and report to ``out_dir`` atomically; returns the directory.

    Every split gets the same score columns: ``scores``, or those any segment holds. Splits
    with no rows are left out.
    """
    if scores is None:
        scores = score_columns([s for segments in splits.values() for s in segments])
    with DatasetWriter(out_dir, languages, scores, overwrite) as writer:
        for split, segments in splits.items():
            writer.write(split, segments)
        writer.finish(card, report, splits)
    return writer.out


class DatasetWriter:
    """A dataset directory written a batch of segments at a time: each split's shard grows
    in a staging folder beside ``out_dir``; ``finish`` adds the card and the report and
    swaps the folder into place. Leaving the ``with`` block without ``finish`` (or on an
    error) removes the staging folder, and an earlier dataset stays as it was."""

    def __init__(self, out_dir: str | Path, languages: Sequence[str], scores: Sequence[str],
                 overwrite: bool = True) -> None:
        self.out = check_output_dir(out_dir, overwrite)
        self.languages, self.scores = languages, scores
        self._staging = make_staging_dir(self.out)
        (self._staging / DATA_DIR).mkdir()
        self._shards: dict[str, Any] = {}  # split → pyarrow.parquet.ParquetWriter

    def write(self, split: str, segments: Sequence[Segment]) -> None:
        """Append segments to a split (the ``rejected`` split's rows name their filter)."""
        import pyarrow.parquet as pq

        if not segments:
            return
        table = to_dataset(segments, self.languages, self.scores).data.table  # keeps features
        if split not in self._shards:
            path = self._staging / DATA_DIR / f"{split}-00000-of-00001.parquet"
            self._shards[split] = pq.ParquetWriter(path, table.schema)
        self._shards[split].write_table(table)

    def finish(self, card: str, report: Mapping[str, Any], splits: Iterable[str]) -> None:
        """Write the card and the report and put the dataset in place; ``splits`` names
        every split, those without rows included."""
        for shard in self._shards.values():
            shard.close()
        if set(splits) - set(self._shards):
            report = {**report, EMPTY_SCHEMA: features(self.languages, self.scores).to_dict()}
        (self._staging / CARD_FILE).write_text(card, encoding="utf-8")
        (self._staging / REPORT_FILE).write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        swap_in(self._staging, self.out, owned=OWNED.__contains__)
        self._shards = {}

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, *_: object) -> None:
        for shard in self._shards.values():
            shard.close()
        shutil.rmtree(self._staging, ignore_errors=True)


def check_output_dir(out_dir: str | Path, overwrite: bool = True) -> Path:
    """Refuse, before any work, a destination that cannot be written, is a file, holds
    something other than an earlier build, or holds a build that must not be overwritten."""
    out = Path(out_dir)
    check_writable(out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a directory")
    if out.exists() and any(out.iterdir()):
        if not (out / REPORT_FILE).exists():
            raise InputError(out, "is not empty and holds no align dataset; refusing to replace it")
        if not overwrite:
            raise InputError(out, "exists and is not empty (pass --overwrite to replace it)")
    return out


def read_report(dataset_dir: str | Path) -> dict[str, Any]:
    """The build report of a dataset directory."""
    path = Path(dataset_dir) / REPORT_FILE
    if not path.is_file():
        raise InputError(dataset_dir, f"no {REPORT_FILE}: not a dataset written by 'align build'")
    return json.loads(path.read_text(encoding="utf-8"))


def load_splits(dataset_dir: str | Path) -> Any:
    """Load every split of a dataset directory as a ``datasets.DatasetDict``.

    Unlike ``load_dataset``, this also gives the splits that were left out for having no
    rows (every split of a build that found no segment), empty and with the full schema.
    """
    import pyarrow.parquet as pq
    from datasets import Dataset, DatasetDict, Features

    directory = Path(dataset_dir)
    shards = sorted((directory / "data").glob("*.parquet"))
    report = read_report(directory) if (directory / REPORT_FILE).is_file() else {}
    if not shards and EMPTY_SCHEMA not in report:
        raise InputError(directory, "holds no data/*.parquet shards")
    splits = {}
    for path in shards:
        table = pq.read_table(path)
        features = Features.from_arrow_schema(table.schema)
        splits[path.name.split("-")[0]] = Dataset.from_dict(
            table.to_pydict(), features=features
        )
    if EMPTY_SCHEMA in report:
        schema = report[EMPTY_SCHEMA]
        for name in [name for name, size in report.get("splits", {}).items() if not size]:
            columns = {**schema, "rejected_by": {"dtype": "string", "_type": "Value"}}
            features = Features.from_dict(columns if name == "rejected" else schema)
            splits[name] = Dataset.from_dict({n: [] for n in features}, features=features)
    return DatasetDict({name: splits[name] for name in ordered_splits(splits)})
