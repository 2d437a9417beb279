"""Candidate document pairs from document vectors, in memory bounded by the index.

Each document is compared with the documents of the other side by the cosine of their
document vectors, and its ``k`` nearest become candidates; this runs in both directions, so
a target document whose best source neighbour ranks low among that source's targets is
still considered. Vectors in, index pairs out: the caller may hold the vectors in memory
or read them from shards, and nothing of size source × target is ever built.

* Search is exact (faiss brute force, queries in blocks) while the searched side holds at
  most ``exact_limit`` documents, and approximate beyond: an inverted-file index that
  clusters the searched side into cells and probes the ``probes`` nearest cells per query.
* Date blocking: when documents carry a publication day, a document is compared only with
  the documents of the other side published within ``date_window`` days, and with those
  without a date. A year of news is then searched window by window and the work grows with
  the collection, not with its square.
* Key join: documents of both sides that share a key (an article id found in both URLs,
  say) are candidates of each other whatever their vectors.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY_DAY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_NO_PAIRS = np.zeros((0, 2), dtype=np.int64)
SMALL_SEARCH = 1 << 22  # query × base rows under which one thread searches fastest


@dataclass(frozen=True)
class CandidateConfig:
    """How candidates are searched: how many per document, blocking, exact or approximate."""

    k: int = 8  # nearest documents of the other side kept per document, both directions
    date_window: int | None = 7  # days either side; None compares across all dates
    exact_limit: int = 20_000  # largest searched side for exact search
    probes: int = 32  # cells probed per query by the approximate index
    block: int = 4096  # queries per search call (bounds the memory of the results)


def publication_day(value: str | None) -> int | None:
    """The day of a date string as a day number (``2024-09-16``, ``16/09/2024``, an ISO time
    after the day is ignored), or None when it names no full day."""
    if not value:
        return None
    iso, dmy = _ISO_DAY.search(value), _DMY_DAY.search(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        return None
    try:
        return date(year, month, day).toordinal()
    except ValueError:
        return None


def document_vectors(sentence_vectors: Sequence[np.ndarray], dim: int) -> np.ndarray:
    """One unit vector per document: the normalised mean of its sentence vectors (zeros for
    a document without sentences)."""
    means = np.zeros((len(sentence_vectors), dim), dtype=np.float32)
    for row, vectors in enumerate(sentence_vectors):
        if len(vectors):
            means[row] = vectors.mean(axis=0)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    return means / np.maximum(norms, 1e-12)


def find_candidates(
    src: np.ndarray,
    tgt: np.ndarray,
    config: CandidateConfig = CandidateConfig(),
    src_days: Sequence[int | None] | None = None,
    tgt_days: Sequence[int | None] | None = None,
    src_keys: Sequence[Iterable[str]] | None = None,
    tgt_keys: Sequence[Iterable[str]] | None = None,
) -> np.ndarray:
    """Candidate pairs as an (m, 2) array of (source row, target row), unique and sorted.

    ``src`` and ``tgt`` hold unit document vectors, one row per document; days (see
    :func:`publication_day`) are per document, None where unknown; keys are per document,
    any number of them.
    """
    src, tgt = _as_rows(src), _as_rows(tgt)
    if not len(src) or not len(tgt):
        return _NO_PAIRS
    blocked = config.date_window is not None and src_days is not None and tgt_days is not None
    a_days = _day_array(src_days, len(src)) if blocked else None
    b_days = _day_array(tgt_days, len(tgt)) if blocked else None
    forward = _nearest(src, tgt, a_days, b_days, config)
    backward = _nearest(tgt, src, b_days, a_days, config)[:, ::-1]
    keyed = _shared_keys(src_keys, tgt_keys)
    codes = np.concatenate([p[:, 0] * len(tgt) + p[:, 1] for p in (forward, backward, keyed)])
    codes = np.unique(codes)
    return np.stack([codes // len(tgt), codes % len(tgt)], axis=1)


def _nearest(
    queries: np.ndarray,
    base: np.ndarray,
    q_days: np.ndarray | None,
    b_days: np.ndarray | None,
    config: CandidateConfig,
) -> np.ndarray:
    """(query row, base row) pairs: each query's nearest base rows within its date block."""
    if q_days is None or b_days is None or config.date_window is None:
        return _search(queries, np.arange(len(queries)), base, None, config)
    q_dated, b_dated = q_days >= 0, b_days >= 0
    parts = [_search(queries, np.flatnonzero(~q_dated), base, None, config)]
    dated_queries = np.flatnonzero(q_dated)
    parts.append(_search(queries, dated_queries, base, np.flatnonzero(~b_dated), config))
    by_day = np.flatnonzero(b_dated)
    by_day = by_day[np.argsort(b_days[by_day], kind="stable")]
    sorted_days = b_days[by_day]
    query_order = dated_queries[np.argsort(q_days[dated_queries], kind="stable")]
    days, starts = np.unique(q_days[query_order], return_index=True)
    groups = np.split(query_order, starts[1:]) if len(days) else []
    for day, rows in zip(days, groups, strict=True):
        low = np.searchsorted(sorted_days, day - config.date_window, side="left")
        high = np.searchsorted(sorted_days, day + config.date_window, side="right")
        parts.append(_search(queries, rows, base, by_day[low:high], config))
    return np.concatenate(parts)


