"""Bead similarity signals: how well a run of source sentences matches a run of target ones.

A ``Signal`` scores a batch of candidate beads of one type (a source sentences against b
target sentences), given the first sentence index of each run. The aligner adds up the
signals it is given, each with a weight, so another signal (for instance a comparison of a
machine translation of the source with the target) plugs in without touching the search.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from align.aligner.dp import Band, dots
from align.stages.clean import normalise_digits

_CHUNK = 20_000  # candidates gathered at once, to bound memory
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\w+")
_SET_BITS = 256  # size of the hashed token sets; few collisions below ~30 tokens


class Signal(Protocol):
    """Similarity of candidate beads: source run ``[s, s+a)`` against target run ``[t, t+b)``."""

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        """One score per candidate: about 0 for unrelated runs, 1 for a translation."""
        ...


def run_vectors(vectors: np.ndarray, size: int) -> np.ndarray:
    """Unit vectors of every run of ``size`` consecutive sentences, from the sum of members."""
    total = np.concatenate([np.zeros((1, vectors.shape[1]), vectors.dtype), vectors]).cumsum(0)
    runs = total[size:] - total[:-size]
    return runs / np.maximum(np.linalg.norm(runs, axis=1, keepdims=True), 1e-12)


class EmbeddingSignal:
    """Cosine of run embeddings, corrected for the run's mean cosine with the other document.

    ``src_runs[a][s]`` is the unit vector of source sentences ``s..s+a-1`` (likewise for the
    target). Subtracting each run's average similarity to the other side removes the bias of
    runs that resemble everything (short, numeric or boilerplate sentences), as Vecalign's
    normalisation by random pairs does; dividing by the remaining range keeps a perfect
    match at 1.

    Given the ``band`` of the search, scores of beads that end inside it are remembered, so
    the members of a merged bead (``CoverageSignal``) are looked up, not recomputed.
    """

    def __init__(
        self,
        src_runs: dict[int, np.ndarray],
        tgt_runs: dict[int, np.ndarray],
        band: Band | None = None,
    ) -> None:
        self.src_runs, self.tgt_runs, self.band = src_runs, tgt_runs, band
        src_mean, tgt_mean = src_runs[1].mean(0), tgt_runs[1].mean(0)
        self.src_bias = {a: v @ tgt_mean for a, v in src_runs.items()}
        self.tgt_bias = {b: v @ src_mean for b, v in tgt_runs.items()}
        self._remembered: dict[tuple[int, int], np.ndarray] = {}

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        if self.band is None:
            return self._compute(a, b, src_starts, tgt_starts)
        rows, cols = src_starts + a, tgt_starts + b  # the cell where each bead ends
        lo, hi = self.band.lo[rows], self.band.hi[rows]
        inside = (cols >= lo) & (cols <= hi)
        cells = np.where(inside, self.band.offsets[rows] + cols - lo, 0)
        if (a, b) not in self._remembered:
            self._remembered[a, b] = np.full(self.band.offsets[-1], np.nan)
        remembered = self._remembered[a, b]
        out = np.where(inside, remembered[cells], np.nan)
        missing = np.flatnonzero(np.isnan(out))
        if len(missing):
            out[missing] = self._compute(a, b, src_starts[missing], tgt_starts[missing])
            keep = missing[inside[missing]]
            remembered[cells[keep]] = out[keep]
        return out

    def _compute(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        cosine = dots(self.src_runs[a], self.tgt_runs[b], src_starts, tgt_starts)
        base = (self.src_bias[a][src_starts] + self.tgt_bias[b][tgt_starts]) / 2
        return (cosine - base) / np.maximum(1 - base, 1e-6)


class CoverageSignal:
    """Penalises merged beads holding a sentence that the other side does not translate.

    Each member of a side with more than one sentence is compared with the whole run of the
    other side (by ``embedding``); the score is the lowest such similarity minus ``floor``
    when it falls below ``floor``, else 0 (always 0 for 1-1 beads). A sentence missing from
    the other side is then deleted rather than absorbed into a neighbouring bead.
    """

    def __init__(self, embedding: EmbeddingSignal, floor: float) -> None:
        self.embedding, self.floor = embedding, floor

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        lowest = np.full(len(src_starts), self.floor)
        for k in range(a) if a > 1 else ():
            member = self.embedding.similarity(1, b, src_starts + k, tgt_starts)
            lowest = np.minimum(lowest, member)
        for k in range(b) if b > 1 else ():
            member = self.embedding.similarity(a, 1, src_starts, tgt_starts + k)
            lowest = np.minimum(lowest, member)
        return lowest - self.floor


class EdgeSignal:
    """Penalises merged beads that do not beat themselves less an edge sentence.

    For a side with more than one sentence, the bead is compared (by ``embedding``) with the
    same bead without its first and without its last sentence on that side; the score is
    how far the bead falls below the best of these, else 0 (always 0 for 1-1 beads). A
    sentence whose joining does not raise the similarity is then deleted or left to its
    neighbour rather than merged.
    """

    def __init__(self, embedding: EmbeddingSignal) -> None:
        self.embedding = embedding

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        whole = self.embedding.similarity(a, b, src_starts, tgt_starts)
        best = np.full(len(src_starts), -np.inf)
        if a > 1:
            best = np.maximum(best, self.embedding.similarity(a - 1, b, src_starts + 1, tgt_starts))
            best = np.maximum(best, self.embedding.similarity(a - 1, b, src_starts, tgt_starts))
        if b > 1:
            best = np.maximum(best, self.embedding.similarity(a, b - 1, src_starts, tgt_starts + 1))
            best = np.maximum(best, self.embedding.similarity(a, b - 1, src_starts, tgt_starts))
        return np.minimum(whole - best, 0.0)


def _continues(sentences: Sequence[str]) -> np.ndarray:
    """Per boundary (0..n): 1 where the sentence after it begins with a lower-case letter."""
    out = np.zeros(len(sentences) + 1)
    for i, text in enumerate(sentences[1:], start=1):
        first = next((c for c in text if c.isalpha()), "")
        out[i] = first.islower()
    return out


class BoundarySignal:
    """Penalises beads that start or end inside a sentence: at a boundary where the next
    sentence begins in lower case (a split after an abbreviation, a line break, OCR debris).

    The score is minus the number of such bead edges on both sides; caseless scripts such
    as Arabic never trigger it.
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str]) -> None:
        self.src, self.tgt = _continues(src), _continues(tgt)

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        src_edges = self.src[src_starts] + self.src[src_starts + a]
        return -(src_edges + self.tgt[tgt_starts] + self.tgt[tgt_starts + b])


