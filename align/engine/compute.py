"""The model stages of a sharded build around pairing (align.engine.pairs): embed, then
align and filter.

Each document is split and embedded once; its sentences and vectors travel with it to
pairing and alignment. Sentences come from a disk cache by the hash of the document's
paragraphs, vectors by text hash, when an earlier build computed them; so does the
aligned and scored result of a document pair whose two texts and settings are unchanged.
Filters run per bucket of normalised source text, which is all duplicate detection needs.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from align import __version__
from align.engine.cache import CacheWriter, DiskCache, text_key
from align.engine.pairs import GROUP_ROWS
from align.engine.pipeline import BuildConfig, align_pair
from align.engine.shards import (
    alignments_text,
    bucket_of,
    digest,
    document_from,
    dumps,
    loads,
    read_rows,
    segment_from,
    segment_row,
    sentences_from,
    sentences_row,
    shard_name,
    shard_paths,
    write_rows,
)
from align.models.embed import CachedEmbedder, Embedder
from align.models.translate import Translator
from align.records import DocumentPair, Sentence
from align.stages.clean import comparison_key
from align.stages.filters import apply_filters
from align.stages.given import unrelated_reason
from align.stages.scoring import score_segments
from align.stages.split import split_paragraphs

FLUSH_EVERY = 2000  # new cache entries kept in memory before they are written
SENTENCE_COLUMNS = ("sentences", "sentence_paragraphs", "vectors")


def embed_stage(
    clean: Path, folder: Path, splits: DiskCache, cache: DiskCache, embedder: Embedder,
    rank: int,
) -> None:
    """Split and embed this task's documents, reusing cached sentences and vectors."""
    rows = list(read_rows([clean / shard_name("documents", rank)]))
    split = split_documents(rows, splits)
    stored = {
        text: np.frombuffer(vector, dtype=np.float32)
        for text, vector in _cached(cache, [s.text for doc in split for s in doc]).items()
    }
    out = []
    with CacheWriter(cache, FLUSH_EVERY) as new:
        for row, sentences in zip(rows, split, strict=True):
            texts = [s.text for s in sentences]
            missing = [t for t in dict.fromkeys(texts) if t not in stored]
            if missing:
                for text, vector in zip(missing, embedder.encode(missing), strict=True):
                    stored[text] = np.asarray(vector, dtype=np.float32)
                    new.put(text_key(text), stored[text].tobytes())
            vectors = (np.stack([stored[t] for t in texts]) if texts
                       else np.zeros((0, 1), np.float32))
            out.append({**row, **sentences_row(sentences, vectors)})
    write_rows(folder / shard_name("documents", rank), out, group_rows=GROUP_ROWS)


def split_documents(rows: Sequence[dict[str, Any]], cache: DiskCache) -> list[list[Sentence]]:
    """The sentences of each document row: from the cache when an earlier build split the
    same paragraphs, else split (and cached)."""
    keys = [digest(__version__, row["lang"], dumps(row["paragraphs"])) for row in rows]
    found = cache.get_many(keys)
    split = []
    with CacheWriter(cache, FLUSH_EVERY) as new:
        for row, key in zip(rows, keys, strict=True):
            if key in found:
                texts, paragraphs = loads(found[key])
                split.append([Sentence(t, p) for t, p in zip(texts, paragraphs, strict=True)])
                continue
            sentences = split_paragraphs(row["paragraphs"], row["lang"])
            new.put(key, dumps([[s.text for s in sentences],
                                [s.paragraph for s in sentences]]).encode())
            split.append(sentences)
    return split


def _cached(cache: DiskCache, texts: Sequence[str]) -> dict[str, bytes]:
    keys = {text_key(t): t for t in texts}
    return {keys[key]: value for key, value in cache.get_many(keys).items()}


def pair_key(row: dict[str, Any], config: BuildConfig, embedder: str,
             translator: str | None) -> str:
    """Everything that decides the aligned, scored segments of a pair."""
    settings = dumps([dataclasses.asdict(config.align), config.languages, config.signal,
                      config.mt_weight, embedder, translator])
    return text_key("\x1e".join((row["src"], row["tgt"], settings)))


