"""Benchmarks of the quality scores on NTREX-128 and of MarianMT translation throughput.

Separation: NTREX-128 has the same English news translated into French (``fra``), Canadian
French (``fra-CA``) and Arabic (``arb``), line by line. ``fra-CA`` stands in for a machine
back-translation of the Arabic lines, so the back-translation scores can be measured
without a model. True fr/ar pairs are the positives. Each French sentence also gets three
wrong partners (``negative_pairs``), within the same half of the data: the nearest Arabic
non-translation by embedding cosine, an adjacent sentence of its document, a random one.
Documents are split in two halves: the first calibrates the combined score
(``fit_logistic``) and the ``min_score`` threshold, the second measures ROC AUC per signal
and negative kind, and the filters' keep and removal rates.

Throughput: sentences per second of a Marian model translating in length-sorted batches
against a loop of one sentence at a time, same sentences, median of several runs.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from align.bench.common import NTREX_SOURCE
from align.errors import InputError
from align.models.embed import Embedder
from align.models.translate import MarianTranslator, PrecomputedTranslator
from align.records import Segment
from align.stages.filters import FilterConfig, apply_filters
from align.stages.scoring import combined_score, model_features, score_segments

FILES = {
    "fr": "newstest2019-ref.fra.txt",
    "ar": "newstest2019-ref.arb.txt",
    "bt": "newstest2019-ref.fra-CA.txt",
    "docs": "DOCUMENT_IDS.tsv",
}
SIGNALS = ("similarity", "bt_chrf", "bt_bleu", "length_ratio", "score")
NEGATIVES = ("nearest", "adjacent", "random")
MODELS = (("similarity", "bt_chrf"), ("similarity",), ("bt_chrf",))
KEEP_TRUE = 0.98  # share of dev true pairs the suggested min_score keeps, under every model


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


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    l2: float = 1e-3,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Weights (last one the bias) of an L2-regularised logistic regression, by Newton steps.

    ``sample_weight`` scales each row's share of the likelihood (default: 1 each).
    """
    x = np.hstack([features, np.ones((len(features), 1))])
    c = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, float)
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (c * (p - labels)) + l2 * w
        hessian = (x * (c * p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
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
            raise InputError(data, f"missing {name} (expected {NTREX_SOURCE})")
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


def negative_pairs(
    data: Ntrex, lines: np.ndarray, vectors: tuple[np.ndarray, np.ndarray], seed: int
) -> dict[str, list[tuple[int, int]]]:
    """Wrong (French line, Arabic line) partners of each of ``lines``, per kind.

    ``nearest``: the Arabic line of ``lines`` with the highest cosine that is not a
    translation (neither side repeats the true pair's text); ``adjacent``: the next line of
    the same document, else the previous one (single-line documents have none); ``random``:
    a random permutation of ``lines`` without fixed points.
    """
    fr_vectors, ar_vectors = vectors
    cosines = fr_vectors[lines] @ ar_vectors[lines].T
    fr = np.array([data.fr[i] for i in lines], dtype=object)
    ar = np.array([data.ar[i] for i in lines], dtype=object)
    cosines[(fr[:, None] == fr[None, :]) | (ar[:, None] == ar[None, :])] = -np.inf
    nearest = [(i, int(lines[k])) for i, k in zip(lines.tolist(), cosines.argmax(1), strict=True)]
    adjacent = []
    for i in lines.tolist():
        j = next((j for j in (i + 1, i - 1)
                  if 0 <= j < len(data.docs) and data.docs[j] == data.docs[i]), None)
        if j is not None:
            adjacent.append((i, j))
    shuffled = np.random.default_rng(seed).permutation(lines)
    partner = dict(zip(shuffled.tolist(), np.roll(shuffled, 1).tolist(), strict=True))
    return {"nearest": nearest, "adjacent": adjacent,
            "random": [(i, partner[i]) for i in lines.tolist()]}


def pair_segments(
    data: Ntrex, pairs: Sequence[tuple[int, int]], vectors: tuple[np.ndarray, np.ndarray]
) -> list[Segment]:
    """One segment per (French line, Arabic line) pair, its similarity the embedding cosine."""
    fr_vectors, ar_vectors = vectors
    return [Segment(f"{i}-{j}", data.fr[i], data.ar[j], "", "", (i,), (j,), "1-1",
                    float(fr_vectors[i] @ ar_vectors[j])) for i, j in pairs]


def model_matrix(segments: Sequence[Segment], model: Sequence[str]) -> np.ndarray:
    """Rows of the features of ``model`` (primary signals plus the length penalty)."""
    names = [*model, "length_penalty"]
    rows = [model_features({**s.scores, "similarity": s.similarity}) for s in segments]
    return np.array([[row[n] for n in names] for row in rows]).reshape(len(rows), len(names))


def model_scores(segments: Sequence[Segment], model: Sequence[str]) -> np.ndarray:
    """The combined score of ``segments`` with only ``model``'s primary signals."""
    keep = {"similarity", "length_ratio", *model}
    return np.array([combined_score({name: value for name, value in
                                     {**s.scores, "similarity": s.similarity}.items()
                                     if name in keep}) for s in segments])


def fit_models(
    positives: Sequence[Segment], negatives: dict[str, list[Segment]]
) -> dict[str, np.ndarray]:
    """Logistic weights per model; each negative kind weighs as much in all as the positives."""
    weights = {}
    for model in MODELS:
        x = np.vstack([model_matrix(g, model) for g in (positives, *negatives.values())])
        y = np.r_[np.ones(len(positives)), np.zeros(len(x) - len(positives))]
        c = np.concatenate([np.ones(len(positives)), *(
            np.full(len(g), len(positives) / (len(g) * len(negatives)))
            for g in negatives.values())])
        weights["+".join(model)] = fit_logistic(x, y, sample_weight=c)
    return weights


def bench_scoring(data: Path, embedder: Embedder, seed: int = 0) -> dict[str, Any]:
    """AUC per signal and negative kind, refitted weights, a dev ``min_score``, filter rates."""
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
        pairs = {"true": [(i, i) for i in lines.tolist()],
                 **negative_pairs(ntrex, lines, vectors, seed)}
        parts[name] = {kind: score_segments(pair_segments(ntrex, p, vectors), translator)
                       for kind, p in pairs.items()}
    dev, test = parts["dev"], parts["test"]
    fitted = fit_models(dev["true"], {k: dev[k] for k in NEGATIVES})
    quantiles = true_score_quantiles(dev["true"], fitted)
    min_score = suggest_min_score(quantiles)
    return {
        "pairs": {name: {kind: len(s) for kind, s in part.items()} for name, part in parts.items()},
        "auc_test": {kind: _aucs(test["true"], test[kind]) for kind in NEGATIVES},
        "dev_medians_bt_chrf": {kind: round(float(np.median(_values(s, "bt_chrf"))), 3)
                                for kind, s in dev.items()},
        "fitted_weights": {
            model: {"bias": round(float(w[-1]), 2),
                    **{n: round(float(v), 2)
                       for n, v in zip([*model.split("+"), "length_penalty"], w, strict=False)}}
            for model, w in fitted.items()},
        "dev_true_score_quantile": {m: round(q, 3) for m, q in quantiles.items()},
        "suggested_min_score": min_score,
        "filters_test": _filter_rates(test, FilterConfig()),
    }


def true_score_quantiles(
    positives: Sequence[Segment], fitted: dict[str, np.ndarray]
) -> dict[str, float]:
    """Per fitted model, the score of ``positives`` that ``KEEP_TRUE`` of them reach."""
    quantiles = {}
    for model, w in fitted.items():
        logits = model_matrix(positives, model.split("+")) @ w[:-1] + w[-1]
        quantiles[model] = float(np.quantile(1 / (1 + np.exp(-logits)), 1 - KEEP_TRUE))
    return quantiles


def suggest_min_score(quantiles: dict[str, float]) -> float:
    """The lowest quantile among models with ``similarity`` (the aligner always gives it),
    rounded down to 2 decimals: ``KEEP_TRUE`` of true pairs pass with or without MT."""
    return float(np.floor(min(q for m, q in quantiles.items() if "similarity" in m) * 100) / 100)


def _values(segments: Sequence[Segment], name: str) -> np.ndarray:
    return np.array([s.similarity if name == "similarity" else s.scores[name] for s in segments])


def _aucs(positives: Sequence[Segment], negatives: Sequence[Segment]) -> dict[str, float]:
    aucs = {n: roc_auc(_values(positives, n), _values(negatives, n)) for n in SIGNALS}
    aucs["score_similarity_only"] = roc_auc(model_scores(positives, ["similarity"]),
                                            model_scores(negatives, ["similarity"]))
    return {n: round(v, 4) for n, v in aucs.items()}


def _filter_rates(parts: dict[str, list[Segment]], config: FilterConfig) -> dict[str, Any]:
    """Per kind of pair and model: share kept (true pairs) or removed (negatives) by the
    score filter alone and by all filters, with the rejections of all filters per reason."""
    score_only = FilterConfig(min_score=config.min_score, min_length_ratio=None,
                              min_language_confidence=None, min_number_overlap=None,
                              duplicate_pairs=False, duplicate_sources=False)
    rates: dict[str, Any] = {"min_score": config.min_score}
    for kind, segments in parts.items():
        without_mt = [replace(s, scores={**{k: v for k, v in s.scores.items()
                                            if not k.startswith("bt_")},
                                         "score": float(model_scores([s], ["similarity"])[0])})
                      for s in segments]
        row = {}
        for label, group in (("with_bt", segments), ("similarity_only", without_mt)):
            shares = {}
            for name, chosen in (("score_filter", score_only), ("all_filters", config)):
                kept, _, counts = apply_filters(group, chosen)
                share = len(kept) / len(group)
                shares[name] = round(share if kind == "true" else 1 - share, 4)
            row[label] = {**shares, "by_reason": counts}
        rates[kind] = row
    return rates


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
