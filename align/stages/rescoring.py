"""Rescoring of candidate document pairs: the evidence that separates a translation from an
article on the same story, from sentence vectors and texts.

* sentence coverage (:mod:`align.stages.coverage`), averaged over both directions;
* shared numbers (digits normalised across scripts), as Jaccard overlap;
* length agreement of the two texts;
* URL and date evidence (:mod:`align.stages.urls`);
* the coverage shortfall against the document's other candidates (``SHORTFALL``);
* the coverage reused (``REUSED``): how much of the coverage rests on sentences matched to
  a sentence that already stands for another.

:func:`score_candidates` scores every candidate of a collection, the candidates of one source
document in one matrix product; the choice among them is :mod:`align.stages.pairing`'s.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Sequence, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
from threadpoolctl import threadpool_limits

from align.fold import fold_arabic
from align.records import Document, DocumentPair
from align.stages.clean import normalise_digits
from align.stages.coverage import matched_coverage, sentence_coverages
from align.stages.urls import url_evidence

if TYPE_CHECKING:
    from align.stages.pairing import PairingConfig

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SHORTFALL = "coverage_shortfall"  # the evidence key of a candidate's coverage shortfall
# the evidence key of the coverage that comes from sentences matched more than once: the
# sentence coverage less the one-to-one coverage (align.stages.coverage.matched_coverage)
REUSED = "coverage_reused"


def numbers_in(text: str) -> set[str]:
    """The numbers a text mentions, with Arabic-Indic digits mapped to ASCII."""
    found = _NUMBER.findall(text)  # \d is any script's digit: normalise the numbers only
    return {normalise_digits(n).replace(",", ".").rstrip(".") for n in found}


def number_overlap(src: str, tgt: str) -> float:
    """Jaccard overlap of the numbers of two texts; 0.5 (no evidence) when neither has any."""
    return _jaccard(numbers_in(src), numbers_in(tgt))


def length_agreement(src: str, tgt: str, char_ratio: float = 1.0) -> float:
    """min/max ratio of the two lengths after scaling the source by the expected ratio;
    Arabic vowel marks are not counted."""
    return _length_agreement(len(fold_arabic(src)), len(fold_arabic(tgt)), char_ratio)


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What the score reads from a document's text, computed once per document."""

    numbers: frozenset[str]
    length: int

    @classmethod
    def of(cls, doc: Document) -> TextFacts:
        text = doc.text
        return cls(frozenset(numbers_in(text)), len(fold_arabic(text)))


def scored_pair(
    src: Document,
    tgt: Document,
    coverage: float,
    facts: tuple[TextFacts, TextFacts],
    config: PairingConfig,
    sentences: tuple[int, int],
) -> DocumentPair:
    """Combine the sentence coverage with the evidence of the texts into the pair score."""
    src_facts, tgt_facts = facts
    numbers = _jaccard(src_facts.numbers, tgt_facts.numbers)
    length = _length_agreement(src_facts.length, tgt_facts.length, config.char_ratio)
    evidence = url_evidence(src.meta, tgt.meta, (src.lang, tgt.lang))
    score = (
        config.coverage_weight * coverage
        + config.number_weight * numbers
        + config.length_weight * length
        + config.url_weight * evidence["url_match"]
        + config.id_weight * evidence["shared_id"]
        + config.date_weight * evidence["date_proximity"]
    )
    return DocumentPair(src, tgt, score, coverage, numbers, length, evidence,
                        sentences=sentences)


