"""How document pairing grows with the collection: synthetic collections of growing size.

Each size runs in a fresh process (so its peak memory is its own) on a collection from
:mod:`align.bench.synthetic`, through :func:`align.stages.pairing.pair_embedded` with the
sentence vectors given. Reported: seconds per stage, milliseconds per article (both sides
counted), pairing precision and recall against the true pairs, how many true pairs were
missed at acceptance (the translation was the French article's best candidate but
:func:`align.stages.pairing.accept_pair` turned it down), and peak RSS.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from align.bench.synthetic import LineTable, synthetic_collection
from align.stages.pairing import PairingConfig, pair_embedded


@dataclass(frozen=True)
class ScaleResult:
    """Pairing of ``size`` French and ``size`` Arabic articles."""

    size: int
    true_pairs: int
    pairs_found: int
    correct: int
    rejected: int  # true pairs missed though the translation was the best candidate
    stage_seconds: dict[str, float]
    peak_mb: float
    dated: bool

    @property
    def seconds(self) -> float:
        return sum(self.stage_seconds.values())

    @property
    def ms_per_article(self) -> float:
        return 1000 * self.seconds / (2 * self.size)

    @property
    def precision(self) -> float:
        return self.correct / self.pairs_found if self.pairs_found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "articles_per_side": self.size, "dated": self.dated,
            "true_pairs": self.true_pairs, "pairs_found": self.pairs_found,
            "correct": self.correct, "rejected": self.rejected,
            "precision": round(self.precision, 5), "recall": round(self.recall, 5),
            "seconds": round(self.seconds, 2),
            "ms_per_article": round(self.ms_per_article, 4), "peak_rss_mb": round(self.peak_mb),
            "stage_seconds": {k: round(v, 2) for k, v in self.stage_seconds.items()},
        }


def pair_synthetic(
    table: LineTable, size: int, seed: int = 13, dated: bool = True,
    config: PairingConfig | None = None,
) -> ScaleResult:
    """Build one synthetic collection and pair it; peak RSS is this process's."""
    collection = synthetic_collection(table, size, seed, dated=dated)
    seconds: dict[str, float] = {}
    pairs, unpaired = pair_embedded(
        collection.src, collection.tgt, collection.src_vectors, collection.tgt_vectors,
        config or PairingConfig(), stage_seconds=seconds,
    )
    correct = sum((p.src.id, p.tgt.id) in collection.true_pairs for p in pairs)
    rejected = sum((u.document.id, u.best_match) in collection.true_pairs for u in unpaired)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return ScaleResult(
        size, len(collection.true_pairs), len(pairs), correct, rejected, seconds, peak, dated
    )


def scale_benchmark(
    table: LineTable, sizes: Sequence[int], seed: int = 13, dated: bool = True,
    config: PairingConfig | None = None,
) -> list[ScaleResult]:
    """:func:`pair_synthetic` for each size, each in a fresh process."""
    context = multiprocessing.get_context("spawn")
    results = []
    for size in sizes:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            results.append(pool.submit(pair_synthetic, table, size, seed, dated, config).result())
    return results


def scale_report(results: Sequence[ScaleResult]) -> str:
    """A plain-text table: sizes, time per article, P/R, peak RSS, share of time per stage."""
    stages = list(results[0].stage_seconds) if results else []
    head = (f"{'per side':>8} {'pairs':>6} {'found':>6} {'false':>5} {'rejected':>8} "
            f"{'P':>7} {'R':>7} "
            f"{'seconds':>8} {'ms/article':>10} {'RSS MB':>7}  ")
    lines = [head + "  ".join(f"{s} %" for s in stages)]
    for r in results:
        shares = "  ".join(
            f"{100 * r.stage_seconds[s] / max(r.seconds, 1e-9):>{len(s) + 2}.0f}" for s in stages
        )
        lines.append(
            f"{r.size:>8} {r.true_pairs:>6} {r.pairs_found:>6} {r.pairs_found - r.correct:>5} "
            f"{r.rejected:>8} {r.precision:>7.4f} {r.recall:>7.4f} {r.seconds:>8.1f} "
            f"{r.ms_per_article:>10.3f} {r.peak_mb:>7.0f}  {shares}"
        )
    if len(results) > 1:
        ratio = results[-1].ms_per_article / max(results[0].ms_per_article, 1e-12)
        lines.append(
            f"time per article at {results[-1].size} / at {results[0].size}: {ratio:.2f}×"
        )
    return "\n".join(lines)
