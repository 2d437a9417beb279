"""The alignment search: a dynamic program over a band of cells, and coarse-to-fine bands.

Everything here is a pure function over arrays. A node (i, j) means "the first i source and
the first j target sentences are consumed"; a bead of type (a, b) moves from (i-a, j-b) to
(i, j). Only cells inside a ``Band`` are searched, so time and memory grow with the number
of band cells, not with n*m.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Band:
    """Cells searched by the DP: row ``i`` (source prefix length) spans targets ``lo..hi``."""

    lo: np.ndarray
    hi: np.ndarray

    @property
    def offsets(self) -> np.ndarray:
        """Index of each row's first cell in flat arrays over the band."""
        return np.concatenate([[0], np.cumsum(self.hi - self.lo + 1)])

    @classmethod
    def full(cls, n: int, m: int) -> Band:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    @classmethod
    def around(cls, path: Sequence[tuple[int, int]], n: int, m: int, width: int) -> Band:
        """Cells within ``width`` of a monotone path of nodes from (0, 0) to (n, m)."""
        lo = np.full(n + 1, m, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for (i0, j0), (i1, j1) in zip(path, path[1:], strict=False):
            # rows crossed by one bead get the straight line between its two corners
            rows = np.arange(i0, i1 + 1)
            cols = j0 + (rows - i0) * (j1 - j0) / max(i1 - i0, 1)
            np.minimum.at(lo, rows, np.floor(cols).astype(np.int64))
            np.maximum.at(hi, rows, np.ceil(cols).astype(np.int64))
            if i0 == i1:  # a run of target deletions widens one row
                lo[i0], hi[i0] = min(lo[i0], j0), max(hi[i0], j1)
        lo = np.minimum.accumulate(np.clip(lo - width, 0, m)[::-1])[::-1]
        hi = np.maximum.accumulate(np.clip(hi + width, 0, m))
        lo[0], hi[n] = 0, m
        return cls(lo, hi)


def band_cells(band: Band) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every cell of a band, in flat order."""
    widths = band.hi - band.lo + 1
    rows = np.repeat(np.arange(len(widths)), widths)
    cols = band.lo[rows] + np.arange(widths.sum()) - np.repeat(band.offsets[:-1], widths)
    return rows, cols


def search(
    band: Band,
    types: Sequence[tuple[int, int]],
    gains: Sequence[np.ndarray],
    src_deletion: np.ndarray,
    tgt_deletion: np.ndarray,
) -> list[tuple[int, int]]:
    """Best monotone path through the band; returns the bead types (a, b) in order.

    ``gains[k][c]`` is the gain of a bead of type ``types[k]`` that *ends* at flat cell ``c``
    (node (i, j) means i source and j target sentences consumed); ``-inf`` forbids it.
    Deleting source sentence ``i`` gains ``src_deletion[i]`` (a negative number), deleting
    target sentence ``j`` gains ``tgt_deletion[j]``. ``best[i, j]`` is the highest total gain
    of any bead sequence from (0, 0) to (i, j):

        best[i, j] = max( best[i-a, j-b] + gain(a, b, i, j)   for each type (a, b),
                          best[i-1, j] + src_deletion[i-1],             (1-0)
                          best[i, j-1] + tgt_deletion[j-1] )            (0-1)

    Rows are filled in order of i, each row at once with numpy. The 0-1 term depends on the
    same row; with D[j] the sum of target deletion gains before j it reads
    ``best[i, j] - D[j] = max(from_other_rows[j] - D[j], best[i, j-1] - D[j-1])``, a running
    maximum.
    """
    n, offsets = len(band.lo) - 1, band.offsets
    best = np.full(offsets[-1], -np.inf)
    choice = np.full(offsets[-1], -1, dtype=np.int8)  # index in all_types, or -1
    all_types = [*types, (1, 0), (0, 1)]
    tgt_cumulative = np.concatenate([[0.0], np.cumsum(tgt_deletion)])
    for i in range(n + 1):
        lo, hi, off = band.lo[i], band.hi[i], offsets[i]
        row, row_choice = np.full(hi - lo + 1, -np.inf), np.full(hi - lo + 1, -1, np.int8)
        if i == 0:
            row[0] = 0.0
        for k, (a, b) in enumerate(all_types[:-1]):
            p = i - a
            if p < 0:
                continue
            j0, j1 = max(lo, band.lo[p] + b), min(hi, band.hi[p] + b)
            if j0 > j1:
                continue
            prev = best[offsets[p] + j0 - b - band.lo[p] : offsets[p] + j1 - b - band.lo[p] + 1]
            gain = src_deletion[p] if b == 0 else gains[k][off + j0 - lo : off + j1 - lo + 1]
            cand, seg = prev + gain, slice(j0 - lo, j1 - lo + 1)
            better = cand > row[seg]
            row[seg] = np.where(better, cand, row[seg])
            row_choice[seg] = np.where(better, k, row_choice[seg])
        ramp = tgt_cumulative[lo : hi + 1]
        shifted = row - ramp
        running = np.maximum.accumulate(shifted)
        best[off : off + len(row)] = running + ramp
        choice[off : off + len(row)] = np.where(running > shifted, len(all_types) - 1, row_choice)
    steps, i, j = [], n, band.hi[n]
    while i or j:
        a, b = all_types[choice[offsets[i] + j - band.lo[i]]]
        steps.append((a, b))
        i, j = i - a, j - b
    return steps[::-1]


def steps_to_alignments(steps: Sequence[tuple[int, int]]) -> list[tuple[range, range]]:
    """Turn bead types in path order into source and target index ranges."""
    beads, i, j = [], 0, 0
    for a, b in steps:
        beads.append((range(i, i + a), range(j, j + b)))
        i, j = i + a, j + b
    return beads


def downsample(vectors: np.ndarray) -> np.ndarray:
    """Halve a document: sum consecutive pairs of vectors and renormalise."""
    pairs = vectors[: len(vectors) // 2 * 2].reshape(-1, 2, vectors.shape[1]).sum(1)
    if len(vectors) % 2:
        pairs = np.concatenate([pairs, vectors[-1:]])
    return pairs / np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-12)


def path_nodes(steps: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Nodes visited by a path given as bead types, starting at (0, 0)."""
    nodes = [(0, 0)]
    for a, b in steps:
        nodes.append((nodes[-1][0] + a, nodes[-1][1] + b))
    return nodes


def one_to_one_path(
    src: np.ndarray, tgt: np.ndarray, band: Band, deletion: float
) -> list[tuple[int, int]]:
    """Best path of 1-1 beads and deletions in ``band``, scored by the cosine of the vectors."""
    rows, cols = band_cells(band)
    gain = np.full(len(rows), -np.inf)
    ok = (rows >= 1) & (cols >= 1)
    r, c = rows[ok] - 1, cols[ok] - 1
    for k in range(0, len(r), 50_000):
        gain[np.flatnonzero(ok)[k : k + 50_000]] = np.einsum(
            "ij,ij->i", src[r[k : k + 50_000]], tgt[c[k : k + 50_000]]
        )
    steps = search(
        band, [(1, 1)], [gain], np.full(len(src), -deletion), np.full(len(tgt), -deletion)
    )
    return path_nodes(steps)


def coarse_path(
    src: np.ndarray, tgt: np.ndarray, full_cells: int, width: int, deletion: float
) -> list[tuple[int, int]]:
    """A 1-1 path through two documents of unit sentence vectors, in time linear in length.

    Vectors are centred (the document's common topic removed) so that cosines compare
    content. Small problems (n*m ≤ ``full_cells``) search every cell; larger ones are halved
    (Vecalign's recursion), aligned at half length, and the path projected back and
    re-searched only within ``width`` sentences of it.
    """
    n, m = len(src), len(tgt)
    centred_src, centred_tgt = src - src.mean(0), tgt - tgt.mean(0)
    if n * m <= full_cells or n < 2 or m < 2:
        return one_to_one_path(centred_src, centred_tgt, Band.full(n, m), deletion)
    coarse = coarse_path(downsample(src), downsample(tgt), full_cells, width, deletion)
    projected = [(min(2 * i, n), min(2 * j, m)) for i, j in coarse]
    band = Band.around(projected, n, m, width)
    return one_to_one_path(centred_src, centred_tgt, band, deletion)


def coarse_to_fine_band(
    src: np.ndarray, tgt: np.ndarray, full_cells: int, width: int, deletion: float = 0.1
) -> Band:
    """Cells the final search visits: all of them for small problems, else a band of
    ``width`` sentences around the coarse 1-1 path (see ``coarse_path``)."""
    n, m = len(src), len(tgt)
    if n * m <= full_cells:
        return Band.full(n, m)
    return Band.around(coarse_path(src, tgt, full_cells, width, deletion), n, m, width)
