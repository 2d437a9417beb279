"""Shared pieces of the alignment benchmarks: the Gale–Church baseline and result tables."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from align.bench.evaluate import Counts, Scores, count_matches, parse_alignments
from align.errors import ConfigError, InputError
from align.records import Alignment

Aligner = Callable[[Sequence[str], Sequence[str]], list[Alignment]]

# Where the benchmark data come from (the README's "Benchmark data" says more).
NTREX_SOURCE = (
    "the NTREX-128 folder of https://github.com/MicrosoftTranslator/NTREX (CC BY-SA 4.0)"
)
TEXTBERG_SOURCE = (
    "the Text+Berg files test0..6 and dev .de/.fr/.defr, from the bleualign_data folder of "
    "https://github.com/thompsonb/vecalign (GPL-2)"
)

# Strict / lax F1 on Text+Berg de–fr test0..6 as published (Thompson & Koehn 2019, Liu & Zhu
# 2022, Steingrímsson et al. 2023); Gale–Church as reported by Thompson & Koehn.
PUBLISHED_TEXTBERG: dict[str, tuple[float, float | None]] = {
    "Gale–Church": (0.68, None),
    "Vecalign": (0.902, 0.986),
    "SentAlign": (0.932, None),
    "Bertalign": (0.936, 0.989),
}


@dataclass(frozen=True)
class Reference:
    """An aligner's figures on a benchmark, measured elsewhere: what, with what, and how."""

    system: str
    embedder: str
    f1_strict: float
    f1_lax: float | None
    source: str
    precision_strict: float | None = None
    recall_strict: float | None = None
    deletions: tuple[int, int] | None = None  # predicted source-only, target-only sentences
    gold_deletions: tuple[int, int] | None = None  # the same in the gold alignment


# How Vecalign was run with the embedder ``align`` uses by default (its code is not ours).
VECALIGN_PROCEDURE = (
    "Vecalign's own code (github.com/thompsonb/vecalign: dp_utils.py, dp_core.pyx built with "
    "Cython) at the settings of its README for Text+Berg (alignment_max_size 8, "
    "del_percentile_frac 0.2, max_size_full_dp 300, costs_sample_size 20000, "
    "search_buffer_size 5, num_samps_for_norm 100; random and numpy seeds 42 once, as "
    "vecalign.py); a driver does what its scripts do: overlap.py's go() with 10 overlaps over "
    "each side's documents, every overlap line (joined sentences, 'PAD') embedded with "
    "USE-m v3 (load_embedder('use-m3'), 512 float32 values per line in place of LASER's "
    "1024; runs through its encode_runs, within 5e-7 of encode on the joined text), "
    "read_in_embeddings and make_doc_embedding with 8 overlaps, then "
    "vecalign(); its final_alignments are the prediction"
)

# Other aligners on Text+Berg de–fr test0..6 with the embedder ``align`` uses by default.
SAME_EMBEDDER_TEXTBERG = (
    Reference(
        "Bertalign",
        "use-m3",
        0.911,
        0.984,
        "measured 2026: Bertalign's own code at its default settings (max_align 5, top_k 3, "
        "win 5, skip -0.1, margin, length penalty) on the pre-split test0..6 sentences, "
        "encoder swapped for USE-m v3, scored as `align eval`",
        precision_strict=0.907,
        recall_strict=0.915,
        deletions=(10, 34),
        gold_deletions=(11, 47),
    ),
    Reference(
        "Vecalign",
        "use-m3",
        0.878,
        0.978,
        f"measured 2026-11-30: {VECALIGN_PROCEDURE}, on the pre-split test0..6 sentences "
        "(overlaps over all seven documents, documents in order), scored with `align eval`",
        precision_strict=0.872,
        recall_strict=0.883,
        deletions=(1, 16),
        gold_deletions=(11, 47),
    ),
)

# Vecalign on the damaged NTREX-128 fr–ar test documents of ``align bench ntrex`` (French
# source, Arabic target), by the damage of ``align.bench.ntrex.damage`` and the news profile.
SAME_EMBEDDER_NTREX = {
    "damage": Reference(
        "Vecalign",
        "use-m3",
        0.924,
        0.996,
        f"measured 2026-11-30: {VECALIGN_PROCEDURE}, on the 83 test documents of "
        "align.bench.ntrex.damaged_documents(data) (seed 13), scored with align.bench.evaluate",
        precision_strict=0.922,
        recall_strict=0.926,
        deletions=(7, 1),
        gold_deletions=(46, 47),
    ),
    "news": Reference(
        "Vecalign",
        "use-m3",
        0.844,
        0.988,
        f"measured 2026-11-30: {VECALIGN_PROCEDURE}, on the 83 test documents of "
        "align.bench.ntrex.damaged_documents(data, profile=NEWS) (seed 13), scored with "
        "align.bench.evaluate",
        precision_strict=0.840,
        recall_strict=0.849,
        deletions=(8, 5),
        gold_deletions=(99, 108),
    ),
}


