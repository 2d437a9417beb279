"""The build pipeline: articles → clean documents → pairs → aligned, scored segments.

``align_pair`` is the work on one document pair: a pure function of its inputs, so a
pair can be processed in a worker process or on another machine. ``build`` runs the
stages over a collection and writes the dataset directory.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from align.aligner.sentences import AlignConfig, align_sentences
from align.errors import ConfigError, InputError
from align.models.embed import DEFAULT_EMBEDDER, Embedder, load_embedder
from align.models.translate import Translator
from align.records import (
    Alignment,
    Document,
    DocumentPair,
    Progress,
    Provenance,
    Segment,
    Sentence,
    Unpaired,
)
from align.stages.clean import clean_articles
from align.stages.filters import FilterConfig
from align.stages.given import GivenPairCheck, given_pairs, unrelated_reason
from align.stages.ingest import read_articles
from align.stages.pairing import PairingConfig, pair_documents, score_pair
from align.stages.scoring import MTSignal
from align.stages.split import split_paragraphs

SIGNALS = ("embedding", "mt")


@dataclass(frozen=True)
class BuildConfig:
    """Everything that decides what a build produces; recorded in the dataset's signature."""

    languages: tuple[str, str] = ("fr", "ar")
    embedder: str = DEFAULT_EMBEDDER
    align: AlignConfig = field(default_factory=AlignConfig)
    pairing: PairingConfig = field(default_factory=PairingConfig)
    filters: FilterConfig = field(default_factory=FilterConfig)
    signal: str = "embedding"  # "mt" adds back-translation chrF to the aligner (Bleualign)
    mt_weight: float = 0.5  # weight of the "mt" signal beside the embedding signal (1.0)
    pairs_file: str = ""  # TSV of document pairs (ids or URLs) that skip pairing
    given_check: GivenPairCheck = field(default_factory=GivenPairCheck)

    def __post_init__(self) -> None:
        if len(self.languages) != 2 or self.languages[0] == self.languages[1]:
            raise ConfigError(f"need two different languages, got {list(self.languages)}")
        if self.signal not in SIGNALS:
            raise ConfigError(f"unknown signal {self.signal!r}: use {' or '.join(SIGNALS)}")


@dataclass(slots=True)
class PairAlignment:
    """The sentences of one document pair, the alignment found and its segments."""

    pair: DocumentPair
    src_sentences: list[Sentence]
    tgt_sentences: list[Sentence]
    alignments: list[Alignment]
    segments: list[Segment]


def align_pair(
    pair: DocumentPair,
    embedder: Embedder,
    config: AlignConfig,
    translator: Translator | None = None,
    mt_weight: float = 0.5,
) -> PairAlignment:
    """Split both documents of a pair into sentences, align them, and make the segments.

    With a ``translator`` (target → source language), the chrF of back-translated
    candidates joins the embedding similarity as an alignment signal. Both documents'
    paragraphs are given to the aligner, so a bead rarely joins sentences of two paragraphs
    (``AlignConfig.paragraph_weight``). A segment's
    ``similarity`` is the cosine of the embeddings of its two joined texts; deletions are
    not segments.
    """
    src = split_paragraphs(pair.src.paragraphs, pair.src.lang)
    tgt = split_paragraphs(pair.tgt.paragraphs, pair.tgt.lang)
    src_texts, tgt_texts = [s.text for s in src], [s.text for s in tgt]
    signals = [(MTSignal(src_texts, tgt_texts, translator), mt_weight)] if translator else []
    alignments = align_sentences(src_texts, tgt_texts, embedder, config, signals,
                                 ([s.paragraph for s in src], [t.paragraph for t in tgt]))
    beads = [a for a in alignments if not a.is_deletion]
    src_texts = [" ".join(src[i].text for i in bead.src) for bead in beads]
    tgt_texts = [" ".join(tgt[i].text for i in bead.tgt) for bead in beads]
    cosines = (
        np.einsum("ij,ij->i", embedder.encode(src_texts), embedder.encode(tgt_texts))
        if beads else np.zeros(0)
    )
    found_in = (Provenance(pair.src.id, pair.tgt.id, pair.src.meta.get("url", ""),
                           pair.tgt.meta.get("url", "")),)
    segments = [
        Segment(
            id=segment_id(pair.src.id, pair.tgt.id, src_text, tgt_text),
            src=src_text,
            tgt=tgt_text,
            src_doc=pair.src.id,
            tgt_doc=pair.tgt.id,
            src_sentences=bead.src,
            tgt_sentences=bead.tgt,
            alignment=bead.kind,
            similarity=round(float(cosine), 4),
            src_url=pair.src.meta.get("url", ""),
            tgt_url=pair.tgt.meta.get("url", ""),
            found_in=found_in,
        )
        for bead, src_text, tgt_text, cosine in zip(
            beads, src_texts, tgt_texts, cosines, strict=True
        )
    ]
    return PairAlignment(pair, src, tgt, alignments, segments)


