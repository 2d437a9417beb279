"""Exports: TMX read by translate-toolkit, Moses line-aligned, TSV, JSONL; Arabic intact."""

from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET

import pytest
import typer
from conftest import SAMPLE_SEGMENTS, write_sample_dataset
from translate.storage import tmx
from typer.testing import CliRunner

from align.cli.export import export
from align.errors import ConfigError, InputError
from align.publish import export as export_module
from align.publish.export import export_dataset

FR0, AR0 = SAMPLE_SEGMENTS["train"][0][6:]
FR1, AR1 = SAMPLE_SEGMENTS["train"][1][6:]


def test_tmx_is_read_by_translate_toolkit(sample_dataset, tmp_path):
    result = export_dataset(sample_dataset, "tmx", tmp_path / "rt.tmx")

    assert result.segments == 2
    store = tmx.tmxfile.parsefile(str(tmp_path / "rt.tmx"))
    assert [(u.getid(), u.source, u.target) for u in store.units] == [
        ("train-0", FR0, AR0),
        ("train-1", FR1, AR1),
    ]
    assert store.sourcelanguage == "fr"


def test_tmx_header_and_scores(sample_dataset, tmp_path):
    export_dataset(sample_dataset, "tmx", tmp_path / "rt.tmx", split="test")
    root = ET.parse(tmp_path / "rt.tmx").getroot()
    assert root.attrib == {"version": "1.4"}
    header = root.find("header").attrib
    assert {
        k: header[k]
        for k in ("srclang", "adminlang", "datatype", "segtype", "o-tmf", "creationtool")
    } == {
        "srclang": "fr",
        "adminlang": "en",
        "datatype": "plaintext",
        "segtype": "sentence",
        "o-tmf": "align",
        "creationtool": "align",
    }
    tu = root.find("body/tu")
    props = {p.attrib["type"]: p.text for p in tu.findall("prop")}
    assert props == {
        "x-alignment": "1-1",
        "x-fr_doc": "fr2",
        "x-ar_doc": "ar2",
        "x-similarity": "0.78",
        "x-bt_chrf": "0.79",
    }
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [(t.attrib[lang], t.findtext("seg")) for t in tu.findall("tuv")] == [
        ("fr", SAMPLE_SEGMENTS["test"][0][6]),
        ("ar", SAMPLE_SEGMENTS["test"][0][7]),
    ]


def test_moses_writes_two_line_aligned_files(sample_dataset, tmp_path):
    result = export_dataset(sample_dataset, "moses", tmp_path / "rt")

    assert result.paths == (tmp_path / "rt.fr", tmp_path / "rt.ar")
    assert (tmp_path / "rt.fr").read_text(encoding="utf-8") == f"{FR0}\n{FR1}\n"
    assert (tmp_path / "rt.ar").read_text(encoding="utf-8") == f"{AR0}\n{AR1}\n"


