"""Synthetic collections for the scale benchmark, and pairing them end to end."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from align.bench.scale import pair_synthetic, scale_report
from align.bench.synthetic import LineTable, synthetic_collection
from align.records import Document
from align.stages.candidates import publication_day


def toy_table(stories: int = 40, lines: int = 12, dim: int = 48) -> LineTable:
    """Lines as "fr k" / "ar k"; an Arabic vector is its French one plus noise."""
    rng = np.random.default_rng(3)
    total = stories * lines + 4
    fr = rng.standard_normal((total, dim)).astype(np.float32)
    ar = fr + 0.05 * rng.standard_normal((total, dim)).astype(np.float32)
    vectors = tuple(v / np.linalg.norm(v, axis=1, keepdims=True) for v in (fr, ar))
    texts = ([f"phrase {k}." for k in range(total)], [f"جملة {k}." for k in range(total)])
    story_rows = [list(range(s * lines, (s + 1) * lines)) for s in range(stories)]
    return LineTable(texts, vectors, story_rows, list(range(total - 4, total)))


def test_collection_has_the_requested_shape_and_true_pairs() -> None:
    collection = synthetic_collection(toy_table(), 200, seed=1)
    assert len(collection.src) == len(collection.tgt) == 200
    assert len(collection.true_pairs) == 140
    ids = {d.id for d in collection.src} | {d.id for d in collection.tgt}
    assert {i for pair in collection.true_pairs for i in pair} <= ids
    assert sum(d.id.startswith("ar/d") for d in collection.tgt) == 30  # distractors
    assert all(publication_day(d.meta["date"]) for d in collection.src)
    for doc, vectors in zip(collection.src[:20], collection.src_vectors[:20], strict=True):
        assert vectors.shape == (len(doc.paragraphs), 48)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_collection_is_reproducible_and_undated_on_request() -> None:
    first = synthetic_collection(toy_table(), 50, seed=5)
    again = synthetic_collection(toy_table(), 50, seed=5, dated=False)
    assert [d.paragraphs for d in first.src] == [d.paragraphs for d in again.src]
    assert all(not d.meta for d in again.src + again.tgt)


def test_articles_without_counterpart_share_no_line_with_the_other_side() -> None:
    table = toy_table()
    collection = synthetic_collection(table, 300, seed=2)
    boilerplate = {str(k) for k in table.boilerplate}

    def lines(doc: Document) -> set[str]:
        return set(re.findall(r"\d+", doc.text)) - boilerplate

    arabic = set().union(*(lines(d) for d in collection.tgt))
    french = set().union(*(lines(d) for d in collection.src))
    paired_fr = {fr for fr, _ in collection.true_pairs}
    paired_ar = {ar for _, ar in collection.true_pairs}
    assert all(not lines(d) & arabic for d in collection.src if d.id not in paired_fr)
    assert all(not lines(d) & french for d in collection.tgt if d.id not in paired_ar)


@pytest.mark.parametrize("dated", [True, False])
def test_synthetic_pairing_finds_the_translations(dated: bool) -> None:
    result = pair_synthetic(toy_table(), 300, seed=4, dated=dated)
    assert result.true_pairs == 210
    assert result.recall >= 0.99 and result.precision >= 0.99
    assert set(result.stage_seconds) == {"document vectors", "candidates", "rescoring",
                                         "one-to-one"}
    assert result.peak_mb > 0
    report = scale_report([result, result])
    assert "300" in report and "1.00×" in report


@pytest.mark.parametrize("sizes", ["5", "2000,many", ""])
def test_bench_scale_refuses_bad_sizes_with_a_message(sizes: str, tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from align.cli.main import main; main()",
         "bench", "scale", "--data", str(tmp_path), "--sizes", sizes],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "error: --sizes" in result.stderr and "Traceback" not in result.stderr
