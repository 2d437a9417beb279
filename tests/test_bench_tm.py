"""Translation-memory benchmark: unit metrics on literal beads, memory building, a tiny run."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest
from conftest import write_ntrex
from typer.testing import CliRunner

from align.aligner.sentences import AlignConfig
from align.bench.tm import (
    MemoryArticle,
    align_article,
    build_memory,
    memory_benchmark,
    memory_report,
    score_units,
)
from align.cli import evaluate
from align.cli.main import app
from align.records import Alignment

FR = [
    "Le pont de 120 mètres a été inauguré.",
    "Il a coûté 45 millions.",
    "Les travaux ont duré 3 ans.",
    "Le maire a parlé pendant 20 minutes.",
    "La fête a réuni 600 habitants.",
    "Le prochain chantier commence en 2021.",
    "Le budget prévoit 80 nouveaux logements.",
    "Le conseil votera le 14 mars.",
]
AR = [
    "افتتح الجسر البالغ طوله 120 مترا.",
    "بلغت تكلفته 45 مليونا.",
    "استمرت الأشغال 3 سنوات.",
    "تحدث رئيس البلدية 20 دقيقة.",
    "جمع الاحتفال 600 من السكان.",
    "تبدأ الورشة المقبلة في 2021.",
    "تنص الميزانية على 80 مسكنا جديدا.",
    "سيصوت المجلس يوم 14 مارس.",
]


class NumberEmbedder:
    """Sum of one-hot vectors of the numbers a text holds: a sentence and its translation
    share their number, so they match exactly and nothing else does."""

    name = "numbers"
    slots = sorted({n for line in FR for n in re.findall(r"\d+", line)})

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.full((len(texts), len(self.slots) + 1), 1e-3)
        for row, text in zip(rows, texts, strict=True):
            for number in re.findall(r"\d+", text):
                row[self.slots.index(number)] += 1.0
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def bead(src: tuple[int, ...], tgt: tuple[int, ...]) -> Alignment:
    return Alignment(src, tgt)


@pytest.mark.parametrize(
    ("src_units", "tgt_units", "beads", "inside", "segments", "recovered"),
    [
        # two units, each aligned inside itself (a 2-1 bead within unit 0)
        ([0, 0, 1], [0, 1], [bead((0, 1), (0,)), bead((2,), (1,))], 2, 2, 2),
        # a bead crossing the boundary of units 0 and 1 is outside; both units are lost
        ([0, 1], [0, 1], [bead((0, 1), (0,)), bead((), (1,))], 0, 1, 0),
        # a deleted sentence makes its unit unrecovered; the beads stay inside
        ([0, 0, 1], [0, 1], [bead((0,), (0,)), bead((1,), ()), bead((2,), (1,))], 2, 2, 1),
        # a unit on one side only is recovered when its sentence is deleted...
        ([0, 1, 2], [0, 2], [bead((0,), (0,)), bead((1,), ()), bead((2,), (1,))], 2, 2, 3),
        # ...and lost, with its neighbour, when it is absorbed into the neighbour's bead
        ([0, 1, 2], [0, 2], [bead((0, 1), (0,)), bead((2,), (1,))], 1, 2, 1),
    ],
)
def test_unit_scores(src_units, tgt_units, beads, inside, segments, recovered) -> None:
    scores = score_units(src_units, tgt_units, beads)
    assert (scores.inside, scores.segments, scores.recovered) == (inside, segments, recovered)
    assert scores.units == len(set(src_units) | set(tgt_units))
    assert scores.src_deleted == sum(1 for b in beads if b.src and not b.tgt)
    assert scores.tgt_deleted == sum(1 for b in beads if b.tgt and not b.src)


def test_scores_pool_over_articles() -> None:
    first = score_units([0, 1], [0, 1], [bead((0,), (0,)), bead((1,), (1,))])
    second = score_units([0, 1], [0, 1], [bead((0, 1), (0, 1))])
    total = first + second
    assert (total.units, total.recovered, total.segments, total.inside) == (4, 2, 3, 2)
    assert total.inside_share == pytest.approx(2 / 3) and total.recovered_share == 0.5


def test_memory_units_are_runs_of_one_to_five_lines() -> None:
    [article] = build_memory([("doc", FR, AR)], random.Random(3))
    assert article.src_units == article.tgt_units == tuple(range(len(article.src)))
    assert " ".join(article.src) == " ".join(FR) and " ".join(article.tgt) == " ".join(AR)
    lengths = [p.count(".") for p in article.src]
    assert sum(lengths) == len(FR) and all(1 <= n <= 5 for n in lengths)


def test_one_sided_units_are_left_out_of_one_side_only() -> None:
    [article] = build_memory([("doc", FR * 4, AR * 4)], random.Random(5), one_sided=0.5)
    src, tgt = set(article.src_units), set(article.tgt_units)
    assert src - tgt and tgt - src  # some units on each side only
    assert src | tgt == set(range(max(src | tgt) + 1))  # no unit lost from both sides


@pytest.fixture()
def ntrex_dir(tmp_path):
    return write_ntrex(tmp_path, FR, AR, ["news.1"] * 5 + ["news.2"] * 3)


def test_faithful_memory_is_recovered_whole(ntrex_dir) -> None:
    scores = memory_benchmark(ntrex_dir, NumberEmbedder(), split="all")
    assert scores.src_sentences == scores.tgt_sentences == len(FR)
    assert scores.inside_share == 1.0 and scores.recovered_share == 1.0
    assert scores.src_deleted == scores.tgt_deleted == 0
    report = memory_report({("faithful", "test"): scores})
    assert "faithful   test" in report and "lost a unit" not in report


def test_tm_cli_json(ntrex_dir, monkeypatch) -> None:
    monkeypatch.setattr(evaluate, "load_embedder", lambda name: NumberEmbedder())
    out = CliRunner().invoke(app, ["bench", "tm", "--data", str(ntrex_dir), "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [(r["setting"], r["split"]) for r in rows] == [
        ("faithful", "test"), ("faithful", "dev"), ("one-sided", "test"), ("one-sided", "dev")
    ]
    assert rows[1]["units"] > 0 and rows[0]["units"] == 0  # both documents fall in dev


def test_beads_across_units_are_reported_with_their_text() -> None:
    # the second French unit is translated inside the first Arabic one
    article = MemoryArticle("doc", (FR[0], FR[1]), (0, 1), (f"{AR[0]} {AR[1]}",), (0,))
    scores = align_article(article, NumberEmbedder(), AlignConfig())
    assert (scores.units, scores.recovered, scores.segments, scores.inside) == (2, 0, 2, 1)
    [failure] = scores.failures
    assert failure == f"doc 1-1 units [1]:[0]\n      fr: {FR[1]}\n      ar: {AR[1]}"
