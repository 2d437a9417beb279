"""Synthetic news collections of any size, recombined from NTREX-128's line-aligned sentences.

An article is three or four runs of consecutive lines, each run from a different NTREX
document (a story). NTREX's lines are split three ways: a third serves translated pairs
(the French article and its Arabic translation use the same lines), a third serves
French articles without counterpart, a third Arabic ones. So an article without counterpart
shares no sentence with any article of the other side, however many articles reuse the
pools (translated pairs do share lines with each other, as follow-up reports do).
Translations are imperfect: a sentence is sometimes dropped on one side or merged with the
previous one. Half of all articles get a boilerplate line. Half of the articles without
counterpart are distractors: they take different lines of the same stories as an article
of the other side (a related report, not a translation).

Articles are dated (sixty a day on each side; a translation appears on the same day or up
to two days later; a distractor within three days of its story). Sentence vectors come from
one embedding of every NTREX line; a merged sentence gets the normalised sum of its
lines' vectors. Vectors are made when asked for, so a collection of any size stays small.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from align.bench.ntrex import BOILERPLATE, load_ntrex
from align.models.embed import Embedder
from align.records import Document

Sentence = tuple[int, ...]  # rows of the line table joined into one sentence
ARTICLES_PER_DAY = 60
FIRST_DAY = date(2024, 1, 1)


@dataclass(frozen=True)
class LineTable:
    """NTREX lines and boilerplate of both languages with their vectors; ``stories`` holds,
    per NTREX document, its line rows in order."""

    texts: tuple[list[str], list[str]]
    vectors: tuple[np.ndarray, np.ndarray]
    stories: list[list[int]]
    boilerplate: list[int]  # rows of the boilerplate lines (same rows on both sides)


def line_table(data: Path, embedder: Embedder) -> LineTable:
    """Embed every NTREX line and the boilerplate lines once, both languages."""
    documents = load_ntrex(data)
    texts: tuple[list[str], list[str]] = ([], [])
    stories = []
    for _, fr, ar in documents:
        stories.append(list(range(len(texts[0]), len(texts[0]) + len(fr))))
        texts[0].extend(fr)
        texts[1].extend(ar)
    boilerplate = list(range(len(texts[0]), len(texts[0]) + len(BOILERPLATE[0])))
    texts[0].extend(BOILERPLATE[0])
    texts[1].extend(BOILERPLATE[1])
    vectors = (embedder.encode(texts[0]), embedder.encode(texts[1]))
    return LineTable(texts, vectors, stories, boilerplate)


class SentenceVectors(Sequence[np.ndarray]):
    """The sentence vectors of each article, computed from the line table when asked for."""

    def __init__(self, articles: Sequence[Sequence[Sentence]], lines: np.ndarray) -> None:
        self._articles, self._lines = articles, lines

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, index):  # noqa: ANN001, ANN204 (Sequence protocol)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        sentences = self._articles[index]
        if all(len(s) == 1 for s in sentences):
            return self._lines[[s[0] for s in sentences]]
        rows = [row for s in sentences for row in s]
        starts = np.cumsum([0] + [len(s) for s in sentences[:-1]])
        sums = np.add.reduceat(self._lines[rows], starts, axis=0)
        return sums / np.linalg.norm(sums, axis=1, keepdims=True)


@dataclass(frozen=True)
class Collection:
    """French and Arabic articles, their sentence vectors and the true pairs by id."""

    src: list[Document]
    tgt: list[Document]
    src_vectors: SentenceVectors
    tgt_vectors: SentenceVectors
    true_pairs: set[tuple[str, str]]


def synthetic_collection(
    table: LineTable, size: int, seed: int = 13, paired: float = 0.7, dated: bool = True
) -> Collection:
    """``size`` French and ``size`` Arabic articles, a share ``paired`` of them translations
    of each other, the rest unpaired (half of them distractors on the other side's stories)."""
    rng = random.Random(seed)
    pools = [[[row for k, row in enumerate(s) if k % 3 == part] for s in table.stories]
             for part in range(3)]
    days = max(1, size // ARTICLES_PER_DAY)
    pairs = round(paired * size)
    alone = size - pairs
    # per side: (id, sentences, day, stories)
    sides: tuple[list[_Article], list[_Article]] = ([], [])
    for n in range(pairs):
        stories, lines = _article(rng, pools[0])
        src, tgt = _translate(lines, rng)
        day = rng.randrange(days)
        sides[0].append((f"fr/p{n}", src, day, stories))
        sides[1].append((f"ar/p{n}", tgt, day + rng.choice((0, 0, 0, 1, 2)), stories))
    for side, lang in enumerate(("fr", "ar")):
        for n in range(alone - alone // 2):
            stories, lines = _article(rng, pools[1 + side])
            sides[side].append((f"{lang}/u{n}", [(r,) for r in lines], rng.randrange(days),
                                stories))
    originals = (list(sides[0]), list(sides[1]))
    for side, lang in enumerate(("fr", "ar")):
        for n in range(alone // 2):
            _, _, day, stories = rng.choice(originals[1 - side])
            lines = [row for story in stories for row in _run(rng, pools[1 + side][story])]
            sides[side].append((f"{lang}/d{n}", [(r,) for r in lines],
                                max(0, day + rng.randint(-3, 3)), stories))
    articles: list[list[list[Sentence]]] = [[], []]
    documents: list[list[Document]] = [[], []]
    for side, lang in enumerate(("fr", "ar")):
        rng.shuffle(sides[side])
        for id_, sentences, day, _ in sides[side]:
            sentences = _with_boilerplate(sentences, rng, table.boilerplate)
            articles[side].append(sentences)
            texts = table.texts[side]
            paragraphs = [" ".join(texts[row] for row in s) for s in sentences]
            meta = {"date": (FIRST_DAY + timedelta(days=day)).isoformat()} if dated else {}
            documents[side].append(Document(id_, lang, paragraphs, meta=meta))
    return Collection(
        documents[0], documents[1],
        SentenceVectors(articles[0], table.vectors[0]),
        SentenceVectors(articles[1], table.vectors[1]),
        {(f"fr/p{n}", f"ar/p{n}") for n in range(pairs)},
    )


_Article = tuple[str, list[Sentence], int, list[int]]


def _article(rng: random.Random, pool: list[list[int]]) -> tuple[list[int], list[int]]:
    """Stories and line rows of a new article: runs from three or four stories."""
    stories = rng.sample([k for k, rows in enumerate(pool) if len(rows) >= 2], rng.choice((3, 4)))
    return stories, [row for story in stories for row in _run(rng, pool[story])]


def _run(rng: random.Random, rows: list[int]) -> list[int]:
    """Two to five consecutive rows (fewer when the story has fewer)."""
    length = min(len(rows), rng.randint(2, 5))
    start = rng.randrange(len(rows) - length + 1)
    return rows[start : start + length]


def _translate(lines: list[int], rng: random.Random) -> tuple[list[Sentence], list[Sentence]]:
    """Both sides of a translated article: 4% of sentences missing on one side, 6% merged
    with the previous sentence on one side."""
    src: list[Sentence] = []
    tgt: list[Sentence] = []
    for row in lines:
        roll, first = rng.random(), rng.random() < 0.5
        if roll < 0.04:
            (src if first else tgt).append((row,))
        elif roll < 0.10 and src and tgt:
            merged, other = (src, tgt) if first else (tgt, src)
            merged[-1] += (row,)
            other.append((row,))
        else:
            src.append((row,))
            tgt.append((row,))
    return src, tgt


def _with_boilerplate(
    sentences: list[Sentence], rng: random.Random, boilerplate: list[int]
) -> list[Sentence]:
    """Half of the articles get one boilerplate line somewhere."""
    if rng.random() >= 0.5:
        return sentences
    at = rng.randrange(len(sentences) + 1)
    return [*sentences[:at], (rng.choice(boilerplate),), *sentences[at:]]
