"""Sentence alignment of two documents: the best monotone sequence of scored beads.

A *bead* pairs a run of ``a`` consecutive source sentences with a run of ``b`` consecutive
target sentences (type ``a-b``; ``1-0`` and ``0-1`` are deletions). Every sentence ends up
in exactly one bead, in order. A bead's gain is

    weight · (similarity − length_weight · length_mismatch − threshold)
        − merge_penalty · (a + b − 2)

where *similarity* sums the weighted ``Signal`` scores (by default the calibrated cosine of
multilingual embeddings of the two runs, agreement of numbers and names, a penalty for merging
a sentence that the other side does not translate, and one for bead edges inside a sentence,
before a sentence that begins in lower case; when the documents' paragraphs are known, one
per paragraph break inside a bead; optionally one for merged beads that score below
themselves less an edge sentence), the length
mismatch is ``|log(target chars / (expected ratio · source chars))|``, and *weight* counts
the bead's sentences, partly by number and partly by length (``length_share``), so that a
short fragment weighs less than a full sentence. Deleting a sentence costs
``deletion_penalty``, less for fragments with few letters (stray OCR or layout debris), and
optionally less for a sentence that nothing near its position matches
(``align.aligner.deletion``). ``scoring="margin"`` scores beads as Bertalign does instead
(``align.aligner.margin``): cosine less the neighbours' cosines, times a length penalty.

Embeddings are computed once per distinct text, in one batch. Long documents are searched
in a band around a coarse 1-1 path (``align.aligner.dp.coarse_to_fine_band``), so cost
grows linearly.
The search runs twice: first with runs of sentences scored by their averaged vectors, then,
where the first path is not a confident 1-1 bead, with the embedding of each run's joined
text, searched near the first path. Joined texts are embedded only where a sentence may belong
to a merged bead; the default embedder composes them from its sentences' token sums
(``align.models.use_runs``), at a small share of the cost of embedding them.
Last, a deleted source sentence and a deleted target sentence close to each other that are
each other's best match are aligned 1-1 out of order (``align.aligner.crossing``): a caption
or a line that the layout moved; and a bead whose calibrated similarity is not above
``unrelated_below`` (0: no more alike than its sentences are to the other document on
average) becomes deletions: a sentence dropped on one side beside a line added on the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from align.aligner.crossing import recover_displaced
from align.aligner.deletion import deletion_costs
from align.aligner.dp import Band, band_cells, coarse_to_fine_band, path_nodes, search
from align.aligner.margin import margin_gains
from align.aligner.signals import (
    AnchorSignal,
    BoundarySignal,
    CoverageSignal,
    EdgeSignal,
    EmbeddingSignal,
    ParagraphSignal,
    Signal,
    run_vectors,
)
from align.errors import ConfigError
from align.models.embed import Embedder, encode_runs
from align.records import Alignment

SCORINGS = ("signals", "margin")


@dataclass(frozen=True)
class AlignConfig:
    """Search space and scoring of the aligner.

    Scoring defaults were fitted by coordinate ascent on strict F1 plus half lax F1, averaged
    over the Text+Berg de–fr dev document and the first 40 damaged NTREX fr–ar documents,
    and kept by leave-one-set-out cross-validation against the margin scoring and
    evidence-based deletion costs (``align.bench.tune``); no test document was used for any
    choice.
    """

    max_src: int = 5  # most source sentences in one bead
    max_tgt: int = 5  # most target sentences in one bead
    max_size: int = 6  # most sentences in one bead, both sides (Vecalign's alignment_max_size)
    threshold: float = -0.5  # similarity level a bead must beat to be worth its weight
    merge_penalty: float = 0.6  # cost of each sentence beyond one per side in a bead
    deletion_penalty: float = 0.4  # cost of leaving a full sentence unaligned...
    deletion_letters: int = 20  # sentences with fewer letters are cheaper to delete
    length_weight: float = 0.4  # weight of the character-length mismatch
    length_share: float = 0.5  # 0: beads weigh by sentence count, 1: by character length
    anchor_weight: float = 0.3  # weight of the number/name agreement signal
    coverage_weight: float = 1.5  # weight of the penalty for merging an untranslated sentence
    coverage_floor: float = -0.05  # member similarity below which a merge is penalised
    boundary_weight: float = 0.05  # cost of a bead edge before a sentence in lower case
    paragraph_weight: float = 0.1  # cost of each paragraph break inside a bead (when known)
    edge_weight: float = 0.0  # weight of the penalty for merging a sentence that adds nothing
    band: int = 20  # half-width, in sentences, of the band searched around a coarse path
    full_search_cells: int = 250_000  # n*m up to which every cell is searched
    joined_runs: bool = True  # second pass with joined-text embeddings where unsure...
    refine_band: int = 5  # ...within this many sentences of the first pass's path
    confident: float = 0.2  # 1-1 beads of the first pass at least this similar are kept
    displaced_window: int = 8  # deleted pairs at most this far apart may be aligned out of order...
    displaced_threshold: float = 0.3  # ...when each other's best match, at least this similar
    unrelated_below: float = 0.0  # a bead at or below this calibrated similarity is deletions
    scoring: str = "signals"  # "signals" (gain above) or "margin" (align.aligner.margin)
    skip_penalty: float = 0.1  # margin scoring: cost of leaving a full sentence unaligned
    margin_coverage_weight: float = 0.0  # margin scoring: weight of CoverageSignal
    margin_edge_weight: float = 0.0  # margin scoring: weight of EdgeSignal
    skip_slope: float = 1.0  # ...less per unit of its best cosine in the band below...
    skip_quantile: float = 0.1  # ...this quantile of the document's best cosines

    def bead_types(self) -> list[tuple[int, int]]:
        """Non-deletion bead types allowed by the size limits, smallest first."""
        types = [
            (a, b)
            for a in range(1, self.max_src + 1)
            for b in range(1, self.max_tgt + 1)
            if a + b <= self.max_size
        ]
        return sorted(types, key=lambda t: (t[0] + t[1], t))

    def validate(self) -> None:
        """Raise ConfigError for values the search cannot work with."""
        if self.max_src < 1 or self.max_tgt < 1 or self.max_size < 2:
            raise ConfigError("max_src and max_tgt must be at least 1, max_size at least 2")
        if min(self.band, self.refine_band) < 3:
            raise ConfigError("band and refine_band must be at least 3 sentences")
        if min(self.deletion_penalty, self.merge_penalty) < 0:
            raise ConfigError("deletion and merge penalties must not be negative")
        if min(self.coverage_weight, self.boundary_weight, self.edge_weight,
               self.paragraph_weight) < 0:
            raise ConfigError("coverage, boundary, edge and paragraph weights must not be negative")
        if not 0 <= self.length_share <= 1:
            raise ConfigError("length_share must be between 0 and 1")
        if self.scoring not in SCORINGS:
            choices = ", ".join(SCORINGS)
            raise ConfigError(f"scoring must be one of {choices}, not {self.scoring!r}")
        if min(self.skip_penalty, self.skip_slope) < 0:
            raise ConfigError("skip_penalty and skip_slope must not be negative")
        if not 0 <= self.skip_quantile <= 1:
            raise ConfigError("skip_quantile must be between 0 and 1")
        if self.unrelated_below >= 1:
            raise ConfigError("unrelated_below must be below 1 (1 makes every bead deletions)")
        if self.displaced_window < 0:
            raise ConfigError("displaced_window must not be negative (0 turns recovery off)")


# Bertalign's scoring (Liu & Zhu 2022) in this search: margin, length penalty, fixed skip cost.
MARGIN = AlignConfig(scoring="margin", skip_slope=0.0)


def bead_gains(
    band: Band,
    types: Sequence[tuple[int, int]],
    signals: Sequence[tuple[Signal, float]],
    src_chars: np.ndarray,
    tgt_chars: np.ndarray,
    config: AlignConfig,
) -> list[np.ndarray]:
    """Gain of every bead type ending at every band cell (``-inf`` where it cannot end)."""
    rows, cols = band_cells(band)
    ratio = max(tgt_chars.sum(), 1.0) / max(src_chars.sum(), 1.0)
    mean_chars = (src_chars.sum() * ratio + tgt_chars.sum()) / (len(src_chars) + len(tgt_chars))
    src_cum = np.concatenate([[0.0], np.cumsum(src_chars + 1)])  # +1: the joining space
    tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_chars + 1)])
    gains = []
    for a, b in types:
        gain = np.full(len(rows), -np.inf)
        ok = (rows >= a) & (cols >= b)
        s, t = rows[ok] - a, cols[ok] - b
        similarity = sum(w * signal.similarity(a, b, s, t) for signal, w in signals)
        src_len = src_cum[s + a] - src_cum[s] - 1
        tgt_len = tgt_cum[t + b] - tgt_cum[t] - 1
        mismatch = np.abs(np.log((tgt_len + 10) / (ratio * src_len + 10)))
        weight = (1 - config.length_share) * (a + b) + config.length_share * (
            ratio * src_len + tgt_len
        ) / max(mean_chars, 1.0)
        quality = similarity - config.length_weight * mismatch - config.threshold
        gain[ok] = weight * quality - config.merge_penalty * (a + b - 2)
        gains.append(gain)
    return gains


def align_runs(
    src: Sequence[str],
    tgt: Sequence[str],
    band: Band,
    signals: Sequence[tuple[Signal, float]],
    config: AlignConfig,
    runs: tuple[dict[int, np.ndarray], dict[int, np.ndarray]] | None = None,
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Best beads within ``band`` under the given weighted signals, in document order.

    Beads are scored by ``bead_gains``, or by ``margin_gains`` (the signals added to the
    margin) under margin scoring, which needs the unit ``runs`` vectors of both sides; the
    runs' single sentences also give deletions their evidence (``deletion_costs``)."""
    types = [(a, b) for a, b in config.bead_types() if a <= len(src) and b <= len(tgt)]
    src_chars = np.array([len(t) for t in src], dtype=np.float64)
    tgt_chars = np.array([len(t) for t in tgt], dtype=np.float64)
    if config.scoring == "margin":
        if runs is None:
            raise ConfigError("margin scoring needs the run vectors of both sides")
        gains = margin_gains(band, types, *runs, src_chars, tgt_chars, signals)
    else:
        gains = bead_gains(band, types, signals, src_chars, tgt_chars, config)
    vectors = (runs[0][1], runs[1][1]) if runs is not None else None
    src_skip, tgt_skip = deletion_costs(src, tgt, config, band, vectors)
    steps = search(band, types, gains, src_skip, tgt_skip)
    beads, i, j = [], 0, 0
    for a, b in steps:
        beads.append((tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    return beads


def _mean_runs(vectors: np.ndarray, longest: int) -> dict[int, np.ndarray]:
    """Unit vectors of every run of 1..longest sentences, from the sum of member vectors."""
    return {k: run_vectors(vectors, k) for k in range(1, min(longest, len(vectors)) + 1)}


def uncertain_sentences(
    beads: Sequence[tuple[tuple[int, ...], tuple[int, ...]]],
    embedding: EmbeddingSignal,
    confident: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Source and target sentences that a first pass did not align one to one with at
    least ``confident`` similarity (members of many-to-many beads, deleted sentences, weak
    1-1 beads), and their neighbours on either side."""
    n = sum(len(s) for s, _ in beads)
    m = sum(len(t) for _, t in beads)
    src_unsure, tgt_unsure = np.ones(n, dtype=bool), np.ones(m, dtype=bool)
    one_to_one = np.array([(s[0], t[0]) for s, t in beads if len(s) == 1 and len(t) == 1])
    if len(one_to_one):
        sure = embedding.similarity(1, 1, one_to_one[:, 0], one_to_one[:, 1]) >= confident
        src_unsure[one_to_one[sure, 0]] = False
        tgt_unsure[one_to_one[sure, 1]] = False
    return _with_neighbours(src_unsure), _with_neighbours(tgt_unsure)


def _with_neighbours(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:] |= mask[:-1]
    out[:-1] |= mask[1:]
    return out


def embed_joined_runs(
    sentences: Sequence[str],
    runs: dict[int, np.ndarray],
    unsure: np.ndarray,
    longest: int,
    embedder: Embedder,
) -> dict[int, np.ndarray]:
    """Replace the averaged vectors of runs (2..longest sentences) made only of unsure
    sentences with the embedding of their joined text; other runs keep the average."""
    runs = {k: v.copy() for k, v in runs.items()}
    for k in range(2, min(longest, len(sentences)) + 1):
        inside = np.convolve(unsure.astype(np.int64), np.ones(k, dtype=np.int64), "valid") == k
        starts = np.flatnonzero(inside)
        if len(starts):
            runs[k][starts] = encode_runs(embedder, sentences, starts, k)
    return runs


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    embedder: Embedder,
    config: AlignConfig = AlignConfig(),
    extra_signals: Sequence[tuple[Signal, float]] = (),
    paragraphs: tuple[Sequence[int], Sequence[int]] | None = None,
) -> list[Alignment]:
    """Align two sentence lists; every sentence appears once, aligned or deleted, in source
    order and in target order except for displaced pairs (``displaced_window``).

    ``extra_signals`` adds weighted similarity signals to the default embedding and
    number/name signals. ``paragraphs`` gives the paragraph index of each source and each
    target sentence, when the documents have paragraphs: beads that join sentences of two
    paragraphs then cost ``paragraph_weight`` per break. Bead scores are the calibrated
    embedding similarity in [0, 1] (0 for deletions).

    A first pass scores runs of sentences by their averaged vectors; where it is unsure
    (see ``uncertain_sentences``), the joined text of each run is embedded and the search
    is run again.
    """
    config.validate()
    if not src or not tgt:
        return [Alignment((i,), ()) for i in range(len(src))] + [
            Alignment((), (j,)) for j in range(len(tgt))
        ]
    vectors = embedder.encode(list(src) + list(tgt))  # every sentence in one call
    src_vectors, tgt_vectors = vectors[: len(src)], vectors[len(src) :]
    src_runs, tgt_runs = (
        _mean_runs(src_vectors, config.max_src),
        _mean_runs(tgt_vectors, config.max_tgt),
    )
    band = coarse_to_fine_band(src_vectors, tgt_vectors, config.full_search_cells, config.band)
    anchors = AnchorSignal(src, tgt, config.max_src, config.max_tgt)
    boundary = BoundarySignal(src, tgt)
    if paragraphs is not None and config.paragraph_weight:
        if len(paragraphs[0]) != len(src) or len(paragraphs[1]) != len(tgt):
            raise ConfigError("paragraphs must give one index per source and target sentence")
        extra_signals = [*extra_signals, (ParagraphSignal(*paragraphs), config.paragraph_weight)]

    def best_beads(
        embedding: EmbeddingSignal, band: Band
    ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        runs = (embedding.src_runs, embedding.tgt_runs)
        if config.scoring == "margin":
            signals = list(extra_signals)
            coverage, edge = config.margin_coverage_weight, config.margin_edge_weight
        else:
            signals = [(embedding, 1.0), (anchors, config.anchor_weight), *extra_signals]
            signals.append((boundary, config.boundary_weight))
            coverage, edge = config.coverage_weight, config.edge_weight
        signals.append((CoverageSignal(embedding, config.coverage_floor), coverage))
        signals.append((EdgeSignal(embedding), edge))
        return align_runs(src, tgt, band, [(s, w) for s, w in signals if w], config, runs)

    embedding = EmbeddingSignal(src_runs, tgt_runs, band)
    beads = best_beads(embedding, band)
    if config.joined_runs:
        src_unsure, tgt_unsure = uncertain_sentences(beads, embedding, config.confident)
        if src_unsure.any() or tgt_unsure.any():
            steps = [(len(s), len(t)) for s, t in beads]
            near = Band.around(path_nodes(steps), len(src), len(tgt), config.refine_band)
            embedding = EmbeddingSignal(
                embed_joined_runs(src, src_runs, src_unsure, config.max_src, embedder),
                embed_joined_runs(tgt, tgt_runs, tgt_unsure, config.max_tgt, embedder),
                near,
            )
            beads = best_beads(embedding, near)
    if config.displaced_window:
        beads = recover_displaced(
            beads, embedding, config.displaced_window, config.displaced_threshold
        )
    scored = [_scored(s, t, embedding) for s, t in beads]
    return [part for bead in scored for part in _unless_unrelated(bead, config.unrelated_below)]


def _unless_unrelated(bead: Alignment, below: float) -> list[Alignment]:
    """``bead``, or its sentences as deletions when its calibrated similarity is at most
    ``below``: two sentences no more alike than each is to the other document on average
    (0) are no translation, only neighbours, one dropped on each side."""
    if bead.is_deletion or bead.score > below:
        return [bead]
    return [Alignment((i,), ()) for i in bead.src] + [Alignment((), (j,)) for j in bead.tgt]


def _scored(src: tuple[int, ...], tgt: tuple[int, ...], signal: EmbeddingSignal) -> Alignment:
    if not src or not tgt:
        return Alignment(src, tgt, 0.0)
    value = signal.similarity(len(src), len(tgt), np.array([src[0]]), np.array([tgt[0]]))[0]
    return Alignment(src, tgt, float(np.clip(value, 0.0, 1.0)))
