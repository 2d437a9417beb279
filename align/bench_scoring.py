"""Benchmarks of the quality scores on NTREX-128 and of MarianMT translation throughput.

Separation: NTREX-128 has the same English news translated into French (``fra``), Canadian
French (``fra-CA``) and Arabic (``arb``), line by line. ``fra-CA`` stands in for a machine
back-translation of the Arabic lines, so the back-translation scores can be measured
without a model. True fr/ar pairs are the positives; the same sentences paired at random
(within the same half of the data) are the negatives. Documents are split in two halves:
the first calibrates the combined score (``fit_logistic``), the second measures ROC AUC.

Throughput: sentences per second of a Marian model translating in length-sorted batches
against a loop of one sentence at a time, same sentences, median of several runs.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from align.embed import Embedder
from align.errors import InputError
from align.filters import FilterConfig, apply_filters
from align.records import Segment
from align.scoring import score_segments
from align.translate import MarianTranslator, PrecomputedTranslator

FILES = {
    "fr": "newstest2019-ref.fra.txt",
    "ar": "newstest2019-ref.arb.txt",
    "bt": "newstest2019-ref.fra-CA.txt",
    "docs": "DOCUMENT_IDS.tsv",
}
SIGNALS = ("similarity", "bt_chrf", "bt_bleu", "length_ratio", "score")


def roc_auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Area under the ROC curve: the chance a positive outranks a negative (ties count half).

    Computed from ranks (Mann–Whitney U), tied values sharing their average rank.
    """
    values = np.concatenate([np.asarray(positives, float), np.asarray(negatives, float)])
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]  # average rank within each group of ties
    n_pos, n_neg = len(positives), len(negatives)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def fit_logistic(features: np.ndarray, labels: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Weights (last one the bias) of an L2-regularised logistic regression, by Newton steps."""
    x = np.hstack([features, np.ones((len(features), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (p - labels) + l2 * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


@dataclass(frozen=True)
class Ntrex:
    """Line-aligned French, Arabic and Canadian French sentences with their document ids."""

    fr: list[str]
    ar: list[str]
    bt: list[str]
    docs: list[str]


def read_ntrex(data: Path) -> Ntrex:
    """Read the NTREX-128 files the benchmark needs from ``data``."""
    lines = {}
    for key, name in FILES.items():
        path = data / name
        if not path.is_file():
            raise InputError(data, f"missing {name} (expected the NTREX-128 directory)")
        lines[key] = path.read_text(encoding="utf-8").splitlines()
    if len({len(v) for v in lines.values()}) != 1:
        raise InputError(data, "the NTREX files do not have the same number of lines")
    docs = [line.split("\t")[0] for line in lines["docs"]]
    return Ntrex(lines["fr"], lines["ar"], lines["bt"], docs)


def halves(docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Line indices of the first half of the documents (dev) and of the rest (test)."""
    order = list(dict.fromkeys(docs))
    dev_docs = set(order[: len(order) // 2])
    dev = np.array([doc in dev_docs for doc in docs])
    return np.flatnonzero(dev), np.flatnonzero(~dev)


def labelled_segments(
    data: Ntrex, lines: np.ndarray, vectors: tuple[np.ndarray, np.ndarray], seed: int
) -> tuple[list[Segment], list[Segment]]:
    """True pairs of ``lines`` and as many random pairings of them (no line with itself)."""
    fr_vectors, ar_vectors = vectors
    shuffled = np.random.default_rng(seed).permutation(lines)
    partner = dict(zip(shuffled.tolist(), np.roll(shuffled, 1).tolist(), strict=True))

    def segment(i: int, j: int) -> Segment:
        return Segment(f"{i}-{j}", data.fr[i], data.ar[j], "", "", (i,), (j,), "1-1",
                       float(fr_vectors[i] @ ar_vectors[j]))

    return [segment(i, i) for i in lines], [segment(i, partner[i]) for i in lines]


def bench_scoring(data: Path, embedder: Embedder, seed: int = 0) -> dict[str, Any]:
    """AUC of each signal and of the combined score; refitted weights; filter rejections."""
    ntrex = read_ntrex(data)
    vectors = (embedder.encode(ntrex.fr), embedder.encode(ntrex.ar))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ntrex.ar-fr.jsonl"
        rows = (json.dumps({"text": a, "translation": b}, ensure_ascii=False)
                for a, b in zip(ntrex.ar, ntrex.bt, strict=True))
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        translator = PrecomputedTranslator(path)
    parts = {}
    for name, lines in zip(("dev", "test"), halves(ntrex.docs), strict=True):
        positives, negatives = labelled_segments(ntrex, lines, vectors, seed)
        parts[name] = (score_segments(positives, translator), score_segments(negatives, translator))

    def values(segments: list[Segment], name: str) -> np.ndarray:
        return np.array([s.similarity if name == "similarity" else s.scores[name]
                         for s in segments])

    test_pos, test_neg = parts["test"]
    dev_pos, dev_neg = parts["dev"]
    weights = {}
    for subset in (("similarity", "bt_chrf"), ("similarity",), ("bt_chrf",)):
        x = np.vstack([np.stack([values(p, n) for n in subset], 1) for p in (dev_pos, dev_neg)])
        y = np.r_[np.ones(len(dev_pos)), np.zeros(len(dev_neg))]
        w = fit_logistic(x, y)
        weights["+".join(subset)] = {"bias": round(w[-1], 2),
                                     **{n: round(v, 2) for n, v in zip(subset, w, strict=False)}}
    filters = {}
    for label, segments in (("true_pairs", test_pos), ("random_pairs", test_neg)):
        _, rejected, counts = apply_filters(segments, FilterConfig())
        filters[label] = {"rejected": len(rejected), "of": len(segments), "by_reason": counts}
    return {
        "pairs": {"dev": len(dev_pos), "test": len(test_pos)},
        "auc_test": {n: round(roc_auc(values(test_pos, n), values(test_neg, n)), 5)
                     for n in SIGNALS},
        "dev_medians_bt_chrf": {"true": round(float(np.median(values(dev_pos, "bt_chrf"))), 3),
                                "random": round(float(np.median(values(dev_neg, "bt_chrf"))), 3)},
        "fitted_weights": weights,
        "filters_test": filters,
    }


def bench_throughput(
    model: str,
    texts: Sequence[str],
    runs: int = 3,
    batch_size: int = 32,
    threads: int | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Median sentences/s of sorted batches and of a one-sentence loop (no cache), same texts.

    ``threads`` sets torch's CPU threads for the process (default: torch's choice).
    """
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    batched = MarianTranslator(model, batch_size=batch_size, use_cache=False, progress=False,
                               **options)
    single = MarianTranslator(model, batch_size=1, use_cache=False, progress=False, **options)
    texts = list(dict.fromkeys(texts))
    batched.translate(texts[:batch_size])  # warm-up
    rates: dict[str, list[float]] = {"batched_sorted": [], "unbatched_loop": []}
    for _ in range(runs):
        started = time.perf_counter()
        batched.translate(texts)
        rates["batched_sorted"].append(len(texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        for text in texts:
            single.translate([text])
        rates["unbatched_loop"].append(len(texts) / (time.perf_counter() - started))
    medians = {name: round(float(np.median(r)), 1) for name, r in rates.items()}
    return {
        "model": model, "device": batched.device, "threads": _torch_threads(),
        "sentences": len(texts), "runs": runs,
        "batch_size": batch_size, "sentences_per_s": medians,
        "speedup": round(medians["batched_sorted"] / medians["unbatched_loop"], 2),
    }


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()
