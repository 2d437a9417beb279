"""Document pairing: which source article translates which target article.

Candidates come from :mod:`align.stages.candidates`: the nearest document vectors (the
mean of sentence embeddings), blocked by publication date when documents have one. Each
candidate pair is then rescored (:mod:`align.stages.rescoring`) with evidence that
separates a translation from an article on the same topic:

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
where they differ rather than by their length. The standing also loses the *coverage
reused*: the sentence coverage less the coverage when sentences are matched one-to-one. A
window of a story one sentence longer than the translation covers its extra sentence with
the match of a neighbour; matched one-to-one, that sentence is left without a match. The
threshold reads the score itself: shortfall and reuse say which candidate translates a
document, not whether one does.

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

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from align.models.embed import Embedder
from align.records import Document, DocumentPair, Progress, Unpaired
from align.stages.candidates import (
    CandidateConfig,
    document_vectors,
    find_candidates,
    publication_day,
)
from align.stages.coverage import sentence_coverage
from align.stages.rescoring import (
    REUSED,
    SHORTFALL,
    TextFacts,
    score_candidates,
    scored_pair,
)
from align.stages.split import split_paragraphs
from align.stages.urls import blocking_keys

MARGIN = -0.02


@dataclass(frozen=True)
class PairingConfig:
    """Weights and thresholds of the pairing score (chosen on NTREX dev documents)."""

    coverage_weight: float = 0.8
    # per unit of coverage shortfall, taken off the score when candidates are compared
    # (chosen on the dev collections of `align bench collections`)
    shortfall_weight: float = 0.8
    # per unit of coverage reused (sentence coverage less one-to-one coverage), taken off
    # the score when candidates are compared (chosen on the same dev collections)
    reuse_weight: float = 1.0
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
    pair = scored_pair(src, tgt, coverage, facts or (TextFacts.of(src), TextFacts.of(tgt)),
                        config, (len(src_vectors), len(tgt_vectors)))
    pair.evidence[SHORTFALL] = 0.0  # scored alone: no rival covers anything better
    return pair


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


def standing(pair: DocumentPair, config: PairingConfig) -> float:
    """What a candidate is compared with its rivals by: its score less its coverage
    shortfall and less the coverage it owes to sentences matched more than once."""
    return (pair.score - config.shortfall_weight * pair.evidence.get(SHORTFALL, 0.0)
            - config.reuse_weight * pair.evidence.get(REUSED, 0.0))


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


def _sentence_vectors(doc: Document, embedder: Embedder) -> np.ndarray:
    sentences = [s.text for s in split_paragraphs(doc.paragraphs, doc.lang)]
    return embedder.encode(sentences) if sentences else np.zeros((0, 1), dtype=np.float32)
