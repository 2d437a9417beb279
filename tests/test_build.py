"""``align build`` end to end on the seeds and on bad or one-sided collections."""

from __future__ import annotations

import json
import shutil

import pytest
from datasets import load_dataset

from align.engine.build import build
from align.engine.pipeline import BuildConfig
from align.errors import InputError
from align.publish.dataset import load_splits, read_report
from align.stages.filters import FilterConfig


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory, seeds_dir, embedder):
    out = tmp_path_factory.mktemp("build") / "seeds"
    report = build(seeds_dir, out, embedder=embedder, keep_rejected=True)
    return out, report


def test_seeds_pair_the_story_and_nothing_else(seeds_build) -> None:
    _, report = seeds_build
    assert [(p["fr"][:3], p["ar"][:3]) for p in report["pairs"]] == [("000", "001")]
    assert sorted(u["id"][:3] for u in report["unpaired"]) == ["002", "003", "004"]
    assert all("scored" in u["reason"] for u in report["unpaired"])
    assert report["counts"]["document_pairs"] == 1
    assert report["signature"]["embedder"] == "use-m3"


def test_seeds_dataset_holds_the_story_without_boilerplate(seeds_build) -> None:
    out, report = seeds_build
    train = load_dataset(str(out), split="train")
    assert len(train) == report["splits"]["train"] >= 8
    assert set(train["fr_doc"]) == {"000_0af1b1ec0e3f9fb2"}
    french = " ".join(row["fr"] for row in train["translation"])
    arabic = " ".join(row["ar"] for row in train["translation"])
    assert "Tachkent" in french and "طشقند" in arabic
    for boilerplate in ("date 2024-09", "RT World News", "اترك تعليقاً", "زر الذهاب إلى الأعلى",
                        "أخبار العالم", "Заголовок", "S’abonner", "UzA"):
        assert boilerplate not in french + arabic
    # The Arabic title has no French counterpart: it is deleted, not aligned.
    assert "تعقدان مؤتمرا مشتركا" not in arabic
    first = train[0]
    assert first["translation"]["fr"].startswith("L’OCS et la CEI cherchent")
    assert first["translation"]["ar"].startswith("وتسعى المنظمتان")


def test_seeds_alignment_types_and_indices_are_consistent(seeds_build) -> None:
    out, report = seeds_build
    rows = load_dataset(str(out), split="train")
    for row in rows:
        assert row["alignment"] == f"{len(row['fr_sentences'])}-{len(row['ar_sentences'])}"
        assert 0.0 < row["similarity"] <= 1.0
    fr_used = [i for row in rows for i in row["fr_sentences"]]
    assert fr_used == sorted(set(fr_used))  # order kept, no sentence twice
    assert sum(report["alignment_types"].values()) >= len(rows)


def test_ids_are_stable_across_builds(seeds_build, tmp_path, seeds_dir, embedder) -> None:
    out, _ = seeds_build
    again = tmp_path / "again"
    build(seeds_dir, again, embedder=embedder)
    first = load_dataset(str(out), split="train")["id"]
    assert load_dataset(str(again), split="train")["id"] == first
    assert len(set(first)) == len(first)


def test_report_is_json_with_counts_and_filters(seeds_build) -> None:
    out, report = seeds_build
    assert read_report(out) == json.loads(json.dumps(report))
    counts = report["counts"]
    assert counts["documents"] == 5
    assert counts["kept_segments"] == report["splits"]["train"]
    assert counts["segments"] == counts["kept_segments"] + sum(report["filters"].values())


def test_one_language_collection_gives_an_empty_dataset(tmp_path, seeds_dir, embedder) -> None:
    french_only = tmp_path / "fr"
    french_only.mkdir()
    for name in ("000_0af1b1ec0e3f9fb2.txt", "002_2bf75eb65d455bd3.txt"):
        shutil.copy(seeds_dir / name, french_only / name)
    report = build(french_only, tmp_path / "out", embedder=embedder)
    assert report["counts"]["document_pairs"] == 0
    assert report["notes"] == ["no document in ar: nothing to pair"]
    train = load_splits(tmp_path / "out")["train"]
    assert len(train) == 0
    assert train.features["translation"].languages == ["ar", "fr"]
    assert train.column_names == [
        "id", "translation", "fr_doc", "ar_doc", "fr_url", "ar_url", "fr_sentences",
        "ar_sentences", "alignment", "similarity", "found_in", "length_ratio", "lang_fr",
        "lang_ar", "score",
    ]


def test_unusable_collection_names_the_problem(tmp_path, embedder) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "blob.txt").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="no usable article") as caught:
        build(tmp_path / "in", tmp_path / "out", embedder=embedder)
    assert "empty" in str(caught.value)
    assert not (tmp_path / "out").exists()


FINAL_FR = ("Jeudi, les participants discuteront de la coopération dans la lutte contre le "
            "financement du terrorisme, y compris des projets communs visant à accroître "
            "l’efficacité de la surveillance des flux financiers et à identifier les "
            "transactions suspectes")


