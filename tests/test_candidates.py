"""Candidate search: exact top-k as the dense matrix gives it, date blocking, key join,
the approximate index's recall, and the deterministic one-to-one choice."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.records import Document
from align.stages.candidates import (
    CandidateConfig,
    document_vectors,
    find_candidates,
    publication_day,
)
from align.stages.pairing import PairingConfig, choose_pairs, pair_embedded
from align.stages.rescoring import score_candidates

EXACT = CandidateConfig(k=3, date_window=None, exact_limit=10**9)


def unit_rows(rng: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def dense_candidates(
    src: np.ndarray, tgt: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> set[tuple[int, int]]:
    """Row and column top-k of the full similarity matrix, among the ``allowed`` cells:
    what the search must give."""
    similarity = src @ tgt.T
    allowed = np.ones(similarity.shape, dtype=bool) if allowed is None else allowed
    pairs = set()
    for i, (row, ok) in enumerate(zip(similarity, allowed, strict=True)):
        pairs |= {(i, int(j)) for j in np.flatnonzero(ok)[np.argsort(-row[ok])][:k]}
    for j, (col, ok) in enumerate(zip(similarity.T, allowed.T, strict=True)):
        pairs |= {(int(i), j) for i in np.flatnonzero(ok)[np.argsort(-col[ok])][:k]}
    return pairs


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_src=st.integers(1, 40),
    n_tgt=st.integers(1, 40),
    dim=st.integers(2, 24),
    k=st.integers(1, 6),
    block=st.integers(1, 50),
)
def test_exact_search_equals_the_dense_matrix(seed, n_src, n_tgt, dim, k, block) -> None:
    rng = np.random.default_rng(seed)
    src, tgt = unit_rows(rng, n_src, dim), unit_rows(rng, n_tgt, dim)
    config = CandidateConfig(k=k, date_window=None, exact_limit=10**9, block=block)
    found = find_candidates(src, tgt, config)
    assert {tuple(p) for p in found.tolist()} == dense_candidates(src, tgt, k)
    assert found.tolist() == sorted(found.tolist())


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_src=st.integers(1, 40),
    n_tgt=st.integers(1, 40),
    k=st.integers(1, 6),
    window=st.integers(0, 5),
)
def test_date_blocked_search_equals_the_masked_dense_matrix(seed, n_src, n_tgt, k, window):
    rng = np.random.default_rng(seed)
    src, tgt = unit_rows(rng, n_src, 8), unit_rows(rng, n_tgt, 8)
    src_days, tgt_days = rng.integers(1000, 1012, n_src), rng.integers(1000, 1012, n_tgt)
    config = CandidateConfig(k=k, date_window=window, exact_limit=10**9)
    found = find_candidates(src, tgt, config, src_days.tolist(), tgt_days.tolist())
    allowed = np.abs(src_days[:, None] - tgt_days[None, :]) <= window
    assert {tuple(p) for p in found.tolist()} == dense_candidates(src, tgt, k, allowed)


def test_date_window_blocks_distant_days_and_keeps_undated_documents() -> None:
    day = date(2024, 9, 16).toordinal()
    src = np.eye(4, dtype=np.float32)
    tgt = np.eye(4, dtype=np.float32)
    config = CandidateConfig(k=4, date_window=2, exact_limit=10**9)
    src_days = [day, day, day + 30, None]
    tgt_days = [day + 1, day + 3, day + 31, None]
    found = {tuple(p) for p in find_candidates(src, tgt, config, src_days, tgt_days).tolist()}
    # day ↔ day+1 within the window, day ↔ day+3 outside; undated pairs with everything
    assert (0, 0) in found and (1, 0) in found
    assert (0, 1) not in found and (1, 1) not in found
    assert (2, 2) in found and (2, 0) not in found and (0, 2) not in found
    assert {(3, j) for j in range(4)} <= found and {(i, 3) for i in range(4)} <= found
    unblocked = CandidateConfig(k=4, date_window=None, exact_limit=10**9)
    assert len(find_candidates(src, tgt, unblocked, src_days, tgt_days)) == 16


def test_shared_keys_join_documents_whatever_their_vectors() -> None:
    src = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    tgt = np.array([[1.0, 0.0], [-1.0, 0.0]], dtype=np.float32)
    config = CandidateConfig(k=1, date_window=None)
    plain = {tuple(p) for p in find_candidates(src, tgt, config).tolist()}
    keyed = find_candidates(src, tgt, config, src_keys=[["a"], []], tgt_keys=[[], ["b", "a"]])
    assert (0, 1) not in plain
    assert {tuple(p) for p in keyed.tolist()} == plain | {(0, 1)}


def test_approximate_index_finds_what_exact_search_finds() -> None:
    rng = np.random.default_rng(7)
    tgt = unit_rows(rng, 3000, 32)
    noisy = tgt[:500] + 0.05 * rng.standard_normal((500, 32)).astype(np.float32)
    src = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)  # 500 translations of 3,000
    config = CandidateConfig(k=4, date_window=None, exact_limit=1000, probes=8)
    exact_config = replace(config, exact_limit=3000)
    exact = {tuple(p) for p in find_candidates(src, tgt, exact_config).tolist()}
    approximate = {tuple(p) for p in find_candidates(src, tgt, config).tolist()}
    true_pairs = {(i, i) for i in range(500)}
    assert true_pairs <= exact and true_pairs <= approximate
    assert len(exact & approximate) / len(exact) >= 0.9


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-09-16", date(2024, 9, 16)),
        ("2024-09-16T08:30:00+02:00", date(2024, 9, 16)),
        ("16/09/2024", date(2024, 9, 16)),
        ("16.09.2024", date(2024, 9, 16)),
        ("2024-09", None),
        ("2024-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_publication_day(value: str | None, expected: date | None) -> None:
    assert publication_day(value) == (expected.toordinal() if expected else None)


def test_document_vectors_are_unit_means() -> None:
    vectors = document_vectors([np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros((0, 2))], 2)
    assert np.allclose(vectors, [[2**-0.5, 2**-0.5], [0.0, 0.0]])


def test_ties_are_broken_by_document_ids_whatever_the_input_order() -> None:
    text = ["Le président a annoncé 300 emplois à Lyon."]
    vector = np.ones((1, 4), dtype=np.float32) / 2
    src = [Document(name, "fr", text) for name in ("fr-b", "fr-a", "fr-c")]
    tgt = [Document(name, "ar", ["أعلن الرئيس عن 300 وظيفة في ليون."]) for name in ("ar-y", "ar-x")]
    chosen = set()
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        sources = [src[n] for n in order]
        pairs, unpaired = pair_embedded(sources, tgt[::-1] if order[0] else tgt,
                                        [vector] * 3, [vector] * 2, PairingConfig(search=EXACT))
        chosen.add(tuple((p.src.id, p.tgt.id) for p in pairs))
        assert [u.document.id for u in unpaired] == ["fr-c"]
    assert chosen == {(("fr-a", "ar-x"), ("fr-b", "ar-y"))}


def test_choice_is_one_to_one_and_skips_rejected_pairs() -> None:
    docs = [Document(f"fr{n}", "fr", ["Un texte de 12 mots."]) for n in range(2)]
    others = [Document(f"ar{n}", "ar", ["نص من 12 كلمة."]) for n in range(2)]
    vectors = [np.eye(2, dtype=np.float32)[n : n + 1] for n in range(2)]
    candidates = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    config = PairingConfig(search=EXACT)
    scored = score_candidates(candidates, docs, others, vectors, vectors, config)
    pairs, unpaired = choose_pairs(candidates, scored, docs, others, config)
    assert [(p.src.id, p.tgt.id) for p in pairs] == [("fr0", "ar0"), ("fr1", "ar1")]
    assert unpaired == []
    strict = PairingConfig(threshold=0.99, search=EXACT)
    pairs, unpaired = choose_pairs(candidates, scored, docs, others, strict)
    assert pairs == [] and len(unpaired) == 4
    assert all("<" in u.reason for u in unpaired)
