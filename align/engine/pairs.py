"""The pair stage of a sharded build: documents paired over vectors read from disk.

The stage reads the embed shards a row group at a time. It keeps each document (text and
metadata) and appends the document's sentence vectors to one flat float32 file, from which
pairing reads them back one document at a time: memory holds the documents and the index
of document vectors, never every sentence vector of the collection. Pairs the user gave
(JSONL pair records, a pairs file) skip the search and are only scored, as in
``pair_collection``. Each pair goes to the alignment task ``index % tasks``; a second pass
over the embed shards copies the sentences and vectors of its two documents to that
task's side shard.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, overload

import numpy as np
import orjson
import pyarrow as pa

from align.engine.pipeline import BuildConfig
from align.engine.shards import (
    ShardWriter,
    document_from,
    document_row,
    dumps,
    read_rows,
    shard_name,
    shard_paths,
    vectors_from_bytes,
    write_rows,
)
from align.models.embed import Embedder
from align.records import Document, DocumentPair, Unpaired
from align.stages.given import given_pairs
from align.stages.pairing import pair_documents, pair_embedded, pair_score

GROUP_ROWS = 256  # documents read or written at once
DOCUMENT_COLUMNS = ["order", "id", "lang", "paragraphs", "source", "lang_confidence", "meta",
                    "removed", "repaired"]
SIDE_SCHEMA = pa.schema([
    ("index", pa.int64()), ("side", pa.string()), ("sentences", pa.list_(pa.string())),
    ("sentence_paragraphs", pa.list_(pa.int64())), ("vectors", pa.binary()),
])


class VectorFile:
    """Sentence vectors of many documents in one flat float32 file: appended once, then
    read back one document at a time. The file is deleted when closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w+b")
        self._spans: list[tuple[int, int, int]] = []  # (byte offset, bytes, sentences)
        self._end = 0

    def append(self, data: bytes, rows: int) -> int:
        """Store one document's vectors (a float32 matrix's bytes); returns its number."""
        self._file.write(data)
        self._spans.append((self._end, len(data), rows))
        self._end += len(data)
        return len(self._spans) - 1

    def read(self, number: int) -> np.ndarray:
        offset, size, rows = self._spans[number]
        self._file.flush()  # appended vectors may still be in the write buffer
        return vectors_from_bytes(os.pread(self._file.fileno(), size, offset), rows)

    def __enter__(self) -> VectorFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


class StoredVectors(Sequence[np.ndarray]):
    """The sentence vectors of some documents of a ``VectorFile``, read when indexed."""

    def __init__(self, store: VectorFile, numbers: Sequence[int]) -> None:
        self._store, self._numbers = store, numbers

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> list[np.ndarray]: ...
    def __getitem__(self, index: int | slice) -> np.ndarray | list[np.ndarray]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._store.read(self._numbers[index])

    def subset(self, positions: Sequence[int]) -> StoredVectors:
        return StoredVectors(self._store, [self._numbers[p] for p in positions])


def pair_stage(embed: Path, folder: Path, config: BuildConfig, embedder: Embedder,
               tasks: int) -> None:
    """Pair the documents of the embed shards; write the pairs and the unpaired."""
    shards = shard_paths(embed, "documents-*.parquet")
    with VectorFile(folder / ".vectors.tmp") as store:
        entries = []
        for row in read_rows(shards, DOCUMENT_COLUMNS + ["sentence_paragraphs", "vectors"],
                             GROUP_ROWS):
            number = store.append(row["vectors"], len(row["sentence_paragraphs"]))
            entries.append((row["order"], number, document_from(row)))
        entries.sort(key=lambda entry: entry[0])
        documents = [doc for _, _, doc in entries]
        vectors = StoredVectors(store, [number for _, number, _ in entries])
        pairs, unpaired = pair_stored(documents, vectors, config, embedder)
    order = {id(doc): at for at, _, doc in entries}
    buckets: list[list[dict[str, Any]]] = [[] for _ in range(tasks)]
    sides: dict[int, tuple[int, str]] = {}  # document order → (pair index, side)
    for index, pair in enumerate(pairs):
        sides[order[id(pair.src)]] = (index, "src")
        sides[order[id(pair.tgt)]] = (index, "tgt")
        buckets[index % tasks].append({
            "index": index, "score": pair.score, "similarity": pair.similarity,
            "number_overlap": pair.number_overlap, "length_ratio": pair.length_ratio,
            "evidence": orjson.dumps(pair.evidence).decode(), "given": pair.given,
            "src": dumps(document_row(pair.src)), "tgt": dumps(document_row(pair.tgt)),
        })
    for bucket, bucket_rows in enumerate(buckets):
        write_rows(folder / shard_name("pairs", bucket), bucket_rows)
    write_sides(shards, folder, sides, tasks)
    write_rows(folder / shard_name("unpaired", 0), [
        {"id": u.document.id, "lang": u.document.lang, "reason": u.reason,
         "best_match": u.best_match, "best_score": u.best_score}
        for u in unpaired
    ])


def write_sides(shards: Sequence[Path], folder: Path, sides: dict[int, tuple[int, str]],
                tasks: int) -> None:
    """Copy the sentences and vectors of each paired document to its pair's task."""
    columns = ["order", "sentences", "sentence_paragraphs", "vectors"]
    with ExitStack() as stack:
        writers = [
            stack.enter_context(ShardWriter(folder / shard_name("sides", bucket), SIDE_SCHEMA,
                                            GROUP_ROWS))
            for bucket in range(tasks)
        ]
        for row in read_rows(shards, columns, GROUP_ROWS):
            if row["order"] in sides:
                index, side = sides[row["order"]]
                writers[index % tasks].write({"index": index, "side": side,
                                              **{k: row[k] for k in columns[1:]}})


def pair_stored(
    documents: Sequence[Document], vectors: StoredVectors, config: BuildConfig,
    embedder: Embedder,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """``pair_collection`` over stored vectors: given pairs are scored, the others paired."""
    src_lang, tgt_lang = config.languages
    src = [i for i, doc in enumerate(documents) if doc.lang == src_lang]
    tgt = [i for i, doc in enumerate(documents) if doc.lang == tgt_lang]
    given = given_pairs([documents[i] for i in src], [documents[i] for i in tgt],
                        config.pairs_file or None)
    taken = {id(doc) for pair in given for doc in pair}
    src = [i for i in src if id(documents[i]) not in taken]
    tgt = [i for i in tgt if id(documents[i]) not in taken]
    src_docs, tgt_docs = [documents[i] for i in src], [documents[i] for i in tgt]
    if src and tgt:
        pairs, unpaired = pair_embedded(src_docs, tgt_docs, vectors.subset(src),
                                        vectors.subset(tgt), config.pairing)
    else:  # nothing to search: pair_documents says why, without embedding anything
        pairs, unpaired = pair_documents(src_docs, tgt_docs, embedder, config.pairing)
    if given:
        position = {id(doc): i for i, doc in enumerate(documents)}
        pairs += [replace(pair_score(s, t, vectors[position[id(s)]], vectors[position[id(t)]],
                                     config.pairing), given=True)
                  for s, t in given]
        pairs.sort(key=lambda p: (p.src.id, p.tgt.id))
    return pairs, unpaired