def segment_id(src_doc: str, tgt_doc: str, src: str, tgt: str) -> str:
    """A stable id: the same documents and texts give the same id in every run."""
    key = "\t".join((src_doc, tgt_doc, src, tgt))
    return hashlib.sha1(key.encode()).hexdigest()[:16]


@dataclass(slots=True)
class BuildResult:
    """What a build found, before anything is written."""

    config: BuildConfig
    documents: list[Document]
    pairs: list[PairAlignment]
    unpaired: list[Unpaired]
    rejected: list[tuple[str, str]]  # (article id or file, reason)
    seconds: float = 0.0
    skipped_records: dict[str, int] = field(default_factory=dict)  # WARC records, by reason
    unrelated: list[tuple[PairAlignment, str]] = field(default_factory=list)  # given, not kept

    @property
    def segments(self) -> list[Segment]:
        return [segment for pair in self.pairs for segment in pair.segments]

    def counts(self) -> dict[str, int]:
        """Counts per stage, for the build report."""
        beads = [a for pair in self.pairs for a in pair.alignments]
        return {
            "documents": len(self.documents),
            "rejected_articles": len(self.rejected),
            "document_pairs": len(self.pairs),
            "unpaired_documents": len(self.unpaired),
            "src_sentences": sum(len(p.src_sentences) for p in self.pairs),
            "tgt_sentences": sum(len(p.tgt_sentences) for p in self.pairs),
            "segments": sum(not a.is_deletion for a in beads),
            "deleted_src_sentences": sum(len(a.src) for a in beads if not a.tgt),
            "deleted_tgt_sentences": sum(len(a.tgt) for a in beads if not a.src),
        }

    def alignment_types(self) -> dict[str, int]:
        kinds = Counter(a.kind for pair in self.pairs for a in pair.alignments)
        return dict(sorted(kinds.items()))



