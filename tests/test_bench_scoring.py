"""The scoring benchmark's pieces: rank AUC, logistic fit, NTREX reading, end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write_ntrex

from align.bench.scoring import (
    Ntrex,
    bench_scoring,
    bench_throughput,
    fit_logistic,
    halves,
    negative_pairs,
    roc_auc,
)
from align.errors import InputError


@pytest.mark.parametrize(
    ("positives", "negatives", "expected"),
    [
        ([0.9, 0.8], [0.1, 0.2], 1.0),
        ([0.1, 0.2], [0.9, 0.8], 0.0),
        ([0.5], [0.5], 0.5),  # a tie counts half
        ([0.9, 0.3], [0.5, 0.1], 0.75),
        ([1, 1, 0], [1, 0, 0], (2.5 + 2.5 + 1) / 9),
    ],
)
def test_roc_auc(positives, negatives, expected: float) -> None:
    assert roc_auc(positives, negatives) == pytest.approx(expected)


def test_fit_logistic_recovers_weights() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    labels = (rng.random(4000) < 1 / (1 + np.exp(-(2 * x[:, 0] - x[:, 1] + 0.5)))).astype(float)
    assert fit_logistic(x, labels) == pytest.approx([2, -1, 0.5], abs=0.2)
    # doubling every row's weight is the same as repeating the data
    doubled = fit_logistic(x, labels, sample_weight=np.full(4000, 2.0))
    assert doubled == pytest.approx(fit_logistic(np.vstack([x, x]), np.r_[labels, labels]))


FR = ["Le sommet s’est ouvert mardi à Tachkent.", "Vingt pays y participent.",
      "Les ministres ont signé un accord.", "La conférence dure deux jours.",
      "Le terrorisme reste une menace.", "Les jeunes sont les plus exposés."]
AR = ["افتتحت القمة يوم الثلاثاء في طشقند.", "تشارك فيها عشرون دولة.",
      "وقع الوزراء على اتفاق.", "يستمر المؤتمر يومين.",
      "لا يزال الإرهاب يشكل تهديدا.", "الشباب هم الأكثر عرضة."]
BT = ["Le sommet a été ouvert mardi à Tachkent.", "Vingt pays participent.",
      "Les ministres ont signé un accord.", "La conférence dure deux jours.",
      "Le terrorisme demeure une menace.", "Les jeunes sont les plus exposés."]


class Aligned:
    """Line i of each side encodes to the same one-hot row: true pairs have cosine 1."""

    name = "one-hot"

    def encode(self, texts):
        return np.eye(len(texts), dtype=np.float32)


@pytest.fixture()
def ntrex(tmp_path: Path) -> Path:
    return write_ntrex(tmp_path, FR, AR, ["a\tx"] * 3 + ["b\tx"] * 3, fr_ca=BT)


def test_halves_split_by_document() -> None:
    dev, test = halves(["a", "a", "b", "c", "c"])
    assert dev.tolist() == [0, 1] and test.tolist() == [2, 3, 4]


def test_negative_pairs() -> None:
    # Arabic line 4 repeats line 5, so neither is a wrong partner of French line 4 or 5
    data = Ntrex(FR, [*AR[:4], AR[5], AR[5]], BT, ["a"] * 3 + ["b"] * 3)
    fr, ar = np.eye(6), np.eye(6)
    ar[[4, 5]] = [0, 0, 0, 0.6, 0, 0.8]
    pairs = negative_pairs(data, np.array([3, 4, 5]), (fr, ar), seed=0)
    assert pairs["nearest"] == [(3, 4), (4, 3), (5, 3)]
    assert pairs["adjacent"] == [(3, 4), (4, 5), (5, 4)]
    assert sorted(j for _, j in pairs["random"]) == [3, 4, 5]
    assert all(i != j for i, j in pairs["random"])


def test_bench_scoring_end_to_end(ntrex: Path) -> None:
    result = bench_scoring(ntrex, Aligned())
    counts = {"true": 3, "nearest": 3, "adjacent": 3, "random": 3}
    assert result["pairs"] == {"dev": counts, "test": counts}
    for kind in ("nearest", "adjacent", "random"):
        assert result["auc_test"][kind]["similarity"] == 1.0
        assert result["auc_test"][kind]["bt_chrf"] == 1.0
        assert result["auc_test"][kind]["score"] == 1.0
    assert set(result["fitted_weights"]) == {"similarity+bt_chrf", "similarity", "bt_chrf"}
    assert set(result["fitted_weights"]["similarity"]) == {"bias", "similarity", "length_penalty"}
    assert 0.0 <= result["suggested_min_score"] < 1.0
    assert result["filters_test"]["true"]["with_bt"]["all_filters"] == 1.0
    assert result["filters_test"]["random"]["with_bt"]["score_filter"] == 1.0


def test_bench_scoring_missing_file(ntrex: Path) -> None:
    (ntrex / "newstest2019-ref.fra-CA.txt").unlink()
    with pytest.raises(InputError, match="fra-CA"):
        bench_scoring(ntrex, Aligned())


def test_bench_throughput(tiny_marian: Path) -> None:
    result = bench_throughput(str(tiny_marian), AR, runs=1, batch_size=4, max_length=8)
    assert result["sentences"] == 6 and result["runs"] == 1
    assert set(result["sentences_per_s"]) == {"batched_sorted", "unbatched_loop"}
    assert all(rate > 0 for rate in result["sentences_per_s"].values())
