"""Document pairing: which source article translates which target article.

Candidates come from :mod:`align.stages.candidates`: the nearest document vectors (the
mean of sentence embeddings), blocked by publication date when documents have one. Each
candidate pair is then rescored with evidence that separates a translation from an
article on the same topic:

* sentence coverage: for each sentence, its best cosine in the other document,
  averaged over both directions (a translation covers every sentence, a related
  article only a few);
* shared numbers (digits normalised across scripts), as Jaccard overlap;
* length agreement of the two texts;
* URL and date evidence (align.stages.urls): the URLs differ only by language markers,
  share an article id or slug, and the publication dates are close. Each is 0 when a URL
  or date is missing, so content alone decides then.

Candidates are compared with their rivals by their *standing*: the score less the coverage
shortfall, how much less well the pair covers each sentence than the best of its document's
candidates does (averaged per document, both directions). A translation leaves nothing
better covered elsewhere; a version of a story that lacks a paragraph, or adds one, leaves
those sentences to its rival, so near-identical versions are told apart by the sentences
where they differ rather than by their length. The threshold reads the score itself: the
shortfall says which candidate translates a document, not whether one does.

Pairs are then chosen one-to-one, best standing first (ties broken by document ids), among
those :func:`accept_pair` accepts: a score over the threshold and (nearly) the best
candidate of both documents (:func:`margins`), or, for documents long enough for their
sentence coverage to be reliable, a lower score that clearly leads every rival. So an
article with no counterpart stays unpaired even when a topically close article exists, an
article overlapping a translated one (an updated version) is not paired with its
translation, and a loose translation that is plainly its documents' best match is not
lost to a fixed threshold. A copy of the same text is not a competitor: a story published
twice pairs twice.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import cast

import numpy as np
from threadpoolctl import threadpool_limits

from align.fold import fold_arabic
from align.models.embed import Embedder
from align.records import Document, DocumentPair, Progress, Unpaired
from align.stages.candidates import (
    CandidateConfig,
    document_vectors,
    find_candidates,
    publication_day,
)
from align.stages.clean import normalise_digits
from align.stages.coverage import sentence_coverage, sentence_coverages
from align.stages.split import split_paragraphs
from align.stages.urls import blocking_keys, url_evidence

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MARGIN = -0.02
SHORTFALL = "coverage_shortfall"  # the evidence key of a candidate's coverage shortfall


@dataclass(frozen=True)
class PairingConfig:
    """Weights and thresholds of the pairing score (chosen on NTREX dev documents)."""

    coverage_weight: float = 0.8
    # per unit of coverage shortfall, taken off the score when candidates are compared
    # (chosen on the dev collections of `align bench collections`)
    shortfall_weight: float = 0.8
    number_weight: float = 0.1
    length_weight: float = 0.1
    # URL and date features: weights chosen on the dev stories of `align bench crawl`
    # (shared ids cover both URL shapes there; url_match and dates added nothing)
    url_weight: float = 0.0  # URLs equal but for language markers
    id_weight: float = 0.1  # shared article id (or slug words) on one site
    date_weight: float = 0.0  # publication dates close
    threshold: float = 0.5  # minimum combined score of a pair
    margin: float = MARGIN  # minimum lead over the best other candidate of either document
    # a pair under the threshold is accepted when it clearly leads (chosen on the dev
    # collections of `align bench scale --seed 7` and `align bench collections`)
    clear_threshold: float = 0.42  # minimum score of such a pair
    clear_lead: float = 0.04  # its minimum lead over the best other candidate
    clear_sentences: int = 5  # fewest sentences of either document (coverage is noisy below)
    char_ratio: float = 0.8  # expected target/source length in characters (ar/fr on NTREX: 0.79)
    search: CandidateConfig = field(default_factory=CandidateConfig)


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


def pair_score(
    src: Document,
    tgt: Document,
    src_vectors: np.ndarray,
    tgt_vectors: np.ndarray,
    config: PairingConfig,
    facts: tuple[TextFacts, TextFacts] | None = None,
) -> DocumentPair:
    """Score one candidate pair from its sentence vectors and texts (``facts`` of the texts
    when already known)."""
    coverage = sentence_coverage(src_vectors, tgt_vectors)
    pair = _scored_pair(src, tgt, coverage, facts or (TextFacts.of(src), TextFacts.of(tgt)),
                        config, (len(src_vectors), len(tgt_vectors)))
    pair.evidence[SHORTFALL] = 0.0  # scored alone: no rival covers anything better
    return pair


def _scored_pair(
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


def score_pair(
    src: Document, tgt: Document, embedder: Embedder, config: PairingConfig = PairingConfig()
) -> DocumentPair:
    """Score one pair named by the user, with the same evidence as a found pair."""
    return pair_score(src, tgt, _sentence_vectors(src, embedder),
                      _sentence_vectors(tgt, embedder), config)


def accept_pair(pair: DocumentPair, lead: float, config: PairingConfig) -> bool:
    """Whether a scored candidate that leads its documents' other candidates by ``lead``
    (:func:`margins`, in standing) may be paired at all (the one-to-one choice comes after)."""
    if pair.score >= config.threshold:
        return lead >= config.margin
    return (pair.score >= config.clear_threshold and lead >= config.clear_lead
            and min(pair.sentences) >= config.clear_sentences)


def url_keys(doc: Document) -> set[str]:
    """Keys under which a document's translation is expected: its language-stripped URL and
    its site's article ids (see :func:`align.stages.urls.blocking_keys`)."""
    return blocking_keys(doc.meta.get("url", ""), (doc.lang,))


