"""Benchmarks on tiny fixture data written by the tests."""

from __future__ import annotations

import json
import random

import pytest
from conftest import write_ntrex
from typer.testing import CliRunner

from align.bench.ntrex import alignment_benchmark, damage, load_ntrex, pairing_benchmark
from align.bench.profiles import (
    FREE,
    FURNITURE,
    NEWS,
    PROFILES,
    damage_profile,
    damage_with_paragraphs,
    split_at_clause,
)
from align.bench.textberg import textberg_benchmark, textberg_report
from align.cli.main import app
from align.errors import InputError

DE = [
    "Der Gipfel wurde am 9. Mai erreicht.",
    "Das Wetter war schlecht.",
    "Sie kehrten ins Lager zurück.",
]
FR = ["Le sommet fut atteint le 9 mai.", "Le temps était mauvais.", "Ils rentrèrent au camp."]
NTREX_FR = [
    "Le président a inauguré le nouveau pont sur le fleuve.",
    "La construction a duré cinq ans et coûté 300 millions.",
    "Des milliers d'habitants ont assisté à la cérémonie.",
    "L'équipe nationale a remporté le match hier soir.",
    "Le gardien a arrêté un penalty à la dernière minute.",
    "Les supporters ont fêté la victoire jusqu'à l'aube.",
]
NTREX_AR = [
    "افتتح الرئيس الجسر الجديد على النهر.",
    "استغرق البناء خمس سنوات وكلف 300 مليون.",
    "حضر آلاف السكان الحفل.",
    "فاز المنتخب الوطني بالمباراة مساء أمس.",
    "تصدى الحارس لركلة جزاء في الدقيقة الأخيرة.",
    "احتفل المشجعون بالفوز حتى الفجر.",
]


@pytest.fixture()
def textberg_dir(tmp_path):
    for k in range(7):
        (tmp_path / f"test{k}.de").write_text("\n".join(DE) + "\n", encoding="utf-8")
        (tmp_path / f"test{k}.fr").write_text("\n".join(FR) + "\n", encoding="utf-8")
        (tmp_path / f"test{k}.defr").write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    return tmp_path


@pytest.fixture()
def ntrex_dir(tmp_path):
    return write_ntrex(tmp_path, NTREX_FR, NTREX_AR, ["news.1"] * 3 + ["news.2"] * 3)


def test_textberg_benchmark_scores_both_systems(textberg_dir, embedder) -> None:
    ours, baseline = textberg_benchmark(textberg_dir, embedder, names=("test0", "test1"))
    assert ours.system == "align" and baseline.system == "Gale–Church"
    assert list(ours.documents) == ["test0", "test1"]
    assert ours.overall.f1_strict == 1.0
    report = textberg_report([ours, baseline])
    assert "Bertalign" in report and "0.936" in report
    assert "Bertalign (use-m3): strict P/R/F1 0.907/0.915/0.911, lax F1 0.984" in report
    assert "Vecalign (use-m3): strict P/R/F1 0.872/0.883/0.878, lax F1 0.978; deletions 1 " \
        "source-only, 16 target-only (gold 11, 47)" in report


def test_textberg_cli_json(textberg_dir) -> None:
    out = CliRunner().invoke(app, ["bench", "textberg", "--data", str(textberg_dir), "--json"])
    assert out.exit_code == 0, out.output
    ours = json.loads(out.output)[0]
    assert ours["overall"]["f1_strict"] == 1.0 and len(ours["documents"]) == 7


def test_missing_textberg_file_is_reported(tmp_path) -> None:
    with pytest.raises(InputError, match="missing test0.de") as error:
        textberg_benchmark(tmp_path, embedder=None)  # type: ignore[arg-type]
    assert "bleualign_data folder of https://github.com/thompsonb/vecalign" in str(error.value)


def test_missing_ntrex_files_say_where_to_get_them(tmp_path) -> None:
    with pytest.raises(InputError, match="missing newstest2019-ref.fra.txt") as error:
        load_ntrex(tmp_path)
    assert "NTREX-128 folder of https://github.com/MicrosoftTranslator/NTREX" in str(error.value)


