"""What the card says of the data: split sizes, documents, words, alignment types, score
distributions and source domains, gathered a segment at a time (``StatsCollector``) or
from lists of segments (``corpus_stats``).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from align.records import Segment

SPLIT_ORDER = ("train", "validation", "test", "rejected")
QUANTILES = (("min", 0.0), ("p10", 0.1), ("p25", 0.25), ("median", 0.5), ("p75", 0.75),
             ("p90", 0.9), ("max", 1.0))


@dataclass(frozen=True)
class Distribution:
    """Mean and quantiles of one score column."""

    count: int
    mean: float
    quantiles: dict[str, float]


@dataclass(frozen=True)
class CorpusStats:
    """Counts computed from the segments of a dataset; ``rejected`` is left out of the rest."""

    split_sizes: dict[str, int]
    pairs_per_split: dict[str, int]
    documents: dict[str, int]
    document_pairs: int
    alignment_types: dict[str, int]
    words: dict[str, int]
    scores: dict[str, Distribution]
    domains: dict[str, int] = field(default_factory=dict)  # documents per source web domain

    @property
    def rows(self) -> int:
        return sum(self.split_sizes.values())


def corpus_stats(splits: Mapping[str, Sequence[Segment]], languages: Sequence[str]) -> CorpusStats:
    """Statistics of the kept segments (all splits but ``rejected``) plus split sizes."""
    collector = StatsCollector(languages)
    for name, segments in splits.items():
        for segment in segments:
            collector.add(name, segment)
    return collector.stats(splits)


class StatsCollector:
    """``corpus_stats`` gathered a segment at a time: it keeps numbers, ids and URLs of the
    segments, never their texts."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.languages = tuple(languages)
        self.sizes: Counter[str] = Counter()
        self.pairs: dict[str, set[tuple[str, str]]] = {}
        self.similarity = array("d")
        self.scores: dict[str, array[float]] = {}
        self.documents: tuple[set[str], set[str]] = (set(), set())
        self.kinds: Counter[str] = Counter()
        self.words = [0, 0]
        self.urls: set[str] = set()

    def add(self, split: str, s: Segment) -> None:
        self.sizes[split] += 1
        self.pairs.setdefault(split, set()).add((s.src_doc, s.tgt_doc))
        if split == "rejected":
            return
        self.similarity.append(s.similarity)
        for name, value in s.scores.items():
            if value == value:  # NaN means "not computed"
                self.scores.setdefault(name, array("d")).append(value)
        self.documents[0].add(s.src_doc)
        self.documents[1].add(s.tgt_doc)
        self.kinds[s.alignment] += 1
        self.words[0] += len(s.src.split())
        self.words[1] += len(s.tgt.split())
        self.urls.update(url for url in (s.src_url, s.tgt_url) if url)

    def stats(self, splits: Iterable[str]) -> CorpusStats:
        """The statistics, with a size (maybe 0) for each of ``splits``."""
        import numpy as np

        src, tgt = self.languages
        names = ordered_splits(list(splits))
        columns = {"similarity": np.concatenate([self.similarity,
                                                 self.scores.get("similarity", [])])}
        columns.update({name: np.asarray(values) for name, values in self.scores.items()
                        if name != "similarity"})
        scores = {
            name: Distribution(len(values), float(np.mean(values)),
                               {q: float(np.quantile(values, p)) for q, p in QUANTILES})
            for name, values in columns.items() if len(values)
        }
        kept = {pair for name, pairs in self.pairs.items() if name != "rejected"
                for pair in pairs}
        return CorpusStats(
            split_sizes={name: self.sizes[name] for name in names},
            pairs_per_split={name: len(self.pairs.get(name, ())) for name in names},
            documents={src: len(self.documents[0]), tgt: len(self.documents[1])},
            document_pairs=len(kept),
            alignment_types=dict(sorted(self.kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
            words={src: self.words[0], tgt: self.words[1]},
            scores=scores,
            domains=domain_counts(self.urls),
        )


def domain_counts(urls: Iterable[str]) -> dict[str, int]:
    """Documents (distinct URLs) per web domain, ``www.`` dropped, most first."""
    from urllib.parse import urlsplit

    hosts = Counter((urlsplit(url).hostname or "").removeprefix("www.") for url in urls)
    return dict(sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0])))


def ordered_splits(names: Sequence[str] | Mapping[str, Any]) -> list[str]:
    """Split names in the order train, validation, test, rejected, then others by name."""
    return sorted(names, key=lambda n: (SPLIT_ORDER.index(n) if n in SPLIT_ORDER else 9, n))