def pair_documents(
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    embedder: Embedder,
    config: PairingConfig = PairingConfig(),
    progress: Progress | None = None,
    keys: Callable[[Document], Iterable[str]] = url_keys,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """Pair source and target documents one-to-one; returns the pairs and the unpaired.

    Documents with a ``date`` in their metadata are compared within the date window;
    documents that share one of their ``keys`` (by default the URL keys) are candidates.
    ``progress`` is called with ``("pair", documents embedded, documents)``.
    """
    if not src_docs or not tgt_docs:
        missing = "target" if src_docs else "source"
        reason = f"no {missing}-language document in the collection"
        return [], [Unpaired(d, reason) for d in [*src_docs, *tgt_docs]]
    vectors = []
    for done, doc in enumerate([*src_docs, *tgt_docs], start=1):
        vectors.append(_sentence_vectors(doc, embedder))
        if progress:
            progress("pair", done, len(src_docs) + len(tgt_docs))
    src_vectors, tgt_vectors = vectors[: len(src_docs)], vectors[len(src_docs) :]
    return pair_embedded(src_docs, tgt_docs, src_vectors, tgt_vectors, config, keys)


def pair_embedded(
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    src_vectors: Sequence[np.ndarray],
    tgt_vectors: Sequence[np.ndarray],
    config: PairingConfig = PairingConfig(),
    keys: Callable[[Document], Iterable[str]] | None = url_keys,
    stage_seconds: dict[str, float] | None = None,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """:func:`pair_documents` over sentence vectors already computed, one array per document
    (any sequence: a lazy one can read them from disk). ``stage_seconds`` receives the time
    of each stage."""
    clock = _StageClock(stage_seconds)
    dim = max(v.shape[1] for v in [*src_vectors[:1], *tgt_vectors[:1]])
    src_means, tgt_means = document_vectors(src_vectors, dim), document_vectors(tgt_vectors, dim)
    clock.lap("document vectors")
    src_days = [publication_day(d.meta.get("date")) for d in src_docs]
    candidates = find_candidates(
        src_means,
        tgt_means,
        config.search,
        src_days,
        [publication_day(d.meta.get("date")) for d in tgt_docs],
        [keys(d) for d in src_docs] if keys else None,
        [keys(d) for d in tgt_docs] if keys else None,
    )
    del src_means, tgt_means
    clock.lap("candidates")
    scored = score_candidates(candidates, src_docs, tgt_docs, src_vectors, tgt_vectors, config,
                              src_days)
    clock.lap("rescoring")
    chosen = choose_pairs(candidates, scored, src_docs, tgt_docs, config)
    clock.lap("one-to-one")
    return chosen


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
    sources are scored: per target, only the best cosine of each sentence is kept.
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
                scored[start + n] = _scored_pair(src, tgt_docs[j], float(coverage.mean[n]),
                                                 facts, config, (len(vectors), len(other)))
    target_best = {j: float(best.mean()) if len(best) else 0.0 for j, best in tgt_best.items()}
    for n, j in enumerate(candidates[:, 1].tolist()):
        shortfall = (src_shortfall[n] + max(target_best[j] - tgt_coverage[n], 0.0)) / 2
        cast(DocumentPair, scored[n]).evidence[SHORTFALL] = float(shortfall)
    return cast(list[DocumentPair], scored)


def standing(pair: DocumentPair, config: PairingConfig) -> float:
    """What a candidate is compared with its rivals by: its score less its coverage
    shortfall."""
    return pair.score - config.shortfall_weight * pair.evidence.get(SHORTFALL, 0.0)


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


def choose_pairs(
    candidates: np.ndarray,
    scored: Sequence[DocumentPair],
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    config: PairingConfig,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """The global one-to-one choice: accepted pairs best first, ties broken by document ids;
    every document left over is returned with the reason it stayed unpaired."""
    order = sorted(range(len(scored)), key=lambda n: _rank(scored[n], config))
    leads = margins(scored, config)
    pairs: list[DocumentPair] = []
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    best_src: dict[int, int] = {}
    best_tgt: dict[int, int] = {}
    accepted = [accept_pair(pair, lead, config) for pair, lead in zip(scored, leads, strict=True)]
    for n in order:
        (i, j), pair = candidates[n].tolist(), scored[n]
        best_src.setdefault(i, n)
        best_tgt.setdefault(j, n)
        if i in used_src or j in used_tgt or not accepted[n]:
            continue
        pairs.append(pair)
        used_src.add(i)
        used_tgt.add(j)
    unpaired = [
        _explain(doc, scored, accepted, best.get(row), config)
        for docs, used, best in ((src_docs, used_src, best_src), (tgt_docs, used_tgt, best_tgt))
        for row, doc in enumerate(docs)
        if row not in used
    ]
    pairs.sort(key=lambda p: (p.src.id, p.tgt.id))
    return pairs, unpaired


class _StageClock:
    """Adds the seconds since the previous lap to ``seconds[stage]``."""

    def __init__(self, seconds: dict[str, float] | None) -> None:
        self.seconds, self.start = seconds, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.seconds is not None:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.start
        self.start = now


def margins(scored: Sequence[DocumentPair], config: PairingConfig = PairingConfig()
            ) -> list[float]:
    """Per candidate pair, its :func:`standing` minus the best standing of another candidate
    of either of its documents (0 without one); a candidate with the same text is not another
    one."""
    texts: dict[int, int] = {}  # document id() -> hash of its text

    def text_of(doc: Document) -> int:
        if id(doc) not in texts:
            texts[id(doc)] = hash(doc.text)
        return texts[id(doc)]

    # per document, its candidates best first: (standing, text of the other document)
    by_doc: dict[int, list[tuple[float, int]]] = {}
    for pair in scored:
        value = standing(pair, config)
        by_doc.setdefault(id(pair.src), []).append((value, text_of(pair.tgt)))
        by_doc.setdefault(id(pair.tgt), []).append((value, text_of(pair.src)))
    for candidates in by_doc.values():
        candidates.sort(key=lambda c: -c[0])

    def rival(doc: Document, other: Document) -> float:
        other_text = text_of(other)
        return next((score for score, text in by_doc[id(doc)] if text != other_text), 0.0)

    return [standing(pair, config) - max(rival(pair.src, pair.tgt), rival(pair.tgt, pair.src))
            for pair in scored]


def _rank(pair: DocumentPair, config: PairingConfig) -> tuple[float, str, str]:
    return -standing(pair, config), pair.src.id, pair.tgt.id


def _explain(
    doc: Document, scored: Sequence[DocumentPair], accepted: Sequence[bool], best: int | None,
    config: PairingConfig,
) -> Unpaired:
    """Why ``doc`` stayed unpaired: its best candidate (index ``best``) was not accepted, or
    was taken."""
    if best is None:
        return Unpaired(doc, "no candidate")
    pair = scored[best]
    other = pair.tgt if pair.src is doc else pair.src
    if accepted[best]:
        reason = f"best candidate {other.id} ({pair.score:.3f}) was paired with a better match"
    elif pair.score >= config.threshold:
        reason = f"best candidate {other.id} ({pair.score:.3f}) has a close rival"
    else:
        reason = f"best candidate {other.id} scored {pair.score:.3f} < {config.threshold}"
        if pair.score >= config.clear_threshold:
            reason += " without a clear lead"
    return Unpaired(doc, reason, other.id, round(pair.score, 4))


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


def _sentence_vectors(doc: Document, embedder: Embedder) -> np.ndarray:
    sentences = [s.text for s in split_paragraphs(doc.paragraphs, doc.lang)]
    return embedder.encode(sentences) if sentences else np.zeros((0, 1), dtype=np.float32)
