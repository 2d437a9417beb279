"""Strict/lax scoring of alignments, checked on hand-made gold with hand-computed numbers."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from align.bench.evaluate import count_matches, evaluate_paths, parse_alignments, score_alignments
from align.cli.main import app
from align.errors import InputError

GOLD = ["[0]:[0]", "[1]:[1, 2]", "[]:[3]", "[2, 3]:[4]", "[4]:[]"]


def beads(lines: list[str]) -> list:
    return parse_alignments(lines)


def test_perfect_prediction_scores_one() -> None:
    s = score_alignments([beads(GOLD)], [beads(GOLD)])
    assert (s.precision_strict, s.recall_strict, s.f1_strict, s.f1_lax) == (1.0, 1.0, 1.0, 1.0)


def test_split_merge_and_missed_deletion() -> None:
    # [1]:[1] and [3]:[4] overlap gold beads (lax hits, strict misses); [2]:[] is not a gold
    # deletion; [4]:[] and [0]:[0] are exact; [] :[3] missing, [2]:[] wrong, [1]:[2]? no
    pred = beads(["[0]:[0]", "[1]:[1]", "[]:[2]", "[]:[3]", "[2]:[]", "[3]:[4]", "[4]:[]"])
    counts = count_matches(beads(GOLD), pred)
    # precision over 7 predicted beads: strict hits [0]:[0], []:[3], [4]:[] → 3 of 7;
    # lax adds [1]:[1] and [3]:[4] → 5 of 7 ([]:[2] and [2]:[] have no overlap)
    assert (counts.p_strict_tp, counts.p_strict_fp) == (3, 4)
    assert (counts.p_lax_tp, counts.p_lax_fp) == (5, 2)
    # recall over the 3 gold non-deletions against the 3 predicted non-deletions
    assert (counts.r_strict_tp, counts.r_strict_fn) == (1, 2)
    assert (counts.r_lax_tp, counts.r_lax_fn) == (3, 0)
    s = score_alignments([beads(GOLD)], [pred])
    assert s.precision_strict == pytest.approx(3 / 7)
    assert s.recall_strict == pytest.approx(1 / 3)
    assert s.f1_strict == pytest.approx(2 * (3 / 7) * (1 / 3) / (3 / 7 + 1 / 3))
    assert s.f1_lax == pytest.approx(2 * (5 / 7) * 1.0 / (5 / 7 + 1.0))


def test_many_to_many_against_one_to_one() -> None:
    gold = beads(["[0, 1]:[0, 1]", "[2]:[2]"])
    pred = beads(["[0]:[0]", "[1]:[1]", "[2]:[2]"])
    s = score_alignments([gold], [pred])
    assert (s.precision_strict, s.recall_strict) == (pytest.approx(1 / 3), 0.5)
    assert (s.precision_lax, s.recall_lax) == (1.0, 1.0)


def test_counts_are_pooled_over_documents() -> None:
    doc_a = beads(["[0]:[0]", "[1]:[1]"])
    doc_b = beads(["[0]:[0, 1]"])
    s = score_alignments([doc_a, doc_b], [doc_a, beads(["[0]:[0]", "[]:[1]"])])
    # precision: 2 + 0 strict hits of 2 + 2 beads; recall: 2 of 3 gold beads
    assert (s.precision_strict, s.recall_strict) == (0.5, pytest.approx(2 / 3))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[0, 1]:[2]", ((0, 1), (2,), 0.0)),
        ("[3]:[]:0.731", ((3,), (), 0.731)),
        ("[]:[4]", ((), (4,), 0.0)),
    ],
)
def test_parse_vecalign_lines(line: str, expected: tuple) -> None:
    (bead,) = parse_alignments([line])
    assert (bead.src, bead.tgt, bead.score) == expected


@pytest.mark.parametrize("line", ["[0, 1] [2]", "[a]:[2]", "0:1"])
def test_malformed_line_names_file_and_line(line: str) -> None:
    with pytest.raises(InputError, match=r"gold\.txt: line 2"):
        parse_alignments(["[0]:[0]", line], "gold.txt")


def test_directories_and_cli(tmp_path) -> None:
    gold, pred = tmp_path / "gold", tmp_path / "pred"
    gold.mkdir(), pred.mkdir()
    (gold / "a.defr").write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    (pred / "a.defr").write_text("\n".join(GOLD) + "\n", encoding="utf-8")
    (gold / "b.defr").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    (pred / "b.defr").write_text("[0, 1]:[0, 1]\n", encoding="utf-8")
    result = evaluate_paths(gold, pred)
    assert [d.name for d in result.documents] == ["a.defr", "b.defr"]
    assert result.documents[1].scores.f1_strict == 0.0
    assert result.overall.precision_strict == pytest.approx(5 / 6)
    out = CliRunner().invoke(app, ["eval", str(gold), str(pred), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["documents"]["a.defr"]["f1_strict"] == 1.0


def test_missing_prediction_is_an_input_error(tmp_path) -> None:
    (tmp_path / "gold").mkdir(), (tmp_path / "pred").mkdir()
    (tmp_path / "gold" / "x.defr").write_text("[0]:[0]\n", encoding="utf-8")
    with pytest.raises(InputError, match="no prediction for gold file"):
        evaluate_paths(tmp_path / "gold", tmp_path / "pred")
