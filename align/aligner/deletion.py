"""What leaving a sentence unaligned costs: a fixed penalty, or one set by local evidence.

By default every full sentence costs the same to delete (less for fragments with few
letters: stray layout or OCR debris). With a ``skip_slope``, a sentence whose best cosine
with any single sentence of the other side inside the search band falls below the
document's ``skip_quantile`` of such best cosines is cheaper to delete, by ``skip_slope``
per unit of cosine: nothing near its position matches it, so it is most likely furniture or
a sentence dropped from the other side. Comparing with the document's own quantile, not a
fixed level, keeps the rule apart from how similar a language pair or genre scores overall.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from align.aligner.dp import Band, band_cells, dots

if TYPE_CHECKING:
    from align.aligner.sentences import AlignConfig


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def best_in_band(src: np.ndarray, tgt: np.ndarray, band: Band) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's best cosine with a single sentence of the other side inside ``band``."""
    rows, cols = band_cells(band)
    ok = (rows >= 1) & (cols >= 1)
    r, c = rows[ok] - 1, cols[ok] - 1
    cosine = dots(src, tgt, r, c)
    src_best, tgt_best = np.full(len(src), -1.0), np.full(len(tgt), -1.0)
    np.maximum.at(src_best, r, cosine)
    np.maximum.at(tgt_best, c, cosine)
    return src_best, tgt_best


def skip_gains(best: np.ndarray, penalty: float, slope: float, quantile: float) -> np.ndarray:
    """Gain (≤ 0) of deleting each sentence given its best cosine in the band: ``penalty``
    for a sentence matched at least as well as the document's ``quantile`` of best cosines,
    less by ``slope`` per unit of cosine below it."""
    pivot = np.quantile(best, quantile) if len(best) else 0.0
    return -np.maximum(penalty + slope * np.minimum(best - pivot, 0.0), 0.0)



def deletion_gains(
    texts: Sequence[str], config: AlignConfig, penalty: np.ndarray | float
) -> np.ndarray:
    """Gain (≤ 0) of deleting each sentence: the full ``penalty`` from ``deletion_letters``
    letters, less for fragments."""
    letters = np.array([_letters(t) for t in texts], dtype=np.float64)
    scale = np.minimum(1.0, (letters + 1) / max(config.deletion_letters, 1))
    return -penalty * scale


def deletion_costs(
    src: Sequence[str],
    tgt: Sequence[str],
    config: AlignConfig,
    band: Band,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gains (≤ 0) of deleting each source and each target sentence under ``config``
    (``skip_penalty`` under margin scoring, else ``deletion_penalty``), from the evidence
    of the unit sentence ``vectors`` inside ``band`` when ``skip_slope`` is set."""
    penalty = config.skip_penalty if config.scoring == "margin" else config.deletion_penalty
    if vectors is None or not config.skip_slope:
        return deletion_gains(src, config, penalty), deletion_gains(tgt, config, penalty)
    src_best, tgt_best = best_in_band(*vectors, band)
    src_penalty = -skip_gains(src_best, penalty, config.skip_slope, config.skip_quantile)
    tgt_penalty = -skip_gains(tgt_best, penalty, config.skip_slope, config.skip_quantile)
    return deletion_gains(src, config, src_penalty), deletion_gains(tgt, config, tgt_penalty)