def test_ntrex_documents_are_grouped_by_id(ntrex_dir) -> None:
    docs = load_ntrex(ntrex_dir)
    assert [d for d, _, _ in docs] == ["news.1", "news.2"]
    assert docs[1][1][0].startswith("L'équipe") and docs[1][2][0].startswith("فاز")


@pytest.mark.parametrize("seed", range(20))
def test_damage_keeps_gold_consistent(seed: int) -> None:
    src, tgt, gold = damage(NTREX_FR, NTREX_AR, random.Random(seed))
    assert [i for b in gold for i in b.src] == list(range(len(src)))
    assert [j for b in gold for j in b.tgt] == list(range(len(tgt)))
    words = " ".join(src).split()
    assert all(w in words for w in " ".join(NTREX_FR).split() if w in " ".join(src))


def test_damage_produces_merges_and_deletions() -> None:
    kinds = set()
    for seed in range(30):
        kinds |= {b.kind for b in damage(NTREX_FR * 3, NTREX_AR * 3, random.Random(seed))[2]}
    assert {"1-1", "1-2", "2-1", "1-0", "0-1"} <= kinds


def test_ntrex_alignment_and_pairing(ntrex_dir, embedder) -> None:
    ours, baseline = alignment_benchmark(ntrex_dir, embedder, split="all")
    assert set(ours.documents) == {"news.1", "news.2"}
    assert ours.overall.f1_lax >= baseline.overall.f1_lax - 0.5
    result = pairing_benchmark(ntrex_dir, embedder, withheld=0.0)
    assert (result.pairable, result.withheld) == (2, 0)
    assert result.correct == result.pairs_found == 2 and result.precision == 1.0


def test_ntrex_cli_prints_vecalign_with_the_same_embedder(ntrex_dir, embedder, monkeypatch) -> None:
    from align.cli import evaluate

    monkeypatch.setattr(evaluate, "load_embedder", lambda name: embedder)
    out = CliRunner().invoke(app, ["bench", "ntrex", "--data", str(ntrex_dir)])
    assert out.exit_code == 0, out.output
    assert "Vecalign (use-m3): strict P/R/F1 0.922/0.926/0.924, lax F1 0.996" in out.output
    assert "Vecalign (use-m3): strict P/R/F1 0.840/0.849/0.844, lax F1 0.988" in out.output
    assert "profile=NEWS)" in out.output and "not been measured" in out.output
    assert "each line's paragraph known" in out.output and "align, paragraphs known" in out.output


def test_long_pair_is_distinct_damaged_text(ntrex_dir) -> None:
    from align.bench.speed import long_pair

    src, tgt = long_pair(str(ntrex_dir), 100)
    assert len(set(src)) == len(src) and len(set(tgt)) == len(tgt)
    assert len(tgt) == 98  # every 50th target sentence dropped
    assert len(src) == 97  # every 40th pair of source sentences merged
    assert src[0] == f"{NTREX_FR[0]} (1) {NTREX_FR[1]} (1)"  # a 2-1 merge
    assert src[1] == f"{NTREX_FR[2]} (1)" and src[-1].endswith("(17)")


def test_speed_benchmark_times_both_systems(ntrex_dir) -> None:
    from align.bench.speed import speed_benchmark, speed_report

    [result] = speed_benchmark(str(ntrex_dir), "use-m3", sizes=[30], runs=2)
    assert result.sentences == 29 and len(result.seconds) == 2  # 30 with one 2-1 merge
    assert result.median > 0 and result.baseline_seconds > 0 and result.peak_mb > 0
    assert len(result.floor_seconds) == 2 and result.floor > 0
    assert speed_report([result]).splitlines()[1].split()[:2] == ["29", "2"]


@pytest.mark.parametrize("name", ["news", "literary"])
@pytest.mark.parametrize("seed", range(20))
def test_damage_profile_keeps_gold_consistent(name: str, seed: int) -> None:
    src = [f"phrase {k}." for k in range(30)]
    tgt = [f"جملة {k}." for k in range(30)]
    new_src, new_tgt, gold = damage_profile(src, tgt, PROFILES[name], random.Random(seed))
    assert [i for g in gold for i in g.src] == list(range(len(new_src)))
    assert [j for g in gold for j in g.tgt] == list(range(len(new_tgt)))
    furniture = {line for side in FURNITURE for line in side}
    if name == "literary":
        assert not furniture & {*new_src, *new_tgt}