def format_references(references: Sequence[Reference]) -> str:
    """One line per reference: its figures, then where they come from."""
    lines = []
    for ref in references:
        strict = f"strict F1 {ref.f1_strict:.3f}"
        if ref.precision_strict is not None and ref.recall_strict is not None:
            strict = f"strict P/R/F1 {ref.precision_strict:.3f}/{ref.recall_strict:.3f}/"
            strict += f"{ref.f1_strict:.3f}"
        lax = f", lax F1 {ref.f1_lax:.3f}" if ref.f1_lax is not None else ""
        if ref.deletions is not None:
            lax += f"; deletions {ref.deletions[0]} source-only, {ref.deletions[1]} target-only"
            if ref.gold_deletions is not None:
                lax += f" (gold {ref.gold_deletions[0]}, {ref.gold_deletions[1]})"
        source = textwrap.fill(ref.source, 96, initial_indent="    ", subsequent_indent="    ")
        lines.append(f"  {ref.system} ({ref.embedder}): {strict}{lax}\n{source}")
    return "\n".join(lines)


@dataclass(frozen=True)
class SystemResult:
    """Scores and time of one aligner over a benchmark: per document and pooled."""

    system: str
    overall: Scores
    documents: dict[str, Scores]
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "system": self.system,
            "seconds": round(self.seconds, 2),
            "overall": asdict(self.overall),
            "documents": {name: asdict(s) for name, s in self.documents.items()},
        }


def gale_church(src: Sequence[str], tgt: Sequence[str]) -> list[Alignment]:
    """Length-based baseline (package ``galechurch``, full DP in one block), as beads."""
    try:
        import galechurch
    except ImportError as error:  # optional dependency
        raise ConfigError(
            "the Gale–Church baseline needs the galechurch package: pip install 'align[baselines]'"
        ) from error

    if not src or not tgt:
        return [Alignment((i,), ()) for i in range(len(src))] + [
            Alignment((), (j,)) for j in range(len(tgt))
        ]
    cells = (len(src) + 1) * (len(tgt) + 1)
    block = galechurch.align(list(src), list(tgt), max_block_size=max(cells, 50_000_000))
    return parse_alignments(block.to_pharaoh_lines())


def run_system(
    system: str,
    aligner: Aligner,
    documents: Sequence[tuple[str, Sequence[str], Sequence[str], Sequence[Alignment]]],
) -> SystemResult:
    """Align every (name, source, target, gold) document and score it against its gold."""
    per_document, total, start = {}, Counts(), time.perf_counter()
    for name, src, tgt, gold in documents:
        counts = count_matches(gold, aligner(src, tgt))
        per_document[name] = Scores.from_counts(counts)
        total = total + counts
    return SystemResult(
        system, Scores.from_counts(total), per_document, time.perf_counter() - start
    )


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file, without line ends."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read ({error})") from None


def format_table(results: Sequence[SystemResult], per_document: bool = True) -> str:
    """Plain-text table: strict and lax P/R/F1 and time, per document then overall."""
    width = max([14, *(len(r.system) + 2 for r in results)])
    head = f"{'system':<{width}}{'document':<12}{'P strict':>9}{'R strict':>9}{'F1 strict':>10}"
    head += f"{'P lax':>8}{'R lax':>8}{'F1 lax':>8}{'seconds':>9}"
    lines = [head]
    for result in results:
        rows = list(result.documents.items()) if per_document else []
        for name, s in [*rows, ("overall", result.overall)]:
            seconds = f"{result.seconds:9.1f}" if name == "overall" else ""
            lines.append(
                f"{result.system:<{width}}{name:<12}{s.precision_strict:9.3f}{s.recall_strict:9.3f}"
                f"{s.f1_strict:10.3f}{s.precision_lax:8.3f}{s.recall_lax:8.3f}{s.f1_lax:8.3f}"
                f"{seconds}"
            )
    return "\n".join(lines)
