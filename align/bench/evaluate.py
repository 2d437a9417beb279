"""Strict and lax precision/recall/F1 of sentence alignments, as Vecalign's ``score.py``.

Alignments are read in Vecalign format, one bead per line: ``[0, 1]:[2]`` with an optional
``:score``. Scoring follows Vecalign (after Sennrich & Volk 2011):

* precision is measured over every predicted bead, deletions included: a bead is a strict
  true positive when the gold holds the identical bead, and a lax true positive when some
  of its source sentences are aligned in the gold to some of its target sentences;
* recall swaps the roles of gold and prediction after dropping deletions on both sides;
* counts are pooled over documents before the ratios are taken (micro average).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from align.errors import InputError
from align.records import Alignment

Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Counts:
    """Pooled strict/lax true- and false-positive counts for precision and recall."""

    p_strict_tp: int = 0
    p_strict_fp: int = 0
    p_lax_tp: int = 0
    p_lax_fp: int = 0
    r_strict_tp: int = 0
    r_strict_fn: int = 0
    r_lax_tp: int = 0
    r_lax_fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        mine, theirs = asdict(self).values(), asdict(other).values()
        return Counts(*(a + b for a, b in zip(mine, theirs, strict=True)))


@dataclass(frozen=True)
class Scores:
    """Strict and lax precision, recall and F1 (0.0 where undefined, as Vecalign does)."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    @classmethod
    def from_counts(cls, c: Counts) -> Scores:
        ps, rs = _ratio(c.p_strict_tp, c.p_strict_fp), _ratio(c.r_strict_tp, c.r_strict_fn)
        pl, rl = _ratio(c.p_lax_tp, c.p_lax_fp), _ratio(c.r_lax_tp, c.r_lax_fn)
        return cls(ps, rs, _f1(ps, rs), pl, rl, _f1(pl, rl))


@dataclass(frozen=True)
class DocumentScore:
    """Scores of one document (``name`` is the gold file name)."""

    name: str
    scores: Scores
    counts: Counts


@dataclass(frozen=True)
class Evaluation:
    """Per-document scores and the pooled scores over all documents."""

    documents: list[DocumentScore]
    overall: Scores

    def to_dict(self) -> dict[str, object]:
        return {
            "overall": asdict(self.overall),
            "documents": {d.name: asdict(d.scores) for d in self.documents},
        }


def _ratio(tp: int, other: int) -> float:
    return tp / (tp + other) if tp + other else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _as_beads(alignments: Iterable[Alignment | Bead]) -> set[Bead]:
    beads = set()
    for item in alignments:
        src, tgt = (item.src, item.tgt) if isinstance(item, Alignment) else item
        if src or tgt:
            beads.add((tuple(src), tuple(tgt)))
    return beads


def _match(reference: set[Bead], candidates: set[Bead]) -> tuple[int, int, int, int]:
    """Strict tp/fp and lax tp/fp of ``candidates`` judged against ``reference``."""
    linked: dict[int, set[int]] = defaultdict(set)
    for src, tgt in reference:
        for s in src:
            linked[s].update(tgt)
    strict_tp = lax_tp = 0
    for src, tgt in candidates:
        if (src, tgt) in reference:
            strict_tp += 1
            lax_tp += 1
        elif any(t in linked[s] for s in src for t in tgt):
            lax_tp += 1
    return strict_tp, len(candidates) - strict_tp, lax_tp, len(candidates) - lax_tp


def count_matches(gold: Iterable[Alignment | Bead], pred: Iterable[Alignment | Bead]) -> Counts:
    """Precision and recall counts of one predicted alignment against its gold."""
    gold_beads, pred_beads = _as_beads(gold), _as_beads(pred)
    p = _match(gold_beads, pred_beads)
    r = _match({b for b in pred_beads if b[0] and b[1]}, {b for b in gold_beads if b[0] and b[1]})
    return Counts(*p, *r)


def score_alignments(
    gold: Sequence[Iterable[Alignment | Bead]], pred: Sequence[Iterable[Alignment | Bead]]
) -> Scores:
    """Pooled strict/lax scores over several documents (gold and pred in the same order)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted")
    total = sum((count_matches(g, p) for g, p in zip(gold, pred, strict=False)), Counts())
    return Scores.from_counts(total)


def parse_alignments(lines: Iterable[str], source: str | Path = "<alignments>") -> list[Alignment]:
    """Parse Vecalign lines ``[i, j]:[k]`` or ``[i]:[k]:0.83``; blank lines are skipped."""
    result = []
    for number, line in enumerate(lines, 1):
        fields = [f.strip() for f in line.strip().split(":")]
        if fields == [""]:
            continue
        try:
            src, tgt = ast.literal_eval(fields[0]), ast.literal_eval(fields[1])
            score = float(fields[2]) if len(fields) > 2 and fields[2] else 0.0
            if not all(isinstance(i, int) for i in [*src, *tgt]):
                raise ValueError
        except (ValueError, SyntaxError, TypeError, IndexError):
            raise InputError(
                source, f"line {number} is not an alignment like '[0, 1]:[2]': {line.strip()!r}"
            ) from None
        result.append(Alignment(tuple(src), tuple(tgt), score))
    return result


def read_alignments(path: Path) -> list[Alignment]:
    """Read a Vecalign-format alignment file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read alignment file ({error})") from None
    return parse_alignments(text.splitlines(), path)


def _pairs(gold: Path, pred: Path) -> list[tuple[str, Path, Path]]:
    if gold.is_dir() != pred.is_dir():
        raise InputError(pred, "gold and prediction must both be files or both directories")
    if not gold.is_dir():
        for path in (gold, pred):
            if not path.is_file():
                raise InputError(path, "no such file")
        return [(gold.name, gold, pred)]
    names = sorted(p.name for p in gold.iterdir() if p.is_file() and not p.name.startswith("."))
    if not names:
        raise InputError(gold, "no gold alignment files in this directory")
    missing = [n for n in names if not (pred / n).is_file()]
    if missing:
        raise InputError(pred, f"no prediction for gold file(s): {', '.join(missing)}")
    return [(n, gold / n, pred / n) for n in names]


def evaluate_paths(gold: Path, pred: Path) -> Evaluation:
    """Score a predicted alignment file (or directory of same-named files) against gold."""
    documents = []
    for name, gold_path, pred_path in _pairs(Path(gold), Path(pred)):
        counts = count_matches(read_alignments(gold_path), read_alignments(pred_path))
        documents.append(DocumentScore(name, Scores.from_counts(counts), counts))
    total = sum((d.counts for d in documents), Counts())
    return Evaluation(documents, Scores.from_counts(total))