@pytest.mark.parametrize("name", ["news", "literary", "free"])
@pytest.mark.parametrize("seed", range(10))
def test_damaged_lines_keep_their_paragraphs(name: str, seed: int) -> None:
    src = [f"phrase {k}, suite {k}." for k in range(30)]
    tgt = [f"جملة {k}، تتمة {k}." for k in range(30)]
    damaged = damage_with_paragraphs(src, tgt, PROFILES[name], random.Random(seed))
    assert damaged.documents == damage_profile(src, tgt, PROFILES[name], random.Random(seed))
    assert len(damaged.src_paragraphs) == len(damaged.src)
    assert len(damaged.tgt_paragraphs) == len(damaged.tgt)
    for bead in damaged.gold:  # a gold bead never joins two paragraphs, nor two of each side
        paragraphs = {damaged.src_paragraphs[i] for i in bead.src}
        paragraphs |= {damaged.tgt_paragraphs[j] for j in bead.tgt}
        assert len(paragraphs) == 1
    furniture = {line for side in FURNITURE for line in side}
    for lines, paragraphs in ((damaged.src, damaged.src_paragraphs),
                              (damaged.tgt, damaged.tgt_paragraphs)):
        for k, line in enumerate(lines):
            if line in furniture:  # a paragraph of its own
                assert paragraphs.count(paragraphs[k]) == 1


@pytest.mark.parametrize("seed", range(20))
def test_free_profile_gold_covers_every_line_and_keeps_the_translations(seed: int) -> None:
    src = [f"phrase {k}, suite {k}." for k in range(30)]
    tgt = [f"جملة {k}، تتمة {k}." for k in range(30)]
    new_src, new_tgt, gold = damage_profile(src, tgt, FREE, random.Random(seed))
    assert sorted(i for g in gold for i in g.src) == list(range(len(new_src)))
    assert sorted(j for g in gold for j in g.tgt) == list(range(len(new_tgt)))
    for bead in gold:  # a bead's two sides speak of the same numbered sentences
        numbers = [{w.strip(".,،") for w in " ".join(side).split() if w.strip(".,،").isdigit()}
                   for side in ([new_src[i] for i in bead.src], [new_tgt[j] for j in bead.tgt])]
        assert not (bead.src and bead.tgt) or numbers[0] == numbers[1]


def test_free_profile_moves_some_lines_out_of_order() -> None:
    src = [f"phrase {k}, suite {k}." for k in range(60)]
    tgt = [f"جملة {k}، تتمة {k}." for k in range(60)]
    documents = [damage_profile(src, tgt, FREE, random.Random(seed)) for seed in range(10)]
    inversions = 0
    for _, _, gold in documents:
        pairs = sorted((g.src[0], g.tgt[0]) for g in gold if g.src and g.tgt)
        inversions += sum(b[1] < a[1] for a, b in zip(pairs, pairs[1:], strict=False))
    assert inversions > 0


def test_sentence_is_split_at_the_clause_nearest_its_middle() -> None:
    assert split_at_clause(
        "Le ministre a déclaré mardi, lors d'une conférence de presse, que la réforme passera."
    ) == [
        "Le ministre a déclaré mardi.",
        "Lors d'une conférence de presse, que la réforme passera.",
    ]
    assert split_at_clause("وقال الوزير، في مؤتمر صحفي يوم الثلاثاء، إن الإصلاح سيعتمد.") == [
        "وقال الوزير، في مؤتمر صحفي يوم الثلاثاء.",
        "إن الإصلاح سيعتمد.",
    ]
    assert split_at_clause("Une phrase sans virgule.") == ["Une phrase sans virgule."]


def test_news_profile_inserts_furniture_in_the_language_of_its_side() -> None:
    rng = random.Random(3)
    src = [f"phrase {k}." for k in range(40)]
    tgt = [f"جملة {k}." for k in range(40)]
    lines = [damage_profile(src, tgt, NEWS, rng) for _ in range(10)]
    fr_lines = {line for s, _, _ in lines for line in s if line in FURNITURE[0]}
    ar_lines = {line for _, t, _ in lines for line in t if line in FURNITURE[1]}
    assert fr_lines and ar_lines
    assert not {line for _, t, _ in lines for line in t} & set(FURNITURE[0])
