"""The dataset directory: schema, atomic replacement, loading with ``datasets``."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from datasets import load_dataset

from align.errors import InputError
from align.publish.dataset import (
    REPORT_FILE,
    DatasetWriter,
    load_splits,
    read_report,
    to_dataset,
    write_dataset_dir,
)
from align.records import Provenance, Segment

LANGUAGES = ("fr", "ar")


def segment(number: int, **scores: float) -> Segment:
    return Segment(
        id=f"seg{number}",
        src=f"La conférence a débuté mercredi {number}.",
        tgt=f"انطلق المؤتمر يوم الأربعاء {number}.",
        src_doc="000",
        tgt_doc="001",
        src_sentences=(number,),
        tgt_sentences=(number, number + 1),
        alignment="1-2",
        similarity=0.8,
        scores=dict(scores),
    )


def test_rows_carry_translation_and_indices() -> None:
    dataset = to_dataset([segment(0, bt_chrf=51.5), segment(1, bt_chrf=40.0)], LANGUAGES)
    assert dataset.column_names == [
        "id", "translation", "fr_doc", "ar_doc", "fr_url", "ar_url", "fr_sentences",
        "ar_sentences", "alignment", "similarity", "found_in", "bt_chrf",
    ]
    assert dataset.features["translation"].languages == ["ar", "fr"]
    row = dataset[1]
    assert row["found_in"] == [{"fr_doc": "000", "ar_doc": "001", "fr_url": "", "ar_url": ""}]
    assert row["translation"] == {
        "ar": "انطلق المؤتمر يوم الأربعاء 1.", "fr": "La conférence a débuté mercredi 1."
    }
    assert row["ar_sentences"] == [1, 2]
    assert row["bt_chrf"] == pytest.approx(40.0)


def test_found_in_names_every_document_pair() -> None:
    found_in = (Provenance("000", "001", "https://fr.example/a", "https://ar.example/a"),
                Provenance("000-v2", "001-v2"))
    dataset = to_dataset([replace(segment(0), found_in=found_in)], LANGUAGES)
    assert dataset[0]["found_in"] == [
        {"fr_doc": "000", "ar_doc": "001", "fr_url": "https://fr.example/a",
         "ar_url": "https://ar.example/a"},
        {"fr_doc": "000-v2", "ar_doc": "001-v2", "fr_url": "", "ar_url": ""},
    ]


def test_empty_dataset_keeps_the_schema() -> None:
    dataset = to_dataset([], LANGUAGES)
    assert len(dataset) == 0
    assert "translation" in dataset.features and "fr_sentences" in dataset.features


def test_written_dir_loads_with_load_dataset(tmp_path) -> None:
    out = write_dataset_dir(
        tmp_path / "corpus", {"train": [segment(0), segment(1)], "test": [segment(5)]},
        LANGUAGES, "---\nlicense: other\n---\n# Corpus\n", {"signature": {"n": 1}},
    )
    train = load_dataset(str(out), split="train")
    assert [row["id"] for row in train] == ["seg0", "seg1"]
    assert len(load_splits(out)["test"]) == 1
    assert read_report(out) == {"signature": {"n": 1}}
    assert (out / "README.md").read_text(encoding="utf-8").startswith("---\nlicense: other")


def test_rewrite_replaces_the_old_shards(tmp_path) -> None:
    out = tmp_path / "corpus"
    write_dataset_dir(out, {"train": [segment(0)], "test": [segment(1)]}, LANGUAGES, "#", {})
    write_dataset_dir(out, {"train": [segment(2)]}, LANGUAGES, "#", {})
    assert sorted(p.name for p in (out / "data").iterdir()) == ["train-00000-of-00001.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]  # no staging dir left behind


def test_a_failed_write_keeps_the_previous_dataset(tmp_path) -> None:
    out = tmp_path / "corpus"
    write_dataset_dir(out, {"train": [segment(0)]}, LANGUAGES, "#", {"build": 1})
    with pytest.raises(TypeError):
        write_dataset_dir(out, {"train": [segment(1)]}, LANGUAGES, "#", {"bad": object()})
    assert json.loads((out / REPORT_FILE).read_text())["build"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["corpus"]


def test_refuses_to_replace_a_directory_it_did_not_write(tmp_path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.tex").write_text("precious")
    with pytest.raises(InputError, match="holds no align dataset"):
        write_dataset_dir(tmp_path / "notes", {"train": []}, LANGUAGES, "#", {})
    assert (tmp_path / "notes" / "thesis.tex").read_text() == "precious"


def test_split_without_rows_is_left_out_and_the_rest_loads(tmp_path) -> None:
    report = {"splits": {"train": 2, "rejected": 0}}
    out = write_dataset_dir(
        tmp_path / "corpus", {"train": [segment(0), segment(1)], "rejected": []},
        LANGUAGES, "#", report,
    )
    assert [p.name for p in (out / "data").iterdir()] == ["train-00000-of-00001.parquet"]
    assert len(load_dataset(str(out), split="train")) == 2
    splits = load_splits(out)
    assert list(splits) == ["train", "rejected"]
    assert len(splits["rejected"]) == 0
    assert "rejected_by" in splits["rejected"].column_names


def test_dataset_without_rows_loads_empty_or_says_no_data(tmp_path) -> None:
    card = (
        "---\nconfigs:\n- config_name: ar-fr\n  data_files:\n"
        "  - split: train\n    path: data/train-*\n---\n"
    )
    out = write_dataset_dir(
        tmp_path / "corpus", {"train": []}, LANGUAGES, card, {"splits": {"train": 0}}
    )
    assert list((out / "data").iterdir()) == []
    train = load_splits(out)["train"]
    assert len(train) == 0 and train.column_names[:2] == ["id", "translation"]
    with pytest.raises(Exception, match="No \\(supported\\) data files"):
        load_dataset(str(out), split="train")  # not the build report read as data


def test_a_dataset_written_in_batches_equals_one_written_at_once(tmp_path) -> None:
    train = [segment(n, score=n / 10) for n in range(5)]
    rejected = [replace(segment(9, score=0.1), rejected_by="min_similarity")]
    splits = {"train": train, "test": [], "rejected": rejected}
    write_dataset_dir(tmp_path / "once", splits, LANGUAGES, "#", {"splits": {"test": 0}})
    with DatasetWriter(tmp_path / "batches", LANGUAGES, ["score"]) as writer:
        for batch in (train[:2], train[2:3], [], train[3:]):
            writer.write("train", batch)
        writer.write("rejected", rejected)
        writer.finish("#", {"splits": {"test": 0}}, splits)
    assert writer.out == tmp_path / "batches"
    once, batches = load_splits(tmp_path / "once"), load_splits(tmp_path / "batches")
    assert {k: v.to_list() for k, v in batches.items()} == {k: v.to_list() for k, v in once.items()}
    assert list(batches) == ["train", "test", "rejected"] and batches["test"].num_rows == 0


def test_a_writer_left_without_finishing_leaves_nothing(tmp_path) -> None:
    with pytest.raises(RuntimeError), DatasetWriter(tmp_path / "out", LANGUAGES, []) as writer:
        writer.write("train", [segment(0)])
        raise RuntimeError("the build stopped")
    assert list(tmp_path.iterdir()) == []