def _search(
    queries: np.ndarray,
    query_rows: np.ndarray,
    base: np.ndarray,
    base_rows: np.ndarray | None,
    config: CandidateConfig,
) -> np.ndarray:
    """The ``k`` nearest of ``base_rows`` (None: all rows) for each of ``query_rows``, as
    global row pairs."""
    import faiss

    searched = base if base_rows is None else np.ascontiguousarray(base[base_rows])
    if not len(query_rows) or not len(searched):
        return _NO_PAIRS
    k = min(config.k, len(searched))
    if len(searched) <= config.exact_limit:
        index = None
    else:
        index = _approximate_index(searched, config.probes)
    parts = []
    threads = faiss.omp_get_max_threads()
    if index is None and len(query_rows) * len(searched) < SMALL_SEARCH:
        faiss.omp_set_num_threads(1)  # a date block: threads cost more than they save
    try:
        for start in range(0, len(query_rows), config.block):
            rows = query_rows[start : start + config.block]
            block = np.ascontiguousarray(queries[rows])
            if index is None:
                _, found = faiss.knn(block, searched, k, metric=faiss.METRIC_INNER_PRODUCT)
            else:
                _, found = index.search(block, k)
            valid = found >= 0
            hits = found[valid] if base_rows is None else base_rows[found[valid]]
            parts.append(np.stack([np.repeat(rows, k)[valid.ravel()], hits], 1))
    finally:
        faiss.omp_set_num_threads(threads)
    return np.concatenate(parts).astype(np.int64)


def _approximate_index(vectors: np.ndarray, probes: int):  # noqa: ANN202 (faiss.Index)
    """An inverted-file index over about 4·√n cells (spherical k-means on a fixed sample of
    up to 50 vectors a cell; at least 40 a cell, as faiss asks)."""
    import faiss

    cells = max(1, min(int(4 * math.sqrt(len(vectors))), len(vectors) // 40))
    sample_size = min(len(vectors), 50 * cells)
    sample = vectors[np.random.default_rng(0).choice(len(vectors), sample_size, replace=False)]
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    index = faiss.IndexIVFFlat(quantizer, vectors.shape[1], cells, faiss.METRIC_INNER_PRODUCT)
    index.cp.spherical = True
    index.train(np.ascontiguousarray(sample))
    index.add(vectors)
    index.nprobe = min(probes, cells)
    return index


def _shared_keys(
    src_keys: Sequence[Iterable[str]] | None, tgt_keys: Sequence[Iterable[str]] | None
) -> np.ndarray:
    """(source row, target row) for every key present on both sides (a hash join)."""
    if src_keys is None or tgt_keys is None:
        return _NO_PAIRS
    by_key: dict[str, list[int]] = defaultdict(list)
    for row, keys in enumerate(tgt_keys):
        for key in keys:
            by_key[key].append(row)
    pairs = [(i, j) for i, keys in enumerate(src_keys) for key in keys for j in by_key.get(key, ())]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _day_array(days: Sequence[int | None], size: int) -> np.ndarray:
    """Days as an int64 array, -1 where unknown."""
    if len(days) != size:
        raise ValueError(f"{len(days)} days given for {size} documents")
    return np.array([-1 if d is None else d for d in days], dtype=np.int64)


def _as_rows(vectors: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