def _paragraph_starts(paragraphs: Sequence[int]) -> np.ndarray:
    """Cumulative count of paragraph starts after the first sentence: entry i counts the
    sentences 1..i-1 that open a new paragraph."""
    opens = np.zeros(len(paragraphs) + 1)
    if len(paragraphs) > 1:
        opens[2:] = np.diff(np.asarray(paragraphs, dtype=np.int64)) != 0
    return np.cumsum(opens)


class ParagraphSignal:
    """Penalises beads that join sentences of different paragraphs, on either side.

    The score is minus the number of paragraph breaks inside the bead's source and target
    runs. Translators keep paragraphs far more often than they join a paragraph's last
    sentence with the next one's first, so a merge across a break is most likely two beads.
    ``src_paragraphs[i]`` is the paragraph of source sentence ``i`` (likewise the target).
    """

    def __init__(self, src_paragraphs: Sequence[int], tgt_paragraphs: Sequence[int]) -> None:
        self.src, self.tgt = _paragraph_starts(src_paragraphs), _paragraph_starts(tgt_paragraphs)

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        src_breaks = self.src[src_starts + a] - self.src[src_starts + 1]
        tgt_breaks = self.tgt[tgt_starts + b] - self.tgt[tgt_starts + 1]
        return -(src_breaks + tgt_breaks)


def anchor_tokens(text: str) -> set[str]:
    """Tokens that survive translation unchanged: numbers (any digits) and capitalised
    words of four letters or more (names)."""
    text = normalise_digits(text)
    numbers = {n.lstrip("0") or "0" for n in _NUMBER.findall(text)}
    names = {w.lower() for w in _WORD.findall(text) if len(w) >= 4 and w[0].isupper()}
    return numbers | names


def _token_masks(sentences: Sequence[str]) -> np.ndarray:
    """Each sentence's anchor tokens hashed into a set of ``_SET_BITS`` bits (bytes)."""
    masks = np.zeros((len(sentences), _SET_BITS // 8), dtype=np.uint8)
    for i, text in enumerate(sentences):
        for token in anchor_tokens(text):
            bit = zlib.crc32(token.encode()) % _SET_BITS
            masks[i, bit // 8] |= 1 << (bit % 8)
    return masks.view(np.uint64)  # eight bytes per operation


def _popcount(masks: np.ndarray) -> np.ndarray:
    """Number of set bits of each row of bytes."""
    return np.bitwise_count(masks).sum(1, dtype=np.int64)


def _run_masks(masks: np.ndarray, size: int) -> np.ndarray:
    runs = masks[: len(masks) - size + 1].copy()
    for k in range(1, size):
        runs |= masks[k : len(masks) - size + 1 + k]
    return runs


class AnchorSignal:
    """Agreement of numbers and names: 2·Jaccard − 1 of the runs' anchor tokens, 0 if none.

    Tokens are hashed into fixed-size bit sets, so a batch is scored with bitwise operations.
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str], max_src: int, max_tgt: int) -> None:
        src_masks, tgt_masks = _token_masks(src), _token_masks(tgt)
        self.src = {a: _run_masks(src_masks, a) for a in range(1, min(max_src, len(src)) + 1)}
        self.tgt = {b: _run_masks(tgt_masks, b) for b in range(1, min(max_tgt, len(tgt)) + 1)}

    def similarity(
        self, a: int, b: int, src_starts: np.ndarray, tgt_starts: np.ndarray
    ) -> np.ndarray:
        out = np.zeros(len(src_starts), dtype=np.float64)
        for k in range(0, len(out), _CHUNK):
            x, y = self.src[a][src_starts[k : k + _CHUNK]], self.tgt[b][tgt_starts[k : k + _CHUNK]]
            shared, either = _popcount(x & y), _popcount(x | y)
            out[k : k + _CHUNK] = np.where(either > 0, 2 * shared / np.maximum(either, 1) - 1, 0)
        return out
