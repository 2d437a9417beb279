"""The alignment search: a dynamic program over a band of cells, and coarse-to-fine bands.

Everything here is a pure function over arrays. A node (i, j) means "the first i source and
the first j target sentences are consumed"; a bead of type (a, b) moves from (i-a, j-b) to
(i, j). Only cells inside a ``Band`` are searched, so time and memory grow with the number
of band cells, not with n*m.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from threadpoolctl import ThreadpoolController

_CHUNK = 20_000  # candidates gathered at once, to bound memory
_BLOCK_ROWS = 64  # source rows per matrix product in ``dots``
_DENSE = 8  # a block is multiplied whole when it holds at most this many cells per candidate


@dataclass(frozen=True)
class Band:
    """Cells searched by the DP: row ``i`` (source prefix length) spans targets ``lo..hi``."""

    lo: np.ndarray
    hi: np.ndarray

    @cached_property
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


def dots(x: np.ndarray, y: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products ``x[rows[k]] · y[cols[k]]`` of many candidate pairs.

    Candidates of a band around a path are grouped by blocks of rows and computed as one
    small matrix product per block (far faster than gathering two vectors per candidate);
    scattered candidates are gathered. The products are small: one BLAS thread is fastest,
    and many threads on them are far slower on a busy machine."""
    out = np.empty(len(rows), dtype=np.float64)
    if not len(rows):
        return out
    with _blas().limit(limits=1, user_api="blas"):
        _banded_dots(x, y, rows, cols, out)
    return out


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def _banded_dots(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, cols: np.ndarray, out: np.ndarray
) -> None:
    order = np.argsort(rows, kind="stable")
    r, c = rows[order], cols[order]
    starts = np.searchsorted(r, np.arange(r[0], r[-1] + 1, _BLOCK_ROWS))
    edges = np.append(starts, len(r))
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        if lo == hi:
            continue
        rr, cc = r[lo:hi], c[lo:hi]
        c0, c1 = cc.min(), cc.max()
        if (rr[-1] - rr[0] + 1) * (c1 - c0 + 1) <= _DENSE * (hi - lo):
            block = x[rr[0] : rr[-1] + 1] @ y[c0 : c1 + 1].T
            out[order[lo:hi]] = block[rr - rr[0], cc - c0]
        else:
            for k in range(lo, hi, _CHUNK):
                end = min(k + _CHUNK, hi)
                out[order[k:end]] = np.einsum("ij,ij->i", x[r[k:end]], y[c[k:end]])


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
    los, his, starts = band.lo.tolist(), band.hi.tolist(), offsets.tolist()
    from_rows = [(k, a, b, gains[k] if b else None) for k, (a, b) in enumerate(all_types[:-1])]
    for i in range(n + 1):
        lo, hi, off = los[i], his[i], starts[i]
        # candidates[k, j]: best total ending at (i, lo + j) with a last bead of type k
        candidates = np.full((len(from_rows), hi - lo + 1), -np.inf)
        for k, a, b, gain in from_rows:
            p = i - a
            if p < 0:
                continue
            j0, j1 = max(lo, los[p] + b), min(hi, his[p] + b)
            if j0 > j1:
                continue
            at = starts[p] - b - los[p]
            step = src_deletion[p] if gain is None else gain[off + j0 - lo : off + j1 - lo + 1]
            np.add(best[at + j0 : at + j1 + 1], step, out=candidates[k, j0 - lo : j1 - lo + 1])
        row_choice = candidates.argmax(0).astype(np.int8)
        row = candidates[row_choice, np.arange(hi - lo + 1)]
        row_choice[row == -np.inf] = -1
        if i == 0:
            row[0], row_choice[0] = 0.0, -1
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
    gain[ok] = dots(src, tgt, rows[ok] - 1, cols[ok] - 1)
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
