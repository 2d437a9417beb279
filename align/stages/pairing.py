"""Document pairing: which source article translates which target article.

Candidates come from document embeddings (the mean of sentence embeddings); each
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

Pairs are then chosen one-to-one, best first, above a threshold, so an article with
no counterpart stays unpaired even when a topically close article exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from align.fold import fold_arabic
from align.models.embed import Embedder
from align.records import Document, DocumentPair, Progress, Unpaired
from align.stages.clean import normalise_digits
from align.stages.split import split_paragraphs
from align.stages.urls import blocking_keys, url_evidence

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class PairingConfig:
    """Weights and thresholds of the pairing score (chosen on NTREX dev documents)."""

    candidates: int = 8  # target candidates rescored per source document
    coverage_weight: float = 0.8
    number_weight: float = 0.1
    length_weight: float = 0.1
    # URL and date features: weights chosen on the dev stories of `align bench crawl`
    # (shared ids cover both URL shapes there; url_match and dates added nothing)
    url_weight: float = 0.0  # URLs equal but for language markers
    id_weight: float = 0.1  # shared article id (or slug words) on one site
    date_weight: float = 0.0  # publication dates close
    threshold: float = 0.5  # minimum combined score of a pair
    char_ratio: float = 0.8  # expected target/source length in characters (ar/fr on NTREX: 0.79)


def numbers_in(text: str) -> set[str]:
    """The numbers a text mentions, with Arabic-Indic digits mapped to ASCII."""
    found = _NUMBER.findall(normalise_digits(text))
    return {n.replace(",", ".").rstrip(".") for n in found}


def number_overlap(src: str, tgt: str) -> float:
    """Jaccard overlap of the numbers of two texts; 0.5 (no evidence) when neither has any."""
    a, b = numbers_in(src), numbers_in(tgt)
    if not a and not b:
        return 0.5
    return len(a & b) / len(a | b)


def length_agreement(src: str, tgt: str, char_ratio: float = 1.0) -> float:
    """min/max ratio of the two lengths after scaling the source by the expected ratio;
    Arabic vowel marks are not counted."""
    expected, found = len(fold_arabic(src)) * char_ratio, len(fold_arabic(tgt))
    if expected == 0 or found == 0:
        return 0.0
    return min(expected, found) / max(expected, found)


def sentence_coverage(src_vectors: np.ndarray, tgt_vectors: np.ndarray) -> float:
    """Mean best-match cosine of every sentence in the other document, both directions."""
    if len(src_vectors) == 0 or len(tgt_vectors) == 0:
        return 0.0
    similarity = src_vectors @ tgt_vectors.T
    return float((similarity.max(axis=1).mean() + similarity.max(axis=0).mean()) / 2)


def pair_score(
    src: Document, tgt: Document, src_vectors: np.ndarray, tgt_vectors: np.ndarray,
    config: PairingConfig,
) -> DocumentPair:
    """Score one candidate pair from its sentence vectors and texts."""
    coverage = sentence_coverage(src_vectors, tgt_vectors)
    numbers = number_overlap(src.text, tgt.text)
    length = length_agreement(src.text, tgt.text, config.char_ratio)
    evidence = url_evidence(src.meta, tgt.meta, (src.lang, tgt.lang))
    score = (
        config.coverage_weight * coverage
        + config.number_weight * numbers
        + config.length_weight * length
        + config.url_weight * evidence["url_match"]
        + config.id_weight * evidence["shared_id"]
        + config.date_weight * evidence["date_proximity"]
    )
    return DocumentPair(src, tgt, score, coverage, numbers, length, evidence)


def score_pair(
    src: Document, tgt: Document, embedder: Embedder, config: PairingConfig = PairingConfig()
) -> DocumentPair:
    """Score one pair named by the user, with the same evidence as a found pair."""
    return pair_score(src, tgt, _sentence_vectors(src, embedder),
                      _sentence_vectors(tgt, embedder), config)


def pair_documents(
    src_docs: Sequence[Document],
    tgt_docs: Sequence[Document],
    embedder: Embedder,
    config: PairingConfig = PairingConfig(),
    progress: Progress | None = None,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """Pair source and target documents one-to-one; returns the pairs and the unpaired.

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
    doc_similarity = _mean_rows(src_vectors) @ _mean_rows(tgt_vectors).T

    candidates: set[tuple[int, int]] = set()
    k = min(config.candidates, len(tgt_docs))
    for i, row in enumerate(doc_similarity):
        candidates.update((i, int(j)) for j in np.argsort(-row)[:k])
    k = min(config.candidates, len(src_docs))
    for j, column in enumerate(doc_similarity.T):
        candidates.update((int(i), j) for i in np.argsort(-column)[:k])
    candidates.update(url_candidates(src_docs, tgt_docs))

    scored = sorted(
        (
            (pair_score(src_docs[i], tgt_docs[j], src_vectors[i], tgt_vectors[j], config), i, j)
            for i, j in candidates
        ),
        key=lambda item: (-item[0].score, item[1], item[2]),
    )
    pairs: list[DocumentPair] = []
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    for pair, i, j in scored:
        if pair.score < config.threshold:
            break
        if i in used_src or j in used_tgt:
            continue
        pairs.append(pair)
        used_src.add(i)
        used_tgt.add(j)
    left = [d for i, d in enumerate(src_docs) if i not in used_src]
    left += [d for j, d in enumerate(tgt_docs) if j not in used_tgt]
    pairs.sort(key=lambda p: (p.src.id, p.tgt.id))
    return pairs, [_explain(d, [s for s, _, _ in scored], config) for d in left]


def url_candidates(
    src_docs: Sequence[Document], tgt_docs: Sequence[Document]
) -> set[tuple[int, int]]:
    """Index pairs of documents whose URLs share a blocking key (language-stripped URL or
    article id): the page's translation is a candidate however its text embeds."""
    by_key: dict[str, list[int]] = {}
    for j, doc in enumerate(tgt_docs):
        for key in blocking_keys(doc.meta.get("url", ""), (doc.lang,)):
            by_key.setdefault(key, []).append(j)
    return {
        (i, j)
        for i, doc in enumerate(src_docs)
        for key in blocking_keys(doc.meta.get("url", ""), (doc.lang,))
        for j in by_key.get(key, ())
    }


def _explain(doc: Document, scored: Sequence[DocumentPair], config: PairingConfig) -> Unpaired:
    """Why ``doc`` stayed unpaired: its best candidate scored too low, or was taken."""
    best = next((p for p in scored if doc is p.src or doc is p.tgt), None)
    if best is None:
        return Unpaired(doc, "no candidate")
    other = best.tgt if best.src is doc else best.src
    if best.score < config.threshold:
        reason = f"best candidate {other.id} scored {best.score:.3f} < {config.threshold}"
    else:
        reason = f"best candidate {other.id} ({best.score:.3f}) was paired with a better match"
    return Unpaired(doc, reason, other.id, round(best.score, 4))


def _sentence_vectors(doc: Document, embedder: Embedder) -> np.ndarray:
    sentences = [s.text for s in split_paragraphs(doc.paragraphs, doc.lang)]
    return embedder.encode(sentences) if sentences else np.zeros((0, 1), dtype=np.float32)


def _mean_rows(vectors: Sequence[np.ndarray]) -> np.ndarray:
    dim = max(v.shape[1] for v in vectors)
    means = np.stack([v.mean(axis=0) if len(v) else np.zeros(dim) for v in vectors])
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
