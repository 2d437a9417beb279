"""The machine-readable build report and the signature that records how a build was made."""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Iterable, Mapping
from typing import Any

from align import __version__
from align.engine.pipeline import BuildResult
from align.stages.urls import parse_date


def build_signature(config: Any, **extra: Any) -> dict[str, Any]:
    """Package and library versions plus every setting that decides the output."""
    import datasets

    return {
        "align": __version__,
        "python": platform.python_version(),
        "datasets": datasets.__version__,
        "config": dataclasses.asdict(config),
        **extra,
    }


def build_report(
    result: BuildResult,
    split_sizes: Mapping[str, int],
    filter_counts: Mapping[str, int],
    signature: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything a build found: pairs with scores, unpaired documents with reasons, counts."""
    src, tgt = result.config.languages
    pairs = [
        {
            src: p.pair.src.id,
            tgt: p.pair.tgt.id,
            "score": round(p.pair.score, 4),
            "sentence_coverage": round(p.pair.similarity, 4),
            "number_overlap": round(p.pair.number_overlap, 4),
            "length_agreement": round(p.pair.length_ratio, 4),
            **{name: round(value, 4) for name, value in p.pair.evidence.items()},
            "given": p.pair.given,
            f"{src}_url": p.pair.src.meta.get("url", ""),
            f"{tgt}_url": p.pair.tgt.meta.get("url", ""),
            f"{src}_sentences": len(p.src_sentences),
            f"{tgt}_sentences": len(p.tgt_sentences),
            "segments": sum(not a.is_deletion for a in p.alignments),
        }
        for p in result.pairs
    ]
    unpaired = [
        {
            "id": u.document.id,
            "lang": u.document.lang,
            "reason": u.reason,
            "best_match": u.best_match,
            "best_score": u.best_score,
        }
        for u in result.unpaired
    ]
    documents = [
        {
            "id": d.id,
            "lang": d.lang,
            "lang_confidence": round(d.lang_confidence, 4),
            "paragraphs": len(d.paragraphs),
            "removed": d.removed,
            "repaired": d.repaired,
            "meta": d.meta,
        }
        for d in result.documents
    ]
    counts = result.counts()
    counts["skipped_records"] = sum(result.skipped_records.values())
    counts["unrelated_given_pairs"] = len(result.unrelated)
    unrelated = [
        {src: a.pair.src.id, tgt: a.pair.tgt.id, "pair": a.pair.src.meta.get("pair", ""),
         "reason": reason, "segments": len(a.segments)}
        for a, reason in result.unrelated
    ]
    notes = []
    if not result.pairs:
        notes.append(_no_pair_reason(result))
    return {
        "signature": dict(signature),
        "seconds": round(result.seconds, 3),
        "counts": {
            **counts,
            "kept_segments": sum(split_sizes.values()),
            "collapsed_duplicates": filter_counts.get("duplicate_pair", 0),
            "repaired_documents": sum(bool(d.repaired) for d in result.documents),
        },
        "alignment_types": result.alignment_types(),
        "filters": dict(filter_counts),
        "splits": dict(split_sizes),
        "pairs": pairs,
        "unpaired": unpaired,
        "rejected": [{"id": item, "reason": reason} for item, reason in result.rejected],
        "skipped_records": dict(result.skipped_records),
        "unrelated_given_pairs": unrelated,
        "dates": date_range(p.pair.src.meta.get("date") for p in result.pairs),
        "documents": documents,
        "notes": notes,
    }


def date_range(values: Iterable[str | None]) -> dict[str, str | int]:
    """First and last publication date among ``values`` and how many were dated."""
    dates = sorted(d for value in values if (d := parse_date(value)) is not None)
    if not dates:
        return {"dated": 0}
    return {"first": dates[0].isoformat(), "last": dates[-1].isoformat(), "dated": len(dates)}


def _no_pair_reason(result: BuildResult) -> str:
    src, tgt = result.config.languages
    langs = {d.lang for d in result.documents}
    missing = [lang for lang in (src, tgt) if lang not in langs]
    if not result.documents:
        return "no document was read"
    if missing:
        return f"no document in {', '.join(missing)}: nothing to pair"
    return "no two documents scored above the pairing threshold"
