"""Realistic collections cut from NTREX-128 to measure cleaning and document pairing.

* Articles sharing passages: French and Arabic articles cut from the NTREX news stream as
  overlapping windows of 6–20 paragraphs (updated versions, republished wire copy). Most
  windows exist in both languages (true pairs); a few in one language only.
* Briefs: per NTREX story, a two-paragraph brief in both languages (a true pair) and, as
  distractors on the same story, another brief in French only and another in Arabic only.

Articles go through cleaning and pairing as in a build. The first ``DEV_DOCUMENTS`` NTREX
documents served to choose the pairing settings; figures are reported on the others.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from align.bench.ntrex import load_ntrex
from align.errors import ConfigError
from align.models.embed import Embedder
from align.records import Article
from align.stages.clean import clean_articles
from align.stages.pairing import PairingConfig, pair_documents

DEV_DOCUMENTS = 40
PAIR_SHARE = 270 / 570  # of the articles, in true pairs (as in the collection measured)
WINDOW = (6, 20)  # paragraphs per shared-passage article


@dataclass(frozen=True)
class PairingScores:
    """How a collection was cleaned and paired, against the known pairs."""

    collection: str
    articles: int
    true_pairs: int
    rejected: int  # articles rejected by cleaning
    cross_document: int  # paragraphs removed as site furniture
    found: int  # pairs made
    correct: int

    @property
    def recall(self) -> float:
        return self.correct / self.true_pairs if self.true_pairs else 0.0

    @property
    def false_share(self) -> float:
        return (self.found - self.correct) / self.found if self.found else 0.0

    def line(self) -> str:
        return (f"{self.collection:<22}{self.articles:>9}{self.rejected:>9}"
                f"{self.cross_document:>9}{self.true_pairs:>7}{self.correct:>9}"
                f"{self.found - self.correct:>7}{self.recall:>8.3f}{self.false_share:>8.3f}")


HEADER = (f"{'collection':<22}{'articles':>9}{'rejected':>9}{'furnit.':>9}{'pairs':>7}"
          f"{'correct':>9}{'false':>7}{'recall':>8}{'false%':>8}")


def _stories(data: Path, split: str) -> list[tuple[str, list[str], list[str]]]:
    stories = load_ntrex(data)
    return {"dev": stories[:DEV_DOCUMENTS], "test": stories[DEV_DOCUMENTS:]}.get(split, stories)


def _article(id_: str, lines: Sequence[str]) -> Article:
    return Article(id=id_, text="\n".join(lines), source=f"{id_}.txt")


def shared_passages(
    data: Path, articles: int = 570, split: str = "test", seed: int = 13
) -> tuple[list[Article], set[tuple[str, str]]]:
    """Overlapping windows of the split's news stream; returns the articles and true pairs."""
    fr = [line for _, s, _ in _stories(data, split) for line in s]
    ar = [line for _, _, t in _stories(data, split) for line in t]
    rng = random.Random(seed)
    pairs = round(articles * PAIR_SHARE)
    singles = articles - 2 * pairs
    if pairs + singles > len(fr) - WINDOW[1]:
        raise ConfigError(f"{articles} articles need more than the {len(fr)} lines of NTREX "
                          f"{split} documents")
    starts = rng.sample(range(len(fr) - WINDOW[1]), pairs + singles)  # no window twice
    out: list[Article] = []
    truth: set[tuple[str, str]] = set()
    for k, start in enumerate(starts):
        window = slice(start, start + rng.randint(*WINDOW))
        if k < pairs:
            out += [_article(f"fr/w{k}", fr[window]), _article(f"ar/w{k}", ar[window])]
            truth.add((f"fr/w{k}", f"ar/w{k}"))
        elif k % 2:
            out.append(_article(f"fr/w{k}", fr[window]))
        else:
            out.append(_article(f"ar/w{k}", ar[window]))
    rng.shuffle(out)
    return out, truth


def briefs(
    data: Path, split: str = "test", seed: int = 13
) -> tuple[list[Article], set[tuple[str, str]]]:
    """Per story a two-paragraph brief in both languages and one same-story brief in each
    language alone; paragraphs hold one or two sentences."""
    rng = random.Random(seed)
    out: list[Article] = []
    truth: set[tuple[str, str]] = set()
    for story, fr, ar in _stories(data, split):
        chunks = []
        i = 0
        while i < len(fr) and len(chunks) < 3:
            sizes = (rng.randint(1, 2), rng.randint(1, 2))
            if i + sum(sizes) > len(fr):
                break
            paragraphs = [slice(i, i + sizes[0]), slice(i + sizes[0], i + sum(sizes))]
            chunks.append(paragraphs)
            i += sum(sizes)
        for k, paragraphs in enumerate(chunks):
            fr_text = [" ".join(fr[p]) for p in paragraphs]
            ar_text = [" ".join(ar[p]) for p in paragraphs]
            if k == 0:
                out += [_article(f"fr/{story}", fr_text), _article(f"ar/{story}", ar_text)]
                truth.add((f"fr/{story}", f"ar/{story}"))
            elif k == 1:
                out.append(_article(f"fr/{story}-other", fr_text))
            else:
                out.append(_article(f"ar/{story}-other", ar_text))
    rng.shuffle(out)
    return out, truth


def pair_collection(
    name: str, articles: Sequence[Article], truth: set[tuple[str, str]], embedder: Embedder,
    config: PairingConfig | None = None,
) -> PairingScores:
    """Clean and pair ``articles`` as a build does, and score the pairs against ``truth``."""
    documents, rejected = clean_articles(articles, ("fr", "ar"))
    pairs, _ = pair_documents(
        [d for d in documents if d.lang == "fr"], [d for d in documents if d.lang == "ar"],
        embedder, config or PairingConfig(),
    )
    found = {(p.src.id, p.tgt.id) for p in pairs}
    furniture = sum(d.removed.get("cross_document", 0) for d in documents)
    return PairingScores(name, len(articles), len(truth), len(rejected), furniture,
                         len(found), len(found & truth))