def align_stage(
    pairs: Path, folder: Path, config: BuildConfig, cache: DiskCache, embedder: Embedder,
    translator: Translator | None, rank: int, tasks: int,
) -> None:
    """Align and score this task's document pairs; send segments to their filter bucket.

    A given pair whose alignment looks unrelated keeps its alignment (for the report) but
    sends no segment on."""
    sides = {(row["index"], row["side"]): row
             for row in read_rows([pairs / shard_name("sides", rank)])}
    rows = [
        {**row, **{f"{side}_{k}": sides[row["index"], side][k] for side in ("src", "tgt")
                   for k in SENTENCE_COLUMNS}}
        for row in read_rows([pairs / shard_name("pairs", rank)])
    ]
    translator_name = translator.name if translator else None
    keys = [pair_key(row, config, embedder.name, translator_name) for row in rows]
    done = {key: loads(value) for key, value in cache.get_many(keys).items()}
    with CacheWriter(cache, FLUSH_EVERY // 10) as new:
        for row, key in zip(rows, keys, strict=True):
            if key not in done:
                done[key] = _align(row, config, embedder, translator)
                new.put(key, dumps(done[key]).encode())
    aligned = []
    segments: list[list[dict[str, Any]]] = [[] for _ in range(tasks)]
    for row, key in zip(rows, keys, strict=True):
        result = done[key]
        unrelated = _unrelated(row, result, config)
        aligned.append({
            "index": row["index"], "src": row["src"], "tgt": row["tgt"],
            **{k: row[k] for k in ("score", "similarity", "number_overlap", "length_ratio",
                                   "evidence", "given")},
            "src_sentences": row["src_sentences"], "tgt_sentences": row["tgt_sentences"],
            "src_sentence_paragraphs": row["src_sentence_paragraphs"],
            "tgt_sentence_paragraphs": row["tgt_sentence_paragraphs"],
            "alignments": result["alignments"], "unrelated": unrelated,
            "unrelated_segments": dumps(result["segments"] if unrelated else []),
        })
        for position, segment in enumerate([] if unrelated else result["segments"]):
            bucket = bucket_of(comparison_key(segment["src"]), tasks)
            segments[bucket].append({"index": row["index"], "position": position, **segment})
    write_rows(folder / shard_name("aligned", rank), aligned)
    for bucket, bucket_rows in enumerate(segments):
        write_rows(folder / shard_name("segments", bucket, rank), bucket_rows)


def _unrelated(row: dict[str, Any], result: dict[str, Any], config: BuildConfig) -> str:
    """Why a given pair looks unrelated ("" for a found pair or one that looks right)."""
    if not row["given"]:
        return ""
    segments = [segment_from(segment) for segment in result["segments"]]
    reason = unrelated_reason(segments, len(row["src_sentences"]), len(row["tgt_sentences"]),
                              config.given_check)
    return reason or ""


def _align(row: dict[str, Any], config: BuildConfig, embedder: Embedder,
           translator: Translator | None) -> dict[str, Any]:
    src_sentences, src_vectors = sentences_from(row, "src_")
    tgt_sentences, tgt_vectors = sentences_from(row, "tgt_")
    known = dict(zip([s.text for s in src_sentences], src_vectors, strict=True))
    known.update(zip([s.text for s in tgt_sentences], tgt_vectors, strict=True))
    pair = DocumentPair(document_from(loads(row["src"])), document_from(loads(row["tgt"])),
                        row["score"], row["similarity"], row["number_overlap"],
                        row["length_ratio"], loads(row["evidence"]), row["given"])
    mt = translator if config.signal == "mt" else None
    result = align_pair(pair, CachedEmbedder(embedder, known), config.align, mt,
                        config.mt_weight)
    scored = score_segments(result.segments, translator, languages=config.languages)
    return {"alignments": alignments_text(result.alignments),
            "segments": [segment_row(s) for s in scored]}


def filter_stage(aligned: Path, folder: Path, config: BuildConfig, bucket: int) -> None:
    """Filter the segments of one bucket, in build order, so the first good duplicate stays."""
    rows = sorted(read_rows(shard_paths(aligned, f"segments-{bucket:05d}-*.parquet")),
                  key=lambda row: (row["index"], row["position"]))
    segments = [segment_from(row) for row in rows]
    order = {id(s): [row["index"], row["position"]] for s, row in zip(segments, rows, strict=True)}
    kept, rejected, _ = apply_filters(segments, config.filters)
    dropped = {id(s) for s, _ in rejected}
    # kept segments come back in input order (a kept one may be a copy naming its repeats)
    kept_order = [order[id(s)] for s in segments if id(s) not in dropped]
    first: dict[str, list[int]] = {}
    for segment, reason in rejected:
        first.setdefault(reason, order[id(segment)])
    counts = Counter(reason for _, reason in rejected)
    write_rows(folder / shard_name("kept", bucket),
               [{"order": at, **segment_row(s)} for s, at in zip(kept, kept_order, strict=True)],
               group_rows=GROUP_ROWS)
    write_rows(folder / shard_name("rejected", bucket), [
        {"order": order[id(s)], **segment_row(s), "rejected_by": reason}
        for s, reason in rejected
    ], group_rows=GROUP_ROWS)
    write_rows(folder / shard_name("counts", bucket), [
        {"reason": reason, "count": n, "first": first[reason]}
        for reason, n in counts.items()
    ])
