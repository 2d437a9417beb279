"""Filters that accept or reject scored segments and say why (OpusFilter / datatrove style).

Each filter returns ``(keep, reason)``; ``reason`` is ``""`` when the segment is kept and a
stable keyword otherwise (``test_overlap``, ``low_score``, ``length_ratio``,
``wrong_language``, ``number_mismatch``, ``duplicate_pair``, ``duplicate_source``), so
rejections can be counted, reported and written to their own split. Filters read the scores
that ``align.stages.scoring.score_segments`` stored; a filter whose score is absent keeps the
segment.

Duplicates are compared by :func:`align.stages.clean.comparison_key` (case, spacing,
punctuation, digit scripts, Arabic diacritics and tatweel ignored): a pair found again, in
the same or another document pair, collapses into the first kept row, whose ``found_in``
then names every document pair it was found in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from align.records import Segment
from align.stages.clean import comparison_key, normalise_digits
from align.stages.decontaminate import Exclusion

FilterResult = tuple[bool, str]
KEEP: FilterResult = (True, "")

# A space, comma, dot or Arabic thousands sign between digit groups of three: "10 000",
# "10,000", "10.000", "١٠٬٠٠٠" all read as 10000.
_GROUP_SEPARATOR = re.compile(r"(?<=\d)[ \u00a0\u202f,.\u066c](?=\d{3}(?!\d))")
# Arabic writes large numbers with a thousands word: "300 ألف" is 300000.
_ARABIC_THOUSANDS = re.compile(r"(\d+)\s*(?:آلاف|ألفًا|ألفا|ألف|الف)")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class FilterConfig:
    """Thresholds of the filters; ``None`` or ``False`` turns a filter off.

    ``min_score`` keeps 98% of the true French/Arabic sentence pairs of the NTREX-128 dev
    documents, with or without back-translation. ``align bench scoring`` reports, on the
    test documents, the share of true pairs kept and of wrong pairings removed (the most
    similar other sentence, an adjacent one, a random one), per filter and reason.
    """

    min_score: float | None = 0.09  # combined score, about P(translation) at even odds
    min_length_ratio: float | None = 0.4  # shorter/longer in characters
    min_language_confidence: float | None = 0.4  # per side, see scoring.language_confidence
    min_number_overlap: float | None = 0.5  # Jaccard overlap of the numbers of both sides
    duplicate_pairs: bool = True  # the same (source, target) pair twice
    duplicate_sources: bool = True  # the same source with another target
    exclude: tuple[str, ...] = ()  # sentence files or dataset directories (test sets)


def numbers(text: str) -> set[int]:
    """The numbers of 10 or more written with digits in ``text``.

    Digit groups joined by a thousands separator count as one number, and so does a number
    followed by the Arabic word for thousand ("300 ألف" = 300000); a decimal comma or dot
    splits a number into its parts, so ``3,5`` and ``3.5`` agree. Numbers under 10 are left
    out because translations often spell them.
    """
    text = _GROUP_SEPARATOR.sub("", normalise_digits(text))
    text = _ARABIC_THOUSANDS.sub(lambda match: match.group(1) + "000", text)
    return {value for value in map(int, _NUMBER.findall(text)) if value >= 10}


def score_filter(segment: Segment, config: FilterConfig) -> FilterResult:
    """Reject when the combined score is below ``min_score``."""
    score = segment.scores.get("score")
    if config.min_score is None or score is None or score >= config.min_score:
        return KEEP
    return False, "low_score"


def length_ratio_filter(segment: Segment, config: FilterConfig) -> FilterResult:
    """Reject when the shorter side is under ``min_length_ratio`` of the longer one."""
    ratio = segment.scores.get("length_ratio")
    if config.min_length_ratio is None or ratio is None or ratio >= config.min_length_ratio:
        return KEEP
    return False, "length_ratio"


def language_filter(segment: Segment, config: FilterConfig) -> FilterResult:
    """Reject when either side's ``lang_<code>`` confidence is under the threshold."""
    if config.min_language_confidence is None:
        return KEEP
    for name, value in segment.scores.items():
        if name.startswith("lang_") and value < config.min_language_confidence:
            return False, "wrong_language"
    return KEEP


def number_filter(segment: Segment, config: FilterConfig) -> FilterResult:
    """Reject when both sides write numbers and share too few of them (Jaccard overlap).

    A number on one side only is allowed: the other side often writes it in words.
    """
    if config.min_number_overlap is None:
        return KEEP
    src, tgt = numbers(segment.src), numbers(segment.tgt)
    if not src or not tgt or len(src & tgt) / len(src | tgt) >= config.min_number_overlap:
        return KEEP
    return False, "number_mismatch"


class DuplicateFilter:
    """Rejects repeats of an earlier kept pair or source (compared by ``comparison_key``)."""

    def __init__(self, config: FilterConfig) -> None:
        self.config = config
        self.pairs: dict[tuple[str, str], int] = {}  # key -> index of the first kept segment
        self.sources: set[str] = set()
        self.kept = 0

    def __call__(self, segment: Segment) -> FilterResult:
        return self.check(segment)[0]

    def check(self, segment: Segment) -> tuple[FilterResult, int | None]:
        """The verdict and, for a repeated pair, the index of the kept segment it repeats."""
        src, tgt = comparison_key(segment.src), comparison_key(segment.tgt)
        if self.config.duplicate_pairs and (src, tgt) in self.pairs:
            return (False, "duplicate_pair"), self.pairs[src, tgt]
        if self.config.duplicate_sources and src in self.sources:
            return (False, "duplicate_source"), None
        self.pairs.setdefault((src, tgt), self.kept)
        self.sources.add(src)
        self.kept += 1
        return KEEP, None


QUALITY_FILTERS: tuple[Callable[[Segment, FilterConfig], FilterResult], ...] = (
    language_filter,
    length_ratio_filter,
    number_filter,
    score_filter,
)


def apply_filters(
    segments: Iterable[Segment],
    config: FilterConfig = FilterConfig(),
    exclusion: Exclusion | None = None,
) -> tuple[list[Segment], list[tuple[Segment, str]], dict[str, int]]:
    """Split segments into kept and rejected-with-reason, and count rejections per reason.

    Segments overlapping an excluded set (``test_overlap``) go first; then quality filters
    run in ``QUALITY_FILTERS`` order, and the first failing one gives the reason; duplicates
    are judged last, among segments that passed them, so the first good occurrence of a
    pair is the one kept, and it names the document pairs of its repeats in ``found_in``.
    """
    excluded = Exclusion.load(config.exclude)
    duplicates = DuplicateFilter(config)
    kept: list[Segment] = []
    rejected: list[tuple[Segment, str]] = []
    for segment in segments:
        reason, first = excluded.reason(segment) or _first_reason(segment, config), None
        if not reason:
            (_, reason), first = duplicates.check(segment)
        if first is not None:
            kept[first] = _found_also_in(kept[first], segment)
        if reason:
            rejected.append((segment, reason))
        else:
            kept.append(segment)
    counts = Counter(reason for _, reason in rejected)
    return kept, rejected, dict(counts.most_common())


def _found_also_in(kept: Segment, repeat: Segment) -> Segment:
    """``kept`` naming the document pairs of ``repeat`` too."""
    found = dict.fromkeys(kept.found_in + repeat.found_in)
    return replace(kept, found_in=tuple(found))


def _first_reason(segment: Segment, config: FilterConfig) -> str:
    for check in QUALITY_FILTERS:
        keep, reason = check(segment, config)
        if not keep:
            return reason
    return ""