def test_story_published_twice_with_mojibake_and_a_test_sentence(
    tmp_path, seeds_dir, seeds_build, embedder
) -> None:
    """The seed story twice on each side, the second French copy read as cp1252, and the
    last French sentence (spacing and punctuation changed) in an excluded test set."""
    shutil.copytree(seeds_dir, tmp_path / "in")
    french = (seeds_dir / "000_0af1b1ec0e3f9fb2.txt").read_text(encoding="utf-8")
    (tmp_path / "in" / "000_v2.txt").write_text(
        french.encode("utf-8").decode("cp1252", errors="ignore"), encoding="utf-8"
    )
    assert "OuzbÃ©kistan" in (tmp_path / "in" / "000_v2.txt").read_text(encoding="utf-8")
    shutil.copy(seeds_dir / "001_40ba571edd290cb5.txt", tmp_path / "in" / "001_v2.txt")
    (tmp_path / "test.txt").write_text(f"{FINAL_FR.lower()}  !\n", encoding="utf-8")
    config = BuildConfig(filters=FilterConfig(exclude=(str(tmp_path / "test.txt"),)))
    report = build(tmp_path / "in", tmp_path / "out", config, embedder=embedder)

    assert {(p["fr"][:3], p["ar"][:3]) for p in report["pairs"]} == {("000", "001")}
    assert len(report["pairs"]) == 2
    versions = {p["fr"]: p["ar"] for p in report["pairs"]}
    documents = {d["id"]: d for d in report["documents"]}
    assert documents["000_v2"]["repaired"] == {"mojibake": 9}
    rows = load_splits(tmp_path / "out")["train"]
    once, _ = seeds_build
    expected = [r for r in load_dataset(str(once), split="train")["translation"]
                if not r["fr"].startswith("Jeudi")]
    assert list(rows["translation"]) == expected  # every segment once, the test sentence gone
    assert all(
        sorted((f["fr_doc"], f["ar_doc"]) for f in row) == sorted(versions.items())
        for row in rows["found_in"]
    )  # each names both versions
    assert "Ã" not in " ".join(r["fr"] for r in rows["translation"])
    assert "Ouzbékistan" in " ".join(r["fr"] for r in rows["translation"])
    assert report["filters"] == {"duplicate_pair": 11, "test_overlap": 2}
    assert report["counts"]["collapsed_duplicates"] == 11
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "11 repeats of a segment pair" in card and "`test.txt`" in card


def test_recipe_build_uses_its_settings(tmp_path, embedder) -> None:
    from pathlib import Path

    recipe = Path(__file__).resolve().parent.parent / "corpora" / "seeds.toml"
    report = build(recipe, tmp_path / "out", embedder=embedder)
    assert report["signature"]["seed"] == 13
    assert report["signature"]["config"]["filters"]["min_length_ratio"] == 0.5
    assert report["signature"]["config"]["align"]["max_size"] == 4
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "pretty_name: Seeds French" in card and "config_name: ar-fr" in card


def test_backtranslation_scores_and_rejected_split(tmp_path, seeds_dir, embedder, tiny_marian):
    from align.models.translate import MarianTranslator

    translator = MarianTranslator(str(tiny_marian), max_length=32, cache_dir=tmp_path / "cache",
                                  progress=False)
    strict = BuildConfig(filters=FilterConfig(min_score=0.99))
    report = build(seeds_dir, tmp_path / "out", strict, embedder=embedder,
                   translator=translator, keep_rejected=True)
    splits = load_splits(tmp_path / "out")
    assert report["signature"]["translator"] == str(tiny_marian)
    assert {"bt_chrf", "bt_bleu", "score"} <= set(splits["train"].column_names)
    rejected = splits["rejected"]
    assert len(rejected) == report["filters"]["low_score"] > 0
    assert all(score < 0.99 for score in rejected["score"])
    assert set(rejected["rejected_by"]) <= set(report["filters"])
    assert all(0.0 <= value <= 1.0 for value in rejected["bt_chrf"])
    assert len(splits["train"]) + len(rejected) == report["counts"]["segments"]


def test_mt_signal_aligns_the_seeds_with_a_translation_model(tmp_path, seeds_dir, embedder,
                                                             tiny_marian) -> None:
    from align.models.translate import MarianTranslator

    translator = MarianTranslator(str(tiny_marian), max_length=32, cache_dir=tmp_path / "cache",
                                  progress=False)
    config = BuildConfig(signal="mt")
    report = build(seeds_dir, tmp_path / "out", config, embedder=embedder, translator=translator)
    assert report["signature"]["config"]["signal"] == "mt"
    assert [(p["fr"][:3], p["ar"][:3]) for p in report["pairs"]] == [("000", "001")]
    assert report["counts"]["segments"] >= 10


def test_mt_signal_without_a_translator_is_a_config_error(tmp_path, seeds_dir, embedder) -> None:
    from align.errors import ConfigError

    with pytest.raises(ConfigError, match="needs a translation model"):
        build(seeds_dir, tmp_path / "out", BuildConfig(signal="mt"), embedder=embedder)
    with pytest.raises(ConfigError, match="unknown signal"):
        BuildConfig(signal="magic")


def test_worker_processes_give_the_same_dataset(tmp_path, seeds_dir, embedder) -> None:
    from examples import AR, FR

    collection = tmp_path / "in"
    collection.mkdir()
    for name in ("000_0af1b1ec0e3f9fb2.txt", "001_40ba571edd290cb5.txt"):
        shutil.copy(seeds_dir / name, collection / name)
    (collection / "emploi.txt").write_text("\n\n".join(FR), encoding="utf-8")
    (collection / "emploi-ar.txt").write_text("\n\n".join(AR), encoding="utf-8")
    one = build(collection, tmp_path / "one", embedder=embedder)
    two = build(collection, tmp_path / "two", embedder=embedder, workers=2, tasks=2)
    assert len(one["pairs"]) == 2
    assert two["pairs"] == one["pairs"]
    rows = [load_dataset(str(tmp_path / d), split="train").to_list() for d in ("one", "two")]
    assert rows[0] == rows[1]


def test_an_occupied_destination_is_refused_before_any_work(tmp_path, seeds_dir) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")

    class NoEmbedding:
        name = "unused"

        def encode(self, texts):
            raise AssertionError("the build should have stopped before embedding")

    with pytest.raises(InputError, match="holds no align dataset"):
        build(seeds_dir, out, embedder=NoEmbedding())
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "precious"
