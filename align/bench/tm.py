"""Translation-memory benchmark: a memory of paragraph units rebuilt as articles, realigned.

Per NTREX-128 document, consecutive line pairs are grouped into units of 1–5 lines (seeded);
a unit's French lines are joined into one paragraph and its Arabic lines into another, and
the document becomes an article pair with one paragraph per unit. As a user would, both
sides are split into sentences (``align.stages.split``) and aligned (``align_sentences``).
Measured, with no gold alignment needed:

* segments inside one unit: the share of aligned beads (deletions aside) whose source and
  target sentences all come from one unit;
* units recovered: the share of units every sentence of which, on both sides, lies in a
  bead inside the unit, none deleted. A unit kept on one side only is recovered when all
  its sentences are deleted.

Two settings: ``faithful`` (every unit on both sides) and ``one-sided`` (a few units kept on
one side only, as in a memory whose export lost some translations). The first
``DEV_DOCUMENTS`` documents are development data; figures are reported on the others.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from align.aligner.sentences import AlignConfig, align_sentences
from align.bench.ntrex import load_ntrex
from align.models.embed import Embedder
from align.records import Alignment
from align.stages.split import split_paragraphs

DEV_DOCUMENTS = 40
UNIT_LINES = (1, 5)  # fewest and most NTREX lines in one unit
SETTINGS = {"faithful": 0.0, "one-sided": 0.05}  # share of units kept on one side only


@dataclass(frozen=True)
class MemoryArticle:
    """An article pair rebuilt from a memory: paragraphs and the unit each one holds."""

    id: str
    src: tuple[str, ...]
    src_units: tuple[int, ...]
    tgt: tuple[str, ...]
    tgt_units: tuple[int, ...]


@dataclass(frozen=True)
class MemoryScores:
    """Unit-level counts of aligned memory articles, and a few beads that crossed units."""

    units: int = 0
    recovered: int = 0
    segments: int = 0  # aligned beads (deletions aside)
    inside: int = 0  # aligned beads whose sentences all come from one unit
    src_sentences: int = 0
    tgt_sentences: int = 0
    src_deleted: int = 0
    tgt_deleted: int = 0
    # beads that lost a unit (across units, or a deleted sentence of a translated unit)
    failures: tuple[str, ...] = field(default=(), compare=False)

    def __add__(self, other: MemoryScores) -> MemoryScores:
        counts = {
            name: getattr(self, name) + getattr(other, name)
            for name in self.__dataclass_fields__
        }
        return MemoryScores(**counts)

    @property
    def inside_share(self) -> float:
        return self.inside / self.segments if self.segments else 0.0

    @property
    def recovered_share(self) -> float:
        return self.recovered / self.units if self.units else 0.0


def build_memory(
    documents: Sequence[tuple[str, Sequence[str], Sequence[str]]],
    rng: random.Random,
    one_sided: float = 0.0,
) -> list[MemoryArticle]:
    """Article pairs from line-aligned documents: units of ``UNIT_LINES`` lines, each unit one
    paragraph per side; a ``one_sided`` share of units is left out of one side."""
    articles = []
    for doc_id, src_lines, tgt_lines in documents:
        src: list[str] = []
        tgt: list[str] = []
        src_units: list[int] = []
        tgt_units: list[int] = []
        start, unit = 0, 0
        while start < len(src_lines):
            end = min(start + rng.randint(*UNIT_LINES), len(src_lines))
            missing = rng.randrange(2) if rng.random() < one_sided else None
            if missing != 0:
                src.append(" ".join(src_lines[start:end]))
                src_units.append(unit)
            if missing != 1:
                tgt.append(" ".join(tgt_lines[start:end]))
                tgt_units.append(unit)
            start, unit = end, unit + 1
        articles.append(
            MemoryArticle(doc_id, tuple(src), tuple(src_units), tuple(tgt), tuple(tgt_units))
        )
    return articles


def score_units(
    src_units: Sequence[int], tgt_units: Sequence[int], beads: Sequence[Alignment]
) -> MemoryScores:
    """Counts for one article, from the unit of each source and target sentence."""
    two_sided = set(src_units) & set(tgt_units)
    broken: set[int] = set()
    segments = inside = 0
    for bead in beads:
        units = {src_units[i] for i in bead.src} | {tgt_units[j] for j in bead.tgt}
        if bead.src and bead.tgt:
            segments += 1
            inside += len(units) == 1
            if len(units) > 1:
                broken |= units
        else:  # a deletion breaks its unit unless the unit has no other side
            broken |= units & two_sided
    units = set(src_units) | set(tgt_units)
    return MemoryScores(
        units=len(units),
        recovered=len(units - broken),
        segments=segments,
        inside=inside,
        src_sentences=len(src_units),
        tgt_sentences=len(tgt_units),
        src_deleted=sum(1 for b in beads if b.src and not b.tgt),
        tgt_deleted=sum(1 for b in beads if b.tgt and not b.src),
    )


def align_article(
    article: MemoryArticle, embedder: Embedder, config: AlignConfig
) -> MemoryScores:
    """Split both sides into sentences, align them and score the beads against the units."""
    src = split_paragraphs(article.src, "fr")
    tgt = split_paragraphs(article.tgt, "ar")
    beads = align_sentences([s.text for s in src], [t.text for t in tgt], embedder, config,
                            paragraphs=([s.paragraph for s in src], [t.paragraph for t in tgt]))
    src_units = [article.src_units[s.paragraph] for s in src]
    tgt_units = [article.tgt_units[t.paragraph] for t in tgt]
    scores = score_units(src_units, tgt_units, beads)
    two_sided = set(src_units) & set(tgt_units)
    failures = []
    for bead in beads:
        units = {src_units[i] for i in bead.src} | {tgt_units[j] for j in bead.tgt}
        crossing = bool(bead.src and bead.tgt) and len(units) > 1
        if crossing or (not (bead.src and bead.tgt) and units & two_sided):
            failures.append(
                f"{article.id} {bead.kind} units {sorted({src_units[i] for i in bead.src})}:"
                f"{sorted({tgt_units[j] for j in bead.tgt})}\n"
                f"      fr: {' | '.join(src[i].text for i in bead.src)}\n"
                f"      ar: {' | '.join(tgt[j].text for j in bead.tgt)}"
            )
    return replace(scores, failures=tuple(failures))


def memory_benchmark(
    data: Path,
    embedder: Embedder,
    config: AlignConfig | None = None,
    one_sided: float = 0.0,
    split: str = "test",
    seed: int = 13,
) -> MemoryScores:
    """Build the memory articles from NTREX, align those of ``split`` ("dev": the first
    ``DEV_DOCUMENTS``, "test": the others, "all") and pool their scores."""
    articles = build_memory(load_ntrex(data), random.Random(seed), one_sided)
    chosen = {"dev": articles[:DEV_DOCUMENTS], "test": articles[DEV_DOCUMENTS:]}
    total = MemoryScores()
    for article in chosen.get(split, articles):
        total = total + align_article(article, embedder, config or AlignConfig())
    return total


def memory_report(results: dict[tuple[str, str], MemoryScores], examples: int = 8) -> str:
    """A row per (setting, split), then a few beads of the test split that lost a unit."""
    lines = [
        f"{'setting':<11}{'split':<6}{'units':>6}{'recovered':>10}{'segments':>9}"
        f"{'inside':>8}{'fr sent.':>9}{'ar sent.':>9}{'fr del.':>8}{'ar del.':>8}"
    ]
    for (setting, split), s in results.items():
        lines.append(
            f"{setting:<11}{split:<6}{s.units:>6}{s.recovered_share:>10.3f}{s.segments:>9}"
            f"{s.inside_share:>8.3f}{s.src_sentences:>9}{s.tgt_sentences:>9}"
            f"{s.src_deleted:>8}{s.tgt_deleted:>8}"
        )
    for (setting, split), s in results.items():
        if split == "test" and s.failures:
            lines.append(f"\n{setting}, test: {len(s.failures)} beads that lost a unit, e.g.")
            lines.extend(f"  {text}" for text in s.failures[:examples])
    return "\n".join(lines)
