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
    rows, cols = np.meshgrid(np.arange(len(s)), np.arange(len(t)), indexing="ij")
    similarity = embedding.similarity(1, 1, s[rows.ravel()], t[cols.ravel()]).reshape(rows.shape)
    near = (np.abs(np.array(src_at)[:, None] - t[None, :]) <= window) & (
        np.abs(np.array(tgt_at)[None, :] - s[:, None]) <= window
    )
    similarity = np.where(near, similarity, -np.inf)
    mutual = (similarity == similarity.max(1, keepdims=True)) & (
        similarity == similarity.max(0, keepdims=True)
    )
    pairs: dict[int, int] = {}
    rows, cols = np.nonzero(mutual & (similarity >= threshold))
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if int(t[c]) not in pairs.values():  # exact ties: each sentence joins one pair
            pairs.setdefault(int(s[r]), int(t[c]))
    taken = set(pairs.values())
    out = []
    for src, tgt in beads:
        if src and not tgt and src[0] in pairs:
            out.append((src, (pairs[src[0]],)))
        elif not (tgt and not src and tgt[0] in taken):
            out.append((src, tgt))
    return out