def test_tsv_has_a_header_and_the_scores(sample_dataset, tmp_path):
    export_dataset(sample_dataset, "tsv", tmp_path / "rt.tsv")
    lines = (tmp_path / "rt.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id\tfr\tar\talignment\tsimilarity\tbt_chrf\tfr_doc\tar_doc"
    assert lines[2].split("\t") == ["train-1", FR1, AR1, "2-1", "0.71", "0.755", "fr1", "ar1"]


def test_jsonl_keeps_rows_and_scores(sample_dataset, tmp_path):
    export_dataset(sample_dataset, "jsonl", tmp_path / "rt.jsonl", split="rejected")
    text = (tmp_path / "rt.jsonl").read_text(encoding="utf-8")
    assert "زر الذهاب إلى الأعلى" in text  # not \\u escaped
    assert json.loads(text) == {
        "id": "rejected-0",
        "translation": {"ar": "زر الذهاب إلى الأعلى", "fr": "S’abonner"},
        "fr_doc": "fr1",
        "ar_doc": "ar1",
        "fr_sentences": [9],
        "ar_sentences": [11],
        "alignment": "1-1",
        "similarity": 0.12,
        "bt_chrf": 0.46,
    }


def test_line_formats_flatten_breaks_and_keep_arabic_marks(tmp_path):
    fr = "Le Président a déclaré :\tIl faut\nagir."
    ar = "\u200fقال الرئيس:\nيجب التحرك."  # starts with a right-to-left mark
    decomposed = unicodedata.normalize("NFD", "Sécurité")
    data = write_sample_dataset(
        tmp_path / "ds",
        {
            "train": [
                ("fr9", "ar9", (0, 1), (0,), "2-1", 0.9, fr, ar),
                ("fr9", "ar9", (2,), (1,), "1-1", 0.8, decomposed, "أمن"),
            ]
        },
    )
    export_dataset(data, "moses", tmp_path / "m")
    assert (tmp_path / "m.fr").read_text(encoding="utf-8").splitlines() == [
        "Le Président a déclaré : Il faut agir.",
        "Sécurité",
    ]
    assert (tmp_path / "m.ar").read_text(encoding="utf-8").splitlines() == [
        "\u200fقال الرئيس: يجب التحرك.",
        "أمن",
    ]
    export_dataset(data, "tsv", tmp_path / "t.tsv")
    rows = (tmp_path / "t.tsv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 3 and all(len(row.split("\t")) == 8 for row in rows)
    export_dataset(data, "tmx", tmp_path / "t.tmx")
    units = tmx.tmxfile.parsefile(str(tmp_path / "t.tmx")).units
    assert units[0].source == fr and units[0].target == ar  # TMX keeps the breaks
    assert units[1].source == "Sécurité" and unicodedata.is_normalized("NFC", units[1].source)


def test_missing_dataset_directory(tmp_path):
    with pytest.raises(InputError, match=r"\[v1\] corpus: no such dataset directory"):
        export_dataset(tmp_path / "[v1] corpus", "tsv", tmp_path / "x.tsv")


def test_missing_split_and_unknown_format(sample_dataset, tmp_path):
    with pytest.raises(
        InputError, match="has no split 'validation' \\(splits: rejected, test, train\\)"
    ):
        export_dataset(sample_dataset, "tsv", tmp_path / "x.tsv", split="validation")
    with pytest.raises(ConfigError, match="unknown export format 'csv'"):
        export_dataset(sample_dataset, "csv", tmp_path / "x.csv")
    with pytest.raises(InputError, match="holds no data"):
        export_dataset(tmp_path, "tsv", tmp_path / "x.tsv")


def test_a_failed_export_leaves_the_previous_file(sample_dataset, tmp_path, monkeypatch):
    out = tmp_path / "rt.tsv"
    out.write_text("previous export\n", encoding="utf-8")

    def broken(row, columns):
        raise OSError("disk full")

    writer = export_module.WRITERS["tsv"]
    monkeypatch.setitem(export_module.WRITERS, "tsv", export_module.Writer(broken, writer.head))
    with pytest.raises(OSError, match="disk full"):
        export_dataset(sample_dataset, "tsv", out)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rt.tsv", "sample"]


def test_cli_export(sample_dataset, tmp_path):
    app = typer.Typer()
    app.command()(export)
    out = tmp_path / "rt.tmx"
    result = CliRunner().invoke(app, [str(sample_dataset), "--format", "tmx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote 2 segments of train to {out}" in result.output
    bad = CliRunner().invoke(app, [str(sample_dataset), "--format", "docx", "--out", str(out)])
    assert bad.exit_code == 2


def test_document_urls_travel_to_tsv_and_tmx(tmp_path):
    from align.publish.dataset import write_dataset_dir
    from align.records import Segment

    fr_url, ar_url = "https://news.un.org/fr/story/1", "https://news.un.org/ar/story/1"
    segment = Segment("s1", FR0, AR0, "fr1", "ar1", (0,), (0,), "1-1", 0.8,
                      src_url=fr_url, tgt_url=ar_url)
    data = write_dataset_dir(tmp_path / "ds", {"train": [segment]}, ("fr", "ar"), "card",
                             {"signature": {}})
    export_dataset(data, "tsv", tmp_path / "t.tsv")
    head, row = (tmp_path / "t.tsv").read_text(encoding="utf-8").splitlines()
    assert head.split("\t")[-2:] == ["fr_url", "ar_url"]
    assert row.split("\t")[-2:] == [fr_url, ar_url]
    export_dataset(data, "tmx", tmp_path / "t.tmx")
    tuvs = ET.parse(tmp_path / "t.tmx").getroot().findall("./body/tu/tuv")
    assert [tuv.find("prop[@type='x-url']").text for tuv in tuvs] == [fr_url, ar_url]