def score_candidates(
    candidates: np.ndarray,
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    src_vectors: Sequence[np.ndarray],
    tgt_vectors: Sequence[np.ndarray],
    config: PairingConfig,
    src_days: Sequence[int | None] | None = None,
) -> list[DocumentPair]:
    """Score each (source row, target row) candidate from sentence vectors and texts; the
    candidates of one source document are scored together, in one matrix product (on one
    BLAS thread: products this small run many times slower when threads wait for cores).

    Sources are visited by publication day (``src_days``) when known, so the targets of
    one date window are read once and kept while they are needed (:class:`RecentlyRead`).
    The coverage shortfall needs every candidate of a target, so it is added once all
    sources are scored: per target, only the best cosine of each sentence is kept. The
    coverage reused (``REUSED``) is measured on the candidates that may be accepted (a score
    over the lower of the two thresholds) and is absent from the others.
    """
    tgt_facts: dict[int, TextFacts] = {}
    targets_read = RecentlyRead(tgt_vectors)
    scored: list[DocumentPair | None] = [None] * len(candidates)
    # per candidate: its source's mean best cosine over all candidates, minus its own
    src_shortfall = np.zeros(len(candidates))
    tgt_coverage = np.zeros(len(candidates))
    tgt_best: dict[int, np.ndarray] = {}  # per target, each sentence's best cosine so far
    rows, starts = np.unique(candidates[:, 0], return_index=True)
    groups = np.split(candidates[:, 1], starts[1:]) if len(rows) else []
    visits = range(len(rows))
    if src_days is not None:
        visits = sorted(visits, key=lambda g: (src_days[rows[g]] is None, src_days[rows[g]] or 0))
    with threadpool_limits(1, user_api="blas"):
        for g in visits:
            i, targets, start = int(rows[g]), groups[g].tolist(), int(starts[g])
            src, src_facts = src_docs[i], TextFacts.of(src_docs[i])
            vectors = src_vectors[i]
            others = [targets_read[j] for j in targets]
            coverage = sentence_coverages(vectors, others)
            for n, (j, other) in enumerate(zip(targets, others, strict=True)):
                if j not in tgt_facts:
                    tgt_facts[j] = TextFacts.of(tgt_docs[j])
                best = coverage.target_best[n]
                tgt_best[j] = np.maximum(tgt_best[j], best) if j in tgt_best else best
                src_shortfall[start + n] = coverage.source_best - coverage.source[n]
                tgt_coverage[start + n] = coverage.target[n]
                facts = (src_facts, tgt_facts[j])
                pair = scored_pair(src, tgt_docs[j], float(coverage.mean[n]), facts, config,
                                   (len(vectors), len(other)))
                if pair.score >= min(config.threshold, config.clear_threshold):
                    reused = pair.similarity - matched_coverage(vectors, other)
                    pair.evidence[REUSED] = max(reused, 0.0)
                scored[start + n] = pair
    target_best = {j: float(best.mean()) if len(best) else 0.0 for j, best in tgt_best.items()}
    for n, j in enumerate(candidates[:, 1].tolist()):
        shortfall = (src_shortfall[n] + max(target_best[j] - tgt_coverage[n], 0.0)) / 2
        cast(DocumentPair, scored[n]).evidence[SHORTFALL] = float(shortfall)
    return cast(list[DocumentPair], scored)


class RecentlyRead:
    """The items of a (lazy) sequence, the ``capacity`` most recently read kept in memory."""

    def __init__(self, items: Sequence[np.ndarray], capacity: int = 4096) -> None:
        self.items, self.capacity = items, capacity
        self.kept: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, index: int) -> np.ndarray:
        if index in self.kept:
            self.kept.move_to_end(index)
            return self.kept[index]
        item = self.kept[index] = self.items[index]
        if len(self.kept) > self.capacity:
            self.kept.popitem(last=False)
        return item


def _jaccard(a: Set[str], b: Set[str]) -> float:
    """Jaccard overlap; 0.5 (no evidence) when both sets are empty."""
    if not a and not b:
        return 0.5
    return len(a & b) / len(a | b)


def _length_agreement(src_length: int, tgt_length: int, char_ratio: float) -> float:
    expected = src_length * char_ratio
    if expected == 0 or not tgt_length:
        return 0.0
    return min(expected, tgt_length) / max(expected, tgt_length)