def collect_documents(
    inputs: str | Path | Sequence[str | Path], languages: Sequence[str],
    progress: Progress | None = None, skipped: Counter[str] | None = None,
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Read and clean one or more collections; unreadable files and dropped articles are
    reported rather than ending the run. WARC records that are not articles are counted
    by reason in ``skipped``."""
    paths = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    rejected: list[tuple[str, str]] = []
    skipped = Counter() if skipped is None else skipped

    def skip(error: InputError) -> None:
        rejected.append((error.path, error.problem))

    def count(reason: str) -> None:
        skipped[reason] += 1

    articles = [article for path in paths for article in
                read_articles(path, on_error=skip, progress=progress, on_skip=count)]
    documents, dropped = clean_articles(articles, languages, progress)
    rejected += [(article.id, reason) for article, reason in dropped]
    if not documents:
        where = paths[0] if len(paths) == 1 else ", ".join(map(str, paths))
        raise InputError(where, "no usable article: " + (_summary(rejected) or "none found"))
    return documents, rejected


def pair_collection(
    documents: Sequence[Document], config: BuildConfig, embedder: Embedder,
    progress: Progress | None = None,
) -> tuple[list[DocumentPair], list[Unpaired]]:
    """Pair the source-language documents with the target-language ones; pairs the user
    gave (JSONL pair lines, ``config.pairs_file``) are kept as given and only scored."""
    src_lang, tgt_lang = config.languages
    src_docs = [d for d in documents if d.lang == src_lang]
    tgt_docs = [d for d in documents if d.lang == tgt_lang]
    given = given_pairs(src_docs, tgt_docs, config.pairs_file or None)
    taken = {id(doc) for pair in given for doc in pair}
    pairs, unpaired = pair_documents(
        [d for d in src_docs if id(d) not in taken],
        [d for d in tgt_docs if id(d) not in taken],
        embedder,
        config.pairing,
        progress,
    )
    if given:
        pairs += [replace(score_pair(s, t, embedder, config.pairing), given=True)
                  for s, t in given]
        pairs.sort(key=lambda p: (p.src.id, p.tgt.id))
    return pairs, unpaired


def build_corpus(
    inputs: str | Path | Sequence[str | Path],
    config: BuildConfig = BuildConfig(),
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    translator: Translator | None = None,
    workers: int = 1,
) -> BuildResult:
    """Run ingest → clean → pair → align over one or more collections; nothing is written.

    ``translator`` is needed when ``config.signal`` is ``"mt"``. With ``workers`` > 1 the
    document pairs are aligned in that many processes, each with its own embedder.
    """
    if config.signal == "mt" and translator is None:
        raise ConfigError("the 'mt' alignment signal needs a translation model or translations")
    if workers > 1 and config.signal == "mt":
        raise ConfigError("the 'mt' alignment signal runs in one process: use workers=1")
    started = time.perf_counter()
    skipped: Counter[str] = Counter()
    documents, rejected = collect_documents(inputs, config.languages, progress, skipped)
    embedder = embedder or load_embedder(config.embedder)
    pairs, unpaired = pair_collection(documents, config, embedder, progress)
    if progress:
        progress("align", 0, len(pairs))
    if workers > 1 and len(pairs) > 1:
        aligned = _align_in_processes(pairs, config, workers, progress)
    else:
        mt = translator if config.signal == "mt" else None
        aligned = []
        for pair in pairs:
            aligned.append(align_pair(pair, embedder, config.align, mt, config.mt_weight))
            if progress:
                progress("align", len(aligned), len(pairs))
    unrelated = [(a, reason) for a in aligned if a.pair.given and (reason := unrelated_reason(
        a.segments, len(a.src_sentences), len(a.tgt_sentences), config.given_check))]
    aligned = [a for a in aligned if all(a is not u for u, _ in unrelated)]
    return BuildResult(config, documents, aligned, unpaired, rejected,
                       time.perf_counter() - started, dict(sorted(skipped.items())), unrelated)


_worker_embedder: Embedder | None = None


def _start_worker(embedder_name: str) -> None:
    global _worker_embedder
    _worker_embedder = load_embedder(embedder_name)


def _align_in_worker(pair: DocumentPair, config: AlignConfig) -> PairAlignment:
    assert _worker_embedder is not None, "worker started without its embedder"
    return align_pair(pair, _worker_embedder, config)


def _align_in_processes(
    pairs: Sequence[DocumentPair], config: BuildConfig, workers: int, progress: Progress | None
) -> list[PairAlignment]:
    """``align_pair`` over the pairs in worker processes, results in input order."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(config.embedder,)
    ) as pool:
        aligned = []
        for result in pool.map(_align_in_worker, pairs, [config.align] * len(pairs)):
            aligned.append(result)
            if progress:
                progress("align", len(aligned), len(pairs))
    return aligned


def _summary(rejected: Sequence[tuple[str, str]]) -> str:
    reasons = Counter(reason for _, reason in rejected)
    return "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(3))
