"""Quality signals, the combined score and the MT signal, on French/Arabic news sentences."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from align.models.translate import MarianTranslator
from align.records import Segment
from align.stages.scoring import (
    CHRF_TRANSLATION,
    CHRF_UNRELATED,
    MTSignal,
    bleu,
    chrf,
    combined_score,
    language_confidence,
    length_ratio,
    model_features,
    score_segments,
)

# (French, Arabic, a French translation of the Arabic standing in for a back-translation)
PAIRS = [
    ("Une conférence conjointe de la Communauté des États indépendants (CEI) et de "
     "l’Organisation de coopération de Shanghai (OCS) sur la lutte contre le terrorisme et "
     "l’extrémisme a débuté mercredi à Tachkent, en Ouzbékistan.",
     "انطلق اليوم الأربعاء مؤتمر مشترك لكومنولث الدول المستقلة ومنظمة شانغهاي للتعاون حول "
     "مكافحة الإرهاب والتطرف في طشقند بأوزبكستان.",
     "Une conférence commune de la Communauté des États indépendants et de l’Organisation de "
     "coopération de Shanghai sur la lutte contre le terrorisme et l’extrémisme s’est ouverte "
     "mercredi à Tachkent, en Ouzbékistan."),
    ("Selon le communiqué de presse, les tensions géopolitiques croissantes posent des défis "
     "uniques aux efforts de lutte contre le radicalisme dans le monde entier.",
     "ووفقا للبيان الصحفي، فإن التوترات الجيوسياسية المتزايدة شكلت تحديات فريدة للجهود "
     "الرامية إلى مكافحة التطرف في جميع أنحاء العالم.",
     "Selon le communiqué de presse, les tensions géopolitiques croissantes ont posé des défis "
     "uniques aux efforts visant à lutter contre l’extrémisme dans le monde entier."),
    ("Les autorités de 20 États membres de la CEI et de l’OCS participent à cet événement de "
     "deux jours.",
     "وتشارك في الحدث الذي يستمر يومين سلطات تمثل 20 دولة عضو في رابطة الدول المستقلة ومنظمة "
     "شنغهاي للتعاون.",
     "Les autorités de 20 États membres de la CEI et de l’OCS participent à l’événement de deux "
     "jours."),
]


class TableTranslator:
    """Translations from a fixed table; counts calls."""

    name = "table"

    def __init__(self, table: dict[str, str]) -> None:
        self.table, self.calls = table, 0

    def translate(self, texts):
        self.calls += 1
        return [self.table[t] for t in texts]


BACK = TableTranslator({ar: bt for _, ar, bt in PAIRS})


def segment(fr: str, ar: str, similarity: float, **scores: float) -> Segment:
    return Segment("s", fr, ar, "fr1", "ar1", (0,), (0,), "1-1", similarity, dict(scores))


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ("Bonjour", "مرحبا", 5 / 7),
        ("  أخبار العالم ", "Monde", 5 / 12),
        ("Tachkent", "Tachkent", 1.0),
        ("", "أخبار", 0.0),
        ("", "", 0.0),
    ],
)
def test_length_ratio(src: str, tgt: str, expected: float) -> None:
    assert length_ratio(src, tgt) == pytest.approx(expected)


def test_chrf_and_bleu_scale() -> None:
    fr, _, bt = PAIRS[1]
    assert chrf(fr, fr) == pytest.approx(1.0)
    assert bleu(fr, fr) == pytest.approx(1.0)
    assert chrf(bt, fr) == pytest.approx(0.8145, abs=1e-4)
    assert bleu(bt, fr) == pytest.approx(0.6011, abs=1e-4)
    # a sentence of the same story: shared names and topic, no translation
    assert chrf(PAIRS[0][2], fr) == pytest.approx(0.3057, abs=1e-4)
    assert bleu(PAIRS[0][2], fr) == pytest.approx(0.0534, abs=1e-4)


@pytest.mark.parametrize(
    ("text", "expected", "low", "high"),
    [
        (PAIRS[0][0], "fr", 0.99, 1.0),
        (PAIRS[0][1], "ar", 0.5, 1.0),
        (PAIRS[0][1], "fr", 0.0, 0.1),  # Arabic on the French side
        (PAIRS[0][0], "ar", 0.0, 0.01),  # French on the Arabic side
        ("The government announced new measures on Tuesday.", "fr", 0.0, 0.1),
        ("Il est libre.", "fr", 0.5, 0.5),  # too short for n-grams: fr among fr/ar
        ("أخبار العالم", "ar", 1.0, 1.0),  # short, Arabic script
    ],
)
def test_language_confidence(text: str, expected: str, low: float, high: float) -> None:
    assert low <= language_confidence(text, expected, ("fr", "ar")) <= high


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"similarity": 0.6, "bt_chrf": 0.55, "length_ratio": 1.0, "lang_fr": 0.9},
         {"similarity": 0.6, "bt_chrf": 0.55, "length_penalty": 0.0}),
        ({"similarity": 0.6, "length_ratio": 0.5},
         {"similarity": 0.6, "length_penalty": math.log(2)}),
        ({"similarity": math.nan, "bt_chrf": 0.2}, {"bt_chrf": 0.2}),
        ({"length_ratio": 0.0}, {"length_penalty": math.log(100)}),  # empty side: ratio 0.01
        ({"lang_ar": 1.0}, {}),
    ],
)
def test_model_features(scores: dict[str, float], expected: dict[str, float]) -> None:
    assert model_features(scores) == pytest.approx(expected)


def test_combined_score_formula() -> None:
    logit = -8.34 + 7.84 * 0.6 + 14.74 * 0.55 - 1.52 * math.log(1 / 0.8)
    assert combined_score({"similarity": 0.6, "bt_chrf": 0.55, "length_ratio": 0.8}) == (
        pytest.approx(1 / (1 + math.exp(-logit)))
    )
    assert combined_score({"similarity": 0.6}) == pytest.approx(
        1 / (1 + math.exp(6.26 - 15.50 * 0.6))
    )
    assert combined_score({"similarity": math.nan, "bt_chrf": 0.2}) == pytest.approx(
        1 / (1 + math.exp(6.87 - 20.85 * 0.2))
    )
    assert combined_score({"length_ratio": 0.8}) is None


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # a true pair: similar, back-translation close to the source, expected lengths
        ({"similarity": 0.61, "bt_chrf": 0.55, "length_ratio": 0.79}, 0.985),
        # a related non-translation (same story): similar, but little chrF
        ({"similarity": 0.42, "bt_chrf": 0.24, "length_ratio": 0.72}, 0.118),
        ({"similarity": 0.42, "length_ratio": 0.72}, 0.377),
        # a sentence of another story
        ({"similarity": 0.04, "bt_chrf": 0.17, "length_ratio": 0.57}, 0.002),
    ],
)
def test_combined_score_of_typical_pairs(scores: dict[str, float], expected: float) -> None:
    assert combined_score(scores) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("similarity", "chrf_value"), [(0.1, 0.2), (0.3, 0.35), (0.6, 0.55)])
def test_combined_score_grows_with_each_signal(similarity: float, chrf_value: float) -> None:
    base = combined_score({"similarity": similarity, "bt_chrf": chrf_value})
    assert 0.0 < base < 1.0
    assert combined_score({"similarity": similarity + 0.05, "bt_chrf": chrf_value}) > base
    assert combined_score({"similarity": similarity, "bt_chrf": chrf_value + 0.05}) > base


def test_score_segments_true_and_swapped_pairs() -> None:
    true = [segment(fr, ar, 0.62, previous=0.5) for fr, ar, _ in PAIRS]
    swapped = [segment(PAIRS[0][0], PAIRS[1][1], 0.12), segment(PAIRS[1][0], PAIRS[2][1], 0.1)]
    scored = score_segments(true + swapped, BACK)
    assert true[0].scores == {"previous": 0.5}  # inputs untouched
    good, bad = scored[:3], scored[3:]
    assert set(good[0].scores) == {
        "previous", "length_ratio", "lang_fr", "lang_ar", "bt_chrf", "bt_bleu", "score"
    }
    for s in good:
        assert s.scores["bt_chrf"] > 0.6 and s.scores["score"] > 0.9
        assert s.scores["lang_fr"] > 0.99 and s.scores["lang_ar"] > 0.5
    for s in bad:
        assert s.scores["bt_chrf"] < 0.3 and s.scores["score"] < 0.05
    assert len(PAIRS[2][0]) == 98 and len(PAIRS[2][1]) == 102
    assert good[2].scores["length_ratio"] == round(98 / 102, 4)


def test_score_segments_without_translator() -> None:
    fr, ar, _ = PAIRS[1]
    [scored] = score_segments([segment(fr, ar, 0.62)])
    assert "bt_chrf" not in scored.scores
    logit = -6.26 + 15.50 * 0.62 - 2.29 * math.log(1 / scored.scores["length_ratio"])
    assert scored.scores["score"] == pytest.approx(round(1 / (1 + math.exp(-logit)), 4))


def test_score_segments_reverse_direction() -> None:
    fr, ar, _ = PAIRS[2]
    forward = TableTranslator({fr: ar})
    [scored] = score_segments([segment(fr, ar, 0.6)], reverse_translator=forward)
    assert scored.scores["bt_chrf_rev"] == 1.0 and scored.scores["bt_bleu_rev"] == 1.0
    assert "bt_chrf" not in scored.scores


def test_score_segments_with_marian(tiny_marian: Path, tmp_path: Path) -> None:
    def translator() -> MarianTranslator:
        return MarianTranslator(str(tiny_marian), max_length=12, beam_size=2,
                                cache_dir=tmp_path, progress=False)

    segments = [segment(fr, ar, 0.6) for fr, ar, _ in PAIRS]
    first = score_segments(segments, translator())
    assert all(0.0 <= s.scores["bt_chrf"] < 0.3 for s in first)  # random weights: poor MT
    again = translator()
    calls = []
    generate = again._model.generate
    again._model.generate = lambda **kw: calls.append(kw) or generate(**kw)
    assert score_segments(segments, again) == first
    assert calls == []


def test_mt_signal() -> None:
    src = [fr for fr, _, _ in PAIRS]
    tgt = [ar for _, ar, _ in PAIRS]
    signal = MTSignal(src, tgt, BACK)
    diagonal = signal.similarity(1, 1, np.array([0, 1, 2]), np.array([0, 1, 2]))
    crossed = signal.similarity(1, 1, np.array([0, 1, 2]), np.array([1, 2, 0]))
    assert diagonal.shape == (3,) and np.all(diagonal > 1.0)
    rescaled = [(chrf(bt, fr) - CHRF_UNRELATED) / (CHRF_TRANSLATION - CHRF_UNRELATED)
                for fr, _, bt in PAIRS]
    assert diagonal == pytest.approx(rescaled)  # same chrF as sacrebleu's sentence score
    assert np.all(crossed < 0.4)
    merged = signal.similarity(2, 2, np.array([0]), np.array([0]))
    expected = chrf(f"{PAIRS[0][2]} {PAIRS[1][2]}", f"{src[0]} {src[1]}")
    scale = CHRF_TRANSLATION - CHRF_UNRELATED
    assert merged[0] == pytest.approx((expected - CHRF_UNRELATED) / scale)
    calls = BACK.calls
    signal.similarity(1, 1, np.array([0]), np.array([0]))
    assert BACK.calls == calls  # sentences are translated once, when the signal is built
