"""Sentence coverage: how well each sentence of one document is matched in another.

A sentence's coverage in a document is its best cosine with any of that document's
sentences (vectors are unit length); a document's coverage is the mean over its sentences.
A translation covers every sentence, an article on the same story only a few.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def sentence_coverage(src_vectors: np.ndarray, tgt_vectors: np.ndarray) -> float:
    """Mean best-match cosine of every sentence in the other document, both directions."""
    if len(src_vectors) == 0 or len(tgt_vectors) == 0:
        return 0.0
    similarity = src_vectors @ tgt_vectors.T
    return float((similarity.max(axis=1).mean() + similarity.max(axis=0).mean()) / 2)


@dataclass(frozen=True, slots=True)
class Coverages:
    """Sentence coverage of one source document against each of its candidates."""

    source: np.ndarray  # per candidate: mean best cosine of the source's sentences in it
    target: np.ndarray  # per candidate: mean best cosine of its sentences in the source
    target_best: list[np.ndarray]  # per candidate: each of its sentences' best cosine
    source_best: float  # mean best cosine of the source's sentences over all candidates

    @property
    def mean(self) -> np.ndarray:
        """:func:`sentence_coverage` of each candidate: both directions averaged."""
        return (self.source + self.target) / 2


def sentence_coverages(src_vectors: np.ndarray, candidates: Sequence[np.ndarray]) -> Coverages:
    """Sentence coverage of one document against each of several, in one product."""
    source, target = np.zeros(len(candidates)), np.zeros(len(candidates))
    target_best = [np.zeros(len(vectors)) for vectors in candidates]
    keep = [n for n, vectors in enumerate(candidates) if len(vectors)]
    if not len(src_vectors) or not keep:
        return Coverages(source, target, target_best, 0.0)
    sizes = np.array([len(candidates[n]) for n in keep])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    similarity = src_vectors @ np.concatenate([candidates[n] for n in keep]).T
    source[keep] = np.maximum.reduceat(similarity, starts, axis=1).mean(axis=0)
    columns = similarity.max(axis=0)
    target[keep] = np.add.reduceat(columns, starts) / sizes
    for n, begin, size in zip(keep, starts.tolist(), sizes.tolist(), strict=True):
        target_best[n] = columns[begin : begin + size]
    return Coverages(source, target, target_best, float(similarity.max(axis=1).mean()))


def matched_coverage(src_vectors: np.ndarray, tgt_vectors: np.ndarray) -> float:
    """:func:`sentence_coverage` when each sentence may stand for one sentence of the other
    document only: sentences are matched one-to-one, highest cosine first, and a sentence
    left without a match counts 0. A document one sentence longer than its translation
    covers that sentence with a neighbour's match; here the sentence is left unmatched."""
    if len(src_vectors) == 0 or len(tgt_vectors) == 0:
        return 0.0
    similarity = src_vectors @ tgt_vectors.T
    rows, columns = np.divmod(np.argsort(-similarity, axis=None), similarity.shape[1])
    free_rows, free_columns = set(range(similarity.shape[0])), set(range(similarity.shape[1]))
    total = 0.0
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if row in free_rows and column in free_columns:
            free_rows.discard(row)
            free_columns.discard(column)
            total += float(similarity[row, column])
            if not free_rows or not free_columns:
                break
    return (total / similarity.shape[0] + total / similarity.shape[1]) / 2
