"""Sentences displaced by layout: pairs that a monotone alignment can only delete.

OCR, captions and boxes moved by a page layout put a sentence and its translation at
different places in the two documents. A monotone search then deletes both. After the
search, a deleted source sentence and a deleted target sentence that lie within ``window``
sentences of each other along the path, and that are each other's best match among the
deleted sentences with a similarity of at least ``threshold``, are aligned as a 1-1 bead
out of order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from align.aligner.signals import EmbeddingSignal

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def recover_displaced(
    beads: Sequence[Bead], embedding: EmbeddingSignal, window: int, threshold: float
) -> list[Bead]:
    """``beads`` with displaced pairs of deleted sentences aligned 1-1, in source order."""
    src_deleted, tgt_deleted, src_at, tgt_at = [], [], [], []
    i = j = 0
    for src, tgt in beads:
        if not tgt and src:
            src_deleted.append(src[0])
            src_at.append(j)  # where the path crosses the target side
        if not src and tgt:
            tgt_deleted.append(tgt[0])
            tgt_at.append(i)
        i, j = i + len(src), j + len(tgt)
    if not src_deleted or not tgt_deleted:
        return list(beads)
    s, t = np.array(src_deleted), np.array(tgt_deleted)
    rows, cols = _near(np.array(src_at), t, window)  # deleted targets near each deleted source
    keep = np.abs(np.array(tgt_at)[cols] - s[rows]) <= window
    rows, cols = rows[keep], cols[keep]
    if not len(rows):
        return list(beads)
    similarity = embedding.similarity(1, 1, s[rows], t[cols])
    src_best, tgt_best = np.full(len(s), -np.inf), np.full(len(t), -np.inf)
    np.maximum.at(src_best, rows, similarity)
    np.maximum.at(tgt_best, cols, similarity)
    chosen = (similarity == src_best[rows]) & (similarity == tgt_best[cols])
    chosen &= similarity >= threshold
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for r, c in zip(s[rows[chosen]].tolist(), t[cols[chosen]].tolist(), strict=True):
        if r not in pairs and c not in taken:  # exact ties: one pair per sentence
            pairs[r] = c
            taken.add(c)
    out = []
    for src, tgt in beads:
        if src and not tgt and src[0] in pairs:
            out.append((src, (pairs[src[0]],)))
        elif not (tgt and not src and tgt[0] in taken):
            out.append((src, tgt))
    return out


def _near(positions: np.ndarray, targets: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (k, l) with ``|positions[k] - targets[l]| <= window`` (``targets`` sorted)."""
    lo = np.searchsorted(targets, positions - window, side="left")
    hi = np.searchsorted(targets, positions + window, side="right")
    counts = hi - lo
    rows = np.repeat(np.arange(len(positions)), counts)
    cols = (
        np.arange(counts.sum())
        - np.repeat(np.cumsum(counts) - counts, counts)
        + np.repeat(lo, counts)
    )
    return rows, cols
