"""Margin scoring of beads, after Bertalign (Liu & Zhu 2022): evidence relative to neighbours.

A bead of source run ``[s, s+a)`` and target run ``[t, t+b)`` scores

    (cosine(run_s, run_t) − margin) · log2(1 + shorter / longer)

where *margin* is the mean cosine of each run with the single sentences just outside the
other run (before and after it), averaged over both sides, and the lengths are the runs'
characters with the target scaled by the documents' length ratio. Deleting a sentence
scores ``-skip_penalty``. Bead scores are summed along the path, unweighted.

A sentence is thus kept only where it matches its counterpart better than that counterpart's
neighbours, and deleted when nothing near its position beats its neighbours by more than the
skip cost: the decision rests on local evidence, not on a global similarity level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from align.aligner.dp import Band, band_cells, dots
from align.aligner.signals import Signal


def _neighbour_mean(
    run: np.ndarray, singles: np.ndarray, vectors_rows: np.ndarray, start: np.ndarray, size: int
) -> np.ndarray:
    """Mean cosine of runs with the single sentences just before ``start`` and just after
    ``start + size`` on the other side (one of them where the other is off the document,
    0 where both are)."""
    count = len(singles)
    before, after = start - 1, start + size
    has_before, has_after = before >= 0, after < count
    left = np.where(has_before, dots(run, singles, vectors_rows, np.maximum(before, 0)), 0.0)
    right = np.where(has_after, dots(run, singles, vectors_rows, np.minimum(after, count - 1)), 0)
    return (left + right) / np.maximum(has_before.astype(int) + has_after, 1)


def margin_gains(
    band: Band,
    types: Sequence[tuple[int, int]],
    src_runs: dict[int, np.ndarray],
    tgt_runs: dict[int, np.ndarray],
    src_chars: np.ndarray,
    tgt_chars: np.ndarray,
    signals: Sequence[tuple[Signal, float]] = (),
) -> list[np.ndarray]:
    """Margin score of every bead type ending at every band cell (``-inf`` where it cannot
    end). ``src_runs[a][s]`` is the unit vector of source sentences ``s..s+a-1``; weighted
    ``signals`` are added to the margin before the length penalty."""
    rows, cols = band_cells(band)
    ratio = max(src_chars.sum(), 1.0) / max(tgt_chars.sum(), 1.0)
    src_cum = np.concatenate([[0.0], np.cumsum(src_chars + 1)])  # +1: the joining space
    tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_chars + 1)])
    gains = []
    for a, b in types:
        gain = np.full(len(rows), -np.inf)
        ok = (rows >= a) & (cols >= b)
        s, t = rows[ok] - a, cols[ok] - b
        x, y = src_runs[a], tgt_runs[b]
        cosine = dots(x, y, s, t)
        margin = (
            _neighbour_mean(x, tgt_runs[1], s, t, b) + _neighbour_mean(y, src_runs[1], t, s, a)
        ) / 2
        evidence = cosine - margin + sum(w * signal.similarity(a, b, s, t) for signal, w in signals)
        src_len = src_cum[s + a] - src_cum[s] - 1
        tgt_len = (tgt_cum[t + b] - tgt_cum[t] - 1) * ratio
        shorter, longer = np.minimum(src_len, tgt_len), np.maximum(src_len, tgt_len)
        gain[ok] = evidence * np.log2(1 + shorter / np.maximum(longer, 1e-9))
        gains.append(gain)
    return gains

