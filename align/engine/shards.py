"""Parquet shards of the work directory: atomic writes, reads, and records ↔ rows.

Every shard is written under a temporary name and renamed into place, so a task that is
killed, or run twice by an executor that resubmits lost tasks, never leaves a half shard.
Free-form mappings (metadata, scores) are stored as JSON text; sentence vectors as the
raw bytes of a float32 matrix.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from align.records import Alignment, Document, Provenance, Segment, Sentence


def write_rows(path: Path, rows: list[dict[str, Any]], schema: pa.Schema | None = None,
               group_rows: int | None = None) -> None:
    """Write ``rows`` to the Parquet file ``path`` atomically, in row groups of
    ``group_rows`` rows when given (a reader can then hold one group at a time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=schema)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, temporary, row_group_size=group_rows)
    os.replace(temporary, path)


def read_rows(paths: Iterable[Path], columns: list[str] | None = None,
              batch_rows: int | None = None) -> Iterator[dict[str, Any]]:
    """The rows of several Parquet files, file after file (only ``columns`` when given);
    with ``batch_rows``, at most that many rows of a file are in memory at once."""
    for path in paths:
        if batch_rows is None:
            yield from pq.read_table(path, columns=columns).to_pylist()
            continue
        with pq.ParquetFile(path) as shard:
            for batch in shard.iter_batches(batch_size=batch_rows, columns=columns):
                yield from batch.to_pylist()


def shard_paths(folder: Path, pattern: str) -> list[Path]:
    """Finished shards (no temporary files) in ``folder`` matching ``pattern``, sorted."""
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith("."))


def shard_name(prefix: str, *numbers: int) -> str:
    return "-".join([prefix, *(f"{n:05d}" for n in numbers)]) + ".parquet"


def digest(*parts: str) -> str:
    """A short stable hex hash of some text parts."""
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]


def bucket_of(key: str, buckets: int) -> int:
    """The bucket of a text key: the same key lands in the same bucket in every task."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big") % buckets


def key_hash(key: str) -> int:
    """A 63-bit hash of a matching key, small enough to keep millions in a set."""
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big") >> 1


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def loads(text: str) -> Any:
    return orjson.loads(text)


def vectors_to_bytes(vectors: np.ndarray) -> bytes:
    return np.ascontiguousarray(vectors, dtype=np.float32).tobytes()


def vectors_from_bytes(data: bytes, rows: int) -> np.ndarray:
    vectors = np.frombuffer(data, dtype=np.float32)
    return vectors.reshape(rows, -1) if rows else np.zeros((0, 1), dtype=np.float32)


def document_row(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id, "lang": doc.lang, "paragraphs": list(doc.paragraphs), "source": doc.source,
        "lang_confidence": doc.lang_confidence, "meta": dumps(doc.meta),
        "removed": dumps(doc.removed), "repaired": dumps(doc.repaired),
    }


def document_from(row: Mapping[str, Any]) -> Document:
    return Document(
        id=row["id"], lang=row["lang"], paragraphs=list(row["paragraphs"]), source=row["source"],
        lang_confidence=row["lang_confidence"], meta=loads(row["meta"]),
        removed=loads(row["removed"]), repaired=loads(row["repaired"]),
    )


def sentences_row(sentences: list[Sentence], vectors: np.ndarray) -> dict[str, Any]:
    return {
        "sentences": [s.text for s in sentences],
        "sentence_paragraphs": [s.paragraph for s in sentences],
        "vectors": vectors_to_bytes(vectors),
    }


def sentences_from(row: Mapping[str, Any], prefix: str = "") -> tuple[list[Sentence], np.ndarray]:
    texts = row[prefix + "sentences"]
    sentences = [
        Sentence(text, paragraph)
        for text, paragraph in zip(texts, row[prefix + "sentence_paragraphs"], strict=True)
    ]
    return sentences, vectors_from_bytes(row[prefix + "vectors"], len(texts))


def segment_row(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id, "src": segment.src, "tgt": segment.tgt, "src_doc": segment.src_doc,
        "tgt_doc": segment.tgt_doc, "src_sentences": list(segment.src_sentences),
        "tgt_sentences": list(segment.tgt_sentences), "alignment": segment.alignment,
        "similarity": segment.similarity,
        "scores": orjson.dumps(segment.scores).decode(),  # in the order the scorers wrote
        "rejected_by": segment.rejected_by,
        "found_in": dumps([dataclasses.asdict(p) for p in segment.found_in]),
    }


def segment_from(row: Mapping[str, Any]) -> Segment:
    return Segment(
        id=row["id"], src=row["src"], tgt=row["tgt"], src_doc=row["src_doc"],
        tgt_doc=row["tgt_doc"], src_sentences=tuple(row["src_sentences"]),
        tgt_sentences=tuple(row["tgt_sentences"]), alignment=row["alignment"],
        similarity=row["similarity"], scores=loads(row["scores"]),
        rejected_by=row["rejected_by"],
        found_in=tuple(Provenance(**p) for p in loads(row["found_in"])),
    )


def alignments_text(alignments: Iterable[Alignment]) -> str:
    return dumps([[list(a.src), list(a.tgt), a.score] for a in alignments])


def alignments_from(text: str) -> list[Alignment]:
    return [Alignment(tuple(src), tuple(tgt), score) for src, tgt, score in loads(text)]


class ShardWriter:
    """Rows written to one Parquet file a row group at a time, so that only a group is in
    memory; the file appears under its name when the writer is closed without an error."""

    def __init__(self, path: Path, schema: pa.Schema, group_rows: int = 256) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.schema, self.group_rows = path, schema, group_rows
        self._temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        self._writer = pq.ParquetWriter(self._temporary, schema)
        self._rows: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= self.group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self._flush()
        self._writer.close()
        if kind is None:
            os.replace(self._temporary, self.path)
        else:
            self._temporary.unlink(missing_ok=True)
