"""Benchmarks for crawled input: URL and date evidence, a seed WARC, given pairs.

* URL pairing: the NTREX briefs of ``crawl_data.brief_collection``; the weights of the URL
  and date features are chosen on the first ``dev_stories`` stories (most pairs right, then
  the smallest weights) and reported with the content-only baseline on the rest.
* Given-pair check: on the same dev stories, the share of sentences in similar segments
  for true pairs and for wrong ones (each French document given with the next story's
  Arabic); the threshold sits between the two.
* Seed WARC and given pairs: built end to end, as a user would.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from align.bench.crawl_data import Brief, brief_collection, given_pair_lines, seed_warc
from align.bench.ntrex import load_ntrex
from align.engine.pipeline import BuildConfig, align_pair, build_corpus
from align.models.embed import Embedder
from align.records import Document
from align.stages.given import GivenPairCheck
from align.stages.pairing import PairingConfig, pair_documents, score_pair

URL_WEIGHTS = (0.0, 0.05, 0.1, 0.2)
ID_WEIGHTS = (0.0, 0.05, 0.1, 0.2)
DATE_WEIGHTS = (0.0, 0.05, 0.1)


def _document(brief: Brief) -> Document:
    return Document(brief.id, brief.lang, brief.text.split("\n\n"),
                    meta={"url": brief.url, "date": brief.date, "story": brief.story})


def pairing_counts(
    briefs: Sequence[tuple[Brief, Brief, Brief]], embedder: Embedder, config: PairingConfig
) -> dict[str, int]:
    """Pairs found, correct (French brief with its Arabic translation) and false."""
    src = [_document(b) for fr, _, other in briefs for b in (fr, other)]
    tgt = [_document(ar) for _, ar, _ in briefs]
    pairs, _ = pair_documents(src, tgt, embedder, config)
    correct = sum(p.src.id == "fr-" + p.tgt.id[3:] for p in pairs)
    return {"stories": len(briefs), "found": len(pairs), "correct": correct,
            "false": len(pairs) - correct}


def url_pairing_benchmark(
    data: Path, embedder: Embedder, dev_stories: int = 40, seed: int = 13
) -> dict[str, Any]:
    """Content-only and URL/date-weighted pairing; weights chosen on the dev stories."""
    briefs = brief_collection(data, seed)
    dev, test = briefs[:dev_stories], briefs[dev_stories:]
    base = PairingConfig(url_weight=0.0, id_weight=0.0, date_weight=0.0)
    grid = []
    for url, ids, dates in itertools.product(URL_WEIGHTS, ID_WEIGHTS, DATE_WEIGHTS):
        config = replace(base, url_weight=url, id_weight=ids, date_weight=dates)
        counts = pairing_counts(dev, embedder, config)
        grid.append(((counts["correct"] - counts["false"], -(url + ids + dates)), config))
    chosen = max(grid, key=lambda item: item[0])[1]
    return {
        "chosen": {"url_weight": chosen.url_weight, "id_weight": chosen.id_weight,
                   "date_weight": chosen.date_weight},
        "dev": {"content only": pairing_counts(dev, embedder, base),
                "with URLs and dates": pairing_counts(dev, embedder, chosen)},
        "test": {"content only": pairing_counts(test, embedder, base),
                 "with URLs and dates": pairing_counts(test, embedder, chosen),
                 "defaults": pairing_counts(test, embedder, PairingConfig())},
        "all": {"content only": pairing_counts(briefs, embedder, base),
                "defaults": pairing_counts(briefs, embedder, PairingConfig())},
    }


def matched_shares(
    data: Path, embedder: Embedder, dev_stories: int = 40, min_similarity: float = 0.5
) -> dict[str, list[float]]:
    """Share of sentences in segments with similarity ≥ ``min_similarity``, for true
    pairs and for wrong ones, on the dev stories."""
    documents = load_ntrex(data)[:dev_stories]
    src = [Document(f"fr-{d}", "fr", fr) for d, fr, _ in documents]
    tgt = [Document(f"ar-{d}", "ar", ar) for d, _, ar in documents]
    config = BuildConfig().align
    shares: dict[str, list[float]] = {"true": [], "wrong": []}
    for i, doc in enumerate(src):
        for kind, other in (("true", tgt[i]), ("wrong", tgt[(i + 1) % len(tgt)])):
            aligned = align_pair(score_pair(doc, other, embedder), embedder, config)
            matched = [s for s in aligned.segments if s.similarity >= min_similarity]
            covered = sum(len(s.src_sentences) + len(s.tgt_sentences) for s in matched)
            total = len(aligned.src_sentences) + len(aligned.tgt_sentences)
            shares[kind].append(round(covered / max(total, 1), 4))
    return shares


def seed_warc_benchmark(seeds: Path, embedder: Embedder) -> dict[str, Any]:
    """Build the seed WARC: pairs, each segment's URLs, skipped records by reason."""
    with tempfile.TemporaryDirectory() as tmp:
        path = seed_warc(seeds, Path(tmp) / "seeds.warc.gz")
        result = build_corpus(path, BuildConfig(), embedder)
    segments = result.segments
    return {
        "pairs": [(p.pair.src.meta.get("url"), p.pair.tgt.meta.get("url"), round(p.pair.score, 3))
                  for p in result.pairs],
        "segments": len(segments),
        "segments_with_both_urls": sum(bool(s.src_url and s.tgt_url) for s in segments),
        "skipped_records": result.skipped_records,
        "unpaired": [(u.document.id, u.reason) for u in result.unpaired],
        "rejected": result.rejected,
    }


def given_pairs_benchmark(
    data: Path, embedder: Embedder, first: int = 40, count: int = 30
) -> dict[str, Any]:
    """Build NTREX documents given as JSONL pairs; pairs kept as given, sentence shares."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.jsonl"
        path.write_text("\n".join(given_pair_lines(data, first, count)) + "\n", encoding="utf-8")
        result = build_corpus(path, BuildConfig(), embedder)
    aligned = [p for p in result.pairs if p.pair.given and p.pair.src.id == p.pair.tgt.id]
    src_total = sum(len(p.src_sentences) for p in result.pairs)
    tgt_total = sum(len(p.tgt_sentences) for p in result.pairs)
    src_in = sum(len(s.src_sentences) for s in result.segments)
    tgt_in = sum(len(s.tgt_sentences) for s in result.segments)
    return {
        "given": count,
        "aligned_as_given": len(aligned),
        "unrelated": [(a.pair.src.id, reason) for a, reason in result.unrelated],
        "fr_sentences_in_segments": round(src_in / max(src_total, 1), 4),
        "ar_sentences_in_segments": round(tgt_in / max(tgt_total, 1), 4),
        "threshold": GivenPairCheck().min_matched,
    }


def crawl_report(data: Path, seeds: Path, embedder: Embedder) -> str:
    """Every crawl benchmark, as JSON text."""
    shares = matched_shares(data, embedder)
    report = {
        "url_pairing": url_pairing_benchmark(data, embedder),
        "given_check_dev": {"lowest_true": min(shares["true"]),
                            "highest_wrong": max(shares["wrong"])},
        "seed_warc": seed_warc_benchmark(seeds, embedder),
        "given_pairs": given_pairs_benchmark(data, embedder),
    }
    return json.dumps(report, ensure_ascii=False, indent=2)
