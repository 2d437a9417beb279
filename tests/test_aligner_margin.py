"""Margin scoring and evidence-based deletion costs of the aligner."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.aligner.deletion import best_in_band, deletion_costs, skip_gains
from align.aligner.dp import Band
from align.aligner.margin import margin_gains
from align.aligner.sentences import MARGIN, AlignConfig, align_runs, align_sentences
from align.aligner.signals import run_vectors
from align.errors import ConfigError


def unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def runs_of(vectors: np.ndarray, longest: int) -> dict[int, np.ndarray]:
    return {k: run_vectors(vectors, k) for k in range(1, longest + 1)}


def test_margin_is_cosine_less_neighbours_times_length_penalty() -> None:
    # three source and three target sentences on axes: source k matches target k exactly,
    # except target 1, which also leans towards source 0 (its neighbour)
    src = np.eye(4)[:3]
    tgt = unit(np.array([[1.0, 0, 0, 0], [0.6, 0.8, 0, 0], [0, 0, 1.0, 0]]))
    chars = np.array([40.0, 40.0, 40.0])
    (gain,) = margin_gains(
        Band.full(3, 3), [(1, 1)], runs_of(src, 1), runs_of(tgt, 1), chars, chars
    )
    # cell (2, 2) ends the bead source 1 – target 1: cosine 0.8; source 1 against targets
    # 0 and 2: 0 and 0; target 1 against sources 0 and 2: 0.6 and 0 -> margin (0 + 0.3) / 2
    assert gain[2 * 4 + 2] == pytest.approx(0.8 - 0.15)
    # cell (1, 1): source 0 – target 0, cosine 1; only right-hand neighbours exist: source 0
    # against target 1 is 0.6, target 0 against source 1 is 0 -> margin (0.6 + 0) / 2
    assert gain[1 * 4 + 1] == pytest.approx(1.0 - 0.3)
    assert np.isneginf(gain[0])  # no bead ends at (0, 0)


def test_length_penalty_scales_a_bead_by_its_length_ratio() -> None:
    # two orthogonal pairs (no margin); the first target is half as long as its source
    vectors = np.eye(2)
    gains = margin_gains(
        Band.full(2, 2), [(1, 1)], runs_of(vectors, 1), runs_of(vectors, 1),
        np.array([50.0, 50.0]), np.array([25.0, 75.0]),
    )[0]
    assert gains[1 * 3 + 1] == pytest.approx(np.log2(1 + 25 / 50))


@pytest.mark.parametrize(
    ("best", "expected"),
    [
        # quantile 0.5 of [0.2, 0.6, 0.7] is 0.6: 0.2 lies 0.4 below it
        ([0.2, 0.6, 0.7], [-(0.3 - 0.5 * 0.4), -0.3, -0.3]),
        ([0.0, 0.9, 0.9], [0.0, -0.3, -0.3]),  # never a reward for deleting
    ],
)
def test_skip_gains_lower_the_cost_of_sentences_without_a_match_nearby(
    best: list[float], expected: list[float]
) -> None:
    assert skip_gains(np.array(best), 0.3, 0.5, 0.5) == pytest.approx(expected)


def test_best_in_band_is_each_sentence_best_cosine_in_the_band() -> None:
    src = np.eye(3)
    tgt = unit(np.array([[1.0, 0, 0], [0, 1.0, 1.0]]))
    src_best, tgt_best = best_in_band(src, tgt, Band.full(3, 2))
    assert src_best == pytest.approx([1.0, 0.5**0.5, 0.5**0.5])
    assert tgt_best == pytest.approx([1.0, 0.5**0.5])


def test_deletion_costs_follow_the_scoring() -> None:
    texts = ["Une phrase assez longue pour compter entière."]
    vectors = (np.eye(2)[:1], np.eye(2)[:1])
    band = Band.full(1, 1)
    signals = deletion_costs(texts, texts, AlignConfig(), band, vectors)
    margin = deletion_costs(texts, texts, AlignConfig(scoring="margin"), band, vectors)
    assert signals[0] == pytest.approx([-AlignConfig().deletion_penalty])
    assert margin[1] == pytest.approx([-AlignConfig().skip_penalty])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_margin_alignment_uses_every_sentence_once_in_order(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    config = AlignConfig(scoring="margin", skip_slope=1.0)
    src, tgt = unit(rng.normal(size=(n, 8))), unit(rng.normal(size=(m, 8)))
    runs = (runs_of(src, min(n, config.max_src)), runs_of(tgt, min(m, config.max_tgt)))
    texts = (["phrase de test"] * n, ["جملة اختبار"] * m)
    beads = align_runs(*texts, Band.full(n, m), [], config, runs)
    assert [i for s, _ in beads for i in s] == list(range(n))
    assert [j for _, t in beads for j in t] == list(range(m))


def test_unknown_scoring_is_rejected() -> None:
    with pytest.raises(ConfigError):
        AlignConfig(scoring="bertalign").validate()


def test_margin_scoring_aligns_french_and_arabic_with_a_furniture_line(embedder) -> None:
    fr = [
        "Le gouvernement a présenté mardi son projet de budget pour l'année prochaine.",
        "Il prévoit une baisse des impôts pour les ménages modestes.",
        "Partager cet article",
        "L'opposition a dénoncé un texte injuste envers les retraités.",
    ]
    ar = [
        "قدمت الحكومة يوم الثلاثاء مشروع ميزانيتها للعام المقبل.",
        "ويتوقع المشروع خفض الضرائب على الأسر متوسطة الدخل.",
        "ونددت المعارضة بنص غير عادل تجاه المتقاعدين.",
    ]
    beads = align_sentences(fr, ar, embedder, MARGIN)
    assert [(b.src, b.tgt) for b in beads] == [
        ((0,), (0,)),
        ((1,), (1,)),
        ((2,), ()),
        ((3,), (2,)),
    ]
