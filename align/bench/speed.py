"""Speed and memory of the aligner on long documents, against Gale–Church on the same input.

Long document pairs are made from NTREX-128's French and Arabic lines, repeated with a
numeric suffix so that every sentence is distinct (nothing is served from the embedding
cache), with every 50th target sentence dropped and every 40th pair of source sentences
merged, so the aligner meets deletions and merges. Each run is a fresh process with an
empty embedding cache, so the time includes embedding every sentence and run, and the
peak memory is that of the run.
"""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from align.aligner.sentences import AlignConfig, align_sentences
from align.bench.common import gale_church
from align.bench.ntrex import load_ntrex
from align.models.embed import load_embedder


@dataclass(frozen=True)
class SpeedResult:
    """Median seconds and peak memory (RSS, model included) of our aligner; the embedding
    floor (seconds to embed every sentence of both sides once, in a fresh process like each
    alignment, runs interleaved with them); Gale–Church's seconds on the same input."""

    sentences: int
    runs: int
    seconds: list[float]
    peak_mb: float
    baseline_seconds: float
    floor_seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def floor(self) -> float:
        return statistics.median(self.floor_seconds)

    @property
    def per_1000(self) -> float:
        """Median seconds per 1,000 source sentences (flat when cost is linear)."""
        return 1000 * self.median / self.sentences


def long_pair(data: str, sentences: int) -> tuple[list[str], list[str]]:
    """A French and an Arabic document of about ``sentences`` sentences each."""
    fr = [line for _, src, _ in load_ntrex(data) for line in src]
    ar = [line for _, _, tgt in load_ntrex(data) for line in tgt]
    src = [f"{fr[i % len(fr)]} ({i // len(fr) + 1})" for i in range(sentences)]
    tgt = [f"{ar[i % len(ar)]} ({i // len(ar) + 1})" for i in range(sentences)]
    tgt = [t for i, t in enumerate(tgt) if i % 50 != 7]
    merged: list[str] = []
    for i, sentence in enumerate(src):
        if i % 40 == 1 and merged:
            merged[-1] += " " + sentence
        else:
            merged.append(sentence)
    return merged, tgt


def timed_alignment(
    src: Sequence[str], tgt: Sequence[str], embedder_name: str, config: AlignConfig
) -> tuple[float, float]:
    """Seconds to align (embedder loaded first, cache empty) and this process's peak RSS
    in MB; run in a fresh process so the peak belongs to this alignment alone."""
    embedder = load_embedder(embedder_name)
    embedder.encode(["warm-up"])
    start = time.perf_counter()
    align_sentences(src, tgt, embedder, config)
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_embedding(src: Sequence[str], tgt: Sequence[str], embedder_name: str) -> float:
    """Seconds to embed every sentence of both sides once (embedder loaded first)."""
    embedder = load_embedder(embedder_name)
    embedder.encode(["warm-up"])
    start = time.perf_counter()
    embedder.encode([*src, *tgt])
    return time.perf_counter() - start


def speed_benchmark(
    data: str, embedder_name: str, sizes: Sequence[int] = (1000, 10_000), runs: int = 3,
    config: AlignConfig | None = None,
) -> list[SpeedResult]:
    """Time ``runs`` alignments of each size and as many embeddings of their sentences,
    each in a fresh worker process."""
    config = config or AlignConfig()
    context = multiprocessing.get_context("spawn")
    results = []
    for size in sizes:
        src, tgt = long_pair(data, size)
        seconds, floor, peak = [], [], 0.0
        for _ in range(runs):
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                floor.append(pool.submit(timed_embedding, src, tgt, embedder_name).result())
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                job = pool.submit(timed_alignment, src, tgt, embedder_name, config)
                elapsed, rss = job.result()
            seconds.append(elapsed)
            peak = max(peak, rss)
        start = time.perf_counter()
        gale_church(src, tgt)
        baseline = time.perf_counter() - start
        results.append(SpeedResult(len(src), runs, seconds, peak, baseline, floor))
    return results


def speed_report(results: Sequence[SpeedResult]) -> str:
    """A plain-text table of the speed results."""
    lines = [
        "sentences  runs  median s  s/1000 sent  peak RSS MB  embedding s  × embedding"
        "  Gale–Church s  × Gale–Church",
    ]
    for r in results:
        lines.append(
            f"{r.sentences:>9}  {r.runs:>4}  {r.median:>8.1f}  {r.per_1000:>11.2f}  "
            f"{r.peak_mb:>11.0f}  {r.floor:>11.1f}  {r.median / max(r.floor, 1e-9):>10.2f}×"
            f"  {r.baseline_seconds:>13.2f}  {r.median / max(r.baseline_seconds, 1e-9):>12.1f}×"
        )
    return "\n".join(lines)
