"""Displaced sentences: deleted pairs that match each other are aligned out of order."""

from __future__ import annotations

import numpy as np

from align.aligner.crossing import recover_displaced
from align.aligner.signals import EmbeddingSignal


def _signal(src_ids: list[int], tgt_ids: list[int]) -> EmbeddingSignal:
    """Sentences with the same id are translations: one-hot vectors over 12 topics."""
    eye = np.eye(12)
    return EmbeddingSignal({1: eye[src_ids]}, {1: eye[tgt_ids]})


def test_deleted_pair_that_match_are_joined_in_source_order() -> None:
    # source 0 1 2 3 4 ; target 0 3 1 2 4: target 1 holds source 3's translation
    signal = _signal([0, 1, 2, 3, 4], [0, 3, 1, 2, 4])
    beads = [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), (3,)), ((3,), ()), ((4,), (4,))]
    out = recover_displaced(beads, signal, window=4, threshold=0.5)
    assert out == [((0,), (0,)), ((1,), (2,)), ((2,), (3,)), ((3,), (1,)), ((4,), (4,))]


def test_deleted_sentences_too_far_apart_or_unrelated_stay_deleted() -> None:
    signal = _signal([0, 1, 2, 3, 4, 5, 6, 7], [9, 1, 2, 3, 4, 5, 6, 0])
    far = [((0,), ()), *[((i,), (i,)) for i in range(1, 7)], ((), (7,)), ((7,), ())]
    assert recover_displaced(far, signal, window=3, threshold=0.5) == far
    unrelated = [((0,), ()), ((), (0,)), *[((i,), (i,)) for i in range(1, 8)]]
    assert recover_displaced(unrelated, signal, window=3, threshold=0.5) == unrelated


def test_only_mutual_best_matches_are_joined() -> None:
    # source 0 and 2 are both deleted and both match target 0 (same topic): only the
    # better one (identical vector) is joined, the other stays deleted
    src = np.eye(12)[[0, 1, 3]]
    src[2] = (np.eye(12)[0] + np.eye(12)[3]) / np.sqrt(2)
    signal = EmbeddingSignal({1: src}, {1: np.eye(12)[[0, 1]]})
    beads = [((0,), ()), ((1,), (1,)), ((2,), ()), ((), (0,))]
    out = recover_displaced(beads, signal, window=4, threshold=0.3)
    assert out == [((0,), (0,)), ((1,), (1,)), ((2,), ())]
