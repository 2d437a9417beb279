"""The aligner: DP optimality and invariants on random data, and a real French–Arabic case."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
from examples import AR, FR
from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligner.dp import Band, band_cells, coarse_to_fine_band, dots, path_nodes, search
from align.aligner.sentences import (
    AlignConfig,
    align_runs,
    align_sentences,
    embed_joined_runs,
    uncertain_sentences,
)
from align.aligner.signals import (
    BoundarySignal,
    EmbeddingSignal,
    ParagraphSignal,
    run_vectors,
)
from align.errors import ConfigError
from align.models.embed import load_embedder

TYPES = [(1, 1), (1, 2), (2, 1), (2, 2)]


def reference_best(n: int, m: int, gains: dict, src_del: np.ndarray, tgt_del: np.ndarray) -> float:
    """Plain O(n·m·types) dynamic program over the full grid, for comparison."""
    best = np.full((n + 1, m + 1), -np.inf)
    best[0, 0] = 0.0
    for i, j in itertools.product(range(n + 1), range(m + 1)):
        if i:
            best[i, j] = max(best[i, j], best[i - 1, j] + src_del[i - 1])
        if j:
            best[i, j] = max(best[i, j], best[i, j - 1] + tgt_del[j - 1])
        for a, b in TYPES:
            if i >= a and j >= b:
                best[i, j] = max(best[i, j], best[i - a, j - b] + gains[a, b][i, j])
    return best[n, m]


@st.composite
def problems(draw: st.DrawFn) -> tuple:
    n, m = draw(st.integers(0, 7)), draw(st.integers(0, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    gains = {t: rng.normal(size=(n + 1, m + 1)) for t in TYPES}
    return n, m, gains, -rng.random(n), -rng.random(m)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_search_is_optimal_and_covers_every_sentence_once(problem: tuple) -> None:
    n, m, gains, src_del, tgt_del = problem
    band = Band.full(n, m)
    rows, cols = band_cells(band)
    flat = [gains[t][rows, cols] for t in TYPES]
    steps = search(band, TYPES, flat, src_del, tgt_del)
    nodes = path_nodes(steps)
    assert nodes[0] == (0, 0) and nodes[-1] == (n, m)
    assert all(step in [*TYPES, (1, 0), (0, 1)] for step in steps)
    total = 0.0
    for (i0, j0), (i1, j1) in zip(nodes, nodes[1:], strict=False):
        a, b = i1 - i0, j1 - j0
        total += src_del[i0] if b == 0 else tgt_del[j0] if a == 0 else gains[a, b][i1, j1]
    assert total == pytest.approx(reference_best(n, m, gains, src_del, tgt_del))


class VectorSignal:
    """Cosine of mean member vectors: lets the aligner run on synthetic embeddings."""

    def __init__(self, src: np.ndarray, tgt: np.ndarray) -> None:
        self.src, self.tgt = src, tgt

    def similarity(self, a: int, b: int, s: np.ndarray, t: np.ndarray) -> np.ndarray:
        x = sum(self.src[s + k] for k in range(a))
        y = sum(self.tgt[t + k] for k in range(b))
        return np.einsum("ij,ij->i", x, y) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_alignment_uses_every_sentence_once_in_order(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    src, tgt = rng.normal(size=(n, 8)), rng.normal(size=(m, 8))
    texts = (["phrase de test"] * n, ["جملة اختبار"] * m)
    beads = align_runs(*texts, Band.full(n, m), [(VectorSignal(src, tgt), 1.0)], AlignConfig())
    assert [i for s, _ in beads for i in s] == list(range(n))
    assert [j for _, t in beads for j in t] == list(range(m))
    assert all(len(s) + len(t) <= AlignConfig().max_size for s, t in beads)


@pytest.mark.parametrize("shape", ["band", "scattered", "one row", "one cell"])
def test_dots_equal_gathered_products(shape: str) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(300, 16)), rng.normal(size=(280, 16))
    if shape == "band":
        rows, cols = band_cells(Band.around([(i, i * 280 // 300) for i in range(301)], 300, 280, 6))
        keep = (rows < 300) & (cols < 280)
        rows, cols = rows[keep], cols[keep]
    elif shape == "scattered":
        rows, cols = rng.integers(0, 300, 5000), rng.integers(0, 280, 5000)
    elif shape == "one row":
        rows, cols = np.full(70, 299), np.arange(70)
    else:
        rows, cols = np.array([64]), np.array([3])
    order = rng.permutation(len(rows))  # candidates in any order
    rows, cols = rows[order], cols[order]
    assert np.allclose(dots(x, y, rows, cols), np.einsum("ij,ij->i", x[rows], y[cols]))


def test_coarse_to_fine_band_contains_true_path() -> None:
    rng = np.random.default_rng(3)
    src = rng.normal(size=(400, 32))
    keep = np.array([i % 37 != 5 for i in range(400)])  # every 37th sentence has no translation
    tgt = src[keep] + 0.3 * rng.normal(size=(keep.sum(), 32))
    unit = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)  # noqa: E731
    band = coarse_to_fine_band(unit(src), unit(tgt), full_cells=2_000, width=8)
    assert (band.hi - band.lo).max() < 60  # a narrow band, not the full grid
    j = 0
    for i in range(400):
        assert band.lo[i] <= j <= band.hi[i]
        j += keep[i]


def test_french_arabic_merge_and_deletion(embedder) -> None:
    beads = align_sentences(FR, AR, embedder)
    assert [(b.src, b.tgt) for b in beads] == [
        ((0,), (0,)),
        ((1,), (1, 2)),
        ((2,), ()),
        ((3,), (3,)),
    ]
    assert all(0.4 < b.score <= 1.0 for b in beads if not b.is_deletion)
    assert beads[2].score == 0.0


FR_BRIDGE = [
    "Le président a inauguré lundi le nouveau pont sur la Seine.",
    "Les travaux ont duré quatre ans et coûté 120 millions d'euros.",
    "La circulation sera ouverte aux voitures dès mercredi.",
]
AR_BRIDGE = [
    "افتتح الرئيس يوم الاثنين الجسر الجديد على نهر السين.",
    "واستغرقت الأشغال أربع سنوات وكلفت 120 مليون يورو.",
    "وكان الرئيس قد زار المدينة العام الماضي برفقة زوجته.",  # no French counterpart
    "وستفتح حركة المرور أمام السيارات ابتداء من الأربعاء.",
]
BRIDGE_GOLD = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), (3,))]


@pytest.mark.parametrize(
    ("coverage_weight", "expected"),
    [(1.5, BRIDGE_GOLD), (0.0, [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))])],
)
def test_coverage_deletes_an_untranslated_sentence_instead_of_merging_it(
    embedder, coverage_weight: float, expected: list
) -> None:
    config = AlignConfig(coverage_weight=coverage_weight)
    beads = align_sentences(FR_BRIDGE, AR_BRIDGE, embedder, config)
    assert [(b.src, b.tgt) for b in beads] == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(1, 1, -1.0), (2, 1, 0.0), (3, 2, -1.0)],  # bead of source sentences 0..a-1
)
def test_boundary_signal_counts_bead_edges_inside_a_sentence(
    a: int, b: int, expected: float
) -> None:
    src = [
        "Erstbesteigung 1933 durch B.M .",
        "abalakow, seitdem oft besucht.",  # continues the sentence before
        "Der Gipfel ist 7495 m hoch.",
        "ein Schneegipfel.",  # a fragment
    ]
    tgt = ["Première ascension en 1933 par E. M. Abalakow.", "Souvent visité depuis."]
    signal = BoundarySignal(src, tgt)
    assert signal.similarity(a, b, np.array([0]), np.array([0]))[0] == expected


@pytest.mark.parametrize(
    ("a", "b", "src_start", "tgt_start", "expected"),
    [
        (1, 1, 2, 1, 0.0),  # a single sentence crosses nothing
        (2, 1, 0, 0, 0.0),  # source 0-1: one paragraph
        (2, 1, 1, 0, -1.0),  # source 1-2: across the break before 2
        (3, 2, 1, 0, -2.0),  # source 1-3 and target 0-1: a break on each side
        (1, 2, 4, 1, 0.0),  # target 1-2: one paragraph
    ],
)
def test_paragraph_signal_counts_breaks_inside_a_bead(
    a: int, b: int, src_start: int, tgt_start: int, expected: float
) -> None:
    signal = ParagraphSignal([0, 0, 1, 1, 2], [0, 1, 1])
    scores = signal.similarity(a, b, np.array([src_start]), np.array([tgt_start]))
    assert scores.tolist() == [expected]


def test_paragraphs_must_match_the_sentences(embedder) -> None:
    with pytest.raises(ConfigError, match="one index per source and target sentence"):
        align_sentences(FR[:2], AR[:2], embedder, paragraphs=([0, 0, 1], [0, 0]))


def test_e5_embedder_aligns_french_and_arabic() -> None:
    e5 = load_embedder("e5-small")
    vectors = e5.encode([FR_BRIDGE[0], AR_BRIDGE[0], AR_BRIDGE[2]])
    assert e5.name == "e5-small" and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # translation beats neighbour
    beads = align_sentences(FR_BRIDGE, AR_BRIDGE, e5)
    assert [(b.src, b.tgt) for b in beads] == BRIDGE_GOLD


def test_empty_side_deletes_everything(embedder) -> None:
    beads = align_sentences(FR[:2], [], embedder)
    assert [(b.src, b.tgt) for b in beads] == [((0,), ()), ((1,), ())]


@pytest.mark.parametrize(
    "field",
    [
        {"band": 1},
        {"refine_band": 2},
        {"max_size": 1},
        {"length_share": 2.0},
        {"coverage_weight": -1.0},
        {"displaced_window": -1},
        {"paragraph_weight": -0.1},
        {"unrelated_below": 1.0},
    ],
)
def test_invalid_config_is_rejected(field: dict) -> None:
    with pytest.raises(ConfigError):
        AlignConfig(**field).validate()


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.normal(size=(n, 16))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_uncertain_sentences_are_merged_deleted_or_weak_and_their_neighbours() -> None:
    rng = np.random.default_rng(5)
    src = unit_rows(rng, 8)
    tgt = np.concatenate([src[:2], src[2:3] + src[3:4], src[4:6], -src[6:7], src[7:8]])
    tgt /= np.linalg.norm(tgt, axis=1, keepdims=True)
    embedding = EmbeddingSignal(
        {1: run_vectors(src, 1)}, {1: run_vectors(tgt, 1), 2: run_vectors(tgt, 2)}
    )
    # target 5 is no translation of source 6: a weak 1-1 bead
    beads = [((0,), (0,)), ((1,), (1,)), ((2, 3), (2,)), ((4,), (3,)), ((5,), ())]
    beads += [((), (4,)), ((6,), (5,)), ((7,), (6,))]
    src_unsure, tgt_unsure = uncertain_sentences(beads, embedding, confident=0.3)
    assert np.flatnonzero(src_unsure).tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert np.flatnonzero(tgt_unsure).tolist() == [1, 2, 3, 4, 5, 6]


class CountingEmbedder:
    """Bag-of-characters vectors; remembers every text it was asked to embed."""

    name = "counting"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        vectors = np.array([[t.count(c) + 1.0 for c in "abcdefgh"] for t in texts])
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_joined_runs_are_embedded_only_inside_the_unsure_stretch() -> None:
    sentences = ["aa", "bb", "cc", "dd", "ee", "ff"]
    embedder = CountingEmbedder()
    means = {k: run_vectors(embedder.encode(sentences), k) for k in (1, 2, 3)}
    embedder.texts.clear()
    unsure = np.array([False, True, True, True, False, False])
    runs = embed_joined_runs(sentences, means, unsure, 3, embedder)
    assert embedder.texts == ["bb cc", "cc dd", "bb cc dd"]
    assert np.allclose(runs[2][1], embedder.encode(["bb cc"])[0])
    assert np.allclose(runs[2][0], means[2][0]) and np.allclose(runs[1], means[1])


def test_remembered_band_scores_equal_computed_ones() -> None:
    rng = np.random.default_rng(9)
    src_runs = {k: run_vectors(unit_rows(rng, 30), k) for k in (1, 2)}
    tgt_runs = {k: run_vectors(unit_rows(rng, 25), k) for k in (1, 2)}
    band = Band.around([(0, 0), (30, 25)], 30, 25, 4)
    banded, plain = EmbeddingSignal(src_runs, tgt_runs, band), EmbeddingSignal(src_runs, tgt_runs)
    s, t = rng.integers(0, 28, 200), rng.integers(0, 23, 200)  # inside and outside the band
    for _ in range(2):  # the second call reads what the first remembered
        assert np.allclose(banded.similarity(2, 2, s, t), plain.similarity(2, 2, s, t))


class HashEmbedder:
    """Deterministic pseudo-random unit vectors per text: any text, no model."""

    name = "hash"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=16) for t in texts]
        vectors = np.array(rows).reshape(len(texts), 16)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["un", "deux", "trois", "quatre", "cinq"]), min_size=1, max_size=14),
    st.lists(st.sampled_from(["واحد", "اثنان", "ثلاثة", "أربعة"]), min_size=1, max_size=14),
)
def test_both_passes_use_every_sentence_once_in_order(src: list[str], tgt: list[str]) -> None:
    beads = align_sentences(src, tgt, HashEmbedder(), AlignConfig(confident=0.9))
    assert [i for b in beads for i in b.src] == list(range(len(src)))
    assert [j for b in beads for j in b.tgt] == list(range(len(tgt)))
    assert all(0.0 <= b.score <= 1.0 for b in beads)
